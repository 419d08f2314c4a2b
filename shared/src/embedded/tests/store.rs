//! The SQLite visit store.

use super::{hours, patient, patient_id, submitted, t0, visit_of};
use crate::audit::{Actor, AuditAction, AuditEvent};
use crate::eligibility::RefusalCode;
use crate::embedded::SqliteStore;
use crate::ids::VisitId;
use crate::ports::{VisitStore, WriteError};
use crate::visit::VisitStatus;

fn store() -> SqliteStore {
    SqliteStore::in_memory().expect("an in-memory store")
}

#[tokio::test]
async fn a_created_visit_reads_back_as_written() {
    let store = store();
    let visit = visit_of("p1", t0());

    store.create_visit(&visit).await.unwrap();

    assert_eq!(store.visit(visit.id).await.unwrap(), Some(visit));
    assert_eq!(store.visit(VisitId::new()).await.unwrap(), None);
}

#[tokio::test]
async fn a_second_open_visit_for_the_same_patient_is_refused() {
    let store = store();
    let first = visit_of("p1", t0());
    store.create_visit(&first).await.unwrap();

    let refused = store.create_visit(&visit_of("p1", hours(1))).await;

    assert!(matches!(refused, Err(WriteError::OpenVisitExists(id)) if id == first.id));
    assert_eq!(
        store.visits_of(&patient_id("p1")).await.unwrap(),
        vec![first]
    );
}

#[tokio::test]
async fn a_closed_visit_does_not_block_a_new_one() {
    let store = store();
    let first = visit_of("p1", t0());
    store.create_visit(&first).await.unwrap();
    store
        .save_visit(&first.cancel(hours(1)).unwrap())
        .await
        .unwrap();

    let second = visit_of("p1", hours(2));

    store.create_visit(&second).await.unwrap();
}

#[tokio::test]
async fn a_save_over_the_read_version_is_stored() {
    let store = store();
    let visit = visit_of("p1", t0());
    store.create_visit(&visit).await.unwrap();
    let next = submitted(&visit, hours(24));

    store.save_visit(&next).await.unwrap();

    assert_eq!(store.visit(visit.id).await.unwrap(), Some(next));
}

#[tokio::test]
async fn a_save_over_a_stale_version_changes_nothing() {
    let store = store();
    let visit = visit_of("p1", t0());
    store.create_visit(&visit).await.unwrap();
    let cancelled = visit.cancel(hours(1)).unwrap();
    store.save_visit(&cancelled).await.unwrap();

    let stale = store.save_visit(&submitted(&visit, hours(24))).await;

    assert!(matches!(stale, Err(WriteError::Conflict)));
    assert_eq!(store.visit(visit.id).await.unwrap(), Some(cancelled));
}

#[tokio::test]
async fn a_save_of_a_visit_never_created_is_a_conflict() {
    let store = store();
    let visit = visit_of("p1", t0());

    let saved = store.save_visit(&visit.cancel(hours(1)).unwrap()).await;

    assert!(matches!(saved, Err(WriteError::Conflict)));
    assert_eq!(store.visit(visit.id).await.unwrap(), None);
}

#[tokio::test]
async fn a_save_that_would_open_a_second_visit_is_a_conflict() {
    let store = store();
    let first = visit_of("p1", t0());
    store.create_visit(&first).await.unwrap();
    let cancelled = first.cancel(hours(1)).unwrap();
    store.save_visit(&cancelled).await.unwrap();
    store.create_visit(&visit_of("p1", hours(2))).await.unwrap();
    let mut reopened = cancelled.clone();
    reopened.status = VisitStatus::AwaitingUpload;
    reopened.version += 1;

    let saved = store.save_visit(&reopened).await;

    assert!(matches!(saved, Err(WriteError::Conflict)));
    assert_eq!(store.visit(first.id).await.unwrap(), Some(cancelled));
}

#[tokio::test]
async fn the_queue_holds_only_submitted_visits_earliest_deadline_first() {
    let store = store();
    let waiting = visit_of("p1", t0());
    let late = submitted(&visit_of("p2", t0()), hours(48));
    let early = submitted(&visit_of("p3", t0()), hours(24));
    for visit in [&waiting, &late, &early] {
        store.create_visit(visit).await.unwrap();
    }

    let page = store.queue(10, None).await.unwrap();

    assert_eq!(page.visits, vec![early, late]);
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn the_queue_pages_with_a_cursor() {
    let store = store();
    let mut expected = Vec::new();
    for (i, patient) in ["p1", "p2", "p3", "p4", "p5"].into_iter().enumerate() {
        let visit = submitted(&visit_of(patient, t0()), hours(24 + i as i64));
        store.create_visit(&visit).await.unwrap();
        expected.push(visit);
    }

    let first = store.queue(2, None).await.unwrap();
    let second = store.queue(2, first.next_cursor.as_deref()).await.unwrap();
    let third = store.queue(2, second.next_cursor.as_deref()).await.unwrap();

    assert_eq!(first.visits, expected[0..2]);
    assert_eq!(second.visits, expected[2..4]);
    assert_eq!(third.visits, expected[4..]);
    assert_eq!(third.next_cursor, None);
}

#[tokio::test]
async fn visits_with_the_same_deadline_page_without_loss_or_repeat() {
    let store = store();
    let mut all = Vec::new();
    for patient in ["p1", "p2", "p3"] {
        let visit = submitted(&visit_of(patient, t0()), hours(24));
        store.create_visit(&visit).await.unwrap();
        all.push(visit);
    }
    all.sort_by_key(|v| v.id.to_string());

    let first = store.queue(2, None).await.unwrap();
    let second = store.queue(2, first.next_cursor.as_deref()).await.unwrap();

    let seen: Vec<_> = first.visits.into_iter().chain(second.visits).collect();
    assert_eq!(seen, all);
}

#[tokio::test]
async fn a_malformed_cursor_is_a_conflict() {
    let store = store();

    for cursor in ["not base64!", "bm9waXBl", ""] {
        let page = store.queue(10, Some(cursor)).await;

        assert!(
            matches!(page, Err(WriteError::Conflict)),
            "cursor {cursor:?}"
        );
    }
}

#[tokio::test]
async fn a_patients_visits_come_newest_first() {
    let store = store();
    let old = visit_of("p1", t0());
    store.create_visit(&old).await.unwrap();
    store
        .save_visit(&old.cancel(hours(1)).unwrap())
        .await
        .unwrap();
    let new = visit_of("p1", hours(2));
    store.create_visit(&new).await.unwrap();
    store.create_visit(&visit_of("p2", hours(3))).await.unwrap();

    let ids: Vec<_> = store
        .visits_of(&patient_id("p1"))
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect();

    assert_eq!(ids, vec![new.id, old.id]);
}

#[tokio::test]
async fn a_duplicate_patient_is_refused() {
    let store = store();
    store.create_patient(&patient("p1", "Ada")).await.unwrap();

    let again = store.create_patient(&patient("p1", "Someone Else")).await;

    assert!(matches!(again, Err(WriteError::AlreadyExists)));
    assert_eq!(
        store.patient(&patient_id("p1")).await.unwrap(),
        Some(patient("p1", "Ada"))
    );
}

#[tokio::test]
async fn patients_are_listed_by_name() {
    let store = store();
    for (id, name) in [("p1", "Grace"), ("p2", "ada"), ("p3", "Barbara")] {
        store.create_patient(&patient(id, name)).await.unwrap();
    }

    let names: Vec<_> = store
        .patients()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();

    assert_eq!(names, ["ada", "Barbara", "Grace"]);
}

#[tokio::test]
async fn saving_a_patient_replaces_the_record() {
    let store = store();
    store.create_patient(&patient("p1", "Ada")).await.unwrap();
    let mut changed = patient("p1", "Ada");
    changed.async_enabled = false;

    store.save_patient(&changed).await.unwrap();

    assert_eq!(
        store.patient(&patient_id("p1")).await.unwrap(),
        Some(changed)
    );
}

fn event(at: jiff::Timestamp, visit: Option<VisitId>, action: AuditAction) -> AuditEvent {
    AuditEvent {
        at,
        actor: Actor::System,
        patient_id: patient_id("p1"),
        visit_id: visit,
        action,
    }
}

#[tokio::test]
async fn the_audit_trail_of_a_visit_is_oldest_first() {
    let store = store();
    let visit = VisitId::new();
    let created = event(t0(), Some(visit), AuditAction::VisitCreated);
    let uploaded = event(hours(1), Some(visit), AuditAction::Uploaded);
    store.append_audit(&uploaded).await.unwrap();
    store.append_audit(&created).await.unwrap();
    store
        .append_audit(&event(t0(), Some(VisitId::new()), AuditAction::Cancelled))
        .await
        .unwrap();

    assert_eq!(
        store.audit_of_visit(visit).await.unwrap(),
        vec![created, uploaded]
    );
}

#[tokio::test]
async fn a_patients_audit_trail_includes_refusals() {
    let store = store();
    let refused = event(
        t0(),
        None,
        AuditAction::Refused {
            code: RefusalCode::NewPatient,
        },
    );
    let created = event(hours(1), Some(VisitId::new()), AuditAction::VisitCreated);
    store.append_audit(&refused).await.unwrap();
    store.append_audit(&created).await.unwrap();

    assert_eq!(
        store.audit_of_patient(&patient_id("p1")).unwrap(),
        vec![refused, created]
    );
    assert!(
        store
            .audit_of_patient(&patient_id("p2"))
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_notice_is_claimed_once() {
    let store = store();
    let visit = VisitId::new();

    assert!(
        store
            .claim_notice(visit, "r1-reminder", t0())
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_notice(visit, "r1-reminder", hours(1))
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_notice(VisitId::new(), "r1-reminder", t0())
            .await
            .unwrap()
    );

    let notices = store.notices(visit).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].at, t0());
}

#[tokio::test]
async fn a_released_notice_can_be_claimed_again() {
    let store = store();
    let visit = VisitId::new();
    store
        .claim_notice(visit, "upload_received", t0())
        .await
        .unwrap();

    store
        .release_notice(visit, "upload_received")
        .await
        .unwrap();

    assert!(store.notices(visit).await.unwrap().is_empty());
    assert!(
        store
            .claim_notice(visit, "upload_received", hours(1))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn notices_are_listed_oldest_first() {
    let store = store();
    let visit = VisitId::new();
    store.claim_notice(visit, "b", hours(2)).await.unwrap();
    store.claim_notice(visit, "a", hours(1)).await.unwrap();

    let keys: Vec<_> = store
        .notices(visit)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.key)
        .collect();

    assert_eq!(keys, ["a", "b"]);
}

#[tokio::test]
async fn a_database_from_a_newer_build_is_refused() {
    let dir = super::TempDir::new();
    let path = dir.path().join("local.db");
    SqliteStore::open(&path).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();

    assert!(SqliteStore::open(&path).is_err());
}
