//! Shared by the load tests (`lnsocket/tests/load_listener.rs`, and
//! `commando/tests/load_server.rs` through `#[path]`): the raw BOLT 8 initiator the
//! faulty peers use, the peak-RSS measurement and its check, and the wait for the
//! listener's connection slots to be released.

use std::net::SocketAddr;
use std::time::Duration;

use lnsocket::listener::Listener;
use lnsocket::noise::{Initiator, PrivateKey, ACT_TWO_LEN, LENGTH_HEADER_LEN, MAC_LEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// lnsocket README "Buffering": per direction at most one message (send buffer
/// 18 + 65535 + 16 bytes, receive decoder 65535 + 16).
pub const PER_END: usize = (LENGTH_HEADER_LEN + 65535 + MAC_LEN) + (65535 + MAC_LEN);

/// The process's peak resident set size (`VmHWM`), in bytes.
pub fn peak_rss_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// Report how much the peak RSS grew since `before` (`what` names the load) and
/// assert it is within `bound`.
pub fn assert_rss_growth_within(before: usize, bound: usize, what: &str) {
    let grown = peak_rss_bytes().saturating_sub(before);
    eprintln!(
        "load: {what}; peak RSS grew {} kB (bound {} kB)",
        grown / 1024,
        bound / 1024
    );
    assert!(
        grown <= bound,
        "peak RSS grew {grown} bytes, over the bound {bound}"
    );
}

/// Connect over raw TCP and run the initiator's acts (BOLT #8), then send our `init`.
pub async fn raw_session(
    addr: SocketAddr,
    node: secp256k1::PublicKey,
) -> (TcpStream, lnsocket::noise::Transport) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let (state, act1) = Initiator::new(PrivateKey::generate().unwrap(), node)
        .unwrap()
        .act_one();
    s.write_all(&act1).await.unwrap();
    let mut act2 = [0u8; ACT_TWO_LEN];
    s.read_exact(&mut act2).await.unwrap();
    let (act3, mut t) = state.read_act_two(&act2).unwrap();
    s.write_all(&act3).await.unwrap();
    // init: type 16, no global features, no features.
    let init = t.send.encrypt(&[0, 16, 0, 0, 0, 0]).unwrap();
    s.write_all(&init).await.unwrap();
    (s, t)
}

/// Each connection's stream holds a listener slot: wait (at most 10 s) until all are free.
pub async fn assert_all_slots_released(listener: &Listener) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while listener.connections() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("every connection slot was released");
}
