//! Records to items and back. Errors name what was being done, never the content.

use super::keys::{self, Item, s};
use crate::audit::AuditEvent;
use crate::ids::{PatientId, VisitId};
use crate::patient::Patient;
use crate::ports::{NoticeRecord, PortError};
use crate::visit::{Visit, VisitStatus};
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A record's attributes, with the given primary key.
fn record(
    value: &impl Serialize,
    pk: String,
    sk: String,
    context: &str,
) -> Result<Item, PortError> {
    let mut item: Item =
        serde_dynamo::to_item(value).map_err(|e| PortError::new(context.to_owned(), e))?;
    item.insert(keys::PK.to_owned(), s(pk));
    item.insert(keys::SK.to_owned(), s(sk));
    Ok(item)
}

/// A visit, in the queue index only while it is submitted.
pub(super) fn visit(visit: &Visit) -> Result<Item, PortError> {
    let mut item = record(
        visit,
        keys::visit_pk(visit.id),
        keys::VISIT_SK.to_owned(),
        "encoding a visit",
    )?;

    let created = format!("{}#{}", keys::fixed_time(visit.created_at()), visit.id);
    item.insert(
        keys::GSI2PK.to_owned(),
        s(keys::patient_visits_partition(&visit.patient_id)),
    );
    item.insert(keys::GSI2SK.to_owned(), s(created));

    if visit.status == VisitStatus::Submitted {
        let deadline = visit.due.map(|due| due.deadline);
        item.insert(keys::GSI1PK.to_owned(), s(keys::QUEUE));
        item.insert(
            keys::GSI1SK.to_owned(),
            s(keys::queue_sk(visit.id, deadline)),
        );
    }
    Ok(item)
}

/// The guard that says which visit of a patient is open.
pub(super) fn guard(patient: &PatientId, visit: VisitId) -> Item {
    let mut item = keys::key(keys::patient_pk(patient), keys::GUARD_SK);
    item.insert(keys::GUARD_VISIT.to_owned(), s(visit.to_string()));
    item
}

/// The visit a guard names, if it is one.
pub(super) fn guarded_visit(item: &Item) -> Option<VisitId> {
    let text = item.get(keys::GUARD_VISIT)?.as_s().ok()?;
    VisitId::parse(text)
}

/// A patient, listed by name in gsi1.
pub(super) fn patient(patient: &Patient) -> Result<Item, PortError> {
    let mut item = record(
        patient,
        keys::patient_pk(&patient.id),
        keys::PATIENT_SK.to_owned(),
        "encoding a patient",
    )?;
    item.insert(keys::GSI1PK.to_owned(), s(keys::PATIENTS));
    item.insert(
        keys::GSI1SK.to_owned(),
        s(keys::name_sk(&patient.name, &patient.id)),
    );
    Ok(item)
}

/// An audit event, under its visit (or its patient for a refusal) and in the patient's
/// trail in gsi2. `written` orders events recorded at the same instant as they were
/// appended; the random part keeps two appends from ever sharing a key.
pub(super) fn audit(event: &AuditEvent, written: Timestamp) -> Result<Item, PortError> {
    let pk = match event.visit_id {
        Some(visit) => keys::visit_pk(visit),
        None => keys::patient_pk(&event.patient_id),
    };
    let order = format!(
        "{}#{}#{}",
        keys::fixed_time(event.at),
        keys::fixed_time(written),
        uuid::Uuid::new_v4().simple()
    );
    let mut item = record(
        event,
        pk,
        format!("{}{order}", keys::AUDIT_PREFIX),
        "encoding an audit event",
    )?;
    item.insert(
        keys::GSI2PK.to_owned(),
        s(keys::patient_audit_partition(&event.patient_id)),
    );
    item.insert(keys::GSI2SK.to_owned(), s(order));
    Ok(item)
}

/// A claimed notice. `claimed` orders notices recorded for the same instant.
pub(super) fn notice(visit: VisitId, key: &str, at: Timestamp, claimed: Timestamp) -> Item {
    let mut item = keys::key(
        keys::visit_pk(visit),
        format!("{}{key}", keys::NOTICE_PREFIX),
    );
    item.insert("key".to_owned(), s(key));
    item.insert("at".to_owned(), s(keys::fixed_time(at)));
    item.insert("claimed".to_owned(), s(keys::fixed_time(claimed)));
    item
}

/// A notice record and its claim time, for ordering.
pub(super) fn decode_notice(item: &Item) -> Result<(NoticeRecord, String), PortError> {
    let text = |name: &str| {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .ok_or_else(|| PortError::new("decoding a notice", format!("no `{name}` attribute")))
    };
    let at = text("at")?
        .parse::<Timestamp>()
        .map_err(|e| PortError::new("decoding a notice", e))?;
    let claimed = text("claimed").unwrap_or_default();
    Ok((
        NoticeRecord {
            key: text("key")?,
            at,
        },
        claimed,
    ))
}

/// A record from its item, without the key attributes, which are not part of it.
pub(super) fn decode<T: DeserializeOwned>(mut item: Item, context: &str) -> Result<T, PortError> {
    for name in keys::KEY_ATTRIBUTES {
        item.remove(name);
    }
    // serde's messages may quote the offending value, which can be PHI: keep only the fact.
    serde_dynamo::from_item(item)
        .map_err(|_| PortError::new(context.to_owned(), "the item does not match the record"))
}
