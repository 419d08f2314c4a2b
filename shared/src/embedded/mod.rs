//! Adapters that run the whole system on one machine, with no AWS: SQLite in place of
//! DynamoDB and EventBridge Scheduler, a folder with signed URLs in place of S3, and an outbox
//! table in place of SES. They mirror the AWS services' observable behaviour (conditional
//! writes, presigned-URL checks, multipart rules, at-least-once timers) because the same
//! handlers run on both.

mod identities;
mod media;
mod multipart;
mod outbox;
mod schema;
mod signing;
mod sqlite;
mod timers;

#[cfg(test)]
mod tests;

pub use identities::LocalDirectory;
pub use media::{FolderMedia, ObjectCreated};
pub use outbox::{Outbox, OutboxEntry};
pub use signing::MediaRequestError;
pub use sqlite::SqliteStore;
pub use timers::SqliteTimers;

use crate::ports::PortError;
use jiff::Timestamp;
use std::sync::{Mutex, MutexGuard};

/// A timestamp as the sortable integer stored in SQLite: nanoseconds since the Unix epoch.
/// Exact for every instant from 1677 to 2262; anything outside is refused rather than
/// silently reordered.
fn to_db_time(at: Timestamp) -> Result<i64, PortError> {
    i64::try_from(at.as_nanosecond())
        .map_err(|e| PortError::new("timestamp outside the storable range", e))
}

/// The inverse of [`to_db_time`].
fn from_db_time(nanos: i64) -> Result<Timestamp, PortError> {
    Timestamp::from_nanosecond(i128::from(nanos))
        .map_err(|e| PortError::new("stored timestamp out of range", e))
}

/// Locks a shared resource. A poisoned lock means another call panicked mid-way; SQLite
/// rolled its statement back, so the connection itself is still sound and is reused.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Wraps a SQLite failure with what was being attempted.
fn db_error(context: &'static str) -> impl FnOnce(rusqlite::Error) -> PortError {
    move |e| PortError::new(context, e)
}

/// Wraps a JSON failure with what was being attempted.
fn json_error(context: &'static str) -> impl FnOnce(serde_json::Error) -> PortError {
    move |e| PortError::new(context, e)
}
