//! Mail the system sends. Every message is one of a fixed set of templates whose only
//! variable parts are a deadline and the portal's address: no names, no intake answers,
//! no links to media. This is what keeps PHI out of mail.

use serde::{Deserialize, Serialize};

/// Who a message is for, without saying who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Physician,
    Patient,
}

/// The messages the system can send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Template {
    /// To the physician: a visit entered the queue.
    NewVisitWaiting { due: String },
    /// To the patient: the video arrived and was accepted.
    UploadReceived { due: String },
    /// To the patient: the file could not be used; start again.
    UploadRejected,
    /// To the physician: a visit is due soon.
    ReminderDue { due: String },
    /// To the physician: a visit is past its deadline.
    Overdue,
    /// To the patient: the physician responded.
    ResponseWaiting,
    /// To the patient: the physician asked questions.
    QuestionsWaiting,
    /// To the physician: an intake indicated a crisis; the patient was shown 988 and 911.
    CrisisAlert,
}

impl Template {
    /// The stable name used in logs and the outbox.
    pub fn name(&self) -> &'static str {
        match self {
            Self::NewVisitWaiting { .. } => "new_visit_waiting",
            Self::UploadReceived { .. } => "upload_received",
            Self::UploadRejected => "upload_rejected",
            Self::ReminderDue { .. } => "reminder_due",
            Self::Overdue => "overdue",
            Self::ResponseWaiting => "response_waiting",
            Self::QuestionsWaiting => "questions_waiting",
            Self::CrisisAlert => "crisis_alert",
        }
    }

    /// Who the template is written for.
    pub fn audience(&self) -> Audience {
        match self {
            Self::NewVisitWaiting { .. }
            | Self::ReminderDue { .. }
            | Self::Overdue
            | Self::CrisisAlert => Audience::Physician,
            _ => Audience::Patient,
        }
    }
}

/// A rendered message, ready for a notifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// The recipient's address. It is PHI for a patient: notifiers never log it.
    pub to: String,
    pub audience: Audience,
    pub template: Template,
    pub subject: String,
    pub body: String,
}

impl Mail {
    /// Renders `template` for the address `to`. `portal_url` is where either person signs in.
    pub fn render(template: Template, to: &str, portal_url: &str) -> Self {
        let (subject, lead) = match &template {
            Template::NewVisitWaiting { due } => (
                "A new async visit is waiting".to_owned(),
                format!("A new async visit is waiting in your queue. It is due by {due}."),
            ),
            Template::UploadReceived { due } => (
                "We received your visit".to_owned(),
                format!("We received your video update. Expect a response by {due}."),
            ),
            Template::UploadRejected => (
                "Your video could not be used".to_owned(),
                "The video you uploaded could not be used. Please sign in and start a new \
                 visit with an MP4, WebM or MOV recording."
                    .to_owned(),
            ),
            Template::ReminderDue { due } => (
                "An async visit is due soon".to_owned(),
                format!("An async visit in your queue is due by {due}."),
            ),
            Template::Overdue => (
                "An async visit is overdue".to_owned(),
                "An async visit in your queue has passed its deadline.".to_owned(),
            ),
            Template::ResponseWaiting => (
                "Your physician has responded".to_owned(),
                "Your physician has responded to your visit. Sign in to read it.".to_owned(),
            ),
            Template::QuestionsWaiting => (
                "Your physician has a question".to_owned(),
                "Your physician has questions about your visit. Sign in to answer them.".to_owned(),
            ),
            Template::CrisisAlert => (
                "A patient was shown crisis resources".to_owned(),
                "A patient's intake indicated a crisis. They were shown 988 and 911 and no \
                 visit was created. Sign in to see who."
                    .to_owned(),
            ),
        };
        let body =
            format!("{lead}\n\n{portal_url}\n\nThis message contains no health information.");
        Self {
            to: to.to_owned(),
            audience: template.audience(),
            template,
            subject,
            body,
        }
    }
}
