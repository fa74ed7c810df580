//! BOLT 8's two curve operations on libsecp256k1's constant-time `ecmult_const` only
//! (`secp256k1_ecdh` with a callback that hands back the whole shared point, the
//! `secp256k1` crate's `ecdh::shared_secret_point`): no context, no precomputed generator
//! tables and no second curve implementation in the binary. `sk * G` is the same
//! multiplication with the generator as the point.
//!
//! BOLT #8 §"Handshake State": `ECDH(k, rk)` is the SHA-256 of the compressed `k * rk`.

use secp256k1::ecdh::shared_secret_point;
use secp256k1::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The generator G, SEC 1 compressed (SEC 2 §2.4.1).
const G: [u8; 33] = [
    0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b,
    0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17,
    0x98,
];

/// `sk * point`, SEC 1 compressed; `None` when `sk` is zero or not below the order.
fn mul(sk: &[u8; 32], point: &PublicKey) -> Option<Zeroizing<[u8; 33]>> {
    let mut key = SecretKey::from_slice(sk).ok()?;
    let xy = Zeroizing::new(shared_secret_point(point, &key));
    key.non_secure_erase();
    let mut out = Zeroizing::new([0u8; 33]);
    out[0] = 2 | (xy[63] & 1);
    out[1..].copy_from_slice(&xy[..32]);
    Some(out)
}

/// `sk * G`; `None` when `sk` is zero or not below the curve order.
pub(crate) fn public_key(sk: &[u8; 32]) -> Option<PublicKey> {
    let g = PublicKey::from_slice(&G).ok()?;
    PublicKey::from_slice(mul(sk, &g)?.as_ref()).ok()
}

/// SHA-256 of the compressed `sk * point`; `None` when `sk` is out of range.
pub(crate) fn ecdh(sk: &[u8; 32], point: &PublicKey) -> Option<Zeroizing<[u8; 32]>> {
    let shared = mul(sk, point)?;
    Some(Zeroizing::new(Sha256::digest(shared.as_ref()).into()))
}

/// Against the default backend (libsecp256k1 with its context and tables), on BOLT 8's
/// vectors, out-of-range keys and random keys.
#[cfg(test)]
mod tests {
    use super::super::libsecp;
    use super::{ecdh, public_key};
    use secp256k1::PublicKey;

    fn key(hex_str: &str) -> [u8; 32] {
        hex::decode(hex_str).unwrap().try_into().unwrap()
    }

    fn point(hex_str: &str) -> PublicKey {
        PublicKey::from_slice(&hex::decode(hex_str).unwrap()).unwrap()
    }

    /// BOLT #8 Appendix A: keys of both roles and the `ss` of each act.
    #[test]
    fn bolt8_vectors() {
        for (sk, pk) in [
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
        ] {
            assert_eq!(public_key(&key(sk)), Some(point(pk)), "{sk}");
        }
        let e = key("1212121212121212121212121212121212121212121212121212121212121212");
        let s = key("1111111111111111111111111111111111111111111111111111111111111111");
        let rs = point("028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7");
        let re = point("02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27");
        for (k, p, want) in [
            (
                e,
                rs,
                "1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3",
            ),
            (
                e,
                re,
                "c06363d6cc549bcb7913dbb9ac1c33fc1158680c89e972000ecd06b36c472e47",
            ),
            (
                s,
                re,
                "b36b6d195982c5be874d6d542dc268234379e1ae4ff1709402135b7de5cf0766",
            ),
        ] {
            assert_eq!(*ecdh(&k, &p).unwrap(), key(want));
        }
    }

    /// 0, n, n + 1 and all ones are refused; n - 1 gives -G.
    #[test]
    fn out_of_range_keys() {
        let g = point("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        for sk in [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ] {
            assert_eq!(public_key(&key(sk)), None, "{sk}");
            assert!(ecdh(&key(sk), &g).is_none(), "{sk}");
        }
        let n_minus_1 = key("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
        let minus_g = point("0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        assert_eq!(public_key(&n_minus_1), Some(minus_g));
    }

    /// Random keys (fixed-seed xorshift64*): the same public keys and shared secrets as
    /// libsecp256k1's tables and its own ECDH.
    #[test]
    fn random_keys_agree_with_libsecp256k1() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
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
                continue;
            };
            assert_eq!(public_key(&a), Some(pa));
            let shared = libsecp::ecdh(&a, &pb).unwrap();
            assert_eq!(*ecdh(&a, &pb).unwrap(), *shared);
            assert_eq!(*ecdh(&b, &pa).unwrap(), *shared);
            checked += 1;
        }
    }
}
