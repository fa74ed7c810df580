//! Invoice request bytes (`InvoiceRequest::from_bytes`): exact bytes kept, re-encoding,
//! string round trip, `decode_json` agreement; Merkle root, offer id and expected amount
//! of an accepted request.
#![no_main]
use bolt12::tlv::InvoiceRequestTlvs;
use bolt12::InvoiceRequest;
use bolt12_toolkit_fuzz::check_bolt12_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = check_bolt12_bytes!(InvoiceRequest, InvoiceRequestTlvs, "lnr", data) {
        let _ = request.merkle_root();
        assert_eq!(request.offer_id().is_some(), request.answers_offer());
        let _ = request.expected_amount_msat();
        let _ = request.payer_id();
        let _ = request.chain();
    }
});
