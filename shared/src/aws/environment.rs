//! What a Lambda function reads at init: its settings from the environment (failing with a
//! message that names a missing variable) and one client per AWS service, built once and
//! shared by every invocation.

use super::cognito::CognitoDirectory;
use super::dynamo::DynamoStore;
use super::s3::S3Media;
use super::scheduler::EventBridgeScheduler;
use super::ses::SesNotifier;
use crate::calendar::CalendarSettings;
use crate::ports::{SystemClock, VisitStore};
use crate::services::Services;
use crate::settings::{Settings, SettingsError};
use std::sync::Arc;

/// The AWS resources the functions use, as the SAM template passes them.
pub const AWS_ENV_VARS: [&str; 8] = [
    "VISITS_TABLE",
    "MEDIA_BUCKET",
    "SENDER_EMAIL",
    "SCHEDULE_GROUP",
    "ALERT_FUNCTION_ARN",
    "SCHEDULER_ROLE_ARN",
    "ALERT_DEAD_LETTER_ARN",
    "USER_POOL_ID",
];

/// Why a function could not start.
#[derive(thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("the practice calendar is misconfigured: {0}")]
    Calendar(#[from] crate::calendar::CalendarError),
    #[error("{0}")]
    Adapter(String),
}

/// The runtime prints a failed init with `Debug`; the sentence that names the variable is
/// what an operator needs to read there.
impl std::fmt::Debug for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

fn required(name: &'static str) -> Result<String, SettingsError> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or(SettingsError::Missing(name))
}

/// Reads the environment and builds the services on AWS adapters. Called once per cold start.
pub async fn services_from_env() -> Result<Services, InitError> {
    let settings = Settings::from_env()?;
    let calendar = CalendarSettings::from_env().build()?;
    let table = required("VISITS_TABLE")?;
    let bucket = required("MEDIA_BUCKET")?;
    let sender = required("SENDER_EMAIL")?;
    let group = required("SCHEDULE_GROUP")?;
    let alert_arn = required("ALERT_FUNCTION_ARN")?;
    let role_arn = required("SCHEDULER_ROLE_ARN")?;
    let dead_letter_arn = std::env::var("ALERT_DEAD_LETTER_ARN")
        .ok()
        .filter(|v| !v.is_empty());
    let user_pool = required("USER_POOL_ID")?;

    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let s3_config = aws_sdk_s3::config::Builder::from(&config)
        .force_path_style(std::env::var("S3_FORCE_PATH_STYLE").is_ok_and(|v| v == "true"))
        .build();

    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), table);
    let scheduler = EventBridgeScheduler::new(
        aws_sdk_scheduler::Client::new(&config),
        group,
        alert_arn,
        role_arn,
        dead_letter_arn,
        calendar.zone_name(),
    )
    .map_err(|e| InitError::Adapter(e.to_string()))?;

    // One cheap read opens the connection to DynamoDB, which every function uses, so the
    // first request does not pay for the TLS handshake. A failure here is not fatal: the
    // request will try again and report properly.
    if let Err(error) = store.visit(crate::ids::VisitId::new()).await {
        tracing::warn!(%error, "warming the DynamoDB connection failed");
    }

    Ok(Services {
        store: Arc::new(store),
        media: Arc::new(S3Media::new(
            aws_sdk_s3::Client::from_conf(s3_config),
            bucket,
        )),
        notifier: Arc::new(SesNotifier::new(
            aws_sdk_sesv2::Client::new(&config),
            sender,
        )),
        scheduler: Arc::new(scheduler),
        identities: Arc::new(CognitoDirectory::new(
            aws_sdk_cognitoidentityprovider::Client::new(&config),
            user_pool,
        )),
        clock: Arc::new(SystemClock),
        calendar,
        settings,
    })
}
