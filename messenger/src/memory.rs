//! An in-process [`OnionTransport`] pair, for tests and for wiring a payer to a responder
//! inside one program.
use async_trait::async_trait;
use futures_channel::mpsc::{unbounded, UnboundedReceiver as Receiver, UnboundedSender as Sender};
use onion::tlv::OnionMessage;
use secp256k1::PublicKey;

use crate::error::TransportError;
use crate::keys::NodeKey;
use crate::transport::OnionTransport;

/// One end of an in-memory connection.
pub struct MemoryTransport {
    key: NodeKey,
    peer: PublicKey,
    tx: Sender<Vec<u8>>,
    rx: Receiver<Vec<u8>>,
}

/// Two connected ends: `a` is `a_key`'s, `b` is `b_key`'s.
pub fn pair(a_key: NodeKey, b_key: NodeKey) -> (MemoryTransport, MemoryTransport) {
    let (a_tx, b_rx) = unbounded();
    let (b_tx, a_rx) = unbounded();
    let (a_id, b_id) = (a_key.node_id(), b_key.node_id());
    (
        MemoryTransport {
            key: a_key,
            peer: b_id,
            tx: a_tx,
            rx: a_rx,
        },
        MemoryTransport {
            key: b_key,
            peer: a_id,
            tx: b_tx,
            rx: b_rx,
        },
    )
}

impl MemoryTransport {
    /// Sends raw bytes as if they were an `onion_message` (junk, for tests).
    pub fn send_raw(&self, bytes: Vec<u8>) -> Result<(), TransportError> {
        self.tx
            .unbounded_send(bytes)
            .map_err(|_| TransportError::Closed("peer gone".into()))
    }
}

#[async_trait]
impl OnionTransport for MemoryTransport {
    fn peer_id(&self) -> PublicKey {
        self.peer
    }

    fn node_key(&self) -> &NodeKey {
        &self.key
    }

    async fn send_onion_message(&mut self, msg: &OnionMessage) -> Result<(), TransportError> {
        let bytes = msg
            .encode()
            .map_err(|e| TransportError::Encode(e.to_string()))?;
        self.send_raw(bytes)
    }

    async fn recv_onion_message(&mut self) -> Result<Vec<u8>, TransportError> {
        use futures_util::StreamExt;
        self.rx
            .next()
            .await
            .ok_or_else(|| TransportError::Closed("peer gone".into()))
    }
}
