//! The stack's stand-ins for S3 notifications and EventBridge Scheduler: background tasks that
//! hand events to the same handlers Lambda runs, retrying the way Lambda retries an
//! asynchronous invocation.

use crate::Stack;
use crate::events::s3_event;
use shared::embedded::ObjectCreated;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch;

/// Lambda retries a failed asynchronous invocation twice.
const ATTEMPTS: u32 = 3;

/// Hands every stored object to the upload handler as an S3 event.
pub async fn uploads(
    stack: Arc<Stack>,
    mut created: UnboundedReceiver<ObjectCreated>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let object = tokio::select! {
            object = created.recv() => match object {
                Some(object) => object,
                None => return,
            },
            _ = shutdown.changed() => return,
        };

        let event = s3_event(&object);
        for attempt in 1..=ATTEMPTS {
            match upload_received::handle(&stack.services, event.clone()).await {
                Ok(outcomes) => {
                    tracing::debug!(?outcomes, "upload event handled");
                    break;
                }
                Err(error) if attempt < ATTEMPTS => {
                    tracing::warn!(%error, attempt, "upload event failed; retrying");
                    tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
                }
                Err(error) => tracing::error!(%error, "upload event failed; given up"),
            }
        }
    }
}

/// Fires due timers, including those that fell due while the stack was down. A timer is
/// removed only after its handler succeeded, so a failure fires it again on the next poll.
pub async fn timers(stack: Arc<Stack>, poll: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(poll);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => return,
        }
        fire_due(&stack).await;
    }
}

/// Fires every timer due now. Public to the crate so a restart fires overdue ones at once.
pub(crate) async fn fire_due(stack: &Stack) {
    let now = stack.services.clock.now();
    let due = match stack.timers.due(now) {
        Ok(due) => due,
        Err(error) => {
            tracing::error!(%error, "reading due timers failed");
            return;
        }
    };
    for (name, payload) in due {
        match sla_alert::handle(&stack.services, payload).await {
            Ok(outcome) => {
                tracing::info!(timer = %name, ?outcome, "timer fired");
                if let Err(error) = stack.timers.complete(&name) {
                    tracing::error!(%error, timer = %name, "completing a timer failed");
                }
            }
            Err(error) => tracing::warn!(%error, timer = %name, "timer failed; will fire again"),
        }
    }
}
