//! The create-visit Lambda function: settings and AWS clients once at init, then every request to
//! the handler in the library.

use lambda_http::{Error, Request, run, service_fn};
use std::convert::Infallible;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let services = shared::aws::environment::services_from_env().await?;
    let services = &services;

    run(service_fn(move |request: Request| async move {
        Ok::<_, Infallible>(create_visit::handle(services, request).await)
    }))
    .await
}
