//! Core Lightning runes: parse, print, attenuate, create, verify and check.
//!
//! Implements the rune format of rustyrussell/runes (vendored in Core
//! Lightning as `ccan/rune`) and Core Lightning's use of it
//! (lightning-createrune(7), lightning-checkrune(7),
//! lightning-showrunes(7), lightning-decode(7)).
//!
//! ```
//! use runes::{MasterRune, MasterSecret, Restriction, Rune, UniqueId};
//!
//! let master = MasterRune::new(&MasterSecret::new(&[0u8; 16]).unwrap());
//! let rune = master.create(UniqueId::new("1").unwrap(), Restriction::readonly());
//! // Anyone can attenuate without the secret...
//! let weaker = rune.clone().with_restriction(Restriction::parse("time<1700000000").unwrap());
//! // ...and the issuer still accepts it.
//! assert!(master.verify(&Rune::from_base64(&weaker.to_base64()).unwrap()).is_ok());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod base64url;
mod check;
mod condition;
mod decode;
mod english;
mod error;
mod eval;
pub mod rawjson;
mod restriction;
mod rune;
mod secret;
mod sha256;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use check::SystemClock;
pub use check::{
    check_rune, CheckError, CheckRequest, Clock, FixedClock, MemoryRuneStore, RuneStore, Timestamp,
    JSONRPC2_INVALID_PARAMS, RUNE_BLACKLISTED, RUNE_NOT_AUTHORIZED, RUNE_NOT_PERMITTED,
};
pub use condition::Condition;
pub use decode::{decode_rune, decode_rune_json_text};
pub use english::showrune_json;
pub use error::{DerivationError, ParseError, SecretError};
pub use eval::FieldValue;
pub use restriction::{Alternative, FieldName, Restriction};
pub use rune::{extend_authcode, Authcode, Rune, UniqueId};
pub use secret::{MasterRune, MasterSecret};
pub use sha256::MAX_SECRET_LEN;
