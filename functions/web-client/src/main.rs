//! The web-client Lambda function: serves the patient portal and the physician's web client;
//! it needs no AWS client.

use lambda_http::{Error, Request, run, service_fn};
use std::convert::Infallible;
use web_client::WebConfig;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    // A missing variable stops the function at its cold start, where the message is logged,
    // rather than serving pages that cannot sign anyone in.
    let config: &'static WebConfig = Box::leak(Box::new(WebConfig::from_env()?));
    run(service_fn(move |request: Request| async move {
        Ok::<_, Infallible>(web_client::handle_request(config, &request))
    }))
    .await
}
