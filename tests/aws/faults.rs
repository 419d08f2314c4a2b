//! How the DynamoDB store behaves when DynamoDB misbehaves: a tiny HTTP server on a local
//! port answers with canned responses and counts the requests, so the SDK's retries show.

use aws_config::retry::RetryConfig;
use aws_sdk_dynamodb::Client;
use shared::aws::dynamo::DynamoStore;
use shared::ids::VisitId;
use shared::ports::VisitStore;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use visits_tests::servers::sdk_config;

/// One canned answer.
struct Answer {
    status: u16,
    body: &'static str,
    /// Extra header lines, each ending in CRLF.
    headers: &'static str,
}

/// DynamoDB's throttling answer. The SDK retries it because of the error code, which it reads
/// from `x-amzn-errortype` or else from the body's `__type` (namespace stripped; either alone
/// suffices); the status 400 alone would not be retried.
const THROTTLED: Answer = Answer {
    status: 400,
    body: concat!(
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","#,
        r#""message":"slow down"}"#
    ),
    headers: "x-amzn-errortype: ThrottlingException\r\n",
};

const NOT_FOUND: Answer = Answer {
    status: 200,
    body: "{}",
    headers: "",
};

const BROKEN: Answer = Answer {
    status: 500,
    body: r#"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"boom"}"#,
    headers: "",
};

/// Starts a server that gives the `n`th request (from 0) the answer `answer(n)`. Returns its
/// endpoint and the count of requests it has read.
async fn serve(answer: fn(usize) -> Answer) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));

    let counter = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                if !read_request(&mut stream).await {
                    return;
                }
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let Answer {
                    status,
                    body,
                    headers,
                } = answer(n);
                // One request per connection: the client opens a new one for each retry.
                let response = format!(
                    "HTTP/1.1 {status} Canned\r\ncontent-type: application/x-amz-json-1.0\r\n\
                     content-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (endpoint, seen)
}

/// Reads one HTTP request, headers and body; `false` if the connection ended first.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                return true;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A store whose client retries after a millisecond instead of the default backoff.
async fn store_at(endpoint: &str) -> DynamoStore {
    let config = sdk_config(endpoint).await;
    let retries = RetryConfig::standard().with_initial_backoff(Duration::from_millis(1));
    let config = aws_sdk_dynamodb::config::Builder::from(&config)
        .retry_config(retries)
        .build();
    DynamoStore::new(Client::from_conf(config), "visits")
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk() {
    let (endpoint, seen) = serve(|n| if n == 0 { THROTTLED } else { NOT_FOUND }).await;
    let store = store_at(&endpoint).await;

    let read = store.visit(VisitId::new()).await;

    assert_eq!(read.unwrap(), None);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_server_error_is_retried_and_then_surfaces_as_an_error() {
    let (endpoint, seen) = serve(|_| BROKEN).await;
    let store = store_at(&endpoint).await;

    let read = store.visit(VisitId::new()).await;

    assert!(read.is_err());
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}
