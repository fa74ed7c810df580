//! Where an `invoice_request` goes (BOLT 12 §"Invoice Requests", writer: "MUST send the
//! invoice request ... to the offer's `offer_issuer_id` or along one of `offer_paths`"),
//! from a payer whose only peer is the connected node.
use bolt12::Offer;
use onion::message::Destination;
use secp256k1::PublicKey;
use wire::{Point, SciddirOrPubkey};

use crate::error::FetchError;

/// At most this many routes are tried (an offer may list many paths; each costs a timeout).
pub const MAX_ROUTES: usize = 8;

/// One way to the issuer.
#[derive(Debug, Clone)]
pub struct Route {
    /// Clear hops before the destination (our peer, when it is not the destination).
    pub intermediate: Vec<PublicKey>,
    /// The issuer, or one of its blinded paths.
    pub destination: Destination,
    /// The key the invoice must be signed with: `offer_issuer_id`, or the final
    /// `blinded_node_id` of the path used (BOLT 12 §"Invoices", reader).
    pub expected_node_id: Point,
    /// What the route is, for reports.
    pub kind: RouteKind,
}

/// The shapes of route we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// `offer_issuer_id` is the connected peer: a one-hop onion message.
    DirectToIssuer,
    /// Through the peer to `offer_issuer_id`.
    ViaPeerToIssuer,
    /// Along `offer_paths[index]`, whose introduction node is the peer.
    PathFromPeer {
        /// Index in `offer_paths`.
        index: usize,
    },
    /// Through the peer to the introduction node of `offer_paths[index]`, then along it.
    ViaPeerToPath {
        /// Index in `offer_paths`.
        index: usize,
    },
}

impl RouteKind {
    /// A short description.
    pub fn describe(&self) -> String {
        match self {
            RouteKind::DirectToIssuer => "direct to offer_issuer_id (the connected peer)".into(),
            RouteKind::ViaPeerToIssuer => "through the connected peer to offer_issuer_id".into(),
            RouteKind::PathFromPeer { index } => {
                format!("along offer_paths[{index}], introduced by the connected peer")
            }
            RouteKind::ViaPeerToPath { index } => {
                format!("through the connected peer to offer_paths[{index}]")
            }
        }
    }
}

/// The routes to try in turn (at most [`MAX_ROUTES`]). BOLT 12 §"Invoice Requests", writer:
/// with `offer_paths`, the request MUST go along one of them, so every path whose
/// introduction node is a key (a `short_channel_id` needs gossip we do not have), through
/// our peer unless the peer introduces it; otherwise to `offer_issuer_id`, straight when it
/// is our peer, else through the peer.
pub fn routes(offer: &Offer, peer: PublicKey) -> Result<Vec<Route>, FetchError> {
    let issuer = offer
        .issuer_id()
        .map(|p| {
            p.to_pubkey()
                .map_err(|_| FetchError::InvalidOffer("offer_issuer_id is not a valid key".into()))
        })
        .transpose()?;
    let mut out = Vec::new();
    for (index, path) in offer.paths().iter().enumerate() {
        let SciddirOrPubkey::Pubkey(intro) = &path.first_node_id else {
            continue;
        };
        let Ok(intro) = intro.to_pubkey() else {
            continue;
        };
        let Some(last) = path.path.last() else {
            continue;
        };
        let expected_node_id = match issuer {
            Some(i) => Point::from(i),
            None => last.blinded_node_id,
        };
        let (intermediate, kind) = if intro == peer {
            (Vec::new(), RouteKind::PathFromPeer { index })
        } else {
            (vec![peer], RouteKind::ViaPeerToPath { index })
        };
        out.push(Route {
            intermediate,
            destination: Destination::BlindedPath(path.clone()),
            expected_node_id,
            kind,
        });
    }
    if out.is_empty() {
        match issuer {
            Some(i) if i == peer => out.push(Route {
                intermediate: Vec::new(),
                destination: Destination::Node(peer),
                expected_node_id: Point::from(peer),
                kind: RouteKind::DirectToIssuer,
            }),
            Some(i) => out.push(Route {
                intermediate: vec![peer],
                destination: Destination::Node(i),
                expected_node_id: Point::from(i),
                kind: RouteKind::ViaPeerToIssuer,
            }),
            None => {}
        }
    }
    out.truncate(MAX_ROUTES);
    if out.is_empty() {
        return Err(FetchError::NoRoute(
            "the offer has no offer_issuer_id and no offer_paths introduced by a node id",
        ));
    }
    Ok(out)
}
