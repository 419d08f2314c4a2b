//! [`Outbox`]: mail kept in the database for a local page to show, standing in for SES.

use super::sqlite::SqliteStore;
use super::{db_error, from_db_time, json_error, lock, to_db_time};
use crate::notice::Mail;
use crate::ports::{Clock, Notifier, PortError, SystemClock};
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, params};
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// One message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    /// Increases with every message sent.
    pub seq: i64,
    /// When it was sent.
    pub at: Timestamp,
    /// The message as rendered, address included.
    pub mail: Mail,
}

/// A notifier that keeps every message instead of delivering it.
pub struct Outbox {
    conn: Arc<Mutex<Connection>>,
    clock: Arc<dyn Clock>,
}

impl Outbox {
    /// An outbox in the store's database.
    pub fn new(store: &SqliteStore) -> Self {
        Self {
            conn: store.connection(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Stamps messages with `clock` instead of the machine's time.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Every message, newest first. Patient addresses and bodies are in here: show them only
    /// on the local page, never in logs.
    pub fn list(&self) -> Result<Vec<OutboxEntry>, PortError> {
        let conn = lock(&self.conn);
        let rows = conn
            .prepare("SELECT seq, at, json FROM outbox ORDER BY seq DESC")
            .and_then(|mut stmt| {
                stmt.query_map([], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<(i64, i64, String)>>>()
            })
            .map_err(db_error("reading the outbox"))?;
        drop(conn);

        rows.into_iter()
            .map(|(seq, at, json)| {
                let mail = serde_json::from_str(&json).map_err(json_error("decoding a mail"))?;
                Ok(OutboxEntry {
                    seq,
                    at: from_db_time(at)?,
                    mail,
                })
            })
            .collect()
    }
}

#[async_trait]
impl Notifier for Outbox {
    async fn send(&self, mail: &Mail) -> Result<(), PortError> {
        let json = serde_json::to_string(mail).map_err(json_error("encoding a mail"))?;
        let at = to_db_time(self.clock.now())?;
        lock(&self.conn)
            .execute(
                "INSERT INTO outbox (at, json) VALUES (?1, ?2)",
                params![at, json],
            )
            .map_err(db_error("queueing a mail"))?;

        // The template and audience only: the address, subject and body stay in the table.
        tracing::info!(template = mail.template.name(), audience = ?mail.audience, "mail queued");
        Ok(())
    }
}
