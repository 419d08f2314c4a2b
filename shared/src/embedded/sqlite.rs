//! [`SqliteStore`]: the visit store in one SQLite database, standing in for DynamoDB.

use super::schema::migrate;
use super::{db_error, from_db_time, json_error, lock, to_db_time};
use crate::audit::AuditEvent;
use crate::ids::{PatientId, VisitId};
use crate::patient::Patient;
use crate::ports::{NoticeRecord, PortError, QueuePage, VisitStore, WriteError};
use crate::visit::{Visit, VisitStatus};
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The queue's sort key for a visit without a deadline: after every real one. It is
/// `i64::MAX`, spelt out in the `visits_queue` index of the schema.
const NO_DEADLINE: i64 = i64::MAX;

/// Visits, patients, audit events and notices in SQLite. Cloning shares the connection.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, in WAL mode so the local page can
    /// read while a handler writes.
    pub fn open(path: &Path) -> Result<Self, PortError> {
        let conn = Connection::open(path).map_err(db_error("opening the database"))?;
        Self::prepare(conn)
    }

    /// A private database that lives as long as the store, for tests.
    pub fn in_memory() -> Result<Self, PortError> {
        let conn = Connection::open_in_memory().map_err(db_error("opening the database"))?;
        Self::prepare(conn)
    }

    fn prepare(conn: Connection) -> Result<Self, PortError> {
        migrate(&conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The connection, for the outbox and the timers that share the database.
    pub(super) fn connection(&self) -> Arc<Mutex<Connection>> {
        Arc::clone(&self.conn)
    }

    /// A patient's audit trail, oldest first, including refusals, which have no visit.
    pub fn audit_of_patient(&self, patient: &PatientId) -> Result<Vec<AuditEvent>, PortError> {
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare("SELECT json FROM audit WHERE patient_id = ?1 ORDER BY at, seq")
            .map_err(db_error("reading the audit trail"))?;
        let rows = stmt
            .query_map([patient.as_str()], |row| row.get::<_, String>(0))
            .map_err(db_error("reading the audit trail"))?;
        decode_rows(rows, "decoding an audit event")
    }
}

/// The indexed columns of a visit.
struct VisitRow {
    id: String,
    patient_id: String,
    status: &'static str,
    deadline: Option<i64>,
    created_at: i64,
    version: i64,
    json: String,
}

impl VisitRow {
    fn of(visit: &Visit) -> Result<Self, PortError> {
        Ok(Self {
            id: visit.id.to_string(),
            patient_id: visit.patient_id.as_str().to_owned(),
            status: visit.status.as_str(),
            deadline: visit.due.map(|due| to_db_time(due.deadline)).transpose()?,
            created_at: to_db_time(visit.created_at())?,
            version: i64::try_from(visit.version)
                .map_err(|e| PortError::new("visit version out of range", e))?,
            json: serde_json::to_string(visit).map_err(json_error("encoding a visit"))?,
        })
    }
}

/// Whether a failure is a UNIQUE or PRIMARY KEY violation, the only constraints we declare.
fn is_constraint_violation(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

/// Decodes a column of JSON rows.
fn decode_rows<T: serde::de::DeserializeOwned>(
    rows: impl Iterator<Item = rusqlite::Result<String>>,
    context: &'static str,
) -> Result<Vec<T>, PortError> {
    rows.map(|row| {
        let json = row.map_err(db_error(context))?;
        serde_json::from_str(&json).map_err(json_error(context))
    })
    .collect()
}

/// The opaque queue cursor: the last row's sort key, base64url so it is one URL-safe token.
fn encode_cursor(deadline: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{deadline}|{id}"))
}

/// The inverse of [`encode_cursor`]; `None` for anything it did not produce.
fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (deadline, id) = text.split_once('|')?;
    let id = VisitId::parse(id)?;
    Some((deadline.parse().ok()?, id.to_string()))
}

fn open_statuses() -> String {
    VisitStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Behaves as the DynamoDB adapter does: conditional writes fail with
/// [`WriteError::Conflict`] and change nothing.
///
/// [`VisitStore::queue`] returns [`WriteError::Conflict`] for a cursor it did not issue; the
/// HTTP layer answers that with 400 `invalid_cursor`. A `limit` of 0 is treated as 1, since
/// an empty page with a cursor would never advance.
#[async_trait]
impl VisitStore for SqliteStore {
    async fn create_visit(&self, visit: &Visit) -> Result<(), WriteError> {
        let row = VisitRow::of(visit)?;
        let conn = lock(&self.conn);
        let inserted = conn.execute(
            "INSERT INTO visits (id, patient_id, status, deadline, created_at, version, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                row.id,
                row.patient_id,
                row.status,
                row.deadline,
                row.created_at,
                row.version,
                row.json
            ],
        );
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if is_constraint_violation(&e) => {
                // Either the open-visit guard or a reused visit id; the lock is still held,
                // so the open visit found here is the one that blocked the insert.
                let sql = format!(
                    "SELECT id FROM visits WHERE patient_id = ?1 AND status IN ({})",
                    open_statuses()
                );
                let open: Option<String> = conn
                    .query_row(&sql, [&row.patient_id], |r| r.get(0))
                    .optional()
                    .map_err(db_error("finding the open visit"))?;
                match open.as_deref().and_then(VisitId::parse) {
                    Some(existing) if visit.status.is_open() => {
                        Err(WriteError::OpenVisitExists(existing))
                    }
                    _ => Err(WriteError::Conflict),
                }
            }
            Err(e) => Err(db_error("creating a visit")(e).into()),
        }
    }

    async fn visit(&self, id: VisitId) -> Result<Option<Visit>, PortError> {
        let conn = lock(&self.conn);
        let json: Option<String> = conn
            .query_row(
                "SELECT json FROM visits WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error("reading a visit"))?;
        json.map(|j| serde_json::from_str(&j).map_err(json_error("decoding a visit")))
            .transpose()
    }

    async fn save_visit(&self, next: &Visit) -> Result<(), WriteError> {
        // Version 0 has no predecessor, so nothing can be stored over it.
        let Some(expected) = next.version.checked_sub(1) else {
            return Err(WriteError::Conflict);
        };
        let expected =
            i64::try_from(expected).map_err(|e| PortError::new("visit version out of range", e))?;
        let row = VisitRow::of(next)?;

        let conn = lock(&self.conn);
        let updated = conn.execute(
            "UPDATE visits SET patient_id = ?2, status = ?3, deadline = ?4, created_at = ?5,
                 version = ?6, json = ?7
             WHERE id = ?1 AND version = ?8",
            params![
                row.id,
                row.patient_id,
                row.status,
                row.deadline,
                row.created_at,
                row.version,
                row.json,
                expected
            ],
        );
        match updated {
            Ok(1) => Ok(()),
            Ok(_) => Err(WriteError::Conflict),
            // Reopening a visit while another is open: the guard refuses it, as DynamoDB's
            // transaction would, and nothing was written.
            Err(e) if is_constraint_violation(&e) => Err(WriteError::Conflict),
            Err(e) => Err(db_error("saving a visit")(e).into()),
        }
    }

    async fn queue(&self, limit: usize, cursor: Option<&str>) -> Result<QueuePage, WriteError> {
        let after = match cursor {
            Some(text) => Some(decode_cursor(text).ok_or(WriteError::Conflict)?),
            None => None,
        };
        let limit = limit.clamp(1, 10_000);
        // One row more than asked tells whether another page exists, so the last page never
        // carries a cursor to an empty one.
        let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);

        // The sort key is spelt exactly as in the `visits_queue` index so SQLite uses it.
        let select = format!(
            "SELECT json, COALESCE(deadline, {NO_DEADLINE}) AS sort_key, id FROM visits
             WHERE status = 'submitted'"
        );
        let order = "ORDER BY sort_key, id LIMIT ?1";
        let map = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        };

        let conn = lock(&self.conn);
        let rows: Vec<(String, i64, String)> = match &after {
            None => conn
                .prepare(&format!("{select} {order}"))
                .and_then(|mut stmt| stmt.query_map(params![fetch], map)?.collect())
                .map_err(db_error("reading the queue"))?,
            Some((deadline, id)) => conn
                .prepare(&format!(
                    "{select} AND (COALESCE(deadline, {NO_DEADLINE}), id) > (?2, ?3) {order}"
                ))
                .and_then(|mut stmt| stmt.query_map(params![fetch, deadline, id], map)?.collect())
                .map_err(db_error("reading the queue"))?,
        };
        drop(conn);

        let more = rows.len() > limit;
        let page = &rows[..rows.len().min(limit)];
        let next_cursor = match (more, page.last()) {
            (true, Some((_, deadline, id))) => Some(encode_cursor(*deadline, id)),
            _ => None,
        };
        let visits = page
            .iter()
            .map(|(json, _, _)| serde_json::from_str(json).map_err(json_error("decoding a visit")))
            .collect::<Result<Vec<Visit>, PortError>>()?;
        Ok(QueuePage {
            visits,
            next_cursor,
        })
    }

    async fn visits_of(&self, patient: &PatientId) -> Result<Vec<Visit>, PortError> {
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare(
                "SELECT json FROM visits WHERE patient_id = ?1 ORDER BY created_at DESC, id DESC",
            )
            .map_err(db_error("reading a patient's visits"))?;
        let rows = stmt
            .query_map([patient.as_str()], |r| r.get::<_, String>(0))
            .map_err(db_error("reading a patient's visits"))?;
        decode_rows(rows, "decoding a visit")
    }

    async fn create_patient(&self, patient: &Patient) -> Result<(), WriteError> {
        let json = serde_json::to_string(patient).map_err(json_error("encoding a patient"))?;
        let conn = lock(&self.conn);
        let inserted = conn.execute(
            "INSERT INTO patients (id, name, json) VALUES (?1, ?2, ?3)",
            params![patient.id.as_str(), patient.name, json],
        );
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if is_constraint_violation(&e) => Err(WriteError::AlreadyExists),
            Err(e) => Err(db_error("creating a patient")(e).into()),
        }
    }

    async fn patient(&self, id: &PatientId) -> Result<Option<Patient>, PortError> {
        let conn = lock(&self.conn);
        let json: Option<String> = conn
            .query_row(
                "SELECT json FROM patients WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error("reading a patient"))?;
        json.map(|j| serde_json::from_str(&j).map_err(json_error("decoding a patient")))
            .transpose()
    }

    async fn save_patient(&self, patient: &Patient) -> Result<(), PortError> {
        // A plain put, as DynamoDB's PutItem: it creates the record if it is missing.
        let json = serde_json::to_string(patient).map_err(json_error("encoding a patient"))?;
        let conn = lock(&self.conn);
        conn.execute(
            "INSERT INTO patients (id, name, json) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json",
            params![patient.id.as_str(), patient.name, json],
        )
        .map_err(db_error("saving a patient"))?;
        Ok(())
    }

    async fn patients(&self) -> Result<Vec<Patient>, PortError> {
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare("SELECT json FROM patients ORDER BY name COLLATE NOCASE, name, id")
            .map_err(db_error("listing patients"))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(db_error("listing patients"))?;
        decode_rows(rows, "decoding a patient")
    }

    async fn append_audit(&self, event: &AuditEvent) -> Result<(), PortError> {
        let json = serde_json::to_string(event).map_err(json_error("encoding an audit event"))?;
        let at = to_db_time(event.at)?;
        let conn = lock(&self.conn);
        conn.execute(
            "INSERT INTO audit (at, patient_id, visit_id, json) VALUES (?1, ?2, ?3, ?4)",
            params![
                at,
                event.patient_id.as_str(),
                event.visit_id.map(|v| v.to_string()),
                json
            ],
        )
        .map_err(db_error("appending an audit event"))?;
        Ok(())
    }

    async fn audit_of_visit(&self, visit: VisitId) -> Result<Vec<AuditEvent>, PortError> {
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare("SELECT json FROM audit WHERE visit_id = ?1 ORDER BY at, seq")
            .map_err(db_error("reading the audit trail"))?;
        let rows = stmt
            .query_map([visit.to_string()], |r| r.get::<_, String>(0))
            .map_err(db_error("reading the audit trail"))?;
        decode_rows(rows, "decoding an audit event")
    }

    async fn claim_notice(
        &self,
        visit: VisitId,
        key: &str,
        at: Timestamp,
    ) -> Result<bool, PortError> {
        let at = to_db_time(at)?;
        let conn = lock(&self.conn);
        let inserted = conn
            .execute(
                "INSERT OR IGNORE INTO notices (visit_id, key, at) VALUES (?1, ?2, ?3)",
                params![visit.to_string(), key, at],
            )
            .map_err(db_error("claiming a notice"))?;
        Ok(inserted == 1)
    }

    async fn release_notice(&self, visit: VisitId, key: &str) -> Result<(), PortError> {
        let conn = lock(&self.conn);
        conn.execute(
            "DELETE FROM notices WHERE visit_id = ?1 AND key = ?2",
            params![visit.to_string(), key],
        )
        .map_err(db_error("releasing a notice"))?;
        Ok(())
    }

    async fn notices(&self, visit: VisitId) -> Result<Vec<NoticeRecord>, PortError> {
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare("SELECT key, at FROM notices WHERE visit_id = ?1 ORDER BY at, rowid")
            .map_err(db_error("reading notices"))?;
        let rows = stmt
            .query_map([visit.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(db_error("reading notices"))?;
        rows.into_iter()
            .map(|(key, at)| {
                Ok(NoticeRecord {
                    key,
                    at: from_db_time(at)?,
                })
            })
            .collect()
    }
}
