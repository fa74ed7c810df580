//! The thin, sans-IO core of `LnSocket` and `Commando` (feature `net`): only what must
//! be Rust. JavaScript (`wasm/npm/net.js`) owns the sockets, timers, request ids, JSON and
//! the BOLT 1 ping/pong exchange, and calls in here for:
//!
//! - [`Bolt8`]: the BOLT 8 Noise_XK handshake as initiator (BOLT #8 §"Authenticated Key
//!   Agreement Handshake": acts one to three, lnsocket's `noise::Initiator`), then the
//!   message ciphers (§"Encrypting and Sending Messages", §"Receiving and Decrypting
//!   Messages", lnsocket's `SendCipher` / `framing::Decoder`), our BOLT #1 `init` and the
//!   check of the peer's (§"The `init` Message": unknown even bits, BOLT 9 dependencies);
//! - Commando request framing (commando's `frame::split`: `0x4c4d` continuations, `0x4c4f`
//!   terminal, each with the 8-byte request id), encrypted in one buffer per request;
//!
//! With `fetch`, a `Bolt8` also keeps its static key as our node key, with which
//! `fetch_core` peels the onion messages that answer an invoice request. None of this is
//! in the TypeScript declarations: the classes JavaScript exports are `net.js`'s.
//!
//! No futures, no serde_json, no socket glue: the handful of calls take and return bytes.

use commando::frame::{split, Direction};
use lnsocket::framing::Decoder;
use lnsocket::noise::{Initiator, InitiatorAwaitingActTwo, PrivateKey, RecvCipher, SendCipher};
use lnsocket::{features, msgs};
use wasm_bindgen::prelude::*;
use zeroize::Zeroize;

use crate::js_error;

// The JavaScript classes' declarations (`net.js`), and their options.
#[wasm_bindgen(typescript_custom_section)]
const TS_NET: &'static str = include_str!("ts/net.d.ts");
#[wasm_bindgen(typescript_custom_section)]
const TS_LNSOCKET: &'static str = include_str!("ts/lnsocket.d.ts");

enum State {
    /// Act one was produced; waiting for act two.
    Handshake(InitiatorAwaitingActTwo),
    /// Handshake done: the two ciphers and the incremental decoder.
    Open {
        send: SendCipher,
        recv: RecvCipher,
        decoder: Decoder,
    },
    /// A failure ended the session (or act two was consumed by a failed attempt).
    Failed,
}

/// One BOLT 8 session as initiator, sans IO: bytes in, bytes out.
#[wasm_bindgen(skip_typescript)]
pub struct Bolt8 {
    state: State,
    act_one: Vec<u8>,
    /// The peer's node id and our static key for this connection (the node key the
    /// peer knows us by, with which onion messages to us are peeled).
    #[cfg(feature = "fetch")]
    pub(crate) peer: secp256k1::PublicKey,
    #[cfg(feature = "fetch")]
    pub(crate) key: messenger::NodeKey,
}

/// Our `init` (BOLT #1 §"The `init` Message"): no `globalfeatures`, lnsocket's
/// light-client `features` (`features::light_client_defaults`: bits 1, 8, 13, 15, 25, 39,
/// 45), no TLVs. A constant, so the wasm carries no TLV writer (checked against
/// `msgs::Init::encode` by the tests).
const INIT: [u8; 12] = [
    0x00, 0x10, 0x00, 0x00, 0x00, 0x06, 0x20, 0x80, 0x02, 0x00, 0xa1, 0x02,
];

// Fixed messages, not the errors' Display (whose formatting code would be in the wasm).
fn handshake_error() -> JsValue {
    js_error(
        "HANDSHAKE_FAILED",
        "handshake failed: act two does not authenticate (not the node we meant, or not a Lightning node)",
    )
}

fn closed() -> JsValue {
    js_error("CONNECTION_CLOSED", "connection is closed")
}

#[wasm_bindgen]
impl Bolt8 {
    /// Starts a handshake to `node_id` (33-byte compressed key, hex): `random` is 64 bytes
    /// from a secure source (our static key for this connection, then the ephemeral key;
    /// BOLT #8 requires both to be fresh), zeroed before this returns, in wasm memory and
    /// in the caller's array (wasm-bindgen copies a `&mut [u8]` back). Throws `BAD_ADDRESS`
    /// for a node id that is not a point, `RANDOM_FAILED` for random bytes that are not two
    /// valid keys.
    #[wasm_bindgen(constructor)]
    pub fn new(node_id: &str, random: &mut [u8]) -> Result<Bolt8, JsValue> {
        let made = Self::start(node_id, random);
        random.zeroize();
        made
    }

    fn start(node_id: &str, random: &[u8]) -> Result<Bolt8, JsValue> {
        let rs = hex::decode(node_id.trim())
            .ok()
            .and_then(|b| curve::PublicPoint::from_slice(&b))
            .ok_or_else(|| {
                js_error(
                    "BAD_ADDRESS",
                    "invalid address: node id is not a valid compressed secp256k1 public key",
                )
            })?;
        let key = |range: std::ops::Range<usize>| {
            random
                .get(range)
                .and_then(|b| <&[u8; 32]>::try_from(b).ok())
                .and_then(PrivateKey::from_bytes)
                .ok_or_else(|| js_error("RANDOM_FAILED", "random bytes are not two valid keys"))
        };
        let (ls, e) = (key(0..32)?, key(32..64)?);
        #[cfg(feature = "fetch")]
        let node_key = messenger::NodeKey::from(&ls);
        let (state, act_one) = Initiator::with_ephemeral(ls, rs, e).act_one();
        Ok(Bolt8 {
            state: State::Handshake(state),
            act_one: act_one.to_vec(),
            #[cfg(feature = "fetch")]
            peer: rs.to_public_key(),
            #[cfg(feature = "fetch")]
            key: node_key,
        })
    }

    /// The 50-byte act one to send first.
    #[wasm_bindgen(js_name = actOne)]
    pub fn act_one(&self) -> Vec<u8> {
        self.act_one.clone()
    }

    /// Reads the peer's 50-byte act two and returns what to send next: act three followed
    /// by our encrypted `init` (features: lnsocket's light-client defaults). Throws
    /// `HANDSHAKE_FAILED` (wrong version, bad key or MAC: not the node we meant).
    #[wasm_bindgen(js_name = actTwo)]
    pub fn act_two(&mut self, act_two: &[u8]) -> Result<Vec<u8>, JsValue> {
        let State::Handshake(hs) = std::mem::replace(&mut self.state, State::Failed) else {
            return Err(handshake_error());
        };
        let (act_three, t) = hs.read_act_two(act_two).map_err(|_| handshake_error())?;
        let mut send = t.send;
        let mut out = act_three.to_vec();
        send.encrypt_into(&INIT, &mut out)
            .map_err(|_| js_error("INIT_FAILED", "init could not be encrypted"))?;
        self.state = State::Open {
            send,
            recv: t.recv,
            decoder: Decoder::new(),
        };
        Ok(out)
    }

    /// Encrypts one whole message (2-byte type, then payload; at most 65535 bytes).
    /// Throws `BAD_ARGUMENT` for a longer one, `CONNECTION_CLOSED` before the handshake.
    pub fn encrypt(&mut self, msg: &[u8]) -> Result<Vec<u8>, JsValue> {
        let State::Open { send, .. } = &mut self.state else {
            return Err(closed());
        };
        send.encrypt(msg)
            .map_err(|_| js_error("BAD_ARGUMENT", "message longer than 65535 bytes"))
    }

    /// A Commando request (`json`, the JSON-RPC object's text) with the 8-byte request
    /// `id`: split into `commando_cmd_continues` / `commando_cmd_term` messages of at most
    /// 65000 bytes of JSON each, all encrypted into one buffer (one socket write).
    pub fn command(&mut self, id: &[u8], json: &[u8]) -> Result<Vec<u8>, JsValue> {
        let id = <[u8; 8]>::try_from(id)
            .map_err(|_| js_error("BAD_ARGUMENT", "request id must be 8 bytes"))?;
        let State::Open { send, .. } = &mut self.state else {
            return Err(closed());
        };
        let mut out = Vec::with_capacity(json.len() + 64);
        let mut msg = Vec::new();
        for m in split(Direction::Command, u64::from_be_bytes(id), json) {
            msg.clear();
            msg.extend_from_slice(&m.msg_type.to_be_bytes());
            msg.extend_from_slice(&m.payload);
            send.encrypt_into(&msg, &mut out)
                .map_err(|_| js_error("REQUEST_TOO_LARGE", "message longer than 65535 bytes"))?;
        }
        Ok(out)
    }

    /// Feeds bytes received from the peer (any chunking) and returns the messages they
    /// complete, decrypted, in one buffer: each as a 2-byte big-endian length, then the
    /// message (with its 2-byte type; BOLT 8 bounds it by 65535 bytes). Throws
    /// `CONNECTION_ERROR` when a length or message MAC fails (the peer is sending
    /// garbage): the session is over.
    pub fn receive(&mut self, data: &[u8]) -> Result<Vec<u8>, JsValue> {
        let State::Open { recv, decoder, .. } = &mut self.state else {
            return Err(closed());
        };
        let mut out = Vec::new();
        let mut input = data;
        loop {
            match decoder.feed(&mut input, recv) {
                Ok(Some(m)) => {
                    // Decrypted bodies are at most 65535 bytes (their length is a u16).
                    let len = u16::try_from(m.len()).unwrap_or(u16::MAX);
                    out.extend_from_slice(&len.to_be_bytes());
                    out.extend_from_slice(m.get(..usize::from(len)).unwrap_or_default());
                }
                Ok(None) => return Ok(out),
                Err(_) => {
                    self.state = State::Failed;
                    return Err(js_error(
                        "CONNECTION_ERROR",
                        "a message from the peer failed authentication (BOLT 8 MAC)",
                    ));
                }
            }
        }
    }

    /// Whether the decoder holds part of a message (a close now truncates it).
    #[wasm_bindgen(getter)]
    pub fn partial(&self) -> bool {
        matches!(&self.state, State::Open { decoder, .. } if !decoder.is_idle())
    }
}

/// Checks the peer's first message after the handshake (BOLT #1 §"The `init` Message"):
/// an `init` whose combined features need nothing unknown (no unknown even bit) and whose
/// bits have their BOLT 9 dependencies. Returns the combined feature bitmap (hex). Throws
/// `INIT_FAILED` for anything else (JavaScript reports an `error` message's text).
#[wasm_bindgen(js_name = checkInit, skip_typescript)]
pub fn check_init(msg: &[u8]) -> Result<String, JsValue> {
    let fail = |m: &str| js_error("INIT_FAILED", m);
    let payload = match msg {
        [0x00, 0x10, rest @ ..] => rest,
        _ => return Err(fail("the peer's first message is not init")),
    };
    let init = msgs::Init::decode(payload).map_err(|_| fail("malformed init from the peer"))?;
    let all = features::combine(&init.globalfeatures, &init.features);
    if let Some(bit) = features::unknown_required_iter(&all).next() {
        let mut m = String::from("peer requires unknown feature ");
        push_decimal(&mut m, bit);
        return Err(fail(&m));
    }
    if let Some((feature, needs)) = features::missing_dependencies_iter(&all).next() {
        let mut m = String::from("peer sets feature ");
        push_decimal(&mut m, feature);
        m.push_str(" without its dependency ");
        push_decimal(&mut m, needs);
        return Err(fail(&m));
    }
    Ok(hex::encode(all))
}

/// Appends `n` in decimal. The commando entry links no `core::fmt` (3 kB of its wasm): its
/// messages are put together from pieces, not by `format!`.
fn push_decimal(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constant is what lnsocket's codec makes of the same `init`.
    #[test]
    fn init_constant_matches_the_codec() {
        let init = msgs::Init {
            globalfeatures: Vec::new(),
            features: features::light_client_defaults(),
            tlvs: msgs::InitTlvs::default(),
        };
        assert_eq!(init.encode().unwrap(), INIT.to_vec());
    }

    #[test]
    fn decimal_is_display() {
        for n in [0, 1, 9, 10, 39, 100, 65535, usize::MAX] {
            let mut s = String::from("x");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }
}
