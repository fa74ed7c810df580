//! LDK 0.2.7 as an independent implementation: it peels the onion messages we build
//! (forwarding and receiving, along our paths and along a path it made), and we peel the
//! ones it builds, agreeing on next hops, payloads, contexts and `reply_path`s.
//!
//! The payload is a custom odd-typed message (LDK's `CustomOnionMessageHandler`), because
//! LDK frames `invoice_error` differently from the spec (see the last test).
use std::convert::Infallible;

use bolt12::tlv::{BlindedPath, InvoiceErrorTlvs};
use lightning::blinded_path::message::{
    BlindedMessagePath, MessageContext, MessageForwardNode, NextMessageHop,
};
use lightning::blinded_path::EmptyNodeIdLookUp;
use lightning::io;
use lightning::ln::msgs::{DecodeError, OnionMessage as LdkOnionMessage};
use lightning::offers::invoice_error::InvoiceError;
use lightning::onion_message::messenger::{
    create_onion_message, peel_onion_message as ldk_peel, CustomOnionMessageHandler,
    Destination as LdkDestination, MessageSendInstructions, OnionMessagePath, PeeledOnion,
    Responder, ResponseInstruction,
};
use lightning::onion_message::offers::OffersMessage;
use lightning::onion_message::packet::{OnionMessageContents, ParsedOnionMessageContents};
use lightning::sign::{KeysManager, NodeSigner, Recipient};
use lightning::util::logger::{Logger, Record};
use lightning::util::ser::{LengthReadable, Writeable, Writer};
use onion::blinding::{blinded_node_secret, create_blinded_path, BlindHop};
use onion::message::{
    build_onion_message, peel_onion_message, Destination, NextHop, Peeled, Received,
};
use onion::sphinx;
use onion::tlv::{EncryptedDataTlv, OnionMessage, OnionmsgTlv};
use onion::PeelError;
use secp256k1::{PublicKey, Secp256k1, SecretKey, SECP256K1};
use wire::{Point, SciddirOrPubkey, UnknownRecord};

/// An odd final-hop type (>= 64) for the custom payload.
const ECHO: u64 = 65_551;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Echo(Vec<u8>);

impl Writeable for Echo {
    fn write<W: Writer>(&self, w: &mut W) -> Result<(), io::Error> {
        w.write_all(&self.0)
    }
}

impl OnionMessageContents for Echo {
    fn tlv_type(&self) -> u64 {
        ECHO
    }
    fn msg_type(&self) -> &'static str {
        "echo"
    }
}

struct EchoHandler;

impl CustomOnionMessageHandler for EchoHandler {
    type CustomMessage = Echo;
    fn handle_custom_message(
        &self,
        _message: Echo,
        _context: Option<Vec<u8>>,
        _responder: Option<Responder>,
    ) -> Option<(Echo, ResponseInstruction)> {
        None
    }
    fn read_custom_message<R: io::Read>(
        &self,
        message_type: u64,
        buffer: &mut R,
    ) -> Result<Option<Echo>, DecodeError> {
        if message_type != ECHO {
            return Ok(None);
        }
        let mut out = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let n = buffer.read(&mut buf).map_err(|_| DecodeError::ShortRead)?;
            if n == 0 {
                return Ok(Some(Echo(out)));
            }
            out.extend_from_slice(&buf[..n]);
        }
    }
    fn release_pending_custom_messages(&self) -> Vec<(Echo, MessageSendInstructions)> {
        Vec::new()
    }
}

struct NoLog;
impl Logger for NoLog {
    fn log(&self, _record: Record) {}
}

fn ldk_node(seed: u8) -> KeysManager {
    KeysManager::new(&[seed; 32], 1, 0, true)
}

fn ldk_id(k: &KeysManager) -> PublicKey {
    k.get_node_id(Recipient::Node).unwrap()
}

fn key(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).unwrap()
}

fn id(b: u8) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, &key(b))
}

fn to_ldk(msg: &OnionMessage) -> LdkOnionMessage {
    let mut bytes = Vec::new();
    msg.write(&mut bytes).unwrap();
    LdkOnionMessage::read_from_fixed_length_buffer(&mut &bytes[..]).unwrap()
}

fn from_ldk(msg: &LdkOnionMessage) -> OnionMessage {
    OnionMessage::decode(&msg.encode()).unwrap()
}

fn peel_with_ldk(node: &KeysManager, msg: &LdkOnionMessage) -> PeeledOnion<Echo> {
    let secp = Secp256k1::new();
    ldk_peel(msg, &secp, node, &NoLog, &EchoHandler)
        .unwrap_or_else(|()| panic!("LDK refused the message"))
}

fn echo(bytes: &[u8]) -> OnionmsgTlv {
    OnionmsgTlv {
        unknown: vec![UnknownRecord {
            tlv_type: ECHO,
            value: bytes.to_vec(),
        }],
        ..Default::default()
    }
}

fn encode_path(p: &BlindedPath) -> Vec<u8> {
    let mut out = Vec::new();
    wire::Wire::write(p, &mut out).unwrap();
    out
}

fn ldk_forwards(node: &KeysManager, msg: &LdkOnionMessage, to: PublicKey) -> LdkOnionMessage {
    match peel_with_ldk(node, msg) {
        PeeledOnion::Forward(NextMessageHop::NodeId(n), next) => {
            assert_eq!(n, to);
            next
        }
        _ => panic!("LDK did not forward"),
    }
}

fn we_receive(mut msg: OnionMessage, nodes: &[SecretKey]) -> Received {
    for (i, node) in nodes.iter().enumerate() {
        match peel_onion_message(node, &msg).unwrap() {
            Peeled::Forward(f) => {
                let next = PublicKey::from_secret_key(SECP256K1, &nodes[i + 1]);
                assert_eq!(f.next_hop, NextHop::NodeId(next));
                msg = f.message;
            }
            Peeled::Receive(r) => return r,
        }
    }
    panic!("not received")
}

#[test]
fn ldk_forwards_and_receives_what_we_build() {
    // We (0x21) send through LDK's Bob to LDK's Carol, with a reply path back to us.
    let bob = ldk_node(1);
    let carol = ldk_node(2);
    let reply_path = create_blinded_path(
        &key(5),
        &[
            BlindHop {
                node_id: ldk_id(&bob),
                data: EncryptedDataTlv {
                    next_node_id: Some(Point::from(id(0x21))),
                    ..Default::default()
                },
            },
            BlindHop {
                node_id: id(0x21),
                data: EncryptedDataTlv {
                    path_id: Some(vec![9; 32]),
                    ..Default::default()
                },
            },
        ],
    )
    .unwrap();
    let mut payload = echo(b"hello ldk");
    payload.reply_path = Some(reply_path.clone());
    let out = build_onion_message(
        &key(3),
        &key(4),
        &[ldk_id(&bob)],
        Destination::Node(ldk_id(&carol)),
        payload,
    )
    .unwrap();
    let next = ldk_forwards(&bob, &to_ldk(&out.message), ldk_id(&carol));
    match peel_with_ldk(&carol, &next) {
        PeeledOnion::Custom(Echo(bytes), None, Some(reply)) => {
            assert_eq!(bytes, b"hello ldk");
            assert_eq!(reply.encode(), encode_path(&reply_path));
        }
        _ => panic!("LDK's Carol did not receive the message with its reply path"),
    }
}

#[test]
fn we_forward_and_receive_what_ldk_builds() {
    // LDK's Alice sends through us (0x31) to us again (0x32), blinding the path itself, with
    // a reply path it makes back to itself.
    let alice = ldk_node(3);
    let secp = Secp256k1::new();
    let reply = BlindedMessagePath::new(
        &[],
        ldk_id(&alice),
        alice.get_receive_auth_key(),
        MessageContext::Custom(vec![4, 5, 6]),
        &alice,
        &secp,
    );
    let path = OnionMessagePath {
        intermediate_nodes: vec![id(0x31)],
        destination: LdkDestination::Node(id(0x32)),
        first_node_addresses: vec![],
    };
    let contents: ParsedOnionMessageContents<Echo> =
        ParsedOnionMessageContents::Custom(Echo(b"from ldk".to_vec()));
    let (first, msg, _) = create_onion_message(
        &&alice,
        &&alice,
        &&EmptyNodeIdLookUp {},
        &secp,
        path,
        contents,
        Some(reply.clone()),
    )
    .unwrap();
    assert_eq!(first, id(0x31));
    let got = we_receive(from_ldk(&msg), &[key(0x31), key(0x32)]);
    assert_eq!(got.unknown, echo(b"from ldk").unknown);
    assert_eq!(got.path_id, None);
    assert_eq!(encode_path(&got.reply_path.unwrap()), reply.encode());
}

#[test]
fn ldk_peels_our_message_along_an_ldk_built_blinded_path() {
    // Carol (LDK) publishes a blinded path Bob -> Carol with a context, as in an offer's
    // `offer_paths`; we read it with the bolt12 codec and send along it, straight to Bob.
    let bob = ldk_node(4);
    let carol = ldk_node(5);
    let secp = Secp256k1::new();
    let ldk_path = BlindedMessagePath::new(
        &[MessageForwardNode {
            node_id: ldk_id(&bob),
            short_channel_id: None,
        }],
        ldk_id(&carol),
        carol.get_receive_auth_key(),
        MessageContext::Custom(vec![1, 2, 3]),
        &carol,
        &secp,
    );
    let bytes = ldk_path.encode();
    let path = <BlindedPath as wire::Wire>::read(&mut wire::Reader::new(&bytes), "path").unwrap();
    assert_eq!(encode_path(&path), bytes);
    let out = build_onion_message(
        &key(6),
        &key(7),
        &[],
        Destination::BlindedPath(path.clone()),
        echo(b"along your path"),
    )
    .unwrap();
    assert_eq!(
        out.first_hop,
        SciddirOrPubkey::Pubkey(Point::from(ldk_id(&bob)))
    );
    let next = ldk_forwards(&bob, &to_ldk(&out.message), ldk_id(&carol));
    match peel_with_ldk(&carol, &next) {
        PeeledOnion::Custom(Echo(b), Some(ctx), None) => {
            assert_eq!(b, b"along your path");
            assert_eq!(ctx, vec![1, 2, 3]);
        }
        _ => panic!("LDK's Carol did not receive the message in its context"),
    }
    // Through a clear hop of ours first (0x22, a node we know the secret of): the override
    // hands Bob the LDK path's first path key.
    let out = build_onion_message(
        &key(8),
        &key(9),
        &[id(0x22)],
        Destination::BlindedPath(path),
        echo(b"via us"),
    )
    .unwrap();
    let via = match peel_onion_message(&key(0x22), &out.message).unwrap() {
        Peeled::Forward(f) => {
            assert_eq!(f.next_hop, NextHop::NodeId(ldk_id(&bob)));
            f.message
        }
        Peeled::Receive(_) => panic!("0x22 forwards"),
    };
    let next = ldk_forwards(&bob, &to_ldk(&via), ldk_id(&carol));
    assert!(matches!(
        peel_with_ldk(&carol, &next),
        PeeledOnion::Custom(Echo(b), Some(_), None) if b == b"via us"
    ));
}

#[test]
fn ldk_frames_invoice_error_with_a_length_prefix() {
    // BOLT 4 puts the `tlv_invoice_error` stream itself in `onionmsg_tlv` type 68. LDK 0.2.7
    // writes it as a length-prefixed stream (`write_tlv_fields!`): bigsize(len) || stream.
    // We refuse it as the spec says (the prefix reads as a TLV type), and this shows exactly
    // what LDK sent, for whoever interoperates with it.
    let alice = ldk_node(6);
    let secp = Secp256k1::new();
    let path = OnionMessagePath {
        intermediate_nodes: vec![],
        destination: LdkDestination::Node(id(0x33)),
        first_node_addresses: vec![],
    };
    let contents: ParsedOnionMessageContents<Infallible> = ParsedOnionMessageContents::Offers(
        OffersMessage::InvoiceError(InvoiceError::from_string("from ldk".into())),
    );
    let (_, msg, _) = create_onion_message(
        &&alice,
        &&alice,
        &&EmptyNodeIdLookUp {},
        &secp,
        path,
        contents,
        None,
    )
    .unwrap();
    let msg = from_ldk(&msg);
    assert!(matches!(
        peel_onion_message(&key(0x33), &msg).unwrap_err(),
        PeelError::InvalidPayload(wire::DecodeError::UnknownEvenType {
            stream: "invoice_error",
            tlv_type: 10
        })
    ));
    let blinded = blinded_node_secret(&key(0x33), &msg.path_key.to_pubkey().unwrap()).unwrap();
    let payload = match sphinx::peel(&blinded, &msg.onion_message_packet, &[]).unwrap() {
        sphinx::Peeled::Final { payload } => payload,
        other => panic!("{other:?}"),
    };
    let mut records = wire::TlvStreamReader::new(&payload, "onionmsg_tlv");
    let mut value = None;
    while let Some(r) = records.next_record().unwrap() {
        if r.tlv_type == 68 {
            value = Some(r.value.to_vec());
        }
    }
    let value = value.unwrap();
    assert_eq!(usize::from(value[0]), value.len() - 1);
    let inner = InvoiceErrorTlvs::decode(&value[1..]).unwrap();
    assert_eq!(inner.error.as_deref(), Some("from ldk"));
}
