//! The lifecycle: each allowed transition, and each forbidden one refused without a change.

use super::*;
use crate::intake::VisitReason;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn due() -> Due {
    Due {
        deadline: at("2026-12-02T22:00:00Z"),
        reminder_at: at("2026-12-02T20:00:00Z"),
    }
}

fn intake() -> Intake {
    Intake {
        reason: VisitReason::Refill,
        crisis: false,
        new_symptoms: false,
        significant_change: false,
        unsure: false,
        note: String::new(),
    }
}

fn awaiting_upload() -> Visit {
    let patient = PatientId::parse("p-1").unwrap();
    Visit::new(
        VisitId::new(),
        patient,
        intake(),
        VideoType::Mp4,
        100,
        at("2026-12-01T14:00:00Z"),
    )
}

fn submitted() -> Visit {
    awaiting_upload()
        .upload_verified(at("2026-12-01T15:00:00Z"), due())
        .unwrap()
}

fn awaiting_patient() -> Visit {
    submitted()
        .respond(
            at("2026-12-01T16:00:00Z"),
            ResponseKind::Questions,
            "q".into(),
        )
        .unwrap()
}

/// A visit in every status, for the forbidden-transition tables.
fn every_status() -> Vec<Visit> {
    let t = at("2026-12-01T16:00:00Z");
    vec![
        awaiting_upload(),
        submitted(),
        awaiting_patient(),
        submitted()
            .respond(t, ResponseKind::NoChange, "ok".into())
            .unwrap(),
        awaiting_upload().abandon(t).unwrap(),
        awaiting_upload()
            .upload_rejected(t, RejectionReason::NotAVideo)
            .unwrap(),
        awaiting_upload().cancel(t).unwrap(),
    ]
}

/// Applies `change` to a visit of every status but `allowed`, and checks each is refused.
fn refused_outside(
    allowed: VisitStatus,
    change: impl Fn(&Visit) -> Result<Visit, TransitionRefused>,
) {
    for visit in every_status().into_iter().filter(|v| v.status != allowed) {
        let refused = change(&visit).expect_err("the change should be refused");
        assert_eq!(refused.from, visit.status);
    }
}

#[test]
fn a_new_visit_awaits_its_upload_under_its_first_key() {
    let visit = awaiting_upload();

    assert_eq!(visit.status, VisitStatus::AwaitingUpload);
    assert_eq!(visit.upload.object_key, ObjectKey::for_upload(visit.id, 1));
    assert_eq!((visit.round, visit.version), (0, 1));
}

#[test]
fn a_verified_upload_enters_the_queue_in_round_one_with_its_deadline() {
    let visit = submitted();

    assert_eq!(visit.status, VisitStatus::Submitted);
    assert_eq!((visit.round, visit.due), (1, Some(due())));
    assert_eq!(visit.history.len(), 2);
}

#[test]
fn a_rejected_upload_records_why() {
    let visit =
        awaiting_upload().upload_rejected(at("2026-12-01T15:00:00Z"), RejectionReason::WrongLength);

    let visit = visit.unwrap();
    assert_eq!(
        (visit.status, visit.rejection),
        (
            VisitStatus::UploadRejected,
            Some(RejectionReason::WrongLength)
        )
    );
}

#[test]
fn a_visit_waiting_for_its_upload_can_be_abandoned_or_cancelled() {
    let t = at("2026-12-02T14:00:00Z");

    assert_eq!(
        awaiting_upload().abandon(t).unwrap().status,
        VisitStatus::Abandoned
    );
    assert_eq!(
        awaiting_upload().cancel(t).unwrap().status,
        VisitStatus::Cancelled
    );
}

#[test]
fn a_response_closes_the_visit_and_clears_its_deadline() {
    let visit = submitted().respond(
        at("2026-12-02T10:00:00Z"),
        ResponseKind::Recommendation,
        "r".into(),
    );

    let visit = visit.unwrap();
    assert_eq!((visit.status, visit.due), (VisitStatus::Responded, None));
    assert_eq!(
        visit.latest_response().unwrap().kind,
        ResponseKind::Recommendation
    );
}

#[test]
fn questions_send_the_visit_to_the_patient() {
    assert_eq!(awaiting_patient().status, VisitStatus::AwaitingPatient);
}

#[test]
fn an_answer_returns_the_visit_to_the_queue_in_the_next_round() {
    let next_due = Due {
        deadline: at("2026-12-03T22:00:00Z"),
        reminder_at: at("2026-12-03T20:00:00Z"),
    };

    let visit = awaiting_patient()
        .answer(at("2026-12-02T12:00:00Z"), "a".into(), next_due)
        .unwrap();

    assert_eq!(
        (visit.status, visit.round, visit.due),
        (VisitStatus::Submitted, 2, Some(next_due))
    );
    assert_eq!(visit.answers.len(), 1);
}

#[test]
fn a_fresh_upload_attempt_moves_to_the_next_key_and_keeps_the_status() {
    let visit = awaiting_upload()
        .new_upload_attempt(VideoType::Webm, 50)
        .unwrap();

    assert_eq!(visit.status, VisitStatus::AwaitingUpload);
    assert_eq!(visit.upload.object_key, ObjectKey::for_upload(visit.id, 2));
    assert_eq!(visit.upload.content_type, VideoType::Webm);
}

#[test]
fn every_change_bumps_the_version_by_exactly_one() {
    let before = awaiting_upload();

    let after = before
        .upload_verified(at("2026-12-01T15:00:00Z"), due())
        .unwrap();

    assert_eq!(after.version, before.version + 1);
}

#[test]
fn only_a_visit_awaiting_its_upload_can_take_one() {
    refused_outside(VisitStatus::AwaitingUpload, |v| {
        v.upload_verified(at("2026-12-01T15:00:00Z"), due())
    });
}

#[test]
fn only_a_visit_awaiting_its_upload_can_reject_one() {
    refused_outside(VisitStatus::AwaitingUpload, |v| {
        v.upload_rejected(at("2026-12-01T15:00:00Z"), RejectionReason::NotAVideo)
    });
}

#[test]
fn only_a_visit_awaiting_its_upload_can_be_abandoned() {
    refused_outside(VisitStatus::AwaitingUpload, |v| {
        v.abandon(at("2026-12-02T15:00:00Z"))
    });
}

#[test]
fn only_a_visit_awaiting_its_upload_can_be_cancelled() {
    refused_outside(VisitStatus::AwaitingUpload, |v| {
        v.cancel(at("2026-12-02T15:00:00Z"))
    });
}

#[test]
fn only_a_visit_awaiting_its_upload_can_get_a_new_upload_url() {
    refused_outside(VisitStatus::AwaitingUpload, |v| {
        v.new_upload_attempt(VideoType::Mp4, 10)
    });
}

#[test]
fn only_a_submitted_visit_can_take_a_response() {
    refused_outside(VisitStatus::Submitted, |v| {
        v.respond(
            at("2026-12-02T15:00:00Z"),
            ResponseKind::NoChange,
            "m".into(),
        )
    });
}

#[test]
fn only_a_visit_with_questions_can_take_an_answer() {
    refused_outside(VisitStatus::AwaitingPatient, |v| {
        v.answer(at("2026-12-02T15:00:00Z"), "a".into(), due())
    });
}

#[test]
fn open_statuses_are_exactly_those_that_still_need_someone() {
    let open: Vec<_> = VisitStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .collect();

    assert_eq!(
        open,
        [
            VisitStatus::AwaitingUpload,
            VisitStatus::Submitted,
            VisitStatus::AwaitingPatient
        ]
    );
}

#[test]
fn every_status_name_reads_back_as_itself() {
    for status in VisitStatus::ALL {
        assert_eq!(VisitStatus::parse(status.as_str()), Some(status));
        assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
    }
}
