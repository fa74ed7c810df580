//! What the tests of the `bolt12` binary share: running it as a user would (arguments,
//! standard input, within a bound) and reading what it answers.
//!
//! Each test binary uses a part of this module.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_bolt12");

/// How long one run may take: the tool's own network timeouts are shorter.
const BOUND: Duration = Duration::from_secs(30);

/// Runs `bolt12 args` with `input` on its standard input; kills it (by its handle) and
/// fails the test if it has not exited within [`BOUND`].
pub fn bolt12_with_input(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes while waiting, so that a long answer cannot block the child.
    fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    }
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    let deadline = Instant::now() + BOUND;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bolt12 {args:?} did not finish in {} s", BOUND.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Runs `bolt12 args` with nothing on its standard input.
pub fn bolt12(args: &[&str]) -> Output {
    bolt12_with_input(args, b"")
}

/// Its standard output, after checking that it succeeded (showing its stderr if not).
pub fn ok_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Its standard output as JSON, after checking that it succeeded.
pub fn ok_json(out: &Output) -> serde_json::Value {
    ok_stdout(out);
    json(out)
}

/// Its standard output as JSON (showing the text if it is not).
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Its standard error, after checking that it failed with status 1 and said one line.
pub fn failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "fails with status 1");
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

/// `value` in its wire encoding, as hex (what `--path` and friends take).
pub fn wire_hex<T: wire::Wire>(value: &T) -> String {
    let mut bytes = Vec::new();
    value.write(&mut bytes).unwrap();
    hex::encode(bytes)
}
