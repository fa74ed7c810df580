//! `bolt12 fetchinvoice`: fetch an invoice for an offer natively, with an onion message
//! through a node we connect to (BOLT 12 §"Invoice Requests" over BOLT 4 §"Onion
//! Messages"), check it against the request, print it as `decode` JSON plus the checks.
use messenger::payer::{fetch_invoice, FetchOptions};
use messenger::FetchError;
use serde_json::Value;
use thiserror::Error;

use crate::via::{ViaArgs, ViaError};

/// Arguments of `bolt12 fetchinvoice`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The offer (`lno1...`).
    pub offer: String,
    /// `--via` and `--timeout`.
    #[command(flatten)]
    pub via: ViaArgs,
    /// `invreq_amount` in millisatoshi (needed when the offer sets no amount).
    #[arg(long)]
    pub amount_msat: Option<u64>,
    /// `invreq_quantity`.
    #[arg(long)]
    pub quantity: Option<u64>,
    /// `invreq_payer_note`.
    #[arg(long)]
    pub payer_note: Option<String>,
}

/// Why `fetchinvoice` failed.
#[derive(Debug, Error)]
pub enum FetchCliError {
    /// The offer does not decode.
    #[error("invalid offer: {0}")]
    Offer(bolt12::ParseError),
    /// The runtime did not start, or connecting to `--via` failed.
    #[error(transparent)]
    Via(#[from] ViaError),
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
    let options = FetchOptions {
        amount_msat: args.amount_msat,
        quantity: args.quantity,
        payer_note: args.payer_note,
        timeout: args.via.timeout(),
        now: None,
        stateless: None,
    };
    let fetched = args.via.exchange(None, async |peer| {
        fetch_invoice(peer, &offer, &options)
            .await
            .map_err(FetchCliError::Fetch)
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
