//! Generates the `addressproof` TLV stream from `spec-csv/lnap.csv`. Its `paths` use BOLT 4's
//! `blinded_path`, which is the bolt12 crate's generated type.
fn main() {
    let mut g = codegen::Generator::new();
    g.extern_type("blinded_path", "::bolt12::tlv::BlindedPath");
    if let Err(e) = g
        .add_csv_file("../spec-csv/lnap.csv")
        .and_then(|g| g.write_out_dir("lnap.rs", &["addressproof"]))
    {
        panic!("codegen: {e}");
    }
}
