//! Generates the BOLT 12 TLV streams (`offer`, `invoice_request`, `invoice`,
//! `invoice_error`) and the subtypes they use (`blinded_path` and `blinded_path_hop` from
//! BOLT 4, `blinded_payinfo` and `fallback_address` from BOLT 12), plus Core Lightning's
//! experimental recurrence records (`spec-csv/cln-recurrence.csv`), and the DRAFT
//! `payer_proof` stream (`spec-csv/pr1295-payer-proof.csv`, with Core Lightning's later
//! records of it in `spec-csv/cln-payer-proof.csv`).
fn main() {
    let mut g = codegen::Generator::new();
    let roots = [
        "offer",
        "invoice_request",
        "invoice",
        "invoice_error",
        "payer_proof",
    ];
    let result = g
        .add_csv_file("../spec-csv/04-onion-routing.csv")
        .and_then(|g| g.add_csv_file("../spec-csv/12-offer-encoding.csv"))
        .and_then(|g| g.add_csv_file("../spec-csv/patches.csv"))
        .and_then(|g| g.add_csv_file("../spec-csv/cln-recurrence.csv"))
        .and_then(|g| g.add_csv_file("../spec-csv/pr1295-payer-proof.csv"))
        .and_then(|g| g.add_csv_file("../spec-csv/cln-payer-proof.csv"))
        .and_then(|g| g.write_out_dir("bolt12.rs", &roots));
    if let Err(e) = result {
        panic!("codegen: {e}");
    }
}
