//! The narrow ports between the handlers and the outside world. AWS adapters implement them
//! in Lambda; embedded adapters implement them on one machine and in tests.

use crate::audit::AuditEvent;
use crate::ids::{ObjectKey, PatientId, VisitId};
use crate::notice::Mail;
use crate::patient::Patient;
use crate::visit::{VideoType, Visit};
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A failure of the infrastructure behind a port (a database, a bucket, a mail service).
/// Its text is for logs and may name resources; it never reaches a client.
#[derive(Debug, thiserror::Error)]
#[error("{context}: {source}")]
pub struct PortError {
    pub context: String,
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl PortError {
    /// Wraps a cause with what was being attempted.
    pub fn new(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            context: context.into(),
            source: source.into(),
        }
    }
}

/// A conditional write that found the world different from what it expected.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The record changed since it was read (another event got there first), or does not
    /// exist. Nothing was written.
    #[error("the record changed since it was read")]
    Conflict,
    /// The patient already has an open visit (only from [`VisitStore::create_visit`]).
    #[error("the patient already has an open visit")]
    OpenVisitExists(VisitId),
    /// A patient with this id already exists (only from [`VisitStore::create_patient`]).
    #[error("the patient already exists")]
    AlreadyExists,
    #[error(transparent)]
    Port(#[from] PortError),
}

/// One page of the physician's queue.
#[derive(Clone, Debug, PartialEq)]
pub struct QueuePage {
    pub visits: Vec<Visit>,
    /// Pass back to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A notice (email or alert) recorded against a visit so it is sent once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRecord {
    pub key: String,
    pub at: Timestamp,
}

/// Visits, patients, audit events and sent notices.
#[async_trait]
pub trait VisitStore: Send + Sync {
    /// Stores a new visit, refusing it if the patient has another open visit.
    async fn create_visit(&self, visit: &Visit) -> Result<(), WriteError>;

    /// Reads one visit.
    async fn visit(&self, id: VisitId) -> Result<Option<Visit>, PortError>;

    /// Replaces a visit with its changed version, only if the stored one still has
    /// `next.version - 1`. Keeps the open-visit guard in step with the status.
    async fn save_visit(&self, next: &Visit) -> Result<(), WriteError>;

    /// Visits awaiting the physician (`submitted`), earliest deadline first.
    async fn queue(&self, limit: usize, cursor: Option<&str>) -> Result<QueuePage, WriteError>;

    /// A patient's visits, newest first.
    async fn visits_of(&self, patient: &PatientId) -> Result<Vec<Visit>, PortError>;

    /// Stores a new patient; [`WriteError::AlreadyExists`] if the id is taken.
    async fn create_patient(&self, patient: &Patient) -> Result<(), WriteError>;

    /// Reads one patient.
    async fn patient(&self, id: &PatientId) -> Result<Option<Patient>, PortError>;

    /// Replaces a patient record.
    async fn save_patient(&self, patient: &Patient) -> Result<(), PortError>;

    /// Every patient, by name.
    async fn patients(&self) -> Result<Vec<Patient>, PortError>;

    /// Appends an audit event.
    async fn append_audit(&self, event: &AuditEvent) -> Result<(), PortError>;

    /// The audit trail of a visit, oldest first.
    async fn audit_of_visit(&self, visit: VisitId) -> Result<Vec<AuditEvent>, PortError>;

    /// Records that the notice `key` of a visit is being sent. `false` if it already was:
    /// the caller must not send it again.
    async fn claim_notice(
        &self,
        visit: VisitId,
        key: &str,
        at: Timestamp,
    ) -> Result<bool, PortError>;

    /// Undoes a claim whose sending failed, so a retry sends it.
    async fn release_notice(&self, visit: VisitId, key: &str) -> Result<(), PortError>;

    /// The notices recorded for a visit, oldest first.
    async fn notices(&self, visit: VisitId) -> Result<Vec<NoticeRecord>, PortError>;
}

/// How the patient's browser uploads a video.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum UploadPlan {
    /// One PUT of the whole file with exactly these headers.
    Single {
        url: String,
        headers: BTreeMap<String, String>,
        #[schema(value_type = String, format = DateTime)]
        expires_at: Timestamp,
    },
    /// PUT each part to its URL, keep each response's `ETag`, then ask the API to complete.
    Multipart {
        upload_id: String,
        parts: Vec<PartPlan>,
        #[schema(value_type = String, format = DateTime)]
        expires_at: Timestamp,
    },
}

/// One part of a multipart upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartPlan {
    pub part_number: u32,
    pub length: u64,
    pub url: String,
}

/// A part the browser uploaded, as it reports it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletedPart {
    pub part_number: u32,
    pub etag: String,
}

/// What the media store knows of a stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    pub size: u64,
    pub content_type: Option<String>,
    /// Up to the first [`MEDIA_HEAD_BYTES`] bytes, enough to recognise the container.
    pub head: Vec<u8>,
}

/// How many leading bytes [`MediaStore::inspect`] reads.
pub const MEDIA_HEAD_BYTES: u64 = 64;

/// Videos in the media store.
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// A URL for one PUT of exactly `length` bytes of `content_type` to `key`.
    async fn presign_put(
        &self,
        key: &ObjectKey,
        content_type: VideoType,
        length: u64,
        expires_in: SignedDuration,
    ) -> Result<UploadPlan, PortError>;

    /// Starts a multipart upload of `length` bytes in parts of `part_size` (the last
    /// smaller) and signs a URL per part.
    async fn start_multipart(
        &self,
        key: &ObjectKey,
        content_type: VideoType,
        length: u64,
        part_size: u64,
        expires_in: SignedDuration,
    ) -> Result<UploadPlan, PortError>;

    /// Assembles the parts into the object; this is what raises the created event.
    async fn complete_multipart(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<(), MultipartError>;

    /// A short-lived URL to watch the video.
    async fn presign_view(
        &self,
        key: &ObjectKey,
        expires_in: SignedDuration,
    ) -> Result<String, PortError>;

    /// Size, type and first bytes of an object; `None` if there is none.
    async fn inspect(&self, key: &ObjectKey) -> Result<Option<ObjectInfo>, PortError>;

    /// Deletes an object; deleting a missing one succeeds.
    async fn delete(&self, key: &ObjectKey) -> Result<(), PortError>;
}

/// Why a multipart upload could not be completed.
#[derive(Debug, thiserror::Error)]
pub enum MultipartError {
    /// The upload id, a part or an ETag does not match what was uploaded.
    #[error("the uploaded parts do not match the upload")]
    InvalidParts,
    #[error(transparent)]
    Port(#[from] PortError),
}

/// Sends PHI-free mail.
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn send(&self, mail: &Mail) -> Result<(), PortError>;
}

/// Which timed alert a schedule fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Before the deadline, to the physician.
    Reminder,
    /// At the deadline, to the physician.
    Overdue,
    /// A day after creation: a visit still awaiting its upload is abandoned.
    Abandon,
}

impl AlertKind {
    /// The stable name used in schedule names and notice keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reminder => "reminder",
            Self::Overdue => "overdue",
            Self::Abandon => "abandon",
        }
    }
}

/// What a schedule hands to the alert handler: the Scheduler target's `Input`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertPayload {
    pub visit_id: VisitId,
    pub alert: AlertKind,
    /// The review round the alert belongs to (0 for `abandon`).
    pub round: u32,
}

impl AlertPayload {
    /// A stable schedule name, unique per visit, round and alert, within Scheduler's
    /// 64-character limit.
    pub fn schedule_name(&self) -> String {
        match self.alert {
            AlertKind::Abandon => format!("{}-abandon", self.visit_id),
            kind => format!("{}-r{}-{}", self.visit_id, self.round, kind.as_str()),
        }
    }
}

/// One-time timed alerts.
#[async_trait]
pub trait AlertScheduler: Send + Sync {
    /// Fires `payload` at `at`. Scheduling a name that exists already succeeds and changes
    /// nothing.
    async fn schedule(&self, at: Timestamp, payload: &AlertPayload) -> Result<(), PortError>;

    /// Removes a schedule; removing a missing one succeeds.
    async fn cancel(&self, name: &str) -> Result<(), PortError>;
}

/// The practice's sign-in directory: on AWS the Cognito user pool, locally the dev sign-in.
#[async_trait]
pub trait IdentityDirectory: Send + Sync {
    /// Gives a new patient a sign-in identity in the patient group (on AWS, an invitation
    /// mail with a temporary password) and returns the identity's subject, which becomes the
    /// patient's id. Inviting an address that already has an identity returns that identity.
    async fn invite_patient(&self, email: &str) -> Result<PatientId, PortError>;
}

/// The time, behind a port so tests can hold it still.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}
