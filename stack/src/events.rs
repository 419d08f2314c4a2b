//! The stack raises the same events AWS would: a finished upload becomes an S3
//! `ObjectCreated` notification and a due timer becomes a Scheduler invocation, handed to the
//! same handlers the Lambda functions run.

use aws_lambda_events::event::s3::S3Event;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;
use shared::embedded::ObjectCreated;

/// The bucket name the local events report.
pub const LOCAL_BUCKET: &str = "async-visits-local-media";

/// S3 encodes keys in notifications like a form value: `/` is encoded too, space is `+`.
const KEY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'*');

/// The S3 notification for an object the local media store wrote.
pub fn s3_event(created: &ObjectCreated) -> S3Event {
    let key = utf8_percent_encode(created.key.as_str(), KEY_ENCODE)
        .to_string()
        .replace("%20", "+");
    let sequencer = format!("{:016X}", created.at.as_nanosecond());
    let value = json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "local",
            "eventTime": created.at.to_string(),
            "eventName": created.event_name,
            "userIdentity": { "principalId": "local" },
            "requestParameters": { "sourceIPAddress": "127.0.0.1" },
            "responseElements": {
                "x-amz-request-id": sequencer,
                "x-amz-id-2": "local"
            },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "upload-received",
                "bucket": {
                    "name": LOCAL_BUCKET,
                    "ownerIdentity": { "principalId": "local" },
                    "arn": format!("arn:aws:s3:::{LOCAL_BUCKET}")
                },
                "object": {
                    "key": key,
                    "size": created.size,
                    "eTag": created.etag.trim_matches('"'),
                    "sequencer": sequencer
                }
            }
        }]
    });
    serde_json::from_value(value).expect("the local S3 event matches the S3 event shape")
}
