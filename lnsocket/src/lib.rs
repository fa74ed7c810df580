#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

pub mod addr;
pub mod connect;
pub mod connection;
pub mod error;
pub mod features;
pub mod framing;
#[cfg(not(target_arch = "wasm32"))]
pub mod listener;
pub mod msgs;
pub mod noise;
pub mod ping;
pub mod rt;
pub mod session;
pub mod transport;

pub use addr::{Endpoint, PeerAddr};
pub use connection::{Config, Connection, Message};
pub use error::Error;
pub use noise::PrivateKey;
