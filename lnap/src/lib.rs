#![forbid(unsafe_code)]
//! lnap vendor proofs: a signed TLV binding a domain or email vendor to
//! Lightning node ids, verified offline against the web PKI.
//!
//! This crate currently holds the PKI half: certificate parsing and path
//! validation ([`pki`]), the `certsignature` over the merkle root
//! ([`certsignature`], [`vouch`]), vendor parsing ([`vendor`]) and the legacy
//! verifier for the 2021 draft's example proof ([`legacy`]).

pub mod certsignature;
pub mod legacy;
pub mod pki;
pub mod time;
pub mod vendor;
pub mod vouch;

pub use time::UnixTime;
pub use vendor::{DnsName, Vendor, VendorError};
