//! The policy table of the design, one row a test.

use super::*;
use crate::ids::PatientId;
use crate::intake::VisitReason;
use jiff::civil::date;

fn established() -> Patient {
    Patient {
        id: PatientId::parse("p-1").unwrap(),
        name: "Test Patient".into(),
        email: "p@patients.test".into(),
        membership: Membership::Active,
        initial_evaluation_on: Some(date(2025, 1, 6)),
        async_enabled: true,
        crisis_flagged_at: None,
        created_at: "2025-01-06T00:00:00Z".parse().unwrap(),
    }
}

fn routine() -> Intake {
    Intake {
        reason: VisitReason::SideEffects,
        crisis: false,
        new_symptoms: false,
        significant_change: false,
        unsure: false,
        note: String::new(),
    }
}

fn code(patient: Option<&Patient>, intake: &Intake, open: Option<VisitId>) -> Option<RefusalCode> {
    check(patient, intake, open).err().map(|r| r.code)
}

#[test]
fn an_established_member_with_a_routine_reason_is_accepted() {
    assert_eq!(check(Some(&established()), &routine(), None), Ok(()));
}

#[test]
fn an_inactive_member_is_refused() {
    let patient = Patient {
        membership: Membership::Inactive,
        ..established()
    };
    assert_eq!(
        code(Some(&patient), &routine(), None),
        Some(RefusalCode::MembershipInactive)
    );
}

#[test]
fn a_person_without_a_record_is_refused_as_not_a_member() {
    assert_eq!(
        code(None, &routine(), None),
        Some(RefusalCode::MembershipInactive)
    );
}

#[test]
fn a_patient_without_a_live_initial_evaluation_is_new() {
    let patient = Patient {
        initial_evaluation_on: None,
        ..established()
    };
    assert_eq!(
        code(Some(&patient), &routine(), None),
        Some(RefusalCode::NewPatient)
    );
}

#[test]
fn a_patient_with_async_turned_off_is_refused() {
    let patient = Patient {
        async_enabled: false,
        ..established()
    };
    assert_eq!(
        code(Some(&patient), &routine(), None),
        Some(RefusalCode::AsyncDisabled)
    );
}

#[test]
fn a_crisis_is_refused_first_whatever_else_is_true() {
    let intake = Intake {
        crisis: true,
        new_symptoms: true,
        ..routine()
    };
    let patient = Patient {
        membership: Membership::Inactive,
        initial_evaluation_on: None,
        ..established()
    };
    assert_eq!(
        code(Some(&patient), &intake, Some(VisitId::new())),
        Some(RefusalCode::Crisis)
    );
}

#[test]
fn new_symptoms_a_significant_change_or_unsure_each_recommend_live() {
    for intake in [
        Intake {
            new_symptoms: true,
            ..routine()
        },
        Intake {
            significant_change: true,
            ..routine()
        },
        Intake {
            unsure: true,
            ..routine()
        },
    ] {
        assert_eq!(
            code(Some(&established()), &intake, None),
            Some(RefusalCode::LiveVisitRecommended)
        );
    }
}

#[test]
fn an_open_visit_is_refused_with_its_id() {
    let open = VisitId::new();
    let refusal = check(Some(&established()), &routine(), Some(open)).unwrap_err();
    assert_eq!(
        (refusal.code, refusal.open_visit),
        (RefusalCode::VisitOpen, Some(open))
    );
}

#[test]
fn the_crisis_resources_are_988_by_call_and_text_and_911() {
    let hrefs: Vec<String> = crisis_resources().into_iter().map(|r| r.href).collect();
    assert_eq!(hrefs, ["tel:988", "sms:988", "tel:911"]);
}

#[test]
fn every_refusal_has_a_stable_code_and_a_sentence() {
    let codes = [
        RefusalCode::MembershipInactive,
        RefusalCode::NewPatient,
        RefusalCode::AsyncDisabled,
        RefusalCode::Crisis,
        RefusalCode::LiveVisitRecommended,
        RefusalCode::VisitOpen,
    ];
    for code in codes {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        assert!(code.message().ends_with('.'), "{code:?} has no sentence");
    }
}
