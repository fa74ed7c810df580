//! The Commando client with many calls in flight against a scripted fake node built
//! from lnsocket's responder (BOLT 8 over TCP on loopback): replies out of order and
//! interleaved chunk by chunk, a connection dropped in the middle of a reply, a node that
//! never answers. Each call ends with its own answer or a typed error, within its
//! timeout, and no call is left in the client's pending map (`Client::in_flight`).
//! Needs `--features lnsocket`.
#![cfg(feature = "lnsocket")]

use std::sync::Arc;
use std::time::Duration;

use commando::lnsocket_adaptor::LnsocketConnector;
use commando::{Client, ClientConfig, CommandoError, Driver, Request, TokioTimer};
use futures_util::future::join_all;
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::PrivateKey;
use lnsocket::{Config, Connection, Message};
use serde_json::{json, Value};

const CMD_TERM: u16 = 0x4c4f;
const REPLY_CONT: u16 = 0x594b;
const REPLY_TERM: u16 = 0x594d;
const BOUND: Duration = Duration::from_secs(30);
const CALLS: usize = 12;

#[derive(Clone, Copy, Debug)]
enum Script {
    /// Collect every command, then answer in reverse order: first half of every reply
    /// (continuation chunks, in one order), then the terminal halves (in another).
    OutOfOrder,
    /// Answer the first three commands, send half of the fourth's reply, hang up.
    DropMidReply,
    /// Read the commands and never answer.
    Silent,
}

/// A command as the node read it: commando id and JSON-RPC id.
struct Command {
    id: u64,
    json_id: Value,
    params: Value,
}

async fn read_command(conn: &mut Connection) -> Option<Command> {
    loop {
        match conn.recv().await {
            Ok(Message::Odd {
                msg_type: CMD_TERM,
                payload,
            }) => {
                let id = u64::from_be_bytes(payload.get(..8)?.try_into().ok()?);
                let req: Value = serde_json::from_slice(payload.get(8..)?).ok()?;
                return Some(Command {
                    id,
                    json_id: req["id"].clone(),
                    params: req["params"].clone(),
                });
            }
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

fn reply_json(c: &Command) -> String {
    json!({"jsonrpc": "2.0", "id": c.json_id, "result": {"echo": c.params}}).to_string()
}

fn chunk(id: u64, data: &str) -> Vec<u8> {
    [id.to_be_bytes().as_slice(), data.as_bytes()].concat()
}

async fn play(mut conn: Connection, script: Script) {
    let mut commands = Vec::new();
    while commands.len() < CALLS {
        match read_command(&mut conn).await {
            Some(c) => commands.push(c),
            None => return,
        }
    }
    match script {
        Script::OutOfOrder => {
            commands.reverse();
            let replies: Vec<(u64, String)> =
                commands.iter().map(|c| (c.id, reply_json(c))).collect();
            for (id, r) in &replies {
                let (head, _) = r.split_at(r.len() / 2);
                conn.send_message(REPLY_CONT, &chunk(*id, head))
                    .await
                    .unwrap();
            }
            // Terminal halves: odd positions first, then even ones.
            let order = (0..replies.len())
                .filter(|i| i % 2 == 1)
                .chain((0..replies.len()).filter(|i| i % 2 == 0));
            for i in order {
                let (id, r) = &replies[i];
                let (_, tail) = r.split_at(r.len() / 2);
                conn.send_message(REPLY_TERM, &chunk(*id, tail))
                    .await
                    .unwrap();
            }
            // Stay until the client hangs up.
            while read_command(&mut conn).await.is_some() {}
        }
        Script::DropMidReply => {
            for c in &commands[..3] {
                conn.send_message(REPLY_TERM, &chunk(c.id, &reply_json(c)))
                    .await
                    .unwrap();
            }
            let r = reply_json(&commands[3]);
            conn.send_message(REPLY_CONT, &chunk(commands[3].id, &r[..r.len() / 2]))
                .await
                .unwrap();
            conn.close().await;
        }
        Script::Silent => while read_command(&mut conn).await.is_some() {},
    }
}

/// A fake node playing `script` on every connection; returns its address.
async fn fake_node(script: Script) -> String {
    let l = Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        Kind::Tcp,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap();
    let target = format!("{}@{}", l.node_id(), l.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok(conn) = l.accept(Config::default()).await {
            tokio::spawn(play(conn, script));
        }
    });
    target
}

async fn client(target: &str, timeout: Duration) -> (Client, tokio::task::JoinHandle<()>) {
    let connector = Arc::new(LnsocketConnector::new(target, Config::default()));
    let config = ClientConfig {
        timeout,
        ..ClientConfig::default()
    };
    let (client, driver): (Client, Driver) =
        Client::connect(connector, config, Arc::new(TokioTimer))
            .await
            .unwrap();
    (client, tokio::spawn(driver.run()))
}

/// `CALLS` concurrent calls, each with its own params; results in call order.
async fn calls(client: &Client) -> Vec<(Value, Result<Value, CommandoError>)> {
    let calls = (0..CALLS).map(|k| {
        let params = json!({"call": k, "pad": "p".repeat(k * 7)});
        let request = Request::new("echo").params(params.clone()).rune("unused");
        async move { (params, client.call(request).await) }
    });
    join_all(calls).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_out_of_order_and_interleaved() {
    tokio::time::timeout(BOUND, async {
        let target = fake_node(Script::OutOfOrder).await;
        let (client, driver) = client(&target, Duration::from_secs(20)).await;
        for (params, got) in calls(&client).await {
            assert_eq!(got, Ok(json!({"echo": params})));
        }
        assert_eq!(client.in_flight(), 0);
        drop(client);
        driver.await.unwrap();
    })
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_dropped_mid_reply() {
    tokio::time::timeout(BOUND, async {
        let target = fake_node(Script::DropMidReply).await;
        let (client, driver) = client(&target, Duration::from_secs(20)).await;
        let results = calls(&client).await;
        // The node answered the first three commands it read (in whatever order the
        // calls were sent); every other call fails, the half-answered one included.
        let answered: Vec<_> = results.iter().filter(|(_, r)| r.is_ok()).collect();
        assert_eq!(answered.len(), 3, "{results:?}");
        for (params, got) in &results {
            match got {
                Ok(v) => assert_eq!(v, &json!({"echo": params})),
                Err(e) => assert_eq!(e, &CommandoError::Disconnected),
            }
        }
        assert_eq!(client.in_flight(), 0);
        // The driver ended (no reconnection configured); new calls fail at once.
        driver.await.unwrap();
        assert_eq!(
            client.call(Request::new("echo").rune("unused")).await,
            Err(CommandoError::Disconnected)
        );
        assert_eq!(client.in_flight(), 0);
    })
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_never_answers() {
    tokio::time::timeout(BOUND, async {
        let target = fake_node(Script::Silent).await;
        let timeout = Duration::from_millis(800);
        let (client, driver) = client(&target, timeout).await;
        for (_, got) in calls(&client).await {
            assert_eq!(got, Err(CommandoError::Timeout(timeout)));
        }
        assert_eq!(client.in_flight(), 0);
        // A call dropped before its reply (cancelled by its caller) leaves nothing behind.
        let cancelled = tokio::time::timeout(
            Duration::from_millis(100),
            client.call(Request::new("echo").rune("unused")),
        )
        .await;
        assert!(cancelled.is_err());
        assert_eq!(client.in_flight(), 0);
        drop(client);
        driver.await.unwrap();
    })
    .await
    .expect("bounded");
}
