//! [`SqliteTimers`]: durable one-time timers, standing in for EventBridge Scheduler.
//!
//! The stack polls [`SqliteTimers::due`], runs the alert handler for each timer and then
//! calls [`SqliteTimers::complete`], as Scheduler deletes a one-time schedule after it ran.
//! A timer whose handler fails stays due and is retried on the next poll; a timer whose time
//! passed while the process was down fires late rather than being lost.

use super::sqlite::SqliteStore;
use super::{db_error, from_db_time, json_error, lock, to_db_time};
use crate::ports::{AlertPayload, AlertScheduler, PortError};
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, params};
use std::sync::{Arc, Mutex};

/// Timers in the store's database.
#[derive(Clone)]
pub struct SqliteTimers {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteTimers {
    /// Timers in the store's database, so they survive restarts with the visits.
    pub fn new(store: &SqliteStore) -> Self {
        Self {
            conn: store.connection(),
        }
    }

    /// Timers whose time has come by `now`, oldest first. They stay until completed.
    pub fn due(&self, now: Timestamp) -> Result<Vec<(String, AlertPayload)>, PortError> {
        let now = to_db_time(now)?;
        self.select(
            "SELECT name, at, payload FROM timers WHERE at <= ?1 ORDER BY at, name",
            now,
        )
        .map(|timers| {
            timers
                .into_iter()
                .map(|(name, _, payload)| (name, payload))
                .collect()
        })
    }

    /// Removes a timer after its handler succeeded. Completing a missing one succeeds.
    pub fn complete(&self, name: &str) -> Result<(), PortError> {
        lock(&self.conn)
            .execute("DELETE FROM timers WHERE name = ?1", [name])
            .map_err(db_error("completing a timer"))?;
        Ok(())
    }

    /// Every timer not yet completed, soonest first.
    pub fn pending(&self) -> Result<Vec<(String, Timestamp, AlertPayload)>, PortError> {
        self.select(
            "SELECT name, at, payload FROM timers WHERE ?1 ORDER BY at, name",
            1,
        )
    }

    fn select(
        &self,
        sql: &str,
        param: i64,
    ) -> Result<Vec<(String, Timestamp, AlertPayload)>, PortError> {
        let conn = lock(&self.conn);
        let rows = conn
            .prepare(sql)
            .and_then(|mut stmt| {
                stmt.query_map([param], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(db_error("reading timers"))?;
        drop(conn);

        rows.into_iter()
            .map(|(name, at, payload)| {
                let payload =
                    serde_json::from_str(&payload).map_err(json_error("decoding a timer"))?;
                Ok((name, from_db_time(at)?, payload))
            })
            .collect()
    }
}

#[async_trait]
impl AlertScheduler for SqliteTimers {
    async fn schedule(&self, at: Timestamp, payload: &AlertPayload) -> Result<(), PortError> {
        let json = serde_json::to_string(payload).map_err(json_error("encoding a timer"))?;
        let at = to_db_time(at)?;
        // An existing name keeps its time and payload, as Scheduler's ConflictException
        // leaves the existing schedule untouched.
        lock(&self.conn)
            .execute(
                "INSERT OR IGNORE INTO timers (name, at, payload) VALUES (?1, ?2, ?3)",
                params![payload.schedule_name(), at, json],
            )
            .map_err(db_error("scheduling a timer"))?;
        Ok(())
    }

    async fn cancel(&self, name: &str) -> Result<(), PortError> {
        self.complete(name)
    }
}
