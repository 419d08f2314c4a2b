//! [`SesNotifier`]: mail through SES v2's SendEmail, as plain text.
//!
//! The messages are PHI-free by construction (see [`crate::notice`]); the recipient's address
//! still is PHI for a patient, so nothing here logs it, nor the subject or body.

use crate::aws::sdk_error;
use crate::notice::Mail;
use crate::ports::{Notifier, PortError};
use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

/// The character set of every subject and body.
const CHARSET: &str = "UTF-8";

/// Sends mail from one verified sender address.
#[derive(Clone, Debug)]
pub struct SesNotifier {
    client: Client,
    from: String,
}

impl SesNotifier {
    /// A notifier sending from `from`, an address (or an address in a domain) verified in SES.
    pub fn new(client: Client, from: impl Into<String>) -> Self {
        Self {
            client,
            from: from.into(),
        }
    }
}

/// SES text content in [`CHARSET`].
fn content(data: &str) -> Result<Content, PortError> {
    Content::builder()
        .data(data)
        .charset(CHARSET)
        .build()
        .map_err(|error| PortError::new("building a mail", error))
}

/// A failed SendEmail as a port error. SES's messages can quote the recipient ("the
/// following identities failed the check: …"), so a refusal keeps only its error code.
fn send_error(error: SdkError<SendEmailError>) -> PortError {
    match error.as_service_error() {
        Some(refusal) => PortError::new(
            "sending a mail",
            format!(
                "SES refused it: {}",
                refusal.code().unwrap_or("no error code")
            ),
        ),
        None => sdk_error("sending a mail")(error),
    }
}

#[async_trait]
impl Notifier for SesNotifier {
    async fn send(&self, mail: &Mail) -> Result<(), PortError> {
        let message = Message::builder()
            .subject(content(&mail.subject)?)
            .body(Body::builder().text(content(&mail.body)?).build())
            .build();
        let destination = Destination::builder().to_addresses(&mail.to).build();

        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(destination)
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(send_error)?;

        // The template and audience only: the address, subject and body stay out of logs.
        tracing::info!(template = mail.template.name(), audience = ?mail.audience, "mail sent");
        Ok(())
    }
}
