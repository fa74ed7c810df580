//! Core Lightning's JSON-RPC over its Unix socket (`lightning-rpc`): one connection per
//! call, a request object out, one response object back.
use std::fmt;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};

/// Timeout of a call unless the caller gives one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A failed JSON-RPC call.
#[derive(Debug, Clone)]
pub enum RpcError {
    /// The node answered with an error object: its `code`, `message` and the whole object.
    Node {
        /// JSON-RPC error code.
        code: i64,
        /// Error message.
        message: String,
        /// The whole `error` object (with `data` when present).
        error: Value,
    },
    /// The socket could not be reached or broke.
    Io(String),
    /// No (complete) answer in time.
    Timeout(String),
    /// The answer was not a JSON-RPC response.
    Malformed(String),
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RpcError::Node { code, message, .. } => write!(f, "node error {code}: {message}"),
            RpcError::Io(m) => write!(f, "rpc i/o: {m}"),
            RpcError::Timeout(m) => write!(f, "rpc timeout: {m}"),
            RpcError::Malformed(m) => write!(f, "rpc answer malformed: {m}"),
        }
    }
}

impl std::error::Error for RpcError {}

/// Calls `method` with `params` on the socket at `path`.
pub fn call(
    path: &Path,
    method: &str,
    params: Value,
    timeout: Duration,
) -> Result<Value, RpcError> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut stream =
        UnixStream::connect(path).map_err(|e| RpcError::Io(format!("{}: {e}", path.display())))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| RpcError::Io(e.to_string()))?;
    let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    let bytes = serde_json::to_vec(&request).map_err(|e| RpcError::Malformed(e.to_string()))?;
    stream
        .write_all(&bytes)
        .map_err(|e| RpcError::Io(e.to_string()))?;
    let mut answers = serde_json::Deserializer::from_reader(&stream).into_iter::<Value>();
    let answer = match answers.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) if e.is_io() => {
            return Err(RpcError::Timeout(format!(
                "{method}: {e} (after {timeout:?})"
            )))
        }
        Some(Err(e)) => return Err(RpcError::Malformed(format!("{method}: {e}"))),
        None => return Err(RpcError::Io(format!("{method}: connection closed"))),
    };
    if let Some(error) = answer.get("error") {
        return Err(RpcError::Node {
            code: error["code"].as_i64().unwrap_or_default(),
            message: error["message"].as_str().unwrap_or_default().to_string(),
            error: error.clone(),
        });
    }
    answer
        .get("result")
        .cloned()
        .ok_or_else(|| RpcError::Malformed(format!("{method}: no result in {answer}")))
}
