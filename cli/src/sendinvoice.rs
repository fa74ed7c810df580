//! `bolt12 sendinvoice`: answer a refund (an invoice request without an offer, `lnr1...`,
//! e.g. Core Lightning's `invoicerequest`) as its payee: an invoice for `invreq_amount`
//! signed by the payee key (BOLT 12 §"Invoices", writer), sent as an onion message through
//! `--via` along the refund's `invreq_paths`, or to `invreq_payer_id` (straight when that is
//! `--via`); then wait for the payer's `invoice_error`. Prints the invoice as `decode` JSON
//! plus `invoice`, `route`, `payment_preimage` (unless `--key-material` makes the payment
//! hash stateless) and `reply`; exit 1 when the payer answers with an `invoice_error`.
//!
//! The connection's identity is the payee key, so `invoice_node_id` is the node that sent
//! the invoice. Without channels the payment path is a one-hop blinded path to us.
use std::path::PathBuf;

use bolt12::stateless::{payment, ExpandedKey};
use bolt12::Refund;
use messenger::send_invoice::{
    invoice_for_refund, one_hop_payment_path, send_invoice, SendInvoiceError, SendInvoiceOptions,
};
use messenger::NodeKey;
use secp256k1::{Keypair, SecretKey, SECP256K1};
use serde_json::{json, Value};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::via::{ViaArgs, ViaError};

/// Arguments of `bolt12 sendinvoice`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The refund (`lnr1...`).
    pub refund: String,
    /// `--via` and `--timeout`.
    #[command(flatten)]
    pub via: ViaArgs,
    /// Payee secret key (32 bytes hex), or `-` for standard input: signs the invoice
    /// (`invoice_node_id`) and is the connection's identity. Fresh when absent.
    #[arg(long, value_name = "HEX|-", conflicts_with = "issuer_key_file")]
    pub issuer_key: Option<String>,
    /// `--issuer-key` read from a file (hex) that only its owner can access.
    #[arg(long, value_name = "FILE")]
    pub issuer_key_file: Option<PathBuf>,
    /// 32 bytes of key material (hex, LDK's `ExpandedKey`): the payment hash is stateless
    /// (LDK's `inbound_payment` scheme, the secret in the payment path), so the preimage is
    /// recomputed when the payment arrives instead of being printed.
    #[arg(long, value_name = "HEX32")]
    pub key_material: Option<String>,
    /// `invoice_relative_expiry`, seconds.
    #[arg(long, default_value_t = 7200)]
    pub relative_expiry: u32,
}

/// Why `sendinvoice` failed.
#[derive(Debug, Error)]
pub enum SendInvoiceCliError {
    /// The refund does not decode.
    #[error("invalid refund: {0}")]
    Refund(bolt12::ParseError),
    /// `--issuer-key` is not a secret key.
    #[error("--issuer-key: {0}")]
    IssuerKey(String),
    /// `--issuer-key-file` could not be used.
    #[error("--issuer-key-file: {0}")]
    KeyFile(#[from] crate::keys::KeyFileError),
    /// `--key-material` is not 32 bytes of hex.
    #[error("--key-material: {0}")]
    KeyMaterial(String),
    /// No randomness for a key, preimage or path.
    #[error("random source: {0}")]
    Random(getrandom::Error),
    /// The stateless payment hash could not be made.
    #[error("payment hash: {0}")]
    Payment(payment::PaymentError),
    /// The runtime did not start, or connecting to `--via` failed.
    #[error(transparent)]
    Via(#[from] ViaError),
    /// Building or sending the invoice failed.
    #[error("{0}")]
    Send(#[from] SendInvoiceError),
    /// The payer answered with an `invoice_error`.
    #[error("invoice_error: {0}")]
    InvoiceError(String),
}

fn random32() -> Result<Zeroizing<[u8; 32]>, SendInvoiceCliError> {
    let mut b = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(b.as_mut()).map_err(SendInvoiceCliError::Random)?;
    Ok(b)
}

/// `--issuer-key`, `--issuer-key-file`, or a fresh key.
fn payee_key(args: &Args) -> Result<SecretKey, SendInvoiceCliError> {
    let key = crate::keys::secret_key_arg(
        args.issuer_key.as_deref(),
        args.issuer_key_file.as_deref(),
        SendInvoiceCliError::IssuerKey,
    )?;
    match key {
        Some(key) => Ok(key),
        None => crate::keys::fresh_secret_key().map_err(SendInvoiceCliError::Random),
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Runs `bolt12 sendinvoice`.
pub fn run(args: Args) -> Result<(), SendInvoiceCliError> {
    let refund: Refund = bolt12::json::strip_lightning_prefix(args.refund.trim())
        .parse()
        .map_err(SendInvoiceCliError::Refund)?;
    let key_material = args
        .key_material
        .as_deref()
        .map(|h| {
            bolt12::stateless::report::parse_key_material(h)
                .map_err(|e| SendInvoiceCliError::KeyMaterial(e.to_string()))
        })
        .transpose()?;
    let mut sk = payee_key(&args)?;
    let node_key = NodeKey::from_bytes(&Zeroizing::new(sk.secret_bytes()))
        .ok_or_else(|| SendInvoiceCliError::IssuerKey("out of range".into()))?;
    let mut signer = Keypair::from_secret_key(SECP256K1, &sk);
    sk.non_secure_erase();
    let created_at = now();
    let amount = refund.amount_msat();
    // The payment hash, and the payment path's recipient data.
    let (payment_hash, path_id, preimage) = match &key_material {
        Some(key) => stateless_hash(key, amount, args.relative_expiry, created_at)?,
        None => {
            let preimage = random32()?;
            let hash = bolt12::payer_proof::payment_hash_of(&preimage);
            (hash, random32()?.to_vec(), Some(preimage))
        }
    };
    let path = one_hop_payment_path(signer.public_key(), path_id, amount, 18)?;
    let options = SendInvoiceOptions {
        created_at,
        relative_expiry: args.relative_expiry,
        timeout: args.via.timeout(),
    };
    let invoice = invoice_for_refund(&refund, &signer, payment_hash, vec![path], &options);
    signer.non_secure_erase();
    let invoice = invoice?;
    let sent = args.via.exchange(Some(node_key), async |peer| {
        Ok::<_, SendInvoiceCliError>(send_invoice(peer, &refund, &invoice, &options).await?)
    })?;
    let s = sent.invoice.to_string();
    let mut json = bolt12::json::decode_json(&s).unwrap_or_else(|e| {
        e.cln_json()
            .unwrap_or_else(|| json!({ "error": e.to_string() }))
    });
    let reply = match &sent.reply {
        Some(e) => json!({
            "invoice_error": {
                "error": e.message,
                "erroneous_field": e.erroneous_field,
                "suggested_value": e.suggested_value.as_deref().map(hex::encode),
            }
        }),
        None => json!({ "none_within_seconds": args.via.timeout }),
    };
    if let Value::Object(map) = &mut json {
        map.insert("invoice".into(), Value::String(s));
        map.insert("route".into(), Value::String(sent.route.describe()));
        if let Some(p) = &preimage {
            map.insert("payment_preimage".into(), hex::encode(p.as_ref()).into());
        }
        map.insert("reply".into(), reply);
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
    );
    match sent.reply {
        Some(e) => Err(SendInvoiceCliError::InvoiceError(e.message)),
        None => Ok(()),
    }
}

type HashAndPath = (wire::Sha256, Vec<u8>, Option<Zeroizing<[u8; 32]>>);

/// LDK's stateless payment hash for `amount` (the secret rides in the payment path).
fn stateless_hash(
    key: &ExpandedKey,
    amount: u64,
    relative_expiry: u32,
    created_at: u64,
) -> Result<HashAndPath, SendInvoiceCliError> {
    let iv_full = random32()?;
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&iv_full[..16]);
    let (hash, secret) = payment::create(key, Some(amount), relative_expiry, &iv, created_at)
        .map_err(SendInvoiceCliError::Payment)?;
    Ok((hash, secret.0.to_vec(), None))
}
