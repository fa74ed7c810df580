//! BOLT 1 Appendix A (BigSize) and Appendix B (TLV) vectors, run through the runtime and
//! through code generated from `spec-csv/01-messaging.csv` for the test namespaces.
#![allow(missing_docs)]

mod generated {
    include!(concat!(env!("OUT_DIR"), "/bolt01_test_namespaces.rs"));
}
use generated::{N1Tlvs, N2Tlvs};

use crate::{write_bigsize, DecodeError, Reader};

const VECTORS: &str = include_str!("../tests/data/bolt01-vectors.txt");

fn vectors(kind: &str) -> Vec<(String, Vec<u8>, String)> {
    VECTORS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.splitn(4, '|').collect();
            (cols[0] == kind).then(|| {
                (
                    cols[1].to_owned(),
                    hex::decode(cols[2]).unwrap(),
                    cols[3].to_owned(),
                )
            })
        })
        .collect()
}

#[test]
fn bigsize_decoding_vectors() {
    let cases = vectors("bigsize-decode");
    assert_eq!(cases.len(), 18);
    for (_, bytes, expect) in cases {
        let mut r = Reader::new(&bytes);
        let got = r.bigsize("test");
        match expect.strip_prefix("error:") {
            Some("decoded bigsize is not canonical") => {
                assert_eq!(
                    got,
                    Err(DecodeError::NonMinimalBigSize { what: "test" }),
                    "{bytes:02x?}"
                )
            }
            Some(_) => assert!(
                matches!(got, Err(DecodeError::Truncated { .. })),
                "{bytes:02x?}: {got:?}"
            ),
            None => {
                assert_eq!(got, Ok(expect.parse::<u64>().unwrap()), "{bytes:02x?}");
                assert!(r.is_empty());
            }
        }
    }
}

#[test]
fn bigsize_encoding_vectors() {
    let cases = vectors("bigsize-encode");
    assert_eq!(cases.len(), 8);
    for (_, bytes, value) in cases {
        let mut out = Vec::new();
        write_bigsize(&mut out, value.parse().unwrap());
        assert_eq!(out, bytes);
        assert_eq!(crate::bigsize_len(value.parse().unwrap()), bytes.len());
    }
}

fn namespaces(ns: &str) -> &'static [&'static str] {
    match ns {
        "n1" => &["n1"],
        "n2" => &["n2"],
        _ => &["n1", "n2"],
    }
}

fn decode(ns: &str, bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    // Decode, then re-encode: a successful decode must round-trip to the same bytes.
    Ok(match ns {
        "n1" => N1Tlvs::decode(bytes)?.encode().unwrap(),
        _ => N2Tlvs::decode(bytes)?.encode().unwrap(),
    })
}

#[test]
fn tlv_decoding_failures() {
    let cases = vectors("tlv-invalid");
    assert_eq!(cases.len(), 38);
    for (ns, bytes, reason) in &cases {
        for n in namespaces(ns) {
            let got = decode(n, bytes);
            assert!(
                got.is_err(),
                "{n} {}: {reason}: decoded",
                hex::encode(bytes)
            );
            let err = got.unwrap_err();
            // The error must be the kind the reason names.
            let ok = match reason.as_str() {
                r if r.contains("truncated") || r.starts_with("missing") => {
                    matches!(
                        err,
                        DecodeError::Truncated { .. } | DecodeError::TlvLengthExceedsInput { .. }
                    )
                }
                r if r.starts_with("not minimally encoded") => {
                    matches!(err, DecodeError::NonMinimalBigSize { .. })
                }
                r if r.starts_with("unknown even") => {
                    matches!(err, DecodeError::UnknownEvenType { .. })
                }
                r if r.starts_with("greater than encoding length") => {
                    matches!(
                        err,
                        DecodeError::TrailingBytes { .. } | DecodeError::BadTruncatedInt { .. }
                    )
                }
                r if r.starts_with("less than encoding length") => {
                    matches!(err, DecodeError::Truncated { .. })
                }
                r if r.contains("is not minimal") => {
                    matches!(err, DecodeError::BadTruncatedInt { .. })
                }
                r if r.contains("not a valid point") => {
                    matches!(err, DecodeError::InvalidPoint { .. })
                }
                r if r.contains("ordering") || r.contains("duplicate") => {
                    matches!(err, DecodeError::TlvNotIncreasing { .. })
                }
                _ => panic!("unclassified reason {reason}"),
            };
            assert!(
                ok,
                "{n} {}: expected '{reason}', got {err:?}",
                hex::encode(bytes)
            );
        }
    }
}

#[test]
fn tlv_decoding_successes() {
    let cases = vectors("tlv-valid");
    assert_eq!(cases.len(), 19);
    for (ns, bytes, values) in &cases {
        for n in namespaces(ns) {
            assert_eq!(
                decode(n, bytes).as_deref(),
                Ok(&bytes[..]),
                "{n} {}: {values}",
                hex::encode(bytes)
            );
        }
        if ns != "n1" {
            continue;
        }
        let tlvs = N1Tlvs::decode(bytes).unwrap();
        let value = |name: &str| -> String {
            let start = values.find(&format!("`{name}`=")).unwrap() + name.len() + 3;
            values[start..].split(' ').next().unwrap().to_owned()
        };
        if values.starts_with("`tlv1`") {
            assert_eq!(tlvs.tlv1, Some(value("amount_msat").parse().unwrap()));
        } else if values.starts_with("`tlv2`") {
            assert_eq!(tlvs.tlv2.unwrap().to_string(), value("scid"));
        } else if values.starts_with("`tlv3`") {
            let t3 = tlvs.tlv3.unwrap();
            assert_eq!(hex::encode(t3.node_id.serialize()), value("node_id"));
            assert_eq!(t3.amount_msat_1.to_string(), value("amount_msat_1"));
            assert_eq!(t3.amount_msat_2.to_string(), value("amount_msat_2"));
        } else if values.starts_with("`tlv4`") {
            assert_eq!(tlvs.tlv4, Some(value("cltv_delta").parse().unwrap()));
        } else {
            panic!("unexpected values {values}");
        }
    }
}

/// "Any appending of an invalid stream to a valid stream should trigger a decoding failure.
/// Any appending of a higher-numbered valid stream to a lower-numbered valid stream should
/// not trigger a decoding failure."
#[test]
fn tlv_stream_concatenation() {
    let valid: Vec<Vec<u8>> = vectors("tlv-valid")
        .into_iter()
        .filter(|(ns, b, _)| ns == "n1" && !b.is_empty())
        .map(|(_, b, _)| b)
        .collect();
    let invalid: Vec<Vec<u8>> = vectors("tlv-invalid")
        .into_iter()
        .filter(|(ns, _, _)| ns != "n2")
        .map(|(_, b, _)| b)
        .collect();
    let first_type = |b: &[u8]| Reader::new(b).bigsize("t").unwrap();
    for a in &valid {
        for b in &invalid {
            let joined = [a.as_slice(), b].concat();
            assert!(
                N1Tlvs::decode(&joined).is_err(),
                "{} + {}",
                hex::encode(a),
                hex::encode(b)
            );
        }
        for b in &valid {
            let joined = [a.as_slice(), b].concat();
            let ok = N1Tlvs::decode(&joined).is_ok();
            assert_eq!(
                ok,
                first_type(b) > first_type(a),
                "{} + {}",
                hex::encode(a),
                hex::encode(b)
            );
        }
    }
}

#[test]
fn unknown_records_roundtrip_in_place() {
    // Unknown odd records interleaved with known ones keep their position and bytes.
    let bytes = hex::decode("0101010d03aabbcc2102ffee").unwrap();
    let tlvs = N1Tlvs::decode(&bytes).unwrap();
    assert_eq!(tlvs.unknown.len(), 2);
    assert_eq!(tlvs.encode().unwrap(), bytes);
}

#[test]
fn unknown_record_colliding_with_known_type_is_refused_on_encode() {
    let mut tlvs = N1Tlvs::default();
    tlvs.unknown.push(crate::UnknownRecord {
        tlv_type: 1,
        value: vec![1],
    });
    assert!(tlvs.encode().is_err());
    tlvs.unknown = vec![
        crate::UnknownRecord {
            tlv_type: 9,
            value: vec![],
        },
        crate::UnknownRecord {
            tlv_type: 7,
            value: vec![],
        },
    ];
    assert!(tlvs.encode().is_err());
}

/// The generated record-name tables carry the CSV's `tlvtype` rows (name, type), in type
/// order, for every stream: here BOLT 1's test namespaces `n1` and `n2`.
#[test]
fn record_names_are_the_csv_tlvtype_rows() {
    let csv = include_str!("../../spec-csv/01-messaging.csv");
    let rows = |stream: &str| -> Vec<(u64, String)> {
        let mut v: Vec<(u64, String)> = csv
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f.len() >= 4 && f[0] == "tlvtype" && f[1] == stream)
                    .then(|| (f[3].parse().expect("type"), f[2].to_string()))
            })
            .collect();
        v.sort();
        v
    };
    let table = |t: &[(u64, &str)]| -> Vec<(u64, String)> {
        t.iter().map(|(n, s)| (*n, s.to_string())).collect()
    };
    assert_eq!(table(N1Tlvs::RECORD_NAMES), rows("n1"));
    assert_eq!(table(N2Tlvs::RECORD_NAMES), rows("n2"));
    assert_eq!(rows("n1").len(), 4);
}
