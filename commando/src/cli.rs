//! Helpers for a `commando` command line:
//! `bolt12 commando <node_id>@<host:port | ws URL> --rune <rune> <method> [params]`.

use crate::error::CommandoError;
use serde_json::{Map, Value};
use thiserror::Error;

/// Bad command-line input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CliError {
    /// The target lacks `@`.
    #[error("target must be <node_id>@<host:port | ws URL>")]
    MissingAt,
    /// The node id is not 33 bytes of hex.
    #[error("node id must be 66 hex digits")]
    BadNodeId,
    /// Nothing after `@`.
    #[error("missing address after '@'")]
    MissingAddress,
    /// A JSON params argument does not parse.
    #[error("params JSON is invalid: {0}")]
    BadJson(String),
    /// A single JSON params argument is neither an object nor an array.
    #[error("params must be a JSON object or array")]
    NotContainer,
    /// Both `key=value` and positional parameters.
    #[error("cannot mix key=value and positional parameters")]
    MixedParams,
}

/// Where the node listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// `host:port` for a plain BOLT 8 TCP connection (port 9735 if omitted).
    Tcp(String),
    /// A `ws://` or `wss://` URL.
    WebSocket(String),
}

/// A parsed `<node_id>@<address>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The node's public key.
    pub node_id: [u8; 33],
    /// Its address.
    pub address: Address,
}

/// Parse `<node_id>@<host:port | ws URL>`.
pub fn parse_target(s: &str) -> Result<Target, CliError> {
    let (id, addr) = s.split_once('@').ok_or(CliError::MissingAt)?;
    let mut node_id = [0u8; 33];
    hex::decode_to_slice(id, &mut node_id).map_err(|_| CliError::BadNodeId)?;
    if addr.is_empty() {
        return Err(CliError::MissingAddress);
    }
    let address = if addr.starts_with("ws://") || addr.starts_with("wss://") {
        Address::WebSocket(addr.to_owned())
    } else if addr
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        Address::Tcp(addr.to_owned())
    } else {
        Address::Tcp(format!("{addr}:9735"))
    };
    Ok(Target { node_id, address })
}

fn value_of(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned()))
}

/// Parameters from the remaining arguments, like `lightning-cli`:
/// none → `{}`; one JSON object or array → itself; all `key=value` → an
/// object; otherwise positional → an array. Values that parse as JSON are
/// used as such, anything else as a string.
pub fn parse_params(args: &[String]) -> Result<Value, CliError> {
    match args {
        [] => Ok(Value::Object(Map::new())),
        [one] if one.trim_start().starts_with(['{', '[']) => {
            let v: Value =
                serde_json::from_str(one).map_err(|e| CliError::BadJson(e.to_string()))?;
            if v.is_object() || v.is_array() {
                Ok(v)
            } else {
                Err(CliError::NotContainer)
            }
        }
        _ => {
            let keyed = args.iter().filter(|a| a.contains('=')).count();
            if keyed == args.len() {
                let mut m = Map::new();
                for a in args {
                    if let Some((k, v)) = a.split_once('=') {
                        m.insert(k.to_owned(), value_of(v));
                    }
                }
                Ok(Value::Object(m))
            } else if keyed == 0 {
                Ok(Value::Array(args.iter().map(|a| value_of(a)).collect()))
            } else {
                Err(CliError::MixedParams)
            }
        }
    }
}

/// What to print and the exit status: the `result` and 0, or the error
/// object (with its `code`, e.g. 19537) and 1.
pub fn render_outcome(outcome: &Result<Value, CommandoError>) -> (String, i32) {
    match outcome {
        Ok(v) => (serde_json::to_string_pretty(v).unwrap_or_default(), 0),
        Err(e) => (
            serde_json::to_string_pretty(&e.to_json()).unwrap_or_default(),
            1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn targets() {
        let id = "02".to_owned() + &"ab".repeat(32);
        let t = parse_target(&format!("{id}@127.0.0.1:9736")).unwrap();
        assert_eq!(t.address, Address::Tcp("127.0.0.1:9736".into()));
        assert_eq!(t.node_id[0], 2);
        let t = parse_target(&format!("{id}@wss://node.example/ws")).unwrap();
        assert_eq!(
            t.address,
            Address::WebSocket("wss://node.example/ws".into())
        );
        assert_eq!(
            parse_target(&format!("{id}@host")).unwrap().address,
            Address::Tcp("host:9735".into())
        );
        assert_eq!(parse_target("zz@host:1"), Err(CliError::BadNodeId));
        assert_eq!(parse_target(&id), Err(CliError::MissingAt));
    }

    #[test]
    fn params() {
        assert_eq!(parse_params(&[]).unwrap(), json!({}));
        assert_eq!(parse_params(&s(&[r#"{"a":1}"#])).unwrap(), json!({"a":1}));
        assert_eq!(
            parse_params(&s(&["amount_msat=1000", "label=x"])).unwrap(),
            json!({"amount_msat":1000,"label":"x"})
        );
        assert_eq!(
            parse_params(&s(&["02ab", "5"])).unwrap(),
            json!(["02ab", 5])
        );
        assert_eq!(parse_params(&s(&["a=1", "b"])), Err(CliError::MixedParams));
        assert!(matches!(
            parse_params(&s(&["{bad"])),
            Err(CliError::BadJson(_))
        ));
    }

    #[test]
    fn error_output_has_code() {
        let e: Result<Value, CommandoError> = Err(CommandoError::from_node(
            19537,
            "Invalid rune: Not permitted: x".into(),
            None,
        ));
        let (text, code) = render_outcome(&e);
        assert_eq!(code, 1);
        assert!(text.contains("19537"));
        assert_eq!(render_outcome(&Ok(json!({"a": 1}))).1, 0);
    }
}
