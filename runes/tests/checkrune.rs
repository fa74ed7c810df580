//! `checkrune` semantics (lightning-checkrune(7), lightning-createrune(7)).

use runes::{
    check_rune, CheckError, CheckRequest, FixedClock, MasterRune, MasterSecret, MemoryRuneStore,
    Restriction, Timestamp, UniqueId,
};

fn master() -> MasterRune {
    MasterRune::new(&MasterSecret::new(b"a node's commando secret").unwrap())
}

fn rune(m: &MasterRune, id: &str, restrictions: &[&[&str]]) -> String {
    let rs = restrictions
        .iter()
        .map(|alts| Restriction::from_unescaped(alts).unwrap())
        .collect();
    m.create(UniqueId::new(id).unwrap(), rs).to_base64()
}

const PEER: [u8; 33] = [3u8; 33];
const T0: u64 = 1_700_000_000;

fn check(
    m: &MasterRune,
    store: &MemoryRuneStore,
    now_nanos: u64,
    rune: &str,
    method: &str,
    params: &str,
) -> Result<(), CheckError> {
    let req = CheckRequest {
        peer_id: Some(&PEER),
        method: Some(method),
        params: Some(params),
    };
    check_rune(
        m,
        store,
        &FixedClock(Timestamp::from_nanos(now_nanos)),
        rune,
        &req,
    )
}

fn secs(s: u64) -> u64 {
    Timestamp::from_secs(s).as_nanos()
}

#[test]
fn checkrune_example_2_amount_below_limit() {
    let m = master();
    let store = MemoryRuneStore::new();
    // createrune Example 5: the pre-v24.05 spelling without underscore...
    let r = rune(&m, "2", &[&["method=pay"], &["pnameamountmsat<10000"]]);
    assert_eq!(
        check(&m, &store, secs(T0), &r, "pay", r#"{"amount_msat": 9999}"#),
        Ok(())
    );
    let err = check(&m, &store, secs(T0), &r, "pay", r#"{"amount_msat": 10000}"#).unwrap_err();
    assert_eq!(err.code(), 1502);
    assert_eq!(
        err.to_string(),
        "Not permitted: parameter amountmsat is greater or equal to 10000"
    );
    // ...and the current spelling with it.
    let r9 = rune(&m, "5", &[&["method/pay", "pnameamount_msat<100000001"]]);
    assert_eq!(
        check(&m, &store, secs(T0), &r9, "pay", r#"{"amount_msat": 9900}"#),
        Ok(())
    );
    assert_eq!(
        check(&m, &store, secs(T0), &r9, "pay", r#"{"amount_msat": 100000001}"#)
            .unwrap_err()
            .to_string(),
        "Not permitted: method is equal to pay AND pnameamount_msat is greater or equal to 100000001"
    );
    // A string is not an integer.
    assert_eq!(
        check(
            &m,
            &store,
            secs(T0),
            &r,
            "pay",
            r#"{"amount_msat": "9999"}"#
        )
        .unwrap_err()
        .to_string(),
        "Not permitted: parameter amountmsat is not an integer field"
    );
}

#[test]
fn method_params_and_peer() {
    let m = master();
    let store = MemoryRuneStore::new();
    let peer_hex = hex::encode(PEER);
    let id_alt = format!("id={peer_hex}");
    let r = rune(
        &m,
        "3",
        &[
            &[&id_alt],
            &["method=listpeers"],
            &["pnum=1"],
            &["pnameid^0381", "parr0^0381"],
        ],
    );
    assert_eq!(
        check(&m, &store, secs(T0), &r, "listpeers", r#"["0381aa"]"#),
        Ok(())
    );
    assert_eq!(
        check(&m, &store, secs(T0), &r, "listpeers", r#"{"id":"0381aa"}"#),
        Ok(())
    );
    let e = check(&m, &store, secs(T0), &r, "listfunds", "[]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Not permitted: method is not equal to listpeers"
    );
    let e = check(&m, &store, secs(T0), &r, "listpeers", r#"["0381", 2]"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Not permitted: number of parameters is not equal to 1"
    );
    let e = check(&m, &store, secs(T0), &r, "listpeers", r#"["02"]"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Not permitted: parameter id not present AND parr0 does not start with 0381"
    );
    // Another peer.
    let other = [2u8; 33];
    let req = CheckRequest {
        peer_id: Some(&other),
        method: Some("listpeers"),
        params: Some("[]"),
    };
    let e = check_rune(&m, &store, &FixedClock(Timestamp::from_secs(T0)), &r, &req).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("Not permitted: id is not equal to {peer_hex}")
    );
    // No params at all: pnum is 0.
    let r0 = rune(&m, "9", &[&["pnum=0"]]);
    let req = CheckRequest {
        peer_id: None,
        method: Some("getinfo"),
        params: None,
    };
    assert_eq!(
        check_rune(&m, &store, &FixedClock(Timestamp::from_secs(T0)), &r0, &req),
        Ok(())
    );
    // Params must be an object or array.
    let e = check(&m, &store, secs(T0), &r0, "getinfo", "5").unwrap_err();
    assert_eq!(e.code(), -32602);
}

#[test]
fn time_restriction() {
    let m = master();
    let store = MemoryRuneStore::new();
    let r = rune(&m, "4", &[&[&format!("time<{}", T0 + 60)]]);
    assert_eq!(check(&m, &store, secs(T0 + 59), &r, "x", "{}"), Ok(()));
    assert_eq!(
        check(&m, &store, secs(T0 + 60), &r, "x", "{}")
            .unwrap_err()
            .to_string(),
        format!("Not permitted: time is greater or equal to {}", T0 + 60)
    );
}

#[test]
fn rate_and_per_use_the_store() {
    let m = master();
    let store = MemoryRuneStore::new();
    store.register(7);
    let r = rune(&m, "7", &[&["rate=2"]]);
    // 2 per minute = one per 30 s.
    assert_eq!(check(&m, &store, secs(T0), &r, "x", "{}"), Ok(()));
    assert_eq!(
        check(&m, &store, secs(T0 + 29), &r, "x", "{}")
            .unwrap_err()
            .to_string(),
        "Not permitted: too soon"
    );
    assert_eq!(check(&m, &store, secs(T0 + 30), &r, "x", "{}"), Ok(()));

    store.register(8);
    let p = rune(&m, "8", &[&["per=1day"]]);
    assert_eq!(check(&m, &store, secs(T0), &p, "x", "{}"), Ok(()));
    assert!(check(&m, &store, secs(T0 + 86399), &p, "x", "{}").is_err());
    assert_eq!(check(&m, &store, secs(T0 + 86400), &p, "x", "{}"), Ok(()));

    let ms = rune(&m, "10", &[&["per=500msec"]]);
    store.register(10);
    assert_eq!(check(&m, &store, secs(T0), &ms, "x", "{}"), Ok(()));
    assert!(check(&m, &store, secs(T0) + 499_999_999, &ms, "x", "{}").is_err());
    assert_eq!(
        check(&m, &store, secs(T0) + 500_000_000, &ms, "x", "{}"),
        Ok(())
    );

    // Unknown (unstored) runes are not rate limited, as in Core Lightning.
    let unstored = rune(&m, "11", &[&["rate=1"]]);
    assert_eq!(check(&m, &store, secs(T0), &unstored, "x", "{}"), Ok(()));
    assert_eq!(check(&m, &store, secs(T0), &unstored, "x", "{}"), Ok(()));

    let bad = [
        ("rate>1", "rate operator must be ="),
        ("rate=0", "malformed rate"),
        ("rate=2x", "malformed rate"),
        ("per=5fortnight", "malformed suffix"),
        ("per=day", "malformed per"),
    ];
    for (i, (alt, why)) in bad.iter().enumerate() {
        let id = (20 + i).to_string();
        let r = rune(&m, &id, &[&[alt]]);
        assert_eq!(
            check(&m, &store, secs(T0), &r, "x", "{}")
                .unwrap_err()
                .to_string(),
            format!("Not permitted: {why}")
        );
    }
}

#[test]
fn authorization_errors() {
    let m = master();
    let store = MemoryRuneStore::new();
    let other = MasterRune::new(&MasterSecret::new(b"someone else").unwrap());
    let foreign = rune(&other, "1", &[]);
    let e = check(&m, &store, secs(T0), &foreign, "x", "{}").unwrap_err();
    assert_eq!(
        (e.code(), e.to_string()),
        (1501, "Not authorized: Not derived from master".into())
    );

    let versioned = m
        .create(UniqueId::with_version("1", Some("2")).unwrap(), vec![])
        .to_base64();
    let e = check(&m, &store, secs(T0), &versioned, "x", "{}").unwrap_err();
    assert_eq!(e.to_string(), "Not authorized: Version mismatch");

    store.blacklist(5, 6);
    let e = check(&m, &store, secs(T0), &rune(&m, "6", &[]), "x", "{}").unwrap_err();
    assert_eq!(
        (e.code(), e.to_string()),
        (1503, "Not authorized: Blacklisted rune".into())
    );
    assert_eq!(
        check(&m, &store, secs(T0), &rune(&m, "7", &[]), "x", "{}"),
        Ok(())
    );

    let e = check(&m, &store, secs(T0), &rune(&m, "abc", &[]), "x", "{}").unwrap_err();
    assert!(matches!(e, CheckError::NonNumericUniqueId { .. }));
    let e = check(&m, &store, secs(T0), "not a rune", "x", "{}").unwrap_err();
    assert!(matches!(e, CheckError::InvalidRune { .. }));
    assert_eq!(e.code(), -32602);

    // Stripping a restriction invalidates the rune.
    let full = m.create(
        UniqueId::new("12").unwrap(),
        vec![Restriction::parse("method=getinfo").unwrap()],
    );
    let mut forged =
        runes::Rune::from_base64(&m.create(UniqueId::new("12").unwrap(), vec![]).to_base64())
            .unwrap();
    forged.add_restriction(Restriction::parse("method=getinfo").unwrap());
    assert_eq!(forged, full);
    let stripped = format!(
        "{}",
        runes::Rune::from_string_form(&format!("{}:=12", hex::encode(full.authcode().as_bytes())))
            .unwrap()
    );
    let e = check(&m, &store, secs(T0), &stripped, "listfunds", "{}").unwrap_err();
    assert_eq!(e.code(), 1501);
}

#[test]
fn invoice_restrictions_are_worded_as_core_lightning_and_fail_closed() {
    // lightningd/runes.c `match_inv_condition` / `check_inv_condition`.
    let m = master();
    let store = MemoryRuneStore::new();
    let msg = |alts: &[&str], params: &str| {
        let r = rune(&m, "20", &[alts]);
        check(&m, &store, secs(T0), &r, "pay", params)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        msg(&["pinvbolt11_bogus=1"], "{}"),
        "Not permitted: Unknown invoice field bolt11_bogus"
    );
    assert_eq!(
        msg(&["pinvbolt11_amount<1000"], r#"{"x": 1}"#),
        "Not permitted: Unknown invoice parameter bolt11"
    );
    // The first matching suffix names the field; a comment does not pass here.
    assert_eq!(
        msg(&["pinvx_node_amount<1", "pinvy#note"], "[]"),
        "Not permitted: Unknown invoice parameter x_node AND Unknown invoice field y"
    );
    // We do not decode invoices: a present parameter is refused.
    assert_eq!(
        msg(&["pinvbolt11_amount<1000"], r#"{"bolt11": "lnbc1"}"#),
        "Not permitted: Invalid invoice: invoice restrictions are not supported"
    );
}
