//! One connection's `onion_message`s shared by several users at once: concurrent
//! [`crate::fetch_invoice`]s, a [`crate::Responder`], or both. Each user holds a
//! [`HubTransport`] ([`OnionHub::subscribe`]), an [`OnionTransport`] that sends through
//! the connection's pump ([`crate::pump`]) and receives from the hub.
//!
//! Replies are matched by their reply path (BOLT 4 §"Onion Messages": the reader MUST
//! ignore a message whose `path_id` is not the one of the path it made for that purpose):
//! a user says which `path_id`s it awaits ([`OnionTransport::expect_reply`], as the payer
//! does for each reply path it sends), the hub peels each incoming message once with the
//! connection's key, and a message for us whose `path_id` one user awaits goes to that user
//! alone. Every other message (an invoice request, junk, an unknown `path_id`) goes to
//! every user, each judging it as a sole user would (the responder answers, a payer drops
//! it with its [`crate::DropReason`]). So one subscriber sees exactly what the connection
//! brings, and concurrent fetches see each other's answers neither as theirs nor as drops.
//! Each user keeps its own timeout.
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures_channel::mpsc;
use futures_util::StreamExt;
use onion::message::{peel_onion_message_bytes, Peeled};
use onion::tlv::OnionMessage;
use secp256k1::PublicKey;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::TransportError;
use crate::keys::NodeKey;
use crate::pump::{send_frame, OutgoingSender};
use crate::transport::OnionTransport;

/// At most this many onion messages wait for one user to read them; past it, what
/// arrives for that user is dropped (BOLT 4 onion messages are unreliable: a node may drop
/// them under load, as Core Lightning's per-peer rate limit does) and counted in
/// [`OnionHub::overflowed`], so a peer flooding the connection costs at most
/// `MAX_QUEUED` × 65 kB per user, whatever the user's speed.
pub const MAX_QUEUED: usize = 32;

/// At most this many `path_id`s awaited per user (a payer awaits one per route tried,
/// [`crate::route::MAX_ROUTES`] at most); the oldest is forgotten first.
pub const MAX_AWAITED: usize = 16;

type Delivery = Result<Vec<u8>, TransportError>;

struct Subscriber {
    id: u64,
    tx: mpsc::Sender<Delivery>,
    awaited: Vec<Zeroizing<Vec<u8>>>,
}

#[derive(Default)]
struct State {
    next_id: u64,
    subscribers: Vec<Subscriber>,
    closed: Option<TransportError>,
    overflowed: u64,
}

/// The onion messages of one peer connection, for its users (cheap to clone: every clone
/// is the same hub).
#[derive(Clone)]
pub struct OnionHub {
    state: Arc<Mutex<State>>,
    key: Arc<NodeKey>,
    peer: PublicKey,
}

impl OnionHub {
    /// The hub of a connection to `peer`, on which we are `key` (our BOLT 8 static key, with
    /// which onion messages for us are peeled).
    pub fn new(peer: PublicKey, key: NodeKey) -> Self {
        OnionHub {
            state: Arc::new(Mutex::new(State::default())),
            key: Arc::new(key),
            peer,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves nothing half-written worth refusing.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new user, sending through `out` (the connection's pump). It receives what arrives
    /// from now on; after [`OnionHub::close`] it receives only that error.
    pub fn subscribe(&self, out: OutgoingSender) -> HubTransport {
        // `channel(n)` holds n + 1 messages (one per sender, and there is one).
        let (mut tx, rx) = mpsc::channel(MAX_QUEUED - 1);
        let mut state = self.state();
        let id = state.next_id;
        state.next_id += 1;
        if let Some(e) = &state.closed {
            let _ = tx.try_send(Err(e.clone()));
        } else {
            state.subscribers.push(Subscriber {
                id,
                tx,
                awaited: Vec::new(),
            });
        }
        HubTransport {
            id,
            hub: self.clone(),
            out,
            rx,
            key: self.key.as_ref().clone(),
        }
    }

    /// How many onion messages were dropped because the user they were for had
    /// [`MAX_QUEUED`] unread (each user a message was for counts once).
    pub fn overflowed(&self) -> u64 {
        self.state().overflowed
    }

    /// How many users are subscribed (dropped ones no longer count).
    pub fn users(&self) -> usize {
        let mut state = self.state();
        state.subscribers.retain(|s| !s.tx.is_closed());
        state.subscribers.len()
    }

    /// Hands an `onion_message` frame (2-byte type, then payload) that arrived on the
    /// connection to the user awaiting its `path_id`, or else to every user.
    pub fn deliver(&self, bytes: &[u8]) {
        let path_id = match peel_onion_message_bytes(self.key.secret(), bytes) {
            Ok(Peeled::Receive(r)) => r.path_id.map(Zeroizing::new),
            _ => None,
        };
        let mut state = self.state();
        state.subscribers.retain(|s| !s.tx.is_closed());
        let mut owner = None;
        if let Some(id) = &path_id {
            // Every awaited id is compared, so the time taken does not say which matched.
            for (i, s) in state.subscribers.iter().enumerate() {
                for awaited in &s.awaited {
                    let same = awaited.len() == id.len() && bool::from(awaited.ct_eq(id));
                    if same && owner.is_none() {
                        owner = Some(i);
                    }
                }
            }
        }
        let mut overflowed = 0;
        for (i, s) in state.subscribers.iter_mut().enumerate() {
            if owner.is_none_or(|o| o == i) {
                if let Err(e) = s.tx.try_send(Ok(bytes.to_vec())) {
                    if e.is_full() {
                        overflowed += 1;
                    }
                }
            }
        }
        state.overflowed += overflowed;
    }

    /// Hands `error` to every current user (e.g. the peer's BOLT 1 `error`), leaving the
    /// hub open.
    pub fn fail_all(&self, error: TransportError) {
        let mut state = self.state();
        for s in state.subscribers.iter_mut() {
            // A user with MAX_QUEUED unread misses it; it still sees the connection end.
            let _ = s.tx.try_send(Err(error.clone()));
        }
    }

    /// The connection ended: every user, current and later, receives `error`.
    pub fn close(&self, error: TransportError) {
        let mut state = self.state();
        for mut s in state.subscribers.drain(..) {
            // Dropping the sender ends the user's stream after what is queued, so a user
            // whose queue is full still learns that the connection ended.
            let _ = s.tx.try_send(Err(error.clone()));
        }
        state.closed = Some(error);
    }

    fn expect(&self, id: u64, path_id: &[u8]) {
        let mut state = self.state();
        if let Some(s) = state.subscribers.iter_mut().find(|s| s.id == id) {
            if s.awaited.len() == MAX_AWAITED {
                s.awaited.remove(0);
            }
            s.awaited.push(Zeroizing::new(path_id.to_vec()));
        }
    }
}

/// One user of an [`OnionHub`].
pub struct HubTransport {
    id: u64,
    hub: OnionHub,
    out: OutgoingSender,
    rx: mpsc::Receiver<Delivery>,
    key: NodeKey,
}

#[async_trait]
impl OnionTransport for HubTransport {
    fn peer_id(&self) -> PublicKey {
        self.hub.peer
    }

    fn node_key(&self) -> &NodeKey {
        &self.key
    }

    fn expect_reply(&mut self, path_id: &[u8]) {
        self.hub.expect(self.id, path_id);
    }

    async fn send_onion_message(&mut self, msg: &OnionMessage) -> Result<(), TransportError> {
        let mut payload = Vec::new();
        msg.write(&mut payload)
            .map_err(|e| TransportError::Encode(e.to_string()))?;
        send_frame(&self.out, OnionMessage::TYPE, payload)
            .await
            .map_err(TransportError::Closed)
    }

    async fn recv_onion_message(&mut self) -> Result<Vec<u8>, TransportError> {
        match self.rx.next().await {
            Some(d) => d,
            None => Err(TransportError::Closed("connection is closed".into())),
        }
    }
}
