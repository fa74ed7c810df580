//! Blinded payment paths (BOLT 4 §"Route Blinding", requirements of "the creator of
//! `encrypted_recipient_data`") and the `blinded_payinfo` (BOLT 12 §"Invoices",
//! `invoice_blindedpay`) that tells a payer what the path costs: each forwarding hop gets
//! `payment_relay`, `payment_constraints`, its next hop and an empty `allowed_features`;
//! the recipient gets its `path_id` and `payment_constraints`; every hop is padded to the
//! same length; the fees and CLTV delta are aggregated with the spec's formulas.
use bolt12::tlv::{BlindedPath, BlindedPayinfo};
use secp256k1::{PublicKey, SecretKey};
use wire::{Point, ShortChannelId};

use crate::blinding::{create_blinded_path, pad_to_equal_length, BlindHop};
use crate::error::BlindingError;
use crate::tlv::{EncryptedDataTlv, PaymentConstraints, PaymentRelay};

const MILLION: u128 = 1_000_000;

/// Where a forwarding hop sends the payment on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextHop {
    /// `next_node_id`.
    NodeId(PublicKey),
    /// `short_channel_id` of the channel to the next hop.
    ShortChannelId(ShortChannelId),
}

/// A forwarding ("non-final") node of the path, with the terms of its channel to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardHop {
    /// The node's id.
    pub node_id: PublicKey,
    /// Where it forwards.
    pub next: NextHop,
    /// Its fees and CLTV delta (`payment_relay`).
    pub relay: PaymentRelay,
    /// The smallest HTLC it forwards.
    pub htlc_minimum_msat: u64,
    /// The largest HTLC it can forward (e.g. its channel's capacity toward the next hop).
    pub htlc_maximum_msat: u64,
}

/// The recipient (the final node) and the terms of the whole path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The recipient's id.
    pub node_id: PublicKey,
    /// Its `path_id` (e.g. what recognises the payment, such as the payment secret).
    pub path_id: Vec<u8>,
    /// The final node's `max_cltv_expiry`: the block height after which the path may not
    /// be used.
    pub max_cltv_expiry: u32,
    /// `min_final_cltv_expiry_delta`.
    pub min_final_cltv_expiry_delta: u16,
    /// The smallest HTLC the recipient accepts.
    pub htlc_minimum_msat: u64,
    /// The largest amount the recipient takes over this path.
    pub htlc_maximum_msat: u64,
}

/// Why a payment path could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentPathError {
    /// Blinding (or padding, or encoding) failed.
    #[error("{0}")]
    Blinding(#[from] BlindingError),
    /// The aggregated fee does not fit `blinded_payinfo`'s `u32`.
    #[error("the aggregated {0} does not fit in 32 bits")]
    FeeOverflow(&'static str),
    /// The CLTV deltas add up past `u16` (total delta) or `u32` (a `max_cltv_expiry`).
    #[error("the CLTV deltas add up past the {0}")]
    CltvOverflow(&'static str),
    /// A hop's `htlc_maximum_msat` does not even cover its own fee.
    #[error("hop {0}: htlc_maximum_msat does not cover its fee")]
    MaximumBelowFee(usize),
    /// The smallest amount every hop takes is above the largest one some hop can carry.
    #[error("htlc_minimum_msat {minimum} is above htlc_maximum_msat {maximum}")]
    EmptyAmountRange {
        /// The aggregated minimum.
        minimum: u64,
        /// The smallest maximum.
        maximum: u64,
    },
}

/// The aggregated `fee_base_msat` and `fee_proportional_millionths` of `relays` (in path
/// order, the introduction node first), with the formulas of BOLT 4 §"Route Blinding",
/// applied from the hop nearest the recipient back to the introduction node, rounding up.
pub fn aggregate_fees(relays: &[PaymentRelay]) -> Result<(u32, u32), PaymentPathError> {
    let (mut base, mut prop) = (0u128, 0u128);
    for r in relays.iter().rev() {
        let (b, p) = (
            u128::from(r.fee_base_msat),
            u128::from(r.fee_proportional_millionths),
        );
        // The spec's `(x + 1000000 - 1) / 1000000` is `x.div_ceil(1000000)`.
        base = (b * MILLION + base * (MILLION + p)).div_ceil(MILLION);
        prop = ((prop + p) * MILLION + prop * p).div_ceil(MILLION);
    }
    Ok((
        u32::try_from(base).map_err(|_| PaymentPathError::FeeOverflow("fee_base_msat"))?,
        u32::try_from(prop)
            .map_err(|_| PaymentPathError::FeeOverflow("fee_proportional_millionths"))?,
    ))
}

/// What a hop charges to forward `amount` (BOLT 7 §"HTLC Fees": `fee_base_msat + amount *
/// fee_proportional_millionths / 1000000`, rounded down).
fn fee(relay: &PaymentRelay, amount: u128) -> u128 {
    u128::from(relay.fee_base_msat)
        + amount * u128::from(relay.fee_proportional_millionths) / MILLION
}

/// The most a hop forwards out of `inbound` while keeping its fee; `None` if `inbound` does
/// not cover the fee of forwarding anything.
fn forwarded(relay: &PaymentRelay, inbound: u64) -> Option<u64> {
    let inbound = u128::from(inbound);
    let after_base = inbound.checked_sub(u128::from(relay.fee_base_msat))?;
    // x + x * p / 10^6 <= inbound - base, solved with the division rounded down, then
    // raised while one more still leaves the fee.
    let mut x = after_base * MILLION / (MILLION + u128::from(relay.fee_proportional_millionths));
    while x + 1 + fee(relay, x + 1) <= inbound {
        x += 1;
    }
    if x == 0 {
        return None;
    }
    u64::try_from(x).ok()
}

/// Creates the blinded payment path `forwards[0]` (introduction node) -> ... -> `recipient`
/// from the session key (which SHOULD come from a CSPRNG), and its `blinded_payinfo`:
///
/// - each forwarding hop's `payment_constraints.max_cltv_expiry` is the recipient's plus
///   `min_final_cltv_expiry_delta` plus the `cltv_expiry_delta` of that hop and every hop
///   after it; its `htlc_minimum_msat` is its own;
/// - `cltv_expiry_delta` = the sum of the hops' deltas and `min_final_cltv_expiry_delta`;
/// - `htlc_minimum_msat` and `htlc_maximum_msat` bound the amount that reaches the
///   recipient (a payer routes over the path as over one channel from the introduction node
///   to the recipient, adding the aggregated fee): at least what arrives when a hop receives
///   its own minimum (a minimum below a hop's fee no longer binds), at most what arrives when
///   a hop receives its own maximum, and within the recipient's bounds;
/// - `allowed_features` is set, empty, on every hop, so `features` is empty.
pub fn create_payment_path(
    session_key: &SecretKey,
    forwards: &[ForwardHop],
    recipient: &Recipient,
) -> Result<(BlindedPath, BlindedPayinfo), PaymentPathError> {
    let relays: Vec<PaymentRelay> = forwards.iter().map(|f| f.relay.clone()).collect();
    let (fee_base_msat, fee_proportional_millionths) = aggregate_fees(&relays)?;
    let mut cltv_expiry_delta = recipient.min_final_cltv_expiry_delta;
    for f in forwards {
        cltv_expiry_delta = cltv_expiry_delta
            .checked_add(f.relay.cltv_expiry_delta)
            .ok_or(PaymentPathError::CltvOverflow("u16 of cltv_expiry_delta"))?;
    }
    // Walking back from the recipient: the expiry each hop may see, and the least amount
    // that arrives at each hop with every later minimum met.
    let mut max_cltv = recipient
        .max_cltv_expiry
        .checked_add(u32::from(recipient.min_final_cltv_expiry_delta))
        .ok_or(PaymentPathError::CltvOverflow("u32 of max_cltv_expiry"))?;
    let mut data = vec![EncryptedDataTlv::default(); forwards.len() + 1];
    data[forwards.len()] = EncryptedDataTlv {
        path_id: Some(recipient.path_id.clone()),
        payment_constraints: Some(PaymentConstraints {
            max_cltv_expiry: recipient.max_cltv_expiry,
            htlc_minimum_msat: recipient.htlc_minimum_msat,
        }),
        allowed_features: Some(Vec::new()),
        ..Default::default()
    };
    for (i, f) in forwards.iter().enumerate().rev() {
        max_cltv = max_cltv
            .checked_add(u32::from(f.relay.cltv_expiry_delta))
            .ok_or(PaymentPathError::CltvOverflow("u32 of max_cltv_expiry"))?;
        let (short_channel_id, next_node_id) = match f.next {
            NextHop::NodeId(n) => (None, Some(Point::from(n))),
            NextHop::ShortChannelId(s) => (Some(s), None),
        };
        data[i] = EncryptedDataTlv {
            short_channel_id,
            next_node_id,
            payment_relay: Some(f.relay.clone()),
            payment_constraints: Some(PaymentConstraints {
                max_cltv_expiry: max_cltv,
                htlc_minimum_msat: f.htlc_minimum_msat,
            }),
            allowed_features: Some(Vec::new()),
            ..Default::default()
        };
    }
    // Walking forward from the introduction node: what arrives after each hop's fee.
    let (mut minimum, mut maximum) = (1u64, u64::MAX);
    for (i, f) in forwards.iter().enumerate() {
        minimum = forwarded(&f.relay, minimum.max(f.htlc_minimum_msat)).unwrap_or(1);
        maximum = forwarded(&f.relay, maximum.min(f.htlc_maximum_msat))
            .ok_or(PaymentPathError::MaximumBelowFee(i))?;
    }
    let minimum = minimum.max(recipient.htlc_minimum_msat);
    let maximum = maximum.min(recipient.htlc_maximum_msat);
    if minimum > maximum {
        return Err(PaymentPathError::EmptyAmountRange { minimum, maximum });
    }
    pad_to_equal_length(&mut data)?;
    let hops: Vec<BlindHop> = forwards
        .iter()
        .map(|f| f.node_id)
        .chain(std::iter::once(recipient.node_id))
        .zip(data)
        .map(|(node_id, data)| BlindHop { node_id, data })
        .collect();
    let path = create_blinded_path(session_key, &hops)?;
    Ok((
        path,
        BlindedPayinfo {
            fee_base_msat,
            fee_proportional_millionths,
            cltv_expiry_delta,
            htlc_minimum_msat: minimum,
            htlc_maximum_msat: maximum,
            features: Vec::new(),
        },
    ))
}
