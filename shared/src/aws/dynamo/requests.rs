//! The requests the store's operations share: queries read to their end, transactions
//! that retry a collision, strongly consistent reads and conditional puts.

use super::DynamoStore;
use super::keys::{self, Item, s};
use crate::aws::sdk_error;
use crate::ports::PortError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason, Put, TransactWriteItem};
use std::time::Duration;

/// The cancellation code of a condition that did not hold.
const CONDITION_FAILED: &str = "ConditionalCheckFailed";
/// The cancellation code of a transaction that collided with another on the same items.
const TRANSACTION_CONFLICT: &str = "TransactionConflict";
/// How many times a transaction that collided with another is tried.
const TRANSACTION_ATTEMPTS: u32 = 3;

/// One Query, read to its end.
pub(super) struct QuerySpec {
    pub index: Option<&'static str>,
    /// The partition key attribute and its value.
    pub partition: (&'static str, String),
    /// A `begins_with` condition on `sk`.
    pub sort_prefix: Option<&'static str>,
    pub newest_first: bool,
    pub context: &'static str,
}

/// Why a transaction wrote nothing.
pub(super) enum TransactError {
    /// A condition did not hold; one reason per action, in order.
    Refused(Vec<CancellationReason>),
    Port(PortError),
}

impl From<PortError> for TransactError {
    fn from(error: PortError) -> Self {
        Self::Port(error)
    }
}

/// Whether the `index`th action of a cancelled transaction failed its condition.
pub(super) fn failed(reasons: &[CancellationReason], index: usize) -> bool {
    reasons.get(index).and_then(|r| r.code()) == Some(CONDITION_FAILED)
}

/// A request part the SDK refused to build (a required field missing) as a port error.
pub(super) fn built<T>(
    result: Result<T, aws_smithy_types::error::operation::BuildError>,
) -> Result<T, PortError> {
    result.map_err(|e| PortError::new("building a request", e))
}

impl DynamoStore {
    /// Every item a query matches, following `LastEvaluatedKey` to the last page.
    pub(super) async fn query_all(&self, spec: QuerySpec) -> Result<Vec<Item>, PortError> {
        let (attribute, value) = spec.partition;
        let condition = match spec.sort_prefix {
            Some(_) => "#p = :p AND begins_with(#s, :s)",
            None => "#p = :p",
        };

        let mut found = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(spec.index.map(str::to_owned))
                .key_condition_expression(condition)
                .expression_attribute_names("#p", attribute)
                .expression_attribute_values(":p", s(value.clone()))
                .scan_index_forward(!spec.newest_first)
                .set_exclusive_start_key(start);
            if let Some(prefix) = spec.sort_prefix {
                query = query
                    .expression_attribute_names("#s", keys::SK)
                    .expression_attribute_values(":s", s(prefix));
            }
            let page = query.send().await.map_err(sdk_error(spec.context))?;

            start = page.last_evaluated_key.clone();
            found.extend(page.items.unwrap_or_default());
            if start.is_none() {
                return Ok(found);
            }
        }
    }

    /// Runs a transaction, trying again when it only collided with another one.
    pub(super) async fn transact(
        &self,
        actions: Vec<TransactWriteItem>,
        context: &'static str,
    ) -> Result<(), TransactError> {
        let mut attempt = 1;
        loop {
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(actions.clone()))
                .send()
                .await;
            let error = match sent {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };

            let reasons = match error.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
                    Some(e.cancellation_reasons().to_vec())
                }
                _ => None,
            };
            let Some(reasons) = reasons else {
                return Err(sdk_error(context)(error).into());
            };
            if reasons.iter().any(|r| r.code() == Some(CONDITION_FAILED)) {
                return Err(TransactError::Refused(reasons));
            }
            let collided = reasons
                .iter()
                .any(|r| r.code() == Some(TRANSACTION_CONFLICT));
            if !collided || attempt >= TRANSACTION_ATTEMPTS {
                return Err(sdk_error(context)(error).into());
            }

            // Another transaction held one of the items: it finishes within milliseconds.
            tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt))).await;
            attempt += 1;
        }
    }

    /// Reads one item, strongly consistent.
    pub(super) async fn get(
        &self,
        key: Item,
        context: &'static str,
    ) -> Result<Option<Item>, PortError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error(context))?;
        Ok(output.item)
    }

    /// Puts an item only if none has its key; `false` if one had.
    pub(super) async fn put_new(
        &self,
        item: Item,
        context: &'static str,
    ) -> Result<bool, PortError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#p)")
            .expression_attribute_names("#p", keys::PK)
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_error(context)(e)),
        }
    }

    /// A put of `item` only over the stored `version`.
    pub(super) fn put_over(&self, item: Item, version: u64) -> Result<Put, PortError> {
        built(
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("#v = :v")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":v", AttributeValue::N(version.to_string()))
                .build(),
        )
    }
}
