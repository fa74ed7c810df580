//! `bolt12 payerproof`: a payer proof (`lnp1...`, **DRAFT** lightning/bolts#1295) that the
//! holder of the payer key paid an invoice, from the invoice, the payment preimage and the
//! key that signed the invoice request (`invreq_payer_id`). The payer chooses the fields to
//! reveal (`--reveal`, by spec name or type); `invreq_payer_id`, `invoice_payment_hash`,
//! `invoice_node_id` and `invoice_features` always are, `invreq_metadata` never. The note
//! (`--note`) is signed with it: a challenge from whoever asks for the proof.
//!
//! Prints the `lnp1...` string; with `--json`, the string and its `decode` JSON.
use std::path::PathBuf;

use bolt12::payer_proof::{self, Layout, PayerProof, PayerProofError};
use bolt12::{Invoice, ParseError};
use secp256k1::{Keypair, SECP256K1};
use serde_json::json;
use thiserror::Error;

/// Arguments of `bolt12 payerproof`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The paid invoice (`lni1...`).
    #[arg(long, value_name = "LNI")]
    pub invoice: String,
    /// The payment preimage the payment returned (32 bytes hex).
    #[arg(long, value_name = "HEX")]
    pub preimage: String,
    /// The payer secret key (32 bytes hex; its public key is the invoice's
    /// `invreq_payer_id`), or `-` to read it from standard input.
    #[arg(
        long,
        value_name = "HEX|-",
        conflicts_with = "payer_key_file",
        required_unless_present = "payer_key_file"
    )]
    pub payer_key: Option<String>,
    /// `--payer-key` read from a file (hex) that only its owner can access.
    #[arg(long, value_name = "FILE")]
    pub payer_key_file: Option<PathBuf>,
    /// An invoice field to reveal, by spec name (`offer_description`, `invoice_amount`...)
    /// or type number. Repeat for several; absent fields are skipped.
    #[arg(long = "reveal", value_name = "FIELD")]
    pub reveal: Vec<String>,
    /// The note signed with the proof (a challenge; empty when absent).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    /// Which revision of the draft: `draft` (the draft's text, records 242-250) or
    /// `core-lightning` (Core Lightning v26.06.6's, records 241 and 1001-1005, which its
    /// `decode` reads).
    #[arg(long, value_name = "LAYOUT", default_value = "draft", value_parser = parse_layout)]
    pub layout: Layout,
    /// Print a JSON object: the proof and its `decode` JSON.
    #[arg(long)]
    pub json: bool,
}

/// Why no proof was made.
#[derive(Debug, Error)]
pub enum PayerProofCliError {
    /// `--invoice` is not an invoice.
    #[error("--invoice: {0}")]
    Invoice(ParseError),
    /// `--preimage` is not 32 bytes of hex.
    #[error("--preimage: {0}")]
    Preimage(String),
    /// `--payer-key` is not a secret key.
    #[error("--payer-key: {0}")]
    PayerKey(String),
    /// `--payer-key-file` could not be used.
    #[error("--payer-key-file: {0}")]
    KeyFile(#[from] crate::keys::KeyFileError),
    /// `--reveal` names no invoice field.
    #[error("--reveal: {0:?} is not an invoice field name or type number")]
    UnknownField(String),
    /// The proof could not be made (wrong preimage or key, a field that cannot be shown).
    #[error("{0}")]
    Proof(#[from] PayerProofError),
}

fn parse_layout(s: &str) -> Result<Layout, String> {
    match s {
        "draft" => Ok(Layout::Draft),
        "core-lightning" | "cln" => Ok(Layout::CoreLightning),
        other => Err(format!("{other:?}: expected draft or core-lightning")),
    }
}

fn field_type(s: &str) -> Result<u64, PayerProofCliError> {
    s.parse::<u64>()
        .ok()
        .or_else(|| payer_proof::invoice_field_type(s))
        .ok_or_else(|| PayerProofCliError::UnknownField(s.to_owned()))
}

fn payer_keypair(args: &Args) -> Result<Keypair, PayerProofCliError> {
    let key = crate::keys::secret_key_arg(
        args.payer_key.as_deref(),
        args.payer_key_file.as_deref(),
        PayerProofCliError::PayerKey,
    )?
    .ok_or_else(|| PayerProofCliError::PayerKey("required".into()))?;
    Ok(Keypair::from_secret_key(SECP256K1, &key))
}

/// Runs `bolt12 payerproof`.
pub fn run(args: Args) -> Result<(), PayerProofCliError> {
    let invoice = bolt12::json::strip_lightning_prefix(&args.invoice)
        .parse::<Invoice>()
        .map_err(PayerProofCliError::Invoice)?;
    let preimage: [u8; 32] = hex::decode(args.preimage.trim())
        .map_err(|e| PayerProofCliError::Preimage(format!("not hex: {e}")))?
        .try_into()
        .map_err(|b: Vec<u8>| PayerProofCliError::Preimage(format!("32 bytes, got {}", b.len())))?;
    let reveal = args
        .reveal
        .iter()
        .map(|s| field_type(s))
        .collect::<Result<Vec<_>, _>>()?;
    let mut payer = payer_keypair(&args)?;
    let proof = PayerProof::create(
        &invoice,
        &preimage,
        &payer,
        |t| reveal.contains(&t),
        &args.note,
        args.layout,
    );
    payer.non_secure_erase();
    let s = proof?.to_string();
    if args.json {
        let decoded = bolt12::json::decode_json_at(&s, None).unwrap_or_default();
        println!("{:#}", json!({ "bolt12": s, "decode": decoded }));
    } else {
        println!("{s}");
    }
    Ok(())
}
