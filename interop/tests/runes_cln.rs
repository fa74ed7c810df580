//! Runes against a real Core Lightning node: runes minted by `createrune` decode the same
//! in our `runes` crate as in the node's `decode` and `showrunes`; our `check_rune` gives
//! the same verdict, code and message as the node's `checkrune` over a matrix of
//! restrictions x calls; our attenuations of the node's runes (made without the secret)
//! are accepted by the node.
//!
//! The node's rune master secret is what `makesecret string=commando` returns: CLN derives
//! it from its HSM with the label "commando" (lightningd/runes.c `runes_early_init`,
//! hsmd/libhsmd.c `handle_derive_secret`, which `makesecret` also uses).
mod common;

use cln_interop::{Node, NodeOptions, RpcError};
use runes::{
    check_rune, decode_rune, showrune_json, CheckRequest, MasterRune, MasterSecret,
    MemoryRuneStore, Restriction, Rune, SystemClock,
};
use serde_json::{json, Value};

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The node's rune master, from `makesecret string=commando`.
fn node_master(node: &Node) -> MasterRune {
    let secret = node
        .rpc("makesecret", json!({"string": "commando"}))
        .expect("makesecret");
    let bytes = hex::decode(secret["secret"].as_str().expect("secret hex")).expect("hex");
    assert_eq!(bytes.len(), 32);
    MasterRune::new(&MasterSecret::new(&bytes).expect("32-byte secret"))
}

/// A wide matrix of `createrune` restrictions (CLN's array-of-arrays form).
fn restriction_matrix(peer: &str) -> Vec<Value> {
    let now = now_secs();
    // `time` values the node's `decode` describes in seconds, minutes, hours, days, months,
    // in the future and in the past.
    let times = [100, 3 * 3600 + 125, 5 * 86400, 300 * 86400]
        .into_iter()
        .flat_map(|d| [now + d, now - d])
        .map(|t| json!([[format!("time<{t}")]]));
    let mut m: Vec<Value> = times
        .chain([
            json!([["time>1000000000"]]),
            // `=` and `/` on `time` describe the value as well.
            json!([[format!("time={}", now + 100)]]),
            json!([[format!("time/{}", now - 3 * 3600)]]),
        ])
        .collect();
    m.extend([
        json!([]),
        json!([["method=getinfo"]]),
        json!([["method^list"]]),
        json!([["method/getinfo"]]),
        json!([["method$peers"]]),
        json!([["method~voic"]]),
        json!([["method!"]]),
        json!([["method{m"]]),
        json!([["method}m"]]),
        json!([["method<5"]]),
        json!([["method#a comment"]]),
        json!([["method=a\"b\\c"]]),
        // A tab (createrune unescapes `\t`; it refuses `\uXXXX`, "by policy").
        json!([["method=tab\there"]]),
        json!([["method/a\"b\\c"], ["method=été"]]),
        json!([["pnamelabel=foo"]]),
        json!([["pnamelabel!"]]),
        json!([["pnameamount_msat<1000"]]),
        json!([["pnameamountmsat>1000"]]),
        json!([["pnamedescription=a|b&c"]]),
        json!([["pnamedescription^a\\"]]),
        json!([["parr0=500"]]),
        json!([["parr1=foo"]]),
        json!([["parr1!"]]),
        json!([["parr0<1000"]]),
        json!([["pnum=0"]]),
        json!([["pnum<2"]]),
        json!([["pnum>2"]]),
        json!([["pnum=x"]]),
        json!([[format!("id={peer}")]]),
        json!([["id^02"], ["id^03"]]),
        json!([["id!"]]),
        json!([["time<2000000000"]]),
        json!([["time>2000000000"]]),
        json!([["rate=2"]]),
        json!([["rate=0"]]),
        json!([["rate>2"]]),
        json!([["per=1day"]]),
        json!([["per=1fortnight"]]),
        json!([["per<5"]]),
        json!([["pinvbolt11_amount<1000"]]),
        json!([["pinvbolt11_description=x"], ["pinvbolt11_node=02"]]),
        json!([["pinvinvoice_bogus=1"]]),
        json!([["pinv_node=02"]]),
        json!([["pinvbolt11#a note"]]),
        json!([["pinvinvoice_amount<1000", "method=getinfo"]]),
        json!([["method=getinfo", "method=listpeers"]]),
        json!([["method^list", "method=getinfo"], ["pnum<1"]]),
        json!([
            ["method=invoice"],
            ["pnameamount_msat<1000", "parr0<1000"],
            ["pnum=3"]
        ]),
        json!([["method=listpeers"], [format!("pnameid={peer}"), "pnum=0"]]),
        json!([["pnamex=1"], ["pnamey!"], ["method/pay"]]),
    ]);
    m
}

/// The calls each rune is checked against: (nodeid, method, params).
fn call_matrix(
    peer: &str,
    other: &str,
) -> Vec<(Option<String>, Option<&'static str>, Option<Value>)> {
    let p = Some(peer.to_owned());
    let o = Some(other.to_owned());
    vec![
        (p.clone(), Some("getinfo"), None),
        (p.clone(), Some("getinfo"), Some(json!({}))),
        (o.clone(), Some("getinfo"), Some(json!([]))),
        (None, Some("getinfo"), None),
        (p.clone(), None, None),
        (p.clone(), Some("listpeers"), Some(json!({}))),
        (p.clone(), Some("listpeers"), Some(json!({"id": peer}))),
        (o.clone(), Some("listpeers"), Some(json!([peer]))),
        (
            p.clone(),
            Some("invoice"),
            Some(json!({"amount_msat": 500, "label": "foo", "description": "a|b&c"})),
        ),
        (
            p.clone(),
            Some("invoice"),
            Some(json!({"amount_msat": 5000, "label": "bar", "description": "a\\b"})),
        ),
        (
            p.clone(),
            Some("invoice"),
            Some(json!([500, "foo", "desc"])),
        ),
        (
            p.clone(),
            Some("invoice"),
            Some(json!(["500msat", "foo", "desc"])),
        ),
        (
            p.clone(),
            Some("invoice"),
            Some(json!({"amount-msat": 7, "label": {"a": [1, 2]}})),
        ),
        (p.clone(), Some("pay"), Some(json!({"x": 1, "y": null}))),
        (p.clone(), Some("pay"), Some(json!({"x": "1"}))),
        (o, Some("method"), Some(json!([true, "foo", 3.5, -9]))),
    ]
}

/// The node's `checkrune` verdict: `Ok(())` or `Err((code, message))`.
fn node_check(
    node: &Node,
    rune: &str,
    nodeid: &Option<String>,
    method: Option<&str>,
    params: &Option<Value>,
) -> Result<(), (i64, String)> {
    let mut req = json!({ "rune": rune });
    if let Some(id) = nodeid {
        req["nodeid"] = json!(id);
    }
    if let Some(m) = method {
        req["method"] = json!(m);
    }
    if let Some(p) = params {
        req["params"] = p.clone();
    }
    match node.rpc("checkrune", req) {
        Ok(v) => {
            assert_eq!(v["valid"], json!(true), "checkrune success is valid:true");
            Ok(())
        }
        Err(RpcError::Node { code, message, .. }) => Err((code, message)),
        Err(e) => panic!("checkrune: {e}"),
    }
}

/// Our verdict, as `bolt12 rune check` computes it.
fn our_check(
    master: &MasterRune,
    store: &MemoryRuneStore,
    rune: &str,
    nodeid: &Option<String>,
    method: Option<&str>,
    params: &Option<Value>,
) -> Result<(), (i64, String)> {
    let peer: Option<[u8; 33]> = nodeid
        .as_ref()
        .map(|h| hex::decode(h).expect("hex").try_into().expect("33 bytes"));
    let params_text = params.as_ref().map(|p| p.to_string());
    let req = CheckRequest {
        peer_id: peer.as_ref(),
        method,
        params: params_text.as_deref(),
    };
    check_rune(master, store, &SystemClock, rune, &req)
        .map_err(|e| (i64::from(e.code()), e.to_string()))
}

fn uid(rune: &str) -> u64 {
    Rune::from_base64(rune)
        .expect("rune parses")
        .unique_id()
        .expect("unique id")
        .id()
        .parse()
        .expect("numeric id")
}

#[test]
fn createrune_runes_decode_the_same() {
    let nodes = Node::start_many(2, &NodeOptions::default()).expect("nodes start");
    let (a, b) = (&nodes[0], &nodes[1]);
    for restrictions in restriction_matrix(&b.id) {
        let rune = a.create_rune(restrictions.clone()).expect("createrune");
        // `time` values are described relative to now: the node's now lies between
        // these two, so its text is ours at one of them.
        let before = now_secs();
        let theirs = a.rpc("decode", json!({ "string": rune })).expect("decode");
        let after = now_secs();
        let ours: Vec<Value> = (before..=after)
            .map(|now| decode_rune(&rune, now).expect("our decode"))
            .collect();
        assert!(
            ours.contains(&theirs),
            "decode of {restrictions}: node {theirs:#}, ours {:#}",
            ours[0]
        );

        let shown = a
            .rpc("showrunes", json!({ "rune": rune }))
            .expect("showrunes");
        let shown = &shown["runes"][0];
        let ours = showrune_json(&Rune::from_base64(&rune).expect("parses"));
        for (k, v) in ours.as_object().expect("object") {
            assert_eq!(&shown[k], v, "showrunes {k} of {restrictions}");
        }
        // Every field of the node's entry that depends only on the rune is ours too.
        for k in [
            "rune",
            "unique_id",
            "restrictions",
            "restrictions_as_english",
        ] {
            assert!(ours.get(k).is_some(), "we give {k}");
        }
        assert_eq!(
            shown["stored"],
            json!(null),
            "createrune stores the rune: {shown}"
        );
    }
}

#[test]
fn checkrune_verdicts_match() {
    let nodes = Node::start_many(2, &NodeOptions::default()).expect("nodes start");
    let (a, b) = (&nodes[0], &nodes[1]);
    let master = node_master(a);
    let store = MemoryRuneStore::new();
    let mut differences = Vec::new();
    let mut accepted = 0;
    let mut refused = 0;
    for restrictions in restriction_matrix(&b.id) {
        let rune = a.create_rune(restrictions.clone()).expect("createrune");
        // createrune stores the rune (never used), so rate/per apply: ours too.
        store.register(uid(&rune));
        for (nodeid, method, params) in call_matrix(&b.id, &a.id) {
            let theirs = node_check(a, &rune, &nodeid, method, &params);
            let ours = our_check(&master, &store, &rune, &nodeid, method, &params);
            if theirs.is_ok() {
                accepted += 1;
            } else {
                refused += 1;
            }
            if ours != theirs {
                differences.push(format!(
                    "{restrictions} / {nodeid:?} {method:?} {params:?}: node {theirs:?}, ours {ours:?}"
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The matrix exercises both outcomes.
    assert!(
        accepted > 50 && refused > 50,
        "{accepted} accepted, {refused} refused"
    );
}

/// `pinv` restrictions on an invoice that is there: the node decodes it, we do not (we
/// refuse). Same verdict and code for a non-invoice; the node's message names its
/// decoder's complaint, ours says we do not decode.
#[test]
fn invoice_restrictions_fail_closed() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let master = node_master(&node);
    let store = MemoryRuneStore::new();
    let rune = node
        .create_rune(json!([["pinvbolt11_amount<1000"]]))
        .expect("createrune");
    store.register(uid(&rune));
    let params = Some(json!({"bolt11": "not an invoice"}));
    let m = Some("pay");
    let theirs = node_check(&node, &rune, &None, m, &params);
    let ours = our_check(&master, &store, &rune, &None, m, &params);
    let (Err((tc, tm)), Err((oc, om))) = (&theirs, &ours) else {
        panic!("both refuse: node {theirs:?}, ours {ours:?}");
    };
    assert_eq!((tc, oc), (&1502, &1502));
    assert!(tm.starts_with("Not permitted: Invalid invoice: "), "{tm}");
    assert_eq!(
        om,
        "Not permitted: Invalid invoice: invoice restrictions are not supported"
    );
}

#[test]
fn refusals_before_restrictions_match() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let master = node_master(&node);
    let store = MemoryRuneStore::new();
    let rune = node
        .create_rune(json!([["method=getinfo"]]))
        .expect("createrune");
    store.register(uid(&rune));
    let g = Some("getinfo");

    // Not base64, and a rune with a non-numeric unique id.
    let mut cases = vec!["not a rune!".to_owned()];
    let parsed = Rune::from_base64(&rune).expect("parses");
    // The authcode tampered with: not derived from the node's secret.
    let mut tampered = parsed.clone().to_base64().into_bytes();
    tampered[0] = if tampered[0] == b'A' { b'B' } else { b'A' };
    cases.push(String::from_utf8(tampered).expect("ascii"));
    // A rune with a textual unique id (attenuated from a master-less id is impossible, so
    // build one from the string form of a different authcode).
    let odd = format!("{}:=abc&method=getinfo", "00".repeat(32));
    cases.push(
        Rune::from_string_form(&odd)
            .expect("string form")
            .to_base64(),
    );
    for r in &cases {
        let theirs = node_check(&node, r, &None, g, &None);
        let ours = our_check(&master, &store, r, &None, g, &None);
        assert!(theirs.is_err(), "{r} refused by the node");
        assert_eq!(ours, theirs, "{r}");
    }
    // Params that are not a container.
    let theirs = node_check(&node, &rune, &None, g, &Some(json!("x")));
    let ours = our_check(&master, &store, &rune, &None, g, &Some(json!("x")));
    assert!(theirs.is_err());
    assert_eq!(ours, theirs, "string params");

    // Blacklisted: the node's blacklistrune, our store's blacklist.
    let n = uid(&rune);
    node.rpc("blacklistrune", json!({"start": n}))
        .expect("blacklistrune");
    store.blacklist(n, n);
    let theirs = node_check(&node, &rune, &None, g, &None);
    let ours = our_check(&master, &store, &rune, &None, g, &None);
    assert_eq!(
        theirs,
        Err((1503, "Not authorized: Blacklisted rune".to_owned()))
    );
    assert_eq!(ours, theirs);
}

#[test]
fn our_attenuations_are_accepted_by_the_node() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let rune = node
        .create_rune(json!([["method^list", "method=getinfo"]]))
        .expect("createrune");
    let mut weaker = Rune::from_base64(&rune).expect("parses");
    weaker.add_restriction(Restriction::parse("method=listpeers|method=listnodes").expect("r"));
    weaker.add_restriction(Restriction::parse("pnum<1").expect("r"));
    weaker.add_restriction(Restriction::parse("pnamex!|pnamex=a\\|b").expect("r"));
    let weaker = weaker.to_base64();

    let ok = node
        .rpc(
            "checkrune",
            json!({"rune": weaker, "method": "listpeers", "params": {}}),
        )
        .expect("attenuated rune accepted for listpeers");
    assert_eq!(ok["valid"], json!(true));
    // Refusals: the node's verdict and message are the ones our check gives.
    let master = node_master(&node);
    let store = MemoryRuneStore::new();
    store.register(uid(&rune));
    let p = Some(node.id.clone());
    for (method, params) in [
        ("getinfo", json!({})),
        ("listpeers", json!({"id": node.id})),
        ("listnodes", json!({"x": "a|b"})),
    ] {
        let params = Some(params);
        let theirs = node_check(&node, &weaker, &p, Some(method), &params);
        let ours = our_check(&master, &store, &weaker, &p, Some(method), &params);
        assert!(
            matches!(&theirs, Err((1502, m)) if m.starts_with("Not permitted: ")),
            "{method} refused by the attenuated rune: {theirs:?}"
        );
        assert_eq!(ours, theirs, "{method}");
    }
    let shown = node
        .rpc("showrunes", json!({"rune": weaker}))
        .expect("showrunes");
    let entry = &shown["runes"][0];
    // showrunes says `our_rune: false` only for runes not derived from its secret, and
    // `stored: false` for a rune string it did not issue itself.
    assert_eq!(entry.get("our_rune"), None, "{entry}");
    assert_eq!(entry["stored"], json!(false), "{entry}");
    assert_eq!(entry["unique_id"], json!(uid(&rune).to_string()));
    let ours = showrune_json(&Rune::from_base64(&weaker).expect("parses"));
    for (k, v) in ours.as_object().expect("object") {
        assert_eq!(&entry[k], v, "showrunes {k}");
    }
}

/// `bolt12 rune decode|check|attenuate` (the CLI, as a process) on the node's runes.
#[test]
fn bolt12_rune_cli_agrees_with_the_node() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let secret = node
        .rpc("makesecret", json!({"string": "commando"}))
        .expect("makesecret")["secret"]
        .as_str()
        .expect("hex")
        .to_owned();
    let limit = std::time::Duration::from_secs(60);
    let rune = node
        .create_rune(json!([["method^list", "method=getinfo"], ["pnum<2"]]))
        .expect("createrune");

    // One base64url rune in 64 starts with `-` (and one in 4096 with `-h`): the CLI must
    // still take it as the rune, not as an option.
    let hyphen = common::hyphen_rune(&rune, "-h");
    for r in [&rune, &hyphen] {
        let run = common::run_cli(&["rune", "decode", r], limit);
        assert_eq!(run.code, Some(0), "{run:?}");
        let ours: Value = serde_json::from_str(&run.stdout).expect("JSON");
        let theirs = node.rpc("decode", json!({"string": r})).expect("decode");
        assert_eq!(ours, theirs);
    }

    let peer = node.id.clone();
    for (rune, method, params) in [
        (&hyphen, "listpeers", json!({})),
        (&rune, "listpeers", json!({})),
        (&rune, "getinfo", json!([1, 2])),
        (&rune, "pay", json!({})),
    ] {
        let p = params.to_string();
        let run = common::run_cli(
            &[
                "rune",
                "check",
                rune,
                "--secret",
                &secret,
                "--method",
                method,
                "--params",
                &p,
                "--peer-id",
                &peer,
            ],
            limit,
        );
        let printed: Value = serde_json::from_str(&run.stdout).expect("JSON verdict");
        let theirs = node_check(
            &node,
            rune,
            &Some(peer.clone()),
            Some(method),
            &Some(params),
        );
        match theirs {
            Ok(()) => {
                assert_eq!(run.code, Some(0), "{run:?}");
                assert_eq!(printed, json!({"valid": true}));
            }
            Err((code, message)) => {
                assert_eq!(run.code, Some(1), "{run:?}");
                assert_eq!(
                    printed,
                    json!({"valid": false, "code": code, "message": message}),
                    "{method}"
                );
            }
        }
    }

    for r in [&rune, &hyphen] {
        let run = common::run_cli(
            &["rune", "attenuate", r, "method=listpeers|method=listnodes"],
            limit,
        );
        assert_eq!(run.code, Some(0), "{run:?}");
        let weaker = run.stdout.trim();
        assert_eq!(
            node_check(&node, weaker, &None, Some("listnodes"), &None),
            Ok(())
        );
        assert!(node_check(&node, weaker, &None, Some("getinfo"), &None).is_err());
    }
}
