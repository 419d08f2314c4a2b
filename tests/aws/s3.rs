//! `S3Media` against s3s-fs, which verifies SigV4 signatures as S3 does: the tests act as the
//! patient's browser, PUTting to the presigned URLs, and check what S3 accepts and refuses.

use jiff::{SignedDuration, Timestamp};
use shared::aws::s3::S3Media;
use shared::ids::{ObjectKey, VisitId};
use shared::ports::{CompletedPart, MEDIA_HEAD_BYTES, MediaStore, MultipartError, UploadPlan};
use shared::visit::VideoType;
use std::collections::BTreeMap;
use visits_tests::servers::{s3, sdk_config, unique};

const MIB: u64 = 1024 * 1024;

/// A media store over a fresh bucket of its own.
async fn media() -> S3Media {
    let config = sdk_config(s3()).await;
    // A local endpoint has no per-bucket host names.
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let bucket = unique("media");
    client
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("the bucket is created");
    S3Media::new(client, bucket)
}

fn new_key() -> ObjectKey {
    ObjectKey::for_upload(VisitId::new(), 1)
}

/// `length` bytes that start like an MP4 file (an `ftyp` box), so the head is recognisable.
fn video(length: u64) -> Vec<u8> {
    let ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2";
    (0..length)
        .map(|i| {
            let i = usize::try_from(i).expect("a test-sized body");
            ftyp.get(i).copied().unwrap_or((i % 251) as u8)
        })
        .collect()
}

/// A single-PUT plan's URL, headers and expiry.
async fn single(
    media: &S3Media,
    key: &ObjectKey,
    length: u64,
    ttl: SignedDuration,
) -> (String, BTreeMap<String, String>, Timestamp) {
    let plan = media
        .presign_put(key, VideoType::Mp4, length, ttl)
        .await
        .expect("an upload URL");
    match plan {
        UploadPlan::Single {
            url,
            headers,
            expires_at,
        } => (url, headers, expires_at),
        other => panic!("expected a single PUT, got {other:?}"),
    }
}

/// What a browser does with an upload URL: one PUT with the given headers (reqwest sets
/// Content-Length from the body, as a browser does).
async fn put(url: &str, headers: &BTreeMap<String, String>, body: Vec<u8>) -> reqwest::Response {
    let mut request = reqwest::Client::new().put(url).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.expect("the server answers")
}

/// A query parameter of a presigned URL, as it appears there.
fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

fn seconds(text: Option<&str>) -> i64 {
    text.expect("the parameter is present")
        .parse()
        .expect("a number of seconds")
}

/// Starts a multipart upload of `body` in 5 MiB parts and PUTs every part, returning the
/// upload id and the parts as the browser reports them.
async fn upload_parts(
    media: &S3Media,
    key: &ObjectKey,
    body: &[u8],
) -> (String, Vec<CompletedPart>) {
    let plan = media
        .start_multipart(
            key,
            VideoType::Mp4,
            body.len() as u64,
            5 * MIB,
            SignedDuration::from_mins(10),
        )
        .await
        .expect("a multipart plan");
    let UploadPlan::Multipart {
        upload_id, parts, ..
    } = plan
    else {
        panic!("expected a multipart plan, got {plan:?}");
    };

    let mut completed = Vec::new();
    let mut offset = 0;
    for part in parts {
        let length = usize::try_from(part.length).expect("a test-sized part");
        let bytes = body[offset..offset + length].to_vec();
        offset += length;
        let response = put(&part.url, &BTreeMap::new(), bytes).await;
        assert_eq!(
            response.status(),
            200,
            "part {} is accepted",
            part.part_number
        );
        let etag = response.headers()["etag"]
            .to_str()
            .expect("a text ETag")
            .to_owned();
        completed.push(CompletedPart {
            part_number: part.part_number,
            etag,
        });
    }
    assert_eq!(offset, body.len(), "the parts cover the whole body");
    (upload_id, completed)
}

#[tokio::test]
async fn a_presigned_put_within_its_terms_is_accepted_and_inspected() {
    let media = media().await;
    let key = new_key();
    let body = video(1000);
    let (url, headers, _) = single(&media, &key, 1000, SignedDuration::from_mins(5)).await;

    let signed = query_param(&url, "X-Amz-SignedHeaders").expect("signed headers");
    let signed: Vec<&str> = signed.split("%3B").collect();
    assert!(
        signed.contains(&"content-length"),
        "length signed in: {signed:?}"
    );
    assert!(
        signed.contains(&"content-type"),
        "type signed in: {signed:?}"
    );
    assert_eq!(
        headers,
        BTreeMap::from([("content-type".to_owned(), "video/mp4".to_owned())])
    );

    let response = put(&url, &headers, body.clone()).await;
    assert_eq!(response.status(), 200);

    let info = media
        .inspect(&key)
        .await
        .expect("inspected")
        .expect("the object exists");
    assert_eq!(info.size, 1000);
    assert_eq!(info.content_type.as_deref(), Some("video/mp4"));
    assert_eq!(info.head, body[..MEDIA_HEAD_BYTES as usize]);
}

#[tokio::test]
async fn an_expired_presigned_put_is_refused() {
    let media = media().await;
    let key = new_key();
    let (url, headers, _) = single(&media, &key, 100, SignedDuration::from_secs(1)).await;

    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let response = put(&url, &headers, video(100)).await;

    assert_eq!(response.status(), 403);
    assert_eq!(media.inspect(&key).await.expect("inspected"), None);
}

#[tokio::test]
async fn a_tampered_presigned_put_is_refused() {
    let media = media().await;
    let key = new_key();
    let (url, headers, _) = single(&media, &key, 100, SignedDuration::from_mins(5)).await;

    // Change the last character of the signature (it ends the URL) to another hex digit.
    let signature = query_param(&url, "X-Amz-Signature").expect("a signature");
    let last = signature.chars().last().expect("a non-empty signature");
    let other = if last == '0' { '1' } else { '0' };
    let tampered = format!("{}{other}", &url[..url.len() - 1]);
    assert!(url.ends_with(signature), "the signature ends the URL");
    let response = put(&tampered, &headers, video(100)).await;

    assert_eq!(response.status(), 403);
    assert_eq!(media.inspect(&key).await.expect("inspected"), None);
}

#[tokio::test]
async fn a_presigned_put_for_another_key_is_refused() {
    let media = media().await;
    let key = new_key();
    let other = new_key();
    let (url, headers, _) = single(&media, &key, 100, SignedDuration::from_mins(5)).await;

    let redirected = url.replace(key.as_str(), other.as_str());
    assert_ne!(redirected, url);
    let response = put(&redirected, &headers, video(100)).await;

    assert_eq!(response.status(), 403);
    assert_eq!(media.inspect(&other).await.expect("inspected"), None);
}

#[tokio::test]
async fn a_put_with_another_content_type_is_refused() {
    let media = media().await;
    let key = new_key();
    let (url, _, _) = single(&media, &key, 100, SignedDuration::from_mins(5)).await;

    let headers = BTreeMap::from([("content-type".to_owned(), "text/html".to_owned())]);
    let response = put(&url, &headers, video(100)).await;

    assert_eq!(response.status(), 403);
    assert_eq!(media.inspect(&key).await.expect("inspected"), None);
}

#[tokio::test]
async fn a_put_of_another_length_is_refused() {
    let media = media().await;
    let key = new_key();
    let (url, headers, _) = single(&media, &key, 100, SignedDuration::from_mins(5)).await;

    let response = put(&url, &headers, video(101)).await;

    assert_eq!(response.status(), 403);
    assert_eq!(media.inspect(&key).await.expect("inspected"), None);
}

#[tokio::test]
async fn the_upload_ttl_is_clamped_to_fifteen_minutes() {
    let media = media().await;
    let before = Timestamp::now();
    let (url, _, expires_at) = single(&media, &new_key(), 100, SignedDuration::from_hours(2)).await;

    assert_eq!(seconds(query_param(&url, "X-Amz-Expires")), 900);
    let lifetime = expires_at.duration_since(before);
    assert!(
        lifetime <= SignedDuration::from_mins(15) && lifetime > SignedDuration::from_mins(14),
        "expires in {lifetime:?}"
    );

    let plan = media
        .start_multipart(
            &new_key(),
            VideoType::Webm,
            11 * MIB,
            5 * MIB,
            SignedDuration::from_hours(2),
        )
        .await
        .expect("a multipart plan");
    let UploadPlan::Multipart { parts, .. } = plan else {
        panic!("expected a multipart plan, got {plan:?}");
    };
    for part in parts {
        assert_eq!(seconds(query_param(&part.url, "X-Amz-Expires")), 900);
    }
}

#[tokio::test]
async fn a_view_url_serves_the_object_and_lives_at_most_five_minutes() {
    let media = media().await;
    let key = new_key();
    let body = video(500);
    let (url, headers, _) = single(&media, &key, 500, SignedDuration::from_mins(5)).await;
    assert_eq!(put(&url, &headers, body.clone()).await.status(), 200);

    let view = media
        .presign_view(&key, SignedDuration::from_hours(1))
        .await
        .expect("a view URL");

    assert_eq!(seconds(query_param(&view, "X-Amz-Expires")), 300);
    let response = reqwest::get(&view).await.expect("the server answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.expect("the body"), body);
}

#[tokio::test]
async fn a_missing_object_inspects_as_none() {
    let media = media().await;

    assert_eq!(media.inspect(&new_key()).await.expect("inspected"), None);
}

#[tokio::test]
async fn deleting_twice_is_fine() {
    let media = media().await;
    let key = new_key();
    let (url, headers, _) = single(&media, &key, 100, SignedDuration::from_mins(5)).await;
    assert_eq!(put(&url, &headers, video(100)).await.status(), 200);

    media.delete(&key).await.expect("the first delete");
    media.delete(&key).await.expect("the second delete");

    assert_eq!(media.inspect(&key).await.expect("inspected"), None);
}

#[tokio::test]
async fn multipart_upload_end_to_end() {
    let media = media().await;
    let key = new_key();
    let body = video(10 * MIB + 3);

    let (upload_id, parts) = upload_parts(&media, &key, &body).await;
    assert_eq!(parts.len(), 3, "two 5 MiB parts and one of 3 bytes");
    media
        .complete_multipart(&key, &upload_id, &parts)
        .await
        .expect("completed");

    let info = media
        .inspect(&key)
        .await
        .expect("inspected")
        .expect("the object exists");
    assert_eq!(info.size, 10 * MIB + 3);
    assert_eq!(info.content_type.as_deref(), Some("video/mp4"));
    assert_eq!(info.head, body[..MEDIA_HEAD_BYTES as usize]);
}

#[tokio::test]
async fn a_part_of_another_length_is_refused() {
    let media = media().await;
    let key = new_key();
    let plan = media
        .start_multipart(
            &key,
            VideoType::Mp4,
            10 * MIB + 3,
            5 * MIB,
            SignedDuration::from_mins(10),
        )
        .await
        .expect("a multipart plan");
    let UploadPlan::Multipart { parts, .. } = plan else {
        panic!("expected a multipart plan, got {plan:?}");
    };
    let last = parts.last().expect("parts");

    let signed = query_param(&last.url, "X-Amz-SignedHeaders").expect("signed headers");
    assert!(
        signed.split("%3B").any(|h| h == "content-length"),
        "{signed}"
    );
    assert_eq!(last.length, 3);
    let response = put(&last.url, &BTreeMap::new(), video(4)).await;

    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn a_completion_with_parts_out_of_order_is_refused_as_invalid_parts() {
    let media = media().await;
    let key = new_key();
    let (upload_id, mut parts) = upload_parts(&media, &key, &video(10 * MIB + 3)).await;

    parts.swap(0, 1);
    let completed = media.complete_multipart(&key, &upload_id, &parts).await;

    assert!(
        matches!(completed, Err(MultipartError::InvalidParts)),
        "{completed:?}"
    );
    assert_eq!(media.inspect(&key).await.expect("inspected"), None);
}

#[tokio::test]
async fn an_aborted_multipart_upload_cannot_be_completed() {
    let media = media().await;
    let key = new_key();
    let (upload_id, parts) = upload_parts(&media, &key, &video(10 * MIB + 3)).await;

    media
        .abort_multipart(&key, &upload_id)
        .await
        .expect("aborted");
    let completed = media.complete_multipart(&key, &upload_id, &parts).await;

    // S3 answers NoSuchUpload (InvalidParts); s3s-fs answers AccessDenied for an upload id
    // it no longer knows, which the adapter rightly treats as an infrastructure failure.
    assert!(completed.is_err(), "an aborted upload was completed");
    assert_eq!(media.inspect(&key).await.expect("inspected"), None);
}
