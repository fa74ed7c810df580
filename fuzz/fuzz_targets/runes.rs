//! Core Lightning runes: parse/print round trips and `check_rune` with arbitrary
//! restrictions, methods and parameters.
//!
//! - A rune read from base64 prints back to a base64 and a string form that read back to
//!   the same rune; `decode_rune` and `showrune_json` accept it too.
//! - A restriction that parses prints to text that parses back to it.
//! - `check_rune` never panics, on the raw input and on runes made by the master secret from
//!   the input's restrictions; attenuation only narrows: if the rune with extra
//!   restrictions passes, the rune without them passes; a rune whose authcode is altered
//!   is refused as not derived from the secret.
//!
//! Input: `head` (restrictions, one per line; the first `k` go in the base rune, the rest
//! are added by attenuation, `k` from the selector byte), `tail` (`method`, a newline, then
//! `params` JSON).
#![no_main]
use libfuzzer_sys::fuzz_target;
use runes::{
    check_rune, decode_rune, showrune_json, CheckError, CheckRequest, FixedClock, MasterRune,
    MasterSecret, MemoryRuneStore, Restriction, Rune, Timestamp, UniqueId,
};

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Parse and print.
    if let Ok(rune) = Rune::from_base64(text) {
        assert_eq!(Rune::from_base64(&rune.to_base64()), Ok(rune.clone()));
        assert_eq!(
            Rune::from_string_form(&rune.to_string_form()),
            Ok(rune.clone())
        );
        assert!(decode_rune(text, 0).is_ok());
        let _ = showrune_json(&rune);
    } else {
        let _ = decode_rune(text, 0);
    }
    if let Ok(rune) = Rune::from_string_form(text) {
        assert_eq!(
            Rune::from_string_form(&rune.to_string_form()),
            Ok(rune.clone())
        );
        assert_eq!(Rune::from_base64(&rune.to_base64()), Ok(rune));
    }
    for line in text.lines() {
        if let Ok(r) = Restriction::parse(line) {
            assert_eq!(Restriction::parse(&r.to_string()), Ok(r));
        }
    }

    // check_rune.
    let (head, tail) = bolt12_toolkit_fuzz::split_by_first_byte(data);
    let (Ok(head), Ok(tail)) = (std::str::from_utf8(head), std::str::from_utf8(tail)) else {
        return;
    };
    let (method, params) = tail.split_once('\n').unwrap_or((tail, ""));
    let peer = [3u8; 33];
    let req = CheckRequest {
        peer_id: Some(&peer),
        method: Some(method),
        params: (!params.is_empty()).then_some(params),
    };
    let master = MasterRune::new(&MasterSecret::new(&[0u8; 16]).expect("secret"));
    let clock = FixedClock(Timestamp::from_secs(1_700_000_000));
    let check = |rune: &str| check_rune(&master, &MemoryRuneStore::new(), &clock, rune, &req);
    let _ = check(text);

    let restrictions: Vec<Restriction> = head
        .lines()
        .filter_map(|l| Restriction::parse(l).ok())
        .collect();
    let k = usize::from(data[0] % 4).min(restrictions.len());
    let base = master.create(UniqueId::new("5").expect("id"), restrictions[..k].to_vec());
    let narrowed = restrictions[k..]
        .iter()
        .fold(base.clone(), |r, extra| r.with_restriction(extra.clone()));
    let base_verdict = check(&base.to_base64());
    let narrowed_verdict = check(&narrowed.to_base64());
    if let Err(CheckError::ParamsNotContainer { .. }) = base_verdict {
        assert_eq!(base_verdict, narrowed_verdict);
    } else {
        assert!(!matches!(
            base_verdict,
            Err(CheckError::InvalidRune { .. }) | Err(CheckError::NotAuthorized(_))
        ));
        assert!(!matches!(
            narrowed_verdict,
            Err(CheckError::InvalidRune { .. }) | Err(CheckError::NotAuthorized(_))
        ));
    }
    if narrowed_verdict.is_ok() {
        assert_eq!(base_verdict, Ok(()), "attenuation widened the rune");
    }
    // An altered authcode is not derived from the secret.
    let mut forged = base.to_base64().into_bytes();
    forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    assert!(matches!(
        check(&forged),
        Err(CheckError::NotAuthorized(_)) | Err(CheckError::ParamsNotContainer { .. })
    ));
});
