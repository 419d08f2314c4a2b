//! Media in a folder, behind signed URLs.

use super::{StillClock, TempDir, files_under, hours, t0};
use crate::embedded::{FolderMedia, MediaRequestError, ObjectCreated};
use crate::ids::{ObjectKey, VisitId};
use crate::ports::{MediaStore, UploadPlan};
use crate::visit::VideoType;
use jiff::SignedDuration;
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// A small MP4 header followed by padding.
pub(super) fn mp4(length: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x18ftypisom\0\0\0\0isommp41".to_vec();
    bytes.resize(length, 7);
    bytes
}

pub(super) fn media(dir: &TempDir) -> (FolderMedia, UnboundedReceiver<ObjectCreated>) {
    let (events, received) = unbounded_channel();
    let media = FolderMedia::open(
        dir.path().to_path_buf(),
        "http://localhost:8080/".to_owned(),
        [7; 32],
        events,
    )
    .expect("a media folder")
    .with_clock(Arc::new(StillClock));
    (media, received)
}

fn key() -> ObjectKey {
    ObjectKey::for_upload(VisitId::new(), 1)
}

pub(super) fn query(url: &str) -> &str {
    url.split_once('?')
        .map(|(_, q)| q)
        .expect("a URL with a query")
}

/// A signed upload URL for `length` bytes of MP4, valid for 15 minutes from `t0`.
async fn upload_url(media: &FolderMedia, key: &ObjectKey, length: u64) -> String {
    let plan = media
        .presign_put(key, VideoType::Mp4, length, SignedDuration::from_mins(15))
        .await
        .unwrap();
    match plan {
        UploadPlan::Single {
            url,
            headers,
            expires_at,
        } => {
            assert_eq!(
                headers.get("content-type").map(String::as_str),
                Some("video/mp4")
            );
            assert_eq!(expires_at, t0() + SignedDuration::from_mins(15));
            url
        }
        other => panic!("expected a single upload, got {other:?}"),
    }
}

/// Whether anything but the folder skeleton was written.
fn nothing_written(dir: &TempDir) -> bool {
    files_under(dir.path()).is_empty()
}

#[tokio::test]
async fn a_valid_upload_is_stored_and_announced() {
    let dir = TempDir::new();
    let (media, mut events) = media(&dir);
    let key = key();
    let url = upload_url(&media, &key, 100).await;
    assert!(url.starts_with("http://localhost:8080/media/upload?"));

    let stored = media
        .accept_put(query(&url), Some("video/mp4"), Some(100), &mp4(100), t0())
        .await;

    assert_eq!(stored.unwrap(), key);
    let event = events.try_recv().expect("an announcement");
    assert_eq!(
        (event.key, event.size, event.event_name),
        (key.clone(), 100, "ObjectCreated:Put")
    );
    assert!(event.etag.starts_with('"') && event.etag.ends_with('"'));
    let info = media
        .inspect(&key)
        .await
        .unwrap()
        .expect("the stored object");
    assert_eq!(info.size, 100);
    assert_eq!(info.content_type.as_deref(), Some("video/mp4"));
    assert_eq!(info.head, mp4(64));
}

#[tokio::test]
async fn an_expired_upload_url_is_refused_and_nothing_is_written() {
    let dir = TempDir::new();
    let (media, mut events) = media(&dir);
    let url = upload_url(&media, &key(), 100).await;

    let late = t0() + SignedDuration::from_mins(15);
    let body = mp4(100);
    let refused = media
        .accept_put(query(&url), Some("video/mp4"), Some(100), &body, late)
        .await;

    assert!(matches!(refused, Err(MediaRequestError::Expired)));
    assert!(nothing_written(&dir));
    assert!(events.try_recv().is_err());
}

#[tokio::test]
async fn a_tampered_upload_url_is_refused() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = key();
    let url = upload_url(&media, &key, 100).await;
    let other_key = ObjectKey::for_upload(VisitId::new(), 1);
    let encoded = |k: &ObjectKey| k.as_str().replace('/', "%2F");
    let tampered = [
        query(&url).replace("length=100", "length=101"),
        query(&url).replace(&encoded(&key), &encoded(&other_key)),
        query(&url).replace("expires=", "expires=9"),
        format!("{}&extra=1", query(&url)),
        query(&url).split("&signature=").next().unwrap().to_owned(),
    ];

    for query in tampered {
        let length = if query.contains("length=101") {
            101
        } else {
            100
        };
        let body = mp4(length);
        let refused = media
            .accept_put(&query, Some("video/mp4"), Some(length as u64), &body, t0())
            .await;

        assert!(
            matches!(refused, Err(MediaRequestError::SignatureMismatch)),
            "{query}"
        );
    }
    assert!(nothing_written(&dir));
}

#[tokio::test]
async fn an_upload_with_another_content_type_is_refused() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let url = upload_url(&media, &key(), 100).await;

    for content_type in [Some("video/webm"), Some("video/mp4; codecs=avc1"), None] {
        let refused = media
            .accept_put(query(&url), content_type, Some(100), &mp4(100), t0())
            .await;

        assert!(matches!(refused, Err(MediaRequestError::WrongContentType)));
    }
    assert!(nothing_written(&dir));
}

#[tokio::test]
async fn an_upload_of_another_length_is_refused() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let url = upload_url(&media, &key(), 100).await;

    for (declared, body) in [
        (Some(101), mp4(101)),
        (Some(100), mp4(99)),
        (None, mp4(100)),
    ] {
        let refused = media.accept_put(query(&url), Some("video/mp4"), declared, &body, t0());

        assert!(matches!(refused.await, Err(MediaRequestError::WrongLength)));
    }
    assert!(nothing_written(&dir));
}

#[tokio::test]
async fn refusals_answer_with_s3s_statuses_and_stable_codes() {
    let cases = [
        (
            MediaRequestError::SignatureMismatch,
            403,
            "signature_mismatch",
        ),
        (MediaRequestError::Expired, 403, "expired"),
        (
            MediaRequestError::WrongContentType,
            403,
            "wrong_content_type",
        ),
        (MediaRequestError::WrongLength, 403, "wrong_length"),
        (MediaRequestError::NoSuchUpload, 404, "no_such_upload"),
        (MediaRequestError::NoSuchObject, 404, "no_such_object"),
    ];

    for (error, status, code) in cases {
        assert_eq!((error.status(), error.code()), (status, code));
    }
}

#[tokio::test]
async fn a_view_url_returns_the_object_and_its_type() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = key();
    let url = upload_url(&media, &key, 100).await;
    media
        .accept_put(query(&url), Some("video/mp4"), Some(100), &mp4(100), t0())
        .await
        .unwrap();

    let view = media
        .presign_view(&key, SignedDuration::from_mins(5))
        .await
        .unwrap();
    let (bytes, content_type) = media.open_view(query(&view), t0()).await.unwrap();

    assert!(view.starts_with("http://localhost:8080/media/view?"));
    assert_eq!((bytes, content_type.as_str()), (mp4(100), "video/mp4"));
    let late = media.open_view(query(&view), hours(1)).await;
    assert!(matches!(late, Err(MediaRequestError::Expired)));
}

#[tokio::test]
async fn a_view_of_a_missing_object_is_not_found() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);

    let view = media
        .presign_view(&key(), SignedDuration::from_mins(5))
        .await
        .unwrap();

    let missing = media.open_view(query(&view), t0()).await;
    assert!(matches!(missing, Err(MediaRequestError::NoSuchObject)));
}

#[tokio::test]
async fn an_upload_url_cannot_view_and_a_view_url_cannot_upload() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = key();
    let upload = upload_url(&media, &key, 100).await;
    let view = media
        .presign_view(&key, SignedDuration::from_mins(5))
        .await
        .unwrap();

    let viewed = media.open_view(query(&upload), t0()).await;
    let body = mp4(100);
    let put = media
        .accept_put(query(&view), Some("video/mp4"), Some(100), &body, t0())
        .await;

    assert!(matches!(viewed, Err(MediaRequestError::SignatureMismatch)));
    assert!(matches!(put, Err(MediaRequestError::SignatureMismatch)));
}

#[tokio::test]
async fn a_missing_object_inspects_as_none() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);

    assert_eq!(media.inspect(&key()).await.unwrap(), None);
}

#[tokio::test]
async fn deleting_removes_the_object_and_a_missing_one_is_fine() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = key();
    let url = upload_url(&media, &key, 100).await;
    media
        .accept_put(query(&url), Some("video/mp4"), Some(100), &mp4(100), t0())
        .await
        .unwrap();

    media.delete(&key).await.unwrap();
    media.delete(&key).await.unwrap();

    assert_eq!(media.inspect(&key).await.unwrap(), None);
    assert!(nothing_written(&dir));
}

#[tokio::test]
async fn keys_that_could_escape_the_folder_are_refused() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);

    for text in [
        "../outside",
        "/etc/passwd",
        "uploads//1",
        "uploads/./1",
        "a\\b",
        "",
    ] {
        let key: ObjectKey = serde_json::from_value(serde_json::json!(text)).unwrap();
        let presigned = media
            .presign_put(&key, VideoType::Mp4, 10, SignedDuration::from_mins(5))
            .await;

        assert!(presigned.is_err(), "{text:?}");
        assert!(media.inspect(&key).await.is_err(), "{text:?}");
    }
}

#[tokio::test]
async fn an_upload_url_may_live_at_most_seven_days() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);

    let key = key();
    let week = media.presign_put(&key, VideoType::Mp4, 10, SignedDuration::from_hours(168));
    let longer = media.presign_put(&key, VideoType::Mp4, 10, SignedDuration::from_hours(169));

    assert!(week.await.is_ok());
    assert!(longer.await.is_err());
}
