//! The Commando server (`commando::Server`): reassembly of command chunks with Core
//! Lightning's limits (`Partials`) and `process` of a complete command, rune check
//! included.
//!
//! Input: `head` (restrictions, one per line, for a rune the server's master secret makes)
//! and `tail` (the command JSON; each `$RUNE` in it becomes that rune). Checks:
//! - the command, split into chunks by `frame::split` and interleaved with chunks of other
//!   peers, reassembles to itself;
//! - a script of chunks (peer, id, size, kind) run through `Partials` gives what an
//!   independent model of the documented rules gives (one partial per peer, a new id
//!   replacing the old, at most `max_partials` with the oldest dropped, commands over
//!   `max_request` swallowed);
//! - the reply to any command is a JSON object that `parse_reply` reads: the handler's
//!   answer if and only if the handler was called, else a 19536/19537 error.
#![no_main]
use std::sync::{Arc, Mutex, OnceLock};

use async_trait::async_trait;
use commando::frame::{split, Direction};
use commando::{parse_reply, Assembled, Call, Handler, Limits, Partials, RpcError, Server};
use libfuzzer_sys::fuzz_target;
use runes::{
    FixedClock, MasterRune, MasterSecret, MemoryRuneStore, Restriction, Timestamp, UniqueId,
};
use serde_json::{json, Value};

struct Echo(Mutex<Option<Call>>);

#[async_trait]
impl Handler for Echo {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        let answer = json!({"method": call.method, "params": call.params});
        let fail = call.method == "fail";
        *self.0.lock().expect("unpoisoned") = Some(call);
        if fail {
            Err(RpcError::new(-1, "asked to fail"))
        } else {
            Ok(answer)
        }
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

/// The documented reassembly rules, written independently of `Partials`.
#[derive(Default)]
struct Model {
    /// (peer, id, contents or None once over the limit), oldest first.
    list: Vec<(u8, u64, Option<Vec<u8>>)>,
}

impl Model {
    fn add(&mut self, limits: Limits, peer: u8, id: u64, data: &[u8], terminal: bool) -> Assembled {
        let pos = match self.list.iter().position(|p| p.0 == peer) {
            Some(i) if self.list[i].1 == id => i,
            found => {
                if let Some(i) = found {
                    self.list.remove(i);
                }
                self.list.push((peer, id, Some(Vec::new())));
                if self.list.len() > limits.max_partials {
                    self.list.remove(0);
                }
                self.list.len() - 1
            }
        };
        let entry = &mut self.list[pos];
        let over = entry
            .2
            .as_ref()
            .is_some_and(|b| b.len() + data.len() > limits.max_request);
        if over {
            entry.2 = None;
        } else if let Some(b) = &mut entry.2 {
            b.extend_from_slice(data);
        }
        if !terminal {
            return Assembled::Incomplete;
        }
        match entry.2.take() {
            None => Assembled::Oversize,
            Some(b) => {
                self.list.remove(pos);
                Assembled::Complete(b)
            }
        }
    }
}

fn peer(n: u8) -> [u8; 33] {
    let mut p = [2u8; 33];
    p[1] = n;
    p
}

fuzz_target!(|data: &[u8]| {
    let (head, tail) = bolt12_toolkit_fuzz::split_by_first_byte(data);

    // Partials against the model, driven by `head`.
    let limits = Limits {
        max_request: usize::from(head.first().copied().unwrap_or(0)) * 3,
        max_partials: usize::from(head.get(1).copied().unwrap_or(0) % 5) + 1,
    };
    let (mut real, mut model) = (Partials::new(), Model::default());
    for step in head.get(2..).unwrap_or_default().chunks(3) {
        let [op, id, len] = [
            step[0],
            *step.get(1).unwrap_or(&0),
            *step.get(2).unwrap_or(&0),
        ];
        let p = op & 7;
        let chunk = vec![op; usize::from(len)];
        let terminal = op & 0x80 != 0;
        let a = real.add(limits, peer(p), u64::from(id % 4), &chunk, terminal);
        let b = model.add(limits, p, u64::from(id % 4), &chunk, terminal);
        assert_eq!(a, b);
        assert_eq!(real.len(), model.list.len());
        assert!(real.len() <= limits.max_partials);
    }

    // The command: restrictions from `head`, a rune made from them, `$RUNE` replaced.
    let Ok(head_text) = std::str::from_utf8(head) else {
        return;
    };
    let Ok(body) = std::str::from_utf8(tail) else {
        return;
    };
    let master = MasterRune::new(&MasterSecret::new(&[7u8; 16]).expect("secret"));
    let restrictions: Vec<Restriction> = head_text
        .lines()
        .filter_map(|l| Restriction::parse(l).ok())
        .collect();
    let rune = master.create(UniqueId::new("0").expect("id"), restrictions);
    let body = body.replace("$RUNE", &rune.to_base64());

    // Chunked, interleaved with another peer's chunks, reassembled to itself.
    let mut partials = Partials::new();
    let limits = Limits::default();
    let mut complete = None;
    for (i, m) in split(Direction::Command, 9, body.as_bytes())
        .iter()
        .enumerate()
    {
        let c = m.as_chunk().expect("a chunk");
        assert_eq!(
            partials.add(limits, peer(1), u64::from(i as u8), b"{", false),
            Assembled::Incomplete
        );
        match partials.add(limits, peer(0), c.id, c.data, c.terminal) {
            Assembled::Complete(b) => complete = Some(b),
            Assembled::Incomplete => assert!(!c.terminal),
            Assembled::Oversize => panic!("small command refused"),
        }
    }
    if !body.is_empty() {
        assert_eq!(complete.as_deref(), Some(body.as_bytes()));
    }

    let server = Server::new(
        master,
        Arc::new(MemoryRuneStore::new()),
        Arc::new(FixedClock(Timestamp::from_secs(1_700_000_000))),
        Echo(Mutex::new(None)),
        Limits::default(),
    );
    let reply = runtime().block_on(server.process(peer(0), body.as_bytes()));
    // JSON (RFC 8259) and an object. Not read as a `serde_json::Value`: the reply echoes the
    // request's `id` as written, as Core Lightning's does, and a JSON number may lie beyond
    // the `f64` range that `Value` holds. `parse_reply` below reads the rest.
    serde_json::from_slice::<serde::de::IgnoredAny>(&reply).expect("replies are JSON");
    assert_eq!(reply.first(), Some(&b'{'), "replies are objects");
    let called = server.handler().0.lock().expect("unpoisoned").take();
    match (parse_reply(&reply), called) {
        (Ok(result), Some(call)) => {
            assert_eq!(
                result,
                json!({"method": call.method, "params": call.params})
            );
            assert_ne!(call.method, "fail");
        }
        (Err(e), Some(call)) => {
            assert_eq!(call.method, "fail", "{e}");
            assert_eq!(e.code(), -1);
        }
        (Err(e), None) => assert!(matches!(e.code(), 19536 | 19537), "{e}"),
        (Ok(r), None) => panic!("a result without a call: {r}"),
    }
});
