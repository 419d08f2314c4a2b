//! A patient of the practice, as far as async visits need to know them.

use crate::ids::PatientId;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Whether the patient's membership is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// Paid up: async visits may be offered.
    Active,
    /// Lapsed, paused or ended.
    Inactive,
}

/// A patient record. Name and email are PHI: they stay in the record and are never logged
/// or put in a message body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    pub id: PatientId,
    pub name: String,
    pub email: String,
    pub membership: Membership,
    /// The date of the completed live initial evaluation; `None` means a new patient.
    pub initial_evaluation_on: Option<Date>,
    /// The physician may turn async visits off for a patient (unstable, under evaluation).
    pub async_enabled: bool,
    /// When an intake last indicated a crisis, so the physician can reach out.
    #[serde(default)]
    pub crisis_flagged_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl Patient {
    /// A patient without an initial evaluation is new, and their first visit must be live.
    pub fn is_new(&self) -> bool {
        self.initial_evaluation_on.is_none()
    }
}
