//! An in-memory transport: a pair of connected endpoints over tokio
//! channels, for tests and for embedding client and server in one process.

use crate::frame::CustomMessage;
use crate::transport::{Connection, MessageSink, MessageSource, TransportError};
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Sending half of an in-memory endpoint.
#[derive(Debug, Clone)]
pub struct MemorySink(mpsc::UnboundedSender<CustomMessage>);

/// Receiving half of an in-memory endpoint.
#[derive(Debug)]
pub struct MemorySource(mpsc::UnboundedReceiver<CustomMessage>);

#[async_trait]
impl MessageSink for MemorySink {
    async fn send(&self, msg: CustomMessage) -> Result<(), TransportError> {
        self.0.send(msg).map_err(|_| TransportError::Closed)
    }
}

#[async_trait]
impl MessageSource for MemorySource {
    async fn recv(&mut self) -> Result<Option<CustomMessage>, TransportError> {
        Ok(self.0.recv().await)
    }
}

/// Two connected endpoints: what one sends, the other receives. Dropping
/// both halves of one endpoint closes the connection for the other.
pub fn pair() -> ((MemorySink, MemorySource), (MemorySink, MemorySource)) {
    let (a_tx, a_rx) = mpsc::unbounded_channel();
    let (b_tx, b_rx) = mpsc::unbounded_channel();
    (
        (MemorySink(a_tx), MemorySource(b_rx)),
        (MemorySink(b_tx), MemorySource(a_rx)),
    )
}

/// Two connected endpoints as boxed [`Connection`]s.
pub fn connection_pair() -> (Connection, Connection) {
    let ((a_sink, a_src), (b_sink, b_src)) = pair();
    (
        (Arc::new(a_sink), Box::new(a_src)),
        (Arc::new(b_sink), Box::new(b_src)),
    )
}
