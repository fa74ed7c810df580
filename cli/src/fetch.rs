//! `bolt12 fetchinvoice`: fetch an invoice for an offer natively, with an onion message
//! through a node we connect to (BOLT 12 §"Invoice Requests" over BOLT 4 §"Onion
//! Messages"), check it against the request, print it as `decode` JSON plus the checks.
use std::time::Duration;

use messenger::payer::{fetch_invoice, FetchOptions};
use messenger::{FetchError, OnionPeer, TransportError};
use serde_json::Value;
use thiserror::Error;

/// Arguments of `bolt12 fetchinvoice`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The offer (`lno1...`).
    pub offer: String,
    /// The node to send the request through: `<node_id>@<host:port>` or
    /// `<node_id>@ws://...` / `wss://...` (the offer's issuer, or a node that reaches it).
    #[arg(long)]
    pub via: String,
    /// `invreq_amount` in millisatoshi (needed when the offer sets no amount).
    #[arg(long)]
    pub amount_msat: Option<u64>,
    /// `invreq_quantity`.
    #[arg(long)]
    pub quantity: Option<u64>,
    /// `invreq_payer_note`.
    #[arg(long)]
    pub payer_note: Option<String>,
    /// Seconds to wait for connecting, and then for the answer along each route.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// Why `fetchinvoice` failed.
#[derive(Debug, Error)]
pub enum FetchCliError {
    /// The offer does not decode.
    #[error("invalid offer: {0}")]
    Offer(bolt12::ParseError),
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
    /// The fetch failed: the issuer's `invoice_error`, a timeout, a failed check...
    #[error("{0}")]
    Fetch(FetchError),
    /// Our own decode of the invoice failed (it passed the checks, so this is a bug).
    #[error("decoding the invoice: {0}")]
    Decode(bolt12::json::DecodeJsonError),
}

/// Runs `bolt12 fetchinvoice`.
pub fn run(args: Args) -> Result<(), FetchCliError> {
    let offer: bolt12::Offer = bolt12::json::strip_lightning_prefix(args.offer.trim())
        .parse()
        .map_err(FetchCliError::Offer)?;
    let timeout = Duration::from_secs(args.timeout);
    let config = lnsocket::Config {
        connect_timeout: timeout,
        handshake_timeout: timeout,
        init_timeout: timeout,
        ..lnsocket::Config::default()
    };
    let options = FetchOptions {
        amount_msat: args.amount_msat,
        quantity: args.quantity,
        payer_note: args.payer_note,
        timeout,
        now: None,
        stateless: None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(FetchCliError::Runtime)?;
    let fetched = rt.block_on(async {
        let mut peer = OnionPeer::connect(&args.via, None, config)
            .await
            .map_err(|error| FetchCliError::Connect {
                via: args.via.clone(),
                error,
            })?;
        let fetched = fetch_invoice(&mut peer, &offer, &options).await;
        peer.close().await;
        fetched.map_err(FetchCliError::Fetch)
    })?;
    let invoice = fetched.invoice.to_string();
    let mut json = bolt12::json::decode_json(&invoice).map_err(FetchCliError::Decode)?;
    if let Value::Object(map) = &mut json {
        map.insert("invoice".into(), Value::String(invoice));
        map.insert("route".into(), Value::String(fetched.route.describe()));
        map.insert(
            "checks".into(),
            Value::Array(
                fetched
                    .checks
                    .iter()
                    .map(|c| Value::String((*c).into()))
                    .collect(),
            ),
        );
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
    );
    Ok(())
}
