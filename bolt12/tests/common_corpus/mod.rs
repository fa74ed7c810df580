//! Every BOLT 12 string the repository holds, for tests that run `decode` over all of them:
//! Core Lightning's captured `decode` answers (valid and invalid), BOLT 12's
//! `offers-test.json` and `format-string-test.json` vectors (valid and invalid), the
//! LDK-made offers of the web demo's benchmark, and the fuzz corpora (the string target's
//! inputs as they are, the offer / invoice request / invoice targets' TLV streams
//! bech32-encoded under their prefix).
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn corpus_dir(name: &str) -> Vec<Vec<u8>> {
    let dir = root().join("fuzz").join("corpus").join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read(f).expect("corpus file"))
        .collect()
}

/// (label, string) for every string, in a fixed order.
pub fn strings() -> Vec<(String, String)> {
    let data = root().join("bolt12").join("tests").join("data");
    let mut out = Vec::new();
    let cln = json(&data.join("cln-v26.06.6-decode.json"));
    for c in cln["cases"].as_array().expect("cases") {
        out.push((
            format!("cln: {}", c["label"].as_str().unwrap_or_default()),
            c["string"].as_str().expect("string").to_owned(),
        ));
    }
    for v in json(&data.join("offers-test.json"))
        .as_array()
        .expect("vectors")
    {
        if let Some(s) = v["bolt12"].as_str() {
            out.push(("offers-test.json".into(), s.to_owned()));
        }
    }
    for v in json(&data.join("format-string-test.json"))
        .as_array()
        .expect("vectors")
    {
        if let Some(s) = v["string"].as_str() {
            out.push(("format-string-test.json".into(), s.to_owned()));
        }
    }
    let ldk = json(
        &root()
            .join("web-demo")
            .join("bench")
            .join("ldk-offers.json"),
    );
    for s in ldk["offers"].as_array().expect("offers") {
        out.push((
            "ldk-offers.json".into(),
            s.as_str().expect("offer").to_owned(),
        ));
    }
    for data in corpus_dir("bolt12_string") {
        if let Some(s) = data
            .split_first()
            .and_then(|(_, s)| std::str::from_utf8(s).ok())
        {
            out.push(("fuzz/corpus/bolt12_string".into(), s.to_owned()));
        }
    }
    for (dir, prefix) in [
        ("bolt12_offer", "lno"),
        ("bolt12_invoice_request", "lnr"),
        ("bolt12_invoice", "lni"),
    ] {
        for data in corpus_dir(dir) {
            out.push((
                format!("fuzz/corpus/{dir}"),
                bolt12::string::encode(prefix, &data),
            ));
        }
    }
    out
}
