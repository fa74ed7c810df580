//! `decode_json_text_at` (the JSON text the npm package hands to `JSON.parse`) against
//! `decode_json_at` (the `serde_json::Value` of the native API, which the Core Lightning
//! differential tests compare with CLN's real `decode`): on every string of the
//! repository's corpora, at three clocks (none, before and after every expiry), the text is
//! byte for byte the value's serialisation — same fields, values and key order — and the
//! errors are the same errors, Core Lightning's `valid: false` object included.
mod common_corpus;

use std::sync::atomic::{AtomicUsize, Ordering};

use bolt12::json::{
    decode_json_at, decode_json_text_at, first_invalidating_warning, invoice_json_at,
    invoice_request_json_at, offer_json_at, offer_json_text_at, DecodeJsonError,
};
use bolt12::{Invoice, InvoiceRequest, Offer, OfferBuilder, ParseError, SemanticError};
use secp256k1::{PublicKey, SecretKey, SECP256K1};
use serde_json::Value;

const CLOCKS: [Option<u64>; 3] = [None, Some(1_000_000_000), Some(u64::MAX)];

fn pubkey(byte: u8) -> PublicKey {
    PublicKey::from_secret_key(SECP256K1, &SecretKey::from_slice(&[byte; 32]).unwrap())
}

/// The text is the value's compact serialisation, and parses back to it.
fn assert_same(label: &str, s: &str, now: Option<u64>) -> bool {
    let tree = decode_json_at(s, now);
    let text = decode_json_text_at(s, now);
    match (&tree, &text) {
        (Ok(tree), Ok(text)) => {
            assert_eq!(*text, tree.to_string(), "{label}: {s} at {now:?}");
            if let Ok(offer) = s.parse::<Offer>() {
                assert_eq!(
                    offer_json_text_at(&offer, now),
                    offer_json_at(&offer, now).to_string()
                );
            }
            let parsed: Value = serde_json::from_str(text).expect("the text is JSON");
            assert_eq!(parsed.to_string(), *text, "{label}: {s}");
            true
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "{label}: {s} at {now:?}");
            // `Value`'s equality ignores key order; their serialisations do not.
            let order = |e: &bolt12::json::DecodeJsonError| e.cln_json().map(|v| v.to_string());
            assert_eq!(order(a), order(b), "{label}: {s} at {now:?}");
            if let Some(cln) = a.cln_json() {
                assert_cln_object(label, s, now, a, &cln);
            }
            false
        }
        _ => panic!("{label}: {s} at {now:?}: {tree:?} but {text:?}"),
    }
}

/// Core Lightning's `valid: false` object, written as text by `Text::cln`, is the `Value`
/// the field rules write, without our clock's two warnings at its top level, and the
/// error's warning is the first invalidating one in it.
fn assert_cln_object(label: &str, s: &str, now: Option<u64>, e: &DecodeJsonError, cln: &Value) {
    assert_eq!(
        e.cln_json_text(),
        Some(cln.to_string().as_str()),
        "{label}: the text is compact JSON in key order"
    );
    assert_eq!(cln["valid"], false, "{label}");
    for ours in ["warning_offer_expired", "warning_invoice_expired"] {
        assert!(cln.get(ours).is_none(), "{label}: {ours} in {cln}");
    }
    let written = if let Ok(o) = s.parse::<Offer>() {
        Some(offer_json_at(&o, now))
    } else if let Ok(r) = s.parse::<InvoiceRequest>() {
        Some(invoice_request_json_at(&r, now))
    } else if let Ok(i) = s.parse::<Invoice>() {
        Some(invoice_json_at(&i, now))
    } else {
        None
    };
    if let DecodeJsonError::Invalid {
        source: ParseError::Semantic(SemanticError::ClnInvalid { warning, message }),
        ..
    } = e
    {
        let mut written = written.expect("ClnInvalid: our reader accepts the string");
        if let Some(m) = written.as_object_mut() {
            m.shift_remove("warning_offer_expired");
            m.shift_remove("warning_invoice_expired");
        }
        assert_eq!(
            written.to_string(),
            cln.to_string(),
            "{label}: {s} at {now:?}"
        );
        assert_eq!(
            first_invalidating_warning(cln),
            Some((warning.clone(), message.clone())),
            "{label}"
        );
        CLN_INVALID.fetch_add(1, Ordering::Relaxed);
    }
}

static CLN_INVALID: AtomicUsize = AtomicUsize::new(0);

#[test]
fn text_is_the_value_on_every_corpus_string() {
    let strings = common_corpus::strings();
    assert!(strings.len() > 500, "{} strings", strings.len());
    let mut decoded = 0;
    for (label, s) in &strings {
        for now in CLOCKS {
            decoded += usize::from(assert_same(label, s, now));
        }
    }
    // Both outcomes are exercised, and the expiry warnings (before/after the clocks).
    assert!(decoded > 300, "{decoded} decoded");
    assert!(decoded < 3 * strings.len(), "every string decoded");
    // Strings our reader accepts and Core Lightning calls invalid are in the corpora.
    assert!(
        CLN_INVALID.load(Ordering::Relaxed) > 0,
        "no ClnInvalid string"
    );
}

#[test]
fn text_escapes_strings_as_serde_json_does() {
    // Quotes, backslashes, every control character, DEL, non-ASCII, U+2028/2029, a
    // 4-byte character: JSON string rules (RFC 8259 §7), as serde_json writes them.
    let mut description: String = (0u8..0x20).map(char::from).collect();
    description.push_str("\"\\/\u{7f}é\u{2028}\u{2029}😀 end");
    let offer = OfferBuilder::new()
        .description(description.clone())
        .issuer(format!("{description}{description}"))
        .amount_msat(u64::MAX)
        .quantity_max(0)
        .issuer_id(pubkey(0x41))
        .build()
        .unwrap();
    let s = offer.to_string();
    assert!(assert_same("escapes", &s, None));
    let text = decode_json_text_at(&s, None).unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["offer_description"], description.as_str());
    assert_eq!(parsed["offer_amount_msat"], u64::MAX);
    assert!(
        text.contains(r#""offer_description":"\u0000\u0001"#),
        "{text}"
    );
    assert!(text.contains(r#"\b\t\n\u000b\f\r"#), "{text}");
}
