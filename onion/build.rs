//! Generates BOLT 4's `onion_message` (type 513), `onionmsg_tlv` and `encrypted_data_tlv`
//! from `spec-csv/04-onion-routing.csv`. `blinded_path` and the BOLT 12 streams carried in
//! `onionmsg_tlv` (`invoice_request`, `invoice`, `invoice_error`) are the bolt12 crate's
//! generated types, so there is one Rust type per spec type.
fn main() {
    let mut g = codegen::Generator::new();
    g.extern_type("blinded_path", "::bolt12::tlv::BlindedPath")
        .extern_type("invoice_request", "::bolt12::tlv::InvoiceRequestTlvs")
        .extern_type("invoice", "::bolt12::tlv::InvoiceTlvs")
        .extern_type("invoice_error", "::bolt12::tlv::InvoiceErrorTlvs");
    let roots = ["onion_message", "onionmsg_tlv", "encrypted_data_tlv"];
    let result = g
        .add_csv_file("../spec-csv/04-onion-routing.csv")
        .and_then(|g| g.add_csv_file("../spec-csv/12-offer-encoding.csv"))
        .and_then(|g| g.add_csv_file("../spec-csv/patches.csv"))
        .and_then(|g| g.write_out_dir("onion.rs", &roots));
    if let Err(e) = result {
        panic!("codegen: {e}");
    }
}
