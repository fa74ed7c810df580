//! `bolt12 invoicerequest`: builds a refund (an invoice request that answers no offer, BOLT 12
//! §"Requirements for Invoice Requests", writer, "not responding to an offer") and prints
//! its `lnr1...` string; with `--json`, the string, its decoded fields (Core Lightning's
//! `decode` JSON) and what was generated.
//!
//! BOLT 12 says such a request carries no `signature`, and LDK refuses one; Core
//! Lightning's `sendinvoice` requires one. The default is BOLT 12's; `--sign` adds the
//! signature by the payer key.
use bolt12::json::decode_json_at;
use bolt12::stateless::refund::{refund as stateless_refund, RefundKeys};
use bolt12::stateless::report::{parse_key_material, parse_nonce, parse_payment_id, HexArgError};
use bolt12::stateless::{PaymentId, StatelessBuildError};
use bolt12::tlv::BlindedPath;
use bolt12::{BuildError, RefundBuilder};
use secp256k1::{Keypair, SECP256K1};
use serde_json::{json, Map, Value};
use thiserror::Error;
use wire::ChainHash;
use zeroize::Zeroizing;

use crate::offer::{parse_chain, parse_path};

/// Arguments of `bolt12 invoicerequest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `invreq_amount` in millisatoshi: what the payer (the refund's writer) will pay.
    #[arg(long, value_name = "MSAT")]
    pub amount_msat: u64,
    /// `offer_description`: the purpose of the payment.
    #[arg(long)]
    pub description: String,
    /// `offer_issuer`.
    #[arg(long)]
    pub issuer: Option<String>,
    /// `offer_absolute_expiry`, seconds since the epoch.
    #[arg(long, value_name = "UNIX")]
    pub absolute_expiry: Option<u64>,
    /// `invreq_chain`: bitcoin (omitted), testnet, signet, regtest, or a 64-hex chain hash in
    /// wire byte order.
    #[arg(long, value_name = "CHAIN", value_parser = parse_chain)]
    pub chain: Option<ChainHash>,
    /// `invreq_paths`: a `blinded_path` in its wire encoding, hex. Repeat for several.
    #[arg(long = "path", value_name = "HEX", value_parser = parse_path)]
    pub paths: Vec<BlindedPath>,
    /// `invreq_quantity` (informational).
    #[arg(long, value_name = "N")]
    pub quantity: Option<u64>,
    /// `invreq_payer_note`.
    #[arg(long)]
    pub payer_note: Option<String>,
    /// Payer secret key (32 bytes hex), or `-` to read it from standard input;
    /// `invreq_payer_id` is its public key. A fresh key is generated when absent (and no
    /// `--key-material`).
    #[arg(long, value_name = "HEX|-", conflicts_with = "issuer_key_file")]
    pub issuer_key: Option<String>,
    /// `--issuer-key` read from a file (hex) that only its owner can access (`keys.rs`).
    #[arg(long, value_name = "FILE")]
    pub issuer_key_file: Option<std::path::PathBuf>,
    /// `invreq_metadata`, hex (32 random bytes when absent). Not with `--key-material`.
    #[arg(long, value_name = "HEX", conflicts_with = "key_material")]
    pub metadata: Option<String>,
    /// Stateless refund: 32 bytes of key material (hex), as LDK's `ExpandedKey`. With
    /// `--issuer-key`, its key is `invreq_payer_id` and `invreq_metadata` carries the
    /// encrypted payment id, the nonce and an HMAC (LDK's refund without paths); without,
    /// the payer key is derived and the metadata is the encrypted payment id (LDK's refund
    /// with paths: the nonce must come back in the paths' context).
    #[arg(long, value_name = "HEX32", requires = "nonce")]
    pub key_material: Option<String>,
    /// The 16-byte nonce (hex) for `--key-material`.
    #[arg(long, value_name = "HEX16", requires = "key_material")]
    pub nonce: Option<String>,
    /// The 32-byte payment id (hex) encrypted in the metadata with `--key-material`
    /// (random when absent).
    #[arg(long, value_name = "HEX32", requires = "key_material")]
    pub payment_id: Option<String>,
    /// Add `signature` by the payer key: Core Lightning's form (its `sendinvoice` requires
    /// it; BOLT 12 and LDK write refunds without).
    #[arg(long)]
    pub sign: bool,
    /// Print a JSON object (string, decoded fields, generated values) instead of the bare
    /// string.
    #[arg(long)]
    pub json: bool,
}

/// Why `invoicerequest` failed.
#[derive(Debug, Error)]
pub enum RefundError {
    /// The operating system's random number generator failed.
    #[error("generating random bytes: {0}")]
    Random(getrandom::Error),
    /// `--issuer-key` is not a usable secret key.
    #[error("--issuer-key: {0}")]
    IssuerKey(String),
    /// A hex argument is malformed.
    #[error("{0}: not hex")]
    NotHex(&'static str),
    /// `--key-material`, `--nonce` or `--payment-id` is malformed.
    #[error("{0}")]
    Hex(#[from] HexArgError),
    /// The builder refused the fields.
    #[error("cannot build the refund: {0}")]
    Build(#[from] BuildError),
    /// The stateless refund could not be built.
    #[error("cannot build the stateless refund: {0}")]
    Stateless(#[from] StatelessBuildError),
    /// `--issuer-key-file` was refused or unreadable.
    #[error("{0}")]
    KeyFile(#[from] crate::keys::KeyFileError),
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, RefundError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::getrandom(bytes.as_mut()).map_err(RefundError::Random)?;
    Ok(bytes)
}

/// Runs `bolt12 invoicerequest`.
pub fn run(args: Args) -> Result<(), RefundError> {
    let stateless = args.key_material.is_some();
    let issuer_key = crate::keys::secret_key_arg(
        args.issuer_key.as_deref(),
        args.issuer_key_file.as_deref(),
        RefundError::IssuerKey,
    )?;
    let (keypair, generated) = match issuer_key {
        Some(mut secret) => {
            let kp = Keypair::from_secret_key(SECP256K1, &secret);
            secret.non_secure_erase();
            (Some(kp), false)
        }
        // A stateless refund without --issuer-key derives its payer key.
        None if stateless => (None, false),
        None => {
            let mut secret = crate::keys::fresh_secret_key().map_err(RefundError::Random)?;
            let kp = Keypair::from_secret_key(SECP256K1, &secret);
            secret.non_secure_erase();
            (Some(kp), true)
        }
    };
    let configure = |mut b: RefundBuilder| {
        if let Some(i) = &args.issuer {
            b = b.issuer(i.clone());
        }
        if let Some(e) = args.absolute_expiry {
            b = b.absolute_expiry(e);
        }
        if let Some(c) = args.chain {
            b = b.chain(c);
        }
        if !args.paths.is_empty() {
            b = b.paths(args.paths.clone());
        }
        if let Some(q) = args.quantity {
            b = b.quantity(q);
        }
        if let Some(n) = &args.payer_note {
            b = b.payer_note(n.clone());
        }
        b
    };
    let mut payment_id_out = None;
    let refund = match (&args.key_material, &args.nonce) {
        (Some(km), Some(nonce)) => {
            let key = parse_key_material(km)?;
            let nonce = parse_nonce(nonce)?;
            let payment_id = match &args.payment_id {
                Some(p) => parse_payment_id(p)?,
                None => PaymentId(*random::<32>()?),
            };
            payment_id_out = Some(hex::encode(payment_id.0));
            let keys = match &keypair {
                Some(kp) => RefundKeys::Explicit(kp.public_key().into()),
                None => RefundKeys::Derived,
            };
            // With a derived key the keypair argument is ignored; it only says "sign".
            let placeholder = Keypair::from_seckey_slice(SECP256K1, &[1; 32])
                .map_err(|e| RefundError::IssuerKey(e.to_string()))?;
            let signer: Option<&dyn bolt12::Signer> = match (&keypair, args.sign) {
                (_, false) => None,
                (Some(kp), true) => Some(kp),
                (None, true) => Some(&placeholder),
            };
            let mut out = stateless_refund(
                &key,
                &nonce,
                &payment_id,
                keys,
                args.amount_msat,
                args.description.clone(),
                configure,
                signer,
            )?;
            out.erase();
            out.refund.clone()
        }
        _ => {
            let kp = keypair.as_ref().ok_or(RefundError::IssuerKey(
                "a payer key is needed without --key-material".into(),
            ))?;
            let metadata = match &args.metadata {
                Some(h) => hex::decode(h).map_err(|_| RefundError::NotHex("--metadata"))?,
                None => random::<32>()?.to_vec(),
            };
            let builder = configure(RefundBuilder::new(
                metadata,
                kp.public_key(),
                args.amount_msat,
                args.description.clone(),
            ));
            if args.sign {
                builder.build_and_sign(kp)?
            } else {
                builder.build()?
            }
        }
    };
    let s = refund.to_string();
    if !args.json {
        println!("{s}");
        if generated {
            eprintln!("warning: the payer key was generated and not saved; use --json to see it or --issuer-key to give one");
        }
        return Ok(());
    }
    let decoded = match decode_json_at(&s, None) {
        Ok(v) => v,
        Err(e) => e.cln_json().unwrap_or(Value::Null),
    };
    let mut out = Map::new();
    out.insert("bolt12".into(), s.into());
    out.insert("signed".into(), refund.is_signed().into());
    out.insert("decoded".into(), decoded);
    if let Some(p) = payment_id_out {
        out.insert("payment_id".into(), p.into());
    }
    if let (true, Some(kp)) = (generated, &keypair) {
        out.insert(
            "payer_secret_key".into(),
            json!(hex::encode(kp.secret_bytes())),
        );
        eprintln!("warning: payer_secret_key in the output is SECRET: keep it safe, it signs for invreq_payer_id");
    }
    println!("{:#}", Value::Object(out));
    if let Some(mut kp) = keypair {
        kp.non_secure_erase();
    }
    Ok(())
}
