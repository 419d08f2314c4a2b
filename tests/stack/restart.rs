//! Timers are durable: what fell due while the stack was down fires when it is back.

use crate::{count, spawn_app, spawn_app_on};
use std::time::Duration;

#[tokio::test]
async fn an_alert_that_fell_due_while_the_stack_was_down_fires_after_a_restart() {
    // Arrange: a visit submitted Tuesday morning, due Wednesday 17:00 EST (22:00 UTC), with
    // its reminder at 20:00 UTC; then the stack goes down before either fires.
    let app = spawn_app().await;
    app.submitted_visit().await;
    app.wait_for_templates(&["new_visit_waiting", "upload_received"])
        .await;
    let (data_dir, clock) = app.stop().await;

    // Act: it comes back on the same data after the deadline has passed.
    clock.set("2026-12-02T23:00:00Z");
    let app = spawn_app_on(data_dir, clock).await;

    // Assert: the reminder and the overdue alert both fire, once each, even though the
    // start-up sweep and the timer worker both look for due timers.
    app.wait_for_templates(&["reminder_due", "overdue"]).await;
    // Give a duplicate the time of several more timer polls to show up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let templates = app.templates().await;
    assert_eq!(count(&templates, "reminder_due"), 1, "{templates:?}");
    assert_eq!(count(&templates, "overdue"), 1, "{templates:?}");
}
