//! `ping` a node the way `bolt12 ping` does: connect (TCP or WebSocket),
//! exchange `init`, ping, print the peer's named features and the RTT.
//! Exits non-zero with the error on failure.
//!
//! Usage: `cargo run -p lnsocket --example ping -- <node_id>@<host:port | ws[s]://...>`

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main()
}

/// Native only.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use lnsocket::ping::{ping, PingOptions};

    #[tokio::main(flavor = "current_thread")]
    pub async fn main() {
        let Some(addr) = std::env::args().nth(1) else {
            eprintln!("usage: ping <node_id>@<host:port | ws[s]://...>");
            std::process::exit(2);
        };
        match ping(&addr, &PingOptions::default()).await {
            Ok(report) => println!("{report}"),
            Err(e) => {
                eprintln!("ping {addr}: {e}");
                std::process::exit(1);
            }
        }
    }
}
