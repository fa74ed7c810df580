//! The `bolt12` binary, run as a user would: arguments, stdin, stdout, stderr, exit code.
use std::process::Output;

use serde_json::Value;

mod common;
use common::{bolt12_with_input, ok_json};

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../bolt12/tests/data/offers-test.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    bolt12_with_input(args, stdin.unwrap_or("").as_bytes())
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn decode_vector_offer() {
    let v = vectors();
    // Case 17: description, two paths (the second via 1x2x3, direction 1), issuer id.
    let j = ok_json(&run(&["decode", v[17]["bolt12"].as_str().unwrap()], None));
    assert_eq!(j["type"], "bolt12 offer");
    assert_eq!(j["valid"], true);
    assert_eq!(j["offer_description"], "Test vectors");
    assert_eq!(
        j["offer_issuer_id"],
        "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619"
    );
    assert_eq!(j["offer_paths"].as_array().unwrap().len(), 2);
    assert_eq!(j["offer_paths"][1]["first_scid"], "1x2x3");
    assert_eq!(j["offer_paths"][1]["first_scid_dir"], 1);
    assert_eq!(j["offer_id"].as_str().unwrap().len(), 64);
    // Case 7: USD 100.00.
    let usd = ok_json(&run(&["decode", v[7]["bolt12"].as_str().unwrap()], None));
    assert_eq!(usd["offer_currency"], "USD");
    assert_eq!(usd["offer_amount"], 10000);
    assert_eq!(usd["currency_minor_unit"], 2);
}

#[test]
fn decode_from_stdin() {
    let v = vectors();
    let s = v[6]["bolt12"].as_str().unwrap();
    let from_arg = ok_json(&run(&["decode", s], None));
    assert_eq!(from_arg["offer_amount_msat"], 10000);
    let input = format!("lightning:{s}\n");
    assert_eq!(ok_json(&run(&["decode"], Some(&input))), from_arg);
    assert_eq!(ok_json(&run(&["decode", "-"], Some(&input))), from_arg);
    // A string split with '+' and a newline, as BOLT 12 allows.
    let split = format!("{}+\n  {}", &s[..20], &s[20..]);
    assert_eq!(ok_json(&run(&["decode"], Some(&split))), from_arg);
}

fn assert_one_line_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "exit code");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = stderr(out);
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{err:?} should contain {needle:?}");
}

#[test]
fn decode_invalid_strings() {
    let v = vectors();
    let find = |d: &str| {
        v.iter()
            .find(|c| c["description"].as_str().unwrap().contains(d))
            .unwrap()["bolt12"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_one_line_error(
        &run(&["decode", &find("Missing offer_description")], None),
        "error: invalid offer: offer_description: missing, but offer_amount is set",
    );
    assert_one_line_error(
        &run(&["decode", &find("unknown feature 122")], None),
        "offer_features: unknown required (even) feature bit 122",
    );
    assert_one_line_error(
        &run(&["decode", &find("fields out of order")], None),
        "invalid offer: offer: TLV type",
    );
    assert_one_line_error(
        &run(&["decode", &find("Bech32 padding")], None),
        "invalid offer: bech32 padding exceeds 4 bits",
    );
    assert_one_line_error(
        &run(&["decode", "lno1qqqqb"], None),
        "invalid character 'b'",
    );
    assert_one_line_error(&run(&["decode", "hello"], None), "unrecognized string");
    assert_one_line_error(&run(&["decode"], Some("  \n")), "empty input");
}

fn create(args: &[&str]) -> (String, Value) {
    let mut full = vec!["offer", "--json"];
    full.extend_from_slice(args);
    let out = run(&full, None);
    let j = ok_json(&out);
    let s = j["bolt12"].as_str().unwrap().to_owned();
    assert!(s.starts_with("lno1"));
    (s, j)
}

#[test]
fn offer_round_trip() {
    let key = "41".repeat(32);
    let (s, j) = create(&[
        "--description",
        "Fish sale!",
        "--amount-msat",
        "10000",
        "--issuer",
        "Fishmonger",
        "--quantity-max",
        "5",
        "--absolute-expiry",
        "4102444800",
        "--metadata",
        "c0ffee",
        "--issuer-key",
        &key,
    ]);
    // A given key is not echoed back.
    assert!(j.get("issuer_secret_key").is_none());
    let d = ok_json(&run(&["decode", &s], None));
    assert_eq!(j["decoded"], d);
    assert_eq!(j["offer_id"], d["offer_id"]);
    assert_eq!(d["type"], "bolt12 offer");
    assert_eq!(d["valid"], true);
    assert_eq!(d["offer_description"], "Fish sale!");
    assert_eq!(d["offer_amount_msat"], 10000);
    assert_eq!(d["offer_issuer"], "Fishmonger");
    assert_eq!(d["offer_quantity_max"], 5);
    assert_eq!(d["offer_absolute_expiry"], 4_102_444_800u64);
    assert_eq!(d["offer_metadata"], "c0ffee");
    // Public key of the secret 0x41..41 (Alice in the BOLT 12 signature vectors).
    assert_eq!(
        d["offer_issuer_id"],
        "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619"
    );
    assert!(d.get("offer_chains").is_none(), "bitcoin alone is implied");

    // Without --json: the bare string, identical for the same fields and key.
    let out = run(
        &[
            "offer",
            "--description",
            "Fish sale!",
            "--amount-msat",
            "10000",
            "--issuer",
            "Fishmonger",
            "--quantity-max",
            "5",
            "--absolute-expiry",
            "4102444800",
            "--metadata",
            "c0ffee",
            "--issuer-key",
            &key,
        ],
        None,
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), s);

    // Currency amounts.
    let (usd, _) = create(&[
        "--description",
        "book",
        "--amount",
        "100",
        "--currency",
        "USD",
    ]);
    let d = ok_json(&run(&["decode", &usd], None));
    assert_eq!(d["offer_currency"], "USD");
    assert_eq!(d["offer_amount"], 100);
    assert_eq!(d["currency_minor_unit"], 2);
}

#[test]
fn offer_generated_key_is_returned_and_flagged_secret() {
    let out = run(&["offer", "--json", "--description", "tip jar"], None);
    let j = ok_json(&out);
    let secret = j["issuer_secret_key"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert!(stderr(&out).contains("SECRET"));
    // Giving that key back reproduces the same offer.
    let again = run(
        &["offer", "--description", "tip jar", "--issuer-key", secret],
        None,
    );
    assert_eq!(
        String::from_utf8(again.stdout).unwrap().trim(),
        j["bolt12"].as_str().unwrap()
    );
    // The key can come from standard input instead of the command line.
    let piped = run(
        &["offer", "--description", "tip jar", "--issuer-key", "-"],
        Some(&format!("{secret}\n")),
    );
    assert_eq!(
        String::from_utf8(piped.stdout).unwrap().trim(),
        j["bolt12"].as_str().unwrap()
    );
    // Two generated keys differ.
    let (_, other) = create(&["--description", "tip jar"]);
    assert_ne!(other["issuer_secret_key"], j["issuer_secret_key"]);
}

#[test]
fn offer_chains() {
    let v = vectors();
    let testnet_vector = &v[2]["fields"][0]["hex"];
    let (s, _) = create(&["--description", "t", "--chain", "testnet"]);
    let d = ok_json(&run(&["decode", &s], None));
    assert_eq!(
        d["offer_chains"],
        Value::Array(vec![testnet_vector.clone()])
    );
    let (s, _) = create(&[
        "--description",
        "t",
        "--chain",
        "bitcoin",
        "--chain",
        "signet",
        "--chain",
        "regtest",
    ]);
    let d = ok_json(&run(&["decode", &s], None));
    assert_eq!(
        d["offer_chains"],
        serde_json::json!([
            "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000",
            "f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000",
            "06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f",
        ])
    );
    // A raw chain hash in wire order is taken as is.
    let raw = testnet_vector.as_str().unwrap();
    let (s, _) = create(&["--description", "t", "--chain", raw]);
    let d = ok_json(&run(&["decode", &s], None));
    assert_eq!(d["offer_chains"][0], raw);
}

#[test]
fn offer_errors() {
    // offer_amount needs offer_description (the reader rule the builder enforces).
    assert_one_line_error(
        &run(&["offer", "--amount-msat", "1000"], None),
        "offer_description: missing, but offer_amount is set",
    );
    assert_one_line_error(
        &run(
            &[
                "offer",
                "--description",
                "x",
                "--amount",
                "5",
                "--currency",
                "usd",
            ],
            None,
        ),
        "offer_currency",
    );
    assert_one_line_error(
        &run(
            &["offer", "--description", "x", "--issuer-key", "abcd"],
            None,
        ),
        "--issuer-key: not a valid secp256k1 secret key",
    );
    assert_one_line_error(
        &run(
            &[
                "offer",
                "--description",
                "x",
                "--issuer-key",
                &"00".repeat(32),
            ],
            None,
        ),
        "--issuer-key",
    );
    // Argument errors come from clap (exit status 2).
    let bad_chain = run(&["offer", "--chain", "mainnet"], None);
    assert_eq!(bad_chain.status.code(), Some(2));
    assert!(stderr(&bad_chain).contains("--chain"));
    let both = run(
        &[
            "offer",
            "--description",
            "x",
            "--amount-msat",
            "1",
            "--amount",
            "1",
            "--currency",
            "USD",
        ],
        None,
    );
    assert_eq!(both.status.code(), Some(2));
}

/// BOLT 12's format vectors join `+` continuations anywhere, the prefix included: `l+no1`
/// is an offer (Core Lightning's `decode` agrees).
#[test]
fn decode_joins_plus_inside_the_prefix() {
    let v = vectors();
    let s = v[17]["bolt12"].as_str().unwrap();
    let whole = ok_json(&run(&["decode", s], None));
    let split = format!("l+no{}", &s[3..]);
    assert_eq!(ok_json(&run(&["decode", &split], None)), whole);
    let split = format!("{}+ \n  {}", &s[..10], &s[10..]);
    assert_eq!(ok_json(&run(&["decode", &split], None)), whole);
}

/// A string Core Lightning's `decode` answers with a `valid: false` object (here an
/// invoice request whose signature is missing, then one whose signature is wrong): the
/// object on stdout, exactly as `bolt12::json` builds it with Core Lightning's warning,
/// our typed error on one stderr line, exit 1.
#[test]
fn decode_prints_core_lightnings_invalid_object() {
    use secp256k1::{Keypair, SecretKey, SECP256K1};
    let key = Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[0x21; 32]).unwrap());
    let offer = bolt12::OfferBuilder::new()
        .description("tea")
        .amount_msat(1000)
        .issuer_id(key.public_key())
        .build()
        .unwrap();
    let request = bolt12::InvoiceRequestBuilder::new(&offer, vec![1; 8], key.public_key())
        .unwrap()
        .build_and_sign(&key, 1_700_000_000)
        .unwrap();
    let mut unsigned = request.tlvs().clone();
    unsigned.signature = None;
    let s = bolt12::string::encode("lnr", &unsigned.encode().unwrap());
    let out = run(&["decode", &s], None);
    assert_eq!(out.status.code(), Some(1));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["valid"], false);
    assert_eq!(
        printed["warning_missing_invoice_request_signature"],
        "Missing signature"
    );
    assert_eq!(printed["offer_description"], "tea");
    assert!(printed.get("signature").is_none());
    assert_eq!(
        printed,
        bolt12::json::decode_json(&s)
            .unwrap_err()
            .cln_json()
            .unwrap()
    );
    let err = stderr(&out);
    assert_eq!(err, "error: invalid invoice_request: signature: missing\n");

    let mut bad = request.tlvs().clone();
    if let Some(sig) = bad.signature.as_mut() {
        sig.0[3] ^= 1;
    }
    let s = bolt12::string::encode("lnr", &bad.encode().unwrap());
    let out = run(&["decode", &s], None);
    assert_eq!(out.status.code(), Some(1));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        printed["warning_invalid_invoice_request_signature"],
        "Bad signature"
    );
    assert_eq!(printed["valid"], false);
    assert!(stderr(&out).starts_with("error: invalid invoice_request: signature: invalid"));
}
