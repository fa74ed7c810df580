//! Generates typed Rust TLV codecs from BOLT spec CSVs, for use from `build.rs`.
//!
//! The CSV files written by the bolts repository's `tools/extract-formats.py` are the single
//! source of truth for wire formats (as with Core Lightning's `generate-wire.py`). This
//! crate reads them ([`parse`]), resolves types, and writes Rust ([`emit`]) that calls the
//! `wire` runtime crate. Generated code is documented with the spec names and formatted
//! with `rustfmt` when it is available.
//!
//! ```no_run
//! // build.rs
//! let mut g = codegen::Generator::new();
//! g.add_csv_file("../spec-csv/12-offer-encoding.csv").unwrap();
//! g.write_out_dir("bolt12_wire.rs", &["offer"]).unwrap();
//! ```
#![forbid(unsafe_code)]

pub mod emit;
pub mod model;
pub mod parse;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use model::{Count, Field, Spec};

/// Why code could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A CSV line is malformed.
    Csv {
        /// File name.
        source: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A `<typename>` names nothing known (not fundamental, not a subtype or stream,
    /// not declared extern).
    UnknownType(String),
    /// A root named in `generate` is not a message, stream or subtype.
    UnknownRoot(String),
    /// A construct this generator does not support (it says which).
    Unsupported(String),
    /// Two generated items would share a Rust name.
    NameClash(String),
    /// Reading or writing a file failed.
    Io(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Csv {
                source,
                line,
                message,
            } => write!(f, "{source}:{line}: {message}"),
            Error::UnknownType(t) => write!(f, "unknown type `{t}`"),
            Error::UnknownRoot(t) => write!(f, "`{t}` is not a message, TLV stream or subtype"),
            Error::Unsupported(what) => write!(f, "unsupported: {what}"),
            Error::NameClash(name) => write!(f, "two generated items are both called `{name}`"),
            Error::Io(e) => write!(f, "i/o: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Collects CSV files and generates Rust for chosen messages, streams and subtypes (and
/// everything they use).
#[derive(Debug, Default)]
pub struct Generator {
    spec: Spec,
    externs: BTreeMap<String, String>,
}

impl Generator {
    /// An empty generator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the lines of a CSV (or patch) file given as text; `source` names it in docs and errors.
    pub fn add_csv(&mut self, source: &str, text: &str) -> Result<&mut Self, Error> {
        parse::parse_into(&mut self.spec, source, text)?;
        Ok(self)
    }

    /// Adds a CSV file from disk, and tells Cargo to rerun the build script if it changes.
    pub fn add_csv_file(&mut self, path: impl AsRef<Path>) -> Result<&mut Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.add_csv(&name, &text)
    }

    /// Declares that the CSV type `csv_name` is implemented elsewhere by `rust_path`
    /// (which must implement `wire::Wire`), so it is used but not generated.
    pub fn extern_type(&mut self, csv_name: &str, rust_path: &str) -> &mut Self {
        self.externs
            .insert(csv_name.to_owned(), rust_path.to_owned());
        self
    }

    /// The parsed model.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Rust source for `roots` and every subtype and stream they use.
    pub fn generate(&self, roots: &[&str]) -> Result<String, Error> {
        let mut subtypes = Vec::new();
        let mut streams = Vec::new();
        let mut messages = Vec::new();
        for root in roots {
            let root = self.spec.resolve_alias(root);
            if self.spec.message(root).is_some() {
                push_unique(&mut messages, root);
            } else if self.spec.stream(root).is_some() {
                push_unique(&mut streams, root);
            } else if self.spec.subtype(root).is_some() {
                push_unique(&mut subtypes, root);
            } else {
                return Err(Error::UnknownRoot(root.to_owned()));
            }
        }
        // Transitive closure over field types.
        let mut changed = true;
        while changed {
            changed = false;
            let mut fields: Vec<&Field> = Vec::new();
            for m in &messages {
                fields.extend(self.spec.message(m).into_iter().flat_map(|m| &m.fields));
            }
            for s in &streams {
                fields.extend(
                    self.spec
                        .stream(s)
                        .into_iter()
                        .flat_map(|s| s.records.iter().flat_map(|r| &r.fields)),
                );
            }
            for s in &subtypes {
                fields.extend(self.spec.subtype(s).into_iter().flat_map(|s| &s.fields));
            }
            for f in fields {
                let t = self.spec.resolve_alias(&f.type_name);
                if self.externs.contains_key(t) {
                    continue;
                }
                if self.spec.subtype(t).is_some() && !subtypes.contains(&t) {
                    subtypes.push(t);
                    changed = true;
                } else if self.spec.stream(t).is_some() && !streams.contains(&t) {
                    if f.count != Count::One {
                        return Err(Error::Unsupported(format!("array of TLV stream `{t}`")));
                    }
                    streams.push(t);
                    changed = true;
                }
            }
        }
        // Emit in spec order so output is stable whatever the order of `roots`.
        let spec_order = |names: &mut Vec<&str>, order: Vec<&str>| {
            names.sort_by_key(|n| order.iter().position(|o| o == n));
        };
        spec_order(
            &mut subtypes,
            self.spec.subtypes.iter().map(|s| s.name.as_str()).collect(),
        );
        spec_order(
            &mut streams,
            self.spec.streams.iter().map(|s| s.name.as_str()).collect(),
        );
        spec_order(
            &mut messages,
            self.spec.messages.iter().map(|m| m.name.as_str()).collect(),
        );

        let mut e = emit::Emitter::new(&self.spec, &self.externs);
        let mut names: Vec<String> = Vec::new();
        let mut claim = |name: String| -> Result<(), Error> {
            if names.contains(&name) {
                return Err(Error::NameClash(name));
            }
            names.push(name);
            Ok(())
        };
        for s in &subtypes {
            claim(emit::camel(s))?;
            e.subtype(s)?;
        }
        let mut record_structs: Vec<String> = Vec::new();
        for s in &streams {
            let stream = self
                .spec
                .stream(s)
                .ok_or_else(|| Error::UnknownRoot((*s).to_owned()))?;
            for record in stream.records.iter().filter(|r| r.fields.len() != 1) {
                let name = e.record_struct_name(stream, record);
                if record_structs.contains(&name) {
                    continue; // Same record shared by several streams (e.g. `invreq_bip_353_name`).
                }
                claim(name.clone())?;
                record_structs.push(name);
                e.record_struct(stream, record)?;
            }
        }
        for s in &streams {
            claim(emit::stream_struct(s))?;
            e.stream(s)?;
        }
        for m in &messages {
            claim(emit::camel(m))?;
            e.message(m)?;
        }
        let header = format!(
            "// @generated by the `codegen` crate from BOLT spec CSVs. Do not edit: edit the CSVs.\n\
             // Roots: {}.\n\n",
            roots.join(", ")
        );
        Ok(header + &e.finish())
    }

    /// Generates `roots` into `$OUT_DIR/<file_name>` and formats it with `rustfmt` if
    /// available (formatting failure leaves the unformatted, still valid, code).
    pub fn write_out_dir(
        &self,
        file_name: &str,
        roots: &[&str],
    ) -> Result<std::path::PathBuf, Error> {
        let code = self.generate(roots)?;
        let dir =
            std::env::var_os("OUT_DIR").ok_or_else(|| Error::Io("OUT_DIR is not set".into()))?;
        let path = Path::new(&dir).join(file_name);
        std::fs::write(&path, code).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
        let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
        let _ = std::process::Command::new(rustfmt)
            .arg("--edition")
            .arg("2021")
            .arg(&path)
            .status();
        Ok(path)
    }
}

fn push_unique<'a>(v: &mut Vec<&'a str>, s: &'a str) {
    if !v.contains(&s) {
        v.push(s);
    }
}
