//! Multipart uploads into [`FolderMedia`], with S3's rules: parts of a fixed size (at least
//! 5 MiB except the last, at most 10,000 of them), each PUT to its own signed URL, then
//! completed with every part's number and ETag.

use super::media::{
    EVENT_MULTIPART, FolderMedia, ObjectMeta, etag_of, hex_prefix, key_from_stored, validate_key,
};
use super::signing::{MediaRequestError, Purpose, expiry};
use crate::ids::ObjectKey;
use crate::multipart::part_lengths;
use crate::ports::{CompletedPart, MultipartError, PartPlan, PortError, UploadPlan};
use crate::visit::VideoType;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::ErrorKind;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

/// A multipart upload in progress, as recorded when it started.
#[derive(Debug, Serialize, Deserialize)]
struct UploadRecord {
    key: String,
    content_type: String,
    length: u64,
    part_size: u64,
    parts: u32,
}

impl UploadRecord {
    /// The length of part `number` (1-based): `part_size`, the last one smaller.
    fn part_length(&self, number: u32) -> u64 {
        let before = u64::from(number - 1) * self.part_size;
        self.part_size.min(self.length - before)
    }
}

/// An upload id is 32 lowercase hex digits; anything else names no upload and must never
/// become part of a path.
fn valid_upload_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// S3 accepts part ETags with or without their quotes.
fn unquoted(etag: &str) -> &str {
    etag.trim_matches('"')
}

impl FolderMedia {
    fn upload_dir(&self, upload_id: &str) -> PathBuf {
        self.root.join("multipart").join(upload_id)
    }

    fn part_path(&self, upload_id: &str, number: u32) -> PathBuf {
        self.upload_dir(upload_id).join(format!("part-{number}"))
    }

    async fn read_upload(&self, upload_id: &str) -> Result<Option<UploadRecord>, PortError> {
        if !valid_upload_id(upload_id) {
            return Ok(None);
        }
        match tokio::fs::read(self.upload_dir(upload_id).join("upload.json")).await {
            Ok(json) => serde_json::from_slice(&json)
                .map(Some)
                .map_err(|e| PortError::new("decoding a multipart upload", e)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(PortError::new("reading a multipart upload", e)),
        }
    }

    /// Records a new multipart upload and signs a URL per part.
    pub(super) async fn start(
        &self,
        key: &ObjectKey,
        content_type: VideoType,
        length: u64,
        part_size: u64,
        expires_in: SignedDuration,
    ) -> Result<UploadPlan, PortError> {
        validate_key(key.as_str())?;
        let parts = part_lengths(length, part_size)
            .map_err(|why| PortError::new("starting a multipart upload", why))?;
        let expires = expiry(self.clock.now(), expires_in)?;

        let upload_id = uuid::Uuid::new_v4().simple().to_string();
        let record = UploadRecord {
            key: key.as_str().to_owned(),
            content_type: content_type.mime().to_owned(),
            length,
            part_size,
            parts: u32::try_from(parts.len()).expect("at most 10,000 parts"),
        };
        let json = serde_json::to_vec(&record)
            .map_err(|e| PortError::new("encoding a multipart upload", e))?;
        self.write_atomic(&self.upload_dir(&upload_id).join("upload.json"), &json)
            .await?;

        let parts = (1..=record.parts)
            .map(|number| {
                let length = record.part_length(number);
                let url = self.signer.url(
                    &self.base_url,
                    Purpose::Part,
                    &[&upload_id, &number.to_string(), &length.to_string()],
                    expires,
                );
                PartPlan {
                    part_number: number,
                    length,
                    url,
                }
            })
            .collect();
        let expires_at = Timestamp::from_second(expires)
            .map_err(|e| PortError::new("starting a multipart upload", e))?;
        Ok(UploadPlan::Multipart {
            upload_id,
            parts,
            expires_at,
        })
    }

    /// Handles `PUT /media/part?<query>`: checks the signed URL and the length, stores the
    /// part and returns its quoted ETag (the `ETag` response header). A part sent again
    /// replaces the earlier one, as in S3. A refused request writes nothing.
    pub async fn accept_part(
        &self,
        query: &str,
        content_length: Option<u64>,
        body: &[u8],
        now: Timestamp,
    ) -> Result<String, MediaRequestError> {
        let signed = self.signer.verify(Purpose::Part, query, now)?;
        let length = signed.number("length")?;
        if content_length != Some(length) || body.len() as u64 != length {
            return Err(MediaRequestError::WrongLength);
        }
        let upload_id = signed.get("upload");
        let record = self
            .read_upload(upload_id)
            .await?
            .ok_or(MediaRequestError::NoSuchUpload)?;
        let number = u32::try_from(signed.number("part")?)
            .ok()
            .filter(|n| (1..=record.parts).contains(n))
            .ok_or(MediaRequestError::SignatureMismatch)?;

        self.write_atomic(&self.part_path(upload_id, number), body)
            .await?;
        Ok(etag_of(body))
    }

    /// Assembles the parts, in order, into the object and announces it.
    pub(super) async fn complete(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<(), MultipartError> {
        let _one_at_a_time = self.completing.lock().await;
        let record = self
            .read_upload(upload_id)
            .await?
            .ok_or(MultipartError::InvalidParts)?;
        let numbered_in_order = parts
            .iter()
            .enumerate()
            .all(|(i, p)| u64::from(p.part_number) == i as u64 + 1);
        if record.key != key.as_str() || parts.len() != record.parts as usize || !numbered_in_order
        {
            return Err(MultipartError::InvalidParts);
        }

        let tmp = self.temp_path();
        let assembled = self.assemble(&record, upload_id, parts, &tmp).await;
        let multipart_etag = match assembled {
            Ok(Some(etag)) => etag,
            failed => {
                let _ = tokio::fs::remove_file(&tmp).await;
                return match failed {
                    Err(e) => Err(e.into()),
                    _ => Err(MultipartError::InvalidParts),
                };
            }
        };

        let object = self.object_path(&record.key);
        let placed = async {
            if let Some(parent) = object.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            tokio::fs::rename(&tmp, &object).await
        }
        .await;
        if let Err(e) = placed {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(PortError::new("placing an assembled object", e).into());
        }
        let meta = ObjectMeta {
            content_type: record.content_type.clone(),
            size: record.length,
            etag: multipart_etag,
        };
        self.write_meta(&record.key, &meta).await?;

        // The object is complete; a leftover part folder is only litter, so its removal
        // failing does not fail the completion.
        let _ = tokio::fs::remove_dir_all(self.upload_dir(upload_id)).await;
        self.announce(
            &key_from_stored(&record.key),
            &meta,
            EVENT_MULTIPART,
            self.clock.now(),
        );
        Ok(())
    }

    /// Concatenates the parts into `dest`, checking each against the ETag the browser
    /// reported. `None` if a part is missing, has the wrong length or another ETag.
    /// Returns the object's ETag in S3's multipart form: a digest of the part digests and
    /// the part count.
    async fn assemble(
        &self,
        record: &UploadRecord,
        upload_id: &str,
        parts: &[CompletedPart],
        dest: &std::path::Path,
    ) -> Result<Option<String>, PortError> {
        let failed = |e| PortError::new("assembling a multipart upload", e);
        let mut out = tokio::fs::File::create(dest).await.map_err(failed)?;
        let mut digests = Sha256::new();

        for part in parts {
            let bytes = match tokio::fs::read(self.part_path(upload_id, part.part_number)).await {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(failed(e)),
            };
            let digest = Sha256::digest(&bytes);
            let expected_length = record.part_length(part.part_number);
            if hex_prefix(&digest, 16) != unquoted(&part.etag)
                || bytes.len() as u64 != expected_length
            {
                return Ok(None);
            }
            digests.update(&digest[..16]);
            out.write_all(&bytes).await.map_err(failed)?;
        }

        out.flush().await.map_err(failed)?;
        let digest = hex_prefix(&digests.finalize(), 16);
        Ok(Some(format!("\"{digest}-{}\"", parts.len())))
    }
}
