//! The one-machine stack over real HTTP: each test starts its own stack on a free port with a
//! fresh data folder and a clock it moves by hand, then talks to it as a browser would.

mod auth;
mod flow;
mod limits;
mod multipart;
mod openapi;
mod policy;
mod restart;
mod uploads;

use serde_json::{Value, json};
use stack::{RunningStack, StackConfig};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Once};
use std::time::Duration;
use tempfile::TempDir;
use visits_tests::{MP4, TUESDAY_MORNING, TestClock, create_body, routine_intake};

/// The physician's local account.
pub const PHYSICIAN: &str = "demo-physician";
/// The established demo patient: may use async visits.
pub const ESTABLISHED: &str = "demo-established";
/// The new demo patient: no live initial evaluation yet.
pub const NEW_PATIENT: &str = "demo-new";

/// How long a background step (the upload event, a timer) gets before a test gives up.
const PATIENCE: Duration = Duration::from_secs(5);
/// How often a test looks again while it waits.
const POLL: Duration = Duration::from_millis(50);

/// A started stack and what a test needs to talk to it.
pub struct TestStack {
    pub base_url: String,
    pub client: reqwest::Client,
    pub clock: Arc<TestClock>,
    pub data_dir: TempDir,
    stack: RunningStack,
}

/// Logs go to the test output only when `TEST_LOG` is set, so a failing run can be read
/// with them and a passing one stays quiet.
fn init_tracing() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            tracing_subscriber::fmt()
                .with_env_filter("info")
                .with_test_writer()
                .init();
        }
    });
}

/// A stack on a free port with a fresh data folder and a clock at a Tuesday morning.
pub async fn spawn_app() -> TestStack {
    let data_dir = tempfile::tempdir().expect("a temporary folder");
    spawn_app_on(data_dir, TestClock::at(TUESDAY_MORNING)).await
}

/// A stack on an existing data folder and clock, as after a restart.
pub async fn spawn_app_on(data_dir: TempDir, clock: Arc<TestClock>) -> TestStack {
    init_tracing();
    let mut config = StackConfig::new(data_dir.path().to_path_buf());
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    // Short, so a timer that is due fires well within a test's patience.
    config.timer_poll = Duration::from_millis(50);
    config.clock = clock.clone();

    let stack = stack::start(config).await.expect("the stack starts");
    TestStack {
        base_url: stack.base_url.clone(),
        client: reqwest::Client::new(),
        clock,
        data_dir,
        stack,
    }
}

/// A response's status and body, the body as JSON (`Null` when empty or not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    async fn of(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("a response body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Self { status, body }
    }

    /// The problem `code` of an error response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

impl TestStack {
    /// Stops the stack and hands back its data folder and clock, to start another on them.
    pub async fn stop(self) -> (TempDir, Arc<TestClock>) {
        self.stack.stop().await;
        (self.data_dir, self.clock)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Signs in through the dev sign-in and returns the bearer token.
    pub async fn sign_in(&self, subject: &str) -> String {
        let reply = Reply::of(
            self.client
                .post(self.url("/dev/sign-in"))
                .json(&json!({ "subject": subject }))
                .send()
                .await
                .expect("the sign-in request is sent"),
        )
        .await;
        assert_eq!(
            reply.status, 200,
            "signing in {subject} failed: {}",
            reply.body
        );
        reply.body["token"].as_str().expect("a token").to_owned()
    }

    /// `GET path`, with a bearer token if given.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Reply::of(request.send().await.expect("the request is sent")).await
    }

    /// `POST path` with a JSON body and a bearer token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.post_text(path, token, body.to_string()).await
    }

    /// `POST path` with a body sent as is, declared as JSON.
    pub async fn post_text(&self, path: &str, token: &str, body: String) -> Reply {
        let request = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body);
        Reply::of(request.send().await.expect("the request is sent")).await
    }

    /// Creates a routine visit for a video of `length` bytes; returns the created visit and
    /// its upload plan.
    pub async fn create_visit(&self, token: &str, length: usize) -> Value {
        let body = create_body(routine_intake(), "video/mp4", length as u64);
        let reply = self.post_text("/visits", token, body).await;
        assert_eq!(reply.status, 201, "creating a visit failed: {}", reply.body);
        reply.body
    }

    /// PUTs `bytes` to the single-PUT URL of a created visit with the headers it names,
    /// changing them by `edit` first.
    pub async fn put_video_with(
        &self,
        created: &Value,
        bytes: Vec<u8>,
        edit: impl FnOnce(&mut String, &mut Vec<(String, String)>),
    ) -> Reply {
        let upload = &created["upload"];
        assert_eq!(upload["method"], "single", "a single-PUT plan: {upload}");
        let mut url = upload["url"].as_str().expect("an upload URL").to_owned();
        let mut headers: Vec<(String, String)> = upload["headers"]
            .as_object()
            .expect("upload headers")
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap_or_default().to_owned()))
            .collect();
        edit(&mut url, &mut headers);

        let mut request = self.client.put(url).body(bytes);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        Reply::of(request.send().await.expect("the upload is sent")).await
    }

    /// PUTs `bytes` exactly as the upload plan says.
    pub async fn put_video(&self, created: &Value, bytes: Vec<u8>) -> Reply {
        self.put_video_with(created, bytes, |_, _| {}).await
    }

    /// Creates a visit for the established patient and uploads a small valid MP4; returns
    /// the patient's token and the visit id once the visit is submitted.
    pub async fn submitted_visit(&self) -> (String, String) {
        let token = self.sign_in(ESTABLISHED).await;
        let created = self.create_visit(&token, MP4.len()).await;
        let id = visit_id(&created);
        let put = self.put_video(&created, MP4.to_vec()).await;
        assert_eq!(put.status, 200, "the upload was refused: {}", put.body);
        self.wait_for_status(&token, &id, "submitted").await;
        (token, id)
    }

    /// Polls the patient's view of a visit until it has `status`, and returns that view.
    pub async fn wait_for_status(&self, token: &str, id: &str, status: &str) -> Value {
        let path = format!("/visits/{id}");
        let started = tokio::time::Instant::now();
        loop {
            let reply = self.get(&path, Some(token)).await;
            if reply.body["status"] == status {
                return reply.body;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the visit did not become {status}; last seen: {}",
                reply.body
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Every mail sent so far, oldest first.
    pub async fn mails(&self) -> Vec<Value> {
        let reply = self.get("/dev/outbox.json", None).await;
        assert_eq!(
            reply.status, 200,
            "reading the outbox failed: {}",
            reply.body
        );
        let mut mails = reply.body.as_array().expect("a list of mails").clone();
        // The outbox lists newest first.
        mails.reverse();
        mails
    }

    /// The template names of the mail sent so far, oldest first.
    pub async fn templates(&self) -> Vec<String> {
        self.mails()
            .await
            .iter()
            .map(|mail| template_of(mail).to_owned())
            .collect()
    }

    /// Polls the outbox until every template of `wanted` was sent; returns all template names.
    pub async fn wait_for_templates(&self, wanted: &[&str]) -> Vec<String> {
        let started = tokio::time::Instant::now();
        loop {
            let templates = self.templates().await;
            if wanted.iter().all(|w| templates.iter().any(|t| t == w)) {
                return templates;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the outbox never held all of {wanted:?}; it holds {templates:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// The files stored as media objects, relative to the objects folder.
    pub fn stored_objects(&self) -> Vec<String> {
        let mut found = Vec::new();
        collect_files(&self.data_dir.path().join("media/objects"), &mut found);
        found
    }
}

fn collect_files(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, found);
        } else {
            found.push(path.display().to_string());
        }
    }
}

/// The visit id of a create-visit response.
pub fn visit_id(created: &Value) -> String {
    created["visit"]["id"]
        .as_str()
        .expect("a visit id")
        .to_owned()
}

/// The template name of a mail from the outbox: `{"template": {"template": "…", …}}`.
pub fn template_of(mail: &Value) -> &str {
    mail["template"]["template"].as_str().unwrap_or_default()
}

/// How many times `name` occurs in `templates`.
pub fn count(templates: &[String], name: &str) -> usize {
    templates.iter().filter(|t| *t == name).count()
}
