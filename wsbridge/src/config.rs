//! The bridge's settings: where it listens, the destination policy, the
//! limits, and the TLS certificate for `wss://`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::policy::Policy;

/// Bytes read from a destination at a time; each read becomes one binary
/// frame to the client.
pub const CHUNK: usize = 32 * 1024;

/// The limits. Defaults suit one node's bridge on a small machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections at once from one client (IPv4 address or IPv6 /64).
    pub per_client: usize,
    /// Connections at once in all.
    pub global: usize,
    /// Connections over a limit being answered at once (beyond this they
    /// are closed unanswered, so refusing cannot itself exhaust the bridge).
    pub refusing: usize,
    /// From TCP accept to the end of the upgrade: TLS, the request head,
    /// resolving and connecting to the destination.
    pub handshake_timeout: Duration,
    /// A bridged connection with no data either way for this long is closed.
    /// Lightning peers ping each other (BOLT 1 `ping`), inside the encrypted
    /// stream, which counts as data.
    pub idle_timeout: Duration,
    /// Largest WebSocket frame (and message) a client may send. A BOLT 8
    /// message is at most 65569 bytes on the wire, and clients usually send
    /// one per frame; the default allows a few glued together.
    pub max_frame: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_client: 8,
            global: 256,
            refusing: 64,
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(300),
            max_frame: 256 * 1024,
        }
    }
}

impl Limits {
    /// The WebSocket layer's read buffer per connection.
    pub const READ_BUFFER: usize = 16 * 1024;

    /// An upper bound on the heap one bridged connection holds: a frame
    /// being received (up to `max_frame`, plus the read buffer), the frame
    /// being written to the destination, and a chunk read from the
    /// destination with the frame it becomes, plus bookkeeping. Kernel
    /// socket buffers are not counted (they are not the process's memory).
    pub fn memory_per_connection(&self) -> usize {
        2 * self.max_frame + Self::READ_BUFFER + 2 * CHUNK + 16 * 1024
    }
}

/// Everything the bridge needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// Which destinations are allowed.
    pub policy: Policy,
    /// The limits.
    pub limits: Limits,
    /// TLS for `wss://`; `None` serves `ws://`.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// Why the TLS certificate or key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("reading {path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// A PEM file is malformed.
    #[error("{path}: not PEM: {error}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        error: String,
    },
    /// The certificate file has no `CERTIFICATE` block.
    #[error("{0}: no CERTIFICATE in the file")]
    NoCertificate(PathBuf),
    /// rustls refused the certificate and key (e.g. they do not match).
    #[error("certificate and key: {0}")]
    Rustls(String),
}

/// A TLS server configuration from a PEM certificate chain (leaf first)
/// and a PEM private key (PKCS #8, PKCS #1 or SEC 1), with the `ring`
/// provider (chosen explicitly, as lnsocket's client does) and TLS 1.2/1.3.
pub fn load_tls(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|error| TlsError::Read {
            path: path.to_owned(),
            error,
        })
    };
    let pem_err = |path: &Path, e: rustls_pki_types::pem::Error| TlsError::Pem {
        path: path.to_owned(),
        error: e.to_string(),
    };
    let certs = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_err(cert, e))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate(cert.to_owned()));
    }
    let key_der = PrivateKeyDer::from_pem_slice(&read(key)?).map_err(|e| pem_err(key, e))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TlsError::Rustls(e.to_string()))?
    .with_no_client_auth()
    .with_single_cert(certs, key_der)
    .map_err(|e| TlsError::Rustls(e.to_string()))?;
    Ok(Arc::new(config))
}
