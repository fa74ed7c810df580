//! The demo node: a BOLT 8 responder on a WebSocket port with an embedded Commando server
//! (runes checked as Core Lightning does) answering what a front end needs, an invoice
//! request responder (BOLT 12 over onion messages, messenger's `Responder`) for the offers
//! it creates, plus a small static HTTP server for the web page and the npm package.
//!
//! ```text
//! web-demo [--ws 127.0.0.1:9736] [--http 127.0.0.1:8089 | --no-http]
//!          [--seed HEX32 | --seed-file PATH] [--www DIR] [--pkg DIR]
//! ```
//!
//! On start it prints its node id, WebSocket URL and runes, then one machine-readable
//! line `DEMO_NODE_READY {json}`.
#![forbid(unsafe_code)]

mod http;
mod node;
mod peer;
mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use commando::{Limits, Server};
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::PrivateKey;
use lnsocket::{Config, Connection};
use messenger::{NodeKey, Responder, ResponderConfig};
use runes::{MasterRune, MasterSecret, MemoryRuneStore, Restriction, SystemClock, UniqueId};
use secp256k1::{Keypair, SecretKey, SECP256K1};
use sha2::{Digest, Sha256};

struct Args {
    ws: SocketAddr,
    http: Option<SocketAddr>,
    seed: Option<String>,
    seed_file: Option<PathBuf>,
    www: PathBuf,
    pkg: PathBuf,
}

fn usage(msg: &str) -> ! {
    eprintln!("web-demo: {msg}");
    eprintln!("usage: web-demo [--ws ADDR] [--http ADDR | --no-http] [--seed HEX32 | --seed-file PATH] [--www DIR] [--pkg DIR]");
    std::process::exit(2)
}

fn parse_args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut a = Args {
        ws: SocketAddr::from(([127, 0, 0, 1], 9736)),
        http: Some(SocketAddr::from(([127, 0, 0, 1], 8089))),
        seed: None,
        seed_file: None,
        www: root.join("www"),
        pkg: root.join("..").join("wasm").join("pkg"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--ws" => {
                a.ws = value()
                    .parse()
                    .unwrap_or_else(|_| usage("bad --ws address"))
            }
            "--http" => {
                a.http = Some(
                    value()
                        .parse()
                        .unwrap_or_else(|_| usage("bad --http address")),
                )
            }
            "--no-http" => a.http = None,
            "--seed" => a.seed = Some(value()),
            "--seed-file" => a.seed_file = Some(PathBuf::from(value())),
            "--www" => a.www = PathBuf::from(value()),
            "--pkg" => a.pkg = PathBuf::from(value()),
            "-h" | "--help" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    a
}

/// The 32-byte seed: given, or kept in the seed file (read if there, else made at random
/// and written there: `seed.rs` says how it is kept private), or random for this run.
fn seed(args: &Args) -> Result<[u8; 32], String> {
    let random = || -> Result<[u8; 32], String> {
        let mut b = [0u8; 32];
        getrandom::getrandom(&mut b).map_err(|e| e.to_string())?;
        Ok(b)
    };
    if let Some(s) = &args.seed {
        let v = hex::decode(s.trim()).map_err(|_| "seed must be hex".to_string())?;
        return <[u8; 32]>::try_from(v.as_slice()).map_err(|_| "seed must be 32 bytes".to_string());
    }
    match &args.seed_file {
        Some(p) => seed::load_or_create(p, random),
        None => random(),
    }
}

fn derive(seed: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label);
    h.update(seed);
    h.finalize().into()
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    if let Err(e) = run(args).await {
        eprintln!("web-demo: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let seed = seed(&args)?;
    let node_secret = derive(&seed, b"bolt12-toolkit demo node key");
    let key = PrivateKey::from_bytes(&node_secret).ok_or("bad node key")?;
    let sk = SecretKey::from_slice(&node_secret).map_err(|e| e.to_string())?;
    let keypair = Keypair::from_secret_key(SECP256K1, &sk);
    let master = MasterRune::new(
        &MasterSecret::new(&derive(&seed, b"bolt12-toolkit demo rune secret"))
            .map_err(|e| e.to_string())?,
    );
    let uid = |s: &str| UniqueId::new(s).map_err(|e| e.to_string());
    let admin = master.create(uid("0")?, vec![]).to_base64();
    let readonly = master
        .create(uid("1")?, Restriction::readonly())
        .to_base64();

    let listener = Listener::bind(args.ws, Kind::WebSocket, key)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.ws))?;
    let ws_addr = listener.local_addr().map_err(|e| e.to_string())?;
    let ws_url = format!("ws://{ws_addr}");
    let node_id = listener.node_id().to_string();

    let http_url = match args.http {
        Some(addr) => {
            let l = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            let a = l.local_addr().map_err(|e| e.to_string())?;
            let config = serde_json::json!({
                "node_id": node_id, "ws_url": ws_url, "rune": admin, "readonly_rune": readonly,
            });
            tokio::spawn(http::serve(
                l,
                args.www.clone(),
                args.pkg.clone(),
                config.to_string(),
            ));
            Some(format!("http://{a}/"))
        }
        None => None,
    };

    println!("bolt12-toolkit demo node (payments are SIMULATED in memory)");
    println!("  node id:        {node_id}");
    println!("  websocket:      {ws_url}");
    println!("  rune (admin):   {admin}");
    println!("  rune (readonly): {readonly}");
    if let Some(u) = &http_url {
        println!("  page:           {u}");
    }
    println!(
        "DEMO_NODE_READY {}",
        serde_json::json!({
            "node_id": node_id, "ws_url": ws_url, "rune": admin,
            "readonly_rune": readonly, "http_url": http_url,
        })
    );

    // Offers are made by the responder (stateless: recognised from their own fields), so
    // that invoice requests for them over onion messages are answered.
    let responder = Arc::new(
        Responder::new(
            NodeKey::from_bytes(&node_secret).ok_or("bad node key")?,
            &derive(&seed, b"bolt12-toolkit demo offer key material"),
            ResponderConfig::default(),
        )
        .map_err(|e| e.to_string())?,
    );
    let demo = node::DemoNode::new(keypair, ws_url, responder.clone());
    let peers = demo.peers.clone();
    let server = Arc::new(Server::new(
        master,
        Arc::new(MemoryRuneStore::new()),
        Arc::new(SystemClock),
        demo,
        Limits::default(),
    ));
    loop {
        // The WebSocket upgrade and the handshake run in the connection's own task, so a
        // peer that stalls in them holds up nobody (lnsocket's listener limits).
        let incoming = match listener.accept_incoming().await {
            Ok(x) => x,
            Err(e) => {
                eprintln!("demo node: accept failed: {e}");
                continue;
            }
        };
        let peer = incoming.peer_addr();
        let key = listener.key().clone();
        let server = server.clone();
        let responder = responder.clone();
        let peers = peers.clone();
        tokio::spawn(async move {
            let conn = match incoming.stream().await {
                Ok(io) => Connection::respond(io, key, Config::default()).await,
                Err(e) => Err(e),
            };
            let conn = match conn {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("demo node: handshake with {peer} failed: {e}");
                    return;
                }
            };
            peers.fetch_add(1, Ordering::Relaxed);
            eprintln!("demo node: {peer} connected as {}", conn.remote_node_id());
            let (r, report) = peer::serve(&server, &responder, conn).await;
            peers.fetch_sub(1, Ordering::Relaxed);
            eprintln!(
                "demo node: {peer} disconnected ({r:?}); onion messages: {} answered, {} dropped {:?}",
                report.replies.len(),
                report.dropped_total,
                report.dropped
            );
        });
    }
}
