//! [`CognitoDirectory`]: patient identities in the Cognito user pool.
//!
//! A new patient is created by the administrator with a verified email, so Cognito mails the
//! invitation with a temporary password, and is put in the patient group. The identity's
//! `sub` becomes the patient's id. A patient's address is PHI: nothing here logs it, and a
//! refusal from Cognito keeps only its error code, since its message may quote the address.

use crate::aws::sdk_error;
use crate::http::PATIENT_GROUP;
use crate::ids::PatientId;
use crate::ports::{IdentityDirectory, PortError};
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType};

/// The attribute that holds an identity's subject.
const SUB: &str = "sub";

/// Patient identities in one Cognito user pool.
#[derive(Clone, Debug)]
pub struct CognitoDirectory {
    client: Client,
    user_pool_id: String,
}

impl CognitoDirectory {
    /// A directory over the user pool `user_pool_id`.
    pub fn new(client: Client, user_pool_id: impl Into<String>) -> Self {
        Self {
            client,
            user_pool_id: user_pool_id.into(),
        }
    }

    /// Creates the identity and has Cognito mail the invitation. Returns the user's name and
    /// attributes, or `None` if the address has an identity already.
    async fn create(&self, email: &str) -> Result<Option<(String, Vec<AttributeType>)>, PortError> {
        let result = self
            .client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(email)
            .user_attributes(attribute("email", email)?)
            // The practice knows the address already; the invitation itself proves it.
            .user_attributes(attribute("email_verified", "true")?)
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await;

        match result {
            Ok(output) => {
                let user = output.user();
                let name = user.and_then(|u| u.username()).unwrap_or(email).to_owned();
                let attributes = user.map(|u| u.attributes().to_vec()).unwrap_or_default();
                Ok(Some((name, attributes)))
            }
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_username_exists_exception()) =>
            {
                Ok(None)
            }
            Err(error) => Err(refusal("inviting a patient", error)),
        }
    }

    /// The user's name and attributes of the existing identity of `email`.
    async fn existing(&self, email: &str) -> Result<(String, Vec<AttributeType>), PortError> {
        let output = self
            .client
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(email)
            .send()
            .await
            .map_err(|error| refusal("reading an existing patient identity", error))?;
        Ok((
            output.username().to_owned(),
            output.user_attributes().to_vec(),
        ))
    }
}

#[async_trait]
impl IdentityDirectory for CognitoDirectory {
    async fn invite_patient(&self, email: &str) -> Result<PatientId, PortError> {
        let (username, attributes) = match self.create(email).await? {
            Some(created) => created,
            None => self.existing(email).await?,
        };

        let sub = attributes
            .iter()
            .find(|a| a.name() == SUB)
            .and_then(AttributeType::value)
            .ok_or_else(|| PortError::new("inviting a patient", "the identity has no sub"))?;
        let id = PatientId::parse(sub).ok_or_else(|| {
            PortError::new(
                "inviting a patient",
                "the identity's sub is not a patient id",
            )
        })?;

        // Also for an identity that existed: an invitation interrupted between the two calls
        // is completed by the retry. Adding a member again changes nothing.
        self.client
            .admin_add_user_to_group()
            .user_pool_id(&self.user_pool_id)
            .username(&username)
            .group_name(PATIENT_GROUP)
            .send()
            .await
            .map_err(|error| refusal("adding a patient to the patient group", error))?;

        tracing::info!(patient = %id, "patient identity ready");
        Ok(id)
    }
}

/// A user attribute.
fn attribute(name: &str, value: &str) -> Result<AttributeType, PortError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|error| PortError::new("building a user attribute", error))
}

/// A failed call as a port error: a refusal keeps only its error code, since Cognito's
/// messages may quote the username, which is the patient's address.
fn refusal<E>(context: &'static str, error: SdkError<E>) -> PortError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match error.as_service_error() {
        Some(service) => PortError::new(
            context,
            format!(
                "Cognito refused it: {}",
                service.code().unwrap_or("no error code")
            ),
        ),
        None => sdk_error(context)(error),
    }
}
