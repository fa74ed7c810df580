//! One peer connection of the demo node, carrying two protocols: Commando (JSON-RPC in odd
//! custom messages, answered by the Commando server) and BOLT 12 over onion messages
//! (`onion_message`, type 513, answered by messenger's [`Responder`]: invoice requests for
//! the node's own offers get an invoice or an `invoice_error` along their reply path).
//!
//! lnsocket's connection has a single owner: messenger's pump ([`messenger::pump::drive`])
//! owns it, sends what either side hands it, and routes onion messages to an
//! [`OnionHub`] (whose one user is the responder) and the rest to Commando.
use std::sync::Arc;

use async_trait::async_trait;
use commando::{CustomMessage, Handler, MessageSink, MessageSource, Server};
use lnsocket::Message;
use messenger::pump::{self, OutgoingSender};
use messenger::responder::ServeReport;
use messenger::{OnionHub, Responder};
use tokio::sync::mpsc;

struct CommandoSink(OutgoingSender);

#[async_trait]
impl MessageSink for CommandoSink {
    async fn send(&self, msg: CustomMessage) -> Result<(), commando::TransportError> {
        pump::send_frame(&self.0, msg.msg_type, msg.payload)
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

/// Serves `conn` until it closes: Commando calls to `server`, invoice requests to
/// `responder`. Returns how Commando ended and what the responder did.
pub async fn serve<H: Handler>(
    server: &Server<H>,
    responder: &Responder,
    conn: lnsocket::Connection,
) -> (Result<(), commando::TransportError>, ServeReport) {
    let peer = conn.remote_node_id();
    let (out_tx, out_rx) = pump::outgoing();
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let hub = OnionHub::new(peer, responder.node_key().clone());
    let mut onion = hub.subscribe(out_tx.clone());
    let pump = pump::drive(conn, out_rx, &hub, move |incoming| match incoming {
        Ok(Message::Odd { msg_type, payload }) => {
            let _ = cmd_tx.send(Ok(CustomMessage { msg_type, payload }));
        }
        Ok(_) | Err(lnsocket::Error::PeerClosed | lnsocket::Error::Closed) => {}
        Err(e) => {
            let _ = cmd_tx.send(Err(e.to_string()));
        }
    });
    let sink: Arc<dyn MessageSink> = Arc::new(CommandoSink(out_tx));
    let source: Box<dyn MessageSource> = Box::new(CommandoSource(cmd_rx));
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
