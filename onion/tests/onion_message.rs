//! BOLT 4 `blinded-onion-message-onion-test.json`: a sender reaches Dave's blinded path
//! Bob -> Carol -> Dave through Alice (blinding Alice itself, with `next_path_key_override`),
//! sending "hello" (odd type 1); each hop peels its layer.
mod common;

use common::*;
use onion::blinding::{create_blinded_path_with_keys, BlindHop, HopKeys};
use onion::message::{
    build_onion_message, decode_onion_message, peel_onion_message_bytes, Destination, NextHop,
    Peeled,
};
use onion::tlv::OnionmsgTlv;
use onion::{PeelError, SphinxError};
use secp256k1::{PublicKey, SecretKey, SECP256K1};
use serde_json::Value;
use wire::{SciddirOrPubkey, UnknownRecord};

const FILE: &str = "blinded-onion-message-onion-test.json";

fn node_id(hop: &Value) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, &secret(&hop["privkey"]))
}

fn check_keys(generate: &[Value], keys: &[HopKeys]) {
    for (h, k) in generate.iter().zip(keys) {
        let alias = h["alias"].as_str().unwrap();
        assert_eq!(
            hex_of(&k.path_key.serialize()),
            h["E"].as_str().unwrap(),
            "{alias}"
        );
        assert_eq!(
            hex_of(k.shared_secret.as_bytes()),
            h["ss"].as_str().unwrap(),
            "{alias}"
        );
        assert_eq!(
            hex_of(k.rho.as_bytes()),
            h["rho"].as_str().unwrap(),
            "{alias}"
        );
        assert_eq!(
            hex_of(&k.blinded_node_id.serialize()),
            h["blinded_node_id"].as_str().unwrap(),
            "{alias}"
        );
    }
}

/// Dave's path Bob -> Carol -> Dave, created with its session key.
fn daves_path(v: &Value) -> bolt12::tlv::BlindedPath {
    let generate = v["generate"]["hops"].as_array().unwrap();
    let decrypt = v["decrypt"]["hops"].as_array().unwrap();
    let hops: Vec<BlindHop> = generate[1..]
        .iter()
        .zip(&decrypt[1..])
        .map(|(g, d)| {
            let data = encrypted_data(&g["tlvs"]);
            assert_eq!(
                hex_of(&data.encode().unwrap()),
                g["encrypted_data_tlv"].as_str().unwrap()
            );
            BlindHop {
                node_id: node_id(d),
                data,
            }
        })
        .collect();
    let (path, keys) =
        create_blinded_path_with_keys(&secret(&generate[1]["path_key_secret"]), &hops).unwrap();
    check_keys(&generate[1..], &keys);
    path
}

fn hello() -> OnionmsgTlv {
    OnionmsgTlv {
        unknown: vec![UnknownRecord {
            tlv_type: 1,
            value: b"hello".to_vec(),
        }],
        ..Default::default()
    }
}

#[test]
fn creates_daves_path_and_alices_blinded_hop() {
    let v = vector(FILE);
    let generate = v["generate"]["hops"].as_array().unwrap();
    let path = daves_path(&v);
    let route: Vec<String> = v["route"]["hops"].as_array().unwrap()[1..]
        .iter()
        .map(|h| h["encrypted_recipient_data"].as_str().unwrap().to_owned())
        .collect();
    let got: Vec<String> = path
        .path
        .iter()
        .map(|h| hex_of(&h.encrypted_recipient_data))
        .collect();
    assert_eq!(got, route);
    // Alice's hop, as the sender blinds it (the keys and data of the vector's first hop).
    let alice = &v["decrypt"]["hops"][0];
    let data = encrypted_data(&generate[0]["tlvs"]);
    assert_eq!(
        hex_of(&data.encode().unwrap()),
        generate[0]["encrypted_data_tlv"].as_str().unwrap()
    );
    let (alice_path, keys) = create_blinded_path_with_keys(
        &secret(&generate[0]["path_key_secret"]),
        &[BlindHop {
            node_id: node_id(alice),
            data,
        }],
    )
    .unwrap();
    check_keys(&generate[..1], &keys);
    assert_eq!(
        hex_of(&alice_path.path[0].encrypted_recipient_data),
        generate[0]["encrypted_recipient_data"].as_str().unwrap()
    );
    // Alice's override is Dave's first path key, made from the secret the vector gives.
    assert_eq!(
        PublicKey::from_secret_key(
            SECP256K1,
            &secret(&generate[0]["tlvs"]["path_key_override_secret"])
        )
        .serialize(),
        path.first_path_key.serialize()
    );
}

fn build(v: &Value) -> onion::message::Outgoing {
    let generate = v["generate"]["hops"].as_array().unwrap();
    let alice = node_id(&v["decrypt"]["hops"][0]);
    build_onion_message(
        &secret(&generate[0]["path_key_secret"]),
        &secret(&v["generate"]["session_key"]),
        &[alice],
        Destination::BlindedPath(daves_path(v)),
        hello(),
    )
    .unwrap()
}

#[test]
fn builds_the_onion_message_byte_for_byte() {
    let v = vector(FILE);
    let out = build(&v);
    let alice = &v["decrypt"]["hops"][0];
    assert_eq!(
        out.first_hop,
        SciddirOrPubkey::Pubkey(point(&v["route"]["first_node_id"]))
    );
    assert_eq!(
        hex_of(&out.message.onion_message_packet),
        v["onionmessage"]["onion_message_packet"].as_str().unwrap()
    );
    assert_eq!(
        hex_of(&out.message.encode().unwrap()),
        alice["onion_message"].as_str().unwrap()
    );
    assert_eq!(out.message.onion_message_packet.len(), 1366);
}

#[test]
fn each_hop_peels_its_layer() {
    let v = vector(FILE);
    let hops = v["decrypt"]["hops"].as_array().unwrap();
    for (i, hop) in hops.iter().enumerate() {
        let alias = hop["alias"].as_str().unwrap();
        let peeled =
            peel_onion_message_bytes(&secret(&hop["privkey"]), &bytes(&hop["onion_message"]))
                .unwrap_or_else(|e| panic!("{alias}: {e}"));
        match peeled {
            Peeled::Forward(f) => {
                assert_eq!(
                    f.next_hop,
                    NextHop::NodeId(pubkey(&hop["next_node_id"])),
                    "{alias}"
                );
                assert_eq!(
                    hex_of(&f.message.encode().unwrap()),
                    hops[i + 1]["onion_message"].as_str().unwrap(),
                    "{alias}"
                );
                assert_eq!(
                    hex_of(&f.encrypted_data.encode().unwrap()),
                    v["generate"]["hops"][i]["encrypted_data_tlv"]
                        .as_str()
                        .unwrap()
                );
            }
            Peeled::Receive(r) => {
                assert_eq!(alias, "Dave");
                assert_eq!(i, hops.len() - 1);
                let tlvs = &hop["tlvs"];
                assert_eq!(
                    r.unknown,
                    vec![UnknownRecord {
                        tlv_type: 1,
                        value: bytes(&tlvs["unknown_tag_1"])
                    }]
                );
                let dave = &v["generate"]["hops"][3];
                assert_eq!(r.path_id, Some(bytes(&dave["tlvs"]["path_id"])));
                assert_eq!(
                    hex_of(&r.encrypted_data.encode().unwrap()),
                    dave["encrypted_data_tlv"].as_str().unwrap()
                );
                assert!(r.reply_path.is_none() && r.payload.is_none());
            }
        }
    }
}

#[test]
fn peels_what_it_builds() {
    // Our build of the message is peeled by every hop down to Dave's "hello".
    let v = vector(FILE);
    let mut msg = build(&v).message;
    for hop in v["decrypt"]["hops"].as_array().unwrap() {
        match onion::message::peel_onion_message(&secret(&hop["privkey"]), &msg).unwrap() {
            Peeled::Forward(f) => msg = f.message,
            Peeled::Receive(r) => assert_eq!(r.unknown[0].value, b"hello"),
        }
    }
}

fn alice_message(v: &Value) -> (SecretKey, Vec<u8>) {
    let alice = &v["decrypt"]["hops"][0];
    (secret(&alice["privkey"]), bytes(&alice["onion_message"]))
}

#[test]
fn a_flipped_byte_in_the_packet_fails_its_hmac() {
    let v = vector(FILE);
    let (key, msg) = alice_message(&v);
    // type (2) || path_key (33) || len (2) || version (1) || public_key (33) || payloads || hmac
    let payloads_at = 2 + 33 + 2 + 1 + 33;
    for at in [
        payloads_at,
        payloads_at + 600,
        msg.len() - 33,
        msg.len() - 1,
    ] {
        let mut bad = msg.clone();
        bad[at] ^= 0x01;
        assert_eq!(
            peel_onion_message_bytes(&key, &bad).unwrap_err(),
            PeelError::Sphinx(SphinxError::BadHmac),
            "byte {at}"
        );
    }
}

#[test]
fn a_flipped_byte_in_each_hops_layer_fails_that_hop() {
    // Altering the packet at hop i is caught by hop i's HMAC, whichever hop it is.
    let v = vector(FILE);
    for hop in v["decrypt"]["hops"].as_array().unwrap() {
        let mut bad = bytes(&hop["onion_message"]);
        bad[2 + 33 + 2 + 1 + 33 + 10] ^= 0x80;
        assert_eq!(
            peel_onion_message_bytes(&secret(&hop["privkey"]), &bad).unwrap_err(),
            PeelError::Sphinx(SphinxError::BadHmac),
            "{}",
            hop["alias"]
        );
    }
}

#[test]
fn a_wrong_path_key_or_node_key_fails_the_hmac() {
    let v = vector(FILE);
    let (key, msg) = alice_message(&v);
    // Bob's (valid) path key in Alice's message: the blinded key is wrong, so is the HMAC.
    let bob = bytes(&v["decrypt"]["hops"][1]["onion_message"]);
    let mut bad = msg.clone();
    bad[2..35].copy_from_slice(&bob[2..35]);
    assert_eq!(
        peel_onion_message_bytes(&key, &bad).unwrap_err(),
        PeelError::Sphinx(SphinxError::BadHmac)
    );
    let carol = secret(&v["decrypt"]["hops"][2]["privkey"]);
    assert_eq!(
        peel_onion_message_bytes(&carol, &msg).unwrap_err(),
        PeelError::Sphinx(SphinxError::BadHmac)
    );
}

#[test]
fn a_path_key_or_onion_key_off_the_curve_is_named() {
    let v = vector(FILE);
    let (key, msg) = alice_message(&v);
    // x = 5 is not on secp256k1 (5^3 + 7 = 132 is not a square mod p).
    let mut off_curve = [0u8; 33];
    off_curve[0] = 2;
    off_curve[32] = 5;
    let mut bad = msg.clone();
    bad[2..35].copy_from_slice(&off_curve);
    assert_eq!(
        peel_onion_message_bytes(&key, &bad).unwrap_err(),
        PeelError::InvalidPathKey
    );
    let mut bad = msg.clone();
    bad[2 + 33 + 2 + 1..2 + 33 + 2 + 1 + 33].copy_from_slice(&off_curve);
    assert_eq!(
        peel_onion_message_bytes(&key, &bad).unwrap_err(),
        PeelError::Sphinx(SphinxError::InvalidOnionKey)
    );
    let mut bad = msg.clone();
    bad[2 + 33 + 2] = 1;
    assert_eq!(
        peel_onion_message_bytes(&key, &bad).unwrap_err(),
        PeelError::Sphinx(SphinxError::UnknownVersion(1))
    );
}

#[test]
fn truncated_messages_are_refused() {
    let v = vector(FILE);
    let (key, msg) = alice_message(&v);
    for len in [0, 1, 2, 20, 35, 36, 37, 100, msg.len() - 1] {
        let err = peel_onion_message_bytes(&key, &msg[..len]).unwrap_err();
        assert!(
            matches!(
                err,
                PeelError::Malformed(wire::DecodeError::Truncated { .. })
            ),
            "{len}: {err:?}"
        );
    }
    // A consistent `len` but a packet shorter than its header and HMAC.
    let mut short = msg[..2 + 33].to_vec();
    short.extend_from_slice(&10u16.to_be_bytes());
    short.extend_from_slice(&msg[37..47]);
    assert_eq!(
        peel_onion_message_bytes(&key, &short).unwrap_err(),
        PeelError::Sphinx(SphinxError::PacketTooShort { len: 10 })
    );
    let mut other = msg.clone();
    other[1] = 0x02;
    assert_eq!(
        decode_onion_message(&other).unwrap_err(),
        PeelError::WrongMessageType(514)
    );
}
