//! `bolt12 rune decode|attenuate|create|check`: Core Lightning runes.
use runes::{
    check_rune, CheckRequest, MasterRune, MasterSecret, MemoryRuneStore, Restriction, Rune,
    SystemClock, UniqueId,
};
use serde_json::json;
use thiserror::Error;

/// Arguments of `bolt12 rune`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print a rune as Core Lightning's `decode` does.
    Decode {
        /// The rune (base64url; it may start with `-`).
        #[arg(allow_hyphen_values = true)]
        rune: String,
    },
    /// Add restrictions, without the secret (each like `method=getinfo|method=listpeers`).
    Attenuate {
        /// The rune to restrict (base64url; it may start with `-`).
        #[arg(allow_hyphen_values = true)]
        rune: String,
        /// Restrictions to append, in order.
        #[arg(required = true)]
        restrictions: Vec<String>,
    },
    /// Mint a rune from the master secret (as `createrune` does).
    Create {
        /// The master secret, hex (up to 55 bytes).
        #[arg(long)]
        secret: String,
        /// The unique id (a number).
        #[arg(long, default_value = "0")]
        id: String,
        /// Restrictions, in order.
        restrictions: Vec<String>,
    },
    /// Check a rune for a request, as `checkrune` does (needs the master secret).
    Check {
        /// The rune (base64url; it may start with `-`).
        #[arg(allow_hyphen_values = true)]
        rune: String,
        /// The master secret, hex.
        #[arg(long)]
        secret: String,
        /// The method being called.
        #[arg(long)]
        method: Option<String>,
        /// The parameters, as a JSON object or array.
        #[arg(long)]
        params: Option<String>,
        /// The calling peer's node id, hex.
        #[arg(long)]
        peer_id: Option<String>,
    },
}

/// Why a rune command failed.
#[derive(Debug, Error)]
pub enum RuneCliError {
    /// The rune or a restriction does not parse.
    #[error("{0}")]
    Parse(#[from] runes::ParseError),
    /// The secret is not hex or too long.
    #[error("secret: {0}")]
    Secret(String),
    /// The peer id is not a 33-byte hex node id.
    #[error("peer_id: expected 33 bytes of hex")]
    PeerId,
    /// The rune does not authorise the request (the JSON error was printed).
    #[error("rune refused ({code}): {message}")]
    Refused {
        /// JSON-RPC code (1501, 1502, 1503, -32602).
        code: i32,
        /// Core Lightning's message.
        message: String,
    },
}

fn master(secret_hex: &str) -> Result<MasterRune, RuneCliError> {
    let bytes = hex::decode(secret_hex).map_err(|e| RuneCliError::Secret(e.to_string()))?;
    let secret = MasterSecret::new(&bytes).map_err(|e| RuneCliError::Secret(e.to_string()))?;
    Ok(MasterRune::new(&secret))
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The `decode` JSON for a rune (also used by `bolt12 decode`).
pub fn decode_json(rune: &str) -> Result<serde_json::Value, runes::ParseError> {
    runes::decode_rune(rune, now())
}

/// Runs `bolt12 rune ...`.
pub fn run(args: Args) -> Result<(), RuneCliError> {
    match args.command {
        Command::Decode { rune } => println!("{:#}", decode_json(rune.trim())?),
        Command::Attenuate { rune, restrictions } => {
            let mut rune = Rune::from_base64(rune.trim())?;
            for r in restrictions {
                rune.add_restriction(Restriction::parse(&r)?);
            }
            println!("{}", rune.to_base64());
        }
        Command::Create {
            secret,
            id,
            restrictions,
        } => {
            let restrictions = restrictions
                .iter()
                .map(|r| Restriction::parse(r))
                .collect::<Result<Vec<_>, _>>()?;
            let rune = master(&secret)?.create(UniqueId::new(id)?, restrictions);
            println!("{}", rune.to_base64());
        }
        Command::Check {
            rune,
            secret,
            method,
            params,
            peer_id,
        } => {
            let peer = match peer_id {
                Some(p) => Some(
                    <[u8; 33]>::try_from(hex::decode(p).map_err(|_| RuneCliError::PeerId)?)
                        .map_err(|_| RuneCliError::PeerId)?,
                ),
                None => None,
            };
            let req = CheckRequest {
                peer_id: peer.as_ref(),
                method: method.as_deref(),
                params: params.as_deref(),
            };
            match check_rune(
                &master(&secret)?,
                &MemoryRuneStore::new(),
                &SystemClock,
                rune.trim(),
                &req,
            ) {
                Ok(()) => println!("{:#}", json!({"valid": true})),
                Err(e) => {
                    let (code, message) = (e.code(), e.to_string());
                    println!(
                        "{:#}",
                        json!({"valid": false, "code": code, "message": message})
                    );
                    return Err(RuneCliError::Refused { code, message });
                }
            }
        }
    }
    Ok(())
}
