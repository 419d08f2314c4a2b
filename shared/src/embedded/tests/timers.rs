//! Durable timers and the outbox.

use super::{StillClock, TempDir, hours, t0};
use crate::embedded::{Outbox, SqliteStore, SqliteTimers};
use crate::ids::VisitId;
use crate::notice::{Audience, Mail, Template};
use crate::ports::{AlertKind, AlertPayload, AlertScheduler, Notifier};
use std::sync::Arc;

fn payload(alert: AlertKind) -> AlertPayload {
    AlertPayload {
        visit_id: VisitId::new(),
        alert,
        round: 1,
    }
}

fn timers() -> SqliteTimers {
    SqliteTimers::new(&SqliteStore::in_memory().expect("an in-memory store"))
}

#[tokio::test]
async fn a_timer_is_due_once_its_time_has_come() {
    let timers = timers();
    let later = payload(AlertKind::Overdue);
    let sooner = payload(AlertKind::Reminder);
    timers.schedule(hours(2), &later).await.unwrap();
    timers.schedule(hours(1), &sooner).await.unwrap();

    assert!(timers.due(t0()).unwrap().is_empty());
    assert_eq!(
        timers.due(hours(1)).unwrap(),
        vec![(sooner.schedule_name(), sooner.clone())]
    );
    assert_eq!(
        timers.due(hours(3)).unwrap(),
        vec![
            (sooner.schedule_name(), sooner),
            (later.schedule_name(), later)
        ]
    );
}

#[tokio::test]
async fn a_duplicate_timer_name_changes_nothing() {
    let timers = timers();
    let alert = payload(AlertKind::Reminder);
    timers.schedule(hours(1), &alert).await.unwrap();

    timers.schedule(hours(5), &alert).await.unwrap();

    assert_eq!(
        timers.pending().unwrap(),
        vec![(alert.schedule_name(), hours(1), alert)]
    );
}

#[tokio::test]
async fn a_completed_timer_is_no_longer_due() {
    let timers = timers();
    let alert = payload(AlertKind::Abandon);
    timers.schedule(hours(1), &alert).await.unwrap();

    timers.complete(&alert.schedule_name()).unwrap();

    assert!(timers.due(hours(2)).unwrap().is_empty());
}

#[tokio::test]
async fn a_cancelled_timer_never_fires_and_cancelling_twice_is_fine() {
    let timers = timers();
    let alert = payload(AlertKind::Overdue);
    timers.schedule(hours(1), &alert).await.unwrap();

    timers.cancel(&alert.schedule_name()).await.unwrap();
    timers.cancel(&alert.schedule_name()).await.unwrap();

    assert!(timers.pending().unwrap().is_empty());
}

#[tokio::test]
async fn timers_survive_reopening_the_database() {
    let dir = TempDir::new();
    let path = dir.path().join("local.db");
    let alert = payload(AlertKind::Reminder);
    let store = SqliteStore::open(&path).unwrap();
    SqliteTimers::new(&store)
        .schedule(hours(1), &alert)
        .await
        .unwrap();
    drop(store);

    let reopened = SqliteTimers::new(&SqliteStore::open(&path).unwrap());

    assert_eq!(
        reopened.due(hours(9)).unwrap(),
        vec![(alert.schedule_name(), alert)]
    );
}

#[tokio::test]
async fn sent_mail_is_listed_newest_first() {
    let store = SqliteStore::in_memory().unwrap();
    let outbox = Outbox::new(&store).with_clock(Arc::new(StillClock));
    let first = Mail::render(Template::Overdue, "doctor@example.test", "http://localhost");
    let second = Mail::render(
        Template::ResponseWaiting,
        "pat@example.test",
        "http://localhost",
    );

    outbox.send(&first).await.unwrap();
    outbox.send(&second).await.unwrap();

    let entries = outbox.list().unwrap();
    assert_eq!(
        entries.iter().map(|e| &e.mail).collect::<Vec<_>>(),
        [&second, &first]
    );
    assert!(entries[0].seq > entries[1].seq && entries[0].at == t0());
    assert_eq!(entries[0].mail.audience, Audience::Patient);
}
