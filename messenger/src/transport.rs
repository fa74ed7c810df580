//! The small transport the messenger runs over: send and receive `onion_message`s (BOLT 4
//! §"Onion Messages", type 513) on one peer connection, and know who the peer is and who we
//! are. An lnsocket [`Connection`](lnsocket::Connection) implements it through
//! [`OnionPeer`]; pings are answered by lnsocket while we wait.
use async_trait::async_trait;
use onion::tlv::OnionMessage;
use secp256k1::PublicKey;

use crate::error::TransportError;
use crate::keys::NodeKey;

/// One peer connection carrying onion messages.
#[async_trait]
pub trait OnionTransport: Send {
    /// The connected peer's node id.
    fn peer_id(&self) -> PublicKey;
    /// Our identity on this connection (the key the peer knows us by).
    fn node_key(&self) -> &NodeKey;
    /// We are about to send a message whose answers come along a reply path of ours
    /// carrying `path_id`: a transport shared by several users ([`crate::hub`]) hands
    /// those answers to this user only. Nothing to do for a transport with one user.
    fn expect_reply(&mut self, _path_id: &[u8]) {}
    /// Send one `onion_message`.
    async fn send_onion_message(&mut self, msg: &OnionMessage) -> Result<(), TransportError>;
    /// The next `onion_message` from the peer, as bytes with its 2-byte type (so that junk is
    /// the messenger's to judge). Other messages are the transport's business.
    async fn recv_onion_message(&mut self) -> Result<Vec<u8>, TransportError>;
}

/// An lnsocket connection whose static key we hold, so that onion messages for us can be
/// peeled.
pub struct OnionPeer {
    conn: lnsocket::Connection,
    // Read by the `OnionTransport` impl, which is not built for wasm32.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    key: NodeKey,
}

impl OnionPeer {
    /// Connects to `addr` (`<node_id>@<host:port>` or `<node_id>@ws://...`) as `key` (a fresh
    /// random identity if `None`). `config.local_key` is replaced by `key`. lnsocket's
    /// default `init` advertises `option_onion_messages` and route blinding, which Core
    /// Lightning requires before it forwards onion messages to us.
    pub async fn connect(
        addr: &str,
        key: Option<NodeKey>,
        mut config: lnsocket::Config,
    ) -> Result<Self, TransportError> {
        let key = match key {
            Some(k) => k,
            None => NodeKey::generate()?,
        };
        config.local_key = Some(key.to_lnsocket()?);
        let conn = lnsocket::Connection::connect(addr, config)
            .await
            .map_err(|e| TransportError::Connect(e.to_string()))?;
        Ok(OnionPeer { conn, key })
    }

    /// Wraps an accepted connection (the responder side): `key` must be the listener's key
    /// (lnsocket does not expose it, so it cannot be checked here).
    pub fn accepted(conn: lnsocket::Connection, key: NodeKey) -> Self {
        OnionPeer { conn, key }
    }

    /// The connection.
    pub fn connection(&mut self) -> &mut lnsocket::Connection {
        &mut self.conn
    }

    /// Closes the connection.
    pub async fn close(&mut self) {
        self.conn.close().await;
    }
}

// In the browser (wasm32) an lnsocket connection is not `Send`; there a connection is owned
// by a local task and the transport talks to it through channels (see the wasm crate).
#[cfg(not(target_arch = "wasm32"))]
#[async_trait]
impl OnionTransport for OnionPeer {
    fn peer_id(&self) -> PublicKey {
        self.conn.remote_node_id()
    }

    fn node_key(&self) -> &NodeKey {
        &self.key
    }

    async fn send_onion_message(&mut self, msg: &OnionMessage) -> Result<(), TransportError> {
        let mut payload = Vec::new();
        msg.write(&mut payload)
            .map_err(|e| TransportError::Encode(e.to_string()))?;
        self.conn
            .send_message(OnionMessage::TYPE, &payload)
            .await
            .map_err(|e| TransportError::Closed(e.to_string()))
    }

    async fn recv_onion_message(&mut self) -> Result<Vec<u8>, TransportError> {
        loop {
            match self.conn.recv().await {
                Ok(lnsocket::Message::Odd { msg_type, payload })
                    if msg_type == OnionMessage::TYPE =>
                {
                    let mut bytes = Vec::with_capacity(payload.len() + 2);
                    bytes.extend_from_slice(&msg_type.to_be_bytes());
                    bytes.extend_from_slice(&payload);
                    return Ok(bytes);
                }
                Ok(lnsocket::Message::Error(e)) => {
                    return Err(TransportError::PeerError(lnsocket::connection::printable(
                        &e.data,
                    )))
                }
                // Warnings, pongs, gossip and other odd messages are not ours.
                Ok(_) => {}
                Err(e) => return Err(TransportError::Closed(e.to_string())),
            }
        }
    }
}
