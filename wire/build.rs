//! Generates the BOLT 1 Appendix B test namespaces `n1` and `n2`, used only by this crate's
//! tests to run the spec's TLV vectors through generated code.
fn main() {
    let mut g = codegen::Generator::new();
    if let Err(e) = g
        .add_csv_file("../spec-csv/01-messaging.csv")
        .and_then(|g| g.write_out_dir("bolt01_test_namespaces.rs", &["n1", "n2"]))
    {
        panic!("codegen: {e}");
    }
}
