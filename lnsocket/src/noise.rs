//! BOLT 8 `Noise_XK_secp256k1_ChaChaPoly_SHA256` handshake and message
//! ciphers, as a sans-IO state machine.
//!
//! Implements BOLT #8 §"Authenticated Key Exchange Handshake Specification"
//! (acts one, two and three), §"Lightning Message Specification" (18-byte
//! encrypted length header plus encrypted body) and §"Lightning Message Key
//! Rotation" (rotation after 1000 uses of a key, chained through `ck`).
//!
//! Each handshake role is a chain of types: a state can only be advanced by
//! consuming it, so an act cannot be replayed or processed out of order.
//!
//! Why not `snow`: BOLT 8 key rotation derives the new key from the
//! handshake's final chaining key (`ck, k = HKDF(ck, k)`). `snow` never
//! exposes the chaining key after `into_transport_mode`, and its own rekey
//! (`REKEY(k)` of the Noise spec §11.3) is a different function, so the
//! rotation cannot be implemented on top of it. Its `DHChoice` enum also has
//! no secp256k1 variant, so the protocol name that seeds `h` would have to be
//! forged around the parser. We therefore build directly on
//! `chacha20poly1305`, `hkdf`, `sha2` and `secp256k1` (public keys and ECDH from the `curve`
//! crate: libsecp256k1 with its generator tables natively, a constant-time multiplication
//! of its own on wasm32).

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, Tag};
use curve::{PublicPoint, SecretScalar};
use hkdf::Hkdf;
use secp256k1::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// BOLT #8 §"Noise Protocol Instantiation": the protocol name hashed into `h`.
const PROTOCOL_NAME: &[u8] = b"Noise_XK_secp256k1_ChaChaPoly_SHA256";
/// BOLT #8 §"Handshake State Initialization": the prologue.
const PROLOGUE: &[u8] = b"lightning";
/// BOLT #8 §"Handshake Versioning": the only defined handshake version.
const VERSION: u8 = 0;

/// Size of act one and act two on the wire (BOLT #8 §"Act One", §"Act Two").
pub const ACT_ONE_LEN: usize = 50;
/// Size of act two on the wire.
pub const ACT_TWO_LEN: usize = 50;
/// Size of act three on the wire (BOLT #8 §"Act Three").
pub const ACT_THREE_LEN: usize = 66;
/// Poly1305 tag size.
pub const MAC_LEN: usize = 16;
/// Encrypted length header: 2-byte length plus its MAC (BOLT #8 §"Encrypting
/// and Sending Messages").
pub const LENGTH_HEADER_LEN: usize = 2 + MAC_LEN;
/// Largest Lightning message: the length prefix is a `u16`.
pub const MAX_MESSAGE_LEN: usize = u16::MAX as usize;
/// BOLT #8 §"Lightning Message Key Rotation": rotate once the nonce reaches 1000.
const ROTATION_INTERVAL: u64 = 1000;

/// Which act of the handshake an error refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Act one (initiator to responder).
    One,
    /// Act two (responder to initiator).
    Two,
    /// Act three (initiator to responder).
    Three,
}

impl std::fmt::Display for Act {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Act::One => f.write_str("one"),
            Act::Two => f.write_str("two"),
            Act::Three => f.write_str("three"),
        }
    }
}

/// Everything that can go wrong in the handshake or message ciphers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoiseError {
    /// The act did not have its fixed size (`ACT1_READ_FAILED`, ...).
    #[error("act {act}: expected {expected} bytes, got {got}")]
    ActWrongLength {
        /// The act.
        act: Act,
        /// The size BOLT 8 fixes for it.
        expected: usize,
        /// What was received.
        got: usize,
    },
    /// The version byte was not 0.
    #[error("act {act}: unknown handshake version {version}")]
    BadVersion {
        /// The act.
        act: Act,
        /// The version byte received.
        version: u8,
    },
    /// A public key in the act was not a valid compressed secp256k1 point.
    #[error("act {act}: invalid public key")]
    BadPublicKey {
        /// The act.
        act: Act,
    },
    /// Act three's encrypted static key failed authentication.
    #[error("act three: encrypted static key failed authentication")]
    BadStaticKeyCiphertext,
    /// The act's final MAC failed authentication.
    #[error("act {act}: MAC check failed")]
    BadTag {
        /// The act.
        act: Act,
    },
    /// A message was longer than 65535 bytes and cannot be sent.
    #[error("message of {0} bytes exceeds the 65535-byte maximum")]
    MessageTooLong(usize),
    /// The encrypted length header failed authentication.
    #[error("message length header failed authentication")]
    BadLengthTag,
    /// The encrypted message body failed authentication.
    #[error("message body failed authentication")]
    BadBodyTag,
}

/// A secp256k1 private key (erased when dropped) with its public key,
/// computed once. Held as bytes (`curve`'s byte-level keys): the handshake needs
/// no `secp256k1` type, so on wasm32 it links no libsecp256k1.
#[derive(Clone)]
pub struct PrivateKey {
    sk: SecretScalar,
    pk: PublicPoint,
}

impl PrivateKey {
    /// Wrap 32 bytes as a private key; `None` if out of range.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        SecretScalar::from_bytes(bytes).map(Self::from_scalar)
    }

    /// The key with its public point, computed once.
    fn from_scalar(sk: SecretScalar) -> Self {
        Self {
            pk: sk.public_point(),
            sk,
        }
    }

    /// A fresh random key from the operating system (or the browser's
    /// `crypto.getRandomValues`), as BOLT 8's `generateKey()` requires.
    #[cfg(feature = "io")]
    pub fn generate() -> Result<Self, getrandom::Error> {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            getrandom::getrandom(bytes.as_mut())?;
            if let Some(k) = Self::from_bytes(&bytes) {
                return Ok(k);
            }
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        self.pk.to_public_key()
    }

    /// The matching public key as its 33-byte encoding (no libsecp256k1 on wasm32).
    pub fn public_point(&self) -> PublicPoint {
        self.pk
    }

    /// A copy of the secret key (for a holder that erases it on drop, as messenger's
    /// `NodeKey` does), with no second multiplication for its public key.
    pub fn secret_key(&self) -> SecretKey {
        self.sk.to_secret_key()
    }

    fn ecdh(&self, point: &PublicPoint) -> Zeroizing<[u8; 32]> {
        // BOLT #8 §"Handshake State": ECDH is SHA256 of the compressed shared point.
        self.sk.ecdh(point)
    }
}

impl From<&SecretKey> for PrivateKey {
    fn from(sk: &SecretKey) -> Self {
        Self::from_scalar(SecretScalar::from(sk))
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey(public {})", self.pk)
    }
}

/// BOLT #8 §"Handshake State": `HKDF(salt, ikm)` returning two 32-byte keys.
fn hkdf2(salt: &[u8; 32], ikm: &[u8]) -> (Zeroizing<[u8; 32]>, Zeroizing<[u8; 32]>) {
    let mut okm = Zeroizing::new([0u8; 64]);
    // 64 bytes is far below HKDF-SHA256's 255*32 limit, so expand cannot fail;
    // falling back to zero output would still not be reachable.
    let _ = Hkdf::<Sha256>::new(Some(salt), ikm).expand(&[], okm.as_mut());
    let mut a = Zeroizing::new([0u8; 32]);
    let mut b = Zeroizing::new([0u8; 32]);
    a.copy_from_slice(&okm[..32]);
    b.copy_from_slice(&okm[32..]);
    (a, b)
}

/// BOLT #8 §"Handshake State": the 96-bit nonce is 32 zero bits followed by
/// a little-endian 64-bit value.
fn nonce_bytes(n: u64) -> [u8; 12] {
    let mut bytes = [0u8; 12];
    bytes[4..].copy_from_slice(&n.to_le_bytes());
    bytes
}

fn nonce(n: u64) -> Nonce {
    Nonce::from(nonce_bytes(n))
}

fn cipher(key: &[u8; 32]) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(Key::from_slice(key))
}

/// `encryptWithAD(k, n, ad, plaintext)`, appending ciphertext and tag to `out`.
fn encrypt_with_ad(key: &[u8; 32], n: u64, ad: &[u8], plaintext: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(plaintext);
    let body = &mut out[start..];
    // ChaCha20-Poly1305 encryption only fails for > 256 GiB inputs.
    if let Ok(tag) = cipher(key).encrypt_in_place_detached(&nonce(n), ad, body) {
        out.extend_from_slice(&tag);
    }
}

/// `decryptWithAD(k, n, ad, ciphertext)`; `None` when the MAC is wrong.
fn decrypt_with_ad(key: &[u8; 32], n: u64, ad: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    let split = ciphertext.len().checked_sub(MAC_LEN)?;
    let (body, tag) = ciphertext.split_at(split);
    let mut plain = body.to_vec();
    match cipher(key).decrypt_in_place_detached(&nonce(n), ad, &mut plain, Tag::from_slice(tag)) {
        Ok(()) => Some(plain),
        Err(_) => {
            plain.zeroize();
            None
        }
    }
}

/// The symmetric part of the handshake state: `ck` and `h`.
struct Symmetric {
    ck: Zeroizing<[u8; 32]>,
    h: [u8; 32],
}

impl Symmetric {
    /// BOLT #8 §"Handshake State Initialization", steps 1 to 3, with the
    /// responder's static key mixed into `h`.
    fn init(responder_static: &PublicPoint) -> Self {
        let ck: [u8; 32] = Sha256::digest(PROTOCOL_NAME).into();
        let mut s = Self {
            ck: Zeroizing::new(ck),
            h: ck,
        };
        s.mix_hash(PROLOGUE);
        s.mix_hash(&responder_static.serialize());
        s
    }

    /// `h = SHA-256(h || data)`.
    fn mix_hash(&mut self, data: &[u8]) {
        let mut hasher = Sha256::new();
        hasher.update(self.h);
        hasher.update(data);
        self.h = hasher.finalize().into();
    }

    /// `ck, temp_k = HKDF(ck, ss)`.
    fn mix_key(&mut self, ss: &[u8; 32]) -> Zeroizing<[u8; 32]> {
        let (ck, k) = hkdf2(&self.ck, ss);
        self.ck = ck;
        k
    }
}

fn parse_act(act: Act, bytes: &[u8], expected: usize) -> Result<(), NoiseError> {
    if bytes.len() != expected {
        return Err(NoiseError::ActWrongLength {
            act,
            expected,
            got: bytes.len(),
        });
    }
    match bytes.first() {
        Some(&VERSION) => Ok(()),
        Some(&version) => Err(NoiseError::BadVersion { act, version }),
        None => Err(NoiseError::ActWrongLength {
            act,
            expected,
            got: 0,
        }),
    }
}

fn parse_pubkey(act: Act, bytes: &[u8]) -> Result<PublicPoint, NoiseError> {
    // BOLT 8 keys are always 33-byte compressed points.
    PublicPoint::from_slice(bytes).ok_or(NoiseError::BadPublicKey { act })
}

/// Initiator before act one is sent.
pub struct Initiator {
    sym: Symmetric,
    ls: PrivateKey,
    e: PrivateKey,
    rs: PublicPoint,
}

/// Initiator that sent act one and waits for act two.
pub struct InitiatorAwaitingActTwo {
    sym: Symmetric,
    ls: PrivateKey,
    e: PrivateKey,
}

impl Initiator {
    /// Start a handshake to the node whose static key is `remote_static` (a
    /// `secp256k1::PublicKey` or a [`PublicPoint`]), authenticating as
    /// `local_static`, with a fresh ephemeral key.
    #[cfg(feature = "io")]
    pub fn new(
        local_static: PrivateKey,
        remote_static: impl Into<PublicPoint>,
    ) -> Result<Self, getrandom::Error> {
        Ok(Self::with_ephemeral(
            local_static,
            remote_static,
            PrivateKey::generate()?,
        ))
    }

    /// As [`Initiator::new`] with a given ephemeral key (test vectors only:
    /// BOLT 8 requires the ephemeral key to be random).
    pub fn with_ephemeral(ls: PrivateKey, rs: impl Into<PublicPoint>, e: PrivateKey) -> Self {
        let rs = rs.into();
        Self {
            sym: Symmetric::init(&rs),
            ls,
            e,
            rs,
        }
    }

    /// BOLT #8 §"Act One", sender side: produce the 50-byte act one.
    pub fn act_one(self) -> (InitiatorAwaitingActTwo, [u8; ACT_ONE_LEN]) {
        let Self { mut sym, ls, e, rs } = self;
        let e_pub = e.public_point().serialize();
        sym.mix_hash(&e_pub);
        let es = e.ecdh(&rs);
        let temp_k1 = sym.mix_key(&es);
        let mut c = Vec::with_capacity(MAC_LEN);
        encrypt_with_ad(&temp_k1, 0, &sym.h, &[], &mut c);
        sym.mix_hash(&c);
        let mut out = [0u8; ACT_ONE_LEN];
        out[0] = VERSION;
        out[1..34].copy_from_slice(&e_pub);
        out[34..].copy_from_slice(&c);
        (InitiatorAwaitingActTwo { sym, ls, e }, out)
    }
}

impl InitiatorAwaitingActTwo {
    /// BOLT #8 §"Act Two", receiver side, then §"Act Three", sender side:
    /// check act two and produce act three and the transport ciphers.
    pub fn read_act_two(
        self,
        act_two: &[u8],
    ) -> Result<([u8; ACT_THREE_LEN], Transport), NoiseError> {
        let Self { mut sym, ls, e } = self;
        parse_act(Act::Two, act_two, ACT_TWO_LEN)?;
        let re = parse_pubkey(Act::Two, act_two.get(1..34).unwrap_or_default())?;
        let c = act_two.get(34..).unwrap_or_default();
        sym.mix_hash(&re.serialize());
        let ee = e.ecdh(&re);
        let temp_k2 = sym.mix_key(&ee);
        decrypt_with_ad(&temp_k2, 0, &sym.h, c).ok_or(NoiseError::BadTag { act: Act::Two })?;
        sym.mix_hash(c);

        let mut out = [0u8; ACT_THREE_LEN];
        let mut c3 = Vec::with_capacity(33 + MAC_LEN);
        encrypt_with_ad(&temp_k2, 1, &sym.h, &ls.public_point().serialize(), &mut c3);
        sym.mix_hash(&c3);
        let se = ls.ecdh(&re);
        let temp_k3 = sym.mix_key(&se);
        let mut t = Vec::with_capacity(MAC_LEN);
        encrypt_with_ad(&temp_k3, 0, &sym.h, &[], &mut t);
        out[0] = VERSION;
        out[1..50].copy_from_slice(&c3);
        out[50..].copy_from_slice(&t);
        // sk, rk = HKDF(ck, zero)
        let (sk, rk) = hkdf2(&sym.ck, &[]);
        Ok((out, Transport::new(&sym.ck, sk, rk)))
    }
}

/// Responder waiting for act one.
pub struct Responder {
    ls: PrivateKey,
    e: PrivateKey,
}

/// Responder that sent act two and waits for act three.
pub struct ResponderAwaitingActThree {
    sym: Symmetric,
    e: PrivateKey,
    temp_k2: Zeroizing<[u8; 32]>,
}

impl Responder {
    /// Accept a handshake as the node whose static key is `local_static`.
    #[cfg(feature = "io")]
    pub fn new(local_static: PrivateKey) -> Result<Self, getrandom::Error> {
        Ok(Self::with_ephemeral(local_static, PrivateKey::generate()?))
    }

    /// As [`Responder::new`] with a given ephemeral key (test vectors only).
    pub fn with_ephemeral(ls: PrivateKey, e: PrivateKey) -> Self {
        Self { ls, e }
    }

    /// BOLT #8 §"Act One", receiver side, then §"Act Two", sender side.
    pub fn read_act_one(
        self,
        act_one: &[u8],
    ) -> Result<(ResponderAwaitingActThree, [u8; ACT_TWO_LEN]), NoiseError> {
        let Self { ls, e } = self;
        let mut sym = Symmetric::init(&ls.public_point());
        parse_act(Act::One, act_one, ACT_ONE_LEN)?;
        let re = parse_pubkey(Act::One, act_one.get(1..34).unwrap_or_default())?;
        let c = act_one.get(34..).unwrap_or_default();
        sym.mix_hash(&re.serialize());
        let es = ls.ecdh(&re);
        let temp_k1 = sym.mix_key(&es);
        decrypt_with_ad(&temp_k1, 0, &sym.h, c).ok_or(NoiseError::BadTag { act: Act::One })?;
        sym.mix_hash(c);

        let e_pub = e.public_point().serialize();
        sym.mix_hash(&e_pub);
        let ee = e.ecdh(&re);
        let temp_k2 = sym.mix_key(&ee);
        let mut c2 = Vec::with_capacity(MAC_LEN);
        encrypt_with_ad(&temp_k2, 0, &sym.h, &[], &mut c2);
        sym.mix_hash(&c2);
        let mut out = [0u8; ACT_TWO_LEN];
        out[0] = VERSION;
        out[1..34].copy_from_slice(&e_pub);
        out[34..].copy_from_slice(&c2);
        Ok((ResponderAwaitingActThree { sym, e, temp_k2 }, out))
    }
}

impl ResponderAwaitingActThree {
    /// BOLT #8 §"Act Three", receiver side: learn and authenticate the
    /// initiator's static key and derive the transport ciphers.
    pub fn read_act_three(self, act_three: &[u8]) -> Result<(PublicKey, Transport), NoiseError> {
        let Self {
            mut sym,
            e,
            temp_k2,
        } = self;
        parse_act(Act::Three, act_three, ACT_THREE_LEN)?;
        let c = act_three.get(1..50).unwrap_or_default();
        let t = act_three.get(50..).unwrap_or_default();
        let rs_bytes =
            decrypt_with_ad(&temp_k2, 1, &sym.h, c).ok_or(NoiseError::BadStaticKeyCiphertext)?;
        let rs = parse_pubkey(Act::Three, &rs_bytes)?;
        sym.mix_hash(c);
        let se = e.ecdh(&rs);
        let temp_k3 = sym.mix_key(&se);
        decrypt_with_ad(&temp_k3, 0, &sym.h, t).ok_or(NoiseError::BadTag { act: Act::Three })?;
        // rk, sk = HKDF(ck, zero)
        let (rk, sk) = hkdf2(&sym.ck, &[]);
        Ok((rs.to_public_key(), Transport::new(&sym.ck, sk, rk)))
    }
}

/// One direction's cipher: key, nonce and chaining key for rotation
/// (BOLT #8 §"Lightning Message Key Rotation").
pub struct CipherState {
    ck: Zeroizing<[u8; 32]>,
    k: Zeroizing<[u8; 32]>,
    aead: ChaCha20Poly1305,
    n: u64,
}

impl CipherState {
    fn new(ck: &[u8; 32], k: Zeroizing<[u8; 32]>) -> Self {
        Self {
            ck: Zeroizing::new(*ck),
            aead: cipher(&k),
            k,
            n: 0,
        }
    }

    /// Use the current nonce, then increment it and rotate when it reaches
    /// 1000: `ck', k' = HKDF(ck, k)`, nonce reset to 0.
    fn next_nonce(&mut self) -> Nonce {
        Nonce::from(self.next_nonce_bytes())
    }

    fn next_nonce_bytes(&mut self) -> [u8; 12] {
        let n = nonce_bytes(self.n);
        self.n += 1;
        n
    }

    #[cfg(test)]
    pub(crate) fn key(&self) -> [u8; 32] {
        *self.k
    }

    fn maybe_rotate(&mut self) {
        if self.n >= ROTATION_INTERVAL {
            let (ck, k) = hkdf2(&self.ck, self.k.as_ref());
            self.ck = ck;
            self.aead = cipher(&k);
            self.k = k;
            self.n = 0;
        }
    }
}

/// Sending half of an established BOLT 8 session.
pub struct SendCipher(CipherState);

/// Receiving half of an established BOLT 8 session.
pub struct RecvCipher(CipherState);

#[cfg(test)]
impl Transport {
    pub(crate) fn keys(&self) -> ([u8; 32], [u8; 32]) {
        (self.send.0.key(), self.recv.0.key())
    }
}

/// The pair of message ciphers produced by a completed handshake.
pub struct Transport {
    /// Encrypts outgoing messages.
    pub send: SendCipher,
    /// Decrypts incoming messages.
    pub recv: RecvCipher,
}

impl Transport {
    fn new(ck: &[u8; 32], sk: Zeroizing<[u8; 32]>, rk: Zeroizing<[u8; 32]>) -> Self {
        Self {
            send: SendCipher(CipherState::new(ck, sk)),
            recv: RecvCipher(CipherState::new(ck, rk)),
        }
    }

    /// Build from raw keys, as in BOLT #8 §"Message Encryption Tests".
    pub fn from_keys(ck: &[u8; 32], sk: &[u8; 32], rk: &[u8; 32]) -> Self {
        Self::new(ck, Zeroizing::new(*sk), Zeroizing::new(*rk))
    }
}

impl SendCipher {
    /// BOLT #8 §"Encrypting and Sending Messages": append
    /// `encrypt(len) || encrypt(msg)` (18 + len + 16 bytes) to `out`.
    pub fn encrypt_into(&mut self, msg: &[u8], out: &mut Vec<u8>) -> Result<(), NoiseError> {
        let len = u16::try_from(msg.len()).map_err(|_| NoiseError::MessageTooLong(msg.len()))?;
        out.reserve_exact(LENGTH_HEADER_LEN + msg.len() + MAC_LEN);
        let st = &mut self.0;
        let n = st.next_nonce_bytes();
        out.extend_from_slice(&header::seal(&st.k, &n, len));
        st.maybe_rotate();
        self.seal(msg, out);
        Ok(())
    }

    /// As [`SendCipher::encrypt_into`], returning a new buffer.
    pub fn encrypt(&mut self, msg: &[u8]) -> Result<Vec<u8>, NoiseError> {
        let mut out = Vec::with_capacity(LENGTH_HEADER_LEN + msg.len() + MAC_LEN);
        self.encrypt_into(msg, &mut out)?;
        Ok(out)
    }

    fn seal(&mut self, plaintext: &[u8], out: &mut Vec<u8>) {
        let st = &mut self.0;
        let n = st.next_nonce();
        let start = out.len();
        out.extend_from_slice(plaintext);
        let body = &mut out[start..];
        // Encryption only fails for inputs above 256 GiB; messages are < 64 KiB.
        if let Ok(tag) = st.aead.encrypt_in_place_detached(&n, &[], body) {
            out.extend_from_slice(&tag);
        }
        st.maybe_rotate();
    }
}

impl RecvCipher {
    /// BOLT #8 §"Receiving and Decrypting Messages", steps 2 and 3: decrypt
    /// the 18-byte length header and return the body length (without MAC).
    pub fn decrypt_length(&mut self, header: &[u8; LENGTH_HEADER_LEN]) -> Result<u16, NoiseError> {
        let st = &mut self.0;
        let n = st.next_nonce_bytes();
        let len = header::open(&st.k, &n, header).ok_or(NoiseError::BadLengthTag)?;
        st.maybe_rotate();
        Ok(len)
    }

    /// BOLT #8 §"Receiving and Decrypting Messages", steps 4 and 5: decrypt
    /// `body` (ciphertext followed by its 16-byte MAC) in place and truncate
    /// it to the plaintext. On failure the buffer is cleared.
    pub fn decrypt_body_in_place(&mut self, body: &mut Vec<u8>) -> Result<(), NoiseError> {
        let Some(split) = body.len().checked_sub(MAC_LEN) else {
            body.clear();
            return Err(NoiseError::BadBodyTag);
        };
        let mut tag = [0u8; MAC_LEN];
        tag.copy_from_slice(&body[split..]);
        body.truncate(split);
        let st = &mut self.0;
        let n = st.next_nonce();
        let res = st
            .aead
            .decrypt_in_place_detached(&n, &[], body, Tag::from_slice(&tag));
        st.maybe_rotate();
        if res.is_err() {
            body.zeroize();
            body.clear();
            return Err(NoiseError::BadBodyTag);
        }
        Ok(())
    }

    /// Decrypt one complete encrypted message (header and body) held in a
    /// single buffer; a convenience for tests and benchmarks.
    pub fn decrypt(&mut self, packet: &[u8]) -> Result<Vec<u8>, NoiseError> {
        let header: &[u8; LENGTH_HEADER_LEN] = packet
            .get(..LENGTH_HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or(NoiseError::BadLengthTag)?;
        let len = usize::from(self.decrypt_length(header)?);
        let rest = packet.get(LENGTH_HEADER_LEN..).unwrap_or_default();
        if rest.len() != len + MAC_LEN {
            return Err(NoiseError::BadBodyTag);
        }
        let mut body = rest.to_vec();
        self.decrypt_body_in_place(&mut body)?;
        Ok(body)
    }
}

mod header;
#[cfg(test)]
mod tests;
