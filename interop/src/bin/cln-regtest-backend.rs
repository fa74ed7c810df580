//! A Core Lightning Bitcoin backend plugin for tests: a fixed regtest chain, no bitcoind.
//!
//! Core Lightning talks to Bitcoin through a plugin that answers five methods
//! (`doc/developers-guide/plugin-development/bitcoin-backend.md`): `getchaininfo`,
//! `estimatefees`, `getrawblockbyheight`, `getutxout` and `sendrawtransaction`. This one
//! serves the real regtest genesis block followed by [`CHAIN_LENGTH`] valid blocks that it
//! mines at start (regtest's target is met by about every second hash), so every node of a
//! test run sees the same chain. There is no mempool: transactions are refused and no
//! output is unspent, which is enough for peers, onion messages, offers, `fetchinvoice`,
//! Commando and runes (no channels).
//!
//! Run it with `disable-plugin=bcli` and `plugin=<this binary>`.
use std::io::{self, BufWriter, Write};

use bitcoin::absolute::LockTime;
use bitcoin::block::{Header, Version};
use bitcoin::blockdata::constants::genesis_block;
use bitcoin::consensus::encode::serialize_hex;
use bitcoin::opcodes::all::OP_PUSHBYTES_0;
use bitcoin::opcodes::OP_TRUE;
use bitcoin::script::Builder;
use bitcoin::{transaction, Amount, Block, Network, OutPoint, ScriptBuf, Sequence, Transaction};
use bitcoin::{TxIn, TxMerkleNode, TxOut, Witness};
use serde_json::{json, Value};

/// Blocks after genesis: past coinbase maturity, so the chain looks like a used regtest.
const CHAIN_LENGTH: u32 = cln_interop::REGTEST_TIP;

/// The chain: genesis, then blocks 1..=CHAIN_LENGTH, each a single coinbase paying
/// `OP_TRUE`, ten minutes apart.
fn regtest_chain() -> Vec<Block> {
    let genesis = genesis_block(Network::Regtest);
    let mut chain = vec![genesis];
    for height in 1..=CHAIN_LENGTH {
        let prev = &chain[chain.len() - 1];
        let coinbase = Transaction {
            version: transaction::Version::ONE,
            lock_time: LockTime::ZERO,
            input: vec![TxIn {
                previous_output: OutPoint::null(),
                // BIP 34: the height first; a second push keeps the script over one byte.
                script_sig: Builder::new()
                    .push_int(i64::from(height))
                    .push_opcode(OP_PUSHBYTES_0)
                    .into_script(),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            }],
            output: vec![TxOut {
                // Regtest halves the subsidy every 150 blocks.
                value: Amount::from_sat((50 * 100_000_000) >> (height / 150)),
                script_pubkey: ScriptBuf::from(vec![OP_TRUE.to_u8()]),
            }],
        };
        let mut header = Header {
            version: Version::from_consensus(0x2000_0000),
            prev_blockhash: prev.block_hash(),
            merkle_root: TxMerkleNode::from_raw_hash(coinbase.compute_txid().to_raw_hash()),
            time: prev.header.time + 600,
            bits: prev.header.bits,
            nonce: 0,
        };
        while header.validate_pow(header.target()).is_err() {
            header.nonce += 1;
        }
        chain.push(Block {
            header,
            txdata: vec![coinbase],
        });
    }
    chain
}

fn manifest() -> Value {
    let method = |name: &str, usage: &str| json!({"name": name, "usage": usage, "description": "regtest test backend"});
    json!({
        "options": [],
        "rpcmethods": [
            method("getchaininfo", "[last_height]"),
            method("estimatefees", ""),
            method("getrawblockbyheight", "height"),
            method("getutxout", "txid vout"),
            method("sendrawtransaction", "tx [allowhighfees]"),
        ],
        "subscriptions": [],
        "hooks": [],
        "dynamic": false,
    })
}

/// `params` may be an object or an array; returns the named or `index`th one.
fn param<'a>(params: &'a Value, name: &str, index: usize) -> Option<&'a Value> {
    match params {
        Value::Object(m) => m.get(name),
        Value::Array(a) => a.get(index),
        _ => None,
    }
}

fn answer(chain: &[Block], method: &str, params: &Value) -> Result<Value, String> {
    let tip = chain.len() as u64 - 1;
    Ok(match method {
        "getmanifest" => manifest(),
        "init" => json!({}),
        "getchaininfo" => json!({
            "chain": "regtest", "headercount": tip, "blockcount": tip, "ibd": false,
        }),
        "estimatefees" => json!({
            "feerate_floor": 1000,
            "feerates": [
                {"blocks": 2, "feerate": 15000},
                {"blocks": 6, "feerate": 10000},
                {"blocks": 12, "feerate": 5000},
                {"blocks": 100, "feerate": 1000},
            ],
        }),
        "getrawblockbyheight" => {
            let height = param(params, "height", 0)
                .and_then(Value::as_u64)
                .ok_or("getrawblockbyheight: missing height")?;
            match usize::try_from(height).ok().and_then(|h| chain.get(h)) {
                Some(block) => json!({
                    "blockhash": block.block_hash().to_string(),
                    "block": serialize_hex(block),
                }),
                None => json!({"blockhash": null, "block": null}),
            }
        }
        // No output of this chain is treated as unspent: there are no channels to fund.
        "getutxout" => json!({"amount": null, "script": null}),
        "sendrawtransaction" => json!({
            "success": false, "errmsg": "cln-regtest-backend: this test chain has no mempool",
        }),
        other => return Err(format!("cln-regtest-backend: unknown method {other}")),
    })
}

fn main() -> io::Result<()> {
    let chain = regtest_chain();
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for request in serde_json::Deserializer::from_reader(stdin).into_iter::<Value>() {
        let request = match request {
            Ok(r) => r,
            // lightningd closed our stdin (or wrote garbage): we are done.
            Err(_) => break,
        };
        let Some(id) = request.get("id").cloned() else {
            continue; // a notification: nothing to answer
        };
        let method = request.get("method").and_then(Value::as_str).unwrap_or("");
        let params = request.get("params").cloned().unwrap_or(Value::Null);
        let reply = match answer(&chain, method, &params) {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err(message) => json!({
                "jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": message},
            }),
        };
        serde_json::to_writer(&mut out, &reply)?;
        out.write_all(b"\n\n")?;
        out.flush()?;
    }
    Ok(())
}
