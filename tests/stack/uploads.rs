//! The signed upload URL holds the browser to exactly what was declared: a changed URL, a late
//! upload, another length or another type is refused and stores nothing.

use crate::{ESTABLISHED, Reply, TestStack, spawn_app, visit_id};
use std::time::Duration;
use visits_tests::MP4;

/// Long enough for a wrongly accepted upload to reach the upload handler and be announced.
const SETTLE: Duration = Duration::from_millis(300);

/// Checks that a refused upload left no trace: the visit still awaits its video, no object
/// was stored, and nobody was mailed about an upload.
async fn assert_nothing_stored(app: &TestStack, token: &str, id: &str) {
    tokio::time::sleep(SETTLE).await;
    let visit = app.get(&format!("/visits/{id}"), Some(token)).await;
    assert_eq!(visit.body["status"], "awaiting_upload", "{}", visit.body);
    assert_eq!(
        app.stored_objects(),
        Vec::<String>::new(),
        "an object was stored"
    );
    let templates = app.templates().await;
    assert!(
        !templates
            .iter()
            .any(|t| t == "upload_received" || t == "new_visit_waiting"),
        "upload mail was sent: {templates:?}"
    );
}

fn assert_refused(reply: &Reply, code: &str) {
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert_eq!(reply.code(), code, "{}", reply.body);
}

#[tokio::test]
async fn a_tampered_upload_url_is_refused_and_nothing_is_stored() {
    // Arrange: a visit for a small video.
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let created = app.create_visit(&token, MP4.len()).await;
    let id = visit_id(&created);

    // Act: raise the signed length by one byte in the URL and send a matching body.
    let mut bigger = MP4.to_vec();
    bigger.push(0);
    let reply = app
        .put_video_with(&created, bigger, |url, _| {
            let signed = format!("length={}", MP4.len());
            assert!(url.contains(&signed), "the URL signs the length: {url}");
            *url = url.replace(&signed, &format!("length={}", MP4.len() + 1));
        })
        .await;

    // Assert
    assert_refused(&reply, "signature_mismatch");
    assert_nothing_stored(&app, &token, &id).await;
}

#[tokio::test]
async fn an_expired_upload_url_is_refused() {
    // Arrange: a visit whose upload URL lives 15 minutes.
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let created = app.create_visit(&token, MP4.len()).await;
    let id = visit_id(&created);

    // Act: upload 16 minutes later.
    app.clock.set("2026-12-01T14:16:00Z");
    let reply = app.put_video(&created, MP4.to_vec()).await;

    // Assert
    assert_refused(&reply, "expired");
    assert_nothing_stored(&app, &token, &id).await;
}

#[tokio::test]
async fn an_upload_with_the_wrong_length_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let created = app.create_visit(&token, MP4.len()).await;
    let id = visit_id(&created);

    // Act: one byte more than declared and signed.
    let mut longer = MP4.to_vec();
    longer.push(0);
    let reply = app.put_video(&created, longer).await;

    // Assert
    assert_refused(&reply, "wrong_length");
    assert_nothing_stored(&app, &token, &id).await;
}

#[tokio::test]
async fn an_upload_with_another_content_type_is_refused() {
    // Arrange: a visit declared as MP4.
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let created = app.create_visit(&token, MP4.len()).await;
    let id = visit_id(&created);

    // Act: the same bytes sent as WebM.
    let reply = app
        .put_video_with(&created, MP4.to_vec(), |_, headers| {
            for (name, value) in headers.iter_mut() {
                if name.eq_ignore_ascii_case("content-type") {
                    *value = "video/webm".to_owned();
                }
            }
        })
        .await;

    // Assert
    assert_refused(&reply, "wrong_content_type");
    assert_nothing_stored(&app, &token, &id).await;
}
