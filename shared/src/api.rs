//! The shapes of the HTTP API, shared by the functions that serve them and by the OpenAPI
//! document generated from them.

use crate::calendar::PracticeCalendar;
use crate::eligibility::CrisisResource;
use crate::intake::{Intake, VisitReason};
use crate::patient::{Membership, Patient};
use crate::ports::{CompletedPart, UploadPlan};
use crate::visit::{RejectionReason, ResponseKind, VideoType, Visit, VisitStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The video a patient is about to upload.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoDeclaration {
    /// `video/mp4`, `video/webm` or `video/quicktime`.
    pub content_type: String,
    /// The exact size of the file in bytes.
    pub length: u64,
}

/// `POST /visits`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVisitRequest {
    pub intake: Intake,
    pub video: VideoDeclaration,
}

/// `POST /visits/eligibility`: the intake alone, checked before anything is recorded.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRequest {
    pub intake: Intake,
}

/// The intake allows an async visit.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Eligible {
    pub eligible: bool,
}

/// An accepted visit and how to upload its video.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CreatedVisit {
    pub visit: VisitView,
    pub upload: UploadPlan,
}

/// A refusal, as RFC 9457 problem details with the policy's code.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    #[schema(example = "about:blank")]
    pub r#type: String,
    pub title: String,
    pub status: u16,
    /// Stable and machine-readable, such as `crisis` or `unknown_field`.
    pub code: String,
    /// A sentence a person can act on.
    pub detail: String,
    /// With `crisis`: 988 and 911, to show before anything else.
    pub crisis_resources: Option<Vec<CrisisResource>>,
    /// With `visit_open`: the visit still in progress.
    pub open_visit_id: Option<String>,
}

/// When the physician owes a response.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DueView {
    #[schema(value_type = String, format = DateTime)]
    pub deadline: Timestamp,
    /// The deadline in the practice's time zone, for people.
    pub deadline_text: String,
    #[schema(value_type = String, format = DateTime)]
    pub reminder_at: Timestamp,
}

impl DueView {
    /// A deadline and reminder, with the deadline described in the practice's zone.
    pub fn of(due: crate::visit::Due, calendar: &PracticeCalendar) -> Self {
        Self {
            deadline: due.deadline,
            deadline_text: calendar.describe(due.deadline),
            reminder_at: due.reminder_at,
        }
    }
}

/// A physician's response or a patient's answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessageView {
    /// Absent on a patient's answer.
    pub kind: Option<ResponseKind>,
    pub message: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// A visit as its patient sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitView {
    pub id: String,
    pub status: VisitStatus,
    pub reason: VisitReason,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub status_since: Timestamp,
    pub due: Option<DueView>,
    pub video_type: VideoType,
    pub video_length: u64,
    pub rejection: Option<RejectionReason>,
    /// Responses and answers, oldest first.
    pub conversation: Vec<MessageView>,
}

impl VisitView {
    /// Renders a visit, with its deadline described in the practice's zone.
    pub fn of(visit: &Visit, calendar: &PracticeCalendar) -> Self {
        let mut conversation: Vec<MessageView> = visit
            .responses
            .iter()
            .map(|r| MessageView {
                kind: Some(r.kind),
                message: r.message.clone(),
                at: r.at,
            })
            .chain(visit.answers.iter().map(|a| MessageView {
                kind: None,
                message: a.message.clone(),
                at: a.at,
            }))
            .collect();
        conversation.sort_by_key(|m| m.at);

        Self {
            id: visit.id.to_string(),
            status: visit.status,
            reason: visit.intake.reason,
            created_at: visit.created_at(),
            status_since: visit.status_since(),
            due: visit.due.map(|due| DueView::of(due, calendar)),
            video_type: visit.upload.content_type,
            video_length: visit.upload.declared_length,
            rejection: visit.rejection,
            conversation,
        }
    }
}

/// `POST /visits/{id}/upload`: a fresh upload URL, possibly for another file.
pub type NewUploadRequest = VideoDeclaration;

/// `POST /visits/{id}/upload/complete`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteUploadRequest {
    pub upload_id: String,
    pub parts: Vec<CompletedPart>,
}

/// `POST /visits/{id}/answer`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    pub message: String,
}

/// `POST /review/visits/{id}/response`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RespondRequest {
    pub kind: ResponseKind,
    pub message: String,
}

/// One visit in the physician's queue.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub visit_id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub reason: VisitReason,
    pub round: u32,
    #[schema(value_type = String, format = DateTime)]
    pub waiting_since: Timestamp,
    pub due: DueView,
    pub overdue: bool,
}

/// `GET /review/queue`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QueueView {
    pub visits: Vec<QueueItem>,
    pub next_cursor: Option<String>,
}

/// A visit as the physician reviews it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub visit: VisitView,
    pub intake: Intake,
    pub round: u32,
    pub patient: PatientView,
    /// A short-lived URL to watch the video; every issue of one is audited.
    pub media_url: Option<String>,
    /// The patient's other visits, newest first.
    pub history: Vec<VisitView>,
    /// The reminders and overdue alerts already sent about this visit, oldest first.
    pub alerts_sent: Vec<AlertSentView>,
}

/// A timed alert the physician was sent about a visit.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AlertSentView {
    /// `reminder` or `overdue`.
    pub alert: String,
    pub round: u32,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

impl AlertSentView {
    /// Reads the alerts among a visit's notices, whose keys are `r<round>:<alert>`.
    pub fn from_notices(notices: &[crate::ports::NoticeRecord]) -> Vec<Self> {
        notices
            .iter()
            .filter_map(|notice| {
                let (round, alert) = notice.key.strip_prefix('r')?.split_once(':')?;
                let alert = ["reminder", "overdue"].into_iter().find(|a| *a == alert)?;
                let round = round.parse().ok()?;
                Some(Self {
                    alert: alert.to_owned(),
                    round,
                    at: notice.at,
                })
            })
            .collect()
    }
}

/// A patient record as the physician manages it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PatientView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub membership: Membership,
    #[schema(value_type = Option<String>, format = Date)]
    pub initial_evaluation_on: Option<Date>,
    pub async_enabled: bool,
    /// When an intake last indicated a crisis.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub crisis_flagged_at: Option<Timestamp>,
}

impl From<&Patient> for PatientView {
    fn from(p: &Patient) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name.clone(),
            email: p.email.clone(),
            membership: p.membership,
            initial_evaluation_on: p.initial_evaluation_on,
            async_enabled: p.async_enabled,
            crisis_flagged_at: p.crisis_flagged_at,
        }
    }
}

/// `POST /review/patients`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePatientRequest {
    pub name: String,
    pub email: String,
    pub membership: Membership,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub initial_evaluation_on: Option<Date>,
    #[serde(default = "yes")]
    pub async_enabled: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /review/patients/{id}`: any of the fields; absent ones stay as they are.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePatientRequest {
    pub membership: Option<Membership>,
    #[schema(value_type = Option<String>, format = Date)]
    pub initial_evaluation_on: Option<Date>,
    pub async_enabled: Option<bool>,
}
