//! `bolt12 rune ...`, `bolt12 lnap ...` and `bolt12 decode` of runes and proofs, run as a
//! user would.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{bolt12, json};

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn decode_rune_like_core_lightning() {
    // lightning-decode.7.md, example 1.
    let o = bolt12(&["decode", "7cKJyALVY0_LLVV-AB9oetXjipOdyt0EhOuYrSS42fM9MA=="]);
    assert!(o.status.success());
    let v = json(&o);
    assert_eq!(v["type"], "rune");
    assert_eq!(v["unique_id"], "0");
    assert_eq!(
        v["string"],
        "edc289c802d5634fcb2d557e001f687ad5e38a939dcadd0484eb98ad24b8d9f3:=0"
    );
    assert_eq!(v["valid"], true);
    assert_eq!(v["restrictions"], serde_json::json!([]));
}

#[test]
fn rune_create_attenuate_check() {
    let secret = "00".repeat(32);
    let o = bolt12(&["rune", "create", "--secret", &secret, "--id", "5"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let master = stdout(&o).trim().to_owned();
    let o = bolt12(&[
        "rune",
        "attenuate",
        &master,
        "method=getinfo|method=listpeers",
    ]);
    assert!(o.status.success());
    let restricted = stdout(&o).trim().to_owned();
    assert_ne!(restricted, master);
    let o = bolt12(&[
        "rune",
        "check",
        &restricted,
        "--secret",
        &secret,
        "--method",
        "getinfo",
    ]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert_eq!(json(&o)["valid"], true);
    let o = bolt12(&[
        "rune",
        "check",
        &restricted,
        "--secret",
        &secret,
        "--method",
        "pay",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["valid"], false);
    assert_eq!(v["code"], 1502);
    // The wrong secret: not derived.
    let o = bolt12(&[
        "rune",
        "check",
        &restricted,
        "--secret",
        &"01".repeat(32),
        "--method",
        "getinfo",
    ]);
    assert_eq!(o.status.code(), Some(1));
    // decode shows the restriction.
    let v = json(&bolt12(&["decode", &restricted]));
    assert_eq!(
        v["restrictions"][0]["alternatives"],
        serde_json::json!(["method=getinfo", "method=listpeers"])
    );
}

fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl (Debian package) is installed");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Root CA and a leaf for example.com, made with openssl, P-256.
fn pki() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bolt12-cli-lnap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("leaf.ext"), "subjectAltName=DNS:example.com\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n").unwrap();
    std::fs::write(dir.join("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n").unwrap();
    openssl(
        &dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "root.key",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/CN=cli test root",
            "-days",
            "3650",
            "-out",
            "root.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        &dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "leaf.key",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=example.com",
            "-out",
            "leaf.csr",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-days",
            "365",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
    dir
}

#[test]
fn lnap_create_verify_check_and_decode() {
    let dir = pki();
    let p = |f: &str| dir.join(f).display().to_string();
    let issuer_key = "11".repeat(32);
    let sk = secp256k1::SecretKey::from_slice(&[0x11; 32]).unwrap();
    let node_id = secp256k1::PublicKey::from_secret_key(secp256k1::SECP256K1, &sk).to_string();
    let o = bolt12(&[
        "lnap",
        "create",
        "--vendor",
        "example.com",
        "--node-id",
        &node_id,
        "--key",
        &p("leaf.key"),
        "--cert",
        &p("leaf.pem"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let proof = stdout(&o).trim().to_owned();
    assert!(proof.starts_with("lnap1"));
    // decode understands lnap strings.
    let v = json(&bolt12(&["decode", &proof]));
    assert_eq!(v["type"], "lnap proof");
    assert_eq!(v["node_ids"][0], node_id);
    // verify: trusted with our root, untrusted with Mozilla's.
    let o = bolt12(&["lnap", "verify", &proof, "--roots", &p("root.pem")]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert_eq!(json(&o)["verdict"], "verified");
    let o = bolt12(&["lnap", "verify", &proof]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["verdict"], "untrusted");
    // Expired leaf, by --at (RFC 3339), and the proof read from a file.
    std::fs::write(dir.join("proof.txt"), &proof).unwrap();
    let o = bolt12(&[
        "lnap",
        "verify",
        &p("proof.txt"),
        "--roots",
        &p("root.pem"),
        "--at",
        "2099-01-01T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["verdict"], "expired");
    // check an offer made with the covered key and the vendor as issuer.
    let o = bolt12(&[
        "offer",
        "--description",
        "coffee",
        "--issuer",
        "example.com",
        "--issuer-key",
        &issuer_key,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let offer = stdout(&o).trim().to_owned();
    let o = bolt12(&["lnap", "check", &proof, &offer, "--roots", &p("root.pem")]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert_eq!(json(&o)["verdict"], "verified");
    // Another key: not covered. Another issuer domain: mismatch.
    let other = stdout(&bolt12(&[
        "offer",
        "--issuer",
        "example.com",
        "--issuer-key",
        &"22".repeat(32),
    ]))
    .trim()
    .to_owned();
    let o = bolt12(&["lnap", "check", &proof, &other, "--roots", &p("root.pem")]);
    assert_eq!(
        (o.status.code(), json(&o)["verdict"].clone()),
        (Some(1), "not_covered".into())
    );
    let evil = stdout(&bolt12(&[
        "offer",
        "--issuer",
        "evil.com",
        "--issuer-key",
        &issuer_key,
    ]))
    .trim()
    .to_owned();
    let o = bolt12(&["lnap", "check", &proof, &evil, "--roots", &p("root.pem")]);
    assert_eq!(
        (o.status.code(), json(&o)["verdict"].clone()),
        (Some(1), "mismatch".into())
    );
    // Garbage proof: one-line error, exit 1.
    let o = bolt12(&["lnap", "verify", "lnap1qqqq"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
