//! The short intake a patient answers before recording. It only routes: it never decides
//! anything clinical; the physician does.

use serde::{Deserialize, Serialize};

/// The longest note a patient may add to the intake, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Why the patient wants an async visit. Only routine reasons exist here on purpose:
/// anything else belongs in a live visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitReason {
    Refill,
    SideEffects,
    MinorAdjustment,
    CheckIn,
}

/// The patient's answers. The screening questions are plain yes/no so the refusal rules
/// stay auditable; the note is free text and therefore PHI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    pub reason: VisitReason,
    /// Crisis, or thoughts of harming oneself or others.
    pub crisis: bool,
    /// New symptoms since the last visit.
    pub new_symptoms: bool,
    /// A significant change in health, life or treatment.
    pub significant_change: bool,
    /// The patient is not sure what is going on.
    pub unsure: bool,
    /// Anything the patient wants the physician to read before watching.
    #[serde(default)]
    pub note: String,
}
