//! Adapters over the official AWS SDK, one per port: DynamoDB for the visit store, S3 for
//! media, SES v2 for mail, EventBridge Scheduler for timed alerts, and Cognito for patient
//! identities. Compiled with the crate feature `aws`; the Lambda functions enable it.

pub mod cognito;
pub mod dynamo;
pub mod environment;
pub mod s3;
pub mod scheduler;
pub mod ses;

use crate::ports::PortError;

/// Wraps an SDK error with what was being attempted, keeping the whole cause chain for logs.
pub(crate) fn sdk_error<E>(context: &'static str) -> impl FnOnce(E) -> PortError
where
    E: std::error::Error + Send + Sync + 'static,
{
    move |error| {
        PortError::new(
            context,
            aws_smithy_types::error::display::DisplayErrorContext(error).to_string(),
        )
    }
}
