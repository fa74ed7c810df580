//! The browser transport (`web-sys` WebSocket) against our native responder.
//!
//! Runs on `wasm32-unknown-unknown` under `wasm-bindgen-test` (see
//! `tests/browser/run.sh`, which starts `examples/echo_responder.rs` and
//! passes its address in `LNSOCKET_WS_PEER` at compile time). Without that
//! address the test fails rather than skips.
#![cfg(target_arch = "wasm32")]

use lnsocket::{Config, Connection, Message};
use wasm_bindgen_test::wasm_bindgen_test;

const PEER: Option<&str> = option_env!("LNSOCKET_WS_PEER");

#[wasm_bindgen_test]
async fn browser_websocket_round_trip_past_rotation() {
    let addr =
        PEER.expect("LNSOCKET_WS_PEER must name the echo responder (run tests/browser/run.sh)");
    // Anonymous client: a fresh static key for this connection.
    let mut conn = Connection::connect(addr, Config::default()).await.unwrap();
    let names: Vec<_> = lnsocket::features::describe(&conn.remote_features())
        .into_iter()
        .filter_map(|f| f.name)
        .collect();
    assert!(names.contains(&"option_onion_messages"), "{names:?}");
    for i in 0..1100u32 {
        let mut payload = i.to_be_bytes().to_vec();
        payload.resize(4 + (i as usize * 13) % 2000, 0x11);
        if i == 5 {
            payload.resize(65533, 0x22);
        }
        conn.send_custom(32769, &payload).await.unwrap();
        match conn.recv().await.unwrap() {
            Message::Odd {
                msg_type,
                payload: echoed,
            } => {
                assert_eq!(msg_type, 32771);
                assert_eq!(echoed, payload, "echo {i}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    conn.send_ping(8).await.unwrap();
    match conn.recv().await.unwrap() {
        Message::Pong { len, .. } => assert_eq!(len, 8),
        other => panic!("unexpected {other:?}"),
    }
    conn.close().await;
}
