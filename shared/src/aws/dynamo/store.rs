//! The [`VisitStore`] operations over the table.

use super::keys::{self, Item, s};
use super::requests::{QuerySpec, TransactError, built, failed};
use super::{DynamoStore, items};
use crate::audit::AuditEvent;
use crate::aws::sdk_error;
use crate::ids::{PatientId, VisitId};
use crate::patient::Patient;
use crate::ports::{NoticeRecord, PortError, QueuePage, VisitStore, WriteError};
use crate::visit::Visit;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{
    CancellationReason, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};
use jiff::Timestamp;

impl DynamoStore {
    /// Saves a visit with its guard in step; see the module documentation.
    async fn save_with_guard(&self, next: &Visit, previous: u64) -> Result<(), WriteError> {
        let id = s(next.id.to_string());
        let visit = self.put_over(items::visit(next)?, previous)?;
        let guard = if next.status.is_open() {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(items::guard(&next.patient_id, next.id)))
                .condition_expression("attribute_not_exists(#p) OR #visit = :visit")
                .expression_attribute_names("#p", keys::PK)
                .expression_attribute_names("#visit", keys::GUARD_VISIT)
                .expression_attribute_values(":visit", id);
            TransactWriteItem::builder()
                .put(built(put.build())?)
                .build()
        } else {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(keys::key(
                    keys::patient_pk(&next.patient_id),
                    keys::GUARD_SK,
                )))
                .condition_expression("#visit = :visit")
                .expression_attribute_names("#visit", keys::GUARD_VISIT)
                .expression_attribute_values(":visit", id);
            TransactWriteItem::builder()
                .delete(built(delete.build())?)
                .build()
        };
        let actions = vec![
            TransactWriteItem::builder().put(visit.clone()).build(),
            guard,
        ];

        match self.transact(actions, "saving a visit").await {
            Ok(()) => Ok(()),
            Err(TransactError::Port(e)) => Err(e.into()),
            Err(TransactError::Refused(reasons)) if failed(&reasons, 0) => {
                Err(WriteError::Conflict)
            }
            // Reopening while another visit of the patient is open: refused, as the guard is
            // there for.
            Err(TransactError::Refused(_)) if next.status.is_open() => Err(WriteError::Conflict),
            Err(TransactError::Refused(_)) => {
                // A closed visit whose guard is not its own: it was closed already, so there is
                // no guard of its own to release; the version condition alone decides.
                let alone = vec![TransactWriteItem::builder().put(visit).build()];
                match self.transact(alone, "saving a visit").await {
                    Ok(()) => Ok(()),
                    Err(TransactError::Refused(_)) => Err(WriteError::Conflict),
                    Err(TransactError::Port(e)) => Err(e.into()),
                }
            }
        }
    }

    /// The open visit a failed guard named, or the guard as it is now.
    async fn open_visit_of(
        &self,
        patient: &PatientId,
        reasons: &[CancellationReason],
    ) -> Result<Option<VisitId>, PortError> {
        if let Some(id) = reasons
            .get(1)
            .and_then(|r| r.item())
            .and_then(items::guarded_visit)
        {
            return Ok(Some(id));
        }
        let key = keys::key(keys::patient_pk(patient), keys::GUARD_SK);
        let guard = self.get(key, "reading the open-visit guard").await?;
        Ok(guard.as_ref().and_then(items::guarded_visit))
    }
}

/// Behaves as the embedded store does; see its documentation. `queue` returns
/// [`WriteError::Conflict`] for a cursor it did not issue and treats a `limit` of 0 as 1.
#[async_trait]
impl VisitStore for DynamoStore {
    async fn create_visit(&self, visit: &Visit) -> Result<(), WriteError> {
        let item = items::visit(visit)?;
        if !visit.status.is_open() {
            // A closed visit needs no guard.
            return match self.put_new(item, "creating a visit").await? {
                true => Ok(()),
                false => Err(WriteError::Conflict),
            };
        }

        let new_visit = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#p)")
            .expression_attribute_names("#p", keys::PK);
        let guard = Put::builder()
            .table_name(&self.table)
            .set_item(Some(items::guard(&visit.patient_id, visit.id)))
            .condition_expression("attribute_not_exists(#p)")
            .expression_attribute_names("#p", keys::PK)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let actions = vec![
            TransactWriteItem::builder()
                .put(built(new_visit.build())?)
                .build(),
            TransactWriteItem::builder()
                .put(built(guard.build())?)
                .build(),
        ];

        match self.transact(actions, "creating a visit").await {
            Ok(()) => Ok(()),
            Err(TransactError::Port(e)) => Err(e.into()),
            Err(TransactError::Refused(reasons)) if failed(&reasons, 1) => {
                // The guard is taken: name the visit holding it. Should it have closed in the
                // meantime, the caller may simply try again.
                match self.open_visit_of(&visit.patient_id, &reasons).await? {
                    Some(open) => Err(WriteError::OpenVisitExists(open)),
                    None => Err(WriteError::Conflict),
                }
            }
            // The visit id is taken.
            Err(TransactError::Refused(_)) => Err(WriteError::Conflict),
        }
    }

    async fn visit(&self, id: VisitId) -> Result<Option<Visit>, PortError> {
        let key = keys::key(keys::visit_pk(id), keys::VISIT_SK);
        let item = self.get(key, "reading a visit").await?;
        item.map(|item| items::decode(item, "decoding a visit"))
            .transpose()
    }

    async fn save_visit(&self, next: &Visit) -> Result<(), WriteError> {
        // Version 0 has no predecessor, so nothing can be stored over it.
        let Some(previous) = next.version.checked_sub(1) else {
            return Err(WriteError::Conflict);
        };
        self.save_with_guard(next, previous).await
    }

    async fn queue(&self, limit: usize, cursor: Option<&str>) -> Result<QueuePage, WriteError> {
        let mut start = match cursor {
            Some(text) => Some(keys::decode_cursor(text).ok_or(WriteError::Conflict)?),
            None => None,
        };
        let limit = limit.clamp(1, 10_000);

        // One item more than asked tells whether another page exists, so the last page never
        // carries a cursor to an empty one. A page of DynamoDB's may stop short (1 MB), so
        // read on until there are enough or no more.
        let mut found: Vec<Item> = Vec::new();
        loop {
            let wanted = i32::try_from(limit + 1 - found.len()).unwrap_or(i32::MAX);
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("#p = :p")
                .expression_attribute_names("#p", keys::GSI1PK)
                .expression_attribute_values(":p", s(keys::QUEUE))
                .limit(wanted)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error("reading the queue"))?;

            start = page.last_evaluated_key;
            found.extend(page.items.unwrap_or_default());
            if found.len() > limit || start.is_none() {
                break;
            }
        }

        let more = found.len() > limit;
        found.truncate(limit);
        let next_cursor = match (more, found.last()) {
            (true, Some(last)) => Some(keys::encode_cursor(last).ok_or_else(|| {
                PortError::new("reading the queue", "a queue item without its keys")
            })?),
            _ => None,
        };
        let visits = found
            .into_iter()
            .map(|item| items::decode(item, "decoding a visit"))
            .collect::<Result<Vec<Visit>, PortError>>()?;
        Ok(QueuePage {
            visits,
            next_cursor,
        })
    }

    async fn visits_of(&self, patient: &PatientId) -> Result<Vec<Visit>, PortError> {
        let items = self
            .query_all(QuerySpec {
                index: Some(keys::GSI2),
                partition: (keys::GSI2PK, keys::patient_visits_partition(patient)),
                sort_prefix: None,
                newest_first: true,
                context: "reading a patient's visits",
            })
            .await?;
        items
            .into_iter()
            .map(|item| items::decode(item, "decoding a visit"))
            .collect()
    }

    async fn create_patient(&self, patient: &Patient) -> Result<(), WriteError> {
        match self
            .put_new(items::patient(patient)?, "creating a patient")
            .await?
        {
            true => Ok(()),
            false => Err(WriteError::AlreadyExists),
        }
    }

    async fn patient(&self, id: &PatientId) -> Result<Option<Patient>, PortError> {
        let key = keys::key(keys::patient_pk(id), keys::PATIENT_SK);
        let item = self.get(key, "reading a patient").await?;
        item.map(|item| items::decode(item, "decoding a patient"))
            .transpose()
    }

    async fn save_patient(&self, patient: &Patient) -> Result<(), PortError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(items::patient(patient)?))
            .send()
            .await
            .map_err(sdk_error("saving a patient"))?;
        Ok(())
    }

    async fn patients(&self) -> Result<Vec<Patient>, PortError> {
        let items = self
            .query_all(QuerySpec {
                index: Some(keys::GSI1),
                partition: (keys::GSI1PK, keys::PATIENTS.to_owned()),
                sort_prefix: None,
                newest_first: false,
                context: "listing patients",
            })
            .await?;
        let mut patients = items
            .into_iter()
            .map(|item| items::decode(item, "decoding a patient"))
            .collect::<Result<Vec<Patient>, PortError>>()?;

        // Exactly the embedded store's order (ASCII case-insensitive, then exact, then id),
        // which the index key only approximates for names that differ past the cut.
        patients.sort_by(|a, b| {
            let key = |p: &Patient| (p.name.to_ascii_lowercase(), p.name.clone(), p.id.clone());
            key(a).cmp(&key(b))
        });
        Ok(patients)
    }

    async fn append_audit(&self, event: &AuditEvent) -> Result<(), PortError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(items::audit(event, Timestamp::now())?))
            .send()
            .await
            .map_err(sdk_error("appending an audit event"))?;
        Ok(())
    }

    async fn audit_of_visit(&self, visit: VisitId) -> Result<Vec<AuditEvent>, PortError> {
        let items = self
            .query_all(QuerySpec {
                index: None,
                partition: (keys::PK, keys::visit_pk(visit)),
                sort_prefix: Some(keys::AUDIT_PREFIX),
                newest_first: false,
                context: "reading the audit trail",
            })
            .await?;
        items
            .into_iter()
            .map(|item| items::decode(item, "decoding an audit event"))
            .collect()
    }

    async fn claim_notice(
        &self,
        visit: VisitId,
        key: &str,
        at: Timestamp,
    ) -> Result<bool, PortError> {
        let item = items::notice(visit, key, at, Timestamp::now());
        self.put_new(item, "claiming a notice").await
    }

    async fn release_notice(&self, visit: VisitId, key: &str) -> Result<(), PortError> {
        let sk = format!("{}{key}", keys::NOTICE_PREFIX);
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::key(keys::visit_pk(visit), sk)))
            .send()
            .await
            .map_err(sdk_error("releasing a notice"))?;
        Ok(())
    }

    async fn notices(&self, visit: VisitId) -> Result<Vec<NoticeRecord>, PortError> {
        let items = self
            .query_all(QuerySpec {
                index: None,
                partition: (keys::PK, keys::visit_pk(visit)),
                sort_prefix: Some(keys::NOTICE_PREFIX),
                newest_first: false,
                context: "reading notices",
            })
            .await?;
        let mut notices = items
            .iter()
            .map(items::decode_notice)
            .collect::<Result<Vec<_>, PortError>>()?;

        // The sort key orders by notice key; the record's order is by time, then by claim.
        notices.sort_by(|(a, a_claimed), (b, b_claimed)| (a.at, a_claimed).cmp(&(b.at, b_claimed)));
        Ok(notices.into_iter().map(|(notice, _)| notice).collect())
    }
}
