//! One peer connection of the demo node, carrying two protocols: Commando (JSON-RPC in odd
//! custom messages, answered by the Commando server) and BOLT 12 over onion messages
//! (`onion_message`, type 513, answered by messenger's [`Responder`]: invoice requests for
//! the node's own offers get an invoice or an `invoice_error` along their reply path).
//!
//! lnsocket's connection has a single owner: a pump owns it, sends what either side hands
//! it and routes what arrives by type.
use std::sync::Arc;

use async_trait::async_trait;
use commando::{CustomMessage, Handler, MessageSink, MessageSource, Server};
use lnsocket::Message;
use messenger::responder::ServeReport;
use messenger::{NodeKey, OnionTransport, Responder, TransportError};
use onion::tlv::OnionMessage;
use secp256k1::PublicKey;
use tokio::sync::{mpsc, oneshot};

type Outgoing = (u16, Vec<u8>, oneshot::Sender<Result<(), String>>);

async fn send(
    out: &mpsc::UnboundedSender<Outgoing>,
    t: u16,
    payload: Vec<u8>,
) -> Result<(), String> {
    let (ack, done) = oneshot::channel();
    out.send((t, payload, ack))
        .map_err(|_| "connection is closed".to_string())?;
    done.await
        .unwrap_or_else(|_| Err("connection is closed".to_string()))
}

struct CommandoSink(mpsc::UnboundedSender<Outgoing>);

#[async_trait]
impl MessageSink for CommandoSink {
    async fn send(&self, msg: CustomMessage) -> Result<(), commando::TransportError> {
        send(&self.0, msg.msg_type, msg.payload)
            .await
            .map_err(commando::TransportError::Io)
    }
}

struct CommandoSource(mpsc::UnboundedReceiver<Result<CustomMessage, String>>);

#[async_trait]
impl MessageSource for CommandoSource {
    async fn recv(&mut self) -> Result<Option<CustomMessage>, commando::TransportError> {
        match self.0.recv().await {
            None => Ok(None),
            Some(Ok(m)) => Ok(Some(m)),
            Some(Err(e)) => Err(commando::TransportError::Io(e)),
        }
    }
}

/// The onion-message side of the connection, for [`Responder::serve`].
struct OnionSide {
    out: mpsc::UnboundedSender<Outgoing>,
    rx: mpsc::UnboundedReceiver<Result<Vec<u8>, String>>,
    peer: PublicKey,
    key: NodeKey,
}

#[async_trait]
impl OnionTransport for OnionSide {
    fn peer_id(&self) -> PublicKey {
        self.peer
    }

    fn node_key(&self) -> &NodeKey {
        &self.key
    }

    async fn send_onion_message(&mut self, msg: &OnionMessage) -> Result<(), TransportError> {
        let mut payload = Vec::new();
        msg.write(&mut payload)
            .map_err(|e| TransportError::Encode(e.to_string()))?;
        send(&self.out, OnionMessage::TYPE, payload)
            .await
            .map_err(TransportError::Closed)
    }

    async fn recv_onion_message(&mut self) -> Result<Vec<u8>, TransportError> {
        match self.rx.recv().await {
            Some(Ok(b)) => Ok(b),
            Some(Err(e)) => Err(TransportError::Closed(e)),
            None => Err(TransportError::Closed("connection is closed".into())),
        }
    }
}

/// Serves `conn` until it closes: Commando calls to `server`, invoice requests to
/// `responder`. Returns how Commando ended and what the responder did.
pub async fn serve<H: Handler>(
    server: &Server<H>,
    responder: &Responder,
    conn: lnsocket::Connection,
) -> (Result<(), commando::TransportError>, ServeReport) {
    let peer = conn.remote_node_id();
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Outgoing>();
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (onion_tx, onion_rx) = mpsc::unbounded_channel();
    let pump = async move {
        let mut conn = conn;
        loop {
            tokio::select! {
                incoming = conn.recv() => match incoming {
                    Ok(Message::Odd { msg_type, payload }) if msg_type == OnionMessage::TYPE => {
                        let mut bytes = Vec::with_capacity(payload.len() + 2);
                        bytes.extend_from_slice(&msg_type.to_be_bytes());
                        bytes.extend_from_slice(&payload);
                        let _ = onion_tx.send(Ok(bytes));
                    }
                    Ok(Message::Odd { msg_type, payload }) => {
                        let _ = cmd_tx.send(Ok(CustomMessage { msg_type, payload }));
                    }
                    Ok(_) => {}
                    Err(lnsocket::Error::PeerClosed | lnsocket::Error::Closed) => break,
                    Err(e) => {
                        let _ = cmd_tx.send(Err(e.to_string()));
                        let _ = onion_tx.send(Err(e.to_string()));
                        break;
                    }
                },
                outgoing = out_rx.recv() => match outgoing {
                    Some((t, payload, ack)) => {
                        let r = if t % 2 == 0 {
                            Err(format!("refusing to send even message type {t}"))
                        } else {
                            conn.send_message(t, &payload).await.map_err(|e| e.to_string())
                        };
                        let _ = ack.send(r);
                    }
                    None => {
                        conn.close().await;
                        break;
                    }
                },
            }
        }
    };
    let sink: Arc<dyn MessageSink> = Arc::new(CommandoSink(out_tx.clone()));
    let source: Box<dyn MessageSource> = Box::new(CommandoSource(cmd_rx));
    let mut onion = OnionSide {
        out: out_tx,
        rx: onion_rx,
        peer,
        key: responder.node_key().clone(),
    };
    let (served, report, ()) = tokio::join!(
        server.serve(peer.serialize(), sink, source),
        async {
            let report = responder.serve(&mut onion).await;
            // Let the pump end once Commando is done too.
            drop(onion);
            report
        },
        pump
    );
    (served, report)
}
