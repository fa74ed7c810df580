//! Generates the BOLT 1 messages (`init`, `error`, `warning`, `ping`, `pong`) from
//! `spec-csv/01-messaging.csv`.
fn main() {
    let mut g = codegen::Generator::new();
    let roots = ["init", "error", "warning", "ping", "pong"];
    if let Err(e) = g
        .add_csv_file("../spec-csv/01-messaging.csv")
        .and_then(|g| g.write_out_dir("bolt01.rs", &roots))
    {
        panic!("codegen: {e}");
    }
}
