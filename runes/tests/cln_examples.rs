//! The examples in Core Lightning's manual pages (createrune, showrunes,
//! decode, checkrune), checked against this implementation.

use runes::{decode_rune, showrune_json, Restriction, Rune};
use serde_json::{json, Value};

const RUNE0: &str = "7cKJyALVY0_LLVV-AB9oetXjipOdyt0EhOuYrSS42fM9MA==";
const RUNE0_READONLY: &str = "0VIVf0M4jMlGNIwNM3sTpBextINe4_VBGZnBMM82kR49MCZtZXRob2RebGlzdHxtZXRob2ReZ2V0fG1ldGhvZD1zdW1tYXJ5Jm1ldGhvZC9saXN0ZGF0YXN0b3Jl";
const RUNE4: &str = "zdBiT-O_Qs5EF2TtHqOUXn53aAB-CHEU28pWli3Odl89NCZpZD0wMzgxOTRiNWYzMmJkZjBhYTU5ODEyYzg2YzRlZjdhZDJmMjk0MTA0ZmEwMjdkMWFjZTliNDY5YmI2Zjg4Y2YzN2ImbWV0aG9kPWxpc3RwZWVycyZwbnVtPTEmcG5hbWVpZF4wMzgxOTRiNWYzMmJkZjBhYTU5OHxwYXJyMF4wMzgxOTRiNWYzMmJkZjBhYTU5OA==";
const RUNE4_TIME_RATE: &str = "SJRoKdlcLf0LQZehLSzrU4nU2-Gr1xecky2aMt6OWzo9NCZpZD0wMzgxOTRiNWYzMmJkZjBhYTU5ODEyYzg2YzRlZjdhZDJmMjk0MTA0ZmEwMjdkMWFjZTliNDY5YmI2Zjg4Y2YzN2ImbWV0aG9kPWxpc3RwZWVycyZwbnVtPTEmcG5hbWVpZF4wMzgxOTRiNWYzMmJkZjBhYTU5OHxwYXJyMF4wMzgxOTRiNWYzMmJkZjBhYTU5OCZ0aW1lPCIkKCgkKGRhdGUgKyVzKSArIDI0KjYwKjYwKSkifHJhdGU9Mg==";

/// createrune Example 2: `readonly` appended without the node's secret.
#[test]
fn createrune_readonly_attenuation() {
    let mut r = Rune::from_base64(RUNE0).unwrap();
    for restr in Restriction::readonly() {
        r.add_restriction(restr);
    }
    assert_eq!(r.to_base64(), RUNE0_READONLY);
    assert_eq!(r.unique_id().unwrap().id(), "0");
    assert!(r
        .is_derived_from(&Rune::from_base64(RUNE0).unwrap(), true)
        .is_ok());
}

/// createrune Example 3: the same restrictions spelled as JSON arrays.
#[test]
fn createrune_manual_readonly() {
    let r = Rune::from_base64(RUNE0)
        .unwrap()
        .with_restriction(
            Restriction::from_unescaped(&["method^list", "method^get", "method=summary"]).unwrap(),
        )
        .with_restriction(Restriction::from_unescaped(&["method/listdatastore"]).unwrap());
    assert_eq!(r.to_base64(), RUNE0_READONLY);
}

/// createrune Example 8: appending `time<...|rate=2` to rune 4.
#[test]
fn createrune_time_and_rate() {
    let alts: Vec<String> =
        serde_json::from_str(r#"["time<\"$(($(date +%s) + 24*60*60))\"", "rate=2"]"#).unwrap();
    let r = Rune::from_base64(RUNE4)
        .unwrap()
        .with_restriction(Restriction::from_unescaped(&alts).unwrap());
    assert_eq!(r.to_base64(), RUNE4_TIME_RATE);
    let original = Rune::from_base64(RUNE4).unwrap();
    assert!(r.is_derived_from(&original, true).is_ok());
    // Removing the restriction again is detected.
    assert!(original.is_derived_from(&r, true).is_err());
}

/// decode Example 1.
#[test]
fn decode_example_1() {
    let got = decode_rune(RUNE0, 1_738_000_000).unwrap();
    let want = json!({
      "type": "rune",
      "unique_id": "0",
      "string": "edc289c802d5634fcb2d557e001f687ad5e38a939dcadd0484eb98ad24b8d9f3:=0",
      "restrictions": [],
      "valid": true
    });
    assert_eq!(got, want);
}

/// The decode usage example in lightning-createrune(7); "now" is chosen
/// so that time<1656920538 is 19 hours 18 minutes away.
#[test]
fn decode_createrune_usage_example() {
    let rune = "tU-RLjMiDpY2U0o3W1oFowar36RFGpWloPbW9-RuZdo9MyZpZD0wMjRiOWExZmE4ZTAwNmYxZTM5MzdmNjVmNjZjNDA4ZTZkYThlMWNhNzI4ZWE0MzIyMmE3MzgxZGYxY2M0NDk2MDUmbWV0aG9kPWxpc3RwZWVycyZwbnVtPTEmcG5hbWVpZF4wMjRiOWExZmE4ZTAwNmYxZTM5M3xwYXJyMF4wMjRiOWExZmE4ZTAwNmYxZTM5MyZ0aW1lPDE2NTY5MjA1MzgmcmF0ZT0y";
    let now = 1_656_920_538 - (19 * 3600 + 18 * 60);
    let got = decode_rune(rune, now).unwrap();
    let want: Value = serde_json::from_str(r#"{
   "type": "rune",
   "unique_id": "3",
   "string": "b54f912e33220e9636534a375b5a05a306abdfa4451a95a5a0f6d6f7e46e65da:=3&id=024b9a1fa8e006f1e3937f65f66c408e6da8e1ca728ea43222a7381df1cc449605&method=listpeers&pnum=1&pnameid^024b9a1fa8e006f1e393|parr0^024b9a1fa8e006f1e393&time<1656920538&rate=2",
   "restrictions": [
      { "alternatives": [ "id=024b9a1fa8e006f1e3937f65f66c408e6da8e1ca728ea43222a7381df1cc449605" ],
        "summary": "id (of commanding peer) equal to '024b9a1fa8e006f1e3937f65f66c408e6da8e1ca728ea43222a7381df1cc449605'" },
      { "alternatives": [ "method=listpeers" ], "summary": "method (of command) equal to 'listpeers'" },
      { "alternatives": [ "pnum=1" ], "summary": "pnum (number of command parameters) equal to 1" },
      { "alternatives": [ "pnameid^024b9a1fa8e006f1e393", "parr0^024b9a1fa8e006f1e393" ],
        "summary": "pnameid (object parameter 'id') starts with '024b9a1fa8e006f1e393' OR parr0 (array parameter #0) starts with '024b9a1fa8e006f1e393'" },
      { "alternatives": [ "time<1656920538" ],
        "summary": "time (in seconds since 1970) less than 1656920538 (approximately 19 hours 18 minutes from now)" },
      { "alternatives": [ "rate=2" ], "summary": "rate (max per minute) equal to 2" }
   ],
   "valid": true
}"#).unwrap();
    assert_eq!(got, want);
    // 59 seconds later it is still 19h17m away: the phrase moves with the clock.
    let later = decode_rune(rune, now + 60).unwrap();
    assert!(later["restrictions"][4]["summary"]
        .as_str()
        .unwrap()
        .ends_with("(approximately 19 hours 17 minutes from now)"));
}

#[test]
fn decode_time_phrases() {
    let base = Rune::from_base64(RUNE0).unwrap();
    let r = base.with_restriction(Restriction::parse("time>1000000").unwrap());
    let s = r.to_base64();
    let summary = |now: u64| {
        decode_rune(&s, now).unwrap()["restrictions"][0]["summary"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        summary(1_000_030),
        "time (in seconds since 1970) greater than 1000000 (30 seconds ago)"
    );
    assert_eq!(
        summary(1_000_125),
        "time (in seconds since 1970) greater than 1000000 (2 minutes 5 seconds ago)"
    );
    assert_eq!(
        summary(1_000_000 - 3 * 86400),
        "time (in seconds since 1970) greater than 1000000 (approximately 3 days 0 hours from now)"
    );
}

#[test]
fn decode_invalid_utf8() {
    let mut data = vec![0u8; 32];
    data.extend_from_slice(b"f1=\xff");
    let s = runes::base64url::encode(&data);
    let got = decode_rune(&s, 0).unwrap();
    assert_eq!(got["valid"], json!(false));
    assert_eq!(
        got["warning_rune_invalid_utf8"],
        json!("Rune contains invalid UTF-8 strings")
    );
    let mut want = hex::encode([0u8; 32]).into_bytes();
    want.extend_from_slice(b":f1=\xff");
    assert_eq!(got["hex"], json!(hex::encode(want)));
}

/// showrunes Example 2: every rune's English and structure.
#[test]
fn showrunes_example() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/showrunes-example2.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let entries = doc["runes"].as_array().unwrap();
    assert_eq!(entries.len(), 6);
    for entry in entries {
        let mut want = entry.clone();
        want.as_object_mut().unwrap().remove("last_used");
        let rune = Rune::from_base64(entry["rune"].as_str().unwrap()).unwrap();
        assert_eq!(showrune_json(&rune), want);
    }
}

/// `decode`'s JSON is written as text (`decode_rune_json_text`) and `decode_rune` is that
/// text parsed: values with quotes, backslashes, control characters and non-ASCII come
/// back exactly as the rune holds them.
#[test]
fn decode_text_escapes_every_value() {
    let nasty = "a\"b\\c\nd\u{1}e\u{7f}é€😀";
    let r = Rune::from_base64(RUNE0).unwrap().with_restriction(
        Restriction::from_unescaped(&[&format!("method={nasty}"), "pnum<3"]).unwrap(),
    );
    let text = runes::decode_rune_json_text(&r.to_base64(), 0).unwrap();
    assert!(text.contains("\\u0001") && text.contains("\\\"") && text.contains("\\\\"));
    let got = decode_rune(&r.to_base64(), 0).unwrap();
    assert_eq!(got, serde_json::from_str::<Value>(&text).unwrap());
    assert_eq!(got["string"], r.to_string_form());
    let alts = &got["restrictions"][0]["alternatives"];
    assert_eq!(alts[0], format!("method={nasty}"));
    assert_eq!(alts[1], "pnum<3");
    assert_eq!(
        got["restrictions"][0]["summary"],
        format!("method (of command) equal to '{nasty}' OR pnum (number of command parameters) less than 3")
    );
}
