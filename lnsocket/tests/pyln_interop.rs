//! Interoperability with `pyln-proto` (Core Lightning's Python BOLT 8
//! implementation) over TCP on 127.0.0.1, in both directions, exchanging
//! `init` and more than 1000 messages each way so the BOLT 8 key rotation
//! (every 1000 uses of a key) is crossed several times.
//!
//! Requires `python3` with `pyln-proto` (`pip install pyln-proto`); the
//! tests fail, not skip, when it is missing.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use lnsocket::listener::{Kind, Listener};
use lnsocket::{Config, Connection, Message, PrivateKey};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

const COUNT: u32 = 1100;
const REQUEST_TYPE: u16 = 32769;
const REPLY_TYPE: u16 = 32771;
const LIMIT: Duration = Duration::from_secs(120);

/// Same as `payload_for` in tests/py/common.py.
fn payload_for(i: u32) -> Vec<u8> {
    let size = if i == 7 {
        60000
    } else {
        (i as usize * 37) % 1500
    };
    let mut p = i.to_be_bytes().to_vec();
    p.extend((0..size).map(|k| ((i as usize + k) % 251) as u8));
    p
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/py")
        .join(name)
}

async fn require_pyln() {
    let out = Command::new("python3")
        .args(["-c", "import pyln.proto.wire"])
        .output()
        .await;
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "pyln-proto is required for this test (pip install pyln-proto): {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("python3 is required for this test: {e}"),
    }
}

fn spawn(args: &[String]) -> (Child, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new("python3")
        .arg("-u")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn python3");
    let out = child.stdout.take().expect("stdout");
    (child, BufReader::new(out).lines())
}

async fn line(lines: &mut Lines<BufReader<ChildStdout>>) -> String {
    timeout(LIMIT, lines.next_line())
        .await
        .expect("python peer timed out")
        .expect("read python stdout")
        .expect("python peer exited early")
}

async fn finish(mut child: Child, mut lines: Lines<BufReader<ChildStdout>>) {
    assert_eq!(line(&mut lines).await, "DONE");
    let status = timeout(LIMIT, child.wait())
        .await
        .expect("python peer did not exit")
        .expect("wait");
    assert!(status.success(), "python peer failed: {status}");
}

fn config() -> Config {
    Config {
        local_key: Some(PrivateKey::generate().unwrap()),
        ..Config::default()
    }
}

/// Our initiator against pyln-proto's responder.
#[tokio::test]
async fn our_initiator_pyln_responder() {
    require_pyln().await;
    let (child, mut lines) = spawn(&[
        script("pyln_responder.py").display().to_string(),
        COUNT.to_string(),
    ]);
    let ready = line(&mut lines).await;
    let mut parts = ready.split(' ');
    assert_eq!(parts.next(), Some("READY"));
    let port = parts.next().unwrap();
    let node_id = parts.next().unwrap().to_string();
    let cfg = config();
    let our_id = cfg.local_key.as_ref().unwrap().public_key().to_string();

    let run = async {
        let mut conn = Connection::connect(&format!("{node_id}@127.0.0.1:{port}"), cfg)
            .await
            .unwrap();
        assert_eq!(conn.remote_node_id().to_string(), node_id);
        // pyln learned our static key in act three.
        assert_eq!(line(&mut lines).await, format!("REMOTE {our_id}"));
        let names: Vec<_> = lnsocket::features::describe(&conn.remote_features())
            .into_iter()
            .filter_map(|f| f.name)
            .collect();
        assert_eq!(names, ["var_onion_optin", "option_onion_messages"]);
        for i in 0..COUNT {
            conn.send_custom(REQUEST_TYPE, &payload_for(i))
                .await
                .unwrap();
            // The python peer's ping is answered inside recv.
            match conn.recv().await.unwrap() {
                Message::Odd { msg_type, payload } => {
                    assert_eq!(msg_type, REPLY_TYPE);
                    assert_eq!(payload, payload_for(i), "echo {i}");
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        conn
    };
    let _conn = timeout(LIMIT, run).await.expect("exchange timed out");
    finish(child, lines).await;
}

/// pyln-proto's initiator against our responder.
#[tokio::test]
async fn pyln_initiator_our_responder() {
    require_pyln().await;
    let key = PrivateKey::generate().unwrap();
    let listener = Listener::bind("127.0.0.1:0".parse().unwrap(), Kind::Tcp, key)
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let (child, mut lines) = spawn(&[
        script("pyln_initiator.py").display().to_string(),
        listener.node_id().to_string(),
        port.to_string(),
        COUNT.to_string(),
    ]);
    let key_line = line(&mut lines).await;
    let their_id = key_line.strip_prefix("KEY ").unwrap().to_string();

    let run = async {
        let mut conn = listener.accept(Config::default()).await.unwrap();
        assert_eq!(conn.remote_node_id().to_string(), their_id);
        assert_eq!(
            lnsocket::features::describe(&conn.remote_features()).len(),
            2
        );
        for i in 0..COUNT {
            match conn.recv().await.unwrap() {
                Message::Odd { msg_type, payload } => {
                    assert_eq!(msg_type, REQUEST_TYPE);
                    assert_eq!(payload, payload_for(i), "request {i}");
                    conn.send_custom(REPLY_TYPE, &payload).await.unwrap();
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        conn
    };
    let _conn = timeout(LIMIT, run).await.expect("exchange timed out");
    finish(child, lines).await;
}
