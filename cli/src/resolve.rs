//! `bolt12 resolve <user@domain> --proof FILE [--at T]`: verifies an RFC 9102 DNSSEC proof of
//! the name's BIP 353 payment instructions offline, to the IANA root trust anchors, at `--at`
//! (default: now), and prints the `bitcoin:` URI and its offer (decoded as Core Lightning's
//! `decode` JSON). `--query` prints the DNS name and the first TXT query (hex) instead, for
//! whoever fetches the proof.
use std::io::Read;

use bolt12::bip353::{verify_proof, Bip353Error, Hrn, MAX_PROOF_LEN};
use serde_json::{json, Value};
use thiserror::Error;

/// Arguments of `bolt12 resolve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The name: `user@domain` or `₿user@domain`.
    pub name: String,
    /// The RFC 9102 proof (DNS records in wire form, back to back), or `-` for standard
    /// input.
    #[arg(long, value_name = "FILE|-", required_unless_present = "query")]
    pub proof: Option<String>,
    /// Check the signatures' validity at this time (seconds since the epoch) instead of now.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,
    /// Print the DNS name and the TXT query to send (hex) instead of verifying a proof.
    #[arg(long, conflicts_with_all = ["proof", "at"])]
    pub query: bool,
}

/// Why `resolve` failed.
#[derive(Debug, Error)]
pub enum ResolveError {
    /// Reading the proof failed.
    #[error("--proof {path}: {error}")]
    Read {
        /// The path given.
        path: String,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The name, the proof or the instructions were refused.
    #[error("{0}")]
    Bip353(#[from] Bip353Error),
    /// The system clock is before 1970.
    #[error("the system clock is before the epoch; give --at")]
    Clock,
}

fn read_bounded(path: &str) -> Result<Vec<u8>, ResolveError> {
    let err = |error| ResolveError::Read {
        path: path.to_owned(),
        error,
    };
    let limit = (MAX_PROOF_LEN + 1) as u64;
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(err)?;
    } else {
        std::fs::File::open(path)
            .map_err(err)?
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(err)?;
    }
    Ok(bytes)
}

/// Runs `bolt12 resolve`.
pub fn run(args: Args) -> Result<(), ResolveError> {
    let name = Hrn::parse(&args.name)?;
    if args.query {
        let out = json!({
            "name": name.to_string(),
            "dns_name": name.dns_name(),
            "type": "TXT",
            "query": hex::encode(name.txt_query()?),
        });
        println!("{out:#}");
        return Ok(());
    }
    let path = args.proof.unwrap_or_default();
    let proof = read_bounded(&path)?;
    let at = match args.at {
        Some(t) => t,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| ResolveError::Clock)?
            .as_secs(),
    };
    let r = verify_proof(&name, &proof, at)?;
    let offer = r.offer.as_ref();
    let out = json!({
        "name": r.name.to_string(),
        "dns_name": r.name.dns_name(),
        "uri": r.uri,
        "offer": offer.map(|o| Value::from(o.to_string())).unwrap_or(Value::Null),
        "decoded": offer.map(bolt12::json::offer_json).unwrap_or(Value::Null),
        "at": at,
        "valid_from": r.valid_from,
        "expires": r.expires,
        "max_cache_ttl": r.max_cache_ttl,
    });
    println!("{out:#}");
    Ok(())
}
