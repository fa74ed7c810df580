//! `bolt12`: the toolkit's command-line tool.
//!
//! Each subcommand lives in its own module with a clap `Args` struct and a `run` function
//! returning `Result<(), E>` where `E: Display` is that module's error enum; `main` only
//! dispatches and turns an error into one line on stderr and exit status 1.
#![forbid(unsafe_code)]

use std::fmt::Display;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod decode;
mod fetch;
mod keys;
mod lnap;
mod net;
mod offer;
mod payerproof;
mod proxy;
mod refund;
mod resolve;
mod rune;
mod sendinvoice;
mod stateless;
mod via;

#[derive(Debug, Parser)]
#[command(name = "bolt12", version, about = "BOLT 12 / Lightning toolkit")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode a string (bolt12 offer, invoice_request, invoice or payer proof, rune, lnap proof) into
    /// Core Lightning's `decode` JSON.
    Decode(decode::Args),
    /// Create an offer (`lno1...`).
    Offer(offer::Args),
    /// Create a refund: an invoice request without an offer (`lnr1...`), for `sendinvoice`.
    Invoicerequest(refund::Args),
    /// Verify a BIP 353 name's DNSSEC proof offline; print its bitcoin: URI and offer.
    Resolve(resolve::Args),
    /// Core Lightning runes: decode, attenuate, create, check.
    Rune(rune::Args),
    /// lnap vendor proofs: create, verify, check an offer or invoice.
    Lnap(lnap::Args),
    /// Recognise our own invoice requests and invoices from key material (no storage).
    Stateless(stateless::Args),
    /// Connect to a node (BOLT 8), exchange init, ping: print its features and the RTT.
    Ping(net::PingArgs),
    /// Call a Core Lightning JSON-RPC method over Commando, authorised by a rune.
    Commando(net::CommandoArgs),
    /// Fetch an invoice for an offer with an onion message through a node; print it checked.
    Fetchinvoice(fetch::Args),
    /// Prove a payment (DRAFT payer proof, `lnp1...`) from the invoice, preimage and payer key.
    Payerproof(payerproof::Args),
    /// Answer a refund (`lnr1...`) as its payee: an invoice sent by onion message through a node.
    Sendinvoice(sendinvoice::Args),
    /// Bridge WebSocket clients (ws[s]://PROXY/<host>:<port>) to nodes on TCP.
    Proxy(proxy::Args),
}

/// Exit status 0 on success; on failure one line `error: ...` on stderr and status 1.
fn finish<E: Display>(result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Decode(args) => finish(decode::run(args)),
        Command::Offer(args) => finish(offer::run(args)),
        Command::Invoicerequest(args) => finish(refund::run(args)),
        Command::Resolve(args) => finish(resolve::run(args)),
        Command::Rune(args) => finish(rune::run(args)),
        Command::Lnap(args) => finish(lnap::run(args)),
        Command::Stateless(args) => finish(stateless::run(args)),
        Command::Ping(args) => finish(net::ping(args)),
        Command::Commando(args) => finish(net::commando(args)),
        Command::Fetchinvoice(args) => finish(fetch::run(args)),
        Command::Payerproof(args) => finish(payerproof::run(args)),
        Command::Sendinvoice(args) => finish(sendinvoice::run(args)),
        Command::Proxy(args) => finish(proxy::run(args)),
    }
}
