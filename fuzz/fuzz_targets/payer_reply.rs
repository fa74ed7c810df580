//! What comes back to a payer (`messenger::payer::InvoiceFetch::receive`): the composed
//! path from an onion message on the wire, through our reply path's blinding, the
//! `path_id` check and the invoice reader, to the payer checks against our request.
//!
//! Each input is judged by a fresh fetch of an offer of messenger's `Responder` (fixed
//! keys, fixed clock), whose request the responder answers with a real signed invoice.
//! With the selector's low bit clear the input is an onion message as it arrives (any
//! bytes): it is never accepted (only the issuer can sign an invoice). With both low bits
//! set, the input is the final hop's `onionmsg_tlv` records (any bytes, our reply path's
//! `encrypted_recipient_data` put in), sent correctly along our reply path: the readers
//! behind the MACs, LDK's length-prefixed `invoice_error` included, never accept an
//! invoice either. Otherwise (selector 1 mod 4) the input edits the real invoice's bytes
//! (each 3 bytes: a 2-byte position, a byte to XOR there); the edited invoice, if it is
//! still a TLV stream, is sent correctly along our reply path (built as the issuer would,
//! its own hop peeled by it), so that the payer's readers and checks see it past the
//! onion's MACs. Then:
//! - the real invoice (no edit, or edits that cancel out) is accepted, exactly;
//! - any other invoice is refused: an accepted one is byte for byte the real one.
#![no_main]
use std::sync::OnceLock;

use bolt12::tlv::{BlindedPath, InvoiceTlvs};
use bolt12::{Offer, OfferBuilder};
use bolt12_toolkit_fuzz::{packet_for, with_encrypted_data};
use libfuzzer_sys::fuzz_target;
use messenger::{FetchOptions, InvoiceFetch, NodeKey, Responder, ResponderConfig};
use onion::message::{
    build_onion_message, peel_onion_message, Destination, NextHop, Payload, Peeled,
};
use onion::tlv::{OnionMessage, OnionmsgTlv};
use secp256k1::{PublicKey, SecretKey};
use wire::SciddirOrPubkey;

const NOW: u64 = 1_800_000_000;

fn secret(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("valid key")
}

struct Issuer {
    responder: Responder,
    offer: Offer,
}

fn issuer() -> &'static Issuer {
    static ISSUER: OnceLock<Issuer> = OnceLock::new();
    ISSUER.get_or_init(|| {
        let responder = Responder::new(
            NodeKey::from_secret(secret(1)),
            &[7; 32],
            ResponderConfig::default(),
        )
        .expect("responder");
        let offer = responder
            .create_offer(OfferBuilder::new().description("fuzz").amount_msat(5000))
            .expect("offer");
        Issuer { responder, offer }
    })
}

/// What the payer receives as: its key, and one payload in the `Receive` we peel.
fn received(key: &SecretKey, msg: &OnionMessage) -> onion::message::Received {
    match peel_onion_message(key, msg).expect("our own message peels") {
        Peeled::Receive(r) => r,
        Peeled::Forward(_) => panic!("a direct message is for us"),
    }
}

/// The issuer, the introduction node of our reply path, peels its hop: what it hands us.
fn issuer_forwards(msg: &OnionMessage, payer: &NodeKey) -> OnionMessage {
    match peel_onion_message(&secret(1), msg) {
        Ok(Peeled::Forward(f)) => {
            assert_eq!(f.next_hop, NextHop::NodeId(payer.node_id()));
            f.message
        }
        other => panic!("the issuer forwards our reply to us: {other:?}"),
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, data)) = input.split_first() else {
        return;
    };
    let issuer = issuer();
    let payer = NodeKey::from_secret(secret(2));
    let options = FetchOptions {
        now: Some(NOW),
        ..FetchOptions::default()
    };
    let mut fetch = InvoiceFetch::new(
        &issuer.offer,
        &options,
        issuer.responder.node_id(),
        payer.node_id(),
    )
    .expect("a request for the responder's own offer");
    let sent = fetch
        .next_message()
        .expect("one route: the issuer is the peer")
        .expect("the message");

    if selector & 1 == 0 {
        // Anything on the wire: at most a refusal, never an invoice.
        if let Some(Ok(f)) = fetch.receive(&payer, data) {
            panic!("accepted an invoice nobody signed: {}", f.invoice);
        }
        return;
    }

    // The reply path our request carries (the issuer's view), and the real answer.
    let Some(reply_path): Option<BlindedPath> = received(&secret(1), &sent).reply_path else {
        panic!("the request carries a reply path");
    };
    if selector & 2 != 0 {
        let hops: Vec<PublicKey> = reply_path
            .path
            .iter()
            .map(|h| h.blinded_node_id.to_pubkey().expect("our own path's keys"))
            .collect();
        let last = reply_path.path.len() - 1;
        let payloads: Vec<Vec<u8>> = reply_path
            .path
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let records = if i == last { data } else { &[][..] };
                with_encrypted_data(records, &h.encrypted_recipient_data)
            })
            .collect();
        let Some(packet) = packet_for(&hops, &payloads) else {
            return;
        };
        let msg = OnionMessage {
            path_key: reply_path.first_path_key,
            onion_message_packet: packet,
        };
        let bytes = issuer_forwards(&msg, &payer).encode().expect("encode");
        if let Some(Ok(f)) = fetch.receive(&payer, &bytes) {
            panic!("accepted an invoice nobody signed: {}", f.invoice);
        }
        return;
    }
    let answer = issuer
        .responder
        .handle(&sent.encode().expect("encode"), NOW)
        .expect("the responder answers its own offer");
    let Some(Payload::Invoice(real)) = received(&secret(2), &answer.message).payload else {
        panic!("the answer is an invoice");
    };
    let real = real.encode().expect("encode");
    let mut edited = real.clone();
    for e in data.chunks_exact(3) {
        let at = usize::from(u16::from_be_bytes([e[0], e[1]]));
        if let Some(b) = edited.get_mut(at) {
            *b ^= e[2];
        }
    }
    let Ok(tlvs) = InvoiceTlvs::decode(&edited) else {
        return;
    };
    let payload = OnionmsgTlv {
        invoice: Some(tlvs),
        ..Default::default()
    };
    let out = build_onion_message(
        &secret(3),
        &secret(4),
        &[],
        Destination::BlindedPath(reply_path),
        payload,
    )
    .expect("a reply along our own path");
    // Our reply path starts at the issuer (our peer): it peels its hop, as the responder
    // does when it answers, and hands us the rest.
    assert_eq!(
        out.first_hop,
        SciddirOrPubkey::Pubkey(issuer.responder.node_id().into()),
        "the reply path starts at our peer"
    );
    let bytes = issuer_forwards(&out.message, &payer)
        .encode()
        .expect("encode");
    let verdict = fetch.receive(&payer, &bytes);
    if edited == real {
        match verdict {
            Some(Ok(f)) => assert_eq!(f.invoice.as_bytes(), real.as_slice()),
            other => panic!("the real invoice is refused: {other:?}"),
        }
    } else if let Some(Ok(f)) = verdict {
        assert_eq!(
            f.invoice.as_bytes(),
            real.as_slice(),
            "accepted an edited invoice"
        );
    }
});
