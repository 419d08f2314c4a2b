//! The whole visit, from the patient's intake to the physician's response, over HTTP.

use crate::{ESTABLISHED, PHYSICIAN, spawn_app, template_of, visit_id};
use serde_json::json;
use visits_tests::MP4;

#[tokio::test]
async fn the_whole_flow_works_over_http() {
    // Arrange: the established patient and the physician are signed in.
    let app = spawn_app().await;
    let patient = app.sign_in(ESTABLISHED).await;
    let physician = app.sign_in(PHYSICIAN).await;

    // Act: the patient creates a visit and uploads the video to the issued URL.
    let created = app.create_visit(&patient, MP4.len()).await;
    let id = visit_id(&created);
    assert_eq!(created["visit"]["status"], "awaiting_upload");
    let put = app.put_video(&created, MP4.to_vec()).await;

    // Assert: the upload was taken and the visit entered the queue with a deadline.
    assert_eq!(put.status, 200, "the upload was refused: {}", put.body);
    assert_eq!(app.stored_objects().len(), 1, "the video is stored once");
    let submitted = app.wait_for_status(&patient, &id, "submitted").await;
    // Uploaded Tuesday 09:00 in New York: due Wednesday at the 17:00 close (22:00 UTC).
    assert_eq!(
        submitted["due"]["deadline"], "2026-12-02T22:00:00Z",
        "{submitted}"
    );
    assert_eq!(
        submitted["due"]["deadline_text"], "Wednesday, December 2, 2026 at 5:00 PM EST",
        "{submitted}"
    );
    // The upload handler mails after it saves the visit; wait so the order below is settled.
    app.wait_for_templates(&["new_visit_waiting", "upload_received"])
        .await;

    // Act: the physician looks at the queue and opens the visit.
    let queue = app.get("/review/queue", Some(&physician)).await;
    let review = app
        .get(&format!("/review/visits/{id}"), Some(&physician))
        .await;

    // Assert: the visit leads the queue and its video plays back the uploaded bytes.
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert_eq!(
        queue.body["visits"][0]["visit_id"],
        id.as_str(),
        "{}",
        queue.body
    );
    assert_eq!(review.status, 200, "{}", review.body);
    let media_url = review.body["media_url"].as_str().expect("a media URL");
    let video = app
        .client
        .get(media_url)
        .send()
        .await
        .expect("the video is fetched");
    assert_eq!(video.status(), 200);
    assert_eq!(video.headers()["content-type"], "video/mp4");
    assert_eq!(
        video.bytes().await.expect("the video's bytes").as_ref(),
        MP4
    );

    // Act: the physician responds.
    let message = "Take it at bedtime instead of the morning.";
    let response = app
        .post(
            &format!("/review/visits/{id}/response"),
            &physician,
            &json!({ "kind": "medication_adjustment", "message": message }),
        )
        .await;

    // Assert: the patient sees the response.
    assert_eq!(response.status, 200, "{}", response.body);
    let seen = app.get(&format!("/visits/{id}"), Some(&patient)).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["status"], "responded", "{}", seen.body);
    let conversation = seen.body["conversation"]
        .as_array()
        .expect("a conversation");
    assert_eq!(conversation.len(), 1, "{}", seen.body);
    assert_eq!(conversation[0]["kind"], "medication_adjustment");
    assert_eq!(conversation[0]["message"], message);

    // Assert: each person got their mail, and none of it carries the patient's details.
    let mails = app.mails().await;
    let sent: Vec<(&str, &str)> = mails
        .iter()
        .map(|m| (template_of(m), m["audience"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        sent,
        [
            ("new_visit_waiting", "physician"),
            ("upload_received", "patient"),
            ("response_waiting", "patient"),
        ],
        "{mails:?}"
    );
    let note = visits_tests::routine_intake()["note"]
        .as_str()
        .unwrap()
        .to_owned();
    for mail in &mails {
        let text = format!("{} {}", mail["subject"], mail["body"]);
        assert!(
            !text.contains("Avery"),
            "a mail names the demo patient: {text}"
        );
        assert!(!text.contains(&note), "a mail quotes the intake: {text}");
        assert!(!text.contains("/media/"), "a mail links to media: {text}");
    }
}
