//! A visit and its lifecycle. Every change is a method that checks the status it starts
//! from and returns the changed visit; the store then writes it conditionally on the version
//! it was read at, so a duplicated or reordered event can never apply a change twice.

use crate::ids::{ObjectKey, PatientId, VisitId};
use crate::intake::Intake;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest response or answer message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5000;

/// Where a visit stands. See the lifecycle in the design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    /// Created and eligible; waiting for the patient's video.
    AwaitingUpload,
    /// The video was verified; in the physician's queue with a deadline.
    Submitted,
    /// The physician asked questions; waiting for the patient's answer.
    AwaitingPatient,
    /// The physician responded. Final.
    Responded,
    /// No upload arrived in time. Final.
    Abandoned,
    /// The uploaded file failed verification and was deleted. Final: the patient starts again.
    UploadRejected,
    /// The patient cancelled before uploading. Final.
    Cancelled,
}

impl VisitStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [VisitStatus; 7] = [
        Self::AwaitingUpload,
        Self::Submitted,
        Self::AwaitingPatient,
        Self::Responded,
        Self::Abandoned,
        Self::UploadRejected,
        Self::Cancelled,
    ];

    /// An open visit blocks the patient from starting another.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::AwaitingUpload | Self::Submitted | Self::AwaitingPatient
        )
    }

    /// The stable name used in the API and the stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingUpload => "awaiting_upload",
            Self::Submitted => "submitted",
            Self::AwaitingPatient => "awaiting_patient",
            Self::Responded => "responded",
            Self::Abandoned => "abandoned",
            Self::UploadRejected => "upload_rejected",
            Self::Cancelled => "cancelled",
        }
    }

    /// The inverse of [`VisitStatus::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for VisitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The video containers a patient may upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum VideoType {
    #[serde(rename = "video/mp4")]
    Mp4,
    #[serde(rename = "video/webm")]
    Webm,
    #[serde(rename = "video/quicktime")]
    Quicktime,
}

impl VideoType {
    /// The MIME type, exactly as signed into upload URLs.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Mp4 => "video/mp4",
            Self::Webm => "video/webm",
            Self::Quicktime => "video/quicktime",
        }
    }

    /// The inverse of [`VideoType::mime`], ignoring parameters such as `;codecs=vp8`.
    pub fn from_mime(text: &str) -> Option<Self> {
        let essence = text.split(';').next().unwrap_or_default().trim();
        [Self::Mp4, Self::Webm, Self::Quicktime]
            .into_iter()
            .find(|t| t.mime().eq_ignore_ascii_case(essence))
    }
}

/// The upload the patient declared, and where it goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub content_type: VideoType,
    /// The exact length in bytes the patient declared and the upload URL signs in.
    pub declared_length: u64,
    pub object_key: ObjectKey,
    /// Starts at 1; a fresh upload URL for a different file is a new attempt and a new key.
    pub attempt: u32,
}

/// What kind of answer the physician gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    NoChange,
    MedicationAdjustment,
    Recommendation,
    /// The physician needs answers first; the visit waits for the patient.
    Questions,
    BookLiveVisit,
}

/// The physician's response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub kind: ResponseKind,
    pub message: String,
    pub at: Timestamp,
}

/// The patient's answer to the physician's questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub message: String,
    pub at: Timestamp,
}

/// One entry in a visit's history of statuses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: VisitStatus,
    pub at: Timestamp,
}

/// When the physician owes a response, for the current round of review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub deadline: Timestamp,
    pub reminder_at: Timestamp,
}

/// Why an uploaded object was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// The object is empty or not exactly the declared length.
    WrongLength,
    /// The stored content type is not the one declared.
    WrongContentType,
    /// The first bytes are not an MP4, WebM or QuickTime container.
    NotAVideo,
}

/// An async visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: VisitId,
    pub patient_id: PatientId,
    pub intake: Intake,
    pub upload: Upload,
    pub status: VisitStatus,
    pub history: Vec<StatusChange>,
    /// How many times the visit entered the queue: 1 after the upload, 2 after the first
    /// answer to questions, and so on. Alerts are named per round.
    pub round: u32,
    /// The deadline and reminder of the current round, while the physician owes a response.
    pub due: Option<Due>,
    pub rejection: Option<RejectionReason>,
    pub responses: Vec<Response>,
    pub answers: Vec<Answer>,
    /// Bumped by every change; stores write only over the version that was read.
    pub version: u64,
}

/// A change asked of a visit whose status does not allow it. Nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a visit that is {from} cannot {action}")]
pub struct TransitionRefused {
    pub from: VisitStatus,
    pub action: &'static str,
}

impl Visit {
    /// A new visit waiting for its first upload.
    pub fn new(
        id: VisitId,
        patient_id: PatientId,
        intake: Intake,
        content_type: VideoType,
        declared_length: u64,
        now: Timestamp,
    ) -> Self {
        Self {
            id,
            patient_id,
            intake,
            upload: Upload {
                content_type,
                declared_length,
                object_key: ObjectKey::for_upload(id, 1),
                attempt: 1,
            },
            status: VisitStatus::AwaitingUpload,
            history: vec![StatusChange {
                status: VisitStatus::AwaitingUpload,
                at: now,
            }],
            round: 0,
            due: None,
            rejection: None,
            responses: Vec::new(),
            answers: Vec::new(),
            version: 1,
        }
    }

    /// When the visit was created.
    pub fn created_at(&self) -> Timestamp {
        self.history.first().map(|c| c.at).unwrap_or_default()
    }

    /// When the visit last changed status.
    pub fn status_since(&self) -> Timestamp {
        self.history.last().map(|c| c.at).unwrap_or_default()
    }

    /// The physician's latest response, if any.
    pub fn latest_response(&self) -> Option<&Response> {
        self.responses.last()
    }

    fn expect(&self, allowed: VisitStatus, action: &'static str) -> Result<(), TransitionRefused> {
        if self.status == allowed {
            Ok(())
        } else {
            Err(TransitionRefused {
                from: self.status,
                action,
            })
        }
    }

    fn moved(&self, status: VisitStatus, at: Timestamp) -> Self {
        let mut next = self.clone();
        next.status = status;
        next.history.push(StatusChange { status, at });
        next.version += 1;
        next
    }

    /// The patient asked for a fresh upload URL, possibly for a different file: a new
    /// attempt under a new key, so an event for the old key is recognisably stale.
    pub fn new_upload_attempt(
        &self,
        content_type: VideoType,
        declared_length: u64,
    ) -> Result<Self, TransitionRefused> {
        self.expect(VisitStatus::AwaitingUpload, "get a new upload URL")?;
        let mut next = self.clone();
        let attempt = self.upload.attempt + 1;
        next.upload = Upload {
            content_type,
            declared_length,
            object_key: ObjectKey::for_upload(self.id, attempt),
            attempt,
        };
        next.version += 1;
        Ok(next)
    }

    /// The upload was verified: the visit enters the queue with its deadline.
    pub fn upload_verified(&self, at: Timestamp, due: Due) -> Result<Self, TransitionRefused> {
        self.expect(VisitStatus::AwaitingUpload, "accept an upload")?;
        let mut next = self.moved(VisitStatus::Submitted, at);
        next.round += 1;
        next.due = Some(due);
        Ok(next)
    }

    /// The upload failed verification.
    pub fn upload_rejected(
        &self,
        at: Timestamp,
        reason: RejectionReason,
    ) -> Result<Self, TransitionRefused> {
        self.expect(VisitStatus::AwaitingUpload, "reject an upload")?;
        let mut next = self.moved(VisitStatus::UploadRejected, at);
        next.rejection = Some(reason);
        Ok(next)
    }

    /// No upload arrived in time.
    pub fn abandon(&self, at: Timestamp) -> Result<Self, TransitionRefused> {
        self.expect(VisitStatus::AwaitingUpload, "be abandoned")?;
        Ok(self.moved(VisitStatus::Abandoned, at))
    }

    /// The patient withdrew before uploading.
    pub fn cancel(&self, at: Timestamp) -> Result<Self, TransitionRefused> {
        self.expect(VisitStatus::AwaitingUpload, "be cancelled")?;
        Ok(self.moved(VisitStatus::Cancelled, at))
    }

    /// The physician responded. Questions send the visit to the patient; anything else
    /// closes it.
    pub fn respond(
        &self,
        at: Timestamp,
        kind: ResponseKind,
        message: String,
    ) -> Result<Self, TransitionRefused> {
        self.expect(VisitStatus::Submitted, "take a response")?;
        let status = match kind {
            ResponseKind::Questions => VisitStatus::AwaitingPatient,
            _ => VisitStatus::Responded,
        };
        let mut next = self.moved(status, at);
        next.due = None;
        next.responses.push(Response { kind, message, at });
        Ok(next)
    }

    /// The patient answered the physician's questions: back to the queue, with a new
    /// deadline counted from the answer.
    pub fn answer(
        &self,
        at: Timestamp,
        message: String,
        due: Due,
    ) -> Result<Self, TransitionRefused> {
        self.expect(VisitStatus::AwaitingPatient, "take an answer")?;
        let mut next = self.moved(VisitStatus::Submitted, at);
        next.round += 1;
        next.due = Some(due);
        next.answers.push(Answer { message, at });
        Ok(next)
    }
}

#[cfg(test)]
mod tests;
