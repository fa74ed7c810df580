//! BOLT 12 offers (`lno`), invoice requests (`lnr`), invoices (`lni`) and invoice errors.
//!
//! - [`tlv`]: the TLV streams and subtypes, generated from `spec-csv/` by `codegen`.
//! - [`string`]: the bech32-without-checksum string form (§"Encoding").
//! - [`merkle`]: Merkle roots and BIP-340 signatures (§"Signature Calculation").
//! - [`Offer`], [`InvoiceRequest`], [`Invoice`], [`InvoiceError`]: validated messages that
//!   keep their exact bytes; `FromStr`/`Display` for the string forms; each reader
//!   requirement that fails is a [`SemanticError`] variant naming the field.
//! - [`Refund`], [`RefundBuilder`]: invoice requests that answer no offer (the send-invoice
//!   flow), signed (Core Lightning) or not (BOLT 12, LDK).
//! - [`payer_proof`] (**draft**, lightning/bolts#1295): payer proofs (`lnp`), made from a
//!   paid invoice, its preimage and the payer key, revealing chosen fields; read and verified.
//! - `bip353` (feature `bip353`): BIP 353 names, their DNS query, RFC 9102 DNSSEC proofs
//!   verified offline to the root, the `lno` offer in the `bitcoin:` URI.
//! - [`builder`]: writers that enforce the writer requirements and sign, and the checks a
//!   payer makes on an invoice against its request.
#![forbid(unsafe_code)]

/// `FromStr` and `Display` for a message's BOLT 12 string form: the prefix is checked, the
/// bytes go through the message's `from_bytes` reader.
macro_rules! bolt12_string_form {
    ($message:ty, $prefix:expr) => {
        impl core::str::FromStr for $message {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let (hrp, bytes) = $crate::string::decode(s)?;
                if hrp != $prefix {
                    return Err($crate::ParseError::WrongPrefix {
                        expected: $prefix,
                        found: hrp,
                    });
                }
                <$message>::from_bytes(bytes)
            }
        }

        impl core::fmt::Display for $message {
            /// The string form: prefix, `1`, bech32 data; lowercase, unsplit.
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&$crate::string::encode($prefix, self.as_bytes()))
            }
        }
    };
}

#[cfg(feature = "bip353")]
pub mod bip353;
pub mod builder;
mod checks;
mod error;
pub mod features;
pub mod invoice;
pub mod invoice_error;
pub mod invoice_request;
pub mod json;
pub mod merkle;
pub mod offer;
pub mod payer_proof;
pub mod refund;
pub mod stateless;
pub mod string;

/// TLV streams and subtypes generated from `spec-csv/04-onion-routing.csv`,
/// `spec-csv/12-offer-encoding.csv` and `spec-csv/patches.csv`.
#[allow(missing_docs, unused_variables, clippy::all)]
pub mod tlv {
    include!(concat!(env!("OUT_DIR"), "/bolt12.rs"));
}

pub use builder::{
    BuildError, InvoiceBuilder, InvoiceRequestBuilder, OfferBuilder, PayerCheckError,
};
/// What signs: [`Keys`] (made without a libsecp256k1 context on wasm32) or a
/// `secp256k1::Keypair`; every `build_and_sign` takes either.
pub use curve::{Keys, Signer};
pub use error::{ParseError, SemanticError};
pub use invoice::Invoice;
pub use invoice_error::InvoiceError;
pub use invoice_request::InvoiceRequest;
pub use offer::{Amount, Offer, OfferId};
pub use payer_proof::{PayerProof, PayerProofError};
pub use refund::{Refund, RefundBuilder};
pub use wire;

/// Any BOLT 12 message, by its string prefix.
// A parse result, matched on at once: boxing the larger variants would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bolt12 {
    /// `lno`.
    Offer(Offer),
    /// `lnr`.
    InvoiceRequest(InvoiceRequest),
    /// `lni`.
    Invoice(Invoice),
}

impl core::str::FromStr for Bolt12 {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (hrp, bytes) = string::decode(s)?;
        match hrp.as_str() {
            offer::PREFIX => Offer::from_bytes(bytes).map(Bolt12::Offer),
            invoice_request::PREFIX => {
                InvoiceRequest::from_bytes(bytes).map(Bolt12::InvoiceRequest)
            }
            invoice::PREFIX => Invoice::from_bytes(bytes).map(Bolt12::Invoice),
            _ => Err(ParseError::WrongPrefix {
                expected: "lno, lnr or lni",
                found: hrp,
            }),
        }
    }
}
