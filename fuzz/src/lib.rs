//! Shared assertions of the fuzz targets (`fuzz_targets/*.rs`).
//!
//! Everything here panics when a property fails: that is how a target reports it.
use bolt12::json::{decode_json_at, DecodeJsonError};
use bolt12::{ParseError, SemanticError};

/// Splits the input at a length given by its first byte: `(head, tail)`, the head at most
/// `data[0]` bytes long. Lets one input drive two independent pieces.
pub fn split_by_first_byte(data: &[u8]) -> (&[u8], &[u8]) {
    match data.split_first() {
        None => (&[], &[]),
        Some((n, rest)) => rest.split_at(usize::from(*n).min(rest.len())),
    }
}

/// `decode_json` and the typed reader agree on a string: the JSON is `Ok` only if the typed
/// reader accepts, and the typed reader accepts only if the JSON is `Ok` or refuses for a
/// Core Lightning rule beyond BOLT 12's (`SemanticError::ClnInvalid`, carrying its
/// `valid: false` object). Clock-free (`now = None`).
pub fn assert_json_agrees(s: &str, typed_ok: bool) {
    match decode_json_at(s, None) {
        Ok(json) => {
            assert!(typed_ok, "decode_json accepts what the reader refuses: {s}");
            assert_eq!(json.get("valid"), Some(&serde_json::Value::Bool(true)));
        }
        Err(
            e @ DecodeJsonError::Invalid {
                source: ParseError::Semantic(SemanticError::ClnInvalid { .. }),
                ..
            },
        ) => {
            assert!(typed_ok, "ClnInvalid for a string the reader refuses: {s}");
            // Carried as text: it must be JSON (cln_json parses it).
            assert!(e.cln_json_text().is_some(), "no object: {s}");
            let json = e
                .cln_json()
                .expect("ClnInvalid carries Core Lightning's object as JSON");
            assert_eq!(json.get("valid"), Some(&serde_json::Value::Bool(false)));
        }
        Err(e) => {
            assert!(
                !typed_ok,
                "decode_json refuses what the reader accepts: {s}: {e}"
            );
            if let Some(json) = e.cln_json() {
                assert_eq!(json.get("valid"), Some(&serde_json::Value::Bool(false)));
            }
        }
    }
}

/// The properties every BOLT 12 message reader must have, for `$ty` read from `$data`:
/// an accepted message keeps its exact bytes, its decoded fields re-encode to them, its
/// string form parses back to the same message, and `decode_json` agrees on the string.
#[macro_export]
macro_rules! check_bolt12_bytes {
    ($ty:ty, $tlvs:ty, $prefix:expr, $data:expr) => {{
        let data: &[u8] = $data;
        // Well-formed TLV streams re-encode to the same bytes, valid message or not.
        if let Ok(tlvs) = <$tlvs>::decode(data) {
            assert_eq!(tlvs.encode().expect("decoded fields encode"), data);
        }
        let typed = <$ty>::from_bytes(data.to_vec());
        let s = bolt12::string::encode($prefix, data);
        match &typed {
            Ok(m) => {
                assert_eq!(m.as_bytes(), data);
                assert_eq!(m.tlvs().encode().expect("fields encode"), data);
                assert_eq!(m.to_string(), s);
                let again: $ty = s.parse().expect("string form of an accepted message");
                assert_eq!(&again, m);
                let upper: $ty = s.to_ascii_uppercase().parse().expect("uppercase form");
                assert_eq!(&upper, m);
            }
            Err(_) => assert!(s.parse::<$ty>().is_err(), "string accepted, bytes refused"),
        }
        $crate::assert_json_agrees(&s, typed.is_ok());
        typed
    }};
}

/// `rest` with record 4 (`encrypted_recipient_data`) inserted in type order; `rest`
/// appended as is after it if it is not a TLV stream.
pub fn with_encrypted_data(rest: &[u8], encrypted: &[u8]) -> Vec<u8> {
    let mut record = Vec::new();
    wire::write_bigsize(&mut record, 4);
    wire::write_bigsize(&mut record, encrypted.len() as u64);
    record.extend_from_slice(encrypted);
    let mut out = Vec::new();
    let mut placed = false;
    let mut offset = 0;
    for r in wire::TlvStreamReader::new(rest, "onionmsg_tlv").map_while(Result::ok) {
        if !placed && r.tlv_type >= 4 {
            out.extend_from_slice(&record);
            placed = true;
        }
        out.extend_from_slice(r.bytes);
        offset += r.bytes.len();
    }
    if !placed {
        out.extend_from_slice(&record);
    }
    out.extend_from_slice(&rest[offset..]);
    out
}

/// A Sphinx packet of `payloads` to the (blinded) `keys`, in the smallest of BOLT 4's two
/// onion message sizes that holds them (`None` if neither does); the session key is 0x42 x 32.
pub fn packet_for(keys: &[secp256k1::PublicKey], payloads: &[Vec<u8>]) -> Option<Vec<u8>> {
    let needed: usize = payloads.iter().map(|p| p.len() + 9 + 32).sum();
    let size = [1300, 32768].into_iter().find(|s| needed <= *s)?;
    let session = secp256k1::SecretKey::from_slice(&[0x42; 32]).expect("valid key");
    onion::sphinx::construct(&session, keys, payloads, size, &[]).ok()
}
