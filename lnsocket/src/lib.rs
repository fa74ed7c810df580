#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

pub mod addr;
#[cfg(feature = "io")]
pub mod connect;
#[cfg(feature = "io")]
pub mod connection;
#[cfg(feature = "io")]
pub mod error;
pub mod features;
pub mod framing;
#[cfg(all(feature = "io", not(target_arch = "wasm32")))]
pub mod listener;
pub mod msgs;
pub mod noise;
#[cfg(feature = "io")]
pub mod ping;
#[cfg(feature = "io")]
pub mod rt;
#[cfg(feature = "io")]
pub mod session;
#[cfg(feature = "io")]
pub mod transport;

pub use addr::{Endpoint, PeerAddr};
#[cfg(feature = "io")]
pub use connection::{Config, Connection, Message};
#[cfg(feature = "io")]
pub use error::Error;
pub use noise::PrivateKey;
