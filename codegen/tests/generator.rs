//! The generator on its own: small CSVs in, the model and the Rust out.
use codegen::model::Count;
use codegen::{Error, Generator};

const SMALL: &str = "\
msgtype,hello,32769
msgdata,hello,len,u16,
msgdata,hello,names,utf8,len
msgdata,hello,extra,hello_tlvs,
tlvtype,hello_tlvs,color,1
tlvdata,hello_tlvs,color,rgb,byte,3
tlvtype,hello_tlvs,point_pair,2
tlvdata,hello_tlvs,point_pair,a,point,
tlvdata,hello_tlvs,point_pair,b,point,
subtype,thing
subtypedata,thing,n,byte,
subtypedata,thing,items,u32,n
subtypedata,thing,rest,byte,...
tlvtype,things,list,4
tlvdata,things,list,things,thing,...
";

fn generator(csv: &str) -> Generator {
    let mut g = Generator::new();
    g.add_csv("small.csv", csv).unwrap();
    g
}

#[test]
fn parses_every_line_kind() {
    let g = generator(SMALL);
    let spec = g.spec();
    let hello = spec.message("hello").unwrap();
    assert_eq!(hello.type_value, "32769");
    assert_eq!(hello.fields[1].count, Count::Field("len".into()));
    let stream = spec.stream("hello_tlvs").unwrap();
    assert_eq!(
        stream
            .records
            .iter()
            .map(|r| r.tlv_type)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(stream.records[0].fields[0].count, Count::Fixed(3));
    let thing = spec.subtype("thing").unwrap();
    assert_eq!(thing.fields[2].count, Count::Rest);
}

#[test]
fn emits_one_item_per_message_subtype_stream_and_multi_field_record() {
    let code = generator(SMALL).generate(&["hello", "things"]).unwrap();
    for item in [
        "pub struct Hello {",
        "pub struct HelloTlvs {",
        "pub struct PointPair {",
        "pub struct Thing {",
        "pub struct ThingsTlvs {",
        "pub const TYPE: u16 = 32769;",
        "pub const KNOWN_TYPES: &'static [u64] = &[1, 2];",
    ] {
        assert!(code.contains(item), "missing `{item}` in:\n{code}");
    }
    // Length fields are derived, not stored.
    assert!(!code.contains("pub len:"));
    assert!(!code.contains("pub n:"));
    // Single-field records are stored as their field's type; fixed byte arrays as arrays.
    assert!(code.contains("pub color: Option<[u8; 3]>,"));
    assert!(code.contains("pub list: Option<Vec<Thing>>,"));
    // Documented with spec names.
    assert!(code.contains("/// Type 1 (`color`): `rgb` `3*byte`."));
    assert!(code.contains("/// Message `hello`, type 32769 (from `small.csv`)."));
}

#[test]
fn generates_only_what_roots_need() {
    let code = generator(SMALL).generate(&["hello"]).unwrap();
    assert!(code.contains("pub struct HelloTlvs"));
    assert!(!code.contains("pub struct Thing"));
}

#[test]
fn typealias_patches_resolve_types() {
    let mut g = generator("tlvtype,s,r,1\ntlvdata,s,r,x,u8,\n");
    assert_eq!(
        g.generate(&["s"]).unwrap_err(),
        Error::UnknownType("u8".into())
    );
    g.add_csv("patch.csv", "# comment\ntypealias,u8,byte\n")
        .unwrap();
    assert!(g.generate(&["s"]).unwrap().contains("pub r: Option<u8>,"));
}

#[test]
fn extern_types_are_used_not_generated() {
    let mut g = generator(
        "subtype,inner\nsubtypedata,inner,v,u8,\ntlvtype,s,r,1\ntlvdata,s,r,x,inner,...\n",
    );
    g.extern_type("inner", "::other::Inner");
    let code = g.generate(&["s"]).unwrap();
    assert!(code.contains("Option<Vec<::other::Inner>>"));
    assert!(!code.contains("pub struct Inner"));
}

#[test]
fn extern_streams_are_read_and_written_with_the_stream_api() {
    let mut g = generator(
        "tlvtype,inner,a,1\ntlvdata,inner,a,x,byte,...\ntlvtype,outer,wrapped,64\ntlvdata,outer,wrapped,w,inner,\n",
    );
    g.extern_type("inner", "::other::tlv::InnerTlvs");
    let code = g.generate(&["outer"]).unwrap();
    assert!(code.contains("pub wrapped: Option<::other::tlv::InnerTlvs>,"));
    assert!(code.contains("::other::tlv::InnerTlvs::read(r)?"));
    assert!(code.contains("::other::tlv::InnerTlvs::write(v, out)?"));
    assert!(!code.contains("pub struct InnerTlvs"));
    assert!(!code.contains("<::other::tlv::InnerTlvs as ::wire::Wire>"));
}

#[test]
fn malformed_csv_is_refused_with_its_line() {
    let cases = [
        ("msgdata,nope,a,u8,\n", "undeclared message"),
        ("tlvtype,s,a,1\ntlvtype,s,b,1\n", "repeats"),
        ("tlvtype,s,a,x\n", "not a number"),
        (
            "msgtype,m,1\nmsgdata,m,a,byte,len\n",
            "not an earlier single field",
        ),
        ("subtype,t\nsubtypedata,t,a,byte\n", "needs 5 columns"),
        ("bogus,1\n", "unknown line kind"),
    ];
    for (csv, why) in cases {
        let mut g = Generator::new();
        match g.add_csv("bad.csv", csv) {
            Err(Error::Csv { line, message, .. }) => {
                assert!(message.contains(why), "{csv:?}: {message}");
                assert!(line >= 1);
            }
            other => panic!("{csv:?} accepted: {other:?}"),
        }
    }
}

#[test]
fn unknown_roots_and_symbolic_message_types_are_errors() {
    let g = generator("msgtype,fail,PERM|NODE|2\n");
    assert_eq!(
        g.generate(&["nothing"]).unwrap_err(),
        Error::UnknownRoot("nothing".into())
    );
    assert!(matches!(g.generate(&["fail"]), Err(Error::Unsupported(_))));
}

#[test]
fn the_real_csvs_generate() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec-csv/");
    let mut g = Generator::new();
    for f in [
        "01-messaging.csv",
        "04-onion-routing.csv",
        "12-offer-encoding.csv",
        "patches.csv",
    ] {
        g.add_csv(f, &std::fs::read_to_string(format!("{dir}{f}")).unwrap())
            .unwrap();
    }
    let code = g
        .generate(&[
            "offer",
            "invoice_request",
            "invoice",
            "invoice_error",
            "init",
            "onionmsg_tlv",
        ])
        .unwrap();
    // onionmsg_tlv's `tlv_invoice_request` resolves to BOLT 12's stream through the patch.
    assert!(code.contains("pub invoice_request: Option<InvoiceRequestTlvs>,"));
    assert!(code.contains("pub invreq_bip_353_name: Option<InvreqBip353Name>,"));
    // Shared multi-field record generated once.
    assert_eq!(code.matches("pub struct InvreqBip353Name {").count(), 1);
}

/// Found by `fuzz/fuzz_targets/codegen_csv.rs`: BOLT 1's CSV with control characters in two
/// field names was accepted and generated code that is not Rust. Names must be identifiers.
#[test]
fn fuzz_regression_names_must_be_identifiers() {
    let input = include_bytes!("data/fuzz-field-name-control-chars.csv");
    let text = std::str::from_utf8(input).unwrap();
    let err = Generator::new()
        .add_csv("fuzz.csv", text)
        .map(|_| ())
        .unwrap_err();
    assert!(err.to_string().contains("is not an identifier"), "{err}");
    for bad in [
        "msgtype,bad-name,1",
        "subtype,1thing",
        "tlvtype,s\u{7f},r,1",
        "tlvtype,s,r r,1",
        "msgtype,m,1\nmsgdata,m,self,u8,",
        "msgtype,m,1\nmsgdata,m,a\0b,u8,",
    ] {
        let e = Generator::new()
            .add_csv("bad.csv", bad)
            .map(|_| ())
            .unwrap_err();
        assert!(
            e.to_string().contains("is not an identifier"),
            "{bad:?}: {e}"
        );
    }
    // Keywords that can be raw identifiers are still fine.
    assert!(Generator::new()
        .add_csv("ok.csv", "msgtype,m,1\nmsgdata,m,type,u8,")
        .is_ok());
}
