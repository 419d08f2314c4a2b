//! [`S3Media`]: videos in an S3 bucket, uploaded by the patient's browser straight to S3
//! through presigned URLs and watched by the physician through short-lived presigned GETs.
//!
//! Upload URLs sign in the content type and the exact content length, so S3 itself refuses
//! a PUT of another type or size; every URL lives at most a few minutes whatever the caller
//! asks for. Multipart uploads follow S3's rules (parts of at least 5 MiB except the last, at
//! most 10,000 of them), each part with its own URL and its length signed in.

use super::sdk_error;
use crate::ids::ObjectKey;
use crate::multipart::part_lengths;
use crate::ports::{
    CompletedPart, MEDIA_HEAD_BYTES, MediaStore, MultipartError, ObjectInfo, PartPlan, PortError,
    UploadPlan,
};
use crate::visit::VideoType;
use async_trait::async_trait;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::complete_multipart_upload::CompleteMultipartUploadError;
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart as S3CompletedPart};
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// The longest an upload URL (single or part) lives, whatever the caller asks for: long
/// enough to send a video, short enough that a leaked URL is soon useless.
pub const MAX_UPLOAD_URL_TTL: SignedDuration = SignedDuration::from_mins(15);

/// The longest a view URL lives: the physician's player starts at once, and a URL copied
/// out of the browser must not keep working.
pub const MAX_VIEW_URL_TTL: SignedDuration = SignedDuration::from_mins(5);

/// The S3 error codes that mean the completion named parts, ETags or an upload that do not
/// match what was uploaded: the browser's fault, not the infrastructure's.
const INVALID_PARTS_CODES: [&str; 4] = [
    "InvalidPart",
    "InvalidPartOrder",
    "NoSuchUpload",
    "EntityTooSmall",
];

/// Media in one S3 bucket.
#[derive(Clone, Debug)]
pub struct S3Media {
    client: aws_sdk_s3::Client,
    bucket: String,
}

/// When a URL signed now expires, and the signing configuration that makes it so.
struct Expiry {
    config: PresigningConfig,
    at: Timestamp,
}

impl S3Media {
    /// Media in `bucket`, reached through `client`. Against a local endpoint the client needs
    /// path-style addressing (`force_path_style(true)`).
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    /// Abandons a multipart upload and frees its parts; an upload that is already gone
    /// (completed, aborted or never started) is fine.
    pub async fn abort_multipart(&self, key: &ObjectKey, upload_id: &str) -> Result<(), PortError> {
        let aborted = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .send()
            .await;
        match aborted {
            Ok(_) => Ok(()),
            Err(e) if service_code(&e) == Some("NoSuchUpload") => Ok(()),
            Err(e) => Err(sdk_error("aborting a multipart upload")(e)),
        }
    }

    /// The first [`MEDIA_HEAD_BYTES`] bytes of an object; `None` if it is missing.
    async fn read_head(&self, key: &ObjectKey) -> Result<Option<Vec<u8>>, PortError> {
        let got = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .range(format!("bytes=0-{}", MEDIA_HEAD_BYTES - 1))
            .send()
            .await;
        let got = match got {
            Ok(got) => got,
            Err(SdkError::ServiceError(e)) if matches!(e.err(), GetObjectError::NoSuchKey(_)) => {
                return Ok(None);
            }
            Err(e) => return Err(sdk_error("reading the start of an object")(e)),
        };

        // Read no further than needed even if a server ignored the range.
        let limit = MEDIA_HEAD_BYTES as usize;
        let mut body = got.body;
        let mut head = Vec::with_capacity(limit);
        while head.len() < limit {
            let chunk = body
                .try_next()
                .await
                .map_err(|e| PortError::new("reading the start of an object", e))?;
            let Some(chunk) = chunk else { break };
            let wanted = (limit - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
        }
        Ok(Some(head))
    }

    /// Presigns one UploadPart with its exact length signed in.
    async fn presign_part(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        part_number: u32,
        length: u64,
        expiry: &Expiry,
    ) -> Result<PartPlan, PortError> {
        let presigned = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .part_number(sdk_part_number(part_number)?)
            .content_length(sdk_length(length)?)
            .presigned(expiry.config.clone())
            .await
            .map_err(sdk_error("presigning an upload part"))?;
        Ok(PartPlan {
            part_number,
            length,
            url: presigned.uri().to_owned(),
        })
    }

    /// Signs a URL per part; on failure the caller aborts the upload.
    async fn presign_parts(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        part_lengths: &[u64],
        expiry: &Expiry,
    ) -> Result<Vec<PartPlan>, PortError> {
        let mut parts = Vec::with_capacity(part_lengths.len());
        for (number, part_length) in (1..).zip(part_lengths) {
            parts.push(
                self.presign_part(key, upload_id, number, *part_length, expiry)
                    .await?,
            );
        }
        Ok(parts)
    }
}

/// The signing configuration for a URL that lives `asked`, but never longer than `max`.
/// Like SigV4 itself, a lifetime under one second is refused.
fn expiry(asked: SignedDuration, max: SignedDuration) -> Result<Expiry, PortError> {
    let seconds = asked.min(max).as_secs();
    if seconds < 1 {
        return Err(PortError::new(
            "presigning a media URL",
            format!("a URL must live at least 1 second, not {seconds} seconds"),
        ));
    }

    // SigV4 signs the start in whole seconds (X-Amz-Date), so expires_at is exact only if
    // the start is truncated the same way.
    let start = Timestamp::from_second(Timestamp::now().as_second())
        .map_err(|e| PortError::new("presigning a media URL", e))?;
    let lifetime = SignedDuration::from_secs(seconds);
    let at = start
        .checked_add(lifetime)
        .map_err(|e| PortError::new("presigning a media URL", e))?;
    let start_time =
        SystemTime::try_from(start).map_err(|e| PortError::new("presigning a media URL", e))?;
    let config = PresigningConfig::builder()
        .start_time(start_time)
        .expires_in(Duration::from_secs(seconds.unsigned_abs()))
        .build()
        .map_err(|e| PortError::new("presigning a media URL", e))?;
    Ok(Expiry { config, at })
}

/// A length as the SDK takes it (an `i64`).
fn sdk_length(length: u64) -> Result<i64, PortError> {
    i64::try_from(length).map_err(|e| PortError::new("presigning an upload", e))
}

/// A part number as the SDK takes it (an `i32`).
fn sdk_part_number(number: u32) -> Result<i32, PortError> {
    i32::try_from(number).map_err(|e| PortError::new("presigning an upload part", e))
}

/// The error code S3 answered with, if the call reached S3 and it answered with one.
fn service_code<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<&str> {
    error
        .as_service_error()
        .and_then(ProvideErrorMetadata::code)
}

/// What a failed completion means to the caller: parts that do not match the upload are the
/// browser's fault ([`MultipartError::InvalidParts`]); anything else is the infrastructure's.
fn completion_error(error: SdkError<CompleteMultipartUploadError, HttpResponse>) -> MultipartError {
    if service_code(&error).is_some_and(|code| INVALID_PARTS_CODES.contains(&code)) {
        MultipartError::InvalidParts
    } else {
        sdk_error("completing a multipart upload")(error).into()
    }
}

/// S3 expects part ETags quoted, as it returned them; browsers may report them either way.
fn quoted(etag: &str) -> String {
    format!("\"{}\"", etag.trim_matches('"'))
}

/// The parts must be numbered 1, 2, 3… in order, as the embedded media store requires; S3
/// would accept gaps, which would silently drop a part from the video.
fn numbered_in_order(parts: &[CompletedPart]) -> bool {
    !parts.is_empty()
        && parts
            .iter()
            .enumerate()
            .all(|(i, p)| u64::from(p.part_number) == i as u64 + 1)
}

#[async_trait]
impl MediaStore for S3Media {
    async fn presign_put(
        &self,
        key: &ObjectKey,
        content_type: VideoType,
        length: u64,
        expires_in: SignedDuration,
    ) -> Result<UploadPlan, PortError> {
        let expiry = expiry(expires_in, MAX_UPLOAD_URL_TTL)?;

        // Both headers go into X-Amz-SignedHeaders, so S3 refuses another type or length.
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type.mime())
            .content_length(sdk_length(length)?)
            .presigned(expiry.config)
            .await
            .map_err(sdk_error("presigning an upload"))?;

        // Browsers set Content-Length themselves (and refuse to have it set), so only the
        // content type is handed to the client.
        let headers = BTreeMap::from([("content-type".to_owned(), content_type.mime().to_owned())]);
        Ok(UploadPlan::Single {
            url: presigned.uri().to_owned(),
            headers,
            expires_at: expiry.at,
        })
    }

    async fn start_multipart(
        &self,
        key: &ObjectKey,
        content_type: VideoType,
        length: u64,
        part_size: u64,
        expires_in: SignedDuration,
    ) -> Result<UploadPlan, PortError> {
        let part_lengths = part_lengths(length, part_size)
            .map_err(|why| PortError::new("starting a multipart upload", why))?;
        let expiry = expiry(expires_in, MAX_UPLOAD_URL_TTL)?;

        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type.mime())
            .send()
            .await
            .map_err(sdk_error("starting a multipart upload"))?;
        let upload_id = created
            .upload_id()
            .ok_or_else(|| PortError::new("starting a multipart upload", "S3 gave no upload id"))?
            .to_owned();

        match self
            .presign_parts(key, &upload_id, &part_lengths, &expiry)
            .await
        {
            Ok(parts) => Ok(UploadPlan::Multipart {
                upload_id,
                parts,
                expires_at: expiry.at,
            }),
            Err(e) => {
                // Nobody will ever complete this upload; its parts would be billed until a
                // lifecycle rule removes them.
                if let Err(abort) = self.abort_multipart(key, &upload_id).await {
                    tracing::warn!(%key, error = %abort, "abandoned multipart upload not aborted");
                }
                Err(e)
            }
        }
    }

    async fn complete_multipart(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<(), MultipartError> {
        if !numbered_in_order(parts) {
            return Err(MultipartError::InvalidParts);
        }

        let mut completed = Vec::with_capacity(parts.len());
        for part in parts {
            let number =
                i32::try_from(part.part_number).map_err(|_| MultipartError::InvalidParts)?;
            completed.push(
                S3CompletedPart::builder()
                    .part_number(number)
                    .e_tag(quoted(&part.etag))
                    .build(),
            );
        }
        let upload = CompletedMultipartUpload::builder()
            .set_parts(Some(completed))
            .build();

        let result = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .multipart_upload(upload)
            .send()
            .await;
        result.map(|_| ()).map_err(completion_error)
    }

    async fn presign_view(
        &self,
        key: &ObjectKey,
        expires_in: SignedDuration,
    ) -> Result<String, PortError> {
        let expiry = expiry(expires_in, MAX_VIEW_URL_TTL)?;
        let presigned = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .presigned(expiry.config)
            .await
            .map_err(sdk_error("presigning a view"))?;
        Ok(presigned.uri().to_owned())
    }

    async fn inspect(&self, key: &ObjectKey) -> Result<Option<ObjectInfo>, PortError> {
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await;
        let head = match head {
            Ok(head) => head,
            Err(SdkError::ServiceError(e)) if matches!(e.err(), HeadObjectError::NotFound(_)) => {
                return Ok(None);
            }
            // A HEAD response has no body, so a missing key may come back as a bare 404.
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => {
                return Ok(None);
            }
            Err(e) => return Err(sdk_error("inspecting an object")(e)),
        };
        let size = head
            .content_length()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| PortError::new("inspecting an object", "S3 gave no object size"))?;
        let content_type = head.content_type().map(str::to_owned);

        // A range on an empty object is unsatisfiable (416): there are no bytes to read.
        let head_bytes = if size == 0 {
            Vec::new()
        } else {
            match self.read_head(key).await? {
                Some(bytes) => bytes,
                // Deleted between the two requests: it is gone.
                None => return Ok(None),
            }
        };

        Ok(Some(ObjectInfo {
            size,
            content_type,
            head: head_bytes,
        }))
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), PortError> {
        // S3 answers a delete of a missing key with success.
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(sdk_error("deleting an object"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::error::ErrorMetadata;
    use aws_sdk_s3::primitives::SdkBody;

    /// S3's answer to a completion, as the SDK hands it over.
    fn answered(status: u16, code: &str) -> SdkError<CompleteMultipartUploadError, HttpResponse> {
        let error =
            CompleteMultipartUploadError::generic(ErrorMetadata::builder().code(code).build());
        let status = status.try_into().expect("a valid status");
        SdkError::service_error(error, HttpResponse::new(status, SdkBody::empty()))
    }

    // s3s-fs checks no part ETags at completion, so the mapping of S3's answers is proven here.
    #[test]
    fn parts_that_do_not_match_the_upload_are_invalid_parts() {
        for code in [
            "InvalidPart",
            "InvalidPartOrder",
            "NoSuchUpload",
            "EntityTooSmall",
        ] {
            let mapped = completion_error(answered(400, code));
            assert!(
                matches!(mapped, MultipartError::InvalidParts),
                "{code}: {mapped:?}"
            );
        }
    }

    #[test]
    fn other_completion_failures_are_port_errors() {
        for (status, code) in [
            (403, "AccessDenied"),
            (500, "InternalError"),
            (503, "SlowDown"),
        ] {
            let mapped = completion_error(answered(status, code));
            assert!(
                matches!(mapped, MultipartError::Port(_)),
                "{code}: {mapped:?}"
            );
        }
    }

    #[test]
    fn upload_urls_live_at_most_fifteen_minutes_and_view_urls_five() {
        let upload = expiry(SignedDuration::from_hours(2), MAX_UPLOAD_URL_TTL).expect("clamped");
        let view = expiry(SignedDuration::from_hours(2), MAX_VIEW_URL_TTL).expect("clamped");
        let short = expiry(SignedDuration::from_secs(30), MAX_VIEW_URL_TTL).expect("kept");

        assert_eq!(upload.config.expires(), Duration::from_secs(15 * 60));
        assert_eq!(view.config.expires(), Duration::from_secs(5 * 60));
        assert_eq!(short.config.expires(), Duration::from_secs(30));
        assert!(expiry(SignedDuration::ZERO, MAX_VIEW_URL_TTL).is_err());
    }

    #[test]
    fn etags_are_sent_quoted_once() {
        assert_eq!(quoted("abc"), "\"abc\"");
        assert_eq!(quoted("\"abc\""), "\"abc\"");
    }
}
