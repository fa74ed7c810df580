//! Every refusal of the bridge, each with its HTTP status or close code and
//! its reason (to the client and in the log), while a client bridged
//! before it keeps working, and nothing reaches a destination that was not
//! allowed. All on loopback (source addresses 127.0.0.x), against a TCP
//! echo destination in the test.
mod common;

use std::io::Write as _;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use wsbridge::{Limits, Policy};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destinations_not_allowed_or_malformed_are_refused() {
    let echo = Echo::start().await;
    let other = Echo::start().await;
    let b = bridge(allow(&[echo.addr.to_string()]), Limits::default()).await;
    let path = format!("/{}", echo.addr);
    let mut kept = ws(b.addr, &path).await.expect("allowed destination");
    round_trip(&mut kept, b"before").await;

    let cases = [
        (
            format!("/{}", other.addr),
            403,
            format!("destination {} is not allowed", other.addr),
        ),
        // Another port of the allowed host is another destination.
        (
            format!("/127.0.0.1:{}", other.addr.port()),
            403,
            "is not allowed".into(),
        ),
        (
            "/".into(),
            400,
            "bad destination in path: missing :<port> after the host".into(),
        ),
        (format!("/{}/x", echo.addr), 400, "invalid port".into()),
        (format!("/{}?a=b", echo.addr), 400, "invalid port".into()),
        (
            "/127.1:9735".into(),
            400,
            "invalid host name `127.1`".into(),
        ),
        (
            "/::1:9735".into(),
            400,
            "IPv6 addresses must be written in brackets".into(),
        ),
    ];
    for (path, status, text) in &cases {
        let (got, body) = refused(ws(b.addr, path).await);
        assert_eq!(got, *status, "{path}: {body}");
        assert!(body.contains(text.as_str()), "{path}: {body}");
        let line = b.log.wait_for(&format!("{path}: {status}")).await;
        assert!(line.starts_with("refused 127.0.0.1:"), "{line}");
    }
    // A plain HTTP request, not an upgrade.
    let mut raw = TcpStream::connect(b.addr).await.unwrap();
    raw.write_all(format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", echo.addr).as_bytes())
        .await
        .unwrap();
    let answer = answer_of(&mut raw).await;
    assert!(
        answer.starts_with("HTTP/1.1 426 Upgrade Required\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with("not a WebSocket upgrade: no `Upgrade: websocket` header\n"),
        "{answer}"
    );

    round_trip(&mut kept, b"after").await;
    assert_eq!(echo.accepted(), 1);
    assert_eq!(
        other.accepted(),
        0,
        "nothing reached a destination not allowed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_unless_listed_exactly() {
    let echo = Echo::start().await;
    let port = echo.addr.port();
    let listed = format!("localhost:{port}");
    let b = bridge(
        Policy::new([listed.parse().unwrap()], true),
        Limits::default(),
    )
    .await;
    // Listed exactly: a name resolving to loopback is allowed.
    let mut kept = ws(b.addr, &format!("/{listed}"))
        .await
        .expect("listed exactly");
    round_trip(&mut kept, b"listed").await;

    for (path, why) in [
        (
            format!("/127.0.0.1:{port}"),
            "at 127.0.0.1, in the loopback range".to_string(),
        ),
        (
            format!("/127.0.0.2:{port}"),
            "at 127.0.0.2, in the loopback range".into(),
        ),
        (
            format!("/[::1]:{port}"),
            "at ::1, in the loopback range".into(),
        ),
        (
            format!("/[::ffff:127.0.0.1]:{port}"),
            "at ::ffff:127.0.0.1, in the loopback range".into(),
        ),
        // The same name on another port is not listed: resolved, then refused.
        (
            format!("/localhost:{}", port ^ 1),
            "in the loopback range".into(),
        ),
        (
            "/10.1.2.3:9735".into(),
            "at 10.1.2.3, in the private range".into(),
        ),
        ("/192.168.0.1:9735".into(), "in the private range".into()),
        (
            "/169.254.169.254:80".into(),
            "in the link-local range".into(),
        ),
        (
            "/100.64.0.1:9735".into(),
            "in the shared (carrier-grade NAT) range".into(),
        ),
        ("/[fd00::1]:9735".into(), "in the private range".into()),
        ("/[fe80::1]:9735".into(), "in the link-local range".into()),
        ("/0.0.0.0:9735".into(), "in the unspecified range".into()),
    ] {
        let (status, body) = refused(ws(b.addr, &path).await);
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains(&why), "{path}: {body}");
        assert!(
            body.contains("only public addresses are allowed unless listed exactly"),
            "{body}"
        );
        b.log.wait_for(&format!("{path}: 403")).await;
    }
    round_trip(&mut kept, b"still").await;
    assert_eq!(
        echo.accepted(),
        1,
        "only the listed destination was reached"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_limits_per_client_and_global() {
    let echo = Echo::start().await;
    let path = format!("/{}", echo.addr);
    let limits = Limits {
        per_client: 2,
        global: 3,
        ..Limits::default()
    };
    let b = bridge(allow(&[echo.addr.to_string()]), limits).await;
    let (a, c2, c3) = (ip("127.0.0.1"), ip("127.0.0.2"), ip("127.0.0.3"));
    let mut a1 = ws_from(a, b.addr, &path).await.expect("a1");
    let mut a2 = ws_from(a, b.addr, &path).await.expect("a2");
    let (status, body) = refused(ws_from(a, b.addr, &path).await);
    assert_eq!(status, 429, "{body}");
    assert_eq!(body, "too many connections from 127.0.0.1 (limit 2)\n");
    b.log
        .wait_for("429 too many connections from 127.0.0.1")
        .await;

    // Another client is not affected by the first one's limit.
    let mut other = ws_from(c2, b.addr, &path).await.expect("another client");
    round_trip(&mut other, b"other").await;
    // The global limit (3) is reached: everyone else is refused.
    let (status, body) = refused(ws_from(c3, b.addr, &path).await);
    assert_eq!(
        (status, body.as_str()),
        (503, "too many connections (limit 3)\n")
    );
    b.log.wait_for("503 too many connections (limit 3)").await;
    for ws in [&mut a1, &mut a2, &mut other] {
        round_trip(ws, b"unaffected").await;
    }
    assert_eq!(echo.accepted(), 3, "refused connections reached nothing");

    // A closed connection frees its slot.
    a1.close(None).await.expect("close");
    drop(a1);
    b.wait_open(2).await;
    let mut c = ws_from(c3, b.addr, &path).await.expect("a slot was freed");
    round_trip(&mut c, b"freed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_never_sends_is_timed_out() {
    let echo = Echo::start().await;
    let path = format!("/{}", echo.addr);
    let limits = Limits {
        handshake_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let b = bridge(allow(&[echo.addr.to_string()]), limits).await;
    let mut silent = TcpStream::connect(b.addr).await.unwrap();
    let mut kept = ws(b.addr, &path).await.expect("upgrade");
    let answer = answer_of(&mut silent).await;
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\nno WebSocket upgrade within 1 s\n"),
        "{answer}"
    );
    b.log
        .wait_for(" -: 408 no WebSocket upgrade within 1 s")
        .await;

    // Half a request head, then nothing: the same.
    let mut slow = TcpStream::connect(b.addr).await.unwrap();
    slow.write_all(b"GET /x:1 HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let answer = answer_of(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");

    round_trip(&mut kept, b"unaffected").await;
    assert_eq!(echo.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed() {
    let echo = Echo::start().await;
    let path = format!("/{}", echo.addr);
    let limits = Limits {
        idle_timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let b = bridge(allow(&[echo.addr.to_string()]), limits).await;
    // Sends nothing after the upgrade.
    let mut idle = ws(b.addr, &path).await.expect("upgrade");
    let (code, reason) = close_of(&mut idle).await;
    assert_eq!((code, reason.as_str()), (CloseCode::Away, "idle for 2 s"));
    let line = b.log.wait_for("1001 idle for 2 s").await;
    assert!(line.contains("0 bytes up, 0 down"), "{line}");
    b.wait_open(0).await;
    // The destination saw the end of the stream; a new client is bridged as usual.
    let mut next = ws(b.addr, &path).await.expect("upgrade");
    round_trip(&mut next, b"next").await;
    assert_eq!(echo.accepted(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_text_frames_close_the_connection() {
    let echo = Echo::start().await;
    let path = format!("/{}", echo.addr);
    let limits = Limits {
        max_frame: 64 * 1024,
        ..Limits::default()
    };
    let b = bridge(allow(&[echo.addr.to_string()]), limits).await;
    let mut kept = ws(b.addr, &path).await.expect("upgrade");
    // Exactly the limit passes.
    round_trip(&mut kept, &vec![7u8; 64 * 1024]).await;
    let before = echo.received();

    let mut big = ws(b.addr, &path).await.expect("upgrade");
    big.send(Message::Binary(Bytes::from(vec![1u8; 64 * 1024 + 1])))
        .await
        .expect("send");
    let (code, reason) = close_of(&mut big).await;
    assert_eq!(
        (code, reason.as_str()),
        (CloseCode::Size, "frame over 65536 bytes")
    );
    b.log
        .wait_for("1009 frame over 65536 bytes; 0 bytes up")
        .await;
    assert_eq!(
        echo.received(),
        before,
        "no byte of the oversized frame was forwarded"
    );

    let mut text = ws(b.addr, &path).await.expect("upgrade");
    text.send(Message::Text("hello".into()))
        .await
        .expect("send");
    let (code, reason) = close_of(&mut text).await;
    assert_eq!(code, CloseCode::Unsupported);
    assert_eq!(
        reason,
        "text frames are not allowed: BOLT 8 bytes travel in binary frames"
    );
    round_trip(&mut kept, b"unaffected").await;
    assert_eq!(echo.received(), before + 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destination_down_is_a_bad_gateway_and_its_close_is_passed_on() {
    let echo = Echo::start().await;
    let gone = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let b = bridge(
        allow(&[echo.addr.to_string(), gone.to_string()]),
        Limits::default(),
    )
    .await;
    let (status, body) = refused(ws(b.addr, &format!("/{gone}")).await);
    assert_eq!(status, 502, "{body}");
    assert!(
        body.starts_with(&format!(
            "destination {gone} refused the connection: {gone}: "
        )),
        "{body}"
    );

    // The destination hangs up: the client gets a normal close saying so.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hangs_up = l.local_addr().unwrap();
    let b = bridge(allow(&[hangs_up.to_string()]), Limits::default()).await;
    let server = tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        s.write_all(b"bye").await.unwrap();
    });
    let mut c = ws(b.addr, &format!("/{hangs_up}")).await.expect("upgrade");
    match tokio::time::timeout(BOUND, c.next())
        .await
        .expect("bounded")
    {
        Some(Ok(Message::Binary(bytes))) => assert_eq!(&bytes[..], b"bye"),
        other => panic!("{other:?}"),
    }
    let (code, reason) = close_of(&mut c).await;
    assert_eq!(
        (code, reason.as_str()),
        (CloseCode::Normal, "destination closed the connection")
    );
    server.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wss_with_a_certificate_and_a_silent_tls_peer() {
    let echo = Echo::start().await;
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("wsbridge-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::File::create(&cert_path)
        .and_then(|mut f| f.write_all(cert.cert.pem().as_bytes()))
        .unwrap();
    std::fs::File::create(&key_path)
        .and_then(|mut f| f.write_all(cert.signing_key.serialize_pem().as_bytes()))
        .unwrap();
    let tls = wsbridge::load_tls(&cert_path, &key_path).expect("certificate and key load");
    // The key file is not a certificate.
    assert!(matches!(
        wsbridge::load_tls(&key_path, &key_path),
        Err(wsbridge::TlsError::NoCertificate(_))
    ));
    assert!(matches!(
        wsbridge::load_tls(&dir.join("missing.pem"), &key_path),
        Err(wsbridge::TlsError::Read { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);

    let limits = Limits {
        handshake_timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let b = bridge_tls(allow(&[echo.addr.to_string()]), limits, Some(tls)).await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = TcpStream::connect(b.addr).await.unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(client))
        .connect("localhost".try_into().unwrap(), tcp)
        .await
        .expect("TLS to the bridge");
    let url = format!("wss://localhost:{}/{}", b.addr.port(), echo.addr);
    let (mut c, _) = tokio_tungstenite::client_async(url, tls)
        .await
        .expect("upgrade over TLS");
    round_trip(&mut c, &vec![5u8; 100_000]).await;
    b.log.wait_for("listening on wss://").await;

    // No ClientHello: closed at the handshake timeout (no HTTP answer is possible).
    let mut silent = TcpStream::connect(b.addr).await.unwrap();
    let mut rest = Vec::new();
    tokio::time::timeout(BOUND, silent.read_to_end(&mut rest))
        .await
        .expect("closed")
        .unwrap();
    assert!(rest.is_empty());
    b.log.wait_for("408 no WebSocket upgrade within 2 s").await;
    round_trip(&mut c, b"unaffected").await;
}
