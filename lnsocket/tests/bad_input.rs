//! Hostile or broken peers on 127.0.0.1: every case gives a typed error,
//! closes the connection and never panics.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::{Act, Initiator, NoiseError, PrivateKey, Transport};
use lnsocket::ping::{ping, PingOptions};
use lnsocket::transport::TransportError;
use lnsocket::{msgs, Config, Connection, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::{Bytes, Message as WsMessage};

#[path = "common/raw_peer.rs"]
mod raw_peer;

const LIMIT: Duration = Duration::from_secs(30);

fn short() -> Config {
    Config {
        handshake_timeout: Duration::from_millis(300),
        init_timeout: Duration::from_millis(300),
        ..Config::default()
    }
}

async fn tcp_listener() -> Listener {
    Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        Kind::Tcp,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap()
}

/// Run `client` against our TCP responder; return the responder's error.
async fn server_error<F, Fut>(client: F) -> Error
where
    F: FnOnce(TcpStream, secp256k1::PublicKey) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let l = tcp_listener().await;
    let addr = l.local_addr().unwrap();
    let id = l.node_id();
    let server = tokio::spawn(async move { l.accept(short()).await.err() });
    let sock = TcpStream::connect(addr).await.unwrap();
    let c = tokio::spawn(client(sock, id));
    let err = timeout(LIMIT, server).await.unwrap().unwrap();
    timeout(LIMIT, c).await.unwrap().unwrap();
    err.expect("server should have failed")
}

/// After the server failed, the client sees the connection closed.
async fn expect_closed(sock: &mut TcpStream) {
    let mut buf = [0u8; 128];
    loop {
        match timeout(LIMIT, sock.read(&mut buf)).await.unwrap() {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

fn act1_for(id: secp256k1::PublicKey) -> [u8; 50] {
    Initiator::new(PrivateKey::generate().unwrap(), id)
        .unwrap()
        .act_one()
        .1
}

#[tokio::test]
async fn act_one_wrong_version() {
    let err = server_error(|mut s, id| async move {
        let mut act1 = act1_for(id);
        act1[0] = 1;
        s.write_all(&act1).await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(
        err,
        Error::Noise(NoiseError::BadVersion {
            act: Act::One,
            version: 1
        })
    ));
}

#[tokio::test]
async fn act_one_bad_mac() {
    let err = server_error(|mut s, id| async move {
        let mut act1 = act1_for(id);
        act1[49] ^= 0x80;
        s.write_all(&act1).await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(
        err,
        Error::Noise(NoiseError::BadTag { act: Act::One })
    ));
}

#[tokio::test]
async fn truncated_act_one() {
    let err = server_error(|mut s, id| async move {
        s.write_all(&act1_for(id)[..20]).await.unwrap();
        s.shutdown().await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(
        err,
        Error::Noise(NoiseError::ActWrongLength {
            act: Act::One,
            expected: 50,
            got: 20
        })
    ));
}

#[tokio::test]
async fn stalled_initiator_times_out() {
    let err = server_error(|mut s, id| async move {
        s.write_all(&act1_for(id)[..20]).await.unwrap();
        // Stall: never send the rest, but keep the socket open.
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(err, Error::HandshakeTimeout(_)), "{err:?}");
}

#[tokio::test]
async fn truncated_act_three() {
    let err = server_error(|mut s, id| async move {
        let (state, act1) = Initiator::new(PrivateKey::generate().unwrap(), id)
            .unwrap()
            .act_one();
        s.write_all(&act1).await.unwrap();
        let mut act2 = [0u8; 50];
        s.read_exact(&mut act2).await.unwrap();
        let (act3, _) = state.read_act_two(&act2).unwrap();
        s.write_all(&act3[..65]).await.unwrap();
        s.shutdown().await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(
        err,
        Error::Noise(NoiseError::ActWrongLength {
            act: Act::Three,
            got: 65,
            ..
        })
    ));
}

/// Complete the handshake by hand; returns the ciphers.
async fn handshake(s: &mut TcpStream, id: secp256k1::PublicKey) -> Transport {
    let (state, act1) = Initiator::new(PrivateKey::generate().unwrap(), id)
        .unwrap()
        .act_one();
    s.write_all(&act1).await.unwrap();
    let mut act2 = [0u8; 50];
    s.read_exact(&mut act2).await.unwrap();
    let (act3, t) = state.read_act_two(&act2).unwrap();
    s.write_all(&act3).await.unwrap();
    t
}

#[tokio::test]
async fn garbage_after_handshake() {
    let err = server_error(|mut s, id| async move {
        let _t = handshake(&mut s, id).await;
        s.write_all(&[0x42; 40]).await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(err, Error::Noise(NoiseError::BadLengthTag)));
}

#[tokio::test]
async fn bad_body_mac() {
    let err = server_error(|mut s, id| async move {
        let mut t = handshake(&mut s, id).await;
        let mut packet = t.send.encrypt(&[0, 16, 0, 0, 0, 0]).unwrap();
        let last = packet.len() - 1;
        packet[last] ^= 1;
        s.write_all(&packet).await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(err, Error::Noise(NoiseError::BadBodyTag)));
}

#[tokio::test]
async fn truncated_message_body() {
    let err = server_error(|mut s, id| async move {
        let mut t = handshake(&mut s, id).await;
        let packet = t.send.encrypt(&[0, 16, 0, 0, 0, 0]).unwrap();
        s.write_all(&packet[..packet.len() - 3]).await.unwrap();
        s.shutdown().await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(err, Error::TruncatedMessage), "{err:?}");
}

#[tokio::test]
async fn first_message_not_init() {
    let err = server_error(|mut s, id| async move {
        let mut t = handshake(&mut s, id).await;
        let packet = t.send.encrypt(&[0x80, 0x01]).unwrap();
        s.write_all(&packet).await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(err, Error::ExpectedInit(32769)));
}

#[tokio::test]
async fn malformed_init() {
    let err = server_error(|mut s, id| async move {
        let mut t = handshake(&mut s, id).await;
        // globalfeatures length 5 but only 1 byte follows.
        let packet = t.send.encrypt(&[0, 16, 0, 5, 1]).unwrap();
        s.write_all(&packet).await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    assert!(matches!(err, Error::Decode { name: "init", .. }), "{err:?}");
}

#[tokio::test]
async fn peer_requiring_unknown_features_is_refused() {
    let l = tcp_listener().await;
    let addr = format!("{}@{}", l.node_id(), l.local_addr().unwrap());
    let server_cfg = Config {
        features: lnsocket::features::from_bits(&[8, 100]),
        ..short()
    };
    let server = tokio::spawn(async move { l.accept(server_cfg).await.map(|_| ()) });
    let err = Connection::connect(&addr, short()).await.unwrap_err();
    assert!(matches!(&err, Error::UnknownRequiredFeatures(b) if b == &[100]));
    let _ = timeout(LIMIT, server).await.unwrap().unwrap();
}

#[tokio::test]
async fn peer_missing_a_feature_dependency_is_refused() {
    let l = tcp_listener().await;
    let addr = format!("{}@{}", l.node_id(), l.local_addr().unwrap());
    // basic_mpp (17) without payment_secret (14/15).
    let server_cfg = Config {
        features: lnsocket::features::from_bits(&[8, 17]),
        ..short()
    };
    let server = tokio::spawn(async move { l.accept(server_cfg).await.map(|_| ()) });
    let err = Connection::connect(&addr, short()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingFeatureDependency {
                feature: 16,
                needs: 14
            }
        ),
        "{err:?}"
    );
    let _ = timeout(LIMIT, server).await.unwrap().unwrap();
}

#[tokio::test]
async fn unknown_even_message_closes() {
    let l = tcp_listener().await;
    let addr = format!("{}@{}", l.node_id(), l.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (io, _) = l.accept_stream().await.unwrap();
        let mut s = raw_peer::respond_with_init(io, l.key().clone(), LIMIT).await;
        raw_peer::expect_init(&mut s).await;
        s.send(&[0x01, 0x00, 1, 2, 3]).await.unwrap();
        s.recv().await.err()
    });
    let mut conn = Connection::connect(&addr, short()).await.unwrap();
    let err = timeout(LIMIT, conn.recv()).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::UnknownEvenMessage(256)));
    assert!(matches!(conn.recv().await, Err(Error::Closed)));
    let server_err = timeout(LIMIT, server).await.unwrap().unwrap();
    assert!(matches!(server_err, Some(Error::PeerClosed)));
}

#[tokio::test]
async fn oversized_and_non_custom_sends_are_refused() {
    let l = tcp_listener().await;
    let addr = format!("{}@{}", l.node_id(), l.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut c = l.accept(short()).await.unwrap();
        c.recv().await
    });
    let mut conn = Connection::connect(&addr, short()).await.unwrap();
    let big = vec![0u8; 65536];
    assert!(matches!(
        conn.send_raw(&big).await,
        Err(Error::Noise(NoiseError::MessageTooLong(65536)))
    ));
    assert!(matches!(
        conn.send_custom(32770, b"").await,
        Err(Error::NotCustomType(32770))
    ));
    assert!(matches!(
        conn.send_custom(101, b"").await,
        Err(Error::NotCustomType(101))
    ));
    // Refusing to send did not break the session.
    conn.send_custom(32769, b"ok").await.unwrap();
    let got = timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
    assert!(got.is_custom());
}

#[tokio::test]
async fn stalled_responder_times_out() {
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut s, _) = tcp.accept().await.unwrap();
        let mut act1 = [0u8; 50];
        s.read_exact(&mut act1).await.unwrap();
        expect_closed(&mut s).await; // never answers
    });
    let id = PrivateKey::generate().unwrap().public_key();
    let err = Connection::connect(&format!("{id}@127.0.0.1:{port}"), short())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::HandshakeTimeout(_)), "{err:?}");
    timeout(LIMIT, server).await.unwrap().unwrap();
}

#[tokio::test]
async fn responder_with_bad_act_two_version() {
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut s, _) = tcp.accept().await.unwrap();
        let mut act1 = [0u8; 50];
        s.read_exact(&mut act1).await.unwrap();
        let mut act2 = [0x33u8; 50];
        act2[0] = 7;
        s.write_all(&act2).await.unwrap();
        expect_closed(&mut s).await;
    });
    let id = PrivateKey::generate().unwrap().public_key();
    let err = Connection::connect(&format!("{id}@127.0.0.1:{port}"), short())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Noise(NoiseError::BadVersion {
            act: Act::Two,
            version: 7
        })
    ));
    timeout(LIMIT, server).await.unwrap().unwrap();
}

#[tokio::test]
async fn wrong_node_id_fails_the_handshake() {
    let l = tcp_listener().await;
    let port = l.local_addr().unwrap().port();
    let server = tokio::spawn(async move { l.accept(short()).await.err() });
    let wrong = PrivateKey::generate().unwrap().public_key();
    let err = ping(
        &format!("{wrong}@127.0.0.1:{port}"),
        &PingOptions::default(),
    )
    .await
    .unwrap_err();
    // The responder cannot decrypt act one and hangs up before act two.
    assert!(matches!(err, Error::HandshakeRejected), "{err:?}");
    let server_err = timeout(LIMIT, server).await.unwrap().unwrap();
    assert!(matches!(
        server_err,
        Some(Error::Noise(NoiseError::BadTag { act: Act::One }))
    ));
}

#[tokio::test]
async fn unreachable_node() {
    // Bind then drop to get a port with nothing listening.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let id = PrivateKey::generate().unwrap().public_key();
    let err = ping(&format!("{id}@127.0.0.1:{port}"), &PingOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let err = ping("nonsense", &PingOptions::default()).await.unwrap_err();
    assert!(matches!(err, Error::Addr(_)));
}

#[tokio::test]
async fn websocket_text_frame_is_refused() {
    let l = Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        Kind::WebSocket,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap();
    let addr = l.local_addr().unwrap();
    let id = l.node_id();
    let server = tokio::spawn(async move { l.accept(short()).await.err() });
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}"))
        .await
        .unwrap();
    let (state, act1) = Initiator::new(PrivateKey::generate().unwrap(), id)
        .unwrap()
        .act_one();
    ws.send(WsMessage::Binary(Bytes::copy_from_slice(&act1)))
        .await
        .unwrap();
    let act2 = match ws.next().await.unwrap().unwrap() {
        WsMessage::Binary(b) => b,
        other => panic!("unexpected {other:?}"),
    };
    let (act3, _) = state.read_act_two(&act2).unwrap();
    ws.send(WsMessage::Binary(Bytes::copy_from_slice(&act3)))
        .await
        .unwrap();
    ws.send(WsMessage::Text("hello".into())).await.unwrap();
    let err = timeout(LIMIT, server).await.unwrap().unwrap();
    assert!(
        matches!(err, Some(Error::Transport(TransportError::TextFrame))),
        "{err:?}"
    );
    // The server closed: the socket ends (after its init, if it got out).
    loop {
        match timeout(LIMIT, ws.next()).await.unwrap() {
            None | Some(Err(_)) | Some(Ok(WsMessage::Close(_))) => break,
            Some(Ok(_)) => {}
        }
    }
}

/// `wss://` builds its TLS client (explicit `ring` provider, web PKI roots)
/// and fails cleanly when the server does not speak TLS.
#[tokio::test]
async fn wss_to_a_plain_server_is_a_connect_error() {
    let l = Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        Kind::WebSocket,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap();
    let addr = format!("{}@wss://{}", l.node_id(), l.local_addr().unwrap());
    let server = tokio::spawn(async move { l.accept(short()).await.err() });
    let err = timeout(LIMIT, Connection::connect(&addr, short()))
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let server_err = timeout(LIMIT, server).await.unwrap().unwrap();
    assert!(server_err.is_some());
}

/// A WebSocket frame over the 1 MiB cap is refused before it is buffered.
#[tokio::test]
async fn websocket_oversized_frame_is_refused() {
    let l = Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        Kind::WebSocket,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap();
    let addr = l.local_addr().unwrap();
    let server = tokio::spawn(async move { l.accept(short()).await.err() });
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}"))
        .await
        .unwrap();
    let huge = vec![0u8; lnsocket::transport::ws::MAX_FRAME + 1];
    // The server may reset the connection while we are still sending.
    let _ = ws.send(WsMessage::Binary(huge.into())).await;
    let err = timeout(LIMIT, server).await.unwrap().unwrap();
    assert!(
        matches!(err, Some(Error::Transport(TransportError::WebSocket(_)))),
        "{err:?}"
    );
}

#[tokio::test]
async fn truncated_act_two() {
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut s, _) = tcp.accept().await.unwrap();
        let mut act1 = [0u8; 50];
        s.read_exact(&mut act1).await.unwrap();
        s.write_all(&[0u8; 30]).await.unwrap();
        s.shutdown().await.unwrap();
        expect_closed(&mut s).await;
    });
    let id = PrivateKey::generate().unwrap().public_key();
    let err = Connection::connect(&format!("{id}@127.0.0.1:{port}"), short())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Noise(NoiseError::ActWrongLength {
            act: Act::Two,
            expected: 50,
            got: 30
        })
    ));
    timeout(LIMIT, server).await.unwrap().unwrap();
}

#[tokio::test]
async fn error_instead_of_init() {
    let err = server_error(|mut s, id| async move {
        let mut t = handshake(&mut s, id).await;
        let e = msgs::Error {
            channel_id: wire::ChannelId([0; 32]),
            data: b"go away\x01".to_vec(),
        };
        let packet = t.send.encrypt(&e.encode().unwrap()).unwrap();
        s.write_all(&packet).await.unwrap();
        expect_closed(&mut s).await;
    })
    .await;
    // Non-printable data is shown as hex (BOLT 1: SHOULD NOT print it verbatim).
    assert!(
        matches!(&err, Error::PeerError(m) if m == "0x676f206177617901"),
        "{err:?}"
    );
}
