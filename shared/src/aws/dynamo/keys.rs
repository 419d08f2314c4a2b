//! The names and shapes of the table's keys, and the queue cursor.

use crate::ids::{PatientId, VisitId};
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An item as the SDK carries it.
pub(super) type Item = HashMap<String, AttributeValue>;

pub(super) const PK: &str = "pk";
pub(super) const SK: &str = "sk";
pub(super) const GSI1: &str = "gsi1";
pub(super) const GSI1PK: &str = "gsi1pk";
pub(super) const GSI1SK: &str = "gsi1sk";
pub(super) const GSI2: &str = "gsi2";
pub(super) const GSI2PK: &str = "gsi2pk";
pub(super) const GSI2SK: &str = "gsi2sk";

/// The key attributes, which are not part of the records they index.
pub(super) const KEY_ATTRIBUTES: [&str; 6] = [PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK];

pub(super) const VISIT_SK: &str = "VISIT";
pub(super) const PATIENT_SK: &str = "PATIENT";
pub(super) const GUARD_SK: &str = "OPEN";
pub(super) const NOTICE_PREFIX: &str = "NOTICE#";
pub(super) const AUDIT_PREFIX: &str = "AUDIT#";
pub(super) const QUEUE: &str = "QUEUE";
pub(super) const PATIENTS: &str = "PATIENTS";

/// The guard's attribute naming the open visit.
pub(super) const GUARD_VISIT: &str = "visit_id";

/// The queue position of a submitted visit without a deadline (which the lifecycle never
/// makes): after every real one, as in the embedded store.
const NO_DEADLINE: &str = "9999-12-31T23:59:59.999999999Z";

/// The longest part of a name put in a sort key, well inside DynamoDB's 1 KiB limit; the
/// listing is sorted again in memory, so the cut never changes the order.
const NAME_KEY_CHARS: usize = 200;

pub(super) fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

/// A time as fixed-width UTC text, so times sort as strings.
pub(super) fn fixed_time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

pub(super) fn visit_pk(id: VisitId) -> String {
    format!("VISIT#{id}")
}

pub(super) fn patient_pk(id: &PatientId) -> String {
    format!("PATIENT#{id}")
}

/// The gsi2 partition of a patient's visits.
pub(super) fn patient_visits_partition(id: &PatientId) -> String {
    patient_pk(id)
}

/// The gsi2 partition of a patient's audit trail.
pub(super) fn patient_audit_partition(id: &PatientId) -> String {
    format!("AUDIT#{id}")
}

/// The gsi1 sort key of a submitted visit.
pub(super) fn queue_sk(id: VisitId, deadline: Option<Timestamp>) -> String {
    let deadline = deadline.map_or_else(|| NO_DEADLINE.to_owned(), fixed_time);
    format!("{deadline}#{id}")
}

/// The gsi1 sort key of a patient.
pub(super) fn name_sk(name: &str, id: &PatientId) -> String {
    let name: String = name
        .to_ascii_lowercase()
        .chars()
        .take(NAME_KEY_CHARS)
        .collect();
    format!("{name}#{id}")
}

/// The primary key of an item.
pub(super) fn key(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

/// Where a queue page ends: the key attributes of its last visit in gsi1.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueKey {
    pk: String,
    sk: String,
    gsi1pk: String,
    gsi1sk: String,
}

/// The opaque cursor after a queue item: base64url of its four key attributes as JSON.
pub(super) fn encode_cursor(item: &Item) -> Option<String> {
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    let key = QueueKey {
        pk: text(PK)?,
        sk: text(SK)?,
        gsi1pk: text(GSI1PK)?,
        gsi1sk: text(GSI1SK)?,
    };
    let json = serde_json::to_vec(&key).ok()?;
    Some(URL_SAFE_NO_PAD.encode(json))
}

/// The inverse of [`encode_cursor`], as an `ExclusiveStartKey`; `None` for anything it
/// could not have produced, so a forged key never reaches DynamoDB.
pub(super) fn decode_cursor(cursor: &str) -> Option<Item> {
    let json = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let key: QueueKey = serde_json::from_slice(&json).ok()?;

    let id = VisitId::parse(key.pk.strip_prefix("VISIT#")?)?;
    let (deadline, tail) = key.gsi1sk.rsplit_once('#')?;
    let well_formed = key.sk == VISIT_SK
        && key.gsi1pk == QUEUE
        && tail == id.to_string()
        && (deadline == NO_DEADLINE || deadline.parse::<Timestamp>().is_ok());
    if !well_formed {
        return None;
    }

    Some(HashMap::from([
        (PK.to_owned(), s(key.pk)),
        (SK.to_owned(), s(key.sk)),
        (GSI1PK.to_owned(), s(key.gsi1pk)),
        (GSI1SK.to_owned(), s(key.gsi1sk)),
    ]))
}
