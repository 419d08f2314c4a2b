//! Bodies the API will not read.

use crate::{ESTABLISHED, spawn_app};
use visits_tests::{MP4, create_body, routine_intake};

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    // Arrange: a well-formed create body padded past the 16 KiB the API reads.
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let mut intake = routine_intake();
    intake["note"] = "a".repeat(17 * 1024).into();
    let body = create_body(intake, "video/mp4", MP4.len() as u64);
    assert!(body.len() > 16 * 1024);

    // Act
    let reply = app.post_text("/visits", &token, body).await;

    // Assert: refused for its size, and no visit was made.
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(reply.code(), "body_too_large");
    let visits = app.get("/visits", Some(&token)).await;
    assert_eq!(
        visits.body.as_array().map(Vec::len),
        Some(0),
        "{}",
        visits.body
    );
}

#[tokio::test]
async fn malformed_json_is_refused_with_400() {
    // Arrange
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;

    // Act: a body cut off mid-object.
    let reply = app
        .post_text("/visits", &token, r#"{"intake": {"reason": "#.to_owned())
        .await;

    // Assert
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.code(), "malformed_json");
}
