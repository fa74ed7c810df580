//! Shared by the interop tests that run the `bolt12` CLI as a process.
#![allow(dead_code)]
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `target/<profile>/bolt12` (build it with `cargo build -p bolt12-cli`), found next to
/// the test executable as the harness finds its helpers, or given by `BOLT12_CLI`.
pub fn cli_path() -> PathBuf {
    if let Some(p) = std::env::var_os("BOLT12_CLI") {
        return PathBuf::from(p);
    }
    cln_interop::target_binary("bolt12").unwrap_or_else(|e| panic!("the bolt12 CLI: {e}"))
}

/// A two-thread tokio runtime for the async clients (lnsocket, commando, messenger).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// What a CLI run printed.
#[derive(Debug)]
pub struct CliRun {
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `bolt12 <args>`; killed by pid if it is still running after `limit` (a bound on
/// the test, not a measurement).
pub fn run_cli(args: &[&str], limit: Duration) -> CliRun {
    let mut child = Command::new(cli_path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bolt12 starts");
    let (mut out, mut err) = (
        child.stdout.take().expect("stdout"),
        child.stderr.take().expect("stderr"),
    );
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).map(|_| s)
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).map(|_| s)
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bolt12 {args:?} still running after {limit:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    CliRun {
        code: status.code(),
        stdout: out_reader.join().expect("reader").expect("utf-8 stdout"),
        stderr: err_reader.join().expect("reader").expect("utf-8 stderr"),
    }
}

/// Waits (bounded) until the node accepts TCP connections on its ports: `getinfo`
/// answers before connectd starts listening (lightningd activates connectd last), so
/// `Node::start` returning does not mean the ports are open yet.
pub fn wait_listening(node: &cln_interop::Node) {
    let deadline = Instant::now() + Duration::from_secs(30);
    for addr in std::iter::once(node.tcp).chain(node.ws) {
        loop {
            if std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{addr} not listening\n{}",
                node.log_tail()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// An attenuation of `rune` (by a `pnamen!|pnamen=<i>` restriction, which calls without an
/// `n` parameter pass) whose base64 starts with `prefix`.
pub fn hyphen_rune(rune: &str, prefix: &str) -> String {
    let base = runes::Rune::from_base64(rune).expect("parses");
    (0..1_000_000u32)
        .map(|i| {
            base.clone()
                .with_restriction(
                    runes::Restriction::parse(&format!("pnamen!|pnamen={i}")).expect("r"),
                )
                .to_base64()
        })
        .find(|b| b.starts_with(prefix))
        .expect("some attenuation starts with the prefix")
}

/// Our invoice-request responder (`messenger::Responder`, default config) with `key` and the
/// stateless `material`, and a BOLT 8 TCP listener for it on 127.0.0.1 (port chosen by the
/// system): the responder, the listener and its port. The caller runs the accept loop.
pub fn responder_listener(
    rt: &tokio::runtime::Runtime,
    key: messenger::NodeKey,
    material: &[u8; 32],
) -> (
    std::sync::Arc<messenger::Responder>,
    lnsocket::listener::Listener,
    u16,
) {
    let lnsocket_key = key.to_lnsocket().expect("key");
    let responder = std::sync::Arc::new(
        messenger::Responder::new(key, material, messenger::ResponderConfig::default())
            .expect("responder"),
    );
    let listener = rt
        .block_on(lnsocket::listener::Listener::bind(
            "127.0.0.1:0".parse().expect("addr"),
            lnsocket::listener::Kind::Tcp,
            lnsocket_key,
        ))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (responder, listener, port)
}
