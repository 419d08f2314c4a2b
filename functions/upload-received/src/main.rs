//! The upload-received Lambda function: settings and AWS clients once at init, then every S3
//! notification to the handler. An error fails the invocation so Lambda retries it and, in
//! the end, sends it to the dead-letter queue.

use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::{Error, LambdaEvent, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let services = shared::aws::environment::services_from_env().await?;
    let services = &services;

    run(service_fn(move |event: LambdaEvent<S3Event>| async move {
        let outcomes = upload_received::handle(services, event.payload).await?;
        tracing::info!(?outcomes, "upload event handled");
        Ok::<_, Error>(())
    }))
    .await
}
