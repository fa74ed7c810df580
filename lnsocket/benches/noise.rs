//! BOLT 8 costs next to their anchors, in the same run:
//! - message encrypt+decrypt (framing included) vs raw ChaCha20-Poly1305
//!   encrypt+decrypt of the same size with the same crate;
//! - a full handshake (both roles) vs its secp256k1 operations alone.

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

/// Benchmarks run natively only.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
    use criterion::{black_box, criterion_group, BenchmarkId, Criterion, Throughput};
    use lnsocket::framing::Decoder;
    use lnsocket::noise::{Initiator, PrivateKey, Responder, Transport};
    use secp256k1::ecdh::SharedSecret;
    use secp256k1::{PublicKey, Secp256k1, SecretKey};

    fn messages(c: &mut Criterion) {
        for size in [1024usize, 65535] {
            let mut g = c.benchmark_group(format!("message_{size}B"));
            g.throughput(Throughput::Bytes(size as u64));
            let msg = vec![0x5au8; size];

            // Anchor: the AEAD alone, one encrypt and one decrypt per message.
            let aead = ChaCha20Poly1305::new(Key::from_slice(&[7u8; 32]));
            let mut buf = msg.clone();
            let mut n = 0u64;
            g.bench_function(BenchmarkId::new("raw_chacha20poly1305", size), |b| {
                b.iter(|| {
                    n += 1;
                    let mut nonce = [0u8; 12];
                    nonce[4..].copy_from_slice(&n.to_le_bytes());
                    let nonce = Nonce::from(nonce);
                    let tag = aead
                        .encrypt_in_place_detached(&nonce, &[], &mut buf)
                        .unwrap();
                    aead.decrypt_in_place_detached(&nonce, &[], &mut buf, &tag)
                        .unwrap();
                    black_box(&buf);
                })
            });

            // BOLT 8: length header + body, rotation every 500 messages, and
            // the incremental decoder the connection uses.
            let ck = [1u8; 32];
            let mut a = Transport::from_keys(&ck, &[2; 32], &[3; 32]);
            let mut bt = Transport::from_keys(&ck, &[3; 32], &[2; 32]);
            let mut dec = Decoder::new();
            let mut wire = Vec::with_capacity(size + 34);
            g.bench_function(BenchmarkId::new("bolt8_encrypt_decrypt", size), |b| {
                b.iter(|| {
                    wire.clear();
                    a.send.encrypt_into(&msg, &mut wire).unwrap();
                    let mut input = &wire[..];
                    let out = dec.feed(&mut input, &mut bt.recv).unwrap().unwrap();
                    black_box(out);
                })
            });
            g.finish();
        }
    }

    fn handshake(c: &mut Criterion) {
        let mut g = c.benchmark_group("handshake");
        let server = PrivateKey::generate().unwrap();
        let client = PrivateKey::generate().unwrap();
        let server_pub = server.public_key();

        g.bench_function("bolt8_both_roles", |b| {
            b.iter(|| {
                let (i, act1) = Initiator::new(client.clone(), server_pub)
                    .unwrap()
                    .act_one();
                let (r, act2) = Responder::new(server.clone())
                    .unwrap()
                    .read_act_one(&act1)
                    .unwrap();
                let (act3, ti) = i.read_act_two(&act2).unwrap();
                let (_, tr) = r.read_act_three(&act3).unwrap();
                black_box((ti, tr));
            })
        });

        // Anchor: per role, one key generation (random secret + its public key)
        // and three ECDH; twice for both roles.
        let secp = Secp256k1::new();
        let server_sk = random_secret();
        let client_sk = random_secret();
        let client_pk = PublicKey::from_secret_key(&secp, &client_sk);
        let srv_pk = PublicKey::from_secret_key(&secp, &server_sk);
        g.bench_function("secp256k1_only_2x(keygen+3ecdh)", |b| {
            b.iter(|| {
                for (own, other) in [(&client_sk, &srv_pk), (&server_sk, &client_pk)] {
                    let e = random_secret();
                    let e_pub = PublicKey::from_secret_key(&secp, &e);
                    black_box(SharedSecret::new(other, &e));
                    black_box(SharedSecret::new(&e_pub, own));
                    black_box(SharedSecret::new(other, own));
                }
            })
        });
        g.finish();
    }

    fn random_secret() -> SecretKey {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).unwrap();
        SecretKey::from_slice(&bytes).unwrap()
    }

    criterion_group!(benches, messages, handshake);
}
