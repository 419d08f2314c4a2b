//! The practice's policy, as a patient meets it over HTTP.

use crate::{ESTABLISHED, NEW_PATIENT, spawn_app};
use serde_json::Value;
use visits_tests::{MP4, create_body, routine_intake};

#[tokio::test]
async fn a_new_patient_is_refused_with_new_patient_code() {
    // Arrange
    let app = spawn_app().await;
    let token = app.sign_in(NEW_PATIENT).await;

    // Act
    let body = create_body(routine_intake(), "video/mp4", MP4.len() as u64);
    let reply = app.post_text("/visits", &token, body).await;

    // Assert: refused, and no visit was made.
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert_eq!(reply.code(), "new_patient");
    let visits = app.get("/visits", Some(&token)).await;
    assert_eq!(visits.body, Value::Array(vec![]), "{}", visits.body);
}

#[tokio::test]
async fn a_crisis_intake_returns_988_and_911() {
    // Arrange
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let mut intake = routine_intake();
    intake["crisis"] = Value::Bool(true);

    // Act
    let body = create_body(intake, "video/mp4", MP4.len() as u64);
    let reply = app.post_text("/visits", &token, body).await;

    // Assert: the patient is pointed at 988 and 911.
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.code(), "crisis");
    let hrefs: Vec<&str> = reply.body["crisis_resources"]
        .as_array()
        .expect("crisis resources")
        .iter()
        .filter_map(|r| r["href"].as_str())
        .collect();
    for href in ["tel:988", "sms:988", "tel:911"] {
        assert!(hrefs.contains(&href), "{href} missing from {hrefs:?}");
    }

    // Assert: the physician was alerted, and the alert carries no intake answers.
    let mails = app.mails().await;
    let alerts: Vec<&Value> = mails
        .iter()
        .filter(|m| crate::template_of(m) == "crisis_alert")
        .collect();
    assert_eq!(alerts.len(), 1, "{mails:?}");
    assert_eq!(alerts[0]["audience"], "physician");
    let note = routine_intake()["note"].as_str().unwrap().to_owned();
    assert!(
        !alerts[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains(&note)
    );
}
