//! Commando: JSON-RPC to Core Lightning carried in Lightning custom
//! messages and authorised by runes (lightning-commando(7),
//! commando-plugin.md), transport-agnostic.
//!
//! * [`frame`]: message types 0x4c4d/0x4c4f (command continues/terminal),
//!   0x594b/0x594d (reply continues/terminal), 8-byte id, 65000-byte chunks.
//! * [`Client`]: many commands in flight, matched by id; per-command
//!   timeouts; reply-size cap; typed errors ([`CommandoError`]);
//!   optional reconnection.
//! * [`Server`]: reassembly with Core Lightning's limits, rune checks via
//!   the `runes` crate exactly as `checkrune`, a [`Handler`] for the
//!   embedding program.
//! * [`transport`]: the small trait pair ([`MessageSink`],
//!   [`MessageSource`]) any connection implements; [`memory`] provides an
//!   in-process one.
//! * [`cli`]: helpers for the `commando` command line.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
mod client;
mod error;
pub mod frame;
#[cfg(all(feature = "lnsocket", not(target_arch = "wasm32")))]
pub mod lnsocket_adaptor;
pub mod memory;
mod partial;
mod server;
pub mod transport;

pub use client::{parse_reply, Client, ClientConfig, Driver, Request};
pub use error::{
    CommandoError, COMMANDO_ERROR_LOCAL, COMMANDO_ERROR_REMOTE, COMMANDO_ERROR_REMOTE_AUTH,
    RUNE_BLACKLISTED, RUNE_NOT_AUTHORIZED, RUNE_NOT_PERMITTED,
};
pub use frame::CustomMessage;
pub use partial::{Assembled, Limits, Partials};
pub use server::{Call, ConnectionLimits, Handler, RpcError, Server};
#[cfg(not(target_arch = "wasm32"))]
pub use transport::TokioTimer;
pub use transport::{Connection, Connector, MessageSink, MessageSource, Timer, TransportError};
