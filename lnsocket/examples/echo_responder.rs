//! A responder for tests from other processes (the browser/WASM transport
//! test): listens on 127.0.0.1 (TCP or WebSocket), prints
//! `READY <node_id>@<address>`, serves one connection by echoing every odd
//! message back with its type + 2, and exits when the peer leaves or after
//! two minutes.
//!
//! Usage: `cargo run -p lnsocket --example echo_responder -- [tcp|ws]`

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    native::main()
}

/// Native only.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Duration;

    use lnsocket::listener::{Kind, Listener};
    use lnsocket::{Config, Message, PrivateKey};

    #[tokio::main(flavor = "current_thread")]
    pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
        let kind = match std::env::args().nth(1).as_deref() {
            Some("tcp") => Kind::Tcp,
            _ => Kind::WebSocket,
        };
        let listener = Listener::bind(
            "127.0.0.1:0".parse()?,
            kind,
            PrivateKey::generate().map_err(|e| e.to_string())?,
        )
        .await?;
        println!("READY {}", listener.dial_address()?);
        let serve = async {
            let mut conn = listener.accept(Config::default()).await?;
            let mut echoed = 0u64;
            loop {
                match conn.recv().await {
                    Ok(Message::Odd { msg_type, payload }) => {
                        conn.send_message(msg_type.wrapping_add(2), &payload)
                            .await?;
                        echoed += 1;
                    }
                    Ok(_) => {}
                    Err(lnsocket::Error::PeerClosed) => break,
                    Err(e) => return Err(e),
                }
            }
            println!("DONE {echoed}");
            Ok::<_, lnsocket::Error>(())
        };
        tokio::time::timeout(Duration::from_secs(120), serve).await??;
        Ok(())
    }
}
