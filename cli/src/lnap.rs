//! `bolt12 lnap create|verify|check`: vendor proofs. Each prints a JSON verdict naming the
//! reason and exits 0 only when the proof verifies (and, for `check`, covers the offer).
use std::path::Path;

use lnap::certsignature::SigningKey;
use lnap::pki::TrustAnchors;
use lnap::{Proof, Report, UnixTime, Verdict};
use thiserror::Error;
use wire::Point;

/// Arguments of `bolt12 lnap`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct Trust {
    /// Verification time: unix seconds or RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// PEM file of trust anchors replacing Mozilla's roots.
    #[arg(long)]
    roots: Option<std::path::PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Make a proof signed with the vendor's TLS key; prints the `lnap1...` string.
    Create {
        /// The vendor: a domain, or an email address.
        #[arg(long)]
        vendor: String,
        /// A node id (33-byte hex) the vendor vouches for; repeat for several.
        #[arg(long = "node-id", required = true)]
        node_ids: Vec<String>,
        /// Description.
        #[arg(long)]
        description: Option<String>,
        /// Proof expiry, unix seconds.
        #[arg(long)]
        absolute_expiry: Option<u64>,
        /// PEM private key of the leaf certificate (RSA or ECDSA), in a file only its
        /// owner can access (`chmod 600`, in a folder others cannot write).
        #[arg(long)]
        key: std::path::PathBuf,
        /// Leaf certificate (PEM or DER).
        #[arg(long)]
        cert: std::path::PathBuf,
        /// Intermediate certificates (PEM or DER).
        #[arg(long)]
        certchain: Option<std::path::PathBuf>,
        /// Print the raw TLV as hex too, in a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Verify a proof (`lnap1...`, hex, or a file holding either).
    Verify {
        /// The proof.
        proof: String,
        #[command(flatten)]
        trust: Trust,
    },
    /// Check an offer or invoice against a proof.
    Check {
        /// The proof.
        proof: String,
        /// The offer (`lno1...`) or invoice (`lni1...`).
        bolt12: String,
        #[command(flatten)]
        trust: Trust,
    },
}

/// Why an lnap command failed.
#[derive(Debug, Error)]
pub enum LnapCliError {
    /// A file could not be read.
    #[error("{path}: {error}")]
    Read {
        /// The file.
        path: String,
        /// The error.
        error: std::io::Error,
    },
    /// The proof does not parse.
    #[error("proof: {0}")]
    Proof(#[from] lnap::ProofError),
    /// Creating failed.
    #[error("create: {0}")]
    Create(#[from] lnap::CreateError),
    /// The key file was refused or unreadable.
    #[error("--key: {0}")]
    KeyFile(#[from] crate::keys::KeyFileError),
    /// The key does not parse.
    #[error("key: {0}")]
    Key(String),
    /// A node id is not a 33-byte point.
    #[error("node-id {0}: not a 33-byte hex public key")]
    NodeId(String),
    /// The roots file does not parse.
    #[error("roots: {0}")]
    Roots(String),
    /// `--at` is neither unix seconds nor RFC 3339.
    #[error("--at {0}: expected unix seconds or RFC 3339 (e.g. 2026-06-01T00:00:00Z)")]
    Time(String),
    /// The second argument is not an offer or invoice.
    #[error("{0}")]
    Bolt12(#[from] bolt12::ParseError),
    /// An invoice request cannot be checked against a proof.
    #[error("expected an offer (lno1...) or an invoice (lni1...)")]
    NotOfferOrInvoice,
    /// The verdict was not "verified" (the JSON verdict was printed).
    #[error("{verdict}: {reason}")]
    NotVerified {
        /// The verdict.
        verdict: String,
        /// The reason code.
        reason: String,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, LnapCliError> {
    std::fs::read(path).map_err(|error| LnapCliError::Read {
        path: path.display().to_string(),
        error,
    })
}

/// A proof given as a string, hex, or a file holding either (or raw bytes).
pub fn load_proof(arg: &str) -> Result<Proof, LnapCliError> {
    let path = Path::new(arg);
    if arg.len() < 4096 && path.is_file() {
        let bytes = read(path)?;
        return match std::str::from_utf8(&bytes) {
            Ok(text) => Ok(text.trim().parse()?),
            Err(_) => Ok(Proof::from_bytes(bytes)?),
        };
    }
    Ok(arg.parse()?)
}

/// Parses unix seconds or an RFC 3339 UTC time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).
pub fn parse_time(s: &str) -> Option<i64> {
    if let Ok(secs) = s.parse::<i64>() {
        return Some(secs);
    }
    let b = s.as_bytes();
    let num = |r: core::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    if b.len() < 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (tz.get(1..3)?.parse::<i64>().ok()? * 3600
                + tz.get(4..6)?.parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    // Days from the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset)
}

fn trust(t: &Trust) -> Result<(TrustAnchors, UnixTime), LnapCliError> {
    let anchors = match &t.roots {
        Some(p) => TrustAnchors::from_certificates(&read(p)?)
            .map_err(|e| LnapCliError::Roots(e.to_string()))?,
        None => TrustAnchors::mozilla().map_err(|e| LnapCliError::Roots(e.to_string()))?,
    };
    let at = match &t.at {
        Some(s) => UnixTime::from_secs(parse_time(s).ok_or_else(|| LnapCliError::Time(s.clone()))?),
        None => UnixTime::now(),
    };
    Ok((anchors, at))
}

fn finish(report: Report) -> Result<(), LnapCliError> {
    println!("{:#}", serde_json::to_value(&report).unwrap_or_default());
    if report.verdict == Verdict::Verified {
        Ok(())
    } else {
        let verdict = serde_json::to_value(report.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Err(LnapCliError::NotVerified {
            verdict,
            reason: report.reason,
        })
    }
}

/// Runs `bolt12 lnap ...`.
pub fn run(args: Args) -> Result<(), LnapCliError> {
    match args.command {
        Command::Create {
            vendor,
            node_ids,
            description,
            absolute_expiry,
            key,
            cert,
            certchain,
            json,
        } => {
            let node_ids = node_ids
                .iter()
                .map(|n| {
                    hex::decode(n)
                        .ok()
                        .and_then(|b| Point::from_slice(&b).ok())
                        .ok_or_else(|| LnapCliError::NodeId(n.clone()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let key_pem = crate::keys::read_secret(&key)?;
            let key =
                SigningKey::from_pem(&key_pem).map_err(|e| LnapCliError::Key(e.to_string()))?;
            let chain = certchain.as_deref().map(read).transpose()?;
            let proof = Proof::create(
                &vendor,
                node_ids,
                description,
                absolute_expiry,
                None,
                &key,
                &read(&cert)?,
                chain.as_deref(),
                &mut rand_core::OsRng,
            )?;
            if json {
                let v = serde_json::json!({"lnap": proof.to_string(), "hex": hex::encode(proof.as_bytes()), "decoded": proof.to_json()});
                println!("{v:#}");
            } else {
                println!("{proof}");
            }
            Ok(())
        }
        Command::Verify { proof, trust: t } => {
            let proof = load_proof(&proof)?;
            let (anchors, at) = trust(&t)?;
            finish(proof.verify_report(&anchors, at))
        }
        Command::Check {
            proof,
            bolt12,
            trust: t,
        } => {
            let proof = load_proof(&proof)?;
            let (anchors, at) = trust(&t)?;
            let report = match bolt12.trim().parse::<bolt12::Bolt12>()? {
                bolt12::Bolt12::Offer(o) => proof.check_offer(&o, &anchors, at),
                bolt12::Bolt12::Invoice(i) => proof.check_invoice(&i, &anchors, at),
                bolt12::Bolt12::InvoiceRequest(_) => return Err(LnapCliError::NotOfferOrInvoice),
            };
            finish(report)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn rfc3339_and_unix_seconds() {
        assert_eq!(parse_time("1780272000"), Some(1_780_272_000));
        assert_eq!(parse_time("2026-06-01T00:00:00Z"), Some(1_780_272_000));
        assert_eq!(parse_time("2026-06-01T02:00:00+02:00"), Some(1_780_272_000));
        assert_eq!(parse_time("1970-01-01T00:00:00.5Z"), Some(0));
        assert_eq!(parse_time("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(parse_time("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_time("yesterday"), None);
    }
}
