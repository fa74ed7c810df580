//! BOLT 4 `route-blinding-test.json`: creating the blinded route Bob -> Carol -> Dave -> Eve
//! (two paths joined with `next_path_key_override`) and unblinding it at each hop.
mod common;

use common::*;
use onion::blinding::{
    blinded_node_secret, create_blinded_path_with_keys, decrypt_recipient_data, next_path_key,
    BlindHop,
};
use onion::tlv::EncryptedDataTlv;
use onion::BlindingError;
use secp256k1::{PublicKey, SECP256K1};
use wire::{Point, SciddirOrPubkey};

const FILE: &str = "route-blinding-test.json";

#[test]
fn encrypted_data_tlvs_encode_as_the_vector() {
    let v = vector(FILE);
    for hop in v["generate"]["hops"].as_array().unwrap() {
        let data = encrypted_data(&hop["tlvs"]);
        assert_eq!(
            hex_of(&data.encode().unwrap()),
            hop["encoded_tlvs"].as_str().unwrap(),
            "{}",
            hop["alias"]
        );
        assert_eq!(
            EncryptedDataTlv::decode(&bytes(&hop["encoded_tlvs"])).unwrap(),
            data
        );
    }
}

#[test]
fn creates_the_blinded_route() {
    let v = vector(FILE);
    let hops = v["generate"]["hops"].as_array().unwrap();
    // Bob creates Bob -> Carol with his session key; Eve creates Dave -> Eve with hers.
    let mut blinded = Vec::new();
    let mut first = None;
    for segment in hops.chunks(2) {
        let session = secret(&segment[0]["session_key"]);
        let blind_hops: Vec<BlindHop> = segment
            .iter()
            .map(|h| BlindHop {
                node_id: pubkey(&h["node_id"]),
                data: encrypted_data(&h["tlvs"]),
            })
            .collect();
        let (path, keys) = create_blinded_path_with_keys(&session, &blind_hops).unwrap();
        for ((h, k), p) in segment.iter().zip(&keys).zip(&path.path) {
            assert_eq!(
                hex_of(&k.path_key.serialize()),
                h["path_key"].as_str().unwrap()
            );
            assert_eq!(
                PublicKey::from_secret_key(SECP256K1, &secret(&h["path_privkey"])),
                k.path_key
            );
            assert_eq!(
                hex_of(k.shared_secret.as_bytes()),
                h["shared_secret"].as_str().unwrap()
            );
            assert_eq!(hex_of(k.rho.as_bytes()), h["rho"].as_str().unwrap());
            assert_eq!(
                hex_of(&p.blinded_node_id.serialize()),
                h["blinded_node_id"].as_str().unwrap()
            );
            assert_eq!(
                hex_of(&p.encrypted_recipient_data),
                h["encrypted_data"].as_str().unwrap()
            );
        }
        first.get_or_insert(path.clone());
        blinded.extend(path.path);
    }
    let first = first.unwrap();
    let route = &v["route"];
    assert_eq!(
        first.first_node_id,
        SciddirOrPubkey::Pubkey(point(&route["first_node_id"]))
    );
    assert_eq!(first.first_path_key, point(&route["first_path_key"]));
    let expected: Vec<(String, String)> = route["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["blinded_node_id"].as_str().unwrap().to_owned(),
                h["encrypted_data"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let got: Vec<(String, String)> = blinded
        .iter()
        .map(|h| {
            (
                hex_of(&h.blinded_node_id.serialize()),
                hex_of(&h.encrypted_recipient_data),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn unblinds_the_route_at_each_hop() {
    let v = vector(FILE);
    let route = v["route"]["hops"].as_array().unwrap();
    let mut path_key = pubkey(&v["route"]["first_path_key"]);
    for (h, r) in v["unblind"]["hops"].as_array().unwrap().iter().zip(route) {
        let alias = h["alias"].as_str().unwrap();
        let node = secret(&h["node_privkey"]);
        assert_eq!(path_key, pubkey(&h["path_key"]), "{alias}");
        let b = blinded_node_secret(&node, &path_key).unwrap();
        assert_eq!(
            hex_of(&b.secret_bytes()),
            h["blinded_privkey"].as_str().unwrap()
        );
        assert_eq!(
            Point::from(PublicKey::from_secret_key(SECP256K1, &b)),
            point(&r["blinded_node_id"])
        );
        let hop = decrypt_recipient_data(&node, &path_key, &bytes(&r["encrypted_data"])).unwrap();
        assert_eq!(
            hex_of(&hop.data.encode().unwrap()),
            h["decrypted_data"].as_str().unwrap(),
            "{alias}"
        );
        // The chained key, and the override where the data has one.
        assert_eq!(
            hex_of(
                &next_path_key(&path_key, &hop.shared_secret)
                    .unwrap()
                    .serialize()
            ),
            h["next_path_key"].as_str().unwrap(),
            "{alias}"
        );
        let expected_next = h
            .get("next_path_key_override")
            .unwrap_or(&h["next_path_key"]);
        assert_eq!(hop.next_path_key, pubkey(expected_next), "{alias}");
        path_key = hop.next_path_key;
    }
}

#[test]
fn altered_encrypted_data_or_wrong_key_does_not_decrypt() {
    let v = vector(FILE);
    let h = &v["unblind"]["hops"][0];
    let node = secret(&h["node_privkey"]);
    let path_key = pubkey(&h["path_key"]);
    let data = bytes(&v["route"]["hops"][0]["encrypted_data"]);
    for i in [0, data.len() / 2, data.len() - 1] {
        let mut bad = data.clone();
        bad[i] ^= 1;
        assert_eq!(
            decrypt_recipient_data(&node, &path_key, &bad).unwrap_err(),
            BlindingError::UndecryptableData
        );
    }
    assert_eq!(
        decrypt_recipient_data(&node, &path_key, &data[..data.len() - 1]).unwrap_err(),
        BlindingError::UndecryptableData
    );
    // Carol's key cannot read Bob's data.
    let carol = secret(&v["unblind"]["hops"][1]["node_privkey"]);
    assert_eq!(
        decrypt_recipient_data(&carol, &path_key, &data).unwrap_err(),
        BlindingError::UndecryptableData
    );
}
