//! Least privilege: patients reach only their own visits, only the physician reaches the
//! review routes, and a guessed id gets the same answer as a missing one.

use serde_json::json;
use visits_tests::*;

#[tokio::test]
async fn a_request_without_claims_is_refused_as_unauthenticated() {
    let app = TestApp::new().await;

    let (status, problem) = read(app.call(api(None, "GET", "/visits", "")).await);

    assert_eq!((status, &problem["code"]), (401, &json!("unauthenticated")));
}

#[tokio::test]
async fn a_patient_is_refused_on_physician_routes() {
    let app = TestApp::new().await;

    let (status, problem) = read(
        app.call(api(patient_claims(ESTABLISHED), "GET", "/review/queue", ""))
            .await,
    );

    assert_eq!((status, &problem["code"]), (403, &json!("forbidden")));
}

#[tokio::test]
async fn the_physician_cannot_start_a_visit_as_a_patient() {
    let app = TestApp::new().await;
    let body = create_body(routine_intake(), "video/mp4", 100);

    let (status, _) = read(
        app.call(api(physician_claims(), "POST", "/visits", &body))
            .await,
    );

    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_caller_in_no_group_is_refused_everywhere() {
    let app = TestApp::new().await;
    let claims = Some(("someone".to_owned(), "[]".to_owned()));

    let (status, _) = read(app.call(api(claims, "GET", "/visits", "")).await);

    assert_eq!(status, 403);
}

#[tokio::test]
async fn another_patients_visit_looks_exactly_like_a_missing_one() {
    let app = TestApp::new().await;
    let created = app.create_visit(ESTABLISHED, 100).await;
    let id = created["visit"]["id"].as_str().unwrap();

    let theirs = app.visit_as(OTHER, id).await;
    let missing_id = "00000000-0000-4000-8000-000000000000";
    let missing = app.visit_as(OTHER, missing_id).await;

    assert_eq!(theirs.0, 404);
    assert_eq!(theirs, missing);
}

#[tokio::test]
async fn another_patient_cannot_cancel_or_answer_a_visit_that_is_not_theirs() {
    let app = TestApp::new().await;
    let created = app.create_visit(ESTABLISHED, 100).await;
    let id = created["visit"]["id"].as_str().unwrap();

    let (cancel, _) = read(
        app.call(api(
            patient_claims(OTHER),
            "POST",
            &format!("/visits/{id}/cancel"),
            "",
        ))
        .await,
    );

    assert_eq!(cancel, 404);
    let (_, visit) = app.visit_as(ESTABLISHED, id).await;
    assert_eq!(visit["status"], json!("awaiting_upload"));
}

#[tokio::test]
async fn a_patient_sees_only_their_own_visits_in_their_list() {
    let app = TestApp::new().await;
    app.create_visit(ESTABLISHED, 100).await;

    let (_, list) = read(
        app.call(api(patient_claims(OTHER), "GET", "/visits", ""))
            .await,
    );

    assert_eq!(list, json!([]));
}
