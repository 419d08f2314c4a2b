//! No PHI outside the record: a whole flow's logs and mails carry no name, email address,
//! intake text or media URL.

use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use visits_tests::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_and_mails_of_a_whole_flow_carry_no_phi() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut app = TestApp::new().await;
    let mut crisis = routine_intake();
    crisis["crisis"] = json!(true);
    app.call(api(
        patient_claims(ESTABLISHED),
        "POST",
        "/visits",
        &create_body(crisis, "video/mp4", 9),
    ))
    .await;
    let id = app.submitted_visit().await;
    let (_, review) = read(
        app.call(api(
            physician_claims(),
            "GET",
            &format!("/review/visits/{id}"),
            "",
        ))
        .await,
    );
    let questions = json!({ "kind": "questions", "message": "Is the insomnia from the dose?" });
    let path = format!("/review/visits/{id}/response");
    app.call(api(
        physician_claims(),
        "POST",
        &path,
        &questions.to_string(),
    ))
    .await;
    let answer = json!({ "message": "My panic attacks stopped" }).to_string();
    app.call(api(
        patient_claims(ESTABLISHED),
        "POST",
        &format!("/visits/{id}/answer"),
        &answer,
    ))
    .await;
    app.clock.set("2026-12-03T23:00:00Z");
    for (_, payload) in app.timers.due(app.clock.now_ts()).unwrap() {
        sla_alert::handle(&app.services, payload).await.unwrap();
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let media_url = review["media_url"].as_str().unwrap();
    let forbidden = [
        patient_name(ESTABLISHED),
        patient_email(ESTABLISHED),
        "sertraline".to_owned(),
        "insomnia".to_owned(),
        "panic attacks".to_owned(),
        media_url.to_owned(),
        "media/view".to_owned(),
    ];
    assert!(
        logs.contains(&id),
        "the logs should name the visit id; the capture is broken"
    );
    let mails = app.mails();
    assert!(
        mails.len() >= 6,
        "expected a whole flow of mail, got {:?}",
        app.templates()
    );
    for phi in &forbidden {
        assert!(!logs.contains(phi.as_str()), "the logs contain {phi:?}");
        for mail in &mails {
            assert!(
                !mail.subject.contains(phi.as_str()),
                "a subject contains {phi:?}"
            );
            assert!(!mail.body.contains(phi.as_str()), "a body contains {phi:?}");
        }
    }
}
