//! Bad input gets a 4xx with a stable code and a sentence, and changes nothing.

use serde_json::{Value, json};
use shared::ids::PatientId;
use shared::ports::VisitStore;
use visits_tests::*;

/// Posts `body` to `/visits` as the established patient and checks that nothing was stored.
async fn refused_create(app: &TestApp, body: &str) -> (u16, Value) {
    let (status, problem) = read(
        app.call(api(patient_claims(ESTABLISHED), "POST", "/visits", body))
            .await,
    );
    let patient = PatientId::parse(ESTABLISHED).unwrap();
    assert!(
        app.store.visits_of(&patient).await.unwrap().is_empty(),
        "a visit was stored"
    );
    assert!(app.schedule_names().is_empty(), "a schedule was stored");
    assert!(
        problem["detail"].as_str().is_some_and(|d| d.len() > 10),
        "no sentence: {problem}"
    );
    (status, problem)
}

#[tokio::test]
async fn malformed_json_is_refused_with_400_malformed_json() {
    let app = TestApp::new().await;

    let (status, problem) = refused_create(&app, "{\"intake\": ").await;

    assert_eq!((status, &problem["code"]), (400, &json!("malformed_json")));
}

#[tokio::test]
async fn an_unknown_field_is_refused_with_400_unknown_field() {
    let app = TestApp::new().await;
    let mut intake = routine_intake();
    intake["mood"] = json!("fine");

    let (status, problem) = refused_create(&app, &create_body(intake, "video/mp4", 100)).await;

    assert_eq!((status, &problem["code"]), (400, &json!("unknown_field")));
}

#[tokio::test]
async fn an_unknown_reason_is_refused_with_400_unknown_value() {
    let app = TestApp::new().await;
    let mut intake = routine_intake();
    intake["reason"] = json!("new_diagnosis");

    let (status, problem) = refused_create(&app, &create_body(intake, "video/mp4", 100)).await;

    assert_eq!((status, &problem["code"]), (400, &json!("unknown_value")));
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_refused_with_400_invalid_field() {
    let app = TestApp::new().await;
    let mut intake = routine_intake();
    intake["crisis"] = json!("no");

    let (status, problem) = refused_create(&app, &create_body(intake, "video/mp4", 100)).await;

    assert_eq!((status, &problem["code"]), (400, &json!("invalid_field")));
}

#[tokio::test]
async fn a_missing_field_is_refused_with_400_missing_field() {
    let app = TestApp::new().await;
    let mut intake = routine_intake();
    intake.as_object_mut().unwrap().remove("crisis");

    let (status, problem) = refused_create(&app, &create_body(intake, "video/mp4", 100)).await;

    assert_eq!((status, &problem["code"]), (400, &json!("missing_field")));
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestApp::new().await;
    let mut intake = routine_intake();
    intake["note"] = json!("x".repeat(20_000));

    let (status, problem) = refused_create(&app, &create_body(intake, "video/mp4", 100)).await;

    assert_eq!((status, &problem["code"]), (413, &json!("body_too_large")));
}

#[tokio::test]
async fn a_note_over_the_limit_is_refused_with_422() {
    let app = TestApp::new().await;
    let mut intake = routine_intake();
    intake["note"] = json!("x".repeat(2001));

    let (status, problem) = refused_create(&app, &create_body(intake, "video/mp4", 100)).await;

    assert_eq!((status, &problem["code"]), (422, &json!("note_too_long")));
}

#[tokio::test]
async fn an_unsupported_video_type_is_refused_with_422() {
    let app = TestApp::new().await;

    let (status, problem) =
        refused_create(&app, &create_body(routine_intake(), "video/avi", 100)).await;

    assert_eq!(
        (status, &problem["code"]),
        (422, &json!("unsupported_video_type"))
    );
}

#[tokio::test]
async fn a_declared_size_over_the_limit_is_refused_with_422() {
    let app = TestApp::new().await;
    let too_big = shared::settings::Settings::default().max_video_bytes + 1;

    let (status, problem) =
        refused_create(&app, &create_body(routine_intake(), "video/mp4", too_big)).await;

    assert_eq!((status, &problem["code"]), (422, &json!("video_too_large")));
}

#[tokio::test]
async fn an_empty_video_is_refused_with_422() {
    let app = TestApp::new().await;

    let (status, problem) =
        refused_create(&app, &create_body(routine_intake(), "video/mp4", 0)).await;

    assert_eq!((status, &problem["code"]), (422, &json!("empty_video")));
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_with_415() {
    let app = TestApp::new().await;
    let mut request = api(
        patient_claims(ESTABLISHED),
        "POST",
        "/visits",
        "intake=refill",
    );
    request.headers_mut().insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );

    let (status, problem) = read(app.call(request).await);

    assert_eq!(
        (status, &problem["code"]),
        (415, &json!("unsupported_media_type"))
    );
}

#[tokio::test]
async fn a_malformed_visit_id_is_not_found() {
    let app = TestApp::new().await;

    let (status, problem) = read(
        app.call(api(
            patient_claims(ESTABLISHED),
            "GET",
            "/visits/not-an-id",
            "",
        ))
        .await,
    );

    assert_eq!((status, &problem["code"]), (404, &json!("not_found")));
}

#[tokio::test]
async fn an_unknown_response_kind_is_refused_and_the_visit_stays_in_the_queue() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    let body = json!({ "kind": "diagnosis", "message": "x" }).to_string();

    let path = format!("/review/visits/{id}/response");
    let (status, problem) = read(
        app.call(api(physician_claims(), "POST", &path, &body))
            .await,
    );

    assert_eq!((status, &problem["code"]), (400, &json!("unknown_value")));
    let (_, queue) = read(
        app.call(api(physician_claims(), "GET", "/review/queue", ""))
            .await,
    );
    assert_eq!(queue["visits"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_empty_response_message_is_refused_with_422() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    let body = json!({ "kind": "no_change", "message": "   " }).to_string();

    let path = format!("/review/visits/{id}/response");
    let (status, problem) = read(
        app.call(api(physician_claims(), "POST", &path, &body))
            .await,
    );

    assert_eq!((status, &problem["code"]), (422, &json!("empty_message")));
}

#[tokio::test]
async fn a_second_different_response_is_refused_with_409() {
    let mut app = TestApp::new().await;
    let id = app.submitted_visit().await;
    let path = format!("/review/visits/{id}/response");
    let first = json!({ "kind": "no_change", "message": "Fine." }).to_string();
    app.call(api(physician_claims(), "POST", &path, &first))
        .await;

    let second = json!({ "kind": "recommendation", "message": "Walk daily." }).to_string();
    let (status, problem) = read(
        app.call(api(physician_claims(), "POST", &path, &second))
            .await,
    );

    assert_eq!(
        (status, &problem["code"]),
        (409, &json!("not_awaiting_response"))
    );
    let (_, visit) = app.visit_as(ESTABLISHED, &id).await;
    assert_eq!(visit["conversation"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_queue_cursor_is_refused_with_400() {
    let app = TestApp::new().await;

    let request = api(physician_claims(), "GET", "/review/queue?cursor=bogus", "");
    let (status, problem) = read(app.call(request).await);

    assert_eq!((status, &problem["code"]), (400, &json!("invalid_cursor")));
}

#[tokio::test]
async fn an_unknown_route_is_404_and_a_wrong_method_is_405() {
    let app = TestApp::new().await;

    let (missing, _) = read(
        app.call(api(
            patient_claims(ESTABLISHED),
            "GET",
            "/visits/a/b/c/d",
            "",
        ))
        .await,
    );
    let (method, _) = read(
        app.call(api(patient_claims(ESTABLISHED), "DELETE", "/visits", ""))
            .await,
    );

    assert_eq!((missing, method), (404, 405));
}

#[tokio::test]
async fn a_patient_with_a_malformed_email_is_refused_and_not_added() {
    let app = TestApp::new().await;
    let body = json!({ "name": "Pat Example", "email": "not an email", "membership": "active" });

    let request = api(
        physician_claims(),
        "POST",
        "/review/patients",
        &body.to_string(),
    );
    let (status, problem) = read(app.call(request).await);

    assert_eq!((status, &problem["code"]), (422, &json!("invalid_email")));
    assert_eq!(app.store.patients().await.unwrap().len(), 5);
}
