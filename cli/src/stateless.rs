//! `bolt12 stateless verify-request|verify-invoice`: recognise our own invoice requests and
//! invoices from key material alone (no storage), LDK 0.2.7-compatible. Prints one JSON
//! report per string; exits 0 only when every string is ours.
use bolt12::stateless::report::{
    parse_key_material, parse_nonce, verify_invoice_str, verify_request_str, HexArgError,
};
use thiserror::Error;

/// Arguments of `bolt12 stateless`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Does this invoice request answer one of our offers? (`--nonce` for offers whose
    /// nonce rode in a blinded path, i.e. with a derived issuer key.)
    VerifyRequest {
        /// 32 bytes of key material, hex.
        #[arg(long, required_unless_present = "key_material_file")]
        key_material: Option<String>,
        /// The key material read from a file (hex) that only its owner can access.
        #[arg(long, value_name = "FILE", conflicts_with = "key_material")]
        key_material_file: Option<std::path::PathBuf>,
        /// The 16-byte nonce, hex.
        #[arg(long)]
        nonce: Option<String>,
        /// The invoice request (`lnr1...`).
        lnr: String,
    },
    /// Does this invoice answer one of our requests? Recovers the payment id.
    VerifyInvoice {
        /// 32 bytes of key material, hex.
        #[arg(long, required_unless_present = "key_material_file")]
        key_material: Option<String>,
        /// The key material read from a file (hex) that only its owner can access.
        #[arg(long, value_name = "FILE", conflicts_with = "key_material")]
        key_material_file: Option<std::path::PathBuf>,
        /// The 16-byte nonce, hex (for requests with a derived payer key).
        #[arg(long)]
        nonce: Option<String>,
        /// The invoice (`lni1...`).
        lni: String,
    },
}

/// Why a stateless command failed.
#[derive(Debug, Error)]
pub enum StatelessCliError {
    /// Malformed hex argument.
    #[error("{0}")]
    Hex(#[from] HexArgError),
    /// A key file was refused or unreadable.
    #[error("{0}")]
    KeyFile(#[from] crate::keys::KeyFileError),
    /// Not ours (the JSON report was printed).
    #[error("not ours: {0}")]
    NotOurs(String),
}

/// `--key-material`, or the contents of `--key-material-file` (clap requires one).
fn material(
    arg: Option<String>,
    file: Option<std::path::PathBuf>,
) -> Result<zeroize::Zeroizing<String>, StatelessCliError> {
    match (arg, file) {
        (Some(arg), _) => Ok(zeroize::Zeroizing::new(arg)),
        (None, Some(path)) => Ok(crate::keys::read_secret(&path)?),
        (None, None) => Ok(zeroize::Zeroizing::new(String::new())),
    }
}

/// Runs `bolt12 stateless ...`.
pub fn run(args: Args) -> Result<(), StatelessCliError> {
    let (key_material, key_material_file, nonce, text, invoice) = match args.command {
        Command::VerifyRequest {
            key_material,
            key_material_file,
            nonce,
            lnr,
        } => (key_material, key_material_file, nonce, lnr, false),
        Command::VerifyInvoice {
            key_material,
            key_material_file,
            nonce,
            lni,
        } => (key_material, key_material_file, nonce, lni, true),
    };
    let key_material = material(key_material, key_material_file)?;
    let nonce = nonce.as_deref().map(parse_nonce).transpose()?;
    let key = parse_key_material(&key_material)?;
    let (report, ours, reason) = if invoice {
        let r = verify_invoice_str(&key, nonce.as_ref(), text.trim());
        (serde_json::to_value(&r), r.ours, r.reason)
    } else {
        let r = verify_request_str(&key, nonce.as_ref(), text.trim());
        (serde_json::to_value(&r), r.ours, r.reason)
    };
    println!("{:#}", report.unwrap_or_default());
    if ours {
        Ok(())
    } else {
        Err(StatelessCliError::NotOurs(reason.unwrap_or_default()))
    }
}
