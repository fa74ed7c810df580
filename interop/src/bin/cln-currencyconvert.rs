//! A Core Lightning plugin answering `currencyconvert` at fixed rates, for offers in a
//! currency (`offer amount=5USD`) without network access. Rates, in msat per whole unit
//! of the currency: USD 1000000 (1 BTC = 100,000 USD), EUR 1100000, JPY 6700.
//!
//! Request and response as `doc/schemas/currencyconvert.json`: `{amount, currency}` in,
//! `{msat}` out.
use std::io::{self, BufWriter, Write};

use serde_json::{json, Value};

/// msat per unit of each currency we know.
const RATES: [(&str, f64); 3] = [("USD", 1_000_000.0), ("EUR", 1_100_000.0), ("JPY", 6_700.0)];

fn answer(method: &str, params: &Value) -> Result<Value, String> {
    Ok(match method {
        "getmanifest" => json!({
            "options": [],
            "rpcmethods": [{
                "name": "currencyconvert",
                "usage": "amount currency",
                "description": "fixed test rates",
            }],
            "subscriptions": [], "hooks": [], "dynamic": false,
        }),
        "init" => json!({}),
        "currencyconvert" => {
            let get = |name: &str, i: usize| match params {
                Value::Object(m) => m.get(name).cloned(),
                Value::Array(a) => a.get(i).cloned(),
                _ => None,
            };
            let amount = get("amount", 0)
                .and_then(|v| v.as_f64())
                .ok_or("currencyconvert: amount missing")?;
            let currency = get("currency", 1)
                .and_then(|v| v.as_str().map(str::to_ascii_uppercase))
                .ok_or("currencyconvert: currency missing")?;
            let rate = RATES
                .iter()
                .find(|(c, _)| *c == currency)
                .map(|(_, r)| *r)
                .ok_or(format!("currencyconvert: no rate for {currency}"))?;
            json!({"msat": (amount * rate).round() as u64})
        }
        other => return Err(format!("unknown method {other}")),
    })
}

fn main() -> io::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    for request in serde_json::Deserializer::from_reader(io::stdin().lock()).into_iter::<Value>() {
        let Ok(request) = request else { break };
        let Some(id) = request.get("id").cloned() else {
            continue;
        };
        let method = request.get("method").and_then(Value::as_str).unwrap_or("");
        let params = request.get("params").cloned().unwrap_or(Value::Null);
        let reply = match answer(method, &params) {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err(message) => json!({"jsonrpc": "2.0", "id": id,
                                   "error": {"code": -32602, "message": message}}),
        };
        serde_json::to_writer(&mut out, &reply)?;
        out.write_all(b"\n\n")?;
        out.flush()?;
    }
    Ok(())
}
