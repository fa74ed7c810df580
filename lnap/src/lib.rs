#![forbid(unsafe_code)]
//! lnap vendor proofs: a signed TLV binding a domain or email vendor to
//! Lightning node ids, verified offline against the web PKI.
//!
//! - [`proof`]: the `addressproof` TLV stream (generated from `spec-csv/lnap.csv`), the
//!   `lnap1...` string, [`Proof::create`] and [`Proof::verify`].
//! - [`check`]: an offer or invoice against a proof, as a [`Verdict`] a wallet can show.
//! - [`pki`]: certificate parsing and path validation; [`certsignature`], [`vouch`]: the
//!   signature over the Merkle root; [`vendor`]: domain or email vendors.
//! - [`legacy`]: the verifier for the 2021 draft's example proof.

pub mod certsignature;
pub mod check;
pub mod legacy;
pub mod pki;
pub mod proof;
pub mod time;
pub mod vendor;
pub mod vouch;

pub use check::{Report, Verdict};
pub use proof::{CreateError, Proof, ProofError, VerifyError};
pub use time::UnixTime;
pub use vendor::{DnsName, Vendor, VendorError};
