//! Cognito patient identities against moto: invited into the patient group, subject returned.

use shared::aws::cognito::CognitoDirectory;
use shared::http::PATIENT_GROUP;
use shared::ports::IdentityDirectory;
use visits_tests::servers::{moto, sdk_config, unique};

type Client = aws_sdk_cognitoidentityprovider::Client;

/// A fresh user pool with the patient group, a directory over it, a client and the pool's id.
async fn directory() -> (CognitoDirectory, Client, String) {
    let client = Client::new(&sdk_config(moto()).await);
    let pool = client
        .create_user_pool()
        .pool_name(unique("patients"))
        .send()
        .await
        .unwrap()
        .user_pool()
        .and_then(|pool| pool.id())
        .unwrap()
        .to_owned();
    client
        .create_group()
        .user_pool_id(&pool)
        .group_name(PATIENT_GROUP)
        .send()
        .await
        .unwrap();
    (CognitoDirectory::new(client.clone(), &pool), client, pool)
}

/// The `sub` attribute of the user `username`.
async fn sub_of(client: &Client, pool: &str, username: &str) -> String {
    let user = client
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .unwrap();
    user.user_attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .unwrap()
        .to_owned()
}

/// The groups the user `username` is in.
async fn groups_of(client: &Client, pool: &str, username: &str) -> Vec<String> {
    let groups = client
        .admin_list_groups_for_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .unwrap();
    groups
        .groups()
        .iter()
        .filter_map(|g| g.group_name().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_patient_is_invited_into_the_patient_group_and_their_subject_returned() {
    let (directory, client, pool) = directory().await;
    let email = "new-patient@patients.test";

    let id = directory.invite_patient(email).await.unwrap();

    assert_eq!(id.as_str(), sub_of(&client, &pool, email).await);
    assert_eq!(groups_of(&client, &pool, email).await, [PATIENT_GROUP]);
}

#[tokio::test]
async fn inviting_the_same_address_twice_returns_the_same_subject() {
    let (directory, _, _) = directory().await;
    let email = "twice@patients.test";

    let first = directory.invite_patient(email).await.unwrap();
    let second = directory.invite_patient(email).await.unwrap();

    assert_eq!(first, second);
}

#[tokio::test]
async fn an_identity_left_outside_the_patient_group_is_put_in_it_when_invited_again() {
    let (directory, client, pool) = directory().await;
    let email = "interrupted@patients.test";
    // As if an earlier invitation stopped between creating the user and adding the group.
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username(email)
        .send()
        .await
        .unwrap();

    let id = directory.invite_patient(email).await.unwrap();

    assert_eq!(id.as_str(), sub_of(&client, &pool, email).await);
    assert_eq!(groups_of(&client, &pool, email).await, [PATIENT_GROUP]);
}
