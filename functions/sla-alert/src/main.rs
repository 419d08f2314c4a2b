//! The sla-alert Lambda function, the Scheduler's target: settings and AWS clients once at
//! init, then every schedule's payload to the handler. An error fails the invocation so the
//! Scheduler retries it and, in the end, sends it to the dead-letter queue.

use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use shared::ports::{AlertKind, AlertPayload};
use sla_alert::Outcome;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let services = shared::aws::environment::services_from_env().await?;
    let namespace = std::env::var("METRICS_NAMESPACE").unwrap_or_else(|_| "AsyncVisits".into());
    let (services, namespace) = (&services, namespace.as_str());

    run(service_fn(
        move |event: LambdaEvent<AlertPayload>| async move {
            let alert = event.payload.alert;
            let outcome = sla_alert::handle(services, event.payload).await?;
            tracing::info!(?outcome, alert = alert.as_str(), "alert handled");

            // The overdue alarm counts these; CloudWatch reads the metric from the log line.
            if outcome == Outcome::Sent && alert == AlertKind::Overdue {
                println!(
                    "{}",
                    sla_alert::overdue_metric(namespace, jiff::Timestamp::now())
                );
            }
            Ok::<_, Error>(())
        },
    ))
    .await
}
