//! Test-time PKI: real root / intermediate / leaf chains made with rcgen
//! (ECDSA keys) and the Debian `openssl` command (RSA keys, and the SHA-1
//! signed certificate rcgen cannot make).

#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SignatureAlgorithm, PKCS_ECDSA_P256_SHA256,
    PKCS_ECDSA_P384_SHA384, PKCS_RSA_SHA256,
};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Verification time for the generated chains: 2026-06-01T00:00:00Z.
pub const AT: i64 = 1_780_272_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rsa2048,
    Rsa4096,
    P256,
    P384,
}

impl Kind {
    fn alg(self) -> &'static SignatureAlgorithm {
        match self {
            Kind::Rsa2048 | Kind::Rsa4096 => &PKCS_RSA_SHA256,
            Kind::P256 => &PKCS_ECDSA_P256_SHA256,
            Kind::P384 => &PKCS_ECDSA_P384_SHA384,
        }
    }
}

/// Runs `openssl` with `args`, feeding `stdin`, returning stdout.
pub fn openssl(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the openssl command (Debian package openssl) is needed by these tests");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn openssl_rsa(bits: u32) -> String {
    let arg = format!("rsa_keygen_bits:{bits}");
    String::from_utf8(openssl(
        &["genpkey", "-algorithm", "RSA", "-pkeyopt", &arg],
        b"",
    ))
    .unwrap()
}

/// A fresh PKCS#8 PEM private key. RSA keys come from openssl; to keep the
/// suite quick, each RSA size is generated a few times per test run and
/// reused round-robin (distinct keys are still handed out in sequence).
pub fn key_pem(kind: Kind) -> String {
    static RSA2048: OnceLock<Vec<String>> = OnceLock::new();
    static RSA4096: OnceLock<Vec<String>> = OnceLock::new();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let pool = match kind {
        Kind::Rsa2048 => RSA2048.get_or_init(|| (0..4).map(|_| openssl_rsa(2048)).collect()),
        Kind::Rsa4096 => RSA4096.get_or_init(|| (0..3).map(|_| openssl_rsa(4096)).collect()),
        Kind::P256 | Kind::P384 => {
            return KeyPair::generate_for(kind.alg()).unwrap().serialize_pem();
        }
    };
    let i = NEXT.fetch_add(1, Ordering::Relaxed);
    pool[i % pool.len()].clone()
}

fn key_pair(pem: &str, kind: Kind) -> KeyPair {
    KeyPair::from_pem_and_sign_algo(pem, kind.alg()).unwrap()
}

/// A certificate with its private key.
pub struct Cert {
    pub pem: String,
    pub der: Vec<u8>,
    pub key_pem: String,
    pub kind: Kind,
}

/// A CA able to issue.
pub struct Ca {
    pub cert: Cert,
    issuer: Issuer<'static, KeyPair>,
}

fn name(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "lnap test PKI");
    dn.push(DnType::CommonName, cn);
    dn
}

/// CA parameters: valid 2025-01-01 .. 2030-01-01.
pub fn ca_params(cn: &str, path_len: Option<u8>) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name = name(cn);
    p.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2030, 1, 1);
    p
}

/// Leaf parameters for `sans`: valid 2026-01-01 .. 2027-01-01.
pub fn leaf_params(sans: &[&str]) -> CertificateParams {
    let names: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
    let mut p = CertificateParams::new(names).unwrap();
    p.distinguished_name = name(sans.first().copied().unwrap_or("leaf"));
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.not_before = rcgen::date_time_ymd(2026, 1, 1);
    p.not_after = rcgen::date_time_ymd(2027, 1, 1);
    p
}

/// Self-signed root.
pub fn root(kind: Kind, params: CertificateParams) -> Ca {
    let key_pem = key_pem(kind);
    let key = key_pair(&key_pem, kind);
    let c = params.self_signed(&key).unwrap();
    Ca {
        cert: Cert {
            pem: c.pem(),
            der: c.der().to_vec(),
            key_pem,
            kind,
        },
        issuer: Issuer::new(params, key),
    }
}

/// Certificate issued by `parent`.
pub fn issue(parent: &Ca, kind: Kind, params: &CertificateParams) -> Cert {
    let key_pem = key_pem(kind);
    let key = key_pair(&key_pem, kind);
    let c = params.signed_by(&key, &parent.issuer).unwrap();
    Cert {
        pem: c.pem(),
        der: c.der().to_vec(),
        key_pem,
        kind,
    }
}

/// Intermediate CA issued by `parent`.
pub fn intermediate(parent: &Ca, kind: Kind, params: CertificateParams) -> Ca {
    let cert = issue(parent, kind, &params);
    let key = key_pair(&cert.key_pem, kind);
    Ca {
        cert,
        issuer: Issuer::new(params, key),
    }
}

/// Root -> intermediate -> leaf for `example.com` and `*.example.com`, all of `kind`.
pub struct Chain {
    pub root: Ca,
    pub inter: Ca,
    pub leaf: Cert,
}

pub fn chain(kind: Kind) -> Chain {
    let root = root(kind, ca_params("Test Root", None));
    let inter = intermediate(&root, kind, ca_params("Test Intermediate", Some(0)));
    let leaf = issue(
        &inter,
        kind,
        &leaf_params(&["example.com", "*.example.com"]),
    );
    Chain { root, inter, leaf }
}

/// A scratch directory unique to this process and call.
pub fn scratch_dir() -> std::path::PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lnap-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A leaf for `example.com`, signed by `ca` with ecdsa-with-SHA1 (or
/// sha1WithRSAEncryption) by the openssl command.
pub fn sha1_leaf(ca: &Ca) -> Cert {
    openssl_leaf(ca, &["-sha1"])
}

/// A P-256 leaf for `example.com` signed by `ca` by the openssl command,
/// with extra signing options such as `-sha1` or RSA-PSS `-sigopt`s.
pub fn openssl_leaf(ca: &Ca, sign_opts: &[&str]) -> Cert {
    let dir = scratch_dir();
    let ca_pem = dir.join("ca.pem");
    let ca_key = dir.join("ca.key");
    let ext = dir.join("ext.cnf");
    let leaf_key = dir.join("leaf.key");
    std::fs::write(&ca_pem, &ca.cert.pem).unwrap();
    std::fs::write(&ca_key, &ca.cert.key_pem).unwrap();
    std::fs::write(
        &ext,
        "subjectAltName=DNS:example.com\nbasicConstraints=critical,CA:FALSE\n",
    )
    .unwrap();
    let key_pem = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
        .unwrap()
        .serialize_pem();
    std::fs::write(&leaf_key, &key_pem).unwrap();
    let p = |x: &std::path::Path| x.to_str().unwrap().to_owned();
    let csr = openssl(
        &[
            "req",
            "-new",
            "-key",
            &p(&leaf_key),
            "-subj",
            "/CN=example.com",
        ],
        b"",
    );
    let (ca_pem, ca_key, ext) = (p(&ca_pem), p(&ca_key), p(&ext));
    let mut args = vec![
        "x509",
        "-req",
        "-CA",
        &ca_pem,
        "-CAkey",
        &ca_key,
        "-days",
        "3650",
        "-set_serial",
        "4242",
        "-extfile",
        &ext,
    ];
    args.extend_from_slice(sign_opts);
    let pem = openssl(&args, &csr);
    std::fs::remove_dir_all(&dir).ok();
    let pem = String::from_utf8(pem).unwrap();
    let der = lnap::pki::parse_certificates(pem.as_bytes()).unwrap()[0]
        .der()
        .to_vec();
    Cert {
        pem,
        der,
        key_pem,
        kind: Kind::P256,
    }
}

/// Converts a PKCS#8 PEM key to the "traditional" PKCS#1 / SEC 1 PEM form.
pub fn traditional_pem(pkcs8_pem: &str) -> String {
    String::from_utf8(openssl(&["pkey", "-traditional"], pkcs8_pem.as_bytes())).unwrap()
}

/// What rustls-webpki (with ring) says about the same chain, as an
/// independent oracle: path to `root` at [`AT`] for serverAuth, then `domain`.
pub fn webpki_verdict(
    leaf: &Cert,
    chain_pem: &str,
    root: &Ca,
    domain: &str,
) -> Result<(), webpki::Error> {
    use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
    let leaf_der = CertificateDer::from(leaf.der.clone());
    let ee = webpki::EndEntityCert::try_from(&leaf_der)?;
    let root_der = CertificateDer::from(root.cert.der.clone());
    let anchors = vec![webpki::anchor_from_trusted_cert(&root_der)?.to_owned()];
    let intermediates: Vec<CertificateDer<'static>> = if chain_pem.is_empty() {
        Vec::new()
    } else {
        lnap::pki::parse_certificates(chain_pem.as_bytes())
            .unwrap()
            .iter()
            .map(|c| CertificateDer::from(c.der().to_vec()))
            .collect()
    };
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(AT as u64));
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &intermediates,
        time,
        webpki::KeyUsage::server_auth(),
        None,
        None,
    )?;
    let name = ServerName::try_from(domain.to_owned()).map_err(|_| webpki::Error::BadDer)?;
    ee.verify_is_valid_for_subject_name(&name)
}
