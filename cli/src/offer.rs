//! `bolt12 offer`: builds an offer whose `offer_issuer_id` is the public key of a given or
//! freshly generated secret key, and prints its `lno1...` string (with `--json`: the
//! string, its `offer_id`, its decoded fields and any generated secret key).
use bolt12::json::{chain_by_name, currency_minor_unit, KNOWN_CHAINS};
use bolt12::stateless::report::{offer_with_key_material, parse_key_material, parse_nonce};
use bolt12::stateless::StatelessBuildError;
use bolt12::tlv::BlindedPath;
use bolt12::{BuildError, OfferBuilder};
use secp256k1::SECP256K1;
use serde_json::{json, Map, Value};
use thiserror::Error;
use wire::ChainHash;

/// Arguments of `bolt12 offer`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `offer_description` (required when an amount is set).
    #[arg(long)]
    pub description: Option<String>,
    /// `offer_amount` in millisatoshi.
    #[arg(long, value_name = "MSAT", conflicts_with_all = ["amount", "currency"])]
    pub amount_msat: Option<u64>,
    /// `offer_amount` in the minor unit of `--currency` (e.g. cents for USD).
    #[arg(long, value_name = "N", requires = "currency")]
    pub amount: Option<u64>,
    /// `offer_currency`: ISO 4217 code (e.g. USD), with `--amount`.
    #[arg(long, value_name = "ISO4217", requires = "amount")]
    pub currency: Option<String>,
    /// `offer_issuer`.
    #[arg(long)]
    pub issuer: Option<String>,
    /// `offer_quantity_max` (0: any quantity).
    #[arg(long, value_name = "N")]
    pub quantity_max: Option<u64>,
    /// `offer_absolute_expiry`, seconds since the epoch.
    #[arg(long, value_name = "UNIX")]
    pub absolute_expiry: Option<u64>,
    /// Chain the offer is for: bitcoin, testnet, signet, regtest, or a 64-hex chain hash
    /// in wire byte order (as `offer_chains` shows it). Repeat for several chains.
    #[arg(long = "chain", value_name = "CHAIN", value_parser = parse_chain)]
    pub chains: Vec<ChainHash>,
    /// Issuer secret key (32 bytes hex), or `-` to read it from standard input (keeps it
    /// out of the process list); `offer_issuer_id` is its public key. A fresh key is
    /// generated when absent.
    #[arg(long, value_name = "HEX|-", conflicts_with = "issuer_key_file")]
    pub issuer_key: Option<String>,
    /// `--issuer-key` read from a file (hex) that only its owner can access
    /// (`chmod 600`, in a folder others cannot write).
    #[arg(long, value_name = "FILE")]
    pub issuer_key_file: Option<std::path::PathBuf>,
    /// `offer_metadata`, hex.
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    pub metadata: Option<HexBytes>,
    /// `offer_paths`: a `blinded_path` in its wire encoding, hex. Repeat for several.
    #[arg(long = "path", value_name = "HEX", value_parser = parse_path)]
    pub paths: Vec<BlindedPath>,
    /// Stateless offer: 32 bytes of key material (hex), as LDK's `ExpandedKey`. With
    /// `--path`, the issuer key is derived (no metadata); without, `offer_metadata` carries
    /// nonce and HMAC and the issuer id is `--issuer-key`'s public key (the node id).
    #[arg(long, value_name = "HEX32", requires = "nonce", group = "material")]
    pub key_material: Option<String>,
    /// `--key-material` read from a file (hex) that only its owner can access.
    #[arg(long, value_name = "FILE", requires = "nonce", group = "material")]
    pub key_material_file: Option<std::path::PathBuf>,
    /// The 16-byte nonce (hex) for `--key-material`.
    #[arg(long, value_name = "HEX16", requires = "material")]
    pub nonce: Option<String>,
    /// Print a JSON object (offer string, offer_id, decoded fields, generated secret key)
    /// instead of the bare string.
    #[arg(long)]
    pub json: bool,
}

/// A `--path` argument: one BOLT 4 `blinded_path` in hex (shared by `offer` and
/// `invoicerequest`).
pub(crate) fn parse_path(s: &str) -> Result<BlindedPath, String> {
    let bytes = hex::decode(s).map_err(|e| format!("not hex: {e}"))?;
    let mut r = wire::Reader::new(&bytes);
    let path =
        <BlindedPath as wire::Wire>::read(&mut r, "blinded_path").map_err(|e| e.to_string())?;
    r.finish("blinded_path").map_err(|e| e.to_string())?;
    Ok(path)
}

/// Bytes given in hex on the command line.
#[derive(Debug, Clone)]
pub struct HexBytes(pub Vec<u8>);

/// Why `offer` failed.
#[derive(Debug, Error)]
pub enum OfferError {
    /// The operating system's random number generator failed.
    #[error("generating the issuer key: {0}")]
    Random(getrandom::Error),
    /// `--issuer-key` is not a usable secret key.
    #[error("--issuer-key: {0}")]
    IssuerKey(String),
    /// The builder refused the fields.
    #[error("cannot build offer: {0}")]
    Build(#[from] BuildError),
    /// `--key-material` or `--nonce` is malformed.
    #[error("{0}")]
    Hex(#[from] bolt12::stateless::report::HexArgError),
    /// The stateless offer could not be built.
    #[error("cannot build stateless offer: {0}")]
    Stateless(#[from] StatelessBuildError),
    /// A key file was refused or unreadable.
    #[error("{0}")]
    KeyFile(#[from] crate::keys::KeyFileError),
}

fn parse_hex(s: &str) -> Result<HexBytes, String> {
    hex::decode(s)
        .map(HexBytes)
        .map_err(|e| format!("not hex: {e}"))
}

/// A `--chain` argument: a known chain's name or a 64-hex chain hash (shared by `offer` and
/// `invoicerequest`).
pub(crate) fn parse_chain(s: &str) -> Result<ChainHash, String> {
    if let Some(chain) = chain_by_name(&s.to_ascii_lowercase()) {
        return Ok(chain);
    }
    let names: Vec<&str> = KNOWN_CHAINS.iter().map(|(name, _, _)| *name).collect();
    let bytes = hex::decode(s).map_err(|_| {
        format!(
            "expected one of {} or a 64-hex chain hash",
            names.join(", ")
        )
    })?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map(ChainHash)
        .map_err(|_| format!("a chain hash is 32 bytes, this is {}", bytes.len()))
}

/// Runs `bolt12 offer`.
pub fn run(args: Args) -> Result<(), OfferError> {
    let issuer_key = crate::keys::secret_key_arg(
        args.issuer_key.as_deref(),
        args.issuer_key_file.as_deref(),
        OfferError::IssuerKey,
    )?;
    let key_material = match (args.key_material, &args.key_material_file) {
        (Some(arg), _) => Some(zeroize::Zeroizing::new(arg)),
        (None, Some(path)) => Some(crate::keys::read_secret(path)?),
        (None, None) => None,
    };
    let stateless = key_material.is_some();
    let (secret, generated) = match issuer_key {
        Some(key) => (Some(key), false),
        // A stateless offer with paths needs no issuer key: it is derived.
        None if stateless => (None, false),
        None => (
            Some(crate::keys::fresh_secret_key().map_err(OfferError::Random)?),
            true,
        ),
    };
    let mut builder = OfferBuilder::new();
    if let Some(d) = args.description {
        builder = builder.description(d);
    }
    if let Some(msat) = args.amount_msat {
        builder = builder.amount_msat(msat);
    }
    if let (Some(amount), Some(currency)) = (args.amount, &args.currency) {
        builder = builder.amount_currency(currency.clone(), amount);
    }
    if let Some(issuer) = args.issuer {
        builder = builder.issuer(issuer);
    }
    if let Some(max) = args.quantity_max {
        builder = builder.quantity_max(max);
    }
    if let Some(expiry) = args.absolute_expiry {
        builder = builder.absolute_expiry(expiry);
    }
    if !args.chains.is_empty() {
        builder = builder.chains(args.chains);
    }
    if let Some(HexBytes(metadata)) = args.metadata {
        builder = builder.metadata(metadata);
    }
    if !args.paths.is_empty() {
        builder = builder.paths(args.paths);
    }
    let node_id = secret.map(|s| wire::Point::from(s.public_key(SECP256K1)));
    let offer = match (&key_material, &args.nonce) {
        (Some(km), Some(nonce)) => offer_with_key_material(
            &parse_key_material(km)?,
            &parse_nonce(nonce)?,
            builder,
            node_id,
        )?,
        _ => match node_id {
            Some(id) => builder.issuer_id(id).build()?,
            None => builder.build()?,
        },
    };
    if let Some(code) = args.currency.filter(|c| currency_minor_unit(c).is_none()) {
        eprintln!(
            "warning: offer_currency {code} is not an ISO 4217 code we know; payers may not either"
        );
    }
    if !args.json {
        println!("{offer}");
        if generated {
            eprintln!("warning: the issuer key was generated and not saved; use --json to see it or --issuer-key to give one");
        }
        return Ok(());
    }
    let mut out = Map::new();
    out.insert("offer_id".into(), offer.id().to_string().into());
    out.insert("bolt12".into(), offer.to_string().into());
    out.insert("decoded".into(), bolt12::json::offer_json(&offer));
    if let (true, Some(secret)) = (generated, secret) {
        out.insert(
            "issuer_secret_key".into(),
            json!(hex::encode(secret.secret_bytes())),
        );
        eprintln!("warning: issuer_secret_key in the output is SECRET: keep it safe, it is needed to sign invoices for this offer");
    }
    println!("{:#}", Value::Object(out));
    Ok(())
}
