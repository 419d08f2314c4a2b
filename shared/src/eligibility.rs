//! The practice's policy for async visits, checked before any upload URL is issued.
//!
//! The checks run in a fixed order. A crisis answer is checked first of all, ahead of
//! membership and history: a person in crisis must see 988 and 911 whatever else is true.

use crate::ids::VisitId;
use crate::intake::Intake;
use crate::patient::{Membership, Patient};
use serde::{Deserialize, Serialize};

/// Why an async visit was refused. The names are stable API codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    MembershipInactive,
    NewPatient,
    AsyncDisabled,
    Crisis,
    LiveVisitRecommended,
    VisitOpen,
}

impl RefusalCode {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MembershipInactive => "membership_inactive",
            Self::NewPatient => "new_patient",
            Self::AsyncDisabled => "async_disabled",
            Self::Crisis => "crisis",
            Self::LiveVisitRecommended => "live_visit_recommended",
            Self::VisitOpen => "visit_open",
        }
    }

    /// The sentence shown to the patient.
    pub fn message(self) -> &'static str {
        match self {
            Self::MembershipInactive => {
                "Async visits are for active members. Please contact the practice about your \
                 membership."
            }
            Self::NewPatient => {
                "Your first visit with the practice must be a live initial evaluation. Please \
                 book a live visit."
            }
            Self::AsyncDisabled => {
                "Your physician would like to see you in a live visit for now. Please book a \
                 live visit."
            }
            Self::Crisis => {
                "If you are in crisis or thinking about harming yourself or someone else, call \
                 or text 988 now, or call 911 if you are in immediate danger. An async visit is \
                 not the right place for this."
            }
            Self::LiveVisitRecommended => {
                "New symptoms or a significant change are best discussed in a live visit. If \
                 you're not sure, err toward live: please book a live visit."
            }
            Self::VisitOpen => {
                "You already have an async visit in progress. Please finish or cancel it before \
                 starting another."
            }
        }
    }
}

/// A crisis line or emergency number to show before anything else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CrisisResource {
    pub label: String,
    /// A `tel:` or `sms:` link.
    pub href: String,
}

/// The resources shown on a crisis refusal: 988 by call or text, and 911.
pub fn crisis_resources() -> Vec<CrisisResource> {
    [
        ("Call 988 (Suicide & Crisis Lifeline)", "tel:988"),
        ("Text 988", "sms:988"),
        ("Call 911 in an emergency", "tel:911"),
    ]
    .into_iter()
    .map(|(label, href)| CrisisResource {
        label: label.to_owned(),
        href: href.to_owned(),
    })
    .collect()
}

/// A refusal, with what the patient needs to act on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: RefusalCode,
    /// The open visit, for [`RefusalCode::VisitOpen`].
    pub open_visit: Option<VisitId>,
}

impl Refusal {
    fn of(code: RefusalCode) -> Self {
        Self {
            code,
            open_visit: None,
        }
    }
}

/// Applies the policy. `patient` is `None` when the signed-in person has no patient record,
/// which counts as no active membership. `open_visit` is the patient's open visit, if any.
pub fn check(
    patient: Option<&Patient>,
    intake: &Intake,
    open_visit: Option<VisitId>,
) -> Result<(), Refusal> {
    if intake.crisis {
        return Err(Refusal::of(RefusalCode::Crisis));
    }
    let Some(patient) = patient.filter(|p| p.membership == Membership::Active) else {
        return Err(Refusal::of(RefusalCode::MembershipInactive));
    };
    if patient.is_new() {
        return Err(Refusal::of(RefusalCode::NewPatient));
    }
    if !patient.async_enabled {
        return Err(Refusal::of(RefusalCode::AsyncDisabled));
    }
    if intake.new_symptoms || intake.significant_change || intake.unsure {
        return Err(Refusal::of(RefusalCode::LiveVisitRecommended));
    }
    if let Some(open) = open_visit {
        return Err(Refusal {
            code: RefusalCode::VisitOpen,
            open_visit: Some(open),
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "eligibility_tests.rs"]
mod tests;
