//! The bridge against hand-written WebSocket bytes (RFC 6455 §5.2): a frame sent in the
//! same write as the upgrade request is forwarded, a fragmented message passes in order,
//! fragments adding up to more than the frame limit close the connection with 1009 before
//! any of them is forwarded, and an unmasked client frame is a protocol error (1002). An
//! IPv6 destination listed exactly (`[::1]:port`) is bridged.
mod common;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wsbridge::Limits;

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A client frame: FIN flag, opcode, masked payload (lengths up to 64 KiB).
fn frame(fin: bool, opcode: u8, payload: &[u8], masked: bool) -> Vec<u8> {
    let mut f = vec![(u8::from(fin) << 7) | opcode];
    let m = if masked { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => f.push(m | n as u8),
        n => {
            f.push(m | 126);
            f.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    if masked {
        f.extend_from_slice(&MASK);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    } else {
        f.extend_from_slice(payload);
    }
    f
}

fn request(dest: &str) -> Vec<u8> {
    format!(
        "GET /{dest} HTTP/1.1\r\nHost: bridge\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {KEY}\r\n\r\n"
    )
    .into_bytes()
}

/// Reads the 101 head, then server frames (unmasked) until `want` payload bytes of binary
/// frames arrived or a close frame: (binary payload, close code if any).
async fn read_frames(s: &mut TcpStream, want: usize) -> (Vec<u8>, Option<u16>) {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout(BOUND, s.read(&mut chunk))
            .await
            .expect("bounded")
            .unwrap();
        assert!(n > 0, "closed before the response head");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    assert!(
        head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"),
        "{head}"
    );
    assert!(
        head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
        "{head}"
    );
    let mut rest = buf.split_off(head_end);
    let mut data = Vec::new();
    loop {
        // Parse whole frames from `rest`.
        while rest.len() >= 2 {
            let (op, len0) = (rest[0] & 0x0f, (rest[1] & 0x7f) as usize);
            let (len, off) = match len0 {
                126 if rest.len() >= 4 => (u16::from_be_bytes([rest[2], rest[3]]) as usize, 4),
                126 => break,
                127 => panic!("test frames are under 64 KiB"),
                n => (n, 2),
            };
            if rest.len() < off + len {
                break;
            }
            let payload: Vec<u8> = rest.drain(..off + len).skip(off).collect();
            match op {
                2 | 0 => data.extend_from_slice(&payload),
                8 => {
                    let code = u16::from_be_bytes([payload[0], payload[1]]);
                    return (data, Some(code));
                }
                _ => {}
            }
            if data.len() >= want {
                return (data, None);
            }
        }
        let mut chunk = [0u8; 65536];
        let n = tokio::time::timeout(BOUND, s.read(&mut chunk))
            .await
            .expect("bounded")
            .unwrap();
        if n == 0 {
            return (data, None);
        }
        rest.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_fragmented_and_unmasked_frames() {
    let echo = Echo::start().await;
    let limits = Limits {
        max_frame: 1000,
        ..Limits::default()
    };
    let b = bridge(allow(&[echo.addr.to_string()]), limits).await;
    let dest = echo.addr.to_string();

    // The request and a frame in one write: the frame is forwarded after the upgrade.
    let mut s = TcpStream::connect(b.addr).await.unwrap();
    let mut bytes = request(&dest);
    bytes.extend(frame(true, 2, b"pipelined", true));
    s.write_all(&bytes).await.unwrap();
    let (got, close) = read_frames(&mut s, 9).await;
    assert_eq!((got.as_slice(), close), (&b"pipelined"[..], None));

    // A message in three fragments, with a ping between them: passed on in order.
    let mut bytes = frame(false, 2, b"one ", true);
    bytes.extend(frame(false, 0, b"two ", true));
    bytes.extend(frame(true, 9, b"ping", true));
    bytes.extend(frame(true, 0, b"three", true));
    s.write_all(&bytes).await.unwrap();
    let mut got = Vec::new();
    while got.len() < 13 {
        let mut chunk = [0u8; 256];
        let n = tokio::time::timeout(BOUND, s.read(&mut chunk))
            .await
            .expect("bounded")
            .unwrap();
        assert!(n > 0);
        got.extend_from_slice(&chunk[..n]);
    }
    // The pong (0x8a) and the binary frame(s) carrying the echo, in some order.
    let text = String::from_utf8_lossy(&got).into_owned();
    assert!(text.contains("one two three"), "{got:?}");
    let received = echo.received();

    // Fragments within the frame limit each, over it together: 1009, nothing forwarded.
    let mut s2 = TcpStream::connect(b.addr).await.unwrap();
    let mut bytes = request(&dest);
    bytes.extend(frame(false, 2, &[1u8; 600], true));
    bytes.extend(frame(true, 0, &[2u8; 600], true));
    s2.write_all(&bytes).await.unwrap();
    let (got, close) = read_frames(&mut s2, usize::MAX).await;
    assert_eq!((got.len(), close), (0, Some(1009)));
    b.log
        .wait_for("1009 frame over 1000 bytes; 0 bytes up")
        .await;

    // An unmasked client frame breaks RFC 6455 §5.1: a protocol error.
    let mut s3 = TcpStream::connect(b.addr).await.unwrap();
    let mut bytes = request(&dest);
    bytes.extend(frame(true, 2, b"unmasked", false));
    s3.write_all(&bytes).await.unwrap();
    let (got, close) = read_frames(&mut s3, usize::MAX).await;
    assert_eq!((got.len(), close), (0, Some(1002)));
    b.log.wait_for(": 1002 client error: ").await;
    assert_eq!(
        echo.received(),
        received,
        "nothing of the refused messages was forwarded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ipv6_destination_listed_exactly() {
    let l = TcpListener::bind("[::1]:0").await.expect("IPv6 loopback");
    let addr = l.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.unwrap();
        s.write_all(&buf).await.unwrap();
    });
    let dest = format!("[::1]:{}", addr.port());
    let b = bridge(allow(std::slice::from_ref(&dest)), Limits::default()).await;
    let mut c = ws(b.addr, &format!("/{dest}"))
        .await
        .expect("bridged to [::1]");
    round_trip(&mut c, b"ipv6!").await;
    b.log.wait_for(&format!("-> {dest} ({addr})")).await;
    server.await.unwrap();
}
