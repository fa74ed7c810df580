//! The two secp256k1 operations BOLT 8 needs, behind one small interface:
//! a private key's public key, and BOLT #8 §"Handshake State" `ECDH(k, rk)`: the SHA-256
//! of the compressed shared point `k * rk`.
//!
//! Two backends, both libsecp256k1 (through the `secp256k1` crate):
//!
//! - [`libsecp`], the default: a signing context with its precomputed generator tables
//!   (`sk * G` by table lookups) and `secp256k1_ecdh`.
//! - [`tableless`] (`curve_tableless.rs`), with the feature `tableless-curve`: both
//!   operations on libsecp256k1's constant-time `ecmult_const` alone (`sk * G` is the same
//!   multiplication with G as the point). No context and no generator tables, so their
//!   code and ~33 kB of incompressible table data stay out of the binary; the cost is a
//!   slower `sk * G`, three per handshake. For the npm package's Commando entry, where
//!   nothing but lnsocket needs libsecp256k1 (no BOLT 12 there).
//!
//! Both are compiled under `cargo test` and checked on BOLT 8's vectors, the scalar range
//! edges and random keys (`tests`).

#[cfg(feature = "tableless-curve")]
pub(crate) use tableless::{ecdh, public_key};

#[cfg(not(feature = "tableless-curve"))]
pub(crate) use libsecp::{ecdh, public_key};

#[cfg(any(feature = "tableless-curve", test))]
#[path = "curve_tableless.rs"]
pub(crate) mod tableless;

/// libsecp256k1 with a signing context (its generator tables) and its own ECDH.
#[cfg(any(not(feature = "tableless-curve"), test))]
pub(crate) mod libsecp {
    use std::sync::OnceLock;

    use secp256k1::ecdh::SharedSecret;
    use secp256k1::ffi::types::AlignedType;
    use secp256k1::{PublicKey, Secp256k1, SecretKey, SignOnlyPreallocated};
    use zeroize::Zeroizing;

    /// A signing context in a buffer we allocate, so that `secp256k1` needs no `alloc`
    /// feature (whose `#[no_mangle]` context constructor would be exported, and kept, by
    /// every wasm build that links lnsocket, the Commando build included).
    fn secp() -> &'static Secp256k1<SignOnlyPreallocated<'static>> {
        static CTX: OnceLock<Secp256k1<SignOnlyPreallocated<'static>>> = OnceLock::new();
        CTX.get_or_init(|| {
            let words = Secp256k1::preallocate_signing_size();
            let buf: &'static mut [AlignedType] =
                Box::leak(vec![AlignedType::zeroed(); words].into_boxed_slice());
            // The buffer has the size the library asked for, so this cannot fail.
            #[allow(clippy::expect_used)]
            Secp256k1::preallocated_signing_only(buf).expect("buffer of the preallocated size")
        })
    }

    /// `sk * G`; `None` when `sk` is zero or not below the curve order.
    pub(crate) fn public_key(sk: &[u8; 32]) -> Option<PublicKey> {
        let mut key = SecretKey::from_slice(sk).ok()?;
        let pk = PublicKey::from_secret_key(secp(), &key);
        key.non_secure_erase();
        Some(pk)
    }

    /// SHA-256 of the compressed `sk * point` (libsecp256k1's default ECDH hash);
    /// `None` when `sk` is out of range.
    pub(crate) fn ecdh(sk: &[u8; 32], point: &PublicKey) -> Option<Zeroizing<[u8; 32]>> {
        let mut key = SecretKey::from_slice(sk).ok()?;
        let mut ss = SharedSecret::new(point, &key);
        let out = Zeroizing::new(ss.secret_bytes());
        ss.non_secure_erase();
        key.non_secure_erase();
        Some(out)
    }
}

/// Every backend on BOLT 8's vectors and the scalar range edges; every non-default backend
/// against the default (`libsecp`) on random keys. The one test module for both.
#[cfg(test)]
mod tests {
    use super::{libsecp, tableless};
    use secp256k1::PublicKey;
    use zeroize::Zeroizing;

    type PublicKeyFn = fn(&[u8; 32]) -> Option<PublicKey>;
    type EcdhFn = fn(&[u8; 32], &PublicKey) -> Option<Zeroizing<[u8; 32]>>;

    /// Every backend by name, the default first.
    const BACKENDS: [(&str, PublicKeyFn, EcdhFn); 2] = [
        ("libsecp", libsecp::public_key, libsecp::ecdh),
        ("tableless", tableless::public_key, tableless::ecdh),
    ];

    fn key(hex_str: &str) -> [u8; 32] {
        hex::decode(hex_str).unwrap().try_into().unwrap()
    }

    fn point(hex_str: &str) -> PublicKey {
        PublicKey::from_slice(&hex::decode(hex_str).unwrap()).unwrap()
    }

    /// BOLT #8 Appendix A: the static and ephemeral keys of both roles, and the `ss` of
    /// each act the vectors print.
    #[test]
    fn bolt8_vector_keys_and_shared_secrets() {
        // Initiator ls, e; responder ls, e (BOLT #8 "Initiator Tests", "Responder Tests").
        let keys = [
            (
                "1111111111111111111111111111111111111111111111111111111111111111",
                "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa",
            ),
            (
                "1212121212121212121212121212121212121212121212121212121212121212",
                "036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f7",
            ),
            (
                "2121212121212121212121212121212121212121212121212121212121212121",
                "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7",
            ),
            (
                "2222222222222222222222222222222222222222222222222222222222222222",
                "02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27",
            ),
        ];
        let e = key("1212121212121212121212121212121212121212121212121212121212121212");
        let s = key("1111111111111111111111111111111111111111111111111111111111111111");
        let rs = point("028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7");
        let re = point("02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27");
        let acts = [
            // Act one: ss = ECDH(e.priv, rs).
            (
                e,
                rs,
                "1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3",
            ),
            // Act two: ss = ECDH(e.priv, re).
            (
                e,
                re,
                "c06363d6cc549bcb7913dbb9ac1c33fc1158680c89e972000ecd06b36c472e47",
            ),
            // Act three: ss = ECDH(s.priv, re).
            (
                s,
                re,
                "b36b6d195982c5be874d6d542dc268234379e1ae4ff1709402135b7de5cf0766",
            ),
        ];
        for (name, public_key, ecdh) in BACKENDS {
            for (sk, pk) in keys {
                assert_eq!(public_key(&key(sk)), Some(point(pk)), "{name} {sk}");
            }
            for (k, p, want) in acts {
                assert_eq!(*ecdh(&k, &p).unwrap(), key(want), "{name} {want}");
            }
        }
    }

    /// Out-of-range private keys are refused by every backend: 0, the order n, n + 1, all
    /// ones. n - 1, the largest valid key, gives -G.
    #[test]
    fn out_of_range_keys_are_refused() {
        let g = point("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        let n_minus_1 = key("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
        let minus_g = point("0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        for (name, public_key, ecdh) in BACKENDS {
            for sk in [
                "0000000000000000000000000000000000000000000000000000000000000000",
                "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
                "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
                "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            ] {
                assert_eq!(public_key(&key(sk)), None, "{name} {sk}");
                assert!(ecdh(&key(sk), &g).is_none(), "{name} {sk}");
            }
            assert_eq!(public_key(&n_minus_1), Some(minus_g), "{name}");
        }
    }

    /// Random keys (a fixed-seed xorshift64*, so a failure replays): every non-default
    /// backend gives the default's public keys and shared secrets, both ways round.
    #[test]
    fn random_keys_agree_with_libsecp256k1() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            let mut out = [0u8; 32];
            for chunk in out.chunks_mut(8) {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                chunk.copy_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
            }
            out
        };
        let mut checked = 0;
        while checked < 200 {
            let (a, b) = (next(), next());
            let (Some(pa), Some(pb)) = (libsecp::public_key(&a), libsecp::public_key(&b)) else {
                continue; // out of range: probability ~2^-128
            };
            let shared = libsecp::ecdh(&a, &pb).unwrap();
            assert_eq!(*libsecp::ecdh(&b, &pa).unwrap(), *shared);
            for (name, public_key, ecdh) in &BACKENDS[1..] {
                assert_eq!(public_key(&a), Some(pa), "{name}");
                assert_eq!(*ecdh(&a, &pb).unwrap(), *shared, "{name}");
                assert_eq!(*ecdh(&b, &pa).unwrap(), *shared, "{name}");
            }
            checked += 1;
        }
    }
}
