//! A video at the multipart threshold goes up in parts, as S3 takes large uploads.

use crate::{ESTABLISHED, Reply, spawn_app, visit_id};
use serde_json::{Value, json};
use visits_tests::MP4;

/// The stack's default threshold (64 MiB) plus one byte: the smallest multipart video.
const LENGTH: usize = 64 * 1024 * 1024 + 1;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_video_uploads_in_parts() {
    // Arrange: a video that starts like an MP4 and is just past the multipart threshold.
    let app = spawn_app().await;
    let token = app.sign_in(ESTABLISHED).await;
    let mut video = vec![0u8; LENGTH];
    video[..MP4.len()].copy_from_slice(MP4);
    let created = app.create_visit(&token, LENGTH).await;
    let id = visit_id(&created);
    let plan = &created["upload"];
    assert_eq!(plan["method"], "multipart", "{plan}");
    let parts = plan["parts"].as_array().expect("parts");
    // Four parts of 16 MiB and a last one of a single byte.
    let lengths: Vec<u64> = parts.iter().filter_map(|p| p["length"].as_u64()).collect();
    assert_eq!(lengths, [16 << 20, 16 << 20, 16 << 20, 16 << 20, 1]);

    // Act: PUT each part to its URL and keep its ETag, then complete the upload.
    let mut completed = Vec::new();
    let mut offset = 0;
    for part in parts {
        let length = part["length"].as_u64().expect("a part length") as usize;
        let url = part["url"].as_str().expect("a part URL");
        let bytes = video[offset..offset + length].to_vec();
        offset += length;
        let response = app
            .client
            .put(url)
            .body(bytes)
            .send()
            .await
            .expect("a part is sent");
        assert_eq!(
            response.status(),
            200,
            "part {} was refused",
            part["part_number"]
        );
        let etag = response.headers()["etag"]
            .to_str()
            .expect("an ETag")
            .to_owned();
        completed.push(json!({ "part_number": part["part_number"], "etag": etag }));
    }
    let complete = json!({ "upload_id": plan["upload_id"], "parts": completed });
    let reply: Reply = app
        .post(&format!("/visits/{id}/upload/complete"), &token, &complete)
        .await;

    // Assert: the assembled video is verified like any other and the visit is submitted.
    assert_eq!(reply.status, 202, "{}", reply.body);
    let submitted: Value = app.wait_for_status(&token, &id, "submitted").await;
    assert_eq!(submitted["video_length"], LENGTH as u64);
    assert!(submitted["due"]["deadline"].is_string(), "{submitted}");
}
