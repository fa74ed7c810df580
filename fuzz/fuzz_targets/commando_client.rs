//! The Commando client's reply reassembly (`commando::Client`, its `Driver`), and the
//! frame codec (`frame::CustomMessage::as_chunk`, `frame::split`).
//!
//! A client sends one request over the in-memory transport; a scripted node reads it,
//! learns its id, answers with fuzzed messages (any type, the request's id or another,
//! any chunk kind and size) and hangs up. The call's outcome must be what the rules say:
//! chunks of other ids, other directions and other message types are ignored; the reply
//! is the concatenation of the reply chunks for our id up to the first terminal one, read
//! by `parse_reply`; a reply growing past `max_reply` is `ReplyTooLarge`; a reply not
//! finished when the connection drops is `Disconnected`. No call is left pending.
#![no_main]
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use commando::frame::{self, CustomMessage, Direction};
use commando::{parse_reply, Client, ClientConfig, CommandoError, Request, Timer};
use libfuzzer_sys::fuzz_target;

/// Calls never time out here: every scripted node hangs up, which ends the call.
struct NeverTimer;

impl Timer for NeverTimer {
    fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(std::future::pending())
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

const TYPES: [u16; 6] = [
    frame::REPLY_CONTINUES,
    frame::REPLY_TERM,
    frame::CMD_CONTINUES,
    frame::CMD_TERM,
    0x4c4e,
    0x8001,
];

/// The reply chunks the node sends: (type, id, data).
fn script(data: &[u8], id: u64) -> Vec<CustomMessage> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some((&op, tail)) = rest.split_first() {
        let len = usize::from(tail.first().copied().unwrap_or(0));
        let tail = tail.get(1..).unwrap_or_default();
        let piece = &tail[..len.min(tail.len())];
        rest = &tail[piece.len()..];
        let msg_type = TYPES[usize::from(op & 7) % TYPES.len()];
        let chunk_id = if op & 0x08 != 0 { id ^ 1 } else { id };
        let mut payload = chunk_id.to_be_bytes().to_vec();
        if op & 0x10 != 0 {
            // A payload too short for the id: not a commando chunk.
            payload.truncate(usize::from(op >> 5));
        } else {
            payload.extend_from_slice(piece);
        }
        out.push(CustomMessage { msg_type, payload });
    }
    out
}

/// What the rules say the call returns.
fn expected(
    messages: &[CustomMessage],
    id: u64,
    max_reply: usize,
) -> Result<serde_json::Value, CommandoError> {
    let mut buf = Vec::new();
    for m in messages {
        let Some(chunk) = m.as_chunk() else { continue };
        if chunk.direction != Direction::Reply || chunk.id != id {
            continue;
        }
        if buf.len() + chunk.data.len() > max_reply {
            return Err(CommandoError::ReplyTooLarge { limit: max_reply });
        }
        buf.extend_from_slice(chunk.data);
        if chunk.terminal {
            return parse_reply(&buf);
        }
    }
    Err(CommandoError::Disconnected)
}

fuzz_target!(|data: &[u8]| {
    let Some((&limit, data)) = data.split_first() else {
        return;
    };
    // Frames: a message that is a chunk re-splits to itself.
    for m in script(data, 7) {
        if let Some(c) = m.as_chunk() {
            assert!(c.id == 7 || c.id == 6);
            if c.terminal && !c.data.is_empty() && c.data.len() <= frame::CHUNK_SIZE {
                assert_eq!(frame::split(c.direction, c.id, c.data), vec![m.clone()]);
            }
        }
    }
    let max_reply = usize::from(limit) * 4;
    let config = ClientConfig {
        max_reply,
        ..ClientConfig::default()
    };
    let (ours, (node_sink, mut node_source)) = commando::memory::connection_pair();
    let (client, driver) = Client::new(ours, config, Arc::new(NeverTimer));
    let node = async move {
        // The request: chunks up to the terminal one, all with one id.
        let mut id = None;
        while let Ok(Some(m)) = node_source.recv().await {
            let c = m.as_chunk().expect("the client sends commando chunks");
            assert_eq!(c.direction, Direction::Command);
            assert!(id.is_none_or(|i| i == c.id));
            id = Some(c.id);
            if c.terminal {
                break;
            }
        }
        let id = id.expect("a request");
        let messages = script(data, id);
        for m in &messages {
            node_sink.send(m.clone()).await.expect("client connected");
        }
        drop(node_sink);
        (id, messages)
    };
    let call = client.call(Request::new("getinfo").rune("x"));
    let (got, (id, messages), ()) =
        runtime().block_on(async { tokio::join!(call, node, driver.run()) });
    assert_eq!(got, expected(&messages, id, max_reply));
    assert_eq!(client.in_flight(), 0);
});
