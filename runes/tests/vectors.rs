//! Core Lightning's rune test vectors (ccan/rune/test/test_vectors.csv),
//! checked line by line as `ccan/rune/test/run.c` does. Format:
//! README-VECTORS.md (VALID, PASS, FAIL, DERIVE, MALFORMED, BAD DERIVATION).

use runes::{
    Alternative, Condition, FieldName, MasterRune, MasterSecret, Restriction, Rune, UniqueId,
};

const VECTORS: &str = include_str!("data/test_vectors.csv");

fn master() -> MasterRune {
    MasterRune::new(&MasterSecret::new(&[0u8; 16]).unwrap())
}

#[derive(Default, Debug)]
struct Counts {
    valid: usize,
    pass: usize,
    fail: usize,
    derive: usize,
    malformed: usize,
    bad_derivation: usize,
}

fn vars<'a>(parts: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    parts
        .iter()
        .map(|p| {
            p.split_once('=')
                .expect("PASS/FAIL variables are name=value")
        })
        .collect()
}

#[test]
fn all_core_lightning_vectors() {
    let mr = master();
    let master_rune = mr.master_rune();
    let mut current: Option<Rune> = None;
    let mut counts = Counts::default();

    for (lineno, line) in VECTORS.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        // Plain comma split, as run.c does (values are not CSV-quoted).
        let parts: Vec<&str> = line.split(',').collect();
        let ctx = format!("line {}: {line}", lineno + 1);
        match parts[0] {
            "VALID" => {
                counts.valid += 1;
                let r1 = Rune::from_string_form(parts[2]).expect(&ctx);
                let r2 = Rune::from_base64(parts[3]).expect(&ctx);
                assert_eq!(r1, r2, "{ctx}");
                assert_eq!(r2.to_string_form(), parts[2], "{ctx}");
                assert_eq!(r1.to_base64(), parts[3], "{ctx}");
                assert_eq!(mr.verify_any_version(&r1), Ok(()), "{ctx}");
                assert_eq!(r2.is_derived_from(&master_rune, false), Ok(()), "{ctx}");
                match parts.get(4) {
                    Some(uid) => {
                        assert_eq!(r1.unique_id().map(|u| u.id()), Some(*uid), "{ctx}");
                        assert_eq!(r1.version(), parts.get(5).copied(), "{ctx}");
                    }
                    None => {
                        assert!(r1.unique_id().is_none(), "{ctx}");
                        assert!(r1.version().is_none(), "{ctx}");
                    }
                }
                current = Some(r1);
            }
            "DERIVE" => {
                counts.derive += 1;
                let mut r1 = Rune::from_base64(parts[2]).expect(&ctx);
                let r2 = Rune::from_base64(parts[3]).expect(&ctx);
                assert_eq!(mr.verify_any_version(&r1), Ok(()), "{ctx}");
                assert_eq!(mr.verify_any_version(&r2), Ok(()), "{ctx}");
                assert_eq!(r2.is_derived_from(&r1, false), Ok(()), "{ctx}");
                let triples: Vec<&[&str]> = parts[4..].chunks(3).collect();
                if triples.len() == 1 && triples[0][0].is_empty() {
                    // The empty field name is the unique id.
                    assert_eq!(triples[0][1], "=", "{ctx}");
                    let (id, version) = match triples[0][2].split_once('-') {
                        Some((i, v)) => (i, Some(v)),
                        None => (triples[0][2], None),
                    };
                    r1.add_unique_id(UniqueId::with_version(id, version).unwrap())
                        .expect(&ctx);
                } else {
                    let alts = triples
                        .iter()
                        .map(|t| {
                            let cond = Condition::from_char(t[1].chars().next().unwrap()).unwrap();
                            Alternative::new(FieldName::new(t[0]).unwrap(), cond, t[2]).unwrap()
                        })
                        .collect();
                    r1.add_restriction(Restriction::new(alts).unwrap());
                }
                assert_eq!(r1, r2, "{ctx}");
                assert_eq!(r1.to_base64(), parts[3], "{ctx}");
                current = Some(r1);
            }
            "MALFORMED" => {
                counts.malformed += 1;
                assert!(Rune::from_string_form(parts[2]).is_err(), "{ctx}");
                assert!(Rune::from_base64(parts[3]).is_err(), "{ctx}");
            }
            "BAD DERIVATION" => {
                counts.bad_derivation += 1;
                let r1 = Rune::from_string_form(parts[2]).expect(&ctx);
                let r2 = Rune::from_base64(parts[3]).expect(&ctx);
                assert_eq!(r1, r2, "{ctx}");
                assert!(mr.verify(&r1).is_err(), "{ctx}");
                assert!(r2.is_derived_from(&master_rune, true).is_err(), "{ctx}");
            }
            "PASS" | "FAIL" => {
                let rune = current.as_ref().expect("PASS/FAIL follows a rune");
                let values = vars(&parts[1..]);
                let outcome = mr
                    .verify(rune)
                    .map_err(|e| e.to_string())
                    .and_then(|()| rune.meets_values(&values));
                if parts[0] == "PASS" {
                    counts.pass += 1;
                    assert_eq!(outcome, Ok(()), "{ctx}");
                } else {
                    counts.fail += 1;
                    assert!(outcome.is_err(), "{ctx}");
                }
            }
            other => panic!("unknown vector kind {other:?} at {ctx}"),
        }
    }
    // Every kind of line was exercised (counts taken from the file).
    assert_eq!(counts.valid, 18, "{counts:?}");
    assert_eq!(counts.derive, 4, "{counts:?}");
    assert_eq!(counts.malformed, 28, "{counts:?}");
    assert_eq!(counts.bad_derivation, 2, "{counts:?}");
    assert_eq!(counts.pass, 46, "{counts:?}");
    assert_eq!(counts.fail, 58, "{counts:?}");
}

#[test]
fn malformed_reasons() {
    use runes::ParseError;
    let id = "6035731a2cbb022cbeb67645aa0f8a26653d8cc454e0e087d4d19d282b8da4bd";
    assert_eq!(
        Rune::from_string_form(&format!("{id}:!1")),
        Err(ParseError::UniqueIdNotEqual)
    );
    assert_eq!(
        Rune::from_string_form(&format!("{id}:=1-2&=3")),
        Err(ParseError::UniqueIdNotFirst)
    );
    assert_eq!(
        Rune::from_string_form(&format!("{id}:=1|f=2")),
        Err(ParseError::UniqueIdNotAlone)
    );
    assert_eq!(
        Rune::from_string_form(&format!("{id}:f1\"11")),
        Err(ParseError::BadCondition { offset: 2 })
    );
    assert_eq!(Rune::from_base64("AAAA"), Err(ParseError::TooShort));
    assert_eq!(
        Rune::from_string_form("zz"),
        Err(ParseError::InvalidHexAuthcode)
    );
}
