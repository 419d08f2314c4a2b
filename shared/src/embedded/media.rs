//! [`FolderMedia`]: videos in a folder, reached through signed, expiring URLs that the
//! stack's HTTP server serves, standing in for S3 and its presigned URLs.
//!
//! Layout under the root: `objects/<key>` holds an object's bytes and `meta/<key>.json` its
//! content type, size and ETag; `multipart/<upload id>/` holds a multipart upload in
//! progress; `tmp/` holds files being written, which are renamed into place when complete.

use super::signing::{MediaRequestError, Purpose, Signer, expiry};
use crate::ids::ObjectKey;
use crate::ports::{
    Clock, CompletedPart, MEDIA_HEAD_BYTES, MediaStore, MultipartError, ObjectInfo, PortError,
    SystemClock, UploadPlan,
};
use crate::visit::VideoType;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc::UnboundedSender;

/// The event name of an object written by one PUT.
pub(super) const EVENT_PUT: &str = "ObjectCreated:Put";

/// The event name of an object assembled from a multipart upload.
pub(super) const EVENT_MULTIPART: &str = "ObjectCreated:CompleteMultipartUpload";

/// An object was written: what S3 would announce to the upload notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectCreated {
    /// Where the object was written.
    pub key: ObjectKey,
    /// Its length in bytes.
    pub size: u64,
    /// Quoted, as S3 reports it.
    pub etag: String,
    /// `ObjectCreated:Put` or `ObjectCreated:CompleteMultipartUpload`.
    pub event_name: &'static str,
    /// When the write completed, the event's `eventTime`.
    pub at: Timestamp,
}

/// What the sidecar file records of an object.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct ObjectMeta {
    pub(super) content_type: String,
    pub(super) size: u64,
    pub(super) etag: String,
}

/// Media in a folder. Cheap calls only touch the filesystem; nothing is held in memory
/// between requests, so a restart keeps objects and multipart uploads in progress.
pub struct FolderMedia {
    pub(super) root: PathBuf,
    pub(super) base_url: String,
    pub(super) signer: Signer,
    pub(super) events: UnboundedSender<ObjectCreated>,
    pub(super) clock: Arc<dyn Clock>,
    /// Completing the same upload twice at once must not assemble it twice.
    pub(super) completing: tokio::sync::Mutex<()>,
}

impl FolderMedia {
    /// Media under `root` (created if missing), with URLs under `public_base_url` signed by
    /// `signing_key`. Every object written is announced on `events`.
    pub fn open(
        root: PathBuf,
        public_base_url: String,
        signing_key: [u8; 32],
        events: UnboundedSender<ObjectCreated>,
    ) -> Result<Self, PortError> {
        for dir in ["objects", "meta", "multipart", "tmp"] {
            std::fs::create_dir_all(root.join(dir))
                .map_err(|e| PortError::new("creating the media folder", e))?;
        }
        Ok(Self {
            root,
            base_url: public_base_url.trim_end_matches('/').to_owned(),
            signer: Signer::new(signing_key),
            events,
            clock: Arc::new(SystemClock),
            completing: tokio::sync::Mutex::new(()),
        })
    }

    /// Uses `clock` for URL expiry and multipart completion times (tests hold it still).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Handles `PUT /media/upload?<query>`: checks the signed URL, the Content-Type and the
    /// length exactly as S3 checks a presigned PUT, then stores the object and announces it.
    /// A refused request writes nothing.
    pub async fn accept_put(
        &self,
        query: &str,
        content_type: Option<&str>,
        content_length: Option<u64>,
        body: &[u8],
        now: Timestamp,
    ) -> Result<ObjectKey, MediaRequestError> {
        let signed = self.signer.verify(Purpose::Upload, query, now)?;
        if content_type != Some(signed.get("type")) {
            return Err(MediaRequestError::WrongContentType);
        }
        let length = signed.number("length")?;
        if content_length != Some(length) || body.len() as u64 != length {
            return Err(MediaRequestError::WrongLength);
        }
        let key = signed.get("key");
        validate_key(key).map_err(|_| MediaRequestError::SignatureMismatch)?;

        let meta = self.store_object(key, signed.get("type"), body).await?;

        let key = key_from_stored(key);
        self.announce(&key, &meta, EVENT_PUT, now);
        Ok(key)
    }

    /// Handles `GET /media/view?<query>`: the object's bytes and content type.
    pub async fn open_view(
        &self,
        query: &str,
        now: Timestamp,
    ) -> Result<(Vec<u8>, String), MediaRequestError> {
        let signed = self.signer.verify(Purpose::View, query, now)?;
        let key = signed.get("key");
        validate_key(key).map_err(|_| MediaRequestError::SignatureMismatch)?;

        let meta = self
            .read_meta(key)
            .await?
            .ok_or(MediaRequestError::NoSuchObject)?;
        match tokio::fs::read(self.object_path(key)).await {
            Ok(bytes) => Ok((bytes, meta.content_type)),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(MediaRequestError::NoSuchObject),
            Err(e) => Err(PortError::new("reading an object", e).into()),
        }
    }

    pub(super) fn object_path(&self, key: &str) -> PathBuf {
        self.root.join("objects").join(key)
    }

    fn meta_path(&self, key: &str) -> PathBuf {
        self.root.join("meta").join(format!("{key}.json"))
    }

    /// Writes `bytes` to `dest` through a temporary file, so a reader sees all or nothing.
    pub(super) async fn write_atomic(&self, dest: &Path, bytes: &[u8]) -> Result<(), PortError> {
        let tmp = self.temp_path();
        let written = async {
            if let Some(parent) = dest.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::rename(&tmp, dest).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        written.map_err(|e| PortError::new("writing media", e))
    }

    /// A fresh path in the temporary folder, on the same filesystem as the destinations so
    /// the final rename is atomic.
    pub(super) fn temp_path(&self) -> PathBuf {
        self.root
            .join("tmp")
            .join(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Stores a whole object and its metadata. The metadata is written last: an object is
    /// visible to [`MediaStore::inspect`] and views only once its metadata exists.
    async fn store_object(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<ObjectMeta, PortError> {
        let meta = ObjectMeta {
            content_type: content_type.to_owned(),
            size: bytes.len() as u64,
            etag: etag_of(bytes),
        };
        self.write_atomic(&self.object_path(key), bytes).await?;
        self.write_meta(key, &meta).await?;
        Ok(meta)
    }

    pub(super) async fn write_meta(&self, key: &str, meta: &ObjectMeta) -> Result<(), PortError> {
        let json = serde_json::to_vec(meta).map_err(|e| PortError::new("encoding metadata", e))?;
        self.write_atomic(&self.meta_path(key), &json).await
    }

    async fn read_meta(&self, key: &str) -> Result<Option<ObjectMeta>, PortError> {
        match tokio::fs::read(self.meta_path(key)).await {
            Ok(json) => serde_json::from_slice(&json)
                .map(Some)
                .map_err(|e| PortError::new("decoding metadata", e)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(PortError::new("reading metadata", e)),
        }
    }

    /// Announces a written object. A closed channel means the stack is shutting down; the
    /// object stays stored, as an S3 object does when its notification is lost.
    pub(super) fn announce(
        &self,
        key: &ObjectKey,
        meta: &ObjectMeta,
        event_name: &'static str,
        at: Timestamp,
    ) {
        let event = ObjectCreated {
            key: key.clone(),
            size: meta.size,
            etag: meta.etag.clone(),
            event_name,
            at,
        };
        if self.events.send(event).is_err() {
            tracing::warn!(event_name, "object created with nobody listening");
        }
    }
}

/// A key read back from a signed URL or a stored record, already validated. `ObjectKey` has
/// no public constructor from text; its serde form is the plain string.
pub(super) fn key_from_stored(key: &str) -> ObjectKey {
    serde_json::from_value(serde_json::Value::String(key.to_owned()))
        .expect("an object key deserializes from any string")
}

/// The quoted ETag of some bytes. S3 uses an MD5 hex digest; a truncated SHA-256 has the same
/// shape and the same property that matters here: different bytes, different tag.
pub(super) fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex_prefix(&Sha256::digest(bytes), 16))
}

/// The first `bytes` bytes of a digest, in lowercase hex.
pub(super) fn hex_prefix(digest: &[u8], bytes: usize) -> String {
    digest
        .iter()
        .take(bytes)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Refuses keys that could escape the folder or name it ambiguously: absolute paths, empty,
/// `.` and `..` segments, and anything outside a plain filename alphabet.
pub(super) fn validate_key(key: &str) -> Result<(), PortError> {
    let plain = |segment: &str| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    if key.len() <= 1024 && key.split('/').all(plain) {
        Ok(())
    } else {
        Err(PortError::new(
            "mapping an object key to a file",
            "unsafe object key",
        ))
    }
}

#[async_trait]
impl MediaStore for FolderMedia {
    async fn presign_put(
        &self,
        key: &ObjectKey,
        content_type: VideoType,
        length: u64,
        expires_in: SignedDuration,
    ) -> Result<UploadPlan, PortError> {
        validate_key(key.as_str())?;
        let expires = expiry(self.clock.now(), expires_in)?;
        let length_text = length.to_string();
        let url = self.signer.url(
            &self.base_url,
            Purpose::Upload,
            &[key.as_str(), content_type.mime(), &length_text],
            expires,
        );
        let headers = BTreeMap::from([("content-type".to_owned(), content_type.mime().to_owned())]);
        let expires_at = Timestamp::from_second(expires)
            .map_err(|e| PortError::new("presigning an upload", e))?;
        Ok(UploadPlan::Single {
            url,
            headers,
            expires_at,
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
        self.start(key, content_type, length, part_size, expires_in)
            .await
    }

    async fn complete_multipart(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<(), MultipartError> {
        self.complete(key, upload_id, parts).await
    }

    async fn presign_view(
        &self,
        key: &ObjectKey,
        expires_in: SignedDuration,
    ) -> Result<String, PortError> {
        validate_key(key.as_str())?;
        let expires = expiry(self.clock.now(), expires_in)?;
        Ok(self
            .signer
            .url(&self.base_url, Purpose::View, &[key.as_str()], expires))
    }

    async fn inspect(&self, key: &ObjectKey) -> Result<Option<ObjectInfo>, PortError> {
        validate_key(key.as_str())?;
        let Some(meta) = self.read_meta(key.as_str()).await? else {
            return Ok(None);
        };

        let file = match tokio::fs::File::open(self.object_path(key.as_str())).await {
            Ok(file) => file,
            // Deleted between the two reads: it is gone.
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PortError::new("reading an object", e)),
        };
        let mut head = Vec::with_capacity(MEDIA_HEAD_BYTES as usize);
        file.take(MEDIA_HEAD_BYTES)
            .read_to_end(&mut head)
            .await
            .map_err(|e| PortError::new("reading an object", e))?;

        Ok(Some(ObjectInfo {
            size: meta.size,
            content_type: Some(meta.content_type),
            head,
        }))
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), PortError> {
        validate_key(key.as_str())?;
        // Metadata first, so the object disappears from view before its bytes do.
        for path in [self.meta_path(key.as_str()), self.object_path(key.as_str())] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(PortError::new("deleting an object", e)),
            }
        }
        Ok(())
    }
}
