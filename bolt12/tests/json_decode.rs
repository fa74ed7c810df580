//! `bolt12::json`: Core Lightning's `decode` JSON, checked against the BOLT 12 vectors
//! (`tests/data/offers-test.json`, `signature-test.json`), messages built with our
//! builders, and the formats of `lightning-decode.7.md`.
use std::str::FromStr;

use bolt12::json::{
    chain_by_name, decode_json, decode_json_at, invoice_json_at, invoice_request_json_at,
    offer_json_at, DecodeJsonError, KNOWN_CHAINS, REGTEST, SIGNET, TESTNET,
};
use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo, FallbackAddress};
use bolt12::{InvoiceBuilder, InvoiceRequestBuilder, Offer, OfferBuilder};
use secp256k1::{Keypair, PublicKey, SecretKey, SECP256K1};
use serde_json::{json, Value};
use wire::{ChainHash, SciddirOrPubkey, Sha256};

fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn keypair(byte: u8) -> Keypair {
    Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).unwrap())
}

fn pubkey(byte: u8) -> PublicKey {
    keypair(byte).public_key()
}

/// A big-endian truncated integer (`tu64`) from its hex.
fn tu64(hex_value: &str) -> u64 {
    hex::decode(hex_value)
        .unwrap()
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

fn utf8(hex_value: &str) -> String {
    String::from_utf8(hex::decode(hex_value).unwrap()).unwrap()
}

/// An independent reading of an `offer_paths` value: for each path, its first node as
/// (`first_node_id` hex) or (`first_scid`, `first_scid_dir`), its path key and its hops
/// (blinded node id, encrypted data), all as hex.
type PathSummary = (Value, String, Vec<(String, String)>);

fn parse_paths(bytes: &[u8]) -> Vec<PathSummary> {
    let mut out = Vec::new();
    let mut i = 0;
    let take = |i: &mut usize, n: usize| {
        let s = &bytes[*i..*i + n];
        *i += n;
        s
    };
    while i < bytes.len() {
        let first = if bytes[i] <= 1 {
            let dir = take(&mut i, 1)[0];
            let scid = take(&mut i, 8);
            let block = u32::from_be_bytes([0, scid[0], scid[1], scid[2]]);
            let tx = u32::from_be_bytes([0, scid[3], scid[4], scid[5]]);
            let outnum = u16::from_be_bytes([scid[6], scid[7]]);
            json!({"first_scid": format!("{block}x{tx}x{outnum}"), "first_scid_dir": dir})
        } else {
            json!({"first_node_id": hex::encode(take(&mut i, 33))})
        };
        let path_key = hex::encode(take(&mut i, 33));
        let hops = take(&mut i, 1)[0];
        let mut path = Vec::new();
        for _ in 0..hops {
            let id = hex::encode(take(&mut i, 33));
            let len = u16::from_be_bytes(take(&mut i, 2).try_into().unwrap());
            path.push((id, hex::encode(take(&mut i, usize::from(len)))));
        }
        out.push((first, path_key, path));
    }
    out
}

fn check_paths(got: &Value, want: &[PathSummary]) {
    let got = got.as_array().expect("paths is an array");
    assert_eq!(got.len(), want.len(), "number of paths");
    for (g, (first, key, hops)) in got.iter().zip(want) {
        for (k, v) in first.as_object().unwrap() {
            assert_eq!(&g[k], v, "{k}");
        }
        assert_eq!(g["first_path_key"], key.as_str());
        let path = g["path"].as_array().unwrap();
        assert_eq!(path.len(), hops.len());
        for (hop, (id, data)) in path.iter().zip(hops) {
            assert_eq!(hop["blinded_node_id"], id.as_str());
            assert_eq!(hop["encrypted_recipient_data"], data.as_str());
        }
    }
}

#[test]
fn valid_offer_vectors_decode_with_their_fields() {
    let cases = load("offers-test.json");
    let mut checked = 0;
    for case in cases.iter().filter(|c| c["valid"] == true) {
        let desc = case["description"].as_str().unwrap();
        let s = case["bolt12"].as_str().unwrap();
        let j = decode_json_at(s, None).unwrap_or_else(|e| panic!("{desc}: {e}"));
        assert_eq!(j["type"], "bolt12 offer", "{desc}");
        assert_eq!(j["valid"], true, "{desc}");
        let offer = Offer::from_str(s).unwrap();
        assert_eq!(j["offer_id"], offer.id().to_string(), "{desc}");
        assert_eq!(j["offer_id"].as_str().unwrap().len(), 64);
        // `valid` is the last key, `type` the first, as CLN writes them.
        let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("type"));
        assert_eq!(keys.last().map(|k| k.as_str()), Some("valid"));

        let fields = case["fields"].as_array().unwrap();
        let has_currency = fields.iter().any(|f| f["type"] == 6);
        let mut expected_keys = vec!["type", "offer_id", "valid"];
        let mut unknown = Vec::new();
        for f in fields {
            let hexv = f["hex"].as_str().unwrap();
            let t = f["type"].as_u64().unwrap();
            let (key, want): (&str, Value) = match t {
                2 => (
                    "offer_chains",
                    hexv.as_bytes()
                        .chunks(64)
                        .map(|c| Value::from(std::str::from_utf8(c).unwrap()))
                        .collect(),
                ),
                4 => ("offer_metadata", hexv.into()),
                6 => ("offer_currency", utf8(hexv).into()),
                8 if has_currency => ("offer_amount", tu64(hexv).into()),
                8 => ("offer_amount_msat", tu64(hexv).into()),
                10 => ("offer_description", utf8(hexv).into()),
                12 => ("offer_features", hexv.into()),
                14 => ("offer_absolute_expiry", tu64(hexv).into()),
                16 => {
                    check_paths(&j["offer_paths"], &parse_paths(&hex::decode(hexv).unwrap()));
                    expected_keys.push("offer_paths");
                    continue;
                }
                18 => ("offer_issuer", utf8(hexv).into()),
                20 => ("offer_quantity_max", tu64(hexv).into()),
                22 => ("offer_issuer_id", hexv.into()),
                _ => {
                    unknown.push(json!({"type": t, "length": f["length"], "value": hexv}));
                    continue;
                }
            };
            assert_eq!(j[key], want, "{desc}: {key}");
            expected_keys.push(key);
        }
        if has_currency {
            expected_keys.push("currency_minor_unit");
        }
        if unknown.is_empty() {
            assert!(j.get("unknown_offer_tlvs").is_none(), "{desc}");
        } else {
            assert_eq!(j["unknown_offer_tlvs"], Value::Array(unknown), "{desc}");
            expected_keys.push("unknown_offer_tlvs");
        }
        let mut got_keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        got_keys.sort_unstable();
        expected_keys.sort_unstable();
        assert_eq!(
            got_keys, expected_keys,
            "{desc}: no more and no fewer fields"
        );
        checked += 1;
    }
    assert_eq!(checked, 20);
}

/// The "field info" of some vectors, stated in the spec's own words.
#[test]
fn offer_vector_field_info() {
    let cases = load("offers-test.json");
    let get = |i: usize| decode_json_at(cases[i]["bolt12"].as_str().unwrap(), None).unwrap();
    assert_eq!(get(1)["offer_description"], "Test vectors");
    assert_eq!(get(2)["offer_chains"], json!([TESTNET.to_string()]));
    assert_eq!(
        get(3)["offer_chains"],
        json!([ChainHash::BITCOIN.to_string()])
    );
    assert_eq!(get(4)["offer_chains"].as_array().unwrap().len(), 2);
    assert_eq!(get(4)["offer_chains"][1], ChainHash::BITCOIN.to_string());
    assert_eq!(get(6)["offer_amount_msat"], 10000);
    assert!(get(6).get("offer_amount").is_none());
    let usd = get(7);
    assert_eq!(usd["offer_currency"], "USD");
    assert_eq!(usd["offer_amount"], 10000);
    assert_eq!(usd["currency_minor_unit"], 2);
    assert!(usd.get("offer_amount_msat").is_none());
    // "expiry is 2035-01-01": the vector holds 0x7a4297d8, 2034-12-31T13:30Z, within a day.
    let expiry = get(8)["offer_absolute_expiry"].as_u64().unwrap();
    assert_eq!(expiry, 0x7a42_97d8);
    assert!(2_051_222_400u64.abs_diff(expiry) < 86_400);
    assert_eq!(
        get(9)["offer_issuer"],
        "https://bolt12.org BOLT12 industries"
    );
    assert_eq!(get(10)["offer_quantity_max"], 5);
    assert_eq!(get(11)["offer_quantity_max"], 0);
    assert_eq!(get(13)["offer_features"], "08000000000000000000000000");
    let bob_path = get(14);
    assert_eq!(
        bob_path["offer_paths"][0]["first_node_id"],
        "0324653eac434488002cc06bbfb7f10fe18991e35f9fe4302dbea6d2353dc0ab1c"
    );
    assert_eq!(
        bob_path["offer_paths"][0]["first_path_key"],
        "02".repeat(33)
    );
    assert_eq!(
        bob_path["offer_paths"][0]["path"][0]["encrypted_recipient_data"],
        "00".repeat(16)
    );
    assert_eq!(
        bob_path["offer_paths"][0]["path"][1]["encrypted_recipient_data"],
        "11".repeat(8)
    );
    let scid = get(15);
    assert_eq!(scid["offer_paths"][0]["first_scid"], "0x0x42");
    assert_eq!(scid["offer_paths"][0]["first_scid_dir"], 0);
    assert!(scid["offer_paths"][0].get("first_node_id").is_none());
    assert!(get(16).get("offer_issuer_id").is_none());
    let two = get(17);
    assert_eq!(two["offer_paths"].as_array().unwrap().len(), 2);
    assert_eq!(two["offer_paths"][1]["first_scid"], "1x2x3");
    assert_eq!(two["offer_paths"][1]["first_scid_dir"], 1);
    assert_eq!(
        get(18)["unknown_offer_tlvs"],
        json!([{"type": 33, "length": 10, "value": hex::encode("helloworld")}])
    );
    assert_eq!(get(19)["unknown_offer_tlvs"][0]["type"], 1_000_000_033u64);
}

#[test]
fn invalid_offer_vectors_are_errors_naming_the_offer() {
    let cases = load("offers-test.json");
    let mut checked = 0;
    for case in cases.iter().filter(|c| c["valid"] == false) {
        let desc = case["description"].as_str().unwrap();
        let err = decode_json_at(case["bolt12"].as_str().unwrap(), None).expect_err(desc);
        assert!(
            matches!(err, DecodeJsonError::Invalid { kind: "offer", .. }),
            "{desc}: {err:?}"
        );
        let msg = err.to_string();
        assert!(msg.starts_with("invalid offer: "), "{desc}: {msg}");
        assert!(!msg.contains('\n'), "{desc}: one line");
        checked += 1;
    }
    assert_eq!(checked, 33);
    let missing =
        decode_json("lno1pqpzwyqkyypwa3eyt44h6txtxquqh7lz5djge4afgfjn7k4rgrkuag0jsd5xvxg")
            .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "invalid offer: offer_description: missing, but offer_amount is set"
    );
}

#[test]
fn signature_vector_invoice_request() {
    let case = load("signature-test.json")
        .into_iter()
        .find(|c| c["tlv"] == "invoice_request")
        .unwrap();
    let lnr = case["bolt12"].as_str().unwrap();
    let j = decode_json(lnr).unwrap();
    assert_eq!(j["type"], "bolt12 invoice_request");
    assert_eq!(j["valid"], true);
    assert_eq!(j["invreq_payer_id"], pubkey(0x42).to_string());
    assert_eq!(j["offer_issuer_id"], pubkey(0x41).to_string());
    assert_eq!(j["invreq_metadata"], "0000000000000000");
    assert_eq!(j["offer_currency"], "USD");
    assert_eq!(j["offer_amount"], 100);
    assert_eq!(j["currency_minor_unit"], 2);
    assert!(j.get("offer_amount_msat").is_none());
    assert_eq!(j["offer_description"], "A Mathematical Treatise");
    assert_eq!(j["signature"], case["signature"]);
    assert_eq!(j["signature"].as_str().unwrap().len(), 128);
    // offer_id: the hash of the offer fields alone, i.e. the id of the offer that holds
    // exactly those fields.
    let offer = OfferBuilder::new()
        .amount_currency("USD", 100)
        .description("A Mathematical Treatise")
        .issuer_id(pubkey(0x41))
        .build()
        .unwrap();
    assert_eq!(j["offer_id"], offer.id().to_string());
    assert!(j.get("unknown_invoice_request_tlvs").is_none());
}

fn hop(byte: u8, data: &[u8]) -> BlindedPathHop {
    BlindedPathHop {
        blinded_node_id: wire::Point::from(pubkey(byte)),
        encrypted_recipient_data: data.to_vec(),
    }
}

/// An offer with an unknown odd field (offers-test.json case 18, type 33), a request for
/// it (which copies that field) with a BIP 353 name, and an invoice for the request.
fn offer_request_invoice(created_at: u64) -> (Offer, bolt12::InvoiceRequest, bolt12::Invoice) {
    offer_request_invoice_with(created_at, false)
}

/// [`offer_request_invoice`], with two more fallbacks that BOLT 12 says to ignore (a 3-byte
/// version 0 program, a version 17) when `ignored_fallbacks`.
fn offer_request_invoice_with(
    created_at: u64,
    ignored_fallbacks: bool,
) -> (Offer, bolt12::InvoiceRequest, bolt12::Invoice) {
    let alice = keypair(0x41);
    let mut tlvs = Offer::from_str(load("offers-test.json")[18]["bolt12"].as_str().unwrap())
        .unwrap()
        .tlvs()
        .clone();
    tlvs.offer_issuer_id = Some(wire::Point::from(alice.public_key()));
    tlvs.offer_amount = Some(5000);
    tlvs.offer_quantity_max = Some(3);
    let offer = Offer::from_tlvs(&tlvs).unwrap();
    let bob = keypair(0x42);
    let request = InvoiceRequestBuilder::new(&offer, vec![7; 16], bob.public_key())
        .unwrap()
        .quantity(2)
        .amount_msat(12_000)
        .payer_note("for the fish")
        .bip_353_name("alice", "example.com")
        .build_and_sign(&bob, created_at)
        .unwrap();
    let path = BlindedPath {
        first_node_id: SciddirOrPubkey::Pubkey(wire::Point::from(pubkey(3))),
        first_path_key: wire::Point::from(pubkey(4)),
        path: vec![hop(5, &[0xaa; 4]), hop(6, &[0xbb; 2])],
    };
    let payinfo = BlindedPayinfo {
        fee_base_msat: 1000,
        fee_proportional_millionths: 250,
        cltv_expiry_delta: 144,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 1_000_000,
        features: vec![],
    };
    let invoice = InvoiceBuilder::for_request(
        &request,
        created_at,
        Sha256([0x99; 32]),
        vec![(path, payinfo)],
    )
    .unwrap()
    .relative_expiry(600)
    .fallbacks({
        let mut fallbacks = vec![
            // BIP 173's P2WPKH example and BIP 350's P2TR example.
            FallbackAddress {
                version: 0,
                address: hex::decode("751e76e8199196d454941c45d1b3a323f1433bd6").unwrap(),
            },
            FallbackAddress {
                version: 1,
                address: hex::decode(
                    "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
                )
                .unwrap(),
            },
        ];
        if ignored_fallbacks {
            // Version 0 needs 20 or 32 bytes: ignored, with a warning.
            fallbacks.push(FallbackAddress {
                version: 0,
                address: vec![1, 2, 3],
            });
            fallbacks.push(FallbackAddress {
                version: 17,
                address: vec![1, 2, 3, 4],
            });
        }
        fallbacks
    })
    .features(vec![0x02, 0x00, 0x00])
    .build_and_sign(&alice)
    .unwrap();
    (offer, request, invoice)
}

#[test]
fn invoice_request_built_with_builders() {
    let (offer, request, _) = offer_request_invoice(1_700_000_000);
    let j = decode_json_at(&request.to_string(), Some(1_700_000_000)).unwrap();
    assert_eq!(j, invoice_request_json_at(&request, Some(1_700_000_000)));
    assert_eq!(j["type"], "bolt12 invoice_request");
    assert_eq!(j["offer_id"], offer.id().to_string());
    assert_eq!(j["offer_amount_msat"], 5000);
    assert_eq!(j["offer_quantity_max"], 3);
    assert_eq!(j["invreq_metadata"], "07".repeat(16));
    assert_eq!(j["invreq_payer_id"], pubkey(0x42).to_string());
    assert_eq!(j["invreq_amount_msat"], 12_000);
    assert_eq!(j["invreq_quantity"], 2);
    assert_eq!(j["invreq_payer_note"], "for the fish");
    assert_eq!(
        j["invreq_bip_353_name"],
        json!({"name": "alice", "domain": "example.com"})
    );
    assert!(j.get("invreq_chain").is_none());
    assert_eq!(
        j["signature"],
        request.tlvs().signature.unwrap().to_string()
    );
    assert_eq!(
        j["unknown_invoice_request_tlvs"],
        json!([{"type": 33, "length": 10, "value": "68656c6c6f776f726c64"}])
    );
    assert_eq!(j["valid"], true);
}

#[test]
fn invoice_built_with_builders() {
    let created = 1_700_000_000;
    let (offer, request, invoice) = offer_request_invoice(created);
    let j = decode_json_at(&invoice.to_string(), Some(created + 10)).unwrap();
    assert_eq!(j, invoice_json_at(&invoice, Some(created + 10)));
    assert_eq!(j["type"], "bolt12 invoice");
    assert_eq!(j["valid"], true);
    assert_eq!(j["offer_id"], offer.id().to_string());
    assert_eq!(j["offer_issuer_id"], pubkey(0x41).to_string());
    assert_eq!(j["invreq_payer_id"], pubkey(0x42).to_string());
    assert_eq!(j["invreq_amount_msat"], 12_000);
    assert_eq!(j["invoice_created_at"], created);
    assert_eq!(j["invoice_relative_expiry"], 600);
    assert_eq!(j["invoice_payment_hash"], "99".repeat(32));
    assert_eq!(j["invoice_amount_msat"], 12_000);
    assert_eq!(j["invoice_features"], "020000");
    assert_eq!(j["invoice_node_id"], pubkey(0x41).to_string());
    assert_eq!(
        j["signature"],
        invoice.tlvs().signature.unwrap().to_string()
    );
    assert_ne!(
        j["signature"],
        request.tlvs().signature.unwrap().to_string()
    );
    assert_eq!(
        j["invoice_paths"],
        json!([{
            "first_node_id": pubkey(3).to_string(),
            "first_path_key": pubkey(4).to_string(),
            "payinfo": {
                "fee_base_msat": 1000,
                "fee_proportional_millionths": 250,
                "cltv_expiry_delta": 144,
                "htlc_minimum_msat": 1,
                "htlc_maximum_msat": 1_000_000,
                "features": "",
            },
            "path": [
                {"blinded_node_id": pubkey(5).to_string(), "encrypted_recipient_data": "aaaaaaaa"},
                {"blinded_node_id": pubkey(6).to_string(), "encrypted_recipient_data": "bbbb"},
            ],
        }])
    );
    let fallbacks = j["invoice_fallbacks"].as_array().unwrap();
    assert_eq!(fallbacks.len(), 2);
    assert_eq!(
        fallbacks[0],
        json!({
            "version": 0,
            "hex": "751e76e8199196d454941c45d1b3a323f1433bd6",
            "address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        })
    );
    assert_eq!(fallbacks[1]["version"], 1);
    assert_eq!(
        fallbacks[1]["address"],
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    );
    assert_eq!(j["unknown_invoice_tlvs"][0]["type"], 33);
    assert_eq!(j["unknown_invoice_tlvs"][0]["length"], 10);
    assert!(j.get("warning_invoice_expired").is_none());
}

/// Fallbacks BOLT 12 says to ignore: our reader accepts the invoice, Core Lightning's
/// `decode` names each with a warning and reports the invoice invalid
/// (`plugins/offers.c` `json_add_fallbacks`), so we refuse it with that object.
#[test]
fn ignored_fallbacks_are_valid_false_as_in_core_lightning() {
    let created = 1_700_000_000;
    let (_, _, invoice) = offer_request_invoice_with(created, true);
    let err = decode_json_at(&invoice.to_string(), Some(created + 10)).unwrap_err();
    let j = err.cln_json().expect("CLN prints an object");
    assert_eq!(j, invoice_json_at(&invoice, Some(created + 10)));
    assert_eq!(j["valid"], false);
    let fallbacks = j["invoice_fallbacks"].as_array().unwrap();
    assert_eq!(fallbacks.len(), 4);
    assert_eq!(
        fallbacks[2],
        json!({"version": 0, "hex": "010203",
               "warning_invalid_invoice_fallbacks_address": "invalid fallback address for this version"})
    );
    assert_eq!(
        fallbacks[3],
        json!({"version": 17, "hex": "01020304",
               "warning_invalid_invoice_fallbacks_version": "invoice fallback version > 16"})
    );
    assert_eq!(
        err.to_string(),
        "invalid invoice: warning_invalid_invoice_fallbacks_address: invalid fallback address \
         for this version (Core Lightning's decode reports it invalid)"
    );
}

#[test]
fn expired_invoice_is_valid_with_a_warning() {
    let created = 1_700_000_000;
    let (_, _, invoice) = offer_request_invoice(created);
    let s = invoice.to_string();
    // Expires at created + 600 (invoice_relative_expiry).
    assert!(decode_json_at(&s, Some(created + 600))
        .unwrap()
        .get("warning_invoice_expired")
        .is_none());
    let late = decode_json_at(&s, Some(created + 601)).unwrap();
    assert_eq!(late["valid"], true);
    assert!(late["warning_invoice_expired"]
        .as_str()
        .unwrap()
        .contains(&(created + 600).to_string()));
    // By the system clock it is long expired.
    assert!(decode_json(&s).unwrap()["warning_invoice_expired"].is_string());
}

#[test]
fn expired_offer_is_valid_with_a_warning() {
    let offer = OfferBuilder::new()
        .description("old")
        .issuer_id(pubkey(1))
        .absolute_expiry(1_000_000)
        .build()
        .unwrap();
    let s = offer.to_string();
    let before = decode_json_at(&s, Some(1_000_000)).unwrap();
    assert_eq!(before["valid"], true);
    assert!(before.get("warning_offer_expired").is_none());
    let after = decode_json_at(&s, Some(1_000_001)).unwrap();
    assert_eq!(after["valid"], true);
    assert_eq!(after["offer_absolute_expiry"], 1_000_000);
    assert!(after["warning_offer_expired"]
        .as_str()
        .unwrap()
        .contains("1000000"));
    assert_eq!(after, offer_json_at(&offer, Some(1_000_001)));
    // The system clock is past 1970-01-12.
    assert!(decode_json(&s).unwrap()["warning_offer_expired"].is_string());
    // No clock, no warning.
    assert!(decode_json_at(&s, None)
        .unwrap()
        .get("warning_offer_expired")
        .is_none());
}

#[test]
fn lightning_prefix_and_case() {
    let s = load("offers-test.json")[7]["bolt12"]
        .as_str()
        .unwrap()
        .to_owned();
    let plain = decode_json_at(&s, None).unwrap();
    for input in [
        format!("lightning:{s}"),
        format!("LIGHTNING:{}", s.to_uppercase()),
        format!("  {}\n", s.to_uppercase()),
    ] {
        assert_eq!(decode_json_at(&input, None).unwrap(), plain, "{input}");
    }
}

#[test]
fn undecodable_strings_are_errors() {
    let unknown = decode_json("lnb1qqqq").unwrap_err();
    assert_eq!(unknown, DecodeJsonError::UnknownPrefix("lnb".into()));
    assert!(unknown.to_string().contains("prefix 'lnb'"));
    assert!(matches!(
        decode_json(""),
        Err(DecodeJsonError::NotBolt12(_))
    ));
    assert!(matches!(
        decode_json("hello"),
        Err(DecodeJsonError::NotBolt12(_))
    ));
    let bad_char = decode_json("lno1qqqqb").unwrap_err();
    assert!(
        bad_char
            .to_string()
            .starts_with("invalid offer: invalid character 'b'"),
        "{bad_char}"
    );
    let truncated = decode_json("lnr1pg").unwrap_err();
    assert!(
        truncated
            .to_string()
            .starts_with("invalid invoice_request: "),
        "{truncated}"
    );
    let inv = decode_json("lni1pg").unwrap_err();
    assert!(inv.to_string().starts_with("invalid invoice: "), "{inv}");
}

#[test]
fn currency_minor_units() {
    use bolt12::json::currency_minor_unit;
    assert_eq!(currency_minor_unit("USD"), Some(2));
    assert_eq!(currency_minor_unit("EUR"), Some(2));
    assert_eq!(currency_minor_unit("JPY"), Some(0));
    assert_eq!(currency_minor_unit("KWD"), Some(3));
    assert_eq!(currency_minor_unit("CLF"), Some(4));
    assert_eq!(currency_minor_unit("XAU"), None);
    let offer = OfferBuilder::new()
        .description("zz")
        .amount_currency("ZZZ", 5)
        .issuer_id(pubkey(1))
        .build()
        .unwrap();
    let j = offer_json_at(&offer, None);
    assert_eq!(j["offer_currency"], "ZZZ");
    assert_eq!(j["offer_amount"], 5);
    assert!(j.get("currency_minor_unit").is_none());
    assert_eq!(j["warning_unknown_offer_currency"], "unknown currency code");
    assert_eq!(j["valid"], true);
}

/// The chain hashes are the genesis hashes in internal byte order: the usual display
/// reversed. Testnet matches offers-test.json case 2.
#[test]
fn known_chains() {
    let reversed = |display: &str| {
        let mut b = hex::decode(display).unwrap();
        b.reverse();
        hex::encode(b)
    };
    assert_eq!(
        TESTNET.to_string(),
        reversed("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943")
    );
    assert_eq!(
        TESTNET.to_string(),
        load("offers-test.json")[2]["fields"][0]["hex"]
    );
    assert_eq!(
        SIGNET.to_string(),
        reversed("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6")
    );
    assert_eq!(
        REGTEST.to_string(),
        reversed("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")
    );
    assert_eq!(
        ChainHash::BITCOIN.to_string(),
        reversed("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
    );
    assert_eq!(chain_by_name("testnet"), Some(TESTNET));
    assert_eq!(chain_by_name("mainnet"), None);
    assert_eq!(KNOWN_CHAINS.len(), 4);
}

/// `offer_id` is Core Lightning's (`common/bolt12.c` `calc_offer`): SHA-256 of the offer
/// records. The offer and its id were made by a Core Lightning v26.06.6 node (`offer`);
/// the Merkle root of the same offer would be 04b716d1....
#[test]
fn offer_id_is_core_lightnings() {
    let s = "lno1qgsqvgnwgcg35z6ee2h3yczraddm72xrfua9uve2rlrm9deu7xyfzrcgqgp7szsxvdhkven9v5tzzqlhqd4xzyt28yrpcjmgpmjzqerwu3mgmrpy7f6ttt692c5ydj9hvc";
    let offer = Offer::from_str(s).unwrap();
    let want = "8dd42e32b228ca3443fbafebec53bccd1184b145e424c4ac7fd883055804200c";
    assert_eq!(offer.id().to_string(), want);
    assert_eq!(decode_json_at(s, None).unwrap()["offer_id"], want);
    let root = bolt12::merkle::root(offer.as_bytes()).unwrap().unwrap();
    assert!(hex::encode(root).starts_with("04b716d1"));
}

/// Core Lightning v26.06.6's own `decode` answers, captured from real nodes by
/// `interop/tests/decode_differential.rs` (which checks the same live): for every string,
/// our answer is the same object (key order included), or the same `valid: false` object
/// carried by our error, or a refusal where the node answered with an RPC error.
#[test]
fn core_lightning_decode_answers() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cln-v26.06.6-decode.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 100);
    let text = |v: &Value| serde_json::to_string(v).unwrap();
    for case in cases {
        let (label, s) = (
            case["label"].as_str().unwrap(),
            case["string"].as_str().unwrap(),
        );
        // No clock: Core Lightning's decode does not look at it either (D1, D6).
        let ours = decode_json_at(s, None);
        match (&case["cln"]["object"], &ours) {
            (Value::Null, Err(e)) => assert!(e.cln_json().is_none(), "{label}: {e}"),
            (cln, Ok(o)) if cln["valid"] == true => assert_eq!(text(cln), text(o), "{label}"),
            (cln, Err(e)) if cln["valid"] == false => {
                assert_eq!(
                    Some(text(cln)),
                    e.cln_json().as_ref().map(text),
                    "{label}: {e}"
                )
            }
            (cln, ours) => panic!("{label}: CLN {cln} {}, ours {ours:?}", case["cln"]),
        }
    }
}
