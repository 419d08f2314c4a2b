//! Whole visits through the handlers: intake, upload, queue, alerts, response.

use serde_json::json;
use shared::audit::AuditAction;
use shared::ids::VisitId;
use shared::ports::VisitStore;
use sla_alert::Outcome as AlertOutcome;
use upload_received::Outcome;
use visits_tests::*;

#[tokio::test]
async fn a_routine_visit_goes_from_intake_to_the_physicians_response() {
    let mut app = TestApp::new().await;

    let created = app.create_visit(ESTABLISHED, MP4.len() as u64).await;
    let id = created["visit"]["id"].as_str().unwrap().to_owned();
    let object = app.upload(&created, "video/mp4", MP4).await;
    let outcomes = upload_received::handle(&app.services, s3_event(object.key.as_str())).await;
    assert_eq!(outcomes.unwrap(), vec![Outcome::Submitted]);

    let (_, queue) = read(
        app.call(api(physician_claims(), "GET", "/review/queue", ""))
            .await,
    );
    assert_eq!(queue["visits"][0]["visit_id"], json!(id));
    assert_eq!(
        queue["visits"][0]["due"]["deadline"],
        json!("2026-12-02T22:00:00Z")
    );

    let path = format!("/review/visits/{id}/response");
    let body = json!({ "kind": "medication_adjustment", "message": "Take it at night." });
    let (status, _) = read(
        app.call(api(physician_claims(), "POST", &path, &body.to_string()))
            .await,
    );
    assert_eq!(status, 200);

    let (_, mine) = app.visit_as(ESTABLISHED, &id).await;
    assert_eq!(mine["status"], json!("responded"));
    assert_eq!(
        mine["conversation"][0]["message"],
        json!("Take it at night.")
    );
    assert_eq!(
        app.templates(),
        ["new_visit_waiting", "upload_received", "response_waiting"]
    );
}

#[tokio::test]
async fn a_verified_upload_is_due_at_the_close_of_the_next_business_day() {
    let mut app = TestApp::new().await;
    app.clock.set("2026-11-25T20:00:00Z"); // the Wednesday before Thanksgiving, 15:00 local

    let id = app.submitted_visit().await;

    let visit = app.stored_visit(&id).await;
    let due = visit.due.unwrap();
    assert_eq!(due.deadline.to_string(), "2026-11-27T22:00:00Z");
    assert_eq!(due.reminder_at.to_string(), "2026-11-27T20:00:00Z");
}

#[tokio::test]
async fn a_submitted_visit_has_its_reminder_and_overdue_alert_scheduled() {
    let mut app = TestApp::new().await;

    let id = app.submitted_visit().await;

    let names = app.schedule_names();
    assert_eq!(
        names,
        [format!("{id}-r1-reminder"), format!("{id}-r1-overdue")]
    );
}

#[tokio::test]
async fn the_reminder_and_the_overdue_alert_reach_the_physician_while_the_visit_waits() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;

    app.clock.set("2026-12-02T20:00:00Z");
    let reminder = sla_alert::handle(&app.services, alert(&id, "reminder", 1))
        .await
        .unwrap();
    app.clock.set("2026-12-02T22:00:00Z");
    let overdue = sla_alert::handle(&app.services, alert(&id, "overdue", 1))
        .await
        .unwrap();

    assert_eq!(
        (reminder, overdue),
        (AlertOutcome::Sent, AlertOutcome::Sent)
    );
    let physician_mail: Vec<_> = app
        .mails()
        .into_iter()
        .filter(|m| m.to == "physician@practice.test")
        .collect();
    let names: Vec<_> = physician_mail.iter().map(|m| m.template.name()).collect();
    assert_eq!(names, ["new_visit_waiting", "reminder_due", "overdue"]);
}

#[tokio::test]
async fn responding_removes_the_visit_from_the_queue_and_cancels_its_alerts() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;

    let body = json!({ "kind": "no_change", "message": "All good." }).to_string();
    let path = format!("/review/visits/{id}/response");
    app.call(api(physician_claims(), "POST", &path, &body))
        .await;

    let (_, queue) = read(
        app.call(api(physician_claims(), "GET", "/review/queue", ""))
            .await,
    );
    assert_eq!(queue["visits"], json!([]));
    assert!(
        app.schedule_names().is_empty(),
        "left: {:?}",
        app.schedule_names()
    );
}

#[tokio::test]
async fn questions_send_the_visit_to_the_patient_and_an_answer_returns_it_with_a_new_deadline() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    app.respond(&id, "questions", "How is your sleep?").await;

    app.clock.set("2026-12-04T21:00:00Z"); // Friday 16:00 local
    let answer = json!({ "message": "Better since last week." }).to_string();
    let path = format!("/visits/{id}/answer");
    let (status, visit) = read(
        app.call(api(patient_claims(ESTABLISHED), "POST", &path, &answer))
            .await,
    );

    assert_eq!(status, 200);
    assert_eq!(visit["status"], json!("submitted"));
    assert_eq!(visit["due"]["deadline"], json!("2026-12-07T22:00:00Z"));
    assert_eq!(
        app.schedule_names(),
        [format!("{id}-r2-reminder"), format!("{id}-r2-overdue")]
    );
    let templates = app.templates();
    assert_eq!(
        &templates[2..],
        ["questions_waiting", "new_visit_waiting", "upload_received"]
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_video_is_rejected_deleted_and_the_patient_asked_to_start_again() {
    let mut app = TestApp::new().await;
    let pdf = b"%PDF-1.7 this is not a video at all";
    let created = app.create_visit(ESTABLISHED, pdf.len() as u64).await;

    let object = app.upload(&created, "video/mp4", pdf).await;
    let outcomes = upload_received::handle(&app.services, s3_event(object.key.as_str())).await;

    assert_eq!(
        outcomes.unwrap(),
        vec![Outcome::Rejected(shared::visit::RejectionReason::NotAVideo)]
    );
    assert_eq!(app.services.media.inspect(&object.key).await.unwrap(), None);
    assert_eq!(app.templates(), ["upload_rejected"]);
}

#[tokio::test]
async fn a_visit_with_no_upload_is_abandoned_after_a_day() {
    let app = TestApp::new().await;
    let created = app.create_visit(ESTABLISHED, 100).await;
    let id = created["visit"]["id"].as_str().unwrap();

    app.clock.set("2026-12-02T14:00:00Z");
    let due: Vec<_> = app.timers.due(app.clock.now_ts()).unwrap();
    let outcome = sla_alert::handle(&app.services, due[0].1.clone())
        .await
        .unwrap();

    assert_eq!(outcome, AlertOutcome::Abandoned);
    let (_, visit) = app.visit_as(ESTABLISHED, id).await;
    assert_eq!(visit["status"], json!("abandoned"));
}

#[tokio::test]
async fn a_cancelled_visit_frees_the_patient_to_start_another() {
    let app = TestApp::new().await;
    let created = app.create_visit(ESTABLISHED, 100).await;
    let id = created["visit"]["id"].as_str().unwrap();

    let path = format!("/visits/{id}/cancel");
    let (status, visit) = read(
        app.call(api(patient_claims(ESTABLISHED), "POST", &path, ""))
            .await,
    );

    assert_eq!((status, &visit["status"]), (200, &json!("cancelled")));
    app.create_visit(ESTABLISHED, 100).await;
}

#[tokio::test]
async fn a_fresh_upload_url_for_another_file_is_a_new_attempt_under_a_new_key() {
    let app = TestApp::new().await;
    let created = app.create_visit(ESTABLISHED, 100).await;
    let id = created["visit"]["id"].as_str().unwrap();

    let body = json!({ "content_type": "video/webm", "length": 200 }).to_string();
    let path = format!("/visits/{id}/upload");
    let (status, renewed) = read(
        app.call(api(patient_claims(ESTABLISHED), "POST", &path, &body))
            .await,
    );

    assert_eq!(status, 200);
    assert!(
        renewed["upload"]["url"]
            .as_str()
            .unwrap()
            .contains(&format!("{id}%2F2"))
    );
    assert_eq!(renewed["visit"]["video_type"], json!("video/webm"));
}

#[tokio::test]
async fn a_large_video_gets_a_multipart_plan_that_completes_through_the_patient_api() {
    let settings = shared::settings::Settings {
        multipart_threshold_bytes: 6 * 1024 * 1024,
        part_bytes: 5 * 1024 * 1024,
        ..Default::default()
    };
    let mut app = TestApp::with_settings(settings).await;
    let mut video = MP4.to_vec();
    video.resize(7 * 1024 * 1024, 0);
    let created = app.create_visit(ESTABLISHED, video.len() as u64).await;
    let id = created["visit"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["upload"]["method"], json!("multipart"));

    let mut parts = Vec::new();
    let mut offset = 0;
    for part in created["upload"]["parts"].as_array().unwrap() {
        let length = part["length"].as_u64().unwrap() as usize;
        let query = part["url"].as_str().unwrap().split_once('?').unwrap().1;
        let chunk = &video[offset..offset + length];
        let now = app.clock.now_ts();
        let etag = app
            .media
            .accept_part(query, Some(length as u64), chunk, now)
            .await
            .unwrap();
        parts.push(json!({ "part_number": part["part_number"], "etag": etag }));
        offset += length;
    }
    let upload_id = created["upload"]["upload_id"].clone();
    let body = json!({ "upload_id": upload_id, "parts": parts }).to_string();
    let path = format!("/visits/{id}/upload/complete");
    let (status, _) = read(
        app.call(api(patient_claims(ESTABLISHED), "POST", &path, &body))
            .await,
    );
    let object = app.created.try_recv().unwrap();
    let outcomes = upload_received::handle(&app.services, s3_event(object.key.as_str())).await;

    assert_eq!(status, 202);
    assert_eq!(outcomes.unwrap(), vec![Outcome::Submitted]);
}

#[tokio::test]
async fn every_media_view_is_audited_with_who_and_when() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;

    let path = format!("/review/visits/{id}");
    let (_, review) = read(app.call(api(physician_claims(), "GET", &path, "")).await);
    app.call(api(physician_claims(), "GET", &path, "")).await;

    assert!(
        review["media_url"]
            .as_str()
            .unwrap()
            .starts_with("http://media.test/media/view?")
    );
    let trail = app
        .store
        .audit_of_visit(VisitId::parse(&id).unwrap())
        .await
        .unwrap();
    let views: Vec<_> = trail
        .iter()
        .filter(|e| e.action == AuditAction::MediaViewed)
        .collect();
    assert_eq!(views.len(), 2);
    assert_eq!(
        views[0].actor,
        shared::audit::Actor::Physician(PHYSICIAN.to_owned())
    );
    assert_eq!(views[0].at.to_string(), TUESDAY_MORNING);
}

#[tokio::test]
async fn the_review_shows_which_alerts_the_physician_was_sent() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    app.clock.set("2026-12-02T20:00:00Z");
    sla_alert::handle(&app.services, alert(&id, "reminder", 1))
        .await
        .unwrap();

    let (_, review) = read(
        app.call(api(
            physician_claims(),
            "GET",
            &format!("/review/visits/{id}"),
            "",
        ))
        .await,
    );

    let sent = &review["alerts_sent"];
    assert_eq!(
        sent,
        &json!([{ "alert": "reminder", "round": 1, "at": "2026-12-02T20:00:00Z" }])
    );
}
