//! Offer bytes (`Offer::from_bytes`): exact bytes kept, re-encoding, string round trip,
//! `decode_json` agreement; the offer id and signing keys of an accepted offer.
#![no_main]
use bolt12::tlv::OfferTlvs;
use bolt12::Offer;
use bolt12_toolkit_fuzz::check_bolt12_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(offer) = check_bolt12_bytes!(Offer, OfferTlvs, "lno", data) {
        let _ = offer.id();
        let _ = offer.signing_keys();
        let _ = offer.amount();
        assert!(offer.issuer_id().is_some() || !offer.paths().is_empty());
    }
});
