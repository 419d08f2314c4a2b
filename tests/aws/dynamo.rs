//! The DynamoDB visit store against moto, each test on a table of its own.

use aws_sdk_dynamodb::Client;
use jiff::{SignedDuration, Timestamp};
use shared::audit::{Actor, AuditAction, AuditEvent};
use shared::aws::dynamo::DynamoStore;
use shared::eligibility::RefusalCode;
use shared::ids::{PatientId, VisitId};
use shared::intake::{Intake, VisitReason};
use shared::patient::{Membership, Patient};
use shared::ports::{NoticeRecord, VisitStore, WriteError};
use shared::visit::{Due, ResponseKind, VideoType, Visit};
use visits_tests::servers::{moto, sdk_config, unique};

/// A store on a fresh table.
async fn store() -> DynamoStore {
    let config = sdk_config(moto()).await;
    let client = Client::new(&config);
    let table = unique("visits");
    DynamoStore::create_table(&client, &table)
        .await
        .expect("the table is created");
    DynamoStore::new(client, table)
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("a valid instant")
}

fn patient_id(text: &str) -> PatientId {
    PatientId::parse(text).expect("a valid patient id")
}

fn intake() -> Intake {
    Intake {
        reason: VisitReason::Refill,
        crisis: false,
        new_symptoms: false,
        significant_change: false,
        unsure: false,
        note: "sertraline makes me sleepy after lunch".to_owned(),
    }
}

/// A visit awaiting its upload, created at `created`.
fn new_visit(patient: &str, created: &str) -> Visit {
    Visit::new(
        VisitId::new(),
        patient_id(patient),
        intake(),
        VideoType::Mp4,
        1_000,
        at(created),
    )
}

/// `visit` after its upload was verified, due at `deadline`.
fn submitted(visit: &Visit, deadline: &str) -> Visit {
    let deadline = at(deadline);
    let due = Due {
        deadline,
        reminder_at: deadline - SignedDuration::from_hours(2),
    };
    visit
        .upload_verified(visit.created_at(), due)
        .expect("an upload can be verified")
}

fn patient(id: &str, name: &str) -> Patient {
    Patient {
        id: patient_id(id),
        name: name.to_owned(),
        email: format!("{id}@patients.test"),
        membership: Membership::Active,
        initial_evaluation_on: Some(jiff::civil::date(2025, 6, 2)),
        async_enabled: true,
        crisis_flagged_at: None,
        created_at: at("2026-01-05T15:00:00Z"),
    }
}

fn audit(patient: &str, visit: Option<VisitId>, when: &str, action: AuditAction) -> AuditEvent {
    AuditEvent {
        at: at(when),
        actor: Actor::Patient(patient.to_owned()),
        patient_id: patient_id(patient),
        visit_id: visit,
        action,
    }
}

#[tokio::test]
async fn a_visit_reads_back_as_written() {
    let store = store().await;
    let visit = submitted(
        &new_visit("p-1", "2026-12-01T14:00:00Z"),
        "2026-12-02T22:00:00Z",
    );

    store.create_visit(&visit).await.unwrap();

    assert_eq!(store.visit(visit.id).await.unwrap(), Some(visit));
    assert_eq!(store.visit(VisitId::new()).await.unwrap(), None);
}

#[tokio::test]
async fn a_second_open_visit_is_refused_with_the_open_visits_id() {
    let store = store().await;
    let first = new_visit("p-1", "2026-12-01T14:00:00Z");
    let second = new_visit("p-1", "2026-12-01T15:00:00Z");
    store.create_visit(&first).await.unwrap();

    let refused = store.create_visit(&second).await;

    assert!(
        matches!(refused, Err(WriteError::OpenVisitExists(id)) if id == first.id),
        "{refused:?}"
    );
    assert_eq!(store.visit(second.id).await.unwrap(), None);
}

#[tokio::test]
async fn a_closed_visit_frees_the_patient_for_another() {
    let store = store().await;
    let first = new_visit("p-1", "2026-12-01T14:00:00Z");
    store.create_visit(&first).await.unwrap();
    let answered = submitted(&first, "2026-12-02T22:00:00Z");
    store.save_visit(&answered).await.unwrap();
    let closed = answered
        .respond(
            at("2026-12-02T15:00:00Z"),
            ResponseKind::NoChange,
            "carry on".into(),
        )
        .unwrap();
    store.save_visit(&closed).await.unwrap();

    let second = new_visit("p-1", "2026-12-03T14:00:00Z");

    store.create_visit(&second).await.unwrap();
    assert_eq!(store.visit(second.id).await.unwrap(), Some(second));
}

#[tokio::test]
async fn a_save_over_a_stale_version_changes_nothing() {
    let store = store().await;
    let visit = new_visit("p-1", "2026-12-01T14:00:00Z");
    store.create_visit(&visit).await.unwrap();
    let uploaded = submitted(&visit, "2026-12-02T22:00:00Z");
    store.save_visit(&uploaded).await.unwrap();

    // Read before the upload was saved: its change is one version behind.
    let stale = visit.cancel(at("2026-12-01T14:30:00Z")).unwrap();
    let refused = store.save_visit(&stale).await;

    assert!(matches!(refused, Err(WriteError::Conflict)), "{refused:?}");
    assert_eq!(store.visit(visit.id).await.unwrap(), Some(uploaded));
    let another = new_visit("p-1", "2026-12-01T15:00:00Z");
    let guarded = store.create_visit(&another).await;
    assert!(matches!(guarded, Err(WriteError::OpenVisitExists(id)) if id == visit.id));
}

#[tokio::test]
async fn the_queue_holds_only_submitted_visits_earliest_deadline_first() {
    let store = store().await;
    let later = submitted(
        &new_visit("p-1", "2026-12-01T14:00:00Z"),
        "2026-12-03T22:00:00Z",
    );
    let sooner = submitted(
        &new_visit("p-2", "2026-12-01T15:00:00Z"),
        "2026-12-02T22:00:00Z",
    );
    let waiting = new_visit("p-3", "2026-12-01T16:00:00Z");
    let answered = submitted(
        &new_visit("p-4", "2026-12-01T17:00:00Z"),
        "2026-12-01T22:00:00Z",
    );
    for visit in [&later, &sooner, &waiting, &answered] {
        store.create_visit(visit).await.unwrap();
    }
    let responded = answered
        .respond(
            at("2026-12-01T18:00:00Z"),
            ResponseKind::NoChange,
            "carry on".into(),
        )
        .unwrap();
    store.save_visit(&responded).await.unwrap();

    let page = store.queue(10, None).await.unwrap();

    assert_eq!(page.visits, vec![sooner, later]);
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn the_queue_pages_with_a_cursor_without_loss_or_repeat() {
    let store = store().await;
    let deadlines = ["04", "01", "05", "03", "02"];
    let mut expected = Vec::new();
    for (n, day) in deadlines.iter().enumerate() {
        let visit = new_visit(&format!("p-{n}"), "2026-11-30T14:00:00Z");
        let visit = submitted(&visit, &format!("2026-12-{day}T22:00:00Z"));
        store.create_visit(&visit).await.unwrap();
        expected.push(visit);
    }
    expected.sort_by_key(|v| v.due.map(|d| d.deadline));

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor = None;
    loop {
        let page = store.queue(2, cursor.as_deref()).await.unwrap();
        sizes.push(page.visits.len());
        seen.extend(page.visits);
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }

    assert_eq!(sizes, vec![2, 2, 1]);
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_malformed_cursor_is_a_conflict() {
    let store = store().await;
    // {"pk":"VISIT#x","sk":"VISIT"}: two of the four attributes.
    let partial = "eyJwayI6IlZJU0lUI3giLCJzayI6IlZJU0lUIn0";
    // The four attributes, naming a patient in the patient list instead of a queued visit.
    let foreign = concat!(
        "eyJwayI6IlBBVElFTlQjcC0xIiwic2siOiJQQVRJRU5UIiwiZ3NpMXBrIjoi",
        "UEFUSUVOVFMiLCJnc2kxc2siOiJhI3AtMSJ9"
    );

    for cursor in ["not a cursor", "", partial, foreign] {
        let refused = store.queue(2, Some(cursor)).await;
        assert!(
            matches!(refused, Err(WriteError::Conflict)),
            "{cursor:?}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn a_patients_visits_come_newest_first() {
    let store = store().await;
    let mut created = Vec::new();
    for day in ["01", "02", "03"] {
        let visit = new_visit("p-1", &format!("2026-12-{day}T14:00:00Z"));
        store.create_visit(&visit).await.unwrap();
        let cancelled = visit
            .cancel(at(&format!("2026-12-{day}T15:00:00Z")))
            .unwrap();
        store.save_visit(&cancelled).await.unwrap();
        created.push(cancelled);
    }
    store
        .create_visit(&new_visit("p-2", "2026-12-02T16:00:00Z"))
        .await
        .unwrap();

    let visits = store.visits_of(&patient_id("p-1")).await.unwrap();

    created.reverse();
    assert_eq!(visits, created);
}

#[tokio::test]
async fn patients_are_listed_by_name_without_a_scan() {
    let store = store().await;
    for (id, name) in [
        ("p-1", "bob Quimby"),
        ("p-2", "Alice Quimby"),
        ("p-3", "Carol Quimby"),
    ] {
        store.create_patient(&patient(id, name)).await.unwrap();
    }

    let patients = store.patients().await.unwrap();

    let names: Vec<_> = patients.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Alice Quimby", "bob Quimby", "Carol Quimby"]);
    assert_eq!(patients[0], patient("p-2", "Alice Quimby"));
}

#[tokio::test]
async fn a_duplicate_patient_is_refused() {
    let store = store().await;
    let original = patient("p-1", "Alice Quimby");
    store.create_patient(&original).await.unwrap();

    let refused = store.create_patient(&patient("p-1", "Someone Else")).await;

    assert!(
        matches!(refused, Err(WriteError::AlreadyExists)),
        "{refused:?}"
    );
    assert_eq!(store.patient(&original.id).await.unwrap(), Some(original));
}

#[tokio::test]
async fn a_notice_is_claimed_once_and_can_be_released() {
    let store = store().await;
    let visit = VisitId::new();
    let when = at("2026-12-02T20:00:00Z");

    assert!(
        store
            .claim_notice(visit, "r1-reminder", when)
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_notice(visit, "r1-reminder", when)
            .await
            .unwrap()
    );
    let record = NoticeRecord {
        key: "r1-reminder".into(),
        at: when,
    };
    assert_eq!(store.notices(visit).await.unwrap(), vec![record]);

    store.release_notice(visit, "r1-reminder").await.unwrap();
    assert_eq!(store.notices(visit).await.unwrap(), vec![]);
    assert!(
        store
            .claim_notice(visit, "r1-reminder", when)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn the_audit_trail_is_oldest_first() {
    let store = store().await;
    let visit = VisitId::new();
    let viewed = audit(
        "p-1",
        Some(visit),
        "2026-12-02T15:00:00Z",
        AuditAction::MediaViewed,
    );
    let created = audit(
        "p-1",
        Some(visit),
        "2026-12-01T14:00:00Z",
        AuditAction::VisitCreated,
    );
    let uploaded = audit(
        "p-1",
        Some(visit),
        "2026-12-01T14:00:00Z",
        AuditAction::Uploaded,
    );
    let responded = audit(
        "p-1",
        Some(visit),
        "2026-12-02T16:00:00Z",
        AuditAction::Responded {
            kind: ResponseKind::NoChange,
        },
    );
    for event in [&viewed, &created, &uploaded, &responded] {
        store.append_audit(event).await.unwrap();
    }

    let trail = store.audit_of_visit(visit).await.unwrap();

    assert_eq!(trail, vec![created, uploaded, viewed, responded]);
}

#[tokio::test]
async fn refusals_are_audited_under_the_patient() {
    let store = store().await;
    let visit = VisitId::new();
    let created = audit(
        "p-1",
        Some(visit),
        "2026-12-01T14:00:00Z",
        AuditAction::VisitCreated,
    );
    let refused = audit(
        "p-1",
        None,
        "2026-12-01T15:00:00Z",
        AuditAction::Refused {
            code: RefusalCode::VisitOpen,
        },
    );
    let other = audit(
        "p-2",
        None,
        "2026-12-01T15:00:00Z",
        AuditAction::Refused {
            code: RefusalCode::Crisis,
        },
    );
    for event in [&refused, &created, &other] {
        store.append_audit(event).await.unwrap();
    }

    let trail = store.audit_of_patient(&patient_id("p-1")).await.unwrap();

    assert_eq!(trail, vec![created.clone(), refused]);
    assert_eq!(store.audit_of_visit(visit).await.unwrap(), vec![created]);
}
