//! The practice's policy at the create-visit handler: each refusal with its code and status,
//! an audit record and nothing else stored.

use serde_json::{Value, json};
use shared::audit::AuditAction;
use shared::eligibility::RefusalCode;
use shared::ids::PatientId;
use shared::ports::VisitStore;
use visits_tests::*;

async fn attempt(app: &TestApp, patient: &str, intake: Value) -> (u16, Value) {
    let body = create_body(intake, "video/mp4", 100);
    read(
        app.call(api(patient_claims(patient), "POST", "/visits", &body))
            .await,
    )
}

fn with(flag: &str) -> Value {
    let mut intake = routine_intake();
    intake[flag] = json!(true);
    intake
}

#[tokio::test]
async fn an_inactive_membership_is_refused_with_membership_inactive() {
    let app = TestApp::new().await;

    let (status, problem) = attempt(&app, LAPSED, routine_intake()).await;

    assert_eq!(
        (status, &problem["code"]),
        (403, &json!("membership_inactive"))
    );
}

#[tokio::test]
async fn someone_with_no_patient_record_is_refused_with_membership_inactive() {
    let app = TestApp::new().await;

    let (status, problem) = attempt(&app, "stranger", routine_intake()).await;

    assert_eq!(
        (status, &problem["code"]),
        (403, &json!("membership_inactive"))
    );
}

#[tokio::test]
async fn a_new_patient_is_refused_because_the_first_visit_must_be_live() {
    let app = TestApp::new().await;

    let (status, problem) = attempt(&app, NEW_PATIENT, routine_intake()).await;

    assert_eq!((status, &problem["code"]), (403, &json!("new_patient")));
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("live initial evaluation")
    );
}

#[tokio::test]
async fn a_patient_the_physician_turned_async_off_for_is_refused_with_async_disabled() {
    let app = TestApp::new().await;

    let (status, problem) = attempt(&app, PAUSED, routine_intake()).await;

    assert_eq!((status, &problem["code"]), (403, &json!("async_disabled")));
}

#[tokio::test]
async fn a_crisis_answer_shows_988_and_911_before_anything_else() {
    let app = TestApp::new().await;

    let (status, problem) = attempt(&app, ESTABLISHED, with("crisis")).await;

    assert_eq!((status, &problem["code"]), (422, &json!("crisis")));
    let hrefs: Vec<&str> = problem["crisis_resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["href"].as_str().unwrap())
        .collect();
    assert_eq!(hrefs, ["tel:988", "sms:988", "tel:911"]);
}

#[tokio::test]
async fn a_crisis_answer_outranks_every_other_refusal() {
    let app = TestApp::new().await;

    let (_, problem) = attempt(&app, NEW_PATIENT, with("crisis")).await;

    assert_eq!(problem["code"], json!("crisis"));
}

#[tokio::test]
async fn a_crisis_answer_alerts_the_physician_at_once_and_flags_the_patient() {
    let app = TestApp::new().await;

    attempt(&app, ESTABLISHED, with("crisis")).await;

    assert_eq!(app.templates(), ["crisis_alert"]);
    assert_eq!(app.mails()[0].to, "physician@practice.test");
    let patient = app
        .store
        .patient(&PatientId::parse(ESTABLISHED).unwrap())
        .await
        .unwrap();
    assert_eq!(
        patient.unwrap().crisis_flagged_at.unwrap().to_string(),
        TUESDAY_MORNING
    );
}

#[tokio::test]
async fn new_symptoms_recommend_a_live_visit() {
    let app = TestApp::new().await;

    let (status, problem) = attempt(&app, ESTABLISHED, with("new_symptoms")).await;

    assert_eq!(
        (status, &problem["code"]),
        (422, &json!("live_visit_recommended"))
    );
}

#[tokio::test]
async fn a_significant_change_recommends_a_live_visit() {
    let app = TestApp::new().await;

    let (_, problem) = attempt(&app, ESTABLISHED, with("significant_change")).await;

    assert_eq!(problem["code"], json!("live_visit_recommended"));
}

#[tokio::test]
async fn being_unsure_recommends_erring_toward_live() {
    let app = TestApp::new().await;

    let (_, problem) = attempt(&app, ESTABLISHED, with("unsure")).await;

    assert_eq!(problem["code"], json!("live_visit_recommended"));
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("err toward live")
    );
}

#[tokio::test]
async fn an_open_visit_is_refused_with_its_id() {
    let app = TestApp::new().await;
    let created = app.create_visit(ESTABLISHED, 100).await;

    let (status, problem) = attempt(&app, ESTABLISHED, routine_intake()).await;

    assert_eq!((status, &problem["code"]), (409, &json!("visit_open")));
    assert_eq!(problem["open_visit_id"], created["visit"]["id"]);
}

#[tokio::test]
async fn a_refusal_stores_nothing_but_its_audit_record() {
    let app = TestApp::new().await;

    attempt(&app, NEW_PATIENT, routine_intake()).await;

    let patient = PatientId::parse(NEW_PATIENT).unwrap();
    assert!(app.store.visits_of(&patient).await.unwrap().is_empty());
    assert!(app.schedule_names().is_empty());
    let trail = app.store.audit_of_patient(&patient).unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(
        trail[0].action,
        AuditAction::Refused {
            code: RefusalCode::NewPatient
        }
    );
}

#[tokio::test]
async fn a_routine_check_in_is_accepted_with_an_upload_url_and_an_abandon_timer() {
    let app = TestApp::new().await;
    let mut intake = routine_intake();
    intake["reason"] = json!("check_in");

    let (status, created) = attempt(&app, ESTABLISHED, intake).await;

    assert_eq!(status, 201);
    assert_eq!(created["visit"]["status"], json!("awaiting_upload"));
    assert_eq!(
        created["upload"]["headers"]["content-type"],
        json!("video/mp4")
    );
    let id = created["visit"]["id"].as_str().unwrap();
    assert_eq!(app.schedule_names(), [format!("{id}-abandon")]);
}

#[tokio::test]
async fn recording_the_initial_evaluation_makes_a_new_patient_eligible() {
    let app = TestApp::new().await;
    let body = json!({ "initial_evaluation_on": "2026-11-30" }).to_string();

    let path = format!("/review/patients/{NEW_PATIENT}");
    let (status, _) = read(
        app.call(api(physician_claims(), "PATCH", &path, &body))
            .await,
    );
    let (after, _) = attempt(&app, NEW_PATIENT, routine_intake()).await;

    assert_eq!((status, after), (200, 201));
}

#[tokio::test]
async fn a_patient_the_physician_adds_can_be_read_back() {
    let app = TestApp::new().await;
    let body = json!({ "name": "Pat Example", "email": "pat@example.com", "membership": "active" });

    let request = api(
        physician_claims(),
        "POST",
        "/review/patients",
        &body.to_string(),
    );
    let (status, added) = read(app.call(request).await);
    let path = format!("/review/patients/{}", added["id"].as_str().unwrap());
    let (_, read_back) = read(app.call(api(physician_claims(), "GET", &path, "")).await);

    assert_eq!(status, 201);
    assert_eq!(read_back["name"], json!("Pat Example"));
    assert_eq!(read_back["initial_evaluation_on"], json!(null));
    assert_eq!(read_back["async_enabled"], json!(true));
}

#[tokio::test]
async fn the_eligibility_check_accepts_a_routine_intake_and_stores_nothing() {
    let app = TestApp::new().await;
    let body = json!({ "intake": routine_intake() }).to_string();

    let request = api(
        patient_claims(ESTABLISHED),
        "POST",
        "/visits/eligibility",
        &body,
    );
    let (status, answer) = read(app.call(request).await);

    assert_eq!((status, answer), (200, json!({ "eligible": true })));
    let patient = PatientId::parse(ESTABLISHED).unwrap();
    assert!(app.store.visits_of(&patient).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_eligibility_check_refuses_a_new_patient_before_anything_is_recorded() {
    let app = TestApp::new().await;
    let body = json!({ "intake": routine_intake() }).to_string();

    let request = api(
        patient_claims(NEW_PATIENT),
        "POST",
        "/visits/eligibility",
        &body,
    );
    let (status, problem) = read(app.call(request).await);

    assert_eq!((status, &problem["code"]), (403, &json!("new_patient")));
    let trail = app
        .store
        .audit_of_patient(&PatientId::parse(NEW_PATIENT).unwrap())
        .unwrap();
    assert_eq!(
        trail[0].action,
        AuditAction::Refused {
            code: RefusalCode::NewPatient
        }
    );
}

#[tokio::test]
async fn the_eligibility_check_of_a_crisis_shows_988_and_alerts_the_physician() {
    let app = TestApp::new().await;
    let body = json!({ "intake": with("crisis") }).to_string();

    let request = api(
        patient_claims(ESTABLISHED),
        "POST",
        "/visits/eligibility",
        &body,
    );
    let (status, problem) = read(app.call(request).await);

    assert_eq!(
        (status, &problem["crisis_resources"][0]["href"]),
        (422, &json!("tel:988"))
    );
    assert_eq!(app.templates(), ["crisis_alert"]);
}
