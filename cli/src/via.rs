//! `--via` and `--timeout`, shared by `bolt12 fetchinvoice` and `bolt12 sendinvoice`: the
//! node an onion message goes through (BOLT 4 §"Onion Messages", over a BOLT 8
//! connection), and how long to wait for it and for the answer.
use std::time::Duration;

use messenger::{NodeKey, OnionPeer, TransportError};
use thiserror::Error;

/// The node to send through, and the wait.
#[derive(Debug, clap::Args)]
pub struct ViaArgs {
    /// The node to send the onion message through: `<node_id>@<host:port>` or
    /// `<node_id>@ws://...` / `wss://...` (the offer's issuer or the refund's payer, or a
    /// node that reaches it).
    #[arg(long)]
    pub via: String,
    /// Seconds to wait for connecting, and then for the answer (the invoice, or the payer's
    /// `invoice_error`) along each route.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// Why the connection to `--via` could not be used.
#[derive(Debug, Error)]
pub enum ViaError {
    /// The async runtime could not start.
    #[error("starting the runtime: {0}")]
    Runtime(std::io::Error),
    /// Connecting to `--via` failed.
    #[error("connect {via}: {error}")]
    Connect {
        /// The `--via` given.
        via: String,
        /// What went wrong.
        error: TransportError,
    },
}

impl ViaArgs {
    /// `--timeout`.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    /// Connects to `--via` as `key` (a fresh identity when `None`), each step (TCP or
    /// WebSocket, BOLT 8 handshake, `init`) within `--timeout`; runs `exchange` on the
    /// connection, then closes it.
    pub fn exchange<T, E, F>(&self, key: Option<NodeKey>, exchange: F) -> Result<T, E>
    where
        E: From<ViaError>,
        F: AsyncFnOnce(&mut OnionPeer) -> Result<T, E>,
    {
        let timeout = self.timeout();
        let config = lnsocket::Config {
            connect_timeout: timeout,
            handshake_timeout: timeout,
            init_timeout: timeout,
            ..lnsocket::Config::default()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ViaError::Runtime)?;
        rt.block_on(async {
            let mut peer = OnionPeer::connect(&self.via, key, config)
                .await
                .map_err(|error| ViaError::Connect {
                    via: self.via.clone(),
                    error,
                })?;
            let answer = exchange(&mut peer).await;
            peer.close().await;
            answer
        })
    }
}
