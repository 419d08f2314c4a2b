//! The test harness: the functions' handlers on embedded adapters with a clock that holds
//! still, requests and events built from fixture files of the real AWS shapes, and helpers
//! that read what happened.

use jiff::Timestamp;
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};
use shared::calendar::PracticeCalendar;
use shared::embedded::{FolderMedia, ObjectCreated, Outbox, SqliteStore, SqliteTimers};
use shared::ids::{ObjectKey, PatientId};
use shared::notice::Mail;
use shared::patient::{Membership, Patient};
use shared::ports::{AlertPayload, Clock, VisitStore};
use shared::services::Services;
use shared::settings::Settings;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedReceiver;

/// A clock tests move by hand.
#[derive(Debug)]
pub struct TestClock(Mutex<Timestamp>);

impl TestClock {
    /// A clock standing at `at`.
    pub fn at(at: &str) -> Arc<Self> {
        Arc::new(Self(Mutex::new(at.parse().expect("a valid instant"))))
    }

    /// The time it shows.
    pub fn now_ts(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: &str) {
        *self.0.lock().unwrap() = at.parse().expect("a valid instant");
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

/// A Tuesday morning in New York: uploads then are due Wednesday 17:00 EST (22:00 UTC).
pub const TUESDAY_MORNING: &str = "2026-12-01T14:00:00Z";

/// The established demo patient of every test app.
pub const ESTABLISHED: &str = "patient-established";
/// A patient with no live initial evaluation.
pub const NEW_PATIENT: &str = "patient-new";
/// Another established patient.
pub const OTHER: &str = "patient-other";
/// A patient whose membership lapsed.
pub const LAPSED: &str = "patient-lapsed";
/// A patient for whom the physician turned async off.
pub const PAUSED: &str = "patient-paused";
/// The physician's subject.
pub const PHYSICIAN: &str = "physician-1";

/// The handlers on embedded adapters in a temporary folder.
pub struct TestApp {
    pub services: Services,
    pub store: Arc<SqliteStore>,
    pub media: Arc<FolderMedia>,
    pub outbox: Arc<Outbox>,
    pub timers: Arc<SqliteTimers>,
    pub clock: Arc<TestClock>,
    pub created: UnboundedReceiver<ObjectCreated>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A fresh app on the default calendar, at [`TUESDAY_MORNING`], with the test patients.
    pub async fn new() -> Self {
        Self::with_settings(Settings::default()).await
    }

    /// A fresh app with particular settings.
    pub async fn with_settings(settings: Settings) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let clock = TestClock::at(TUESDAY_MORNING);
        let store = Arc::new(SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap());
        let outbox = Arc::new(Outbox::new(&store).with_clock(clock.clone()));
        let timers = Arc::new(SqliteTimers::new(&store));
        let (tx, created) = tokio::sync::mpsc::unbounded_channel();
        let media = Arc::new(
            FolderMedia::open(
                dir.path().join("media"),
                "http://media.test".into(),
                [7; 32],
                tx,
            )
            .unwrap()
            .with_clock(clock.clone()),
        );
        let services = Services {
            store: store.clone(),
            media: media.clone(),
            notifier: outbox.clone(),
            scheduler: timers.clone(),
            identities: Arc::new(shared::embedded::LocalDirectory),
            clock: clock.clone(),
            calendar: PracticeCalendar::default(),
            settings,
        };

        let app = Self {
            services,
            store,
            media,
            outbox,
            timers,
            clock,
            created,
            _dir: dir,
        };
        app.add_patient(ESTABLISHED, Membership::Active, true, true)
            .await;
        app.add_patient(NEW_PATIENT, Membership::Active, false, true)
            .await;
        app.add_patient(OTHER, Membership::Active, true, true).await;
        app.add_patient(LAPSED, Membership::Inactive, true, true)
            .await;
        app.add_patient(PAUSED, Membership::Active, true, false)
            .await;
        app
    }

    async fn add_patient(&self, id: &str, membership: Membership, evaluated: bool, on: bool) {
        let patient = Patient {
            id: PatientId::parse(id).unwrap(),
            name: patient_name(id),
            email: patient_email(id),
            membership,
            initial_evaluation_on: evaluated.then(|| jiff::civil::date(2025, 6, 2)),
            async_enabled: on,
            crisis_flagged_at: None,
            created_at: self.clock.now(),
        };
        self.store.create_patient(&patient).await.unwrap();
    }

    /// Every mail sent so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        let mut entries = self.outbox.list().unwrap();
        entries.reverse();
        entries.into_iter().map(|e| e.mail).collect()
    }

    /// The names of the templates sent so far, oldest first.
    pub fn templates(&self) -> Vec<&'static str> {
        self.mails().iter().map(|m| m.template.name()).collect()
    }

    /// Schedules still pending, by name.
    pub fn schedule_names(&self) -> Vec<String> {
        self.timers
            .pending()
            .unwrap()
            .into_iter()
            .map(|(name, _, _)| name)
            .collect()
    }

    /// Sends an API request to the function that serves its route, as API Gateway would.
    pub async fn call(&self, request: Request) -> Response<Body> {
        route(&self.services, request).await
    }

    /// A visit as `patient` reads it through the patient API.
    pub async fn visit_as(&self, patient: &str, visit_id: &str) -> (u16, Value) {
        let path = format!("/visits/{visit_id}");
        read(
            self.call(api(patient_claims(patient), "GET", &path, ""))
                .await,
        )
    }

    /// A visit as the store holds it.
    pub async fn stored_visit(&self, visit_id: &str) -> shared::visit::Visit {
        let id = shared::ids::VisitId::parse(visit_id).unwrap();
        self.store
            .visit(id)
            .await
            .unwrap()
            .expect("the visit is stored")
    }

    /// The physician responds to a visit; returns the status and body of the answer.
    pub async fn respond(&self, visit_id: &str, kind: &str, message: &str) -> (u16, Value) {
        let body = json!({ "kind": kind, "message": message }).to_string();
        let path = format!("/review/visits/{visit_id}/response");
        read(
            self.call(api(physician_claims(), "POST", &path, &body))
                .await,
        )
    }

    /// Creates an accepted visit for `patient` with a small MP4 and returns the response.
    pub async fn create_visit(&self, patient: &str, length: u64) -> Value {
        let body = create_body(routine_intake(), "video/mp4", length);
        let response = self
            .call(api(patient_claims(patient), "POST", "/visits", &body))
            .await;
        let (status, json) = read(response);
        assert_eq!(status, 201, "visit creation failed: {json}");
        json
    }

    /// Uploads `bytes` through the single-PUT URL of a create-visit response, the way a
    /// browser would, and returns the object the media store announced.
    pub async fn upload(
        &mut self,
        created: &Value,
        content_type: &str,
        bytes: &[u8],
    ) -> ObjectCreated {
        let url = created["upload"]["url"]
            .as_str()
            .expect("a single-PUT plan");
        let query = url.split_once('?').unwrap().1;
        let now = self.clock.now();
        let length = Some(bytes.len() as u64);
        self.media
            .accept_put(query, Some(content_type), length, bytes, now)
            .await
            .unwrap();
        self.created.try_recv().expect("the upload was announced")
    }

    /// Creates a visit for the established patient, uploads a valid MP4 and hands the S3
    /// event to the upload handler. Returns the visit id.
    pub async fn submitted_visit(&mut self) -> String {
        let created = self.create_visit(ESTABLISHED, MP4.len() as u64).await;
        let object = self.upload(&created, "video/mp4", MP4).await;
        upload_received::handle(&self.services, s3_event(object.key.as_str()))
            .await
            .unwrap();
        created["visit"]["id"].as_str().unwrap().to_owned()
    }
}

/// Sends an API request to the function API Gateway routes it to, on `services`.
pub async fn route(services: &Services, request: Request) -> Response<Body> {
    let path = request.uri().path().to_owned();
    if request.method() == "POST" && (path == "/visits" || path == "/visits/eligibility") {
        create_visit::handle(services, request).await
    } else if path.starts_with("/review") {
        review_api::handle(services, request).await
    } else {
        patient_api::handle(services, request).await
    }
}

/// The first bytes of a real MP4 file: a `ftyp` box of brand `isom`.
pub const MP4: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2\0\0\0\x08free";

/// The name of a test patient: distinctive, so a test can look for it in logs and mail.
pub fn patient_name(id: &str) -> String {
    format!("Zelda Quimby-{id}")
}

/// The email address of a test patient.
pub fn patient_email(id: &str) -> String {
    format!("{id}@patients.test")
}

/// A routine intake: a refill, nothing new, with a distinctive note.
pub fn routine_intake() -> Value {
    json!({
        "reason": "refill",
        "crisis": false,
        "new_symptoms": false,
        "significant_change": false,
        "unsure": false,
        "note": "sertraline makes me sleepy after lunch"
    })
}

/// A `POST /visits` body.
pub fn create_body(intake: Value, content_type: &str, length: u64) -> String {
    json!({ "intake": intake, "video": { "content_type": content_type, "length": length } })
        .to_string()
}

/// JWT claims of a patient, as the authorizer renders them.
pub fn patient_claims(subject: &str) -> Option<(String, String)> {
    Some((subject.to_owned(), "[patient]".to_owned()))
}

/// JWT claims of the physician.
pub fn physician_claims() -> Option<(String, String)> {
    Some((PHYSICIAN.to_owned(), "[physician]".to_owned()))
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// An HTTP API request built from the API Gateway fixture: `claims` is `(sub, groups)` or
/// `None` for a request with no authorizer context at all.
pub fn api(claims: Option<(String, String)>, method: &str, path: &str, body: &str) -> Request {
    let (path_only, query) = path.split_once('?').unwrap_or((path, ""));
    let mut event = fixture("apigw-http-request.json");
    event["rawPath"] = json!(path_only);
    event["rawQueryString"] = json!(query);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path_only);
    event["requestContext"]["routeKey"] = json!(format!("{method} {path_only}"));
    event["body"] = if body.is_empty() {
        Value::Null
    } else {
        json!(body)
    };
    if !query.is_empty() {
        let params: serde_json::Map<String, Value> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), json!(v)))
            .collect();
        event["queryStringParameters"] = Value::Object(params);
    }
    match claims {
        Some((sub, groups)) => {
            let claims = &mut event["requestContext"]["authorizer"]["jwt"]["claims"];
            claims["sub"] = json!(sub);
            claims["cognito:username"] = json!(sub);
            claims["cognito:groups"] = json!(groups);
        }
        None => {
            event["requestContext"]
                .as_object_mut()
                .unwrap()
                .remove("authorizer");
        }
    }
    lambda_http::request::from_str(&event.to_string()).expect("the fixture is an HTTP API event")
}

/// An S3 `ObjectCreated:Put` event from the fixture, for `key` (URL-encoded as S3 does).
pub fn s3_event(key: &str) -> aws_lambda_events::event::s3::S3Event {
    let mut event = fixture("s3-object-created.json");
    event["Records"][0]["s3"]["object"]["key"] = json!(key.replace('/', "%2F"));
    serde_json::from_value(event).unwrap()
}

/// A Scheduler payload from the fixture.
pub fn alert(visit_id: &str, kind: &str, round: u32) -> AlertPayload {
    let mut payload = fixture("scheduler-alert.json");
    payload["visit_id"] = json!(visit_id);
    payload["alert"] = json!(kind);
    payload["round"] = json!(round);
    serde_json::from_value(payload).unwrap()
}

/// Status and JSON body of a response.
pub fn read(response: Response<Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = match response.body() {
        Body::Text(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        Body::Binary(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    (status, body)
}

/// The key of a visit's first upload attempt.
pub fn first_key(visit_id: &str) -> ObjectKey {
    ObjectKey::for_upload(shared::ids::VisitId::parse(visit_id).unwrap(), 1)
}

pub mod servers;
