//! Secret keys read from files (`offer --issuer-key-file`, `--key-material-file`,
//! `stateless ... --key-material-file`): a file only its owner can access, in a folder
//! others cannot write, gives exactly what the same key on the command line gives; any
//! other mode is refused, naming the file, its mode and the `chmod` that fixes it.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

mod common;
use common::{bolt12, ok_stdout};

const KEY: &str = "4141414141414141414141414141414141414141414141414141414141414141";
const KM: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const NONCE: &str = "000102030405060708090a0b0c0d0e0f";

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A fresh folder with `name` holding `contents`, both with the given modes.
fn secret_file(tag: &str, contents: &str, dir_mode: u32, file_mode: u32) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("bolt12-key-files-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    chmod(&dir, 0o700);
    let file = dir.join("secret.hex");
    std::fs::write(&file, format!("{contents}\n")).unwrap();
    chmod(&file, file_mode);
    chmod(&dir, dir_mode);
    (dir, file)
}

fn offer_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "offer",
        "--description",
        "key file",
        "--amount-msat",
        "1000",
    ];
    a.extend_from_slice(extra);
    a
}

#[test]
fn issuer_key_file_gives_the_same_offer_as_the_argument() {
    let (dir, file) = secret_file("issuer", KEY, 0o700, 0o600);
    let f = file.display().to_string();
    let from_file = ok_stdout(&bolt12(&offer_args(&["--issuer-key-file", &f])));
    let from_arg = ok_stdout(&bolt12(&offer_args(&["--issuer-key", KEY])));
    assert_eq!(from_file, from_arg);
    assert!(from_file.starts_with("lno1"));
    // Owner read-only is fine too.
    chmod(&file, 0o400);
    assert_eq!(
        ok_stdout(&bolt12(&offer_args(&["--issuer-key-file", &f]))),
        from_arg
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn key_material_file_for_offer_and_stateless() {
    let (dir, file) = secret_file("km", KM, 0o700, 0o600);
    let f = file.display().to_string();
    let base = ["--issuer-key", KEY, "--nonce", NONCE];
    let from_file = ok_stdout(&bolt12(&offer_args(
        &[&base[..], &["--key-material-file", &f]].concat(),
    )));
    let from_arg = ok_stdout(&bolt12(&offer_args(
        &[&base[..], &["--key-material", KM]].concat(),
    )));
    assert_eq!(from_file, from_arg);
    // An invoice request for that offer is recognised with the key material from the file.
    let offer = from_file.trim();
    let payer = "4242424242424242424242424242424242424242424242424242424242424242";
    let request = {
        let offer: bolt12::Offer = offer.parse().unwrap();
        let sk = secp256k1::SecretKey::from_slice(&hex::decode(payer).unwrap()).unwrap();
        let kp = secp256k1::Keypair::from_secret_key(secp256k1::SECP256K1, &sk);
        bolt12::InvoiceRequestBuilder::new(&offer, vec![7; 16], kp.public_key())
            .unwrap()
            .build_and_sign(&kp, 1_700_000_000)
            .unwrap()
            .to_string()
    };
    let o = bolt12(&[
        "stateless",
        "verify-request",
        "--key-material-file",
        &f,
        &request,
    ]);
    let report: serde_json::Value = serde_json::from_str(&ok_stdout(&o)).unwrap();
    assert_eq!(report["ours"], true, "{report}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn file_others_can_read_is_refused() {
    for mode in [0o644, 0o640, 0o604] {
        let (dir, file) = secret_file("mode", KEY, 0o700, mode);
        let f = file.display().to_string();
        let o = bolt12(&offer_args(&["--issuer-key-file", &f]));
        assert_eq!(o.status.code(), Some(1));
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&f), "{err}");
        assert!(err.contains(&format!("mode {mode:04o}")), "{err}");
        assert!(err.contains(&format!("chmod 600 {f}")), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let (dir, file) = secret_file("mode-km", KM, 0o700, 0o644);
    let o = bolt12(&[
        "stateless",
        "verify-request",
        "--key-material-file",
        &file.display().to_string(),
        "lnr1qqq",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        o.stdout.is_empty(),
        "nothing is verified with a refused key"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("chmod 600"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn folder_others_can_write_is_refused() {
    let (dir, file) = secret_file("folder", KEY, 0o777, 0o600);
    let o = bolt12(&offer_args(&[
        "--issuer-key-file",
        &file.display().to_string(),
    ]));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{}, mode 0777", dir.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("chmod go-w {}", dir.display())),
        "{err}"
    );
    chmod(&dir, 0o700);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn key_and_key_file_together_are_a_usage_error() {
    let (dir, file) = secret_file("both", KEY, 0o700, 0o600);
    let o = bolt12(&offer_args(&[
        "--issuer-key",
        KEY,
        "--issuer-key-file",
        &file.display().to_string(),
    ]));
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invoicerequest_issuer_key_file() {
    let (dir, file) = secret_file("refund", KEY, 0o700, 0o600);
    let f = file.display().to_string();
    let args = |key: [&str; 2]| {
        let mut a = vec![
            "invoicerequest",
            "--amount-msat",
            "1000",
            "--description",
            "key file",
            "--metadata",
            "0102",
        ];
        a.extend_from_slice(&key);
        ok_stdout(&bolt12(&a))
    };
    assert_eq!(args(["--issuer-key-file", &f]), args(["--issuer-key", KEY]));
    chmod(&file, 0o644);
    let o = bolt12(&[
        "invoicerequest",
        "--amount-msat",
        "1000",
        "--description",
        "key file",
        "--issuer-key-file",
        &f,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("chmod 600 {f}")));
    std::fs::remove_dir_all(&dir).unwrap();
}
