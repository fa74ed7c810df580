//! `ConnectionLimits::max_in_flight`: a peer sending more commands than the limit, to a
//! handler that does not finish, has exactly `max_in_flight` of them running; the server
//! reads nothing more from that connection until one finishes, then exactly one more; all
//! are answered in the end. On a single-threaded runtime, so "nothing more" is checked
//! after the server has had every chance to run (yields), not after a wait.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use commando::frame::{split, Direction};
use commando::memory::pair;
use commando::{
    parse_reply, Call, ConnectionLimits, CustomMessage, Handler, Limits, MessageSource, Request,
    RpcError, Server, TransportError,
};
use runes::{MasterRune, MasterSecret, MemoryRuneStore, SystemClock, UniqueId};
use serde_json::{json, Value};
use tokio::sync::{mpsc, Semaphore};

const COMMANDS: u64 = 40;

struct Gate {
    running: AtomicUsize,
    max_running: AtomicUsize,
    release: Semaphore,
}

struct Waiting(Arc<Gate>);

#[async_trait]
impl Handler for Waiting {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        let now = self.0.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.max_running.fetch_max(now, Ordering::SeqCst);
        let permit = self
            .0
            .release
            .acquire()
            .await
            .map_err(|_| RpcError::new(-1, "closed"))?;
        permit.forget();
        self.0.running.fetch_sub(1, Ordering::SeqCst);
        Ok(call.params)
    }
}

/// Counts the messages the server has taken from the connection.
struct Counted {
    rx: mpsc::UnboundedReceiver<CustomMessage>,
    taken: Arc<AtomicUsize>,
}

#[async_trait]
impl MessageSource for Counted {
    async fn recv(&mut self) -> Result<Option<CustomMessage>, TransportError> {
        let m = self.rx.recv().await;
        if m.is_some() {
            self.taken.fetch_add(1, Ordering::SeqCst);
        }
        Ok(m)
    }
}

async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn at_most_max_in_flight_commands_then_one_per_finished() {
    let master = MasterRune::new(&MasterSecret::new(b"limits").unwrap());
    let rune = master
        .create(UniqueId::new("0").unwrap(), vec![])
        .to_base64();
    let gate = Arc::new(Gate {
        running: AtomicUsize::new(0),
        max_running: AtomicUsize::new(0),
        release: Semaphore::new(0),
    });
    let limits = ConnectionLimits::default();
    assert_eq!(limits.max_in_flight, 16);
    let server = Arc::new(
        Server::new(
            master,
            Arc::new(MemoryRuneStore::new()),
            Arc::new(SystemClock),
            Waiting(gate.clone()),
            Limits::default(),
        )
        .with_connection_limits(limits),
    );
    let (tx, rx) = mpsc::unbounded_channel();
    let taken = Arc::new(AtomicUsize::new(0));
    let ((reply_sink, _), (_, mut replies)) = pair();
    let serving = {
        let server = server.clone();
        let source = Box::new(Counted {
            rx,
            taken: taken.clone(),
        });
        tokio::spawn(async move { server.serve([2; 33], Arc::new(reply_sink), source).await })
    };
    for i in 0..COMMANDS {
        let body = Request::new("wait")
            .params(json!({ "n": i }))
            .rune(rune.clone())
            .to_json(&i.to_string());
        for m in split(Direction::Command, i, body.as_bytes()) {
            tx.send(m).unwrap();
        }
    }
    settle().await;
    assert_eq!(gate.running.load(Ordering::SeqCst), 16);
    assert_eq!(
        taken.load(Ordering::SeqCst),
        16,
        "reading paused at the limit"
    );
    // One finishes: its reply goes out and exactly one more command is read.
    gate.release.add_permits(1);
    settle().await;
    assert_eq!(taken.load(Ordering::SeqCst), 17);
    assert_eq!(gate.running.load(Ordering::SeqCst), 16);
    // Let everything finish: all 40 answered, never more than 16 at once.
    gate.release.add_permits(COMMANDS as usize);
    let mut answered = Vec::new();
    while answered.len() < COMMANDS as usize {
        let m = replies.recv().await.unwrap().unwrap();
        let chunk = m.as_chunk().unwrap();
        assert!(chunk.terminal);
        let v = parse_reply(chunk.data).unwrap();
        assert_eq!(v, json!({ "n": chunk.id }));
        answered.push(chunk.id);
    }
    answered.sort_unstable();
    assert_eq!(answered, (0..COMMANDS).collect::<Vec<_>>());
    assert_eq!(gate.max_running.load(Ordering::SeqCst), 16);
    drop(tx);
    assert_eq!(serving.await.unwrap(), Ok(()));
}
