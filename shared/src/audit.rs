//! The audit trail: who did what to which visit, and when. Every media view is one event.

use crate::eligibility::RefusalCode;
use crate::ids::{PatientId, VisitId};
use crate::ports::AlertKind;
use crate::visit::{RejectionReason, ResponseKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "subject", rename_all = "snake_case")]
pub enum Actor {
    Patient(String),
    Physician(String),
    System,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AuditAction {
    VisitCreated,
    Refused { code: RefusalCode },
    Uploaded,
    UploadRejected { reason: RejectionReason },
    MediaViewed,
    Responded { kind: ResponseKind },
    Answered,
    Cancelled,
    Abandoned,
    AlertSent { alert: AlertKind, round: u32 },
}

/// One audit record. It names ids only, never content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub actor: Actor,
    pub patient_id: PatientId,
    /// `None` for a refusal, which creates no visit.
    pub visit_id: Option<VisitId>,
    #[serde(flatten)]
    pub action: AuditAction,
}
