//! `bolt12 proxy`: a WebSocket-to-TCP bridge (crate `wsbridge`) so a web page can reach a
//! node that listens on TCP only, with lnmessage's URL scheme `ws[s]://PROXY/<host>:<port>`.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;
use wsbridge::{Bridge, Config, Destination, Limits, Policy};

const LONG_HELP: &str = "\
DESCRIPTION
  A page opens ws://PROXY/<host>:<port> (wss:// with --tls-cert and --tls-key;
  [ipv6]:port for IPv6): lnmessage's wsProxy URL scheme, and the npm package's. The
  bridge connects to <host>:<port> and moves bytes both ways, binary frames from the
  page to the node and the node's bytes to the page as binary frames, one piece at a
  time: it reads more from one side only when the other side has taken what it has.

  The traffic stays BOLT 8 encrypted end to end. The bridge learns who talks to which
  node, when and how much; never what is said.

SAFE BY DEFAULT
  Destinations come only from --allow (an exact host:port; another port of the same
  host is another destination), or from anywhere public with --allow-any, given
  explicitly. Names are resolved by the bridge and every address is checked: loopback,
  private (RFC 1918, fc00::/7), shared (100.64.0.0/10), link-local, unspecified,
  multicast and other reserved ranges (IPv4 inside IPv6 judged as IPv4) are refused
  unless the destination is listed exactly with --allow, which allows whatever it
  resolves to. The bridge connects only to an address it checked, and only once the
  request, the limits and the check have passed: nothing reaches a destination that
  was not allowed. A name whose last label starts with a digit (127.1, 0x7f000001) is
  refused, since resolvers read those as addresses.

REFUSALS
  Before the upgrade, an HTTP status and one line of text: 400 bad path, 403 not
  allowed or not public, 426 not a WebSocket upgrade, 429 too many connections from
  this client, 503 too many connections, 502 destination unresolvable or refusing,
  408 no upgrade within --handshake-timeout. After it, a close frame: 1000 destination
  closed, 1001 idle, 1003 text frame, 1009 frame over --max-frame, 1011 destination
  error. Each is a line on standard error (wsbridge: refused ..., wsbridge: closed
  ...), as is each bridged connection. On start the bridge prints
  `listening on ws[s]://ADDR` on standard output.

EXAMPLES
  In front of a node on this machine, plain ws:// (for a page on the same machine, or
  behind a TLS terminator such as nginx or caddy):
      bolt12 proxy --listen 127.0.0.1:9736 --allow 127.0.0.1:9735
  wss:// itself, with a certificate for the proxy's name:
      bolt12 proxy --listen [::]:443 --allow 127.0.0.1:9735 \\
          --tls-cert /etc/letsencrypt/live/proxy.example/fullchain.pem \\
          --tls-key /etc/letsencrypt/live/proxy.example/privkey.pem
  The page then connects to <node_id>@wss://proxy.example/127.0.0.1:9735.";

/// Arguments of `bolt12 proxy`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = LONG_HELP)]
pub struct Args {
    /// Address to listen on, e.g. 127.0.0.1:9736 or [::]:443 (port 0: any free port).
    #[arg(long, value_name = "ADDR")]
    pub listen: SocketAddr,
    /// A destination allowed exactly: host:port or [ipv6]:port (repeat for more).
    #[arg(long = "allow", value_name = "HOST:PORT", value_parser = parse_dest)]
    pub allow: Vec<Destination>,
    /// Also allow any destination at public addresses (private ranges stay refused).
    #[arg(long)]
    pub allow_any: bool,
    /// PEM certificate chain (leaf first) for wss://; needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert (PKCS #8, PKCS #1 or SEC 1).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Connections at once from one client (IPv4 address or IPv6 /64).
    #[arg(long, value_name = "N", default_value_t = Limits::default().per_client)]
    pub max_per_client: usize,
    /// Connections at once in all.
    #[arg(long, value_name = "N", default_value_t = Limits::default().global)]
    pub max_connections: usize,
    /// Seconds for TLS, the upgrade request and connecting to the destination.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().handshake_timeout.as_secs_f64())]
    pub handshake_timeout: f64,
    /// Seconds without data either way before a bridged connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().idle_timeout.as_secs_f64())]
    pub idle_timeout: f64,
    /// Largest WebSocket frame a client may send, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_frame)]
    pub max_frame: usize,
}

fn parse_dest(s: &str) -> Result<Destination, String> {
    s.parse().map_err(|e: wsbridge::DestError| e.to_string())
}

/// Why `bolt12 proxy` could not run.
#[derive(Debug, Error)]
pub enum ProxyError {
    /// Neither `--allow` nor `--allow-any`.
    #[error("nothing is allowed: give --allow HOST:PORT (repeatable) or --allow-any")]
    NothingAllowed,
    /// A timeout that is not a positive number of seconds.
    #[error("--{0} must be a positive number of seconds")]
    BadTimeout(&'static str),
    /// A limit of zero.
    #[error("--{0} must be at least 1")]
    ZeroLimit(&'static str),
    /// The certificate or key.
    #[error("TLS: {0}")]
    Tls(#[from] wsbridge::TlsError),
    /// The async runtime could not start.
    #[error("starting the runtime: {0}")]
    Runtime(std::io::Error),
    /// The listening address could not be bound.
    #[error("listening on {addr}: {error}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The error.
        error: std::io::Error,
    },
}

fn seconds(value: f64, name: &'static str) -> Result<Duration, ProxyError> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or(ProxyError::BadTimeout(name))
}

fn config(args: Args) -> Result<Config, ProxyError> {
    if args.allow.is_empty() && !args.allow_any {
        return Err(ProxyError::NothingAllowed);
    }
    for (value, name) in [
        (args.max_per_client, "max-per-client"),
        (args.max_connections, "max-connections"),
        (args.max_frame, "max-frame"),
    ] {
        if value == 0 {
            return Err(ProxyError::ZeroLimit(name));
        }
    }
    let limits = Limits {
        per_client: args.max_per_client,
        global: args.max_connections,
        handshake_timeout: seconds(args.handshake_timeout, "handshake-timeout")?,
        idle_timeout: seconds(args.idle_timeout, "idle-timeout")?,
        max_frame: args.max_frame,
        ..Limits::default()
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(wsbridge::load_tls(cert, key)?),
        _ => None,
    };
    Ok(Config {
        listen: args.listen,
        policy: Policy::new(args.allow, args.allow_any),
        limits,
        tls,
    })
}

/// Run the bridge until the process is stopped.
pub fn run(args: Args) -> Result<(), ProxyError> {
    let config = config(args)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ProxyError::Runtime)?;
    rt.block_on(async {
        let (listen, tls) = (config.listen, config.tls.is_some());
        let bridge = Bridge::bind(config)
            .await
            .map_err(|error| ProxyError::Bind {
                addr: listen,
                error,
            })?;
        let addr = bridge.local_addr().map_err(|error| ProxyError::Bind {
            addr: listen,
            error,
        })?;
        let scheme = if tls { "wss" } else { "ws" };
        println!("listening on {scheme}://{addr}");
        let _ = std::io::Write::flush(&mut std::io::stdout());
        bridge.run().await;
        Ok(())
    })
}
