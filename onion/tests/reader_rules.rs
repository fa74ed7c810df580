//! The reader requirements of BOLT 4 §"Onion Messages" and §"Route Blinding" on messages we
//! build ourselves: every reason to ignore a message is a named error, and a reply travels
//! the `reply_path` back to the path's `path_id`.
use bolt12::tlv::{BlindedPath, InvoiceErrorTlvs, InvoiceRequestTlvs};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use onion::blinding::{
    create_blinded_path, create_blinded_path_with_keys, pad_to_equal_length, BlindHop,
};
use onion::message::{
    build_onion_message, peel_onion_message, Destination, NextHop, Payload, Peeled, Received,
};
use onion::sphinx;
use onion::tlv::{EncryptedDataTlv, OnionMessage, OnionmsgTlv};
use onion::{BlindingError, BuildError, PeelError, SphinxError};
use secp256k1::{PublicKey, SecretKey, SECP256K1};
use wire::{Direction, Point, SciddirOrPubkey, ShortChannelId, UnknownRecord};

fn key(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).unwrap()
}

fn id(b: u8) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, &key(b))
}

const ALICE: u8 = 0x41;
const BOB: u8 = 0x42;
const CAROL: u8 = 0x43;
const DAVE: u8 = 0x44;

fn to(next: u8) -> EncryptedDataTlv {
    EncryptedDataTlv {
        next_node_id: Some(Point::from(id(next))),
        ..Default::default()
    }
}

/// Dave's path Bob -> Carol -> Dave with `path_id` "dave".
fn daves_path() -> BlindedPath {
    let hops = [
        BlindHop {
            node_id: id(BOB),
            data: to(CAROL),
        },
        BlindHop {
            node_id: id(CAROL),
            data: to(DAVE),
        },
        BlindHop {
            node_id: id(DAVE),
            data: EncryptedDataTlv {
                path_id: Some(b"dave".to_vec()),
                ..Default::default()
            },
        },
    ];
    create_blinded_path(&key(1), &hops).unwrap()
}

fn send(path: BlindedPath, payload: OnionmsgTlv) -> OnionMessage {
    build_onion_message(
        &key(2),
        &key(3),
        &[],
        Destination::BlindedPath(path),
        payload,
    )
    .unwrap()
    .message
}

/// Peels along `nodes`, expecting each but the last to forward by node id to the next.
fn deliver(mut msg: OnionMessage, nodes: &[u8]) -> Result<Received, PeelError> {
    for (i, n) in nodes.iter().enumerate() {
        match peel_onion_message(&key(*n), &msg)? {
            Peeled::Forward(f) => {
                assert_eq!(f.next_hop, NextHop::NodeId(id(nodes[i + 1])));
                msg = f.message;
            }
            Peeled::Receive(r) => {
                assert_eq!(i, nodes.len() - 1);
                return Ok(r);
            }
        }
    }
    panic!("not delivered");
}

#[test]
fn a_flipped_byte_in_encrypted_recipient_data_is_undecryptable_at_that_hop() {
    for hop in 0..3 {
        let mut path = daves_path();
        path.path[hop].encrypted_recipient_data[3] ^= 0x01;
        let err = deliver(send(path, OnionmsgTlv::default()), &[BOB, CAROL, DAVE]).unwrap_err();
        assert_eq!(err, PeelError::Blinding(BlindingError::UndecryptableData));
    }
}

#[test]
fn invoice_request_with_reply_path_and_the_reply() {
    // Alice asks Dave through Bob and Carol (clear hops she blinds), giving a reply path
    // Carol -> Bob -> Alice with her own path_id.
    let reply_path = create_blinded_path(
        &key(4),
        &[
            BlindHop {
                node_id: id(CAROL),
                data: to(BOB),
            },
            BlindHop {
                node_id: id(BOB),
                data: to(ALICE),
            },
            BlindHop {
                node_id: id(ALICE),
                data: EncryptedDataTlv {
                    path_id: Some(b"alice nonce".to_vec()),
                    ..Default::default()
                },
            },
        ],
    )
    .unwrap();
    let invreq = InvoiceRequestTlvs {
        invreq_metadata: Some(vec![7; 16]),
        ..Default::default()
    };
    let out = build_onion_message(
        &key(5),
        &key(6),
        &[id(BOB), id(CAROL)],
        Destination::Node(id(DAVE)),
        OnionmsgTlv {
            reply_path: Some(reply_path.clone()),
            invoice_request: Some(invreq.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(out.first_hop, SciddirOrPubkey::Pubkey(Point::from(id(BOB))));
    let got = deliver(out.message, &[BOB, CAROL, DAVE]).unwrap();
    assert_eq!(got.payload, Some(Payload::InvoiceRequest(Box::new(invreq))));
    assert_eq!(got.path_id, None);
    assert_eq!(got.reply_path.as_ref(), Some(&reply_path));

    let error = InvoiceErrorTlvs {
        error: Some("no".into()),
        ..Default::default()
    };
    let reply = build_onion_message(
        &key(7),
        &key(8),
        &[],
        Destination::BlindedPath(got.reply_path.unwrap()),
        OnionmsgTlv {
            invoice_error: Some(error.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        reply.first_hop,
        SciddirOrPubkey::Pubkey(Point::from(id(CAROL)))
    );
    let back = deliver(reply.message, &[CAROL, BOB, ALICE]).unwrap();
    assert_eq!(back.path_id.as_deref(), Some(&b"alice nonce"[..]));
    assert_eq!(back.payload, Some(Payload::InvoiceError(Box::new(error))));
}

fn path_with_bob_data(bob: EncryptedDataTlv) -> BlindedPath {
    create_blinded_path(
        &key(9),
        &[
            BlindHop {
                node_id: id(BOB),
                data: bob,
            },
            BlindHop {
                node_id: id(CAROL),
                data: EncryptedDataTlv::default(),
            },
        ],
    )
    .unwrap()
}

#[test]
fn forwarding_rules_of_encrypted_data() {
    let peel_bob = |data: EncryptedDataTlv| {
        peel_onion_message(
            &key(BOB),
            &send(path_with_bob_data(data), OnionmsgTlv::default()),
        )
    };
    assert_eq!(
        peel_bob(EncryptedDataTlv::default()).unwrap_err(),
        PeelError::MissingNextHop
    );
    let mut with_path_id = to(CAROL);
    with_path_id.path_id = Some(vec![1]);
    assert_eq!(
        peel_bob(with_path_id).unwrap_err(),
        PeelError::PathIdWhenForwarding
    );
    let mut with_features = to(CAROL);
    with_features.allowed_features = Some(vec![0x01, 0x00]);
    assert_eq!(
        peel_bob(with_features).unwrap_err(),
        PeelError::UnknownAllowedFeature(8)
    );
    let mut no_features = to(CAROL);
    no_features.allowed_features = Some(vec![0x00]);
    assert!(matches!(peel_bob(no_features), Ok(Peeled::Forward(_))));
    let scid = ShortChannelId(0x0102_0300_0405_0006);
    let by_channel = EncryptedDataTlv {
        short_channel_id: Some(scid),
        ..Default::default()
    };
    match peel_bob(by_channel).unwrap() {
        Peeled::Forward(f) => assert_eq!(f.next_hop, NextHop::ShortChannelId(scid)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn more_than_one_payload_is_refused() {
    let payload = OnionmsgTlv {
        invoice_request: Some(InvoiceRequestTlvs::default()),
        invoice_error: Some(InvoiceErrorTlvs::default()),
        ..Default::default()
    };
    assert_eq!(
        deliver(send(daves_path(), payload), &[BOB, CAROL, DAVE]).unwrap_err(),
        PeelError::MultiplePayloads
    );
}

/// An onion message over `path` with the raw `payloads` we choose for each hop.
fn raw_message(path: &BlindedPath, payloads: Vec<Vec<u8>>) -> OnionMessage {
    let keys: Vec<PublicKey> = path
        .path
        .iter()
        .map(|h| h.blinded_node_id.to_pubkey().unwrap())
        .collect();
    OnionMessage {
        path_key: path.first_path_key,
        onion_message_packet: sphinx::construct(&key(3), &keys, &payloads, 1300, &[]).unwrap(),
    }
}

fn with_data(data: &[u8], extra: OnionmsgTlv) -> Vec<u8> {
    OnionmsgTlv {
        encrypted_recipient_data: Some(data.to_vec()),
        ..extra
    }
    .encode()
    .unwrap()
}

#[test]
fn a_forwarding_hop_refuses_other_fields_and_unknown_even_types() {
    let path = path_with_bob_data(to(CAROL));
    let bob_data = &path.path[0].encrypted_recipient_data;
    let carol = with_data(
        &path.path[1].encrypted_recipient_data,
        OnionmsgTlv::default(),
    );
    let odd = OnionmsgTlv {
        unknown: vec![UnknownRecord {
            tlv_type: 1,
            value: b"hi".to_vec(),
        }],
        ..Default::default()
    };
    let msg = raw_message(&path, vec![with_data(bob_data, odd), carol.clone()]);
    assert_eq!(
        peel_onion_message(&key(BOB), &msg).unwrap_err(),
        PeelError::ForwardWithExtraFields
    );
    // Type 6 is even and unknown to onionmsg_tlv.
    let mut even = with_data(bob_data, OnionmsgTlv::default());
    even.extend_from_slice(&[6, 0]);
    let msg = raw_message(&path, vec![even, carol.clone()]);
    assert!(matches!(
        peel_onion_message(&key(BOB), &msg).unwrap_err(),
        PeelError::InvalidPayload(wire::DecodeError::UnknownEvenType { tlv_type: 6, .. })
    ));
    // No encrypted_recipient_data at all.
    let msg = raw_message(&path, vec![vec![], carol]);
    assert_eq!(
        peel_onion_message(&key(BOB), &msg).unwrap_err(),
        PeelError::MissingEncryptedData
    );
}

#[test]
fn unknown_even_types_in_encrypted_data_are_refused() {
    let hops = [BlindHop {
        node_id: id(DAVE),
        data: EncryptedDataTlv::default(),
    }];
    let (mut path, keys) = create_blinded_path_with_keys(&key(10), &hops).unwrap();
    // encrypted_data_tlv type 16 (even, unknown), encrypted as §"Route Blinding" says.
    let cipher = ChaCha20Poly1305::new(keys[0].rho.as_bytes().into());
    path.path[0].encrypted_recipient_data =
        cipher.encrypt(&[0u8; 12].into(), &[16u8, 0][..]).unwrap();
    assert!(matches!(
        deliver(send(path, OnionmsgTlv::default()), &[DAVE]).unwrap_err(),
        PeelError::Blinding(BlindingError::InvalidEncryptedData(
            wire::DecodeError::UnknownEvenType { tlv_type: 16, .. }
        ))
    ));
}

#[test]
fn packet_sizes_are_1366_or_32834() {
    let big = |n: usize| OnionmsgTlv {
        unknown: vec![UnknownRecord {
            tlv_type: 1,
            value: vec![0xab; n],
        }],
        ..Default::default()
    };
    assert_eq!(
        send(daves_path(), big(900)).onion_message_packet.len(),
        1366
    );
    let msg = send(daves_path(), big(2000));
    assert_eq!(msg.onion_message_packet.len(), 32834);
    let got = deliver(msg, &[BOB, CAROL, DAVE]).unwrap();
    assert_eq!(got.unknown[0].value.len(), 2000);
    let err = build_onion_message(
        &key(2),
        &key(3),
        &[],
        Destination::BlindedPath(daves_path()),
        big(40_000),
    )
    .unwrap_err();
    assert!(matches!(err, BuildError::TooLarge(n) if n > 32768));
}

#[test]
fn builder_refusals() {
    let mut path = daves_path();
    path.first_node_id = SciddirOrPubkey::Scid {
        direction: Direction::NodeOne,
        scid: ShortChannelId(42),
    };
    let build = |p: BlindedPath, intermediate: &[PublicKey], payload: OnionmsgTlv| {
        build_onion_message(
            &key(2),
            &key(3),
            intermediate,
            Destination::BlindedPath(p),
            payload,
        )
    };
    assert_eq!(
        build(path.clone(), &[id(ALICE)], OnionmsgTlv::default()).unwrap_err(),
        BuildError::IntroductionNodeNotResolved
    );
    // Straight to a scid-named introduction node is fine: the caller knows that peer.
    assert_eq!(
        build(path.clone(), &[], OnionmsgTlv::default())
            .unwrap()
            .first_hop,
        path.first_node_id
    );
    path.path.clear();
    assert_eq!(
        build(path, &[], OnionmsgTlv::default()).unwrap_err(),
        BuildError::EmptyPath
    );
    let with_data = OnionmsgTlv {
        encrypted_recipient_data: Some(vec![1]),
        ..Default::default()
    };
    assert_eq!(
        build(daves_path(), &[], with_data).unwrap_err(),
        BuildError::PayloadHasEncryptedData
    );
    assert_eq!(
        create_blinded_path(&key(1), &[]).unwrap_err(),
        BlindingError::EmptyPath
    );
}

#[test]
fn padding_makes_every_hop_the_same_length() {
    // Differences of 1, 2, 33 and 300 bytes (1 is not reachable with one padding record:
    // the common length grows).
    let mut hops = vec![
        to(CAROL),
        EncryptedDataTlv {
            path_id: Some(vec![0; 32]),
            ..Default::default()
        },
        EncryptedDataTlv {
            path_id: Some(vec![0; 31]),
            ..Default::default()
        },
        EncryptedDataTlv::default(),
        EncryptedDataTlv {
            path_id: Some(vec![0; 300]),
            ..Default::default()
        },
    ];
    pad_to_equal_length(&mut hops).unwrap();
    let lens: Vec<usize> = hops.iter().map(|h| h.encode().unwrap().len()).collect();
    assert!(lens.iter().all(|&l| l == lens[0]), "{lens:?}");
    // Padding round-trips through the decoder and is all zeros.
    for h in &hops {
        let back = EncryptedDataTlv::decode(&h.encode().unwrap()).unwrap();
        assert_eq!(&back, h);
        assert!(back.padding.unwrap_or_default().iter().all(|&b| b == 0));
    }
}

#[test]
fn a_payload_length_past_the_packet_is_refused() {
    // A 40-byte hop_payloads whose first byte decrypts to length 48, with a valid HMAC:
    // made from the definitions of §"Key Generation" and §"Onion Decryption".
    use chacha20::cipher::{KeyIvInit, StreamCipher};
    use hmac::{Hmac, Mac};
    let node = key(DAVE);
    let session = key(11);
    let ss = secp256k1::ecdh::SharedSecret::new(&id(DAVE), &session).secret_bytes();
    let hmac = |k: &[u8], m: &[u8]| -> [u8; 32] {
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(k).unwrap();
        mac.update(m);
        mac.finalize().into_bytes().into()
    };
    let mut payloads = vec![0u8; 40];
    payloads[0] = 48;
    chacha20::ChaCha20::new(&hmac(b"rho", &ss).into(), &[0u8; 12].into())
        .apply_keystream(&mut payloads);
    let mut packet = vec![0u8];
    packet.extend_from_slice(&PublicKey::from_secret_key(SECP256K1, &session).serialize());
    packet.extend_from_slice(&payloads);
    packet.extend_from_slice(&hmac(&hmac(b"mu", &ss), &payloads));
    assert_eq!(
        sphinx::peel(&node, &packet, &[]).unwrap_err(),
        SphinxError::BadPayloadLength
    );
}
