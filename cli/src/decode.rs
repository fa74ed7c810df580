//! `bolt12 decode`: a string in, Core Lightning's `decode` JSON out.
//!
//! What a string is comes from its shape ([`Kind::of`]); each kind is one arm of
//! [`decode_value`], so adding runes or lnap proofs is a new [`Kind`] variant, its
//! recognition in [`Kind::of`] and its arm.
use std::io::Read;

use serde_json::Value;
use thiserror::Error;

/// Arguments of `bolt12 decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The string to decode (a `lightning:` prefix is accepted). Read from standard input
    /// when absent or `-`.
    pub string: Option<String>,
}

/// Why `decode` failed.
#[derive(Debug, Error)]
pub enum DecodeError {
    /// Reading standard input failed.
    #[error("reading standard input: {0}")]
    Stdin(#[from] std::io::Error),
    /// Nothing to decode.
    #[error("empty input: give a string to decode, as an argument or on standard input")]
    Empty,
    /// The string is none of the kinds we decode.
    #[error("unrecognized string: expected a bolt12 offer (lno1...), invoice_request (lnr1...), invoice (lni1...), payer proof (lnp1...), lnap proof (lnap1...) or rune")]
    Unrecognized,
    /// An lnap proof that does not decode.
    #[error("invalid lnap proof: {0}")]
    Lnap(#[from] lnap::ProofError),
    /// A bolt12 string that does not decode.
    #[error("{0}")]
    Bolt12(#[from] bolt12::json::DecodeJsonError),
}

/// The kinds of string `decode` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `lno1`, `lnr1`, `lni1`, `lnp1` (a DRAFT payer proof) (any case, optionally after
    /// `lightning:`).
    Bolt12,
    /// `lnap1`: a vendor proof.
    Lnap,
    /// A Core Lightning rune (base64url).
    Rune,
}

impl Kind {
    /// Recognizes a string by its prefix or shape. BOLT 12 `+` continuations are joined
    /// first: the spec's format vectors join them anywhere, the prefix included
    /// (`l+no1...`).
    pub fn of(s: &str) -> Option<Kind> {
        let s = bolt12::json::strip_lightning_prefix(s);
        let joined = bolt12::string::join_continuations(s);
        let head = joined
            .as_deref()
            .unwrap_or(s)
            .get(..4)
            .map(str::to_ascii_lowercase);
        match head.as_deref() {
            Some("lno1" | "lnr1" | "lni1" | "lnp1") => Some(Kind::Bolt12),
            _ if s.get(..5).is_some_and(|h| h.eq_ignore_ascii_case("lnap1")) => Some(Kind::Lnap),
            // As Core Lightning's decode: what is not a bolt12 string may be a rune.
            _ if runes::Rune::from_base64(s).is_ok() => Some(Kind::Rune),
            _ => None,
        }
    }
}

/// Decodes `input` into its JSON description.
pub fn decode_value(input: &str) -> Result<Value, DecodeError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(DecodeError::Empty);
    }
    match Kind::of(input).ok_or(DecodeError::Unrecognized)? {
        Kind::Bolt12 => Ok(bolt12::json::decode_json(input)?),
        Kind::Lnap => Ok(input.parse::<lnap::Proof>()?.to_json()),
        Kind::Rune => crate::rune::decode_json(input).map_err(|_| DecodeError::Unrecognized),
    }
}

/// Core Lightning's `decode` object for a string we refuse, when it answers with one
/// (`valid: false`) rather than an RPC error.
pub fn cln_object(e: &DecodeError) -> Option<Value> {
    match e {
        DecodeError::Bolt12(e) => e.cln_json(),
        _ => None,
    }
}

/// Runs `bolt12 decode`: prints the pretty JSON on stdout. For a string we refuse that
/// Core Lightning's `decode` answers with a `valid: false` object, that object is printed
/// on stdout too, and the error (one line on stderr, exit 1) is ours.
pub fn run(args: Args) -> Result<(), DecodeError> {
    let input = match args.string {
        Some(s) if s != "-" => s,
        _ => {
            let mut buf = String::new();
            std::io::stdin().read_to_string(&mut buf)?;
            buf
        }
    };
    match decode_value(&input) {
        Ok(value) => {
            println!("{value:#}");
            Ok(())
        }
        Err(e) => {
            if let Some(object) = cln_object(&e) {
                println!("{object:#}");
            }
            Err(e)
        }
    }
}
