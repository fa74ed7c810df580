//! The spec CSV parser and the code generator (`codegen`).
//!
//! - Parsing never panics; comment (`#`) and blank lines change nothing: the same text
//!   with such lines interleaved gives the same model, or fails on the same line content.
//! - Generating code for every message, stream and subtype the text defines never panics,
//!   is deterministic, and when it succeeds the output is syntactically valid Rust.
#![no_main]
use codegen::Generator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut g = Generator::new();
    let parsed = g
        .add_csv("fuzz.csv", text)
        .map(|_| ())
        .map_err(|e| e.to_string());

    let padded: String = text
        .lines()
        .flat_map(|l| ["# comment", l, "   "])
        .collect::<Vec<_>>()
        .join("\n");
    let mut h = Generator::new();
    let padded_parsed = h.add_csv("fuzz.csv", &padded).map(|_| ());
    assert_eq!(parsed.is_ok(), padded_parsed.is_ok(), "{parsed:?}");
    if parsed.is_err() {
        return;
    }
    assert_eq!(g.spec(), h.spec());

    let spec = g.spec();
    let mut roots: Vec<&str> = Vec::new();
    roots.extend(spec.messages.iter().map(|m| m.name.as_str()));
    roots.extend(spec.streams.iter().map(|s| s.name.as_str()));
    roots.extend(spec.subtypes.iter().map(|s| s.name.as_str()));
    let generated = g.generate(&roots);
    assert_eq!(generated.as_ref().ok(), h.generate(&roots).as_ref().ok());
    if let Ok(source) = generated {
        if let Err(e) = syn::parse_file(&source) {
            panic!("generated code is not Rust: {e}\n{source}");
        }
    }
});
