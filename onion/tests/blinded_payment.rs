//! BOLT 4 `blinded-payment-onion-test.json`: the blinded route Bob -> Carol -> Dave -> Eve with
//! `payment_relay`, `payment_constraints` and `allowed_features`, its unblinding at each hop,
//! and the payment onion over Alice (clear) and the route, built and peeled with Sphinx.
mod common;

use common::*;
use onion::blinding::{blinded_node_secret, create_blinded_path, decrypt_recipient_data, BlindHop};
use onion::sphinx::{self, Peeled};
use onion::SphinxError;
use secp256k1::{PublicKey, SECP256K1};
use serde_json::Value;

const FILE: &str = "blinded-payment-onion-test.json";

/// The `payload` without its bigsize length (the vector's lengths are all one byte).
fn payload(hop: &Value) -> Vec<u8> {
    let p = bytes(&hop["payload"]);
    assert_eq!(usize::from(p[0]), p.len() - 1);
    p[1..].to_vec()
}

#[test]
fn creates_the_blinded_route() {
    let v = vector(FILE);
    // The file gives the route's path keys but not the session keys behind them; they are
    // route-blinding-test.json's (Bob's for Bob -> Carol, Eve's for Dave -> Eve).
    let rb = vector("route-blinding-test.json");
    let sessions = [
        secret(&rb["generate"]["hops"][0]["session_key"]),
        secret(&rb["generate"]["hops"][2]["session_key"]),
    ];
    let route = &v["generate"]["blinded_route"];
    let full = v["generate"]["full_route"]["hops"].as_array().unwrap();
    let decrypt = v["decrypt"]["hops"].as_array().unwrap();
    let mut got = Vec::new();
    for (segment, session) in [1..3, 3..5].into_iter().zip(&sessions) {
        let hops: Vec<BlindHop> = segment
            .clone()
            .map(|i| BlindHop {
                node_id: PublicKey::from_secret_key(
                    SECP256K1,
                    &secret(&decrypt[i]["node_privkey"]),
                ),
                data: encrypted_data(&full[i]["tlvs"]["encrypted_recipient_data"]),
            })
            .collect();
        let path = create_blinded_path(session, &hops).unwrap();
        got.push(path.first_path_key);
        got.extend(path.path.iter().map(|h| h.blinded_node_id));
        for (h, i) in path.path.iter().zip(segment.start..) {
            let expected = &route["hops"][i - 1];
            assert_eq!(
                hex_of(&h.blinded_node_id.serialize()),
                expected["blinded_node_id"].as_str().unwrap()
            );
            assert_eq!(
                hex_of(&h.encrypted_recipient_data),
                expected["encrypted_data"].as_str().unwrap(),
                "{}",
                expected["alias"]
            );
        }
    }
    assert_eq!(got[0], point(&route["first_path_key"]));
    // Dave -> Eve's first path key is Carol's override.
    assert_eq!(
        got[3],
        point(&full[2]["tlvs"]["encrypted_recipient_data"]["next_path_key_override"])
    );
}

#[test]
fn unblinds_the_route_at_each_hop() {
    let v = vector(FILE);
    let route = v["generate"]["blinded_route"]["hops"].as_array().unwrap();
    let full = v["generate"]["full_route"]["hops"].as_array().unwrap();
    let decrypt = v["decrypt"]["hops"].as_array().unwrap();
    let mut path_key = pubkey(&v["generate"]["blinded_route"]["first_path_key"]);
    for i in 1..5 {
        let node = secret(&decrypt[i]["node_privkey"]);
        let hop = decrypt_recipient_data(&node, &path_key, &bytes(&route[i - 1]["encrypted_data"]))
            .unwrap();
        assert_eq!(
            hop.data,
            encrypted_data(&full[i]["tlvs"]["encrypted_recipient_data"])
        );
        assert_eq!(hop.next_path_key, pubkey(&decrypt[i]["next_path_key"]));
        path_key = hop.next_path_key;
    }
}

#[test]
fn builds_the_payment_onion() {
    let v = vector(FILE);
    let g = &v["generate"];
    let full = g["full_route"]["hops"].as_array().unwrap();
    // Alice and the introduction node Bob by their ids (Bob gets `current_path_key` in his
    // payload); Carol, Dave and Eve by their blinded ids.
    let keys: Vec<PublicKey> = full.iter().map(|h| pubkey(&h["pubkey"])).collect();
    let payloads: Vec<Vec<u8>> = full.iter().map(payload).collect();
    let onion = sphinx::construct(
        &secret(&g["session_key"]),
        &keys,
        &payloads,
        1300,
        &bytes(&g["associated_data"]),
    )
    .unwrap();
    assert_eq!(hex_of(&onion), g["onion"].as_str().unwrap());
}

#[test]
fn each_hop_peels_the_payment_onion() {
    let v = vector(FILE);
    let assoc = bytes(&v["generate"]["associated_data"]);
    let full = v["generate"]["full_route"]["hops"].as_array().unwrap();
    let decrypt = v["decrypt"]["hops"].as_array().unwrap();
    let mut path_key: Option<PublicKey> = None;
    for (i, hop) in decrypt.iter().enumerate() {
        let node = secret(&hop["node_privkey"]);
        // Blinded hops decrypt with their blinded secret, from the path key Bob passed on.
        let key = match path_key {
            Some(pk) => blinded_node_secret(&node, &pk).unwrap(),
            None => node,
        };
        let peeled = sphinx::peel(&key, &bytes(&hop["onion"]), &assoc).unwrap();
        let p = match &peeled {
            Peeled::Forward { payload, .. } | Peeled::Final { payload } => payload.clone(),
        };
        assert_eq!(p, payload(&full[i]), "{}", hop["alias"]);
        match peeled {
            Peeled::Forward { next_packet, .. } => assert_eq!(
                hex_of(&next_packet),
                decrypt[i + 1]["onion"].as_str().unwrap()
            ),
            Peeled::Final { .. } => assert_eq!(i, decrypt.len() - 1),
        }
        if let Some(next) = hop.get("next_path_key") {
            path_key = Some(pubkey(next));
        }
        // Wrong associated data: the HMAC does not match.
        assert_eq!(
            sphinx::peel(&key, &bytes(&hop["onion"]), &[]).unwrap_err(),
            SphinxError::BadHmac
        );
    }
}
