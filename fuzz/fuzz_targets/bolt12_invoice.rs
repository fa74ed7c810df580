//! Invoice bytes (`Invoice::from_bytes`): exact bytes kept, re-encoding, string round
//! trip, `decode_json` agreement; an accepted invoice's signature verifies under its
//! Merkle root and node id.
#![no_main]
use bolt12::tlv::InvoiceTlvs;
use bolt12::{merkle, Invoice};
use bolt12_toolkit_fuzz::check_bolt12_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(invoice) = check_bolt12_bytes!(Invoice, InvoiceTlvs, "lni", data) {
        let root = invoice.merkle_root();
        let sig = invoice
            .tlvs()
            .signature
            .expect("accepted invoices are signed");
        assert!(merkle::verify(
            bolt12::invoice::MESSAGE_NAME,
            "signature",
            &root,
            &sig,
            &invoice.node_id()
        ));
        let _ = invoice.expires_at();
        let _ = invoice.offer_id();
        let _ = invoice.amount_msat();
    }
});
