//! The interop harness: real Core Lightning nodes for the toolkit's tests.
//!
//! [`Cln::get`] finds (or builds, once, into a cache keyed by version: `build-cln.sh`)
//! Core Lightning; [`Node::start`] runs a regtest node in a temporary directory, on free
//! loopback ports, with BOLT 8 over TCP and, when asked, over WebSocket, and our own
//! Bitcoin backend plugin (`cln-regtest-backend`, no bitcoind). A [`Node`] hands the test
//! its id, addresses and JSON-RPC socket, calls any RPC method, mints runes, and connects to
//! other nodes. Dropping it stops the node: `stop` over RPC, then the process by its pid if
//! it has not exited within a few seconds; its directory is removed unless
//! `CLN_INTEROP_KEEP=1`.
//!
//! A node that cannot be built or started is an error, never a skip: the interop tests
//! fail with the reason and the tail of the node's log.
#![forbid(unsafe_code)]

mod rpc;

use std::fmt;
use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub use rpc::RpcError;

/// The Core Lightning version the harness builds and runs.
pub const CLN_VERSION: &str = "v26.06.6";

/// Height of the regtest chain our Bitcoin backend plugin (`cln-regtest-backend`) serves:
/// genesis, then this many blocks.
pub const REGTEST_TIP: u32 = 101;

/// How long a node may take to be ready (RPC, ports listening, synced to [`REGTEST_TIP`]).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a node may take to exit after `stop` before it is killed by pid.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong while finding, building, starting or talking to a node.
#[derive(Debug)]
pub enum HarnessError {
    /// `build-cln.sh` failed or printed no install prefix.
    Build(String),
    /// The node did not start; the message carries the tail of its log.
    Start(String),
    /// A JSON-RPC call failed.
    Rpc(RpcError),
    /// An I/O error outside RPC (directories, processes).
    Io(std::io::Error),
}

impl fmt::Display for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HarnessError::Build(m) => write!(f, "building Core Lightning: {m}"),
            HarnessError::Start(m) => write!(f, "starting lightningd: {m}"),
            HarnessError::Rpc(e) => write!(f, "{e}"),
            HarnessError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for HarnessError {}

impl From<RpcError> for HarnessError {
    fn from(e: RpcError) -> Self {
        HarnessError::Rpc(e)
    }
}

impl From<std::io::Error> for HarnessError {
    fn from(e: std::io::Error) -> Self {
        HarnessError::Io(e)
    }
}

/// A Core Lightning installation: `bin/lightningd`, `bin/lightning-cli`.
#[derive(Debug)]
pub struct Cln {
    prefix: PathBuf,
}

impl Cln {
    /// The installation to use: `CLN_PREFIX` if set, else the cached build of
    /// [`CLN_VERSION`], built by `build-cln.sh` when missing (once per process).
    pub fn get() -> Result<&'static Cln, HarnessError> {
        static CLN: OnceLock<Result<Cln, String>> = OnceLock::new();
        CLN.get_or_init(|| Self::locate().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| HarnessError::Build(e.clone()))
    }

    fn locate() -> Result<Cln, HarnessError> {
        if let Some(prefix) = std::env::var_os("CLN_PREFIX") {
            let cln = Cln {
                prefix: PathBuf::from(prefix),
            };
            return if cln.lightningd().is_file() {
                Ok(cln)
            } else {
                Err(HarnessError::Build(format!(
                    "CLN_PREFIX={} has no bin/lightningd",
                    cln.prefix.display()
                )))
            };
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("build-cln.sh");
        let out = Command::new("bash")
            .arg(&script)
            .env("CLN_VERSION", CLN_VERSION)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| HarnessError::Build(format!("running {}: {e}", script.display())))?;
        let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() || prefix.is_empty() {
            return Err(HarnessError::Build(format!(
                "{} exited with {}",
                script.display(),
                out.status
            )));
        }
        Ok(Cln {
            prefix: PathBuf::from(prefix),
        })
    }

    /// The install prefix.
    pub fn prefix(&self) -> &Path {
        &self.prefix
    }

    /// `bin/lightningd`.
    pub fn lightningd(&self) -> PathBuf {
        self.prefix.join("bin/lightningd")
    }

    /// `bin/lightning-cli`.
    pub fn lightning_cli(&self) -> PathBuf {
        self.prefix.join("bin/lightning-cli")
    }
}

/// How to start a node.
#[derive(Debug, Clone, Default)]
pub struct NodeOptions {
    /// Also listen for BOLT 8 over WebSocket (`bind-addr=ws:127.0.0.1:PORT`).
    pub websocket: bool,
    /// Load the fixed-rate `currencyconvert` plugin, for offers in a currency.
    pub currency: bool,
    /// A fixed 32-byte `hsm_secret`, so the node id is the same every run.
    pub hsm_secret: Option<[u8; 32]>,
    /// More `--key=value` options for lightningd.
    pub extra: Vec<String>,
}

impl NodeOptions {
    /// BOLT 8 over TCP and WebSocket.
    pub fn with_websocket() -> Self {
        NodeOptions {
            websocket: true,
            ..Self::default()
        }
    }
}

/// A running regtest Core Lightning node, stopped when dropped.
pub struct Node {
    /// Node id, hex.
    pub id: String,
    /// BOLT 8 over TCP.
    pub tcp: SocketAddr,
    /// BOLT 8 over WebSocket, when asked for.
    pub ws: Option<SocketAddr>,
    dir: Option<tempfile::TempDir>,
    lightning_dir: PathBuf,
    child: Option<Child>,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.id)
            .field("tcp", &self.tcp)
            .field("ws", &self.ws)
            .field("dir", &self.lightning_dir)
            .finish()
    }
}

/// How many times [`Node::start`] tries when a chosen port was taken before lightningd
/// bound it.
const START_ATTEMPTS: u32 = 3;

/// A free loopback TCP port (bound, read, released: the race this leaves, another process
/// taking the port first, is handled by [`Node::start`]).
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A binary of this workspace (`target/<profile>/<name>`), found next to the running test
/// executable (test executables live in `target/<profile>/deps`). `CLN_INTEROP_<NAME>`
/// (upper case, `-` as `_`) overrides it.
pub fn target_binary(name: &str) -> Result<PathBuf, HarnessError> {
    let var = format!("CLN_INTEROP_{}", name.replace('-', "_").to_uppercase());
    if let Some(p) = std::env::var_os(var) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(HarnessError::Start(format!(
            "{} not built (cargo build --workspace --bins)",
            path.display()
        )))
    }
}

impl Node {
    /// Starts a node and waits until it is ready: `getinfo` answers, its BOLT 8 ports accept
    /// connections, and it has synced to [`REGTEST_TIP`].
    ///
    /// The ports are free when chosen ([`free_port`]), but another test's node or socket
    /// can take one before lightningd binds it (seen in CI: connectd's "Failed to bind
    /// socket ... Address already in use", and lightningd exits). Such a start is tried
    /// again with new ports, up to [`START_ATTEMPTS`] times; any other failure is returned
    /// at once.
    pub fn start(options: &NodeOptions) -> Result<Node, HarnessError> {
        let mut attempt = 1;
        loop {
            match Node::start_once(options) {
                Err(HarnessError::Start(log))
                    if attempt < START_ATTEMPTS && log.contains("Address already in use") =>
                {
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    fn start_once(options: &NodeOptions) -> Result<Node, HarnessError> {
        let cln = Cln::get()?;
        let backend = target_binary("cln-regtest-backend")?;
        let dir = tempfile::Builder::new().prefix("cln-interop-").tempdir()?;
        let lightning_dir = dir.path().to_path_buf();
        if let Some(secret) = options.hsm_secret {
            fs::create_dir_all(lightning_dir.join("regtest"))?;
            fs::write(lightning_dir.join("regtest/hsm_secret"), secret)?;
        }
        let tcp: SocketAddr = ([127, 0, 0, 1], free_port()?).into();
        let ws: Option<SocketAddr> = if options.websocket {
            Some(([127, 0, 0, 1], free_port()?).into())
        } else {
            None
        };
        let mut args = vec![
            format!("--lightning-dir={}", lightning_dir.display()),
            "--network=regtest".into(),
            "--disable-plugin=bcli".into(),
            format!("--plugin={}", backend.display()),
            format!("--bind-addr={tcp}"),
            format!("--log-file={}", lightning_dir.join("log").display()),
            "--log-level=debug".into(),
            "--alias=cln-interop".into(),
        ];
        if let Some(ws) = ws {
            args.push(format!("--bind-addr=ws:{ws}"));
        }
        if options.currency {
            args.push(format!(
                "--plugin={}",
                target_binary("cln-currencyconvert")?.display()
            ));
        }
        args.extend(options.extra.iter().cloned());
        let child = Command::new(cln.lightningd())
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(lightning_dir.join("stderr"))?)
            .spawn()
            .map_err(|e| HarnessError::Start(format!("{}: {e}", cln.lightningd().display())))?;
        let mut node = Node {
            id: String::new(),
            tcp,
            ws,
            dir: Some(dir),
            lightning_dir,
            child: Some(child),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(child) = node.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    node.child = None;
                    return Err(HarnessError::Start(format!(
                        "lightningd exited with {status}\n{}",
                        node.log_tail()
                    )));
                }
            }
            // lightningd answers RPC before connectd listens: wait for both.
            if node.rpc_path().exists() && node.listening() {
                // Ready when synced: at our backend's tip, with no sync warning.
                if let Ok(info) = node.rpc("getinfo", json!({})) {
                    let synced = info["blockheight"] == json!(REGTEST_TIP)
                        && info.get("warning_lightningd_sync").is_none()
                        && info.get("warning_bitcoind_sync").is_none();
                    if synced {
                        node.id = info["id"].as_str().unwrap_or_default().to_string();
                        break;
                    }
                }
            }
            if Instant::now() > deadline {
                return Err(HarnessError::Start(format!(
                    "not ready (RPC, ports, synced to block {REGTEST_TIP}) within {START_TIMEOUT:?}\n{}",
                    node.log_tail()
                )));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(node)
    }

    /// Do the BOLT 8 ports (TCP, and WebSocket when asked for) accept connections?
    fn listening(&self) -> bool {
        let timeout = Duration::from_millis(200);
        std::iter::once(self.tcp)
            .chain(self.ws)
            .all(|addr| TcpStream::connect_timeout(&addr, timeout).is_ok())
    }

    /// Starts `n` nodes at once (in parallel).
    pub fn start_many(n: usize, options: &NodeOptions) -> Result<Vec<Node>, HarnessError> {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let options = options.clone();
                thread::spawn(move || Node::start(&options))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(HarnessError::Start("start thread panicked".into())))
            })
            .collect()
    }

    /// The node's `lightning-dir`.
    pub fn lightning_dir(&self) -> &Path {
        &self.lightning_dir
    }

    /// The JSON-RPC socket.
    pub fn rpc_path(&self) -> PathBuf {
        self.lightning_dir.join("regtest/lightning-rpc")
    }

    /// The process id of `lightningd`, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// `id@127.0.0.1:port`.
    pub fn tcp_address(&self) -> String {
        format!("{}@{}", self.id, self.tcp)
    }

    /// `ws://127.0.0.1:port` when the node listens on WebSocket.
    pub fn ws_url(&self) -> Option<String> {
        self.ws.map(|a| format!("ws://{a}"))
    }

    /// Calls a JSON-RPC method (`params` an object or an array) with the default timeout.
    pub fn rpc(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        rpc::call(&self.rpc_path(), method, params, rpc::DEFAULT_TIMEOUT)
    }

    /// Calls a JSON-RPC method with a given timeout.
    pub fn rpc_timeout(
        &self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, RpcError> {
        rpc::call(&self.rpc_path(), method, params, timeout)
    }

    /// `createrune` with restrictions (CLN's array-of-arrays form); returns the rune.
    pub fn create_rune(&self, restrictions: Value) -> Result<String, RpcError> {
        let r = self.rpc("createrune", json!({ "restrictions": restrictions }))?;
        Ok(r["rune"].as_str().unwrap_or_default().to_string())
    }

    /// `connect` to another node over TCP, and wait until both list the other as a peer.
    pub fn connect(&self, other: &Node) -> Result<(), RpcError> {
        self.rpc("connect", json!({ "id": other.tcp_address() }))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let peers = other.rpc("listpeers", json!({ "id": self.id }))?;
            if peers["peers"][0]["connected"] == json!(true) {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(20));
        }
        Err(RpcError::Timeout(format!(
            "{} does not list {} as a connected peer",
            other.id, self.id
        )))
    }

    /// The last lines of the node's log (for error messages).
    pub fn log_tail(&self) -> String {
        let mut text = String::new();
        for name in ["log", "stderr"] {
            if let Ok(s) = fs::read_to_string(self.lightning_dir.join(name)) {
                let lines: Vec<&str> = s.lines().collect();
                let from = lines.len().saturating_sub(30);
                text.push_str(&format!("--- {name} (last {} lines)\n", lines.len() - from));
                text.push_str(&lines[from..].join("\n"));
                text.push('\n');
            }
        }
        text
    }

    /// Stops the node: `stop` over RPC, then, if it has not exited in time, `kill` by pid.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = rpc::call(&self.rpc_path(), "stop", json!({}), Duration::from_secs(5));
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
            }
        }
        if std::env::var_os("CLN_INTEROP_KEEP").is_some() {
            if let Some(dir) = self.dir.take() {
                eprintln!("cln-interop: kept {}", dir.keep().display());
            }
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop();
    }
}
