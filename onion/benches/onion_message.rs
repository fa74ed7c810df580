//! Building plus peeling a three-hop onion message, against the cost of its secp256k1
//! operations alone, measured in the same run (issue 11's target: within 1.3x); LDK 0.2.7
//! building and peeling the same shape of message alongside.
//!
//! The message: the sender blinds one clear hop of its own (Alice), then follows a blinded
//! path Bob -> Carol made by Carol beforehand (as an offer's `offer_paths`), carrying a
//! 256-byte odd payload record to Carol. Timed: the build, then Alice's, Bob's and Carol's
//! peels (every layer, the encrypted data decrypted and read at each).
//!
//! The anchor does, with the secp256k1 crate directly, the elliptic-curve work this needs
//! and no more (counts from BOLT 4's construction, see `ANCHOR_*`): building, one base-point
//! multiplication for the clear hop's path key and one for each of the three Sphinx
//! ephemeral keys, four ECDH (one per path hop, one per Sphinx hop), the blinded node id
//! (a point tweak), two secret-key tweaks for the Sphinx key chain, and parsing the two
//! blinded node ids of the given path; peeling, two ECDH per hop (the route-blinding and
//! the Sphinx shared secrets), a secret tweak per hop (the blinded node secret), a point
//! tweak per forwarding hop for the next Sphinx key, one for Bob's next path key (Alice's
//! comes from `next_path_key_override`), and the points read off the wire (each hop's path
//! key and Sphinx key, Alice's override).
//!
//! `cargo bench -p onion --bench onion_message` (instruction counts: see `main`)
use criterion::{black_box, criterion_group, Criterion};
use secp256k1::ecdh::SharedSecret;
use secp256k1::{PublicKey, Scalar, SecretKey, SECP256K1};

use bolt12::tlv::BlindedPath;
use onion::blinding::{create_blinded_path, BlindHop};
use onion::message::{build_onion_message, peel_onion_message, Destination, Peeled};
use onion::tlv::{EncryptedDataTlv, OnionMessage, OnionmsgTlv};
use wire::{Point, UnknownRecord};

use lightning::blinded_path::message::{BlindedMessagePath, MessageContext, MessageForwardNode};
use lightning::blinded_path::EmptyNodeIdLookUp;
use lightning::io;
use lightning::ln::msgs::DecodeError;
use lightning::onion_message::messenger::{
    create_onion_message, peel_onion_message as ldk_peel, CustomOnionMessageHandler,
    Destination as LdkDestination, MessageSendInstructions, OnionMessagePath, PeeledOnion,
    Responder, ResponseInstruction,
};
use lightning::onion_message::packet::{OnionMessageContents, ParsedOnionMessageContents};
use lightning::sign::{KeysManager, NodeSigner, Recipient};
use lightning::util::logger::{Logger, Record};
use lightning::util::ser::{Writeable, Writer};

/// The payload record's type (odd, >= 64) and length.
const PAYLOAD_TYPE: u64 = 65_551;
const PAYLOAD_LEN: usize = 256;

/// Base-point multiplications (`PublicKey::from_secret_key`).
const ANCHOR_GEN: usize = 4;
/// ECDH (`SharedSecret::new`): 4 building, 6 peeling.
const ANCHOR_ECDH: usize = 10;
/// Point tweaks (`PublicKey::mul_tweak`): 1 building, 3 peeling.
const ANCHOR_POINT_TWEAK: usize = 4;
/// Secret-key tweaks (`SecretKey::mul_tweak`): 2 building, 3 peeling.
const ANCHOR_SECRET_TWEAK: usize = 5;
/// Points parsed from 33 bytes (`PublicKey::from_slice`): 2 building, 7 peeling.
const ANCHOR_PARSE: usize = 9;

fn key(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("key")
}

fn id(b: u8) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, &key(b))
}

struct Ours {
    alice: SecretKey,
    alice_id: PublicKey,
    bob: SecretKey,
    carol: SecretKey,
    path: BlindedPath,
    payload: OnionmsgTlv,
}

fn ours() -> Ours {
    let path = create_blinded_path(
        &key(0x40),
        &[
            BlindHop {
                node_id: id(0x12),
                data: EncryptedDataTlv {
                    next_node_id: Some(Point::from(id(0x13))),
                    ..Default::default()
                },
            },
            BlindHop {
                node_id: id(0x13),
                data: EncryptedDataTlv {
                    path_id: Some(vec![7; 32]),
                    ..Default::default()
                },
            },
        ],
    )
    .expect("path");
    Ours {
        alice: key(0x11),
        alice_id: id(0x11),
        bob: key(0x12),
        carol: key(0x13),
        path,
        payload: OnionmsgTlv {
            unknown: vec![UnknownRecord {
                tlv_type: PAYLOAD_TYPE,
                value: vec![0x5a; PAYLOAD_LEN],
            }],
            ..Default::default()
        },
    }
}

fn forward(node: &SecretKey, msg: &OnionMessage) -> OnionMessage {
    match peel_onion_message(node, msg).expect("peel") {
        Peeled::Forward(f) => f.message,
        Peeled::Receive(_) => panic!("forwarding hop received"),
    }
}

/// Build, and peel at Alice, Bob and Carol; returns Carol's payload length.
fn ours_round(o: &Ours) -> usize {
    let out = build_onion_message(
        &key(0x41),
        &key(0x42),
        &[o.alice_id],
        Destination::BlindedPath(o.path.clone()),
        o.payload.clone(),
    )
    .expect("build");
    let at_bob = forward(&o.alice, &out.message);
    let at_carol = forward(&o.bob, &at_bob);
    match peel_onion_message(&o.carol, &at_carol).expect("peel") {
        Peeled::Receive(r) => r.unknown[0].value.len(),
        Peeled::Forward(_) => panic!("Carol received"),
    }
}

/// Inputs for the anchor: distinct keys, points, tweaks and encodings.
struct Anchor {
    secrets: Vec<SecretKey>,
    points: Vec<PublicKey>,
    tweak: Scalar,
    encoded: Vec<[u8; 33]>,
}

fn anchor_inputs() -> Anchor {
    let n = ANCHOR_ECDH.max(ANCHOR_PARSE).max(ANCHOR_GEN);
    let secrets: Vec<SecretKey> = (0..n).map(|i| key(0x50 + i as u8)).collect();
    let points: Vec<PublicKey> = (0..n).map(|i| id(0x70 + i as u8)).collect();
    Anchor {
        encoded: points.iter().map(|p| p.serialize()).collect(),
        secrets,
        points,
        tweak: Scalar::from_be_bytes([0x33; 32]).expect("scalar"),
    }
}

fn anchor_round(a: &Anchor) {
    for k in &a.secrets[..ANCHOR_GEN] {
        black_box(PublicKey::from_secret_key(SECP256K1, black_box(k)));
    }
    for (p, k) in a.points.iter().zip(&a.secrets).take(ANCHOR_ECDH) {
        black_box(SharedSecret::new(black_box(p), black_box(k)));
    }
    for p in &a.points[..ANCHOR_POINT_TWEAK] {
        black_box(black_box(*p).mul_tweak(SECP256K1, &a.tweak).expect("tweak"));
    }
    for k in &a.secrets[..ANCHOR_SECRET_TWEAK] {
        black_box(black_box(*k).mul_tweak(&a.tweak).expect("tweak"));
    }
    for e in &a.encoded[..ANCHOR_PARSE] {
        black_box(PublicKey::from_slice(black_box(e)).expect("point"));
    }
}

// LDK: the same message shape with its own builder and peeler.

#[derive(Clone, Debug)]
struct Blob(Vec<u8>);

impl Writeable for Blob {
    fn write<W: Writer>(&self, w: &mut W) -> Result<(), io::Error> {
        w.write_all(&self.0)
    }
}

impl OnionMessageContents for Blob {
    fn tlv_type(&self) -> u64 {
        PAYLOAD_TYPE
    }
    fn msg_type(&self) -> &'static str {
        "blob"
    }
}

struct BlobHandler;

impl CustomOnionMessageHandler for BlobHandler {
    type CustomMessage = Blob;
    fn handle_custom_message(
        &self,
        _: Blob,
        _: Option<Vec<u8>>,
        _: Option<Responder>,
    ) -> Option<(Blob, ResponseInstruction)> {
        None
    }
    fn read_custom_message<R: io::Read>(
        &self,
        message_type: u64,
        buffer: &mut R,
    ) -> Result<Option<Blob>, DecodeError> {
        if message_type != PAYLOAD_TYPE {
            return Ok(None);
        }
        let mut out = vec![0u8; PAYLOAD_LEN];
        buffer
            .read_exact(&mut out)
            .map_err(|_| DecodeError::ShortRead)?;
        Ok(Some(Blob(out)))
    }
    fn release_pending_custom_messages(&self) -> Vec<(Blob, MessageSendInstructions)> {
        Vec::new()
    }
}

struct NoLog;
impl Logger for NoLog {
    fn log(&self, _: Record) {}
}

struct Ldk {
    sender: KeysManager,
    alice_id: lightning::bitcoin::secp256k1::PublicKey,
    alice: KeysManager,
    bob: KeysManager,
    carol: KeysManager,
    path: BlindedMessagePath,
    secp: lightning::bitcoin::secp256k1::Secp256k1<lightning::bitcoin::secp256k1::All>,
}

fn ldk() -> Ldk {
    let node = |b: u8| KeysManager::new(&[b; 32], 1, 0, true);
    let (sender, alice, bob, carol) = (node(1), node(2), node(3), node(4));
    let secp = lightning::bitcoin::secp256k1::Secp256k1::new();
    let path = BlindedMessagePath::new(
        &[MessageForwardNode {
            node_id: bob.get_node_id(Recipient::Node).expect("id"),
            short_channel_id: None,
        }],
        carol.get_node_id(Recipient::Node).expect("id"),
        carol.get_receive_auth_key(),
        MessageContext::Custom(vec![7; 32]),
        &carol,
        &secp,
    );
    Ldk {
        alice_id: alice.get_node_id(Recipient::Node).expect("id"),
        sender,
        alice,
        bob,
        carol,
        path,
        secp,
    }
}

fn ldk_round(l: &Ldk) -> usize {
    let path = OnionMessagePath {
        intermediate_nodes: vec![l.alice_id],
        destination: LdkDestination::BlindedPath(l.path.clone()),
        first_node_addresses: vec![],
    };
    let contents = ParsedOnionMessageContents::Custom(Blob(vec![0x5a; PAYLOAD_LEN]));
    let (_, msg, _) = create_onion_message(
        &&l.sender,
        &&l.sender,
        &&EmptyNodeIdLookUp {},
        &l.secp,
        path,
        contents,
        None,
    )
    .expect("LDK builds");
    let peel = |node: &KeysManager, msg| ldk_peel(msg, &l.secp, node, &NoLog, &BlobHandler);
    let at_bob = match peel(&l.alice, &msg) {
        Ok(PeeledOnion::Forward(_, m)) => m,
        _ => panic!("LDK's Alice forwards"),
    };
    let at_carol = match peel(&l.bob, &at_bob) {
        Ok(PeeledOnion::Forward(_, m)) => m,
        _ => panic!("LDK's Bob forwards"),
    };
    match peel(&l.carol, &at_carol) {
        Ok(PeeledOnion::Custom(Blob(b), _, _)) => b.len(),
        _ => panic!("LDK's Carol receives"),
    }
}

fn bench(c: &mut Criterion) {
    let o = ours();
    assert_eq!(ours_round(&o), PAYLOAD_LEN);
    let a = anchor_inputs();
    let l = ldk();
    assert_eq!(ldk_round(&l), PAYLOAD_LEN);
    let mut g = c.benchmark_group("three-hop onion message: build + 3 peels");
    g.bench_function("anchor: its secp256k1 operations alone", |b| {
        b.iter(|| anchor_round(&a))
    });
    g.bench_function("ours", |b| b.iter(|| black_box(ours_round(&o))));
    g.bench_function("LDK 0.2.7", |b| b.iter(|| black_box(ldk_round(&l))));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(40);
    targets = bench
}

/// `onion_message instructions OP N` runs OP (`anchor`, `ours`, `ldk`) N times, for
/// instruction counts that the machine's load cannot disturb: under
/// `valgrind --tool=callgrind` with two values of N, the difference of the totals over the
/// difference of N is one round (setup cancels out). Otherwise criterion runs.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "instructions" {
        let n: usize = args[3].parse().expect("N");
        match args[2].as_str() {
            "anchor" => {
                let a = anchor_inputs();
                (0..n).for_each(|_| anchor_round(&a));
            }
            "ours" => {
                let o = ours();
                (0..n).for_each(|_| assert_eq!(black_box(ours_round(&o)), PAYLOAD_LEN));
            }
            "ldk" => {
                let l = ldk();
                (0..n).for_each(|_| assert_eq!(black_box(ldk_round(&l)), PAYLOAD_LEN));
            }
            other => panic!("unknown operation {other}: anchor, ours or ldk"),
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
