//! `ping` a node: connect, exchange `init`, send one `ping` and time its
//! `pong` (BOLT #1 §"The `ping` and `pong` Messages"). The library side of
//! `bolt12 ping`.

use std::time::Duration;

use secp256k1::PublicKey;

use crate::connection::{Config, Connection, Message};
use crate::error::Error;
use crate::features::{self, Feature};
use crate::rt;

/// Options for [`ping`].
#[derive(Debug, Clone)]
pub struct PingOptions {
    /// Connection settings (timeouts, features, our key).
    pub config: Config,
    /// `num_pong_bytes` to ask for.
    pub num_pong_bytes: u16,
}

impl Default for PingOptions {
    fn default() -> Self {
        Self {
            config: Config {
                ping_interval: None,
                ..Config::default()
            },
            num_pong_bytes: 4,
        }
    }
}

/// What [`ping`] learned.
#[derive(Debug, Clone)]
pub struct PingReport {
    /// The node id we authenticated.
    pub node_id: PublicKey,
    /// The peer's combined features, named where BOLT #9 names them.
    pub features: Vec<Feature>,
    /// The peer's `init` networks, if it sent any.
    pub networks: Option<Vec<wire::ChainHash>>,
    /// Time from sending `ping` to receiving its `pong`.
    pub rtt: Duration,
}

impl std::fmt::Display for PingReport {
    /// Multi-line human report: node id, one named feature per line, RTT.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "node: {}", self.node_id)?;
        if self.features.is_empty() {
            writeln!(f, "features: none")?;
        } else {
            writeln!(f, "features:")?;
            for feature in &self.features {
                writeln!(f, "  {feature}")?;
            }
        }
        write!(f, "rtt: {:.3} ms", self.rtt.as_secs_f64() * 1000.0)
    }
}

/// Connect to `addr`, exchange `init`, ping once and report. Messages the
/// peer sends meanwhile (gossip, warnings) are skipped; an `error` from the
/// peer aborts with [`Error::PeerError`].
pub async fn ping(addr: &str, opts: &PingOptions) -> Result<PingReport, Error> {
    let mut conn = Connection::connect(addr, opts.config.clone()).await?;
    let res = ping_on(&mut conn, opts).await;
    conn.close().await;
    res
}

async fn ping_on(conn: &mut Connection, opts: &PingOptions) -> Result<PingReport, Error> {
    conn.send_ping(opts.num_pong_bytes).await?;
    let wait = opts.config.pong_timeout;
    let rtt = rt::timeout(wait, async {
        loop {
            match conn.recv().await? {
                Message::Pong { rtt, .. } => return Ok(rtt),
                Message::Error(e) => {
                    return Err(Error::PeerError(crate::connection::printable(&e.data)))
                }
                _ => {}
            }
        }
    })
    .await
    .map_err(|_| Error::PongTimeout(wait))??;
    Ok(PingReport {
        node_id: conn.remote_node_id(),
        features: features::describe(&conn.remote_features()),
        networks: conn.remote_init().tlvs.networks.clone(),
        rtt,
    })
}
