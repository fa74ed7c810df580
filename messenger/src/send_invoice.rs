//! The payee of a refund: `send_invoice` answers an invoice request without an offer (BOLT
//! 12 §"Invoices", writer, "if the invoice is in response to an `invoice_request`"; Core
//! Lightning's `invoicerequest`, LDK's `Refund`) with an invoice signed by the payee, sent
//! as an onion message (BOLT 4 §"Onion Messages") over one peer connection: along one of
//! `invreq_paths` when the refund has them (the payer "MUST reject the invoice if it did not
//! arrive via one of those paths"), else to `invreq_payer_id` ("as it would set
//! `offer_issuer_id`": the payer's node), straight when that is the connected peer, else
//! through it. The invoice carries a reply path peer -> us, so that the payer can answer
//! with an `invoice_error` (BOLT 12 §"Invoice Errors"); a payer that pays answers nothing.
//! What comes back on that path before the timeout is reported; nothing is kept.
use std::time::Duration;

use bolt12::tlv::{BlindedPath, BlindedPayinfo, InvoiceTlvs};
use bolt12::{BuildError, Invoice, InvoiceBuilder, Refund};
use curve::Signer;
use onion::blinding::{create_blinded_path, BlindHop};
use onion::message::{build_onion_message, Destination};
use onion::tlv::{EncryptedDataTlv, OnionmsgTlv};
use secp256k1::PublicKey;
use thiserror::Error;
use wire::{Point, SciddirOrPubkey, Sha256};

use crate::error::{DropReason, KeyError, TransportError};
use crate::keys::{random_secret, SessionKeys};
use crate::payer::{read_reply, recv_before, ReplyPayload};
use crate::reply_path::ReplyPath;
use crate::transport::OnionTransport;

/// How the invoice is written and how long to wait.
#[derive(Debug, Clone)]
pub struct SendInvoiceOptions {
    /// `invoice_created_at`, seconds since the epoch.
    pub created_at: u64,
    /// `invoice_relative_expiry` in seconds.
    pub relative_expiry: u32,
    /// How long to wait for an `invoice_error` after sending.
    pub timeout: Duration,
}

/// Why the invoice was not sent.
#[derive(Debug, Error)]
pub enum SendInvoiceError {
    /// The invoice could not be built (an expired refund, a wrong key, no paths...).
    #[error("building the invoice: {0}")]
    Build(#[from] BuildError),
    /// No way to the payer from the connected peer.
    #[error("no route to the payer: {0}")]
    NoRoute(&'static str),
    /// The onion message could not be built.
    #[error("building the onion message: {0}")]
    Onion(String),
    /// A random key could not be made.
    #[error("{0}")]
    Key(#[from] KeyError),
    /// The connection failed.
    #[error("{0}")]
    Disconnected(TransportError),
}

/// Where the invoice went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRoute {
    /// `invreq_payer_id` is the connected peer: a one-hop onion message.
    DirectToPayer,
    /// Through the connected peer to `invreq_payer_id`.
    ViaPeerToPayer,
    /// Along `invreq_paths[index]`, introduced by the connected peer.
    PathFromPeer {
        /// Index in `invreq_paths`.
        index: usize,
    },
    /// Through the connected peer to the introduction node of `invreq_paths[index]`.
    ViaPeerToPath {
        /// Index in `invreq_paths`.
        index: usize,
    },
}

impl RefundRoute {
    /// A short description.
    pub fn describe(&self) -> String {
        match self {
            RefundRoute::DirectToPayer => "direct to invreq_payer_id (the connected peer)".into(),
            RefundRoute::ViaPeerToPayer => "through the connected peer to invreq_payer_id".into(),
            RefundRoute::PathFromPeer { index } => {
                format!("along invreq_paths[{index}], introduced by the connected peer")
            }
            RefundRoute::ViaPeerToPath { index } => {
                format!("through the connected peer to invreq_paths[{index}]")
            }
        }
    }
}

/// The payer's `invoice_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceErrorReply {
    /// `error`.
    pub message: String,
    /// `erroneous_field`.
    pub erroneous_field: Option<u64>,
    /// `suggested_value`.
    pub suggested_value: Option<Vec<u8>>,
}

/// The invoice sent, and what came back.
#[derive(Debug, Clone)]
pub struct SentInvoice {
    /// The invoice.
    pub invoice: Invoice,
    /// Where it went.
    pub route: RefundRoute,
    /// The payer's `invoice_error`, or `None`: nothing before the timeout.
    pub reply: Option<InvoiceErrorReply>,
    /// Messages dropped while waiting (not replies to this invoice), with why.
    pub dropped: Vec<DropReason>,
}

/// The invoice for `refund`: every non-signature field copied, `invoice_amount` =
/// `invreq_amount`, `invoice_node_id` = `signer`'s public key, signed by it
/// ([`InvoiceBuilder::for_refund`]).
pub fn invoice_for_refund(
    refund: &Refund,
    signer: &(impl Signer + ?Sized),
    payment_hash: Sha256,
    paths: Vec<(BlindedPath, BlindedPayinfo)>,
    options: &SendInvoiceOptions,
) -> Result<Invoice, SendInvoiceError> {
    Ok(InvoiceBuilder::for_refund(
        refund,
        options.created_at,
        payment_hash,
        paths,
        signer.public_key(),
    )?
    .relative_expiry(options.relative_expiry)
    .build_and_sign(signer)?)
}

/// A one-hop blinded payment path to `node` whose recipient data is `path_id` (e.g. a
/// stateless payment secret), for a payee with no channels (as Core Lightning and
/// [`crate::Responder`] do), with a `blinded_payinfo` of no fees up to `amount_msat`.
pub fn one_hop_payment_path(
    node: PublicKey,
    path_id: Vec<u8>,
    amount_msat: u64,
    cltv_expiry_delta: u16,
) -> Result<(BlindedPath, BlindedPayinfo), SendInvoiceError> {
    let mut session = random_secret()?;
    let path = create_blinded_path(
        &session,
        &[BlindHop {
            node_id: node,
            data: EncryptedDataTlv {
                path_id: Some(path_id),
                ..Default::default()
            },
        }],
    );
    session.non_secure_erase();
    let info = BlindedPayinfo {
        fee_base_msat: 0,
        fee_proportional_millionths: 0,
        cltv_expiry_delta,
        htlc_minimum_msat: 0,
        htlc_maximum_msat: amount_msat,
        features: Vec::new(),
    };
    Ok((
        path.map_err(|e| SendInvoiceError::Onion(e.to_string()))?,
        info,
    ))
}

/// The first way to the payer from `peer`: the first of `invreq_paths` introduced by a
/// node id (through `peer` unless `peer` introduces it), else `invreq_payer_id`.
fn route(
    refund: &Refund,
    peer: PublicKey,
) -> Result<(Vec<PublicKey>, Destination, RefundRoute), SendInvoiceError> {
    for (index, path) in refund.paths().iter().enumerate() {
        let SciddirOrPubkey::Pubkey(intro) = &path.first_node_id else {
            continue;
        };
        let (Ok(intro), false) = (intro.to_pubkey(), path.path.is_empty()) else {
            continue;
        };
        return Ok(if intro == peer {
            (
                Vec::new(),
                Destination::BlindedPath(path.clone()),
                RefundRoute::PathFromPeer { index },
            )
        } else {
            (
                vec![peer],
                Destination::BlindedPath(path.clone()),
                RefundRoute::ViaPeerToPath { index },
            )
        });
    }
    if !refund.paths().is_empty() {
        return Err(SendInvoiceError::NoRoute(
            "no invreq_paths entry is introduced by a node id (a short_channel_id needs gossip)",
        ));
    }
    let payer = refund
        .payer_id()
        .to_pubkey()
        .map_err(|_| SendInvoiceError::NoRoute("invreq_payer_id is not a valid key"))?;
    Ok(if payer == peer {
        (
            Vec::new(),
            Destination::Node(payer),
            RefundRoute::DirectToPayer,
        )
    } else {
        (
            vec![peer],
            Destination::Node(payer),
            RefundRoute::ViaPeerToPayer,
        )
    })
}

/// Sends `invoice` (answering `refund`) to the payer through the connected peer with a
/// reply path peer -> us, and waits `options.timeout` for an `invoice_error` on it.
pub async fn send_invoice<T: OnionTransport>(
    conn: &mut T,
    refund: &Refund,
    invoice: &Invoice,
    options: &SendInvoiceOptions,
) -> Result<SentInvoice, SendInvoiceError> {
    let peer = conn.peer_id();
    let us = conn.node_key().node_id();
    let (intermediate, destination, kind) = route(refund, peer)?;
    let reply = ReplyPath::new(peer, us).map_err(|e| SendInvoiceError::Onion(e.to_string()))?;
    let tlvs = InvoiceTlvs::decode(invoice.as_bytes())
        .map_err(|e| SendInvoiceError::Onion(e.to_string()))?;
    let payload = OnionmsgTlv {
        reply_path: Some(reply.path.clone()),
        invoice: Some(tlvs),
        ..Default::default()
    };
    let keys = SessionKeys::generate()?;
    let out = build_onion_message(&keys.path, &keys.onion, &intermediate, destination, payload)
        .map_err(|e| SendInvoiceError::Onion(e.to_string()))?;
    drop(keys);
    if out.first_hop != SciddirOrPubkey::Pubkey(Point::from(peer)) {
        return Err(SendInvoiceError::NoRoute(
            "the route does not start at the connected peer",
        ));
    }
    let pending = [(reply, ())];
    conn.expect_reply(pending[0].0.path_id());
    conn.send_onion_message(&out.message)
        .await
        .map_err(SendInvoiceError::Disconnected)?;
    let mut dropped = Vec::new();
    let started = lnsocket::rt::Instant::now();
    while let Some(bytes) = recv_before(conn, started, options.timeout)
        .await
        .map_err(SendInvoiceError::Disconnected)?
    {
        match read_reply(conn.node_key(), &bytes, &pending) {
            Ok((_, ReplyPayload::InvoiceError(e))) => {
                return Ok(SentInvoice {
                    invoice: invoice.clone(),
                    route: kind,
                    reply: Some(InvoiceErrorReply {
                        message: e.error.clone().unwrap_or_default(),
                        erroneous_field: e.erroneous_field,
                        suggested_value: e.suggested_value.clone(),
                    }),
                    dropped,
                });
            }
            Ok((_, ReplyPayload::Invoice(_))) => {
                dropped.push(DropReason::UnexpectedPayload("invoice"));
            }
            Err(reason) => dropped.push(reason),
        }
    }
    Ok(SentInvoice {
        invoice: invoice.clone(),
        route: kind,
        reply: None,
        dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bolt12::tlv::BlindedPathHop;
    use bolt12::RefundBuilder;
    use secp256k1::{Keypair, SecretKey, SECP256K1};

    fn key(b: u8) -> PublicKey {
        Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[b; 32]).expect("key"))
            .public_key()
    }

    fn path(intro: SciddirOrPubkey) -> BlindedPath {
        BlindedPath {
            first_node_id: intro,
            first_path_key: key(8).into(),
            path: vec![BlindedPathHop {
                blinded_node_id: key(7).into(),
                encrypted_recipient_data: vec![1; 8],
            }],
        }
    }

    fn refund(paths: Vec<BlindedPath>) -> Refund {
        let b = RefundBuilder::new(vec![1; 16], key(2), 1000, "r");
        let b = if paths.is_empty() { b } else { b.paths(paths) };
        b.build().expect("refund")
    }

    #[test]
    fn routes_follow_invreq_paths_else_invreq_payer_id() {
        let peer = key(3);
        let kind = |r: &Refund| route(r, peer).map(|(_, _, k)| k);
        assert_eq!(
            kind(&refund(vec![])).ok(),
            Some(RefundRoute::ViaPeerToPayer)
        );
        assert_eq!(
            route(&refund(vec![]), key(2)).map(|(_, _, k)| k).ok(),
            Some(RefundRoute::DirectToPayer)
        );
        let scid = SciddirOrPubkey::Scid {
            direction: wire::Direction::NodeOne,
            scid: wire::ShortChannelId(1),
        };
        let paths = vec![path(scid), path(SciddirOrPubkey::Pubkey(peer.into()))];
        assert_eq!(
            kind(&refund(paths)).ok(),
            Some(RefundRoute::PathFromPeer { index: 1 })
        );
        assert_eq!(
            kind(&refund(vec![path(SciddirOrPubkey::Pubkey(key(5).into()))])).ok(),
            Some(RefundRoute::ViaPeerToPath { index: 0 })
        );
        assert!(matches!(
            kind(&refund(vec![path(scid)])),
            Err(SendInvoiceError::NoRoute(_))
        ));
    }

    #[test]
    fn an_expired_refund_gets_no_invoice() {
        let payee =
            Keypair::from_secret_key(SECP256K1, &SecretKey::from_slice(&[4; 32]).expect("key"));
        let r = RefundBuilder::new(vec![1; 16], key(2), 1000, "r")
            .absolute_expiry(100)
            .build()
            .expect("refund");
        let p = one_hop_payment_path(payee.public_key(), vec![9; 32], 1000, 18).expect("path");
        let options = SendInvoiceOptions {
            created_at: 200,
            relative_expiry: 600,
            timeout: Duration::from_secs(1),
        };
        assert!(matches!(
            invoice_for_refund(&r, &payee, Sha256([1; 32]), vec![p.clone()], &options),
            Err(SendInvoiceError::Build(BuildError::RefundExpired { .. }))
        ));
        let ok = SendInvoiceOptions {
            created_at: 50,
            ..options
        };
        let inv = invoice_for_refund(&r, &payee, Sha256([1; 32]), vec![p], &ok).expect("invoice");
        assert_eq!(inv.amount_msat(), 1000);
        assert_eq!(inv.node_id(), Point::from(payee.public_key()));
        r.check_invoice(&inv, 60, &[wire::ChainHash::BITCOIN], None)
            .expect("answers the refund");
    }
}
