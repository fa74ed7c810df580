//! The responding side of a session written by hand, for tests that script a peer's
//! every message: the BOLT 8 handshake, then an `init` with no features.

use std::time::Duration;

use lnsocket::msgs;
use lnsocket::noise::PrivateKey;
use lnsocket::session::NoiseStream;
use lnsocket::transport::BoxStream;

/// Answers the handshake on `io` within `limit` and sends an empty `init`.
pub async fn respond_with_init(io: BoxStream, key: PrivateKey, limit: Duration) -> NoiseStream {
    let mut s = NoiseStream::respond(io, key, limit).await.unwrap();
    let init = msgs::Init {
        globalfeatures: vec![],
        features: vec![],
        tlvs: Default::default(),
    };
    s.send(&init.encode().unwrap()).await.unwrap();
    s
}

/// Reads the initiator's first message and checks it is an `init`.
pub async fn expect_init(s: &mut NoiseStream) {
    let theirs = s.recv().await.unwrap();
    assert_eq!(&theirs[..2], &msgs::Init::TYPE.to_be_bytes(), "init first");
}
