//! Talking to nodes: `bolt12 ping` (BOLT 8 + BOLT 1) and `bolt12 commando` (JSON-RPC to
//! Core Lightning over custom messages, authorised by a rune).
use std::time::Duration;

use thiserror::Error;

/// Arguments of `bolt12 ping`.
#[derive(Debug, clap::Args)]
pub struct PingArgs {
    /// `<node_id>@<host:port>` or `<node_id>@ws://...` / `wss://...`.
    pub target: String,
    /// Seconds to wait for connecting, the handshake, `init` and the pong.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

/// Arguments of `bolt12 commando`.
#[derive(Debug, clap::Args)]
pub struct CommandoArgs {
    /// `<node_id>@<host:port>` or `<node_id>@ws://...` / `wss://...`.
    pub target: String,
    /// The rune authorising the call (base64url, so it may start with `-`: one rune in
    /// 64 does).
    #[arg(long, allow_hyphen_values = true)]
    pub rune: String,
    /// The JSON-RPC method.
    pub method: String,
    /// Parameters: one JSON object or array, or `key=value` pairs, or positional values.
    pub params: Vec<String>,
    /// A Core Lightning `filter` (JSON) for the result.
    #[arg(long)]
    pub filter: Option<String>,
    /// Seconds to wait for the reply.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

/// Why a network command failed.
#[derive(Debug, Error)]
pub enum NetError {
    /// The async runtime could not start.
    #[error("starting the runtime: {0}")]
    Runtime(std::io::Error),
    /// Connecting or pinging failed.
    #[error("ping {target}: {error}")]
    Ping {
        /// The target given.
        target: String,
        /// What went wrong.
        error: lnsocket::Error,
    },
    /// Bad parameters or filter.
    #[error("{0}")]
    Params(#[from] commando::cli::CliError),
    /// The node answered with an error, or the call failed (the error object was printed).
    #[error("commando: {0}")]
    Commando(commando::CommandoError),
}

fn runtime() -> Result<tokio::runtime::Runtime, NetError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(NetError::Runtime)
}

/// Runs `bolt12 ping`: prints the peer's id, its features by BOLT 9 name, and the round
/// trip time.
pub fn ping(args: PingArgs) -> Result<(), NetError> {
    let mut opts = lnsocket::ping::PingOptions::default();
    let t = Duration::from_secs(args.timeout);
    opts.config.connect_timeout = t;
    opts.config.handshake_timeout = t;
    opts.config.init_timeout = t;
    opts.config.pong_timeout = t;
    let report = runtime()?
        .block_on(lnsocket::ping::ping(&args.target, &opts))
        .map_err(|error| NetError::Ping {
            target: args.target.clone(),
            error,
        })?;
    println!("{report}");
    Ok(())
}

/// Runs `bolt12 commando`: prints the node's `result`, or its error object (with the code)
/// and fails.
pub fn commando(args: CommandoArgs) -> Result<(), NetError> {
    let params = commando::cli::parse_params(&args.params)?;
    let mut request = commando::Request::new(args.method)
        .params(params)
        .rune(args.rune);
    if let Some(f) = &args.filter {
        let filter =
            serde_json::from_str(f).map_err(|e| commando::cli::CliError::BadJson(e.to_string()))?;
        request = request.filter(filter);
    }
    let client = commando::ClientConfig {
        timeout: Duration::from_secs(args.timeout),
        ..Default::default()
    };
    let outcome = runtime()?.block_on(commando::lnsocket_adaptor::call_once(
        &args.target,
        lnsocket::Config::default(),
        client,
        request,
    ));
    let (text, _) = commando::cli::render_outcome(&outcome);
    println!("{text}");
    outcome.map(|_| ()).map_err(NetError::Commando)
}
