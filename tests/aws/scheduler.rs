//! EventBridge Scheduler alerts against moto: one-time schedules at local time in the
//! practice zone, idempotent by name. moto never fires them and does not validate
//! expressions, so the expression checks are the adapter's own.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use shared::aws::scheduler::{EventBridgeScheduler, at_expression, is_valid_at_expression};
use shared::ids::VisitId;
use shared::ports::{AlertKind, AlertPayload, AlertScheduler};
use visits_tests::servers::{moto, sdk_config, unique};

const TARGET: &str = "arn:aws:lambda:us-east-1:123456789012:function:sla-alert";
const ROLE: &str = "arn:aws:iam::123456789012:role/scheduler-invokes-sla-alert";
const DEAD_LETTERS: &str = "arn:aws:sqs:us-east-1:123456789012:sla-alert-dead-letters";

/// Wednesday 17:00 in New York, during standard time.
const WEDNESDAY_CLOSE: &str = "2026-12-02T22:00:00Z";

/// A scheduler on moto, in a fresh schedule group, with times in `zone`.
async fn scheduler(zone: &str) -> EventBridgeScheduler {
    let client = aws_sdk_scheduler::Client::new(&sdk_config(moto()).await);
    let group = unique("alerts");
    client
        .create_schedule_group()
        .name(&group)
        .send()
        .await
        .unwrap();
    EventBridgeScheduler::new(client, group, TARGET, ROLE, Some(DEAD_LETTERS.into()), zone).unwrap()
}

/// An overdue alert for a fresh visit.
fn overdue() -> AlertPayload {
    AlertPayload {
        visit_id: VisitId::new(),
        alert: AlertKind::Overdue,
        round: 1,
    }
}

/// The instant written as `text`.
fn instant(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_schedule_is_created_at_the_local_deadline_with_the_window_off_and_deleted_after_completion()
 {
    let scheduler = scheduler("America/New_York").await;
    let payload = overdue();

    scheduler
        .schedule(instant(WEDNESDAY_CLOSE), &payload)
        .await
        .unwrap();

    let view = scheduler
        .get(&payload.schedule_name())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.expression, "at(2026-12-02T17:00:00)");
    assert_eq!(view.timezone.as_deref(), Some("America/New_York"));
    assert_eq!(view.window_mode.as_deref(), Some("OFF"));
    assert_eq!(view.action_after_completion.as_deref(), Some("DELETE"));
    let input: AlertPayload = serde_json::from_str(&view.input.unwrap()).unwrap();
    assert_eq!(input, payload);
}

#[tokio::test]
async fn a_duplicate_schedule_name_changes_nothing() {
    let scheduler = scheduler("America/New_York").await;
    let payload = overdue();
    scheduler
        .schedule(instant(WEDNESDAY_CLOSE), &payload)
        .await
        .unwrap();

    scheduler
        .schedule(instant("2026-12-03T22:00:00Z"), &payload)
        .await
        .unwrap();

    let view = scheduler
        .get(&payload.schedule_name())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.expression, "at(2026-12-02T17:00:00)");
}

#[tokio::test]
async fn cancelling_removes_the_schedule_and_cancelling_again_is_fine() {
    let scheduler = scheduler("America/New_York").await;
    let payload = overdue();
    let name = payload.schedule_name();
    scheduler
        .schedule(instant(WEDNESDAY_CLOSE), &payload)
        .await
        .unwrap();

    scheduler.cancel(&name).await.unwrap();
    assert_eq!(scheduler.get(&name).await.unwrap(), None);

    scheduler.cancel(&name).await.unwrap();
}

#[tokio::test]
async fn an_invalid_expression_is_refused_before_it_is_sent() {
    for good in [
        "at(2026-12-02T17:00:00)",
        "at(2028-02-29T00:00:00)",
        "at(9999-12-31T23:59:59)",
    ] {
        assert!(is_valid_at_expression(good), "{good} refused");
    }
    for bad in [
        "",
        "at()",
        "at(2026-12-02)",
        "at(2026-12-02T17:00)",
        "at(2026-12-02 17:00:00)",
        "at(2026-12-02T17:00:00Z)",
        "at(2026-12-02T17:00:00.5)",
        "at(2026-12-02T17:00:00",
        "at(2026-12-02T17:00:00) ",
        " at(2026-12-02T17:00:00)",
        "AT(2026-12-02T17:00:00)",
        "rate(5 minutes)",
        "cron(0 17 * * ? *)",
        "at(2026-13-02T17:00:00)",
        "at(2026-02-30T17:00:00)",
        "at(2027-02-29T17:00:00)",
        "at(2026-12-02T24:00:00)",
        "at(2026-12-02T17:60:00)",
        "at(2026-12-02T17:00:60)",
        "at(+026-12-02T17:00:00)",
        "at(-2026-12-02T17:00:00)",
        "at(２026-12-02T17:00:00)",
    ] {
        assert!(!is_valid_at_expression(bad), "{bad:?} accepted");
    }

    // The one instant whose local time cannot be written in four digits.
    let scheduler = scheduler("America/New_York").await;
    let payload = overdue();
    assert!(scheduler.schedule(Timestamp::MIN, &payload).await.is_err());
    assert_eq!(scheduler.get(&payload.schedule_name()).await.unwrap(), None);
}

#[test]
fn the_expression_follows_the_practice_zone_across_a_daylight_saving_change() {
    let new_york = TimeZone::get("America/New_York").unwrap();

    // Spring forward on 2026-03-08: 02:00 EST becomes 03:00 EDT.
    assert_eq!(
        at_expression(instant("2026-03-08T06:59:59Z"), &new_york),
        "at(2026-03-08T01:59:59)"
    );
    assert_eq!(
        at_expression(instant("2026-03-08T07:00:00Z"), &new_york),
        "at(2026-03-08T03:00:00)"
    );

    // The same 17:00 close is 22:00 UTC in winter and 21:00 UTC in summer.
    assert_eq!(
        at_expression(instant("2026-03-06T22:00:00Z"), &new_york),
        "at(2026-03-06T17:00:00)"
    );
    assert_eq!(
        at_expression(instant("2026-03-09T21:00:00Z"), &new_york),
        "at(2026-03-09T17:00:00)"
    );
}

#[test]
fn a_fraction_of_a_second_rounds_up_so_an_alert_never_fires_early() {
    assert_eq!(
        at_expression(instant("2026-12-02T21:59:59.001Z"), &TimeZone::UTC),
        "at(2026-12-02T22:00:00)"
    );
}

#[tokio::test]
async fn a_local_time_that_occurs_twice_is_scheduled_in_utc() {
    // Fall back on 2026-11-01: 01:30 in New York happens at 05:30Z and again at 06:30Z.
    let scheduler = scheduler("America/New_York").await;
    let payload = overdue();

    scheduler
        .schedule(instant("2026-11-01T06:30:00Z"), &payload)
        .await
        .unwrap();

    let view = scheduler
        .get(&payload.schedule_name())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.expression, "at(2026-11-01T06:30:00)");
    assert_eq!(view.timezone.as_deref(), Some("UTC"));
}

#[tokio::test]
async fn the_expression_uses_the_practice_zone_not_utc() {
    let scheduler = scheduler("America/Los_Angeles").await;
    let payload = overdue();

    scheduler
        .schedule(instant(WEDNESDAY_CLOSE), &payload)
        .await
        .unwrap();

    let view = scheduler
        .get(&payload.schedule_name())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.expression, "at(2026-12-02T14:00:00)");
    assert_eq!(view.timezone.as_deref(), Some("America/Los_Angeles"));
}
