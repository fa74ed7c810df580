//! The demo node's RPC methods: what a front end needs, backed by real BOLT 12 objects
//! signed with the node's key. Payments are simulated in memory (and say so).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use bolt12::tlv::{BlindedPath, BlindedPathHop, BlindedPayinfo};
use bolt12::wire::{SciddirOrPubkey, Sha256};
use bolt12::{Invoice, InvoiceBuilder, InvoiceRequestBuilder, Offer, OfferBuilder};
use commando::{Call, Handler, RpcError};
use messenger::Responder;
use secp256k1::{Keypair, PublicKey, SecretKey, SECP256K1};
use serde_json::{json, Value};
use sha2::Digest;

/// JSON-RPC "invalid params".
const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC "method not found".
const METHOD_NOT_FOUND: i64 = -32601;
/// CLN `fetchinvoice`: "offer no longer available" / cannot reach.
const OFFER_UNAVAILABLE: i64 = 1002;
/// CLN `pay`: "insufficient funds" style failure.
const PAY_FAILED: i64 = 205;

/// The demo chain's height.
const BLOCKHEIGHT: u64 = 850_000;

/// The methods the node answers (for `help`).
pub const METHODS: &[(&str, &str)] = &[
    ("getinfo", "node id, alias, network, block height, peers"),
    ("listfunds", "balance (SIMULATED)"),
    ("offer", "create a real offer of this node (its invoice requests are answered over onion messages too): amount (msat or 'any'), description, [issuer], [label], [quantity_max]"),
    ("listoffers", "offers created by this node"),
    ("decode", "decode a bolt12 string (Core Lightning's decode JSON)"),
    ("fetchinvoice", "a real invoice, signed by this node, for one of its own offers: offer, [amount_msat], [quantity], [payer_note]"),
    ("pay", "pay a bolt12 invoice (SIMULATED in memory: no funds move)"),
    ("listpays", "payments made with pay (SIMULATED)"),
    ("waitblockheight", "wait until blockheight (the demo chain stays at 850000): blockheight, [timeout] seconds"),
    ("help", "this list"),
];

struct OfferEntry {
    offer: Offer,
    label: Option<String>,
    used: bool,
}

struct PayEntry {
    payment_hash: String,
    preimage: String,
    destination: String,
    amount_msat: u64,
    created_at: u64,
    description: Option<String>,
}

struct State {
    offers: Vec<OfferEntry>,
    pays: Vec<PayEntry>,
    /// payment_hash -> preimage of invoices we issued.
    preimages: Vec<(String, String)>,
    balance_msat: u64,
}

/// The demo node.
pub struct DemoNode {
    keypair: Keypair,
    /// Makes the offers (so that it answers invoice requests for them over onion messages).
    responder: Arc<Responder>,
    ws_url: String,
    pub peers: Arc<AtomicUsize>,
    state: Mutex<State>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn random32() -> Result<[u8; 32], RpcError> {
    let mut b = [0u8; 32];
    getrandom::getrandom(&mut b).map_err(|e| RpcError::new(-1, format!("no randomness: {e}")))?;
    Ok(b)
}

fn random_point() -> Result<PublicKey, RpcError> {
    loop {
        if let Ok(sk) = SecretKey::from_slice(&random32()?) {
            return Ok(PublicKey::from_secret_key(SECP256K1, &sk));
        }
    }
}

/// A parameter by name (object params) or position (array params).
fn param<'a>(params: &'a Value, name: &str, pos: usize) -> Option<&'a Value> {
    match params {
        Value::Object(m) => m.get(name),
        Value::Array(a) => a.get(pos),
        _ => None,
    }
    .filter(|v| !v.is_null())
}

fn str_param(params: &Value, name: &str, pos: usize) -> Result<Option<String>, RpcError> {
    match param(params, name, pos) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(RpcError::new(
            INVALID_PARAMS,
            format!("{name}: should be a string, not {other}"),
        )),
    }
}

fn msat_param(params: &Value, name: &str, pos: usize) -> Result<Option<u64>, RpcError> {
    let bad = || {
        RpcError::new(
            INVALID_PARAMS,
            format!("{name}: should be a millisatoshi amount"),
        )
    };
    match param(params, name, pos) {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(bad),
        Some(Value::String(s)) => {
            let s = s.trim();
            let digits = s.strip_suffix("msat").unwrap_or(s);
            digits.parse().map(Some).map_err(|_| bad())
        }
        Some(_) => Err(bad()),
    }
}

impl DemoNode {
    pub fn new(keypair: Keypair, ws_url: String, responder: Arc<Responder>) -> Self {
        DemoNode {
            keypair,
            responder,
            ws_url,
            peers: Arc::new(AtomicUsize::new(0)),
            state: Mutex::new(State {
                offers: Vec::new(),
                pays: Vec::new(),
                preimages: Vec::new(),
                balance_msat: 1_250_000_000,
            }),
        }
    }

    fn state(&self) -> Result<std::sync::MutexGuard<'_, State>, RpcError> {
        self.state
            .lock()
            .map_err(|_| RpcError::new(-1, "internal state poisoned"))
    }

    fn getinfo(&self) -> Result<Value, RpcError> {
        let st = self.state()?;
        Ok(json!({
            "id": self.keypair.public_key().to_string(),
            "alias": "bolt12-toolkit demo node",
            "color": "f7931a",
            "num_peers": self.peers.load(Ordering::Relaxed),
            "num_pending_channels": 0,
            "num_active_channels": 1,
            "num_inactive_channels": 0,
            "address": [],
            "binding": [{"type": "websocket", "url": self.ws_url}],
            "version": concat!("bolt12-toolkit-demo v", env!("CARGO_PKG_VERSION")),
            "blockheight": BLOCKHEIGHT,
            "network": "bitcoin",
            "fees_collected_msat": 0,
            "num_offers": st.offers.len(),
            "demo": true,
            "simulated": ["listfunds", "pay", "listpays"],
        }))
    }

    fn listfunds(&self) -> Result<Value, RpcError> {
        let st = self.state()?;
        Ok(json!({
            "simulated": true,
            "outputs": [],
            "channels": [{
                "peer_id": "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619",
                "connected": true,
                "state": "CHANNELD_NORMAL",
                "our_amount_msat": st.balance_msat,
                "amount_msat": 2_000_000_000u64,
            }],
        }))
    }

    fn offer(&self, params: &Value) -> Result<Value, RpcError> {
        let amount = param(params, "amount", 0)
            .ok_or_else(|| RpcError::new(INVALID_PARAMS, "missing required parameter: amount"))?;
        let description = str_param(params, "description", 1)?.ok_or_else(|| {
            RpcError::new(INVALID_PARAMS, "missing required parameter: description")
        })?;
        let issuer = str_param(params, "issuer", 2)?;
        let label = str_param(params, "label", 3)?;
        let quantity_max = param(params, "quantity_max", 4).and_then(Value::as_u64);
        // offer_issuer_id (the node id) and offer_metadata are set by the responder.
        let mut b = OfferBuilder::new().description(description);
        if amount.as_str() != Some("any") {
            let msat = msat_param(params, "amount", 0)?.unwrap_or(0);
            if msat == 0 {
                return Err(RpcError::new(
                    INVALID_PARAMS,
                    "amount: should be 'any' or a positive msat amount",
                ));
            }
            b = b.amount_msat(msat);
        }
        if let Some(i) = issuer {
            b = b.issuer(i);
        }
        if let Some(q) = quantity_max {
            b = b.quantity_max(q);
        }
        let offer = self
            .responder
            .create_offer(b)
            .map_err(|e| RpcError::new(INVALID_PARAMS, format!("cannot build offer: {e}")))?;
        let mut st = self.state()?;
        if let Some(l) = &label {
            if st.offers.iter().any(|o| o.label.as_deref() == Some(l)) {
                return Err(RpcError::new(1000, format!("Duplicate label {l}")));
            }
        }
        let existing = st.offers.iter().any(|o| o.offer.id() == offer.id());
        let out = json!({
            "offer_id": offer.id().to_string(),
            "active": true,
            "single_use": false,
            "bolt12": offer.to_string(),
            "used": false,
            "created": !existing,
            "label": label,
        });
        if !existing {
            st.offers.push(OfferEntry {
                offer,
                label,
                used: false,
            });
        }
        Ok(out)
    }

    fn listoffers(&self) -> Result<Value, RpcError> {
        let st = self.state()?;
        let offers: Vec<Value> = st
            .offers
            .iter()
            .map(|o| {
                json!({
                    "offer_id": o.offer.id().to_string(),
                    "active": true,
                    "single_use": false,
                    "bolt12": o.offer.to_string(),
                    "used": o.used,
                    "label": o.label,
                })
            })
            .collect();
        Ok(json!({ "offers": offers }))
    }

    fn decode(&self, params: &Value) -> Result<Value, RpcError> {
        let s = str_param(params, "string", 0)?
            .ok_or_else(|| RpcError::new(INVALID_PARAMS, "missing required parameter: string"))?;
        // As Core Lightning: a string it can read but finds invalid is answered with its
        // `valid: false` object; only unreadable ones are an error.
        match bolt12::json::decode_json(&s) {
            Ok(v) => Ok(v),
            Err(e) => match e.cln_json() {
                Some(cln) => Ok(cln),
                None => Err(RpcError::new(INVALID_PARAMS, format!("string: {e}"))),
            },
        }
    }

    /// Plays both sides of BOLT 12's invoice_request/invoice exchange for one of our own
    /// offers: a fresh payer key signs the request, our node key signs the invoice.
    fn fetchinvoice(&self, params: &Value) -> Result<Value, RpcError> {
        let s = str_param(params, "offer", 0)?
            .ok_or_else(|| RpcError::new(INVALID_PARAMS, "missing required parameter: offer"))?;
        let offer: Offer = bolt12::json::strip_lightning_prefix(&s)
            .parse()
            .map_err(|e| RpcError::new(INVALID_PARAMS, format!("offer: {e}")))?;
        let ours = self
            .state()?
            .offers
            .iter()
            .any(|o| o.offer.id() == offer.id());
        if !ours {
            return Err(RpcError::new(
                OFFER_UNAVAILABLE,
                "this demo node only answers offers it created itself (it has no route to other nodes)",
            ));
        }
        let amount = msat_param(params, "amount_msat", 1)?;
        let quantity = param(params, "quantity", 2).and_then(Value::as_u64);
        let note = str_param(params, "payer_note", 4)?;
        let payer_secret =
            SecretKey::from_slice(&random32()?).map_err(|_| RpcError::new(-1, "bad random key"))?;
        let payer = Keypair::from_secret_key(SECP256K1, &payer_secret);
        let err = |e: bolt12::BuildError| RpcError::new(INVALID_PARAMS, e.to_string());
        let mut rb =
            InvoiceRequestBuilder::new(&offer, random32()?[..16].to_vec(), payer.public_key())
                .map_err(err)?;
        if let Some(a) = amount {
            rb = rb.amount_msat(a);
        }
        if let Some(q) = quantity {
            rb = rb.quantity(q);
        }
        if let Some(n) = note {
            rb = rb.payer_note(n);
        }
        let t = now();
        let request = rb.build_and_sign(&payer, t).map_err(err)?;
        // The issuer's side.
        let preimage = random32()?;
        let hash: [u8; 32] = sha2::Sha256::digest(preimage).into();
        let path = BlindedPath {
            first_node_id: SciddirOrPubkey::Pubkey(self.keypair.public_key().into()),
            first_path_key: random_point()?.into(),
            path: vec![BlindedPathHop {
                blinded_node_id: random_point()?.into(),
                encrypted_recipient_data: random32()?.to_vec(),
            }],
        };
        let payinfo = BlindedPayinfo {
            fee_base_msat: 0,
            fee_proportional_millionths: 0,
            cltv_expiry_delta: 144,
            htlc_minimum_msat: 1,
            htlc_maximum_msat: 1_000_000_000_000,
            features: vec![],
        };
        let invoice: Invoice =
            InvoiceBuilder::for_request(&request, t, Sha256(hash), vec![(path, payinfo)])
                .and_then(|b| b.build_and_sign(&self.keypair))
                .map_err(err)?;
        invoice
            .check_against_request(&request, t, &[bolt12::wire::ChainHash::BITCOIN])
            .map_err(|e| RpcError::new(-1, format!("own invoice fails the payer check: {e}")))?;
        let mut st = self.state()?;
        st.preimages
            .push((hex::encode(hash), hex::encode(preimage)));
        Ok(json!({
            "invoice": invoice.to_string(),
            "changes": {},
            "invoice_request": request.to_string(),
        }))
    }

    fn pay(&self, params: &Value) -> Result<Value, RpcError> {
        let s = str_param(params, "bolt11", 0)?
            .or(str_param(params, "bolt12", 0)?)
            .ok_or_else(|| RpcError::new(INVALID_PARAMS, "missing required parameter: bolt11"))?;
        let inv: Invoice = bolt12::json::strip_lightning_prefix(&s)
            .parse()
            .map_err(|e| RpcError::new(INVALID_PARAMS, format!("bolt11: {e}")))?;
        let t = now();
        if inv.is_expired_at(t) {
            return Err(RpcError::new(PAY_FAILED, "Invoice expired"));
        }
        let hash = hex::encode(inv.payment_hash().0);
        let mut st = self.state()?;
        if st.pays.iter().any(|p| p.payment_hash == hash) {
            return Err(RpcError::new(
                PAY_FAILED,
                "This invoice has already been paid (simulated)",
            ));
        }
        if inv.amount_msat() > st.balance_msat {
            return Err(RpcError::new(
                PAY_FAILED,
                "Insufficient funds (simulated balance)",
            ));
        }
        let preimage = match st.preimages.iter().find(|(h, _)| *h == hash) {
            Some((_, p)) => p.clone(),
            None => hex::encode(random32()?),
        };
        st.balance_msat -= inv.amount_msat();
        let offer_id = inv.offer_id().map(|i| i.to_string());
        for o in st.offers.iter_mut() {
            if Some(o.offer.id().to_string()) == offer_id {
                o.used = true;
            }
        }
        let entry = PayEntry {
            payment_hash: hash.clone(),
            preimage: preimage.clone(),
            destination: inv.node_id().to_string(),
            amount_msat: inv.amount_msat(),
            created_at: t,
            description: inv.tlvs().offer_description.clone(),
        };
        st.pays.push(entry);
        Ok(json!({
            "simulated": true,
            "payment_preimage": preimage,
            "payment_hash": hash,
            "created_at": t,
            "parts": 1,
            "amount_msat": inv.amount_msat(),
            "amount_sent_msat": inv.amount_msat(),
            "destination": inv.node_id().to_string(),
            "status": "complete",
        }))
    }

    fn listpays(&self) -> Result<Value, RpcError> {
        let st = self.state()?;
        let pays: Vec<Value> = st
            .pays
            .iter()
            .map(|p| {
                json!({
                    "payment_hash": p.payment_hash,
                    "status": "complete",
                    "destination": p.destination,
                    "created_at": p.created_at,
                    "amount_msat": p.amount_msat,
                    "amount_sent_msat": p.amount_msat,
                    "preimage": p.preimage,
                    "description": p.description,
                })
            })
            .collect();
        Ok(json!({ "simulated": true, "pays": pays }))
    }
}

/// The demo chain never moves: heights above it wait out `timeout` (CLN's default 60 s,
/// at most 600) and fail with CLN's code 2000.
async fn waitblockheight(params: &Value) -> Result<Value, RpcError> {
    let height = param(params, "blockheight", 0)
        .and_then(Value::as_u64)
        .ok_or_else(|| RpcError::new(INVALID_PARAMS, "missing required parameter: blockheight"))?;
    if height <= BLOCKHEIGHT {
        return Ok(json!({ "blockheight": BLOCKHEIGHT }));
    }
    let timeout = param(params, "timeout", 1)
        .and_then(Value::as_u64)
        .unwrap_or(60)
        .min(600);
    tokio::time::sleep(std::time::Duration::from_secs(timeout)).await;
    Err(RpcError::new(2000, "Timed out."))
}

#[async_trait]
impl Handler for DemoNode {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        eprintln!("demo node: {} from {}", call.method, hex::encode(call.peer));
        let p = &call.params;
        match call.method.as_str() {
            "getinfo" => self.getinfo(),
            "listfunds" => self.listfunds(),
            "offer" => self.offer(p),
            "listoffers" => self.listoffers(),
            "decode" => self.decode(p),
            "fetchinvoice" => self.fetchinvoice(p),
            "pay" => self.pay(p),
            "listpays" => self.listpays(),
            "waitblockheight" => waitblockheight(p).await,
            "help" => Ok(json!({
                "help": METHODS.iter().map(|(m, d)| json!({"command": m, "description": d})).collect::<Vec<_>>()
            })),
            other => Err(RpcError::new(
                METHOD_NOT_FOUND,
                format!("Unknown command '{other}'"),
            )),
        }
    }
}
