//! Starts Core Lightning regtest nodes for tests written outside Rust (the npm package's
//! Node tests, the demo page's Chromium tests), prints one JSON line describing them, and
//! stops them when its standard input closes (or says `stop`).
//!
//! ```text
//! cln-nodes [--nodes N] [--websocket] [--connect] [--currency]
//! {"nodes":[{"id":"02..","tcp":"127.0.0.1:p","ws":"ws://127.0.0.1:q","rpc":"/tmp/../lightning-rpc",
//!            "pid":123,"rune":"..","readonly_rune":".."}, ...]}
//! ```
//! `--connect` connects node i to node i+1. The caller stops the nodes by closing our
//! stdin (or writing `stop`), then waits for us to exit. Signals are not caught: killing
//! this process leaves its nodes running, so a caller that must kill it should also kill
//! each node by the `pid` printed for it.
use std::io::BufRead;
use std::process::ExitCode;

use cln_interop::{Node, NodeOptions};
use serde_json::{json, Value};

fn main() -> ExitCode {
    let mut count = 1usize;
    let mut options = NodeOptions::default();
    let mut connect = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--nodes" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n >= 1 => count = n,
                _ => return usage("--nodes takes a count of at least 1"),
            },
            "--websocket" => options.websocket = true,
            "--currency" => options.currency = true,
            "--connect" => connect = true,
            other => return usage(&format!("unknown argument {other}")),
        }
    }
    let nodes = match Node::start_many(count, &options) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("cln-nodes: {e}");
            return ExitCode::FAILURE;
        }
    };
    if connect {
        for pair in nodes.windows(2) {
            if let Err(e) = pair[0].connect(&pair[1]) {
                eprintln!("cln-nodes: connect: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut described = Vec::new();
    for node in &nodes {
        let runes = node.create_rune(json!([])).and_then(|admin| {
            node.create_rune(json!([
                [
                    "method^list",
                    "method^get",
                    "method=summary",
                    "method=decode"
                ],
                ["method/listdatastore"]
            ]))
            .map(|ro| (admin, ro))
        });
        let (rune, readonly) = match runes {
            Ok(r) => r,
            Err(e) => {
                eprintln!("cln-nodes: createrune: {e}");
                return ExitCode::FAILURE;
            }
        };
        described.push(json!({
            "id": node.id,
            "tcp": node.tcp.to_string(),
            "ws": node.ws_url().map_or(Value::Null, Value::from),
            "rpc": node.rpc_path().display().to_string(),
            "dir": node.lightning_dir().display().to_string(),
            "pid": node.pid(),
            "rune": rune,
            "readonly_rune": readonly,
        }));
    }
    println!("{}", json!({ "nodes": described }));
    for line in std::io::stdin().lock().lines() {
        match line {
            Ok(l) if l.trim() == "stop" => break,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    drop(nodes);
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!(
        "cln-nodes: {problem}\nusage: cln-nodes [--nodes N] [--websocket] [--connect] [--currency]"
    );
    ExitCode::from(2)
}
