//! [`DynamoStore`]: the visit store in one DynamoDB table. No operation scans the table.
//!
//! ```text
//! Table: pk (S, partition), sk (S, sort); on-demand (PAY_PER_REQUEST).
//! gsi1: gsi1pk (S), gsi1sk (S), projection ALL; sparse, overloaded: the queue and the
//!       patient list.
//! gsi2: gsi2pk (S), gsi2sk (S), projection ALL; sparse, overloaded: a patient's visits
//!       and a patient's audit trail.
//!
//! item              pk               sk                          index attributes
//! ----------------  ---------------  --------------------------  ------------------------------
//! visit             VISIT#<id>       VISIT                       gsi2pk PATIENT#<patient id>
//!                                                                gsi2sk <created at>#<id>
//!                                                                while status = submitted only:
//!                                                                gsi1pk QUEUE
//!                                                                gsi1sk <deadline>#<id>
//! open-visit guard  PATIENT#<id>     OPEN                        (none); attribute visit_id
//! patient           PATIENT#<id>     PATIENT                     gsi1pk PATIENTS
//!                                                                gsi1sk <lowercased name>#<id>
//! notice            VISIT#<id>       NOTICE#<key>                (none); attributes key, at
//! audit event       VISIT#<id>, or   AUDIT#<at>#<written>#<uuid> gsi2pk AUDIT#<patient id>
//!                   PATIENT#<id>                                 gsi2sk <at>#<written>#<uuid>
//!                   for a refusal
//! ```
//!
//! Times in keys are fixed-width UTC (`2026-12-01T14:00:00.000000000Z`), so they sort as
//! text. Visits, patients and audit events are mapped with `serde_dynamo`; a visit's
//! `version` (N) and `status` (S) are top-level attributes, which the conditions use.
//!
//! Access patterns:
//! - a visit, a patient: GetItem, strongly consistent;
//! - the queue: Query gsi1 `QUEUE`, ascending, one page per call, with an opaque cursor
//!   (base64url of the JSON of the last item's four key attributes);
//! - a patient's visits: Query gsi2 `PATIENT#<id>`, descending (newest first);
//! - patients by name: Query gsi1 `PATIENTS` (sorted again in memory for exact ties);
//! - a visit's audit trail and notices: Query `VISIT#<id>` with `begins_with(sk, …)`;
//! - a patient's audit trail, refusals included: Query gsi2 `AUDIT#<patient id>`.
//!
//! Writes that must hold together are one transaction:
//! - creating an open visit puts the visit and the patient's guard, each only if absent;
//!   a failed guard names the open visit (`OpenVisitExists`);
//! - saving a visit puts it only over `version = next.version - 1`, and in the same
//!   transaction keeps the guard in step: put while the visit is open (only if absent or
//!   already this visit's), deleted (only if this visit's) when it closes.
//!
//! Index reads (queue, patient's visits, patients, patient's audit) are eventually
//! consistent on AWS: a write may take a moment to appear in them.

mod items;
mod keys;
mod requests;
mod store;
mod table;

pub use table::create_table;

use crate::audit::AuditEvent;
use crate::ids::PatientId;
use crate::ports::PortError;

/// Visits, patients, audit events and notices in one DynamoDB table (see the module
/// documentation for its design). Cloning shares the client.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoStore {
    /// A store over the table `table`, which must have the layout [`create_table`] makes.
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Creates the store's table; the same as the module's [`create_table`].
    pub async fn create_table(
        client: &aws_sdk_dynamodb::Client,
        table: &str,
    ) -> Result<(), PortError> {
        table::create_table(client, table).await
    }

    /// A patient's audit trail, oldest first, including refusals, which have no visit.
    pub async fn audit_of_patient(
        &self,
        patient: &PatientId,
    ) -> Result<Vec<AuditEvent>, PortError> {
        let items = self
            .query_all(requests::QuerySpec {
                index: Some(keys::GSI2),
                partition: (keys::GSI2PK, keys::patient_audit_partition(patient)),
                sort_prefix: None,
                newest_first: false,
                context: "reading a patient's audit trail",
            })
            .await?;
        items
            .into_iter()
            .map(|item| items::decode(item, "decoding an audit event"))
            .collect()
    }
}
