//! The api-docs Lambda function: serves the OpenAPI document; it needs no AWS client.

use lambda_http::{Error, Request, run, service_fn};
use std::convert::Infallible;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    run(service_fn(|request: Request| async move {
        Ok::<_, Infallible>(api_docs::handle(request).await)
    }))
    .await
}
