//! Onion messages peeled as a hop (`onion::message::peel_onion_message`).
//!
//! With the selector's low bit clear the input is a whole `onion_message` (arbitrary
//! bytes): decoding re-encodes to the bytes read, and peeling never panics. Otherwise the
//! input supplies the plaintext of a message to us, which the target encrypts correctly
//! (our `encrypted_data_tlv` under `rho`, the `onionmsg_tlv` in a Sphinx packet to our
//! blinded node id), so that peeling gets past the MACs to the readers:
//! - one hop (we are the recipient): the outcome is exactly what BOLT 4's reader rules
//!   give for those plaintexts (both decode, `allowed_features` has no bit set, at most one
//!   BOLT 12 payload), and a `Receive` carries exactly the decoded fields;
//! - two hops (we forward to a second node): a `Forward` names the next hop our data
//!   says, and when it points at the second node that node receives the message.
#![no_main]
use bolt12_toolkit_fuzz::{packet_for, with_encrypted_data};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use libfuzzer_sys::fuzz_target;
use onion::blinding::hop_keys;
use onion::message::{decode_onion_message, peel_onion_message, NextHop, Payload, Peeled};
use onion::tlv::{EncryptedDataTlv, OnionMessage, OnionmsgTlv};
use secp256k1::{PublicKey, SecretKey, SECP256K1};
use wire::Point;

fn secret(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("valid key")
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, data)) = input.split_first() else {
        return;
    };
    let us = secret(0x41);
    if selector & 1 == 0 {
        if let Some(body) = data.get(2..) {
            if let Ok(m) = OnionMessage::decode(body) {
                let bytes = m.encode().expect("decoded messages encode");
                assert_eq!(bytes[2..], body[..bytes.len() - 2]);
            }
        }
        if let Ok(m) = decode_onion_message(data) {
            let _ = peel_onion_message(&us, &m);
        }
        return;
    }
    let (ed_plain, rest) = bolt12_toolkit_fuzz::split_by_first_byte(data);
    let us_pub = PublicKey::from_secret_key(SECP256K1, &us);
    let other = secret(0x43);
    let other_pub = PublicKey::from_secret_key(SECP256K1, &other);
    let two_hops = selector & 2 != 0;
    let nodes: Vec<PublicKey> = if two_hops {
        vec![us_pub, other_pub]
    } else {
        vec![us_pub]
    };
    let keys = hop_keys(&secret(0x44), &nodes).expect("keys");
    let seal = |rho: &[u8; 32], plain: &[u8]| {
        ChaCha20Poly1305::new(rho.into())
            .encrypt(&[0u8; 12].into(), plain)
            .expect("short plaintext")
    };
    let ours = seal(keys[0].rho.as_bytes(), ed_plain);
    let payload = if two_hops {
        // Forwarding hop: only our encrypted data.
        with_encrypted_data(&[], &ours)
    } else {
        with_encrypted_data(rest, &ours)
    };
    let mut payloads = vec![payload.clone()];
    let mut blinded: Vec<PublicKey> = vec![keys[0].blinded_node_id];
    if two_hops {
        let theirs = seal(keys[1].rho.as_bytes(), &[]);
        payloads.push(with_encrypted_data(rest, &theirs));
        blinded.push(keys[1].blinded_node_id);
    }
    let Some(packet) = packet_for(&blinded, &payloads) else {
        return;
    };
    let msg = OnionMessage {
        path_key: Point::from(keys[0].path_key),
        onion_message_packet: packet,
    };
    let peeled = peel_onion_message(&us, &msg);
    let ed = EncryptedDataTlv::decode(ed_plain);
    let tlv = OnionmsgTlv::decode(&payload);
    if ed.is_err() || tlv.is_err() {
        assert!(peeled.is_err(), "undecodable plaintext accepted");
        return;
    }
    let (ed, tlv) = (ed.expect("checked"), tlv.expect("checked"));
    let override_ok = ed
        .next_path_key_override
        .is_none_or(|p| p.to_pubkey().is_ok());
    let features_ok = ed
        .allowed_features
        .as_deref()
        .is_none_or(|f| f.iter().all(|b| *b == 0));
    match peeled {
        Ok(Peeled::Receive(r)) => {
            assert!(!two_hops, "a two-hop packet received at the first hop");
            assert!(override_ok && features_ok);
            assert_eq!(r.encrypted_data, ed);
            assert_eq!(r.encrypted_data.encode().expect("encodes"), ed_plain);
            assert_eq!(r.path_id, ed.path_id);
            assert_eq!(r.reply_path, tlv.reply_path);
            assert_eq!(r.unknown, tlv.unknown);
            let kind = match &r.payload {
                None => None,
                Some(Payload::InvoiceRequest(p)) => {
                    Some(tlv.invoice_request.as_ref() == Some(&**p))
                }
                Some(Payload::Invoice(p)) => Some(tlv.invoice.as_ref() == Some(&**p)),
                Some(Payload::InvoiceError(p)) => Some(tlv.invoice_error.as_ref() == Some(&**p)),
            };
            assert_ne!(kind, Some(false));
            let count = [
                tlv.invoice_request.is_some(),
                tlv.invoice.is_some(),
                tlv.invoice_error.is_some(),
            ]
            .iter()
            .filter(|x| **x)
            .count();
            assert!(count <= 1);
            assert_eq!(r.payload.is_some(), count == 1);
        }
        Ok(Peeled::Forward(f)) => {
            assert!(two_hops, "a one-hop packet forwarded");
            assert!(override_ok && features_ok && ed.path_id.is_none());
            assert_eq!(f.encrypted_data, ed);
            match (ed.next_node_id, f.next_hop) {
                (Some(n), NextHop::NodeId(pk)) => assert_eq!(n.to_pubkey().ok(), Some(pk)),
                (None, NextHop::ShortChannelId(scid)) => {
                    assert_eq!(ed.short_channel_id, Some(scid))
                }
                (n, h) => panic!("next hop {h:?} for next_node_id {n:?}"),
            }
            let to_other = f.next_hop == NextHop::NodeId(other_pub);
            if to_other && ed.next_path_key_override.is_none() {
                let second = peel_onion_message(&other, &f.message);
                let tlv2 = OnionmsgTlv::decode(&payloads[1]);
                let single = tlv2.as_ref().is_ok_and(|t| {
                    [
                        t.invoice_request.is_some(),
                        t.invoice.is_some(),
                        t.invoice_error.is_some(),
                    ]
                    .iter()
                    .filter(|x| **x)
                    .count()
                        <= 1
                });
                assert_eq!(
                    matches!(second, Ok(Peeled::Receive(_))),
                    single,
                    "second hop: {second:?}"
                );
            }
        }
        Err(e) => {
            if !two_hops {
                let count = [
                    tlv.invoice_request.is_some(),
                    tlv.invoice.is_some(),
                    tlv.invoice_error.is_some(),
                ]
                .iter()
                .filter(|x| **x)
                .count();
                assert!(
                    !(override_ok && features_ok && count <= 1),
                    "valid message to us refused: {e}"
                );
            }
        }
    }
});
