//! Creating the table, for tests and local stacks; the SAM template declares the same one.

use super::keys;
use crate::aws::sdk_error;
use crate::ports::PortError;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use std::time::Duration;

/// How long a new table may take to become active.
const MAX_WAIT: Duration = Duration::from_secs(300);

fn built<T>(
    result: Result<T, aws_smithy_types::error::operation::BuildError>,
) -> Result<T, PortError> {
    result.map_err(|e| PortError::new("describing the table", e))
}

fn attribute(name: &str) -> Result<AttributeDefinition, PortError> {
    built(
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build(),
    )
}

fn key_schema(partition: &str, sort: &str) -> Result<Vec<KeySchemaElement>, PortError> {
    let element = |name: &str, kind: KeyType| {
        built(
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build(),
        )
    };
    Ok(vec![
        element(partition, KeyType::Hash)?,
        element(sort, KeyType::Range)?,
    ])
}

fn index(name: &str, partition: &str, sort: &str) -> Result<GlobalSecondaryIndex, PortError> {
    built(
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .set_key_schema(Some(key_schema(partition, sort)?))
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build(),
    )
}

/// Creates the store's table (on-demand, with `gsi1` and `gsi2`) and waits until it is
/// active. Fails if a table of that name exists.
pub async fn create_table(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<(), PortError> {
    let attributes = keys::KEY_ATTRIBUTES
        .into_iter()
        .map(attribute)
        .collect::<Result<Vec<_>, _>>()?;

    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(keys::PK, keys::SK)?))
        .global_secondary_indexes(index(keys::GSI1, keys::GSI1PK, keys::GSI1SK)?)
        .global_secondary_indexes(index(keys::GSI2, keys::GSI2PK, keys::GSI2SK)?)
        .send()
        .await
        .map_err(sdk_error("creating the table"))?;

    client
        .wait_until_table_exists()
        .table_name(table)
        .wait(MAX_WAIT)
        .await
        .map_err(sdk_error("waiting for the table"))?;
    Ok(())
}
