//! SES v2 mail against moto: what is sent is what was rendered, and nothing else.

use serde_json::Value;
use shared::aws::ses::SesNotifier;
use shared::notice::{Mail, Template};
use shared::ports::Notifier;
use visits_tests::servers::{moto, sdk_config, unique};

/// Where the test mails point their readers.
const PORTAL: &str = "https://portal.practice.test";

/// An SES client on moto.
async fn client() -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::new(&sdk_config(moto()).await)
}

/// A notifier sending from a fresh address, verified in SES, and that address.
async fn notifier() -> (SesNotifier, String) {
    let client = client().await;
    let from = format!("{}@practice.test", unique("sender"));
    client
        .create_email_identity()
        .email_identity(&from)
        .send()
        .await
        .unwrap();
    (SesNotifier::new(client, &from), from)
}

/// The messages moto recorded as sent from `from`, oldest first.
async fn sent_from(from: &str) -> Vec<Value> {
    let data: Value = reqwest::get(format!("{}/moto-api/data.json", moto()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    data["ses"]["Message"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|message| message["source"] == from)
        .collect()
}

/// Every template, with a due date where it has one.
fn every_template() -> Vec<Template> {
    let due = || "Wednesday, December 2, 2026 at 5:00 PM EST".to_owned();
    vec![
        Template::NewVisitWaiting { due: due() },
        Template::UploadReceived { due: due() },
        Template::UploadRejected,
        Template::ReminderDue { due: due() },
        Template::Overdue,
        Template::ResponseWaiting,
        Template::QuestionsWaiting,
        Template::CrisisAlert,
    ]
}

#[tokio::test]
async fn a_mail_is_sent_with_its_subject_and_body_as_rendered() {
    let (notifier, from) = notifier().await;
    // Not ASCII, so a wrong character set would show.
    let template = Template::UploadReceived {
        due: "mercredi 2 décembre 2026 à 17 h".to_owned(),
    };
    let mail = Mail::render(template, "patient-1@patients.test", PORTAL);

    notifier.send(&mail).await.unwrap();

    let sent = sent_from(&from).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["subject"], mail.subject.as_str());
    assert_eq!(sent[0]["body"], mail.body.as_str());
    assert_eq!(
        sent[0]["destinations"]["ToAddresses"],
        serde_json::json!(["patient-1@patients.test"])
    );
}

#[tokio::test]
async fn a_sent_mail_carries_no_phi() {
    let (notifier, from) = notifier().await;
    let to = "patient-phi@patients.test";

    for template in every_template() {
        notifier
            .send(&Mail::render(template, to, PORTAL))
            .await
            .unwrap();
    }

    // The templates take no name or intake; what could still leak is an address, a media key
    // or a link to media, and the recipient's address belongs only in the destination.
    let sent = sent_from(&from).await;
    assert_eq!(sent.len(), every_template().len());
    for message in &sent {
        assert_eq!(
            message["destinations"]["ToAddresses"],
            serde_json::json!([to])
        );
        for text in [&message["subject"], &message["body"]] {
            let text = text.as_str().unwrap().to_lowercase();
            assert!(!text.contains('@'), "an address in {text:?}");
            assert!(!text.contains("uploads/"), "a media key in {text:?}");
            assert!(!text.contains("media"), "a media reference in {text:?}");
        }
    }
}

#[tokio::test]
async fn an_unverified_sender_is_an_error() {
    let notifier = SesNotifier::new(
        client().await,
        format!("{}@practice.test", unique("nobody")),
    );
    let mail = Mail::render(Template::Overdue, "physician@practice.test", PORTAL);

    let result = notifier.send(&mail).await;

    assert!(result.is_err());
}

#[tokio::test]
async fn a_refused_mail_keeps_every_address_out_of_the_error() {
    let sender = format!("{}@practice.test", unique("nobody"));
    let notifier = SesNotifier::new(client().await, &sender);
    let mail = Mail::render(Template::ResponseWaiting, "patient-2@patients.test", PORTAL);

    let error = notifier.send(&mail).await.unwrap_err();

    // moto's refusal quotes the sender, and SES's can quote the recipient; the error goes to
    // logs, where a patient's address must never be.
    let text = format!("{error} {error:?}");
    assert!(!text.contains('@'), "an address in {text}");
}
