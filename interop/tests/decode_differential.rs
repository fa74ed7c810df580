//! `bolt12 decode` against Core Lightning's `decode`, on a real node.
//!
//! A corpus of strings made by Core Lightning itself (`offer` with every option,
//! `invoicerequest`, `fetchinvoice` from a second node, recurring offers included) and,
//! from those, invalid strings made by our TLV writer (truncated, flipped bytes, bad or
//! missing signatures, missing required fields, recurrence faults). For every string the
//! node's `decode` answer and ours (`bolt12::json::decode_json`, which `bolt12 decode`
//! prints) must be the same JSON, key order included, or the same refusal:
//!
//! - node answers an object with `valid: true`: we answer `Ok` with the same object;
//! - node answers an object with `valid: false`: we refuse, carrying the same object
//!   (which `bolt12 decode` prints on stdout, our error on stderr, exit 1);
//! - node answers an RPC error: we refuse without an object.
//!
//! except the deliberate differences of `bolt12/DECODE-DIFFERENCES.md`, each checked here
//! to be exactly that difference. A sample also goes through the built `bolt12` binary.
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

mod common;

use bolt12::json::decode_json_at;
use bolt12::tlv::{InvoiceRequestTlvs, InvoiceTlvs, OfferTlvs, Recurrence};
use bolt12::{merkle, string};
use cln_interop::{Node, NodeOptions, RpcError};
use secp256k1::{Keypair, Secp256k1, SecretKey};
use serde_json::{json, Value};

/// What the node's `decode` said.
#[derive(Debug)]
enum Cln {
    Object(Value),
    Refused { code: i64, message: String },
}

fn cln_decode(node: &Node, s: &str) -> Cln {
    match node.rpc("decode", json!({ "string": s })) {
        Ok(v) => Cln::Object(v),
        Err(RpcError::Node { code, message, .. }) => Cln::Refused { code, message },
        Err(e) => panic!("decode rpc failed: {e}"),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// The deliberate differences (`bolt12/DECODE-DIFFERENCES.md`), by the label of the case
/// that shows each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deliberate {
    /// D1: an expired offer (or a request for one) carries our `warning_offer_expired`.
    OfferExpiredWarning,
    /// D6: an expired invoice carries our `warning_invoice_expired`.
    InvoiceExpiredWarning,
    /// D2: an empty `offer_paths` without `offer_issuer_id`: Core Lightning says valid, we
    /// refuse (nowhere to send the request).
    EmptyOfferPaths,
    /// D3: an invoice request breaking an offer/request rule that Core Lightning's
    /// `decode` does not check (it says `valid: true`); we refuse.
    InvreqRuleClnSkips,
    /// D5: an invoice breaking an invoice rule Core Lightning's `decode` does not check
    /// (`invoice_amount` equal to `invreq_amount`; a usable path): it says valid, we refuse.
    InvoiceRuleClnSkips,
    /// D4: a `+` continuation followed by a newline or tab: Core Lightning's `decode` reads
    /// the JSON text of its parameter, where that whitespace is still escaped (`\n`), and
    /// refuses it as invalid bech32; BOLT 12 allows any whitespace there, and we join it.
    EscapedWhitespace,
}

struct Case {
    label: String,
    s: String,
    deliberate: Option<Deliberate>,
}

#[derive(Default)]
struct Tally {
    same_valid: usize,
    same_invalid_object: usize,
    same_refusal: usize,
    deliberate: usize,
    failures: Vec<String>,
}

/// Serialized text: with serde_json's `preserve_order` (enabled by `bolt12`), equal text
/// means equal keys, values and key order.
fn text(v: &Value) -> String {
    serde_json::to_string(v).expect("serialize")
}

/// Every deliberate difference the differential test allows is listed in
/// `bolt12/DECODE-DIFFERENCES.md` under its number, and every listed one is allowed here.
#[test]
fn differences_file_lists_each_deliberate_difference() {
    let doc = include_str!("../../bolt12/DECODE-DIFFERENCES.md");
    // The tests that allow them: this one, and the payer proofs' (D7).
    let here = [
        include_str!("decode_differential.rs"),
        include_str!("payer_proof_cln.rs"),
    ]
    .concat();
    let headings: Vec<&str> = doc.lines().filter(|l| l.starts_with("## D")).collect();
    assert_eq!(headings.len(), 7, "{headings:?}");
    for (n, heading) in headings.iter().enumerate() {
        let tag = format!("D{}", n + 1);
        assert!(heading.starts_with(&format!("## {tag}:")), "{heading}");
        assert!(
            here.contains(&format!("// {tag}: ")),
            "{tag} is allowed by the test"
        );
    }
}

#[test]
fn json_objects_keep_key_order() {
    let v: Value = serde_json::from_str(r#"{"b": 1, "a": 2}"#).expect("json");
    assert_eq!(
        text(&v),
        r#"{"b":1,"a":2}"#,
        "serde_json preserve_order is on"
    );
}

fn check(node: &Node, case: &Case, tally: &mut Tally) {
    let cln = cln_decode(node, &case.s);
    let ours = decode_json_at(&case.s, Some(now()));
    let fail = |tally: &mut Tally, why: String| {
        tally.failures.push(format!(
            "{}: {why}\n  string: {}\n  cln: {cln:?}\n  ours: {ours:?}",
            case.label, case.s
        ))
    };
    match (case.deliberate, &cln, &ours) {
        (None, Cln::Object(c), Ok(o)) if c["valid"] == true => {
            if text(c) == text(o) {
                tally.same_valid += 1;
            } else {
                fail(tally, "different objects".into());
            }
        }
        (None, Cln::Object(c), Err(e)) if c["valid"] == false => match e.cln_json() {
            Some(o) if text(c) == text(&o) => tally.same_invalid_object += 1,
            _ => fail(tally, "valid:false object not carried".into()),
        },
        (None, Cln::Refused { code, message }, Err(e)) if e.cln_json().is_none() => {
            // JSON-RPC "invalid params", naming the parameter.
            if *code == -32602 && message.starts_with("string: ") {
                tally.same_refusal += 1;
                eprintln!("refused alike: {}: CLN '{message}', ours '{e}'", case.label);
            } else {
                fail(tally, format!("unexpected RPC error {code}"));
            }
        }
        (
            Some(d @ (Deliberate::OfferExpiredWarning | Deliberate::InvoiceExpiredWarning)),
            Cln::Object(c),
            Ok(o),
        ) => {
            // Ours is CLN's object plus our warning right after the field it is about.
            let (key, field) = if d == Deliberate::OfferExpiredWarning {
                ("warning_offer_expired", "offer_absolute_expiry")
            } else {
                ("warning_invoice_expired", "invoice_relative_expiry")
            };
            let mut stripped = o.clone();
            let warning = stripped.as_object_mut().and_then(|m| m.shift_remove(key));
            let keys: Vec<&String> = o
                .as_object()
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            let at = keys.iter().position(|k| *k == key);
            let after = at.and_then(|i| i.checked_sub(1)).map(|i| keys[i].as_str());
            if warning.is_some() && after == Some(field) && text(c) == text(&stripped) {
                tally.deliberate += 1;
            } else {
                fail(tally, "not exactly D1".into());
            }
        }
        (
            Some(
                Deliberate::EmptyOfferPaths
                | Deliberate::InvreqRuleClnSkips
                | Deliberate::InvoiceRuleClnSkips,
            ),
            Cln::Object(c),
            Err(e),
        ) if c["valid"] == true && e.cln_json().is_none() => tally.deliberate += 1,
        (Some(Deliberate::EscapedWhitespace), Cln::Refused { message, .. }, Ok(o))
            if message.contains("invalid bech32 string") && o["valid"] == true =>
        {
            tally.deliberate += 1
        }
        _ => fail(tally, "outcomes differ".into()),
    }
}

fn msat(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("string in {v}"))
}

fn offer_on(node: &Node, params: Value) -> String {
    let r = node
        .rpc("offer", params.clone())
        .unwrap_or_else(|e| panic!("offer {params}: {e}"));
    msat(&r["bolt12"]).to_owned()
}

fn keypair(byte: u8) -> Keypair {
    let secp = Secp256k1::new();
    Keypair::from_secret_key(&secp, &SecretKey::from_slice(&[byte; 32]).expect("key"))
}

/// Signs an invoice request's stream as `payer` (whose key it sets as
/// `invreq_payer_id`), so that a mutation is still correctly signed.
fn resign_request(mut t: InvoiceRequestTlvs, payer: &Keypair) -> String {
    t.invreq_payer_id = Some(bolt12::wire::Point::from(payer.public_key()));
    t.signature = None;
    let unsigned = t.encode().expect("encode");
    let root = merkle::root(&unsigned).expect("root").expect("records");
    t.signature = Some(merkle::sign("invoice_request", "signature", &root, payer));
    string::encode("lnr", &t.encode().expect("encode"))
}

/// Signs an invoice's stream as `node` (whose key it sets as `invoice_node_id`).
fn resign_invoice(mut t: InvoiceTlvs, node: &Keypair) -> String {
    t.invoice_node_id = Some(bolt12::wire::Point::from(node.public_key()));
    t.signature = None;
    let unsigned = t.encode().expect("encode");
    let root = merkle::root(&unsigned).expect("root").expect("records");
    t.signature = Some(merkle::sign("invoice", "signature", &root, node));
    string::encode("lni", &t.encode().expect("encode"))
}

fn bytes_of(s: &str) -> Vec<u8> {
    string::decode(s).expect("our string").1
}

/// A string with one byte of its TLV stream changed.
fn flip(s: &str, at: usize) -> String {
    let (hrp, mut b) = string::decode(s).expect("ours");
    let i = at % b.len();
    b[i] ^= 0x01;
    string::encode(&hrp, &b)
}

fn truncate(s: &str, by: usize) -> String {
    let (hrp, b) = string::decode(s).expect("ours");
    string::encode(&hrp, &b[..b.len().saturating_sub(by)])
}

/// Two nodes with the currency plugin, the first connected to the second. The harness
/// picks free loopback ports before lightningd binds them, so another process on the
/// machine can take one in between; then the connect fails and we start again (at most
/// three times).
fn connected_pair() -> Vec<Node> {
    let options = NodeOptions {
        currency: true,
        ..NodeOptions::default()
    };
    let mut last = String::new();
    for _ in 0..3 {
        let nodes = Node::start_many(2, &options).expect("nodes start");
        match nodes[0].connect(&nodes[1]) {
            Ok(()) => return nodes,
            Err(e) => last = format!("{e}\n{}", nodes[1].log_tail()),
        }
    }
    panic!("connect failed three times: {last}");
}

#[test]
fn decode_matches_core_lightning() {
    let nodes = connected_pair();
    let (payer, issuer) = (&nodes[0], &nodes[1]);
    let t = now();
    let mut cases: Vec<Case> = Vec::new();
    let mut add = |label: &str, s: String, deliberate: Option<Deliberate>| {
        cases.push(Case {
            label: label.to_owned(),
            s,
            deliberate,
        })
    };

    // Offers made by Core Lightning, with every option.
    let offers: Vec<(&str, Value)> = vec![
        (
            "msat",
            json!({"amount": "1000msat", "description": "coffee"}),
        ),
        ("sat", json!({"amount": "21sat", "description": "tea"})),
        ("btc", json!({"amount": "0.001btc", "description": "cake"})),
        ("usd", json!({"amount": "5.25USD", "description": "a book"})),
        ("jpy", json!({"amount": "700JPY", "description": "ramen"})),
        ("any", json!({"amount": "any", "description": "donation"})),
        (
            "issuer",
            json!({"amount": "1sat", "description": "x", "issuer": "Alice's shop"}),
        ),
        (
            "qmax0",
            json!({"amount": "1sat", "description": "unlimited", "quantity_max": 0}),
        ),
        (
            "qmax1",
            json!({"amount": "1sat", "description": "one", "quantity_max": 1}),
        ),
        (
            "qmax7",
            json!({"amount": "1sat", "description": "seven", "quantity_max": 7}),
        ),
        (
            "expiry-future",
            json!({"amount": "1sat", "description": "later", "absolute_expiry": t + 86_400}),
        ),
        (
            "single-use",
            json!({"amount": "1sat", "description": "once", "single_use": true}),
        ),
        (
            "recur-weeks",
            json!({"amount": "1sat", "description": "weekly", "recurrence": "1weeks"}),
        ),
        (
            "recur-seconds",
            json!({"amount": "1sat", "description": "s", "recurrence": "90seconds"}),
        ),
        (
            "recur-minutes",
            json!({"amount": "1sat", "description": "m", "recurrence": "5minutes"}),
        ),
        (
            "recur-hours",
            json!({"amount": "1sat", "description": "h", "recurrence": "2hours"}),
        ),
        (
            "recur-days",
            json!({"amount": "1sat", "description": "d", "recurrence": "3days"}),
        ),
        (
            "recur-months",
            json!({"amount": "1sat", "description": "mo", "recurrence": "1months"}),
        ),
        (
            "recur-base",
            json!({"amount": "1sat", "description": "b", "recurrence": "1days", "recurrence_base": t - 1000}),
        ),
        (
            "recur-base-prop",
            json!({"amount": "1sat", "description": "bp", "recurrence": "1months", "recurrence_base": t - 1000, "proportional_amount": true}),
        ),
        (
            "recur-paywindow",
            json!({"amount": "1sat", "description": "pw", "recurrence": "1days", "recurrence_paywindow": "-600+3600"}),
        ),
        (
            "recur-limit",
            json!({"amount": "1sat", "description": "l", "recurrence": "1weeks", "recurrence_limit": 12}),
        ),
        (
            "recur-optional",
            json!({"amount": "1sat", "description": "o", "recurrence": "1weeks", "optional_recurrence": true}),
        ),
        (
            "recur-all",
            json!({"amount": "2sat", "description": "all", "recurrence": "4weeks", "recurrence_base": t + 100, "recurrence_paywindow": "-604800+86400", "recurrence_limit": 3, "proportional_amount": true}),
        ),
        (
            "long",
            json!({"amount": "1sat", "description": "x".repeat(1000)}),
        ),
        (
            "utf8",
            json!({"amount": "1sat", "description": "café ☕ 日本語 🚀", "issuer": "Zoë"}),
        ),
        (
            "quotes",
            json!({"amount": "1sat", "description": "say \"hi\" \\ back/slash"}),
        ),
        (
            "control",
            json!({"amount": "1sat", "description": "tab\there\nnewline\r\u{7f}"}),
        ),
        ("no-amount-no-desc", json!({"amount": "any"})),
    ];
    let mut made = Vec::new();
    for (label, params) in &offers {
        match issuer.rpc("offer", params.clone()) {
            Ok(r) => {
                let s = msat(&r["bolt12"]).to_owned();
                // The offer RPC's own offer_id is the one decode prints.
                let ours = decode_json_at(&s, Some(t)).expect("a CLN offer decodes");
                assert_eq!(ours["offer_id"], r["offer_id"], "{label}: offer_id");
                made.push((label.to_string(), s.clone()));
                add(&format!("offer {label}"), s, None);
            }
            // Not every combination is accepted by `offer`; those that are must all pass.
            Err(e) => eprintln!("offer {label} refused by the node: {e}"),
        }
    }
    assert!(made.len() >= offers.len() - 3, "most offers made: {made:?}");
    let expired = offer_on(
        issuer,
        json!({"amount": "1sat", "description": "gone", "absolute_expiry": t - 86_400}),
    );
    add(
        "offer expiry-past",
        expired.clone(),
        Some(Deliberate::OfferExpiredWarning),
    );

    // Invoice requests made by Core Lightning (no offer), and our mutations of them.
    let mut requests = Vec::new();
    for (label, params) in [
        (
            "plain",
            json!({"amount": "1000msat", "description": "withdraw"}),
        ),
        (
            "issuer",
            json!({"amount": "5sat", "description": "atm", "issuer": "Bob"}),
        ),
        (
            "expiry",
            json!({"amount": "5sat", "description": "until", "absolute_expiry": t + 3600}),
        ),
        (
            "single-use",
            json!({"amount": "5sat", "description": "once", "single_use": true}),
        ),
        (
            "max-u64",
            json!({"amount": "18446744073709551615msat", "description": "all of it"}),
        ),
    ] {
        let r = payer
            .rpc("invoicerequest", params.clone())
            .unwrap_or_else(|e| panic!("invoicerequest {params}: {e}"));
        let s = msat(&r["bolt12"]).to_owned();
        requests.push(s.clone());
        add(&format!("invreq {label}"), s, None);
    }

    // Invoices: fetchinvoice from the payer for the issuer's offers.
    // Core Lightning rate-limits incoming onion messages per peer: a bucket of 4, refilled
    // one per 250 ms (connectd/connectd.h ONION_MSG_MSEC, ONION_MSG_TOKENS_MAX); the excess
    // is dropped with a warning. Each fetch sends one message each way, so fetches paced
    // 300 ms apart never drain it, and every one must succeed.
    let fetch = |params: Value| -> String {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut params = params;
        params["timeout"] = json!(20);
        match payer.rpc_timeout(
            "fetchinvoice",
            params.clone(),
            std::time::Duration::from_secs(30),
        ) {
            Ok(r) => msat(&r["invoice"]).to_owned(),
            Err(e) => panic!("fetchinvoice {params}: {e}"),
        }
    };
    let by_label = |l: &str| {
        made.iter()
            .find(|(m, _)| m == l)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("offer {l} made"))
    };
    let mut invoices = Vec::new();
    for (label, params) in [
        ("msat", json!({"offer": by_label("msat")})),
        ("usd", json!({"offer": by_label("usd")})),
        (
            "any",
            json!({"offer": by_label("any"), "amount_msat": "12345msat"}),
        ),
        (
            "note",
            json!({"offer": by_label("sat"), "payer_note": "for the \"fish\" ☕"}),
        ),
        (
            "quantity",
            json!({"offer": by_label("qmax7"), "quantity": 3}),
        ),
        (
            "quantity-unlimited",
            json!({"offer": by_label("qmax0"), "quantity": 1000}),
        ),
        (
            "bip353",
            json!({"offer": by_label("issuer"), "bip353": "alice@example.com"}),
        ),
        (
            "recur-weeks",
            json!({"offer": by_label("recur-weeks"), "recurrence_counter": 0, "recurrence_label": "w"}),
        ),
        (
            "recur-limit",
            json!({"offer": by_label("recur-limit"), "recurrence_counter": 0, "recurrence_label": "l"}),
        ),
        (
            "recur-optional",
            json!({"offer": by_label("recur-optional"), "recurrence_counter": 0, "recurrence_label": "o"}),
        ),
        (
            "recur-base",
            json!({"offer": by_label("recur-base"), "recurrence_counter": 0, "recurrence_start": 0, "recurrence_label": "b"}),
        ),
    ] {
        let s = fetch(params);
        invoices.push((label, s.clone()));
        add(&format!("invoice {label}"), s, None);
    }

    // An invoice Core Lightning sends for an invoice request without an offer: the payer's
    // `invoicerequest`, answered by the issuer's `sendinvoice`. The payer cannot pay it (no
    // channels) and says so at once, so `sendinvoice` fails, but its invoice stays in the
    // issuer's `listinvoices` (its relative expiry is `sendinvoice`'s timeout).
    std::thread::sleep(std::time::Duration::from_millis(300));
    let refund = payer
        .rpc(
            "invoicerequest",
            json!({"amount": "5000msat", "description": "refund for order 7"}),
        )
        .expect("invoicerequest");
    let refund = msat(&refund["bolt12"]).to_owned();
    add("invreq for a refund", refund.clone(), None);
    let _ = issuer.rpc_timeout(
        "sendinvoice",
        json!({"invreq": refund, "label": "refund-7", "timeout": 3600}),
        std::time::Duration::from_secs(30),
    );
    let listed = issuer
        .rpc("listinvoices", json!({"label": "refund-7"}))
        .expect("listinvoices");
    add(
        "invoice sendinvoice",
        msat(&listed["invoices"][0]["bolt12"]).to_owned(),
        None,
    );

    // Mutations (invalid strings), built with our TLV writer.
    let (offer_s, invreq_s) = (by_label("msat"), requests[0].clone());
    let (_, invoice_s) = invoices[0].clone();
    for by in [1, 5, 40] {
        add(
            &format!("offer truncated by {by}"),
            truncate(&offer_s, by),
            None,
        );
        add(
            &format!("invreq truncated by {by}"),
            truncate(&invreq_s, by),
            None,
        );
        add(
            &format!("invoice truncated by {by}"),
            truncate(&invoice_s, by),
            None,
        );
    }
    for at in [0, 3, 17, 60, 100, 150, 1000] {
        add(
            &format!("invreq byte {at} flipped"),
            flip(&invreq_s, at),
            None,
        );
        add(
            &format!("invoice byte {at} flipped"),
            flip(&invoice_s, at),
            None,
        );
    }
    let offer_t = OfferTlvs::decode(&bytes_of(&offer_s)).expect("offer");
    let mut o = offer_t.clone();
    o.offer_issuer_id = None;
    add(
        "offer without issuer_id or paths",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_description = None;
    add(
        "offer amount without description",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_amount = Some(0);
    add(
        "offer zero amount",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_paths = Some(vec![]);
    o.offer_issuer_id = None;
    add(
        "offer empty offer_paths",
        string::encode("lno", &o.encode().unwrap()),
        Some(Deliberate::EmptyOfferPaths),
    );
    let mut o = offer_t.clone();
    o.offer_recurrence_compulsory = Some(Recurrence {
        time_unit: 3,
        period: 1,
    });
    add(
        "offer recurrence time_unit 3",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_recurrence_compulsory = Some(Recurrence {
        time_unit: 1,
        period: 0,
    });
    add(
        "offer recurrence period 0",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_recurrence_limit = Some(5);
    add(
        "offer recurrence_limit without recurrence",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_recurrence_optional = Some(Recurrence {
        time_unit: 0,
        period: 60,
    });
    o.offer_recurrence_limit = Some(0);
    add(
        "offer recurrence_limit 0",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_currency = Some("XXY".into());
    add(
        "offer unknown currency",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_chains = Some(vec![]);
    add(
        "offer empty chains",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.offer_features = Some(vec![0x01, 0x00]);
    add(
        "offer unknown even feature",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.unknown.push(bolt12::wire::UnknownRecord {
        tlv_type: 81,
        value: vec![1],
    });
    add(
        "offer odd field out of range",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    let mut o = offer_t.clone();
    o.unknown.push(bolt12::wire::UnknownRecord {
        tlv_type: 1_000_000_001,
        value: vec![1, 2],
    });
    add(
        "offer unknown odd experimental field",
        string::encode("lno", &o.encode().unwrap()),
        None,
    );
    add(
        "offer l+no prefix split",
        format!("l+no{}", &offer_s[3..]),
        None,
    );
    add(
        "offer split with spaces",
        format!("{}+  {}", &offer_s[..20], &offer_s[20..]),
        None,
    );
    add(
        "offer split with a newline",
        format!("{}+\n{}", &offer_s[..20], &offer_s[20..]),
        Some(Deliberate::EscapedWhitespace),
    );
    add("offer uppercase", offer_s.to_ascii_uppercase(), None);
    add(
        "offer lightning: prefix",
        format!("lightning:{offer_s}"),
        None,
    );
    add(
        "offer mixed case",
        format!("{}{}", &offer_s[..10], offer_s[10..].to_ascii_uppercase()),
        None,
    );

    let req_t = InvoiceRequestTlvs::decode(&bytes_of(&invreq_s)).expect("invreq");
    let me = keypair(0x33);
    let mut r = req_t.clone();
    r.signature = None;
    add(
        "invreq without signature",
        string::encode("lnr", &r.encode().unwrap()),
        None,
    );
    let mut r = req_t.clone();
    if let Some(sig) = r.signature.as_mut() {
        sig.0[5] ^= 0x80;
    }
    add(
        "invreq bad signature",
        string::encode("lnr", &r.encode().unwrap()),
        None,
    );
    // valid:false objects carry no warning of ours (an expired offer's, here).
    let mut r = req_t.clone();
    r.offer_absolute_expiry = Some(t - 100);
    r.signature = None;
    add(
        "invreq for an expired offer, without signature",
        string::encode("lnr", &r.encode().unwrap()),
        None,
    );
    let mut r = req_t.clone();
    r.invreq_metadata = None;
    add(
        "invreq without metadata (resigned)",
        resign_request(r.clone(), &me),
        None,
    );
    add(
        "invreq without metadata (old signature)",
        string::encode("lnr", &r.encode().unwrap()),
        None,
    );
    let mut r = req_t.clone();
    r.invreq_payer_id = None;
    add(
        "invreq without payer_id",
        string::encode("lnr", &r.encode().unwrap()),
        None,
    );
    let mut r = req_t.clone();
    r.offer_description = None;
    add(
        "invreq without offer_description",
        resign_request(r, &me),
        None,
    );
    let mut r = req_t.clone();
    r.invreq_bip_353_name = Some(bolt12::tlv::InvreqBip353Name {
        name: b"al ice".to_vec(),
        domain: b"ex/ample".to_vec(),
    });
    add("invreq bad bip353 name", resign_request(r, &me), None);
    let mut r = req_t.clone();
    r.invreq_recurrence_cancel = Some(bolt12::tlv::InvreqRecurrenceCancel {});
    add(
        "invreq cancel without counter",
        resign_request(r.clone(), &me),
        None,
    );
    r.invreq_recurrence_counter = Some(0);
    add(
        "invreq cancel with counter 0",
        resign_request(r.clone(), &me),
        None,
    );
    r.invreq_recurrence_counter = Some(2);
    r.invreq_recurrence_start = Some(1);
    add(
        "invreq cancel with counter 2 (no offer)",
        resign_request(r, &me),
        None,
    );
    let mut r = req_t.clone();
    r.invreq_features = Some(vec![0x01]);
    add("invreq unknown even feature", resign_request(r, &me), None);
    let mut r = req_t.clone();
    r.unknown.push(bolt12::wire::UnknownRecord {
        tlv_type: 161,
        value: vec![],
    });
    add(
        "invreq odd field out of range",
        resign_request(r, &me),
        None,
    );
    let mut r = req_t.clone();
    r.invreq_amount = None;
    add(
        "invreq without amount (no offer)",
        resign_request(r, &me),
        Some(Deliberate::InvreqRuleClnSkips),
    );
    let mut r = req_t.clone();
    r.offer_amount = Some(0);
    add(
        "invreq zero offer_amount (no offer)",
        resign_request(r, &me),
        None,
    );
    let mut r = req_t.clone();
    r.offer_amount = Some(1000);
    r.offer_description = None;
    add(
        "invreq offer_amount without description",
        resign_request(r, &me),
        None,
    );

    // Requests we build for Core Lightning's offers, and mutations of them.
    let qmax7: bolt12::Offer = by_label("qmax7").parse().expect("offer");
    let ours = bolt12::InvoiceRequestBuilder::new(&qmax7, vec![9; 16], me.public_key())
        .expect("builder")
        .chain(bolt12::json::REGTEST)
        .quantity(3)
        .payer_note("three please")
        .build_and_sign(&me, t)
        .expect("request");
    add("our invreq for a CLN offer", ours.to_string(), None);
    // Requests for the node's recurring offers, with the recurrence fields a payer sets.
    for (label, offer, counter, start, cancel) in [
        ("recur-weeks", "recur-weeks", 0, None, false),
        ("recur-base start 3", "recur-base", 0, Some(3), false),
        ("recur-limit counter 2", "recur-limit", 2, None, false),
        ("recur-weeks cancel at 1", "recur-weeks", 1, None, true),
        ("recur-all", "recur-all", 0, Some(0), false),
    ] {
        let offer: bolt12::Offer = by_label(offer).parse().expect("offer");
        let base = bolt12::InvoiceRequestBuilder::new(&offer, vec![8; 16], me.public_key())
            .expect("builder")
            .chain(bolt12::json::REGTEST)
            .build_and_sign(&me, t)
            .expect("request");
        let mut r = base.tlvs().clone();
        r.invreq_recurrence_counter = Some(counter);
        r.invreq_recurrence_start = start;
        r.invreq_recurrence_cancel = cancel.then_some(bolt12::tlv::InvreqRecurrenceCancel {});
        add(&format!("invreq {label}"), resign_request(r, &me), None);
    }
    let mut r = ours.tlvs().clone();
    r.invreq_quantity = None;
    add(
        "invreq missing quantity",
        resign_request(r, &me),
        Some(Deliberate::InvreqRuleClnSkips),
    );
    let mut r = ours.tlvs().clone();
    r.invreq_quantity = Some(8);
    add(
        "invreq quantity above max",
        resign_request(r, &me),
        Some(Deliberate::InvreqRuleClnSkips),
    );
    let mut r = ours.tlvs().clone();
    r.invreq_amount = Some(1);
    add(
        "invreq amount below expected",
        resign_request(r, &me),
        Some(Deliberate::InvreqRuleClnSkips),
    );
    let mut r = ours.tlvs().clone();
    r.invreq_chain = Some(bolt12::wire::ChainHash::BITCOIN);
    add(
        "invreq chain not in offer",
        resign_request(r, &me),
        Some(Deliberate::InvreqRuleClnSkips),
    );
    let mut r = ours.tlvs().clone();
    r.offer_description = None;
    add(
        "invreq for offer without description",
        resign_request(r, &me),
        None,
    );

    let inv_t = InvoiceTlvs::decode(&bytes_of(&invoice_s)).expect("invoice");
    for (label, f) in [
        (
            "invoice without signature",
            (|t: &mut InvoiceTlvs| t.signature = None) as fn(&mut InvoiceTlvs),
        ),
        ("invoice without node_id", |t| t.invoice_node_id = None),
        ("invoice without amount", |t| t.invoice_amount = None),
        ("invoice without created_at", |t| {
            t.invoice_created_at = None
        }),
        ("invoice without payment_hash", |t| {
            t.invoice_payment_hash = None
        }),
        ("invoice without paths", |t| t.invoice_paths = None),
        ("invoice without blindedpay", |t| {
            t.invoice_blindedpay = None
        }),
        ("invoice without metadata", |t| t.invreq_metadata = None),
        ("invoice bad signature", |t| {
            if let Some(sig) = t.signature.as_mut() {
                sig.0[0] ^= 1;
            }
        }),
    ] {
        let mut t = inv_t.clone();
        f(&mut t);
        add(label, string::encode("lni", &t.encode().unwrap()), None);
    }
    add("empty string", String::new(), None);
    add("unknown prefix", "lnx1qqqq".into(), None);
    add("not bech32", "lno1bbbbbbb".into(), None);

    // Invoices re-signed by a key of ours (we do not have the issuer's), so that what
    // Core Lightning's decode checks after the signature is reached.
    let signer = keypair(0x44);
    let recurring = invoices
        .iter()
        .find(|(l, _)| *l == "recur-weeks")
        .map(|(_, s)| InvoiceTlvs::decode(&bytes_of(s)).expect("invoice"));
    let mut invoice_cases: Vec<(&str, InvoiceTlvs, Option<Deliberate>)> = Vec::new();
    invoice_cases.push(("invoice re-signed", inv_t.clone(), None));
    let mut i = inv_t.clone();
    i.invoice_relative_expiry = None;
    invoice_cases.push(("invoice without relative_expiry", i, None));
    let mut i = inv_t.clone();
    i.invreq_metadata = None;
    invoice_cases.push(("invoice without invreq_metadata", i, None));
    let mut i = inv_t.clone();
    i.offer_description = None;
    invoice_cases.push(("invoice offer_amount without description", i, None));
    let mut i = inv_t.clone();
    i.invreq_bip_353_name = Some(bolt12::tlv::InvreqBip353Name {
        name: b"b@d".to_vec(),
        domain: b"example.com".to_vec(),
    });
    invoice_cases.push(("invoice bad bip353 name", i, None));
    for (label, version, address) in [
        ("invoice fallback v0 p2wpkh", 0u8, vec![0x75; 20]),
        ("invoice fallback v1 taproot", 1, vec![0x79; 32]),
        ("invoice fallback version 17", 17, vec![1, 2, 3, 4]),
        ("invoice fallback 1 byte", 0, vec![1]),
        ("invoice fallback v0 3 bytes", 0, vec![1, 2, 3]),
    ] {
        let mut i = inv_t.clone();
        i.invoice_fallbacks = Some(vec![bolt12::tlv::FallbackAddress { version, address }]);
        invoice_cases.push((label, i, None));
    }
    let mut i = inv_t.clone();
    i.invoice_amount = None;
    invoice_cases.push(("invoice without amount (re-signed)", i, None));
    let mut i = inv_t.clone();
    i.invoice_created_at = None;
    invoice_cases.push(("invoice without created_at (re-signed)", i, None));
    let mut i = inv_t.clone();
    i.invoice_blindedpay = Some(vec![]);
    invoice_cases.push(("invoice with no payinfo (re-signed)", i, None));
    let mut i = inv_t.clone();
    i.invoice_features = Some(vec![0x01, 0x00, 0x00, 0x00]);
    invoice_cases.push(("invoice unknown even feature", i, None));
    let mut i = inv_t.clone();
    i.unknown.push(bolt12::wire::UnknownRecord {
        tlv_type: 201,
        value: vec![7; 3],
    });
    invoice_cases.push(("invoice unknown odd field", i, None));
    let mut i = inv_t.clone();
    i.invoice_amount = i.invoice_amount.map(|a| a + 1);
    i.invreq_amount = i.invoice_amount.map(|a| a - 1);
    invoice_cases.push((
        "invoice amount differs from invreq_amount",
        i,
        Some(Deliberate::InvoiceRuleClnSkips),
    ));
    let mut i = inv_t.clone();
    if let Some(p) = i.invoice_blindedpay.as_mut() {
        p.iter_mut().for_each(|p| p.features = vec![0x01]);
    }
    invoice_cases.push((
        "invoice every payinfo with unknown even features",
        i,
        Some(Deliberate::InvoiceRuleClnSkips),
    ));
    let mut i = inv_t.clone();
    i.invoice_created_at = Some(1_600_000_000);
    invoice_cases.push((
        "invoice expired",
        i,
        Some(Deliberate::InvoiceExpiredWarning),
    ));
    if let Some(r) = recurring {
        invoice_cases.push(("recurring invoice re-signed", r.clone(), None));
        let mut i = r;
        i.invoice_recurrence_basetime = None;
        invoice_cases.push(("recurring invoice without basetime", i, None));
    }
    for (label, t, deliberate) in invoice_cases {
        add(label, resign_invoice(t, &signer), deliberate);
    }

    // The built `bolt12` binary prints the same: stdout is Core Lightning's object (or
    // nothing when the node refuses with an RPC error), stderr one `error:` line and exit
    // status 1 for everything not valid.
    let bin = common::cli_path();
    for label in [
        "offer msat",
        "offer recur-all",
        "offer utf8",
        "offer l+no prefix split",
        "invoice recur-weeks",
        "invreq max-u64",
        "invreq bad signature",
        "invoice fallback version 17",
        "offer zero amount",
        "invoice bad signature",
    ] {
        let case = cases
            .iter()
            .find(|c| c.label == label)
            .unwrap_or_else(|| panic!("case {label}"));
        let out = Command::new(&bin)
            .args(["decode", &case.s])
            .output()
            .expect("run bolt12");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match cln_decode(payer, &case.s) {
            Cln::Object(c) => {
                let printed: Value = serde_json::from_str(&stdout)
                    .unwrap_or_else(|e| panic!("{label}: stdout is JSON ({e}): {stdout}"));
                assert_eq!(
                    text(&printed),
                    text(&c),
                    "{label}: bolt12 decode prints CLN's object"
                );
                if c["valid"] == true {
                    assert!(
                        out.status.success() && stderr.is_empty(),
                        "{label}: {stderr}"
                    );
                } else {
                    assert_eq!(out.status.code(), Some(1), "{label}");
                    assert!(
                        stderr.starts_with("error: invalid ") && stderr.lines().count() == 1,
                        "{label}: {stderr}"
                    );
                }
            }
            Cln::Refused { .. } => {
                assert!(stdout.is_empty(), "{label}: nothing on stdout: {stdout}");
                assert_eq!(out.status.code(), Some(1), "{label}");
                assert!(
                    stderr.starts_with("error: invalid ") && stderr.lines().count() == 1,
                    "{label}: {stderr}"
                );
            }
        }
    }

    let mut tally = Tally::default();
    for case in &cases {
        check(payer, case, &mut tally);
    }
    // `DECODE_CAPTURE=<file>`: write every string with the node's answer (for offline
    // fixtures such as bolt12/tests/data/cln-v26.06.6-decode.json).
    if let Some(path) = std::env::var_os("DECODE_CAPTURE") {
        let all: Vec<Value> = cases
            .iter()
            .map(|c| {
                let answer = match cln_decode(payer, &c.s) {
                    Cln::Object(v) => json!({ "object": v }),
                    Cln::Refused { code, message } => {
                        json!({ "error": { "code": code, "message": message } })
                    }
                };
                json!({ "label": c.label, "string": c.s, "cln": answer })
            })
            .collect();
        std::fs::write(&path, serde_json::to_string_pretty(&all).expect("json"))
            .expect("write capture");
    }
    eprintln!(
        "{} strings: {} valid alike, {} valid:false alike, {} refused alike, {} deliberate",
        cases.len(),
        tally.same_valid,
        tally.same_invalid_object,
        tally.same_refusal,
        tally.deliberate
    );
    assert!(
        tally.failures.is_empty(),
        "{} differences:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    assert!(tally.same_valid >= 40 && tally.same_invalid_object >= 5 && tally.same_refusal >= 10);
}

/// Our responder's transport, recording every `invoice_request` that arrives for us: the
/// exact requests Core Lightning's `fetchinvoice` sends (it has no command that shows them).
struct Tap {
    inner: messenger::OnionPeer,
    secret: SecretKey,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl messenger::OnionTransport for Tap {
    fn peer_id(&self) -> secp256k1::PublicKey {
        self.inner.peer_id()
    }
    fn node_key(&self) -> &messenger::NodeKey {
        self.inner.node_key()
    }
    async fn send_onion_message(
        &mut self,
        msg: &onion::tlv::OnionMessage,
    ) -> Result<(), messenger::TransportError> {
        self.inner.send_onion_message(msg).await
    }
    async fn recv_onion_message(&mut self) -> Result<Vec<u8>, messenger::TransportError> {
        let bytes = self.inner.recv_onion_message().await?;
        if let Ok(onion::message::Peeled::Receive(r)) =
            onion::message::peel_onion_message_bytes(&self.secret, &bytes)
        {
            if let Some(onion::message::Payload::InvoiceRequest(t)) = r.payload {
                let lnr = string::encode("lnr", &t.encode().expect("re-encode"));
                self.seen.lock().expect("lock").push(lnr);
            }
        }
        Ok(bytes)
    }
}

/// The invoice requests Core Lightning's `fetchinvoice` sends (captured where they arrive:
/// at our responder, the issuer of the offers) decode alike, and so do our invoices for them.
#[test]
fn fetchinvoice_requests_decode_alike() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let rt = common::runtime();
    let secret_bytes = *messenger::keys::random_bytes::<32>().expect("random");
    let secret = SecretKey::from_slice(&secret_bytes).expect("secret");
    let key = messenger::NodeKey::from_bytes(&secret_bytes).expect("key");
    let material = *messenger::keys::random_bytes::<32>().expect("random");
    let (responder, listener, port) = common::responder_listener(&rt, key.clone(), &material);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (served, tap_seen) = (responder.clone(), seen.clone());
    rt.spawn(async move {
        while let Ok(conn) = listener.accept(lnsocket::Config::default()).await {
            let mut tap = Tap {
                inner: messenger::OnionPeer::accepted(conn, key.clone()),
                secret,
                seen: tap_seen.clone(),
            };
            let responder = served.clone();
            tokio::spawn(async move { responder.serve(&mut tap).await });
        }
    });
    let regtest = bolt12::json::chain_by_name("regtest").expect("regtest");
    let offer = |b: bolt12::OfferBuilder| {
        responder
            .create_offer(b.chains(vec![regtest]))
            .expect("offer")
            .to_string()
    };
    let fixed = offer(
        bolt12::OfferBuilder::new()
            .description("fixed")
            .amount_msat(5000),
    );
    let any = offer(bolt12::OfferBuilder::new().description("any amount"));
    let many = offer(
        bolt12::OfferBuilder::new()
            .description("up to nine")
            .amount_msat(1000)
            .quantity_max(9),
    );
    node.rpc(
        "connect",
        json!({ "id": format!("{}@127.0.0.1:{port}", responder.node_id()) }),
    )
    .expect("the node connects to our responder");
    let fetches = [
        json!({"offer": fixed}),
        json!({"offer": fixed, "payer_note": "thanks, \"Zoë\" ☕"}),
        json!({"offer": any, "amount_msat": 12345}),
        json!({"offer": many, "quantity": 4}),
        json!({"offer": fixed, "bip353": "alice@example.com"}),
    ];
    let mut cases = Vec::new();
    for (i, params) in fetches.iter().enumerate() {
        // Paced to Core Lightning's onion-message rate (see decode_matches_core_lightning).
        std::thread::sleep(std::time::Duration::from_millis(300));
        let got = node
            .rpc_timeout(
                "fetchinvoice",
                params.clone(),
                std::time::Duration::from_secs(30),
            )
            .unwrap_or_else(|e| panic!("fetchinvoice {params}: {e}\n{}", node.log_tail()));
        cases.push(Case {
            label: format!("invoice from our responder for fetch {i}"),
            s: msat(&got["invoice"]).to_owned(),
            deliberate: None,
        });
    }
    let requests = seen.lock().expect("lock").clone();
    assert_eq!(
        requests.len(),
        fetches.len(),
        "one request captured per fetch"
    );
    // They are what the fetches asked for.
    let decoded: Vec<Value> = requests
        .iter()
        .map(|s| decode_json_at(s, Some(now())).expect("ours decodes it"))
        .collect();
    // Core Lightning writes the note's JSON text, escapes and all: `fetchinvoice` reads it
    // with `param_string` (plugins/fetchinvoice.c), which does not unescape.
    assert_eq!(decoded[1]["invreq_payer_note"], r#"thanks, \"Zoë\" ☕"#);
    assert_eq!(decoded[2]["invreq_amount_msat"], 12345);
    assert_eq!(decoded[3]["invreq_quantity"], 4);
    assert_eq!(decoded[4]["invreq_bip_353_name"]["domain"], "example.com");
    assert!(decoded.iter().all(|d| d["invreq_payer_id"].is_string()));
    for (i, s) in requests.into_iter().enumerate() {
        cases.push(Case {
            label: format!("request fetchinvoice sent, fetch {i}"),
            s,
            deliberate: None,
        });
    }
    let mut tally = Tally::default();
    for case in &cases {
        check(&node, case, &mut tally);
    }
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert_eq!(tally.same_valid, cases.len(), "every one valid and alike");
}
