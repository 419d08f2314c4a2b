//! Multipart uploads into the media folder.

use super::media::{media, mp4, query};
use super::{TempDir, t0};
use crate::embedded::{FolderMedia, MediaRequestError};
use crate::ids::{ObjectKey, VisitId};
use crate::ports::{CompletedPart, MediaStore, MultipartError, PartPlan, UploadPlan};
use crate::visit::VideoType;
use jiff::SignedDuration;

const MIB: u64 = 1024 * 1024;

/// Starts an upload of `length` bytes in 5 MiB parts.
async fn start(media: &FolderMedia, key: &ObjectKey, length: u64) -> (String, Vec<PartPlan>) {
    let plan = media
        .start_multipart(
            key,
            VideoType::Mp4,
            length,
            5 * MIB,
            SignedDuration::from_hours(1),
        )
        .await
        .unwrap();
    match plan {
        UploadPlan::Multipart {
            upload_id, parts, ..
        } => (upload_id, parts),
        other => panic!("expected a multipart upload, got {other:?}"),
    }
}

/// PUTs each part of `bytes` to its URL and returns what the browser would report back.
async fn put_parts(media: &FolderMedia, parts: &[PartPlan], bytes: &[u8]) -> Vec<CompletedPart> {
    let mut completed = Vec::new();
    let mut offset = 0;
    for part in parts {
        let body = &bytes[offset..offset + part.length as usize];
        offset += body.len();
        let etag = media
            .accept_part(query(&part.url), Some(part.length), body, t0())
            .await;
        completed.push(CompletedPart {
            part_number: part.part_number,
            etag: etag.unwrap(),
        });
    }
    completed
}

#[tokio::test]
async fn multipart_parts_assemble_into_one_object() {
    let dir = TempDir::new();
    let (media, mut events) = media(&dir);
    let key = ObjectKey::for_upload(VisitId::new(), 1);
    let video = mp4((5 * MIB + 10) as usize);
    let (upload_id, parts) = start(&media, &key, video.len() as u64).await;
    assert_eq!(
        parts.iter().map(|p| p.length).collect::<Vec<_>>(),
        [5 * MIB, 10]
    );

    let completed = put_parts(&media, &parts, &video).await;
    media
        .complete_multipart(&key, &upload_id, &completed)
        .await
        .unwrap();

    let event = events.try_recv().expect("an announcement");
    assert_eq!(event.event_name, "ObjectCreated:CompleteMultipartUpload");
    assert_eq!((event.key, event.size), (key.clone(), video.len() as u64));
    assert!(event.etag.ends_with("-2\""));
    let view = media
        .presign_view(&key, SignedDuration::from_mins(5))
        .await
        .unwrap();
    let (bytes, content_type) = media.open_view(query(&view), t0()).await.unwrap();
    assert!(bytes == video && content_type == "video/mp4");
}

#[tokio::test]
async fn a_completion_with_a_wrong_etag_is_refused() {
    let dir = TempDir::new();
    let (media, mut events) = media(&dir);
    let key = ObjectKey::for_upload(VisitId::new(), 1);
    let video = mp4((5 * MIB + 10) as usize);
    let (upload_id, parts) = start(&media, &key, video.len() as u64).await;
    let mut completed = put_parts(&media, &parts, &video).await;
    completed[1].etag = "\"0000\"".to_owned();

    let refused = media.complete_multipart(&key, &upload_id, &completed).await;

    assert!(matches!(refused, Err(MultipartError::InvalidParts)));
    assert_eq!(media.inspect(&key).await.unwrap(), None);
    assert!(events.try_recv().is_err());
}

#[tokio::test]
async fn a_completion_without_every_part_in_order_is_refused() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = ObjectKey::for_upload(VisitId::new(), 1);
    let video = mp4((5 * MIB + 10) as usize);
    let (upload_id, parts) = start(&media, &key, video.len() as u64).await;
    let completed = put_parts(&media, &parts, &video).await;
    let reversed: Vec<_> = completed.iter().rev().cloned().collect();

    for parts in [&completed[..1], &reversed[..]] {
        let refused = media.complete_multipart(&key, &upload_id, parts).await;

        assert!(matches!(refused, Err(MultipartError::InvalidParts)));
    }
    let other_key = ObjectKey::for_upload(VisitId::new(), 1);
    let wrong_key = media
        .complete_multipart(&other_key, &upload_id, &completed)
        .await;
    assert!(matches!(wrong_key, Err(MultipartError::InvalidParts)));
    let wrong_id = media.complete_multipart(&key, "../../x", &completed).await;
    assert!(matches!(wrong_id, Err(MultipartError::InvalidParts)));
}

#[tokio::test]
async fn a_part_of_another_length_is_refused() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = ObjectKey::for_upload(VisitId::new(), 1);
    let (_, parts) = start(&media, &key, 5 * MIB + 10).await;

    let refused = media
        .accept_part(query(&parts[1].url), Some(11), &mp4(11), t0())
        .await;

    assert!(matches!(refused, Err(MediaRequestError::WrongLength)));
}

#[tokio::test]
async fn a_part_for_a_completed_upload_is_not_found() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = ObjectKey::for_upload(VisitId::new(), 1);
    let video = mp4((5 * MIB + 10) as usize);
    let (upload_id, parts) = start(&media, &key, video.len() as u64).await;
    let completed = put_parts(&media, &parts, &video).await;
    media
        .complete_multipart(&key, &upload_id, &completed)
        .await
        .unwrap();

    let late = media
        .accept_part(query(&parts[1].url), Some(10), &video[..10], t0())
        .await;

    assert!(matches!(late, Err(MediaRequestError::NoSuchUpload)));
    let again = media.complete_multipart(&key, &upload_id, &completed).await;
    assert!(matches!(again, Err(MultipartError::InvalidParts)));
}

#[tokio::test]
async fn parts_below_five_mib_are_refused_at_the_start() {
    let dir = TempDir::new();
    let (media, _events) = media(&dir);
    let key = ObjectKey::for_upload(VisitId::new(), 1);

    let small = media.start_multipart(&key, VideoType::Mp4, 20, 10, SignedDuration::from_hours(1));

    assert!(small.await.is_err());
}
