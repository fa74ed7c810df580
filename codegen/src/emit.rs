//! Writes Rust for the items of a [`Spec`]: one struct per message, subtype, TLV stream and
//! multi-field TLV record, each with `read`/`write` built on the `wire` runtime crate.
//!
//! Conventions, as in Core Lightning's `generate-wire.py`:
//! - Length fields (a field that a later field names as its `<count>`) are not stored:
//!   they are read to size the array and written from the array's length.
//! - A TLV record with a single field is stored as that field's type (`Option<u64>` for
//!   `offer_amount`); a record with several fields gets a struct named after the record.
//! - Field and record names are the spec's names, unchanged.
use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{Count, Field, Record, Spec, Stream};
use crate::Error;

/// What a `<typename>` is, once resolved.
#[derive(Debug, Clone)]
enum Kind {
    /// A fixed-width integer: Rust type, `Reader` method, size in bytes.
    Int(&'static str, &'static str, usize),
    /// `tu16`/`tu32`/`tu64`: Rust type, `Reader` method, writer function.
    Truncated(&'static str, &'static str, &'static str),
    /// `bigsize`.
    BigSize,
    /// `utf8`.
    Utf8,
    /// A type implementing `wire::Wire`: fundamental fixed types, subtypes, extern types.
    Wire(String),
    /// A nested TLV stream (always the last field): its struct name.
    Stream(String),
}

impl Kind {
    fn is_byte(&self) -> bool {
        matches!(self, Kind::Int("u8", _, _))
    }
}

/// Turns `blinded_path_hop` into `BlindedPathHop`.
pub fn camel(name: &str) -> String {
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Rust struct name of a TLV stream: `offer` -> `OfferTlvs`, `init_tlvs` -> `InitTlvs`.
pub fn stream_struct(name: &str) -> String {
    if name.ends_with("_tlvs") || name.ends_with("_tlv") {
        camel(name)
    } else {
        camel(name) + "Tlvs"
    }
}

/// A field or local name that is safe as a Rust identifier.
fn ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
    ];
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Local variable holding a decoded field (prefixed so it cannot shadow `r` or `out`).
fn local(name: &str) -> String {
    format!("f_{name}")
}

pub(crate) struct Emitter<'a> {
    spec: &'a Spec,
    externs: &'a BTreeMap<String, String>,
    out: String,
}

impl<'a> Emitter<'a> {
    pub(crate) fn new(spec: &'a Spec, externs: &'a BTreeMap<String, String>) -> Self {
        Emitter {
            spec,
            externs,
            out: String::new(),
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn kind(&self, type_name: &str) -> Result<Kind, Error> {
        let t = self.spec.resolve_alias(type_name);
        if let Some(path) = self.externs.get(t) {
            // An extern TLV stream (e.g. BOLT 12's `invoice_request` inside BOLT 4's
            // `onionmsg_tlv`) has the generated stream API, not `wire::Wire`.
            if self.spec.stream(t).is_some() {
                return Ok(Kind::Stream(path.clone()));
            }
            return Ok(Kind::Wire(path.clone()));
        }
        Ok(match t {
            "byte" => Kind::Int("u8", "u8", 1),
            "u16" => Kind::Int("u16", "u16", 2),
            "u32" => Kind::Int("u32", "u32", 4),
            "u64" => Kind::Int("u64", "u64", 8),
            "s8" => Kind::Int("i8", "s8", 1),
            "s16" => Kind::Int("i16", "s16", 2),
            "s32" => Kind::Int("i32", "s32", 4),
            "s64" => Kind::Int("i64", "s64", 8),
            "tu16" => Kind::Truncated("u16", "tu16", "write_tu16"),
            "tu32" => Kind::Truncated("u32", "tu32", "write_tu32"),
            "tu64" => Kind::Truncated("u64", "tu64", "write_tu64"),
            "bigsize" => Kind::BigSize,
            "utf8" => Kind::Utf8,
            "point" => Kind::Wire("::wire::Point".into()),
            "sha256" => Kind::Wire("::wire::Sha256".into()),
            "chain_hash" => Kind::Wire("::wire::ChainHash".into()),
            "channel_id" => Kind::Wire("::wire::ChannelId".into()),
            "short_channel_id" => Kind::Wire("::wire::ShortChannelId".into()),
            "signature" => Kind::Wire("::wire::Signature".into()),
            "bip340sig" => Kind::Wire("::wire::Bip340Sig".into()),
            "sciddir_or_pubkey" => Kind::Wire("::wire::SciddirOrPubkey".into()),
            other if self.spec.subtype(other).is_some() => Kind::Wire(camel(other)),
            other if self.spec.stream(other).is_some() => Kind::Stream(stream_struct(other)),
            other => return Err(Error::UnknownType(other.to_owned())),
        })
    }

    /// Is `field` the `<count>` of a later field in `fields`?
    fn dependents<'f>(fields: &'f [Field], field: &Field) -> Vec<&'f Field> {
        fields
            .iter()
            .filter(|f| f.count == Count::Field(field.name.clone()))
            .collect()
    }

    fn rust_type(&self, f: &Field) -> Result<String, Error> {
        let kind = self.kind(&f.type_name)?;
        Ok(match (&kind, &f.count) {
            (Kind::Int(t, _, _), Count::One) | (Kind::Truncated(t, _, _), Count::One) => {
                (*t).to_owned()
            }
            (Kind::BigSize, Count::One) => "u64".into(),
            (Kind::Utf8, Count::One) => "u8".into(),
            (Kind::Wire(t), Count::One) | (Kind::Stream(t), Count::One) => t.clone(),
            (k, Count::Fixed(n)) if k.is_byte() => format!("[u8; {n}]"),
            (k, _) if k.is_byte() => "Vec<u8>".into(),
            (Kind::Utf8, _) => "String".into(),
            (Kind::Int(t, _, _), _) => format!("Vec<{t}>"),
            (Kind::Wire(t), _) => format!("Vec<{t}>"),
            // `...*bigsize` (BOLT 12 payer proofs' `omitted_tlvs`).
            (Kind::BigSize, Count::Rest) => "Vec<u64>".into(),
            _ => {
                return Err(Error::Unsupported(format!(
                    "array of `{}` in `{}`",
                    f.type_name, f.name
                )))
            }
        })
    }

    fn min_len(&self, f: &Field) -> Result<String, Error> {
        let kind = self.kind(&f.type_name)?;
        Ok(match (&kind, &f.count) {
            (Kind::Int(_, _, n), Count::One) => n.to_string(),
            (Kind::Truncated(..), _) | (Kind::Stream(_), _) => "0".into(),
            (Kind::BigSize, Count::One) | (Kind::Utf8, Count::One) => "1".into(),
            (Kind::Wire(t), Count::One) => format!("<{t} as ::wire::Wire>::MIN_LEN"),
            (Kind::Int(_, _, size), Count::Fixed(n)) => (size * n).to_string(),
            (Kind::Utf8, Count::Fixed(n)) => n.to_string(),
            (Kind::Wire(t), Count::Fixed(n)) => format!("{n} * <{t} as ::wire::Wire>::MIN_LEN"),
            _ => "0".into(),
        })
    }

    /// Expression reading field `f` from `r` (a `&mut wire::Reader`).
    fn read_expr(&self, f: &Field, what: &str) -> Result<String, Error> {
        let kind = self.kind(&f.type_name)?;
        let count_of = |c: &str| format!("u64::from({})", local(c));
        Ok(match (&kind, &f.count) {
            (Kind::Int(_, m, _), Count::One) | (Kind::Truncated(_, m, _), Count::One) => {
                format!("r.{m}(\"{what}\")?")
            }
            (Kind::BigSize, Count::One) => format!("r.bigsize(\"{what}\")?"),
            (Kind::Utf8, Count::One) => format!("r.u8(\"{what}\")?"),
            (Kind::Wire(t), Count::One) => format!("<{t} as ::wire::Wire>::read(r, \"{what}\")?"),
            (Kind::Stream(t), Count::One) => format!("{t}::read(r)?"),
            (k, Count::Fixed(n)) if k.is_byte() => format!("r.array::<{n}>(\"{what}\")?"),
            (k, Count::Field(c)) if k.is_byte() => {
                format!("r.bytes({}, \"{what}\")?.to_vec()", count_of(c))
            }
            (k, Count::Rest) if k.is_byte() => "r.take_rest().to_vec()".into(),
            (Kind::Utf8, Count::Fixed(n)) => format!("r.utf8({n}, \"{what}\")?"),
            (Kind::Utf8, Count::Field(c)) => format!("r.utf8({}, \"{what}\")?", count_of(c)),
            (Kind::Utf8, Count::Rest) => format!("r.utf8_rest(\"{what}\")?"),
            (Kind::Int(t, _, _), count) => Self::read_array(t, count, what),
            (Kind::Wire(t), count) => Self::read_array(t, count, what),
            // Grows only as values are decoded: bounded by the input.
            (Kind::BigSize, Count::Rest) => format!(
                "{{ let mut v = Vec::new(); while !r.is_empty() {{ v.push(r.bigsize(\"{what}\")?); }} v }}"
            ),
            _ => {
                return Err(Error::Unsupported(format!(
                    "array of `{}` in `{}`",
                    f.type_name, f.name
                )))
            }
        })
    }

    fn read_array(t: &str, count: &Count, what: &str) -> String {
        let count_of = |c: &str| format!("u64::from({})", local(c));
        match count {
            Count::Fixed(n) => format!("::wire::read_array_counted::<{t}>(r, {n}, \"{what}\")?"),
            Count::Field(c) => format!(
                "::wire::read_array_counted::<{t}>(r, {}, \"{what}\")?",
                count_of(c)
            ),
            _ => format!("::wire::read_array_rest::<{t}>(r, \"{what}\")?"),
        }
    }

    /// Statements appending field `f`, whose value is the reference expression `v`.
    fn write_stmts(&self, f: &Field, v: &str, what: &str) -> Result<String, Error> {
        let kind = self.kind(&f.type_name)?;
        let fixed_check = |n: &usize| {
            format!(
                "if {v}.len() != {n} {{ return Err(::wire::EncodeError::FixedLength {{ what: \"{what}\", expected: {n}, got: {v}.len() }}); }}\n"
            )
        };
        Ok(match (&kind, &f.count) {
            (Kind::Int(..), Count::One) | (Kind::Wire(_), Count::One) => {
                format!("::wire::Wire::write({v}, out)?;\n")
            }
            (Kind::Truncated(_, _, w), Count::One) => format!("::wire::{w}(out, *{v});\n"),
            (Kind::BigSize, Count::One) => format!("::wire::write_bigsize(out, *{v});\n"),
            (Kind::Utf8, Count::One) => format!("out.push(*{v});\n"),
            (Kind::Stream(t), Count::One) => format!("{t}::write({v}, out)?;\n"),
            // `v` is a reference (`&self.x` or a `v` binding): index the place itself.
            (k, _) if k.is_byte() => format!(
                "out.extend_from_slice(&{}[..]);\n",
                v.trim_start_matches('&')
            ),
            (Kind::Utf8, Count::Fixed(n)) => {
                fixed_check(n) + &format!("out.extend_from_slice({v}.as_bytes());\n")
            }
            (Kind::Utf8, _) => format!("out.extend_from_slice({v}.as_bytes());\n"),
            (Kind::Int(..), Count::Fixed(n)) | (Kind::Wire(_), Count::Fixed(n)) => {
                fixed_check(n) + &format!("::wire::write_array(out, {v})?;\n")
            }
            (Kind::Int(..), _) | (Kind::Wire(_), _) => format!("::wire::write_array(out, {v})?;\n"),
            (Kind::BigSize, Count::Rest) => {
                format!("for x in {v}.iter() {{ ::wire::write_bigsize(out, *x); }}\n")
            }
            _ => {
                return Err(Error::Unsupported(format!(
                    "array of `{}` in `{}`",
                    f.type_name, f.name
                )))
            }
        })
    }

    fn doc_type(f: &Field) -> String {
        match &f.count {
            Count::One => format!("`{}`", f.type_name),
            Count::Fixed(n) => format!("`{n}*{}`", f.type_name),
            Count::Field(c) => format!("`{c}*{}`", f.type_name),
            Count::Rest => format!("`...*{}`", f.type_name),
        }
    }

    /// Struct fields, `read` body and `write` body for a container of `fields`.
    /// `prefix` names the container in error messages.
    fn container(
        &self,
        fields: &[Field],
        prefix: &str,
    ) -> Result<(String, String, String, String), Error> {
        let mut decl = String::new();
        let mut read = String::new();
        let mut write = String::new();
        let mut min = Vec::new();
        // Length fields: compute from their arrays before writing anything.
        for f in fields {
            let deps = Self::dependents(fields, f);
            if deps.is_empty() {
                continue;
            }
            let first = &deps[0];
            let len = local(&f.name);
            let _ = writeln!(write, "let {len} = self.{}.len();", ident(&first.name));
            for other in &deps[1..] {
                let _ = writeln!(
                    write,
                    "if self.{o}.len() != {len} {{ return Err(::wire::EncodeError::LengthMismatch {{ what: \"{prefix}.{n}\", a: {len}, b: self.{o}.len() }}); }}",
                    o = ident(&other.name),
                    n = f.name
                );
            }
            let (ty, max) = match self.kind(&f.type_name)? {
                Kind::Int(t, _, _) if !t.starts_with('i') => (t, format!("u64::from({t}::MAX)")),
                Kind::BigSize => ("u64", "u64::MAX".to_owned()),
                _ => {
                    return Err(Error::Unsupported(format!(
                        "length field `{}` of type `{}`",
                        f.name, f.type_name
                    )))
                }
            };
            let _ = writeln!(
                write,
                "let {len} = {ty}::try_from({len}).map_err(|_| ::wire::EncodeError::LengthOverflow {{ what: \"{prefix}.{dep}\", len: {len}, max: {max} }})?;",
                dep = first.name
            );
        }
        for f in fields {
            let what = format!("{prefix}.{}", f.name);
            let is_len = !Self::dependents(fields, f).is_empty();
            let _ = writeln!(
                read,
                "let {} = {};",
                local(&f.name),
                self.read_expr(f, &what)?
            );
            min.push(self.min_len(f)?);
            if is_len {
                write += &match self.kind(&f.type_name)? {
                    Kind::BigSize => format!("::wire::write_bigsize(out, {});\n", local(&f.name)),
                    _ => format!("::wire::Wire::write(&{}, out)?;\n", local(&f.name)),
                };
            } else {
                let _ = writeln!(decl, "    /// `{}`: {}.", f.name, Self::doc_type(f));
                let _ = writeln!(decl, "    pub {}: {},", ident(&f.name), self.rust_type(f)?);
                write += &self.write_stmts(f, &format!("&self.{}", ident(&f.name)), &what)?;
            }
        }
        let ctor = fields
            .iter()
            .filter(|f| Self::dependents(fields, f).is_empty())
            .map(|f| format!("{}: {}", ident(&f.name), local(&f.name)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(read, "Ok(Self {{ {ctor} }})");
        let min = if min.is_empty() {
            "0".to_owned()
        } else {
            min.join(" + ")
        };
        Ok((decl, read, write, min))
    }

    fn struct_with_wire(
        &mut self,
        rust_name: &str,
        doc: &str,
        fields: &[Field],
        prefix: &str,
    ) -> Result<(), Error> {
        let (decl, read, write, min) = self.container(fields, prefix)?;
        let _ = write!(
            self.out,
            "{doc}#[derive(Debug, Clone, PartialEq, Eq)]\npub struct {rust_name} {{\n{decl}}}\n\n\
             impl ::wire::Wire for {rust_name} {{\n\
             const MIN_LEN: usize = {min};\n\
             #[allow(unused_variables)]\n\
             fn read(r: &mut ::wire::Reader<'_>, what: &'static str) -> Result<Self, ::wire::DecodeError> {{\n{read}}}\n\
             fn write(&self, out: &mut Vec<u8>) -> Result<(), ::wire::EncodeError> {{\n{write}Ok(())\n}}\n}}\n\n"
        );
        Ok(())
    }

    pub(crate) fn subtype(&mut self, name: &str) -> Result<(), Error> {
        let sub = self
            .spec
            .subtype(name)
            .ok_or_else(|| Error::UnknownType(name.to_owned()))?;
        let doc = format!("/// Subtype `{}` (from `{}`).\n", sub.name, sub.source);
        self.struct_with_wire(&camel(&sub.name), &doc, &sub.fields, &sub.name)
    }

    /// Rust type stored for `record` in its stream struct.
    fn record_type(&self, stream: &Stream, record: &Record) -> Result<String, Error> {
        match record.fields.as_slice() {
            [only] => self.rust_type(only),
            _ => Ok(self.record_struct_name(stream, record)),
        }
    }

    /// Multi-field records are named after the record; the stream name is prefixed only if
    /// another emitted stream has a record of that name with different fields.
    pub(crate) fn record_struct_name(&self, stream: &Stream, record: &Record) -> String {
        let clash = self.spec.streams.iter().any(|s| {
            s.name != stream.name
                && s.records
                    .iter()
                    .any(|r| r.name == record.name && r.fields != record.fields)
        });
        if clash {
            camel(&stream.name) + &camel(&record.name)
        } else {
            camel(&record.name)
        }
    }

    pub(crate) fn record_struct(&mut self, stream: &Stream, record: &Record) -> Result<(), Error> {
        let doc = format!(
            "/// TLV record `{}` (type {}) of stream `{}` (from `{}`).\n",
            record.name, record.tlv_type, stream.name, stream.source
        );
        let name = self.record_struct_name(stream, record);
        self.struct_with_wire(&name, &doc, &record.fields, &record.name)
    }

    pub(crate) fn stream(&mut self, name: &str) -> Result<(), Error> {
        let stream = self
            .spec
            .stream(name)
            .ok_or_else(|| Error::UnknownType(name.to_owned()))?;
        let rust_name = stream_struct(&stream.name);
        let mut decl = String::new();
        let mut read = String::new();
        let mut write = String::new();
        for record in &stream.records {
            let field = ident(&record.name);
            let ty = self.record_type(stream, record)?;
            let fields_doc = record
                .fields
                .iter()
                .map(|f| format!("`{}` {}", f.name, Self::doc_type(f)))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                decl,
                "    /// Type {} (`{}`): {}.",
                record.tlv_type, record.name, fields_doc
            );
            let _ = writeln!(decl, "    pub {field}: Option<{ty}>,");
            let (read_value, write_value) = match record.fields.as_slice() {
                [only] => (
                    self.read_expr(only, &record.name)?,
                    self.write_stmts(only, "v", &record.name)?,
                ),
                _ => (
                    format!("<{ty} as ::wire::Wire>::read(r, \"{}\")?", record.name),
                    "::wire::Wire::write(v, out)?;\n".to_owned(),
                ),
            };
            let _ = writeln!(
                read,
                "{t} => {{ self.{field} = Some({read_value}); \"{n}\" }}",
                t = record.tlv_type,
                n = record.name
            );
            let _ = write!(
                write,
                "if let Some(v) = &self.{field} {{\nlet start = w.begin(out, {t});\n{write_value}w.end(out, start);\n}}\n",
                t = record.tlv_type
            );
        }
        let known = stream
            .records
            .iter()
            .map(|r| r.tlv_type.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let names = stream
            .records
            .iter()
            .map(|r| format!("({}, \"{}\")", r.tlv_type, r.name))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            self.out,
            "/// TLV stream `{name}` (from `{source}`).\n\
             #[derive(Debug, Clone, Default, PartialEq, Eq)]\n\
             pub struct {rust_name} {{\n{decl}\
             \x20   /// Unknown odd records, verbatim and in type order.\n\
             \x20   pub unknown: Vec<::wire::UnknownRecord>,\n}}\n\n\
             impl {rust_name} {{\n\
             /// The stream's spec name.\n\
             pub const NAME: &'static str = \"{name}\";\n\
             /// Types of the records this stream defines.\n\
             pub const KNOWN_TYPES: &'static [u64] = &[{known}];\n             /// The records this stream defines: type and spec name, in type order.\n             pub const RECORD_NAMES: &'static [(u64, &'static str)] = &[{names}];\n\n\
             /// Reads the stream from all remaining bytes of `r` (BOLT 1 TLV reader rules).\n\
             pub fn read(r: &mut ::wire::Reader<'_>) -> Result<Self, ::wire::DecodeError> {{\n\
             let mut tlvs = Self::default();\n\
             let mut stream = ::wire::TlvStreamReader::new(r.take_rest(), Self::NAME);\n\
             while let Some(record) = stream.next_record()? {{\n\
             tlvs.read_record(record)?;\n\
             }}\nOk(tlvs)\n}}\n\n\
             /// Stores one record of the stream (each type comes at most once: the stream\n\
             /// reader checks that types increase). One function for every record, with one\n\
             /// error exit, rather than one inlined into `read` with its own.\n\
             #[allow(clippy::match_single_binding)]\n\
             fn read_record(&mut self, record: ::wire::TlvRecord<'_>) -> Result<(), ::wire::DecodeError> {{\n\
             let mut value = record.value_reader();\n\
             let r = &mut value;\n\
             let name = match record.tlv_type {{\n{read}\
             t if t % 2 == 0 => return Err(::wire::DecodeError::UnknownEvenType {{ stream: Self::NAME, tlv_type: t }}),\n\
             t => {{ self.unknown.push(::wire::UnknownRecord {{ tlv_type: t, value: record.value.to_vec() }}); return Ok(()); }}\n\
             }};\nr.finish(name)\n}}\n\n\
             /// Decodes a whole byte string as this stream.\n\
             pub fn decode(bytes: &[u8]) -> Result<Self, ::wire::DecodeError> {{\n\
             Self::read(&mut ::wire::Reader::new(bytes))\n}}\n\n\
             /// Appends the stream in canonical (ascending type) order.\n\
             pub fn write(&self, out: &mut Vec<u8>) -> Result<(), ::wire::EncodeError> {{\n\
             let mut w = ::wire::RecordWriter::new(Self::NAME, &self.unknown, Self::KNOWN_TYPES)?;\n\
             {write}w.finish(out);\nOk(())\n}}\n\n\
             /// The stream's encoding.\n\
             pub fn encode(&self) -> Result<Vec<u8>, ::wire::EncodeError> {{\n\
             let mut out = Vec::new();\nself.write(&mut out)?;\nOk(out)\n}}\n}}\n\n",
            name = stream.name,
            source = stream.source,
        );
        Ok(())
    }

    pub(crate) fn message(&mut self, name: &str) -> Result<(), Error> {
        let msg = self
            .spec
            .message(name)
            .ok_or_else(|| Error::UnknownType(name.to_owned()))?;
        let type_num: u16 = msg.type_value.parse().map_err(|_| {
            Error::Unsupported(format!(
                "message `{}` has symbolic type `{}`",
                msg.name, msg.type_value
            ))
        })?;
        let rust_name = camel(&msg.name);
        let (decl, read, write, _) = self.container(&msg.fields, &msg.name)?;
        let _ = write!(
            self.out,
            "/// Message `{name}`, type {type_num} (from `{source}`).\n\
             #[derive(Debug, Clone, PartialEq, Eq)]\npub struct {rust_name} {{\n{decl}}}\n\n\
             impl {rust_name} {{\n\
             /// The message type.\n\
             pub const TYPE: u16 = {type_num};\n\n\
             /// Reads the fields that follow the 2-byte type.\n\
             pub fn read(r: &mut ::wire::Reader<'_>) -> Result<Self, ::wire::DecodeError> {{\n{read}}}\n\n\
             /// Decodes a payload (the message without its 2-byte type). Bytes after the last\n\
             /// defined field are ignored, as BOLT 1 requires for extensions.\n\
             pub fn decode(payload: &[u8]) -> Result<Self, ::wire::DecodeError> {{\n\
             Self::read(&mut ::wire::Reader::new(payload))\n}}\n\n\
             /// Appends the fields (without the type).\n\
             pub fn write(&self, out: &mut Vec<u8>) -> Result<(), ::wire::EncodeError> {{\n{write}Ok(())\n}}\n\n\
             /// The whole message: 2-byte type, then the fields.\n\
             pub fn encode(&self) -> Result<Vec<u8>, ::wire::EncodeError> {{\n\
             let mut out = Self::TYPE.to_be_bytes().to_vec();\nself.write(&mut out)?;\nOk(out)\n}}\n}}\n\n",
            name = msg.name,
            source = msg.source,
        );
        Ok(())
    }
}
