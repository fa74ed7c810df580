//! The client against a misbehaving node over real lnsocket connections (BOLT 8 over TCP
//! and over WebSocket, on loopback): a reply cut off by a dropped connection, malformed
//! chunks, a reply for an unknown id, and silence. Every failure is a typed error and
//! nothing waits past its timeout. Needs `--features lnsocket`.
#![cfg(feature = "lnsocket")]

use std::time::Duration;

use commando::lnsocket_adaptor::call_once;
use commando::{ClientConfig, CommandoError, Request};
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::PrivateKey;
use lnsocket::{Config, Message};
use serde_json::{json, Value};

const CMD_TERM: u16 = 0x4c4f;
const REPLY_CONT: u16 = 0x594b;
const REPLY_TERM: u16 = 0x594d;
const BOUND: Duration = Duration::from_secs(30);

fn reply(id: u64, json: &str) -> Vec<u8> {
    [id.to_be_bytes().as_slice(), json.as_bytes()].concat()
}

/// A node that answers each command as its method asks.
async fn scripted_node(kind: Kind) -> String {
    let l = Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        kind,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap();
    let target = l.dial_address().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok(mut conn) = l.accept(Config::default()).await else {
                continue;
            };
            tokio::spawn(async move {
                while let Ok(msg) = conn.recv().await {
                    let Message::Odd {
                        msg_type: CMD_TERM,
                        payload,
                    } = msg
                    else {
                        continue;
                    };
                    let id = u64::from_be_bytes(payload[..8].try_into().unwrap());
                    let req: Value = serde_json::from_slice(&payload[8..]).unwrap();
                    let json_id = req["id"].clone();
                    match req["method"].as_str().unwrap() {
                        "drop" => {
                            conn.send_message(
                                REPLY_CONT,
                                &reply(id, "{\"jsonrpc\":\"2.0\",\"id\":"),
                            )
                            .await
                            .unwrap();
                            conn.close().await;
                            return;
                        }
                        "malformed" => {
                            // Too short to hold an id, then a reply with neither result nor error.
                            conn.send_message(REPLY_TERM, &[1, 2, 3]).await.unwrap();
                            conn.send_message(REPLY_TERM, &reply(id, "{\"jsonrpc\":\"2.0\"}"))
                                .await
                                .unwrap();
                        }
                        "unknown_id" => {
                            let wrong = format!("{{\"jsonrpc\":\"2.0\",\"id\":{json_id},\"result\":{{\"right\":false}}}}");
                            conn.send_message(REPLY_TERM, &reply(id.wrapping_add(1), &wrong))
                                .await
                                .unwrap();
                            let right = format!("{{\"jsonrpc\":\"2.0\",\"id\":{json_id},\"result\":{{\"right\":true}}}}");
                            conn.send_message(REPLY_TERM, &reply(id, &right))
                                .await
                                .unwrap();
                        }
                        _ => {} // "silent": never answer.
                    }
                }
            });
        }
    });
    target
}

async fn call(target: &str, method: &str) -> Result<Value, CommandoError> {
    let config = ClientConfig {
        timeout: Duration::from_millis(1500),
        ..ClientConfig::default()
    };
    tokio::time::timeout(
        BOUND,
        call_once(
            target,
            Config::default(),
            config,
            Request::new(method).rune("unused"),
        ),
    )
    .await
    .expect("the client gave up within its own timeout")
}

async fn faults(kind: Kind) {
    let target = scripted_node(kind).await;
    let e = call(&target, "drop").await.unwrap_err();
    assert!(
        matches!(e, CommandoError::Disconnected | CommandoError::Transport(_)),
        "{kind:?} drop: {e:?}"
    );
    let e = call(&target, "malformed").await.unwrap_err();
    assert_eq!(e, CommandoError::ReplyWithoutResult, "{kind:?}");
    assert_eq!(e.code(), 19535);
    assert_eq!(
        call(&target, "unknown_id").await,
        Ok(json!({"right": true})),
        "{kind:?}"
    );
    assert_eq!(
        call(&target, "silent").await,
        Err(CommandoError::Timeout(Duration::from_millis(1500))),
        "{kind:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_over_tcp() {
    faults(Kind::Tcp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_over_websocket() {
    faults(Kind::WebSocket).await;
}
