//! The database schema shared by the store, the outbox and the timers.

use super::db_error;
use crate::ports::PortError;
use rusqlite::Connection;

/// The schema this code writes, kept in SQLite's `user_version`.
pub(super) const SCHEMA_VERSION: i64 = 1;

/// Every table, including the outbox and the timers, which share the database so one file
/// holds the whole local state. The partial unique index is the open-visit guard: SQLite
/// enforces it atomically, as DynamoDB's conditional guard item does.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS visits (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL,
    status TEXT NOT NULL,
    deadline INTEGER,
    created_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS visits_one_open_per_patient ON visits (patient_id)
    WHERE status IN ('awaiting_upload', 'submitted', 'awaiting_patient');
CREATE INDEX IF NOT EXISTS visits_queue
    ON visits (status, COALESCE(deadline, 9223372036854775807), id);
CREATE INDEX IF NOT EXISTS visits_by_patient ON visits (patient_id, created_at, id);

CREATE TABLE IF NOT EXISTS patients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    json TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    patient_id TEXT NOT NULL,
    visit_id TEXT,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_visit ON audit (visit_id, at);
CREATE INDEX IF NOT EXISTS audit_by_patient ON audit (patient_id, at);

CREATE TABLE IF NOT EXISTS notices (
    visit_id TEXT NOT NULL,
    key TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (visit_id, key)
);

CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    json TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS timers (
    name TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS timers_by_time ON timers (at, name);
";

/// Prepares a connection: WAL, a busy timeout for other connections to the same file, and
/// the schema, created if the database is new. A database from a newer build is refused
/// rather than written with an older idea of its layout.
pub(super) fn migrate(conn: &Connection) -> Result<(), PortError> {
    // journal_mode answers with a row, so it is read rather than executed; an in-memory
    // database answers "memory", which is fine.
    conn.query_row("PRAGMA journal_mode = WAL", [], |row| {
        row.get::<_, String>(0)
    })
    .map_err(db_error("enabling WAL"))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(db_error("setting the busy timeout"))?;

    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(db_error("reading the schema version"))?;
    if version > SCHEMA_VERSION {
        return Err(PortError::new(
            "opening the database",
            format!("schema version {version} is newer than this build ({SCHEMA_VERSION})"),
        ));
    }
    if version < SCHEMA_VERSION {
        conn.execute_batch(&format!(
            "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))
        .map_err(db_error("creating the schema"))?;
    }

    Ok(())
}
