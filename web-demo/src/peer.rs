//! One peer connection of the demo node, carrying two protocols: Commando (JSON-RPC in odd
//! custom messages, answered by the Commando server) and BOLT 12 over onion messages
//! (`onion_message`, type 513, answered by messenger's [`Responder`]: invoice requests for
//! the node's own offers get an invoice or an `invoice_error` along their reply path).
//!
//! lnsocket's connection has a single owner: messenger's pump ([`messenger::pump::drive`])
//! owns it, sends what either side hands it, and routes onion messages to an
//! [`OnionHub`] (whose one user is the responder) and the rest to Commando.
use std::sync::atomic::{AtomicBool, Ordering};
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

/// At most this many Commando messages wait for the server to read them (it reads while
/// fewer than its `max_in_flight` commands run). A peer that sends more ahead of the
/// answers is flooding: its Commando session ends (the onion messages go on), so what one
/// connection can make the demo node hold stays bounded.
const COMMANDO_QUEUE: usize = 64;

struct CommandoSource {
    rx: mpsc::Receiver<Result<CustomMessage, String>>,
    flooded: Arc<AtomicBool>,
}

#[async_trait]
impl MessageSource for CommandoSource {
    async fn recv(&mut self) -> Result<Option<CustomMessage>, commando::TransportError> {
        if self.flooded.load(Ordering::Relaxed) {
            return Err(commando::TransportError::Io(format!(
                "the peer sent more than {COMMANDO_QUEUE} Commando messages ahead of the answers"
            )));
        }
        match self.rx.recv().await {
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
    let (cmd_tx, cmd_rx) = mpsc::channel(COMMANDO_QUEUE);
    let flooded = Arc::new(AtomicBool::new(false));
    let flood = flooded.clone();
    let hub = OnionHub::new(peer, responder.node_key().clone());
    let mut onion = hub.subscribe(out_tx.clone());
    let pump = pump::drive(conn, out_rx, &hub, move |incoming| match incoming {
        Ok(Message::Odd { msg_type, payload }) => {
            let m = CustomMessage { msg_type, payload };
            if let Err(mpsc::error::TrySendError::Full(_)) = cmd_tx.try_send(Ok(m)) {
                flood.store(true, Ordering::Relaxed);
            }
        }
        Ok(_) | Err(lnsocket::Error::PeerClosed | lnsocket::Error::Closed) => {}
        Err(e) => {
            let _ = cmd_tx.try_send(Err(e.to_string()));
        }
    });
    let sink: Arc<dyn MessageSink> = Arc::new(CommandoSink(out_tx));
    let source: Box<dyn MessageSource> = Box::new(CommandoSource {
        rx: cmd_rx,
        flooded,
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use commando::frame::{split, Direction};
    use commando::{Call, Limits, Request, RpcError};
    use lnsocket::listener::{Kind, Listener};
    use lnsocket::{Config, Connection, PrivateKey};
    use messenger::{NodeKey, ResponderConfig};
    use runes::{MasterRune, MasterSecret, MemoryRuneStore, SystemClock, UniqueId};
    use serde_json::Value;
    use std::time::Duration;

    /// Never answers, so commands pile up.
    struct Stuck;

    #[async_trait]
    impl Handler for Stuck {
        async fn call(&self, _: Call) -> Result<Value, RpcError> {
            std::future::pending().await
        }
    }

    /// A peer that sends far more Commando commands than are answered: the demo node holds
    /// at most `max_in_flight` running plus `COMMANDO_QUEUE` waiting, then ends that peer's
    /// Commando session with a typed error naming the flood.
    #[tokio::test]
    async fn a_commando_flood_ends_the_session_with_its_reason() {
        let master = MasterRune::new(&MasterSecret::new(b"flood").expect("secret"));
        let rune = master
            .create(UniqueId::new("0").expect("id"), vec![])
            .to_base64();
        let server = Server::new(
            master,
            Arc::new(MemoryRuneStore::new()),
            Arc::new(SystemClock),
            Stuck,
            Limits::default(),
        );
        let secret = [7u8; 32];
        let responder = Responder::new(
            NodeKey::from_bytes(&secret).expect("key"),
            &[9; 32],
            ResponderConfig::default(),
        )
        .expect("responder");
        let key = PrivateKey::from_bytes(&secret).expect("key");
        let listener = Listener::bind("127.0.0.1:0".parse().expect("addr"), Kind::Tcp, key)
            .await
            .expect("bind");
        let addr = format!(
            "{}@{}",
            listener.node_id(),
            listener.local_addr().expect("addr")
        );
        let serving = tokio::spawn(async move {
            let conn = listener.accept(Config::default()).await.expect("accept");
            serve(&server, &responder, conn).await
        });
        let mut client = Connection::connect(&addr, Config::default())
            .await
            .expect("connect");
        let flood = 16 + COMMANDO_QUEUE as u64 + 50;
        for i in 0..flood {
            let body = Request::new("getinfo")
                .rune(rune.clone())
                .to_json(&i.to_string());
            for m in split(Direction::Command, i, body.as_bytes()) {
                client
                    .send_message(m.msg_type, &m.payload)
                    .await
                    .expect("send");
            }
        }
        // Let the node read what it will, then hang up so the onion side ends too.
        tokio::time::sleep(Duration::from_millis(500)).await;
        client.close().await;
        let (commando, _) = tokio::time::timeout(Duration::from_secs(20), serving)
            .await
            .expect("serve ends after the peer hangs up")
            .expect("task");
        match commando {
            Err(commando::TransportError::Io(why)) => {
                assert!(
                    why.contains("Commando messages ahead of the answers"),
                    "{why}"
                )
            }
            other => panic!("expected the flood to end the session, got {other:?}"),
        }
    }
}
