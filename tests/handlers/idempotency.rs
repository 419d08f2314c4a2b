//! Events repeat and reorder: every handler is idempotent.

use async_trait::async_trait;
use serde_json::json;

use shared::notice::Mail;
use shared::ports::{Notifier, PortError};
use sla_alert::Outcome as AlertOutcome;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use upload_received::Outcome;
use visits_tests::*;

#[tokio::test]
async fn the_same_upload_event_twice_makes_one_transition_and_one_email_each() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;

    let again = upload_received::handle(&app.services, s3_event(first_key(&id).as_str())).await;

    assert_eq!(again.unwrap(), vec![Outcome::Duplicate]);
    let visit = app.stored_visit(&id).await;
    assert_eq!(visit.history.len(), 2);
    assert_eq!(app.templates(), ["new_visit_waiting", "upload_received"]);
}

#[tokio::test]
async fn an_event_for_an_earlier_upload_attempt_arriving_late_changes_nothing() {
    let mut app = TestApp::new().await;
    let created = app.create_visit(ESTABLISHED, MP4.len() as u64).await;
    let id = created["visit"]["id"].as_str().unwrap().to_owned();
    let old = app.upload(&created, "video/mp4", MP4).await;
    let body = json!({ "content_type": "video/mp4", "length": MP4.len() }).to_string();
    let path = format!("/visits/{id}/upload");
    let (_, renewed) = read(
        app.call(api(patient_claims(ESTABLISHED), "POST", &path, &body))
            .await,
    );
    let new = app.upload(&renewed, "video/mp4", MP4).await;
    upload_received::handle(&app.services, s3_event(new.key.as_str()))
        .await
        .unwrap();

    let late = upload_received::handle(&app.services, s3_event(old.key.as_str())).await;

    assert_eq!(late.unwrap(), vec![Outcome::Discarded]);
    let visit = app.stored_visit(&id).await;
    assert_eq!(
        (visit.upload.attempt, visit.round, visit.history.len()),
        (2, 1, 2)
    );
    assert_eq!(app.templates(), ["new_visit_waiting", "upload_received"]);
}

#[tokio::test]
async fn an_upload_event_after_the_response_changes_nothing_and_sends_nothing() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    app.respond(&id, "no_change", "Fine.").await;

    let late = upload_received::handle(&app.services, s3_event(first_key(&id).as_str())).await;

    assert_eq!(late.unwrap(), vec![Outcome::Duplicate]);
    assert!(app.schedule_names().is_empty());
    assert_eq!(
        app.templates(),
        ["new_visit_waiting", "upload_received", "response_waiting"]
    );
}

#[tokio::test]
async fn an_alert_after_the_response_sends_nothing() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    app.respond(&id, "no_change", "Fine.").await;

    app.clock.set("2026-12-02T22:00:00Z");
    let outcome = sla_alert::handle(&app.services, alert(&id, "overdue", 1))
        .await
        .unwrap();

    assert_eq!(outcome, AlertOutcome::Skipped);
    assert!(!app.templates().contains(&"overdue"));
}

#[tokio::test]
async fn a_timer_fired_twice_sends_one_email() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    app.clock.set("2026-12-02T22:00:00Z");

    let first = sla_alert::handle(&app.services, alert(&id, "overdue", 1))
        .await
        .unwrap();
    let second = sla_alert::handle(&app.services, alert(&id, "overdue", 1))
        .await
        .unwrap();

    assert_eq!((first, second), (AlertOutcome::Sent, AlertOutcome::Skipped));
    assert_eq!(
        app.templates().iter().filter(|t| **t == "overdue").count(),
        1
    );
}

#[tokio::test]
async fn an_alert_of_an_earlier_round_sends_nothing() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    app.respond(&id, "questions", "Any side effects?").await;
    let answer = json!({ "message": "None." }).to_string();
    app.call(api(
        patient_claims(ESTABLISHED),
        "POST",
        &format!("/visits/{id}/answer"),
        &answer,
    ))
    .await;

    let outcome = sla_alert::handle(&app.services, alert(&id, "reminder", 1))
        .await
        .unwrap();

    assert_eq!(outcome, AlertOutcome::Skipped);
}

#[tokio::test]
async fn an_abandon_timer_after_the_upload_changes_nothing() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;

    let outcome = sla_alert::handle(&app.services, alert(&id, "abandon", 0))
        .await
        .unwrap();

    assert_eq!(outcome, AlertOutcome::Skipped);
    let visit = app.stored_visit(&id).await;
    assert_eq!(visit.status, shared::visit::VisitStatus::Submitted);
}

/// A notifier that fails while `failing` is set, then delivers to the outbox.
struct Flaky {
    inner: Arc<dyn Notifier>,
    failing: AtomicBool,
}

#[async_trait]
impl Notifier for Flaky {
    async fn send(&self, mail: &Mail) -> Result<(), PortError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(PortError::new(
                "sending mail",
                "the mail service is unavailable",
            ));
        }
        self.inner.send(mail).await
    }
}

#[tokio::test]
async fn a_mail_that_failed_is_sent_when_the_event_is_retried_and_only_once() {
    let mut app = TestApp::new().await;
    let flaky = Arc::new(Flaky {
        inner: app.outbox.clone(),
        failing: AtomicBool::new(true),
    });
    app.services.notifier = flaky.clone();
    let created = app.create_visit(ESTABLISHED, MP4.len() as u64).await;
    let object = app.upload(&created, "video/mp4", MP4).await;

    let failed = upload_received::handle(&app.services, s3_event(object.key.as_str())).await;
    flaky.failing.store(false, Ordering::SeqCst);
    let retried = upload_received::handle(&app.services, s3_event(object.key.as_str())).await;
    let again = upload_received::handle(&app.services, s3_event(object.key.as_str())).await;

    assert!(
        failed.is_err(),
        "a failed mail must fail the invocation so Lambda retries"
    );
    assert_eq!(retried.unwrap(), vec![Outcome::Duplicate]);
    assert_eq!(again.unwrap(), vec![Outcome::Duplicate]);
    assert_eq!(app.templates(), ["new_visit_waiting", "upload_received"]);
}

#[tokio::test]
async fn a_retried_response_sends_the_mail_a_failed_attempt_missed_and_only_once() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    let flaky = Arc::new(Flaky {
        inner: app.outbox.clone(),
        failing: AtomicBool::new(true),
    });
    app.services.notifier = flaky.clone();
    let path = format!("/review/visits/{id}/response");
    let body = json!({ "kind": "no_change", "message": "Fine." }).to_string();

    let (failed, _) = read(
        app.call(api(physician_claims(), "POST", &path, &body))
            .await,
    );
    flaky.failing.store(false, Ordering::SeqCst);
    let (retried, _) = read(
        app.call(api(physician_claims(), "POST", &path, &body))
            .await,
    );
    let (again, _) = read(
        app.call(api(physician_claims(), "POST", &path, &body))
            .await,
    );

    assert_eq!((failed, retried, again), (500, 200, 200));
    let sent = app
        .templates()
        .iter()
        .filter(|t| **t == "response_waiting")
        .count();
    assert_eq!(sent, 1);
    let visit = app.stored_visit(&id).await;
    assert_eq!(visit.responses.len(), 1);
}
