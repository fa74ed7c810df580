//! A connection pump: lnsocket's [`Connection`] has a single owner, so a program that
//! speaks several protocols over one peer connection (onion messages, Commando's custom
//! messages...) or runs several users of it at once gives the connection to one task, the
//! pump, which sends what the others hand it ([`Outgoing`], acknowledged) and routes what
//! arrives: `onion_message`s (BOLT 4 §"Onion Messages", type 513) to an [`OnionHub`],
//! everything else to the caller. Pings are answered by lnsocket while the pump waits.
//!
//! The channels are `futures-channel`'s, so the same types serve a tokio program and the
//! browser (where the wasm crate runs its own pump on a local task, over the same
//! [`Outgoing`] type).
use futures_channel::{mpsc, oneshot};
use futures_util::StreamExt;
use lnsocket::{Connection, Message};
use onion::tlv::OnionMessage;

use crate::error::TransportError;
use crate::hub::OnionHub;

/// A message for the pump to send: its type, its payload, and where to say whether it
/// was sent (the error as text).
pub type Outgoing = (u16, Vec<u8>, oneshot::Sender<Result<(), String>>);
/// Hands messages to a pump.
pub type OutgoingSender = mpsc::UnboundedSender<Outgoing>;
/// The pump's end of an [`OutgoingSender`].
pub type OutgoingReceiver = mpsc::UnboundedReceiver<Outgoing>;

/// A new channel to a pump.
pub fn outgoing() -> (OutgoingSender, OutgoingReceiver) {
    mpsc::unbounded()
}

/// Sends one message through the pump behind `out` and waits until it is written.
pub async fn send_frame(
    out: &OutgoingSender,
    msg_type: u16,
    payload: Vec<u8>,
) -> Result<(), String> {
    let (ack, done) = oneshot::channel();
    out.unbounded_send((msg_type, payload, ack))
        .map_err(|_| "connection is closed".to_string())?;
    done.await
        .unwrap_or_else(|_| Err("connection is closed".to_string()))
}

/// An `onion_message` frame as [`crate::OnionTransport::recv_onion_message`] returns it:
/// the 2-byte type, then the payload.
pub fn onion_frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(payload.len() + 2);
    bytes.extend_from_slice(&OnionMessage::TYPE.to_be_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

/// Runs `conn` until the peer closes it, it fails, or every [`OutgoingSender`] of `out` is
/// dropped (then it is closed): every message received, and a failure (after which the
/// pump ends), goes to `incoming`. Even message types are refused (BOLT 1: only odd types
/// may be sent unnegotiated). Returns why it ended. The loop is lnsocket's
/// [`Connection::pump`], which the wasm crate's pump shares.
pub async fn run(
    conn: Connection,
    out: OutgoingReceiver,
    incoming: impl FnMut(Result<Message, lnsocket::Error>),
) -> String {
    let out = out.map(|(t, payload, ack)| {
        (t, payload, move |r| {
            let _ = ack.send(r);
        })
    });
    conn.pump(out, incoming).await
}

/// [`run`], each `onion_message` going to `hub` ([`OnionHub::deliver`]) and every other
/// message, and a failure, to `other`. When the pump ends, `hub` is closed.
pub async fn drive(
    conn: Connection,
    out: OutgoingReceiver,
    hub: &OnionHub,
    mut other: impl FnMut(Result<Message, lnsocket::Error>),
) {
    let end = run(conn, out, |m| match m {
        Ok(Message::Odd { msg_type, payload }) if msg_type == OnionMessage::TYPE => {
            hub.deliver(&onion_frame(&payload));
        }
        m => other(m),
    })
    .await;
    hub.close(TransportError::Closed(end));
}
