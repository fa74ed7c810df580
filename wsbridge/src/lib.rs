#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

pub mod bridge;
pub mod config;
pub mod dest;
pub mod http;
pub mod limits;
pub mod log;
pub mod policy;
pub mod refusal;
pub mod server;

pub use config::{load_tls, Config, Limits, TlsError};
pub use dest::{DestError, Destination, Host};
pub use log::{Event, Log, StderrLog};
pub use policy::{classify, AddrClass, Policy, Resolver, SystemResolver};
pub use refusal::{Close, Refusal};
pub use server::{Bridge, Counter};
