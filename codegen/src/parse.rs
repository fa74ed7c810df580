//! Reads the CSV lines that `tools/extract-formats.py` writes (bolts repository), plus the
//! project's patch directives.
//!
//! Line kinds (first column): `msgtype`, `msgdata`, `tlvtype`, `tlvdata`, `subtype`,
//! `subtypedata`. Blank lines and lines starting with `#` are ignored (the extractor
//! writes neither; patch files use comments). The patch directive
//! `typealias,<from>,<to>` records that a type spelled `<from>` is the type `<to>`.
use crate::model::{Count, Field, Message, Record, Spec, Stream, Subtype};
use crate::Error;

/// Adds the lines of `text` (a CSV file called `source`) to `spec`.
pub fn parse_into(spec: &mut Spec, source: &str, text: &str) -> Result<(), Error> {
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |message: String| Error::Csv {
            source: source.to_owned(),
            line: index + 1,
            message,
        };
        let cols: Vec<&str> = line.split(',').collect();
        let want = |n: usize| -> Result<(), Error> {
            if cols.len() == n {
                Ok(())
            } else {
                Err(at(format!(
                    "`{}` line needs {n} columns, has {}",
                    cols[0],
                    cols.len()
                )))
            }
        };
        match cols[0] {
            "msgtype" => {
                want(3)?;
                name("message", cols[1]).map_err(at)?;
                if spec.message(cols[1]).is_some() {
                    return Err(at(format!("message `{}` defined twice", cols[1])));
                }
                spec.messages.push(Message {
                    name: cols[1].to_owned(),
                    type_value: cols[2].to_owned(),
                    fields: Vec::new(),
                    source: source.to_owned(),
                });
            }
            "msgdata" => {
                want(5)?;
                let msg = spec
                    .messages
                    .iter_mut()
                    .find(|m| m.name == cols[1])
                    .ok_or_else(|| at(format!("msgdata for undeclared message `{}`", cols[1])))?;
                let field = field(&msg.fields, &cols[2..]).map_err(at)?;
                msg.fields.push(field);
            }
            "tlvtype" => {
                want(4)?;
                name("stream", cols[1]).map_err(at)?;
                name("record", cols[2]).map_err(at)?;
                let tlv_type: u64 = cols[3]
                    .parse()
                    .map_err(|_| at(format!("TLV type `{}` is not a number", cols[3])))?;
                let stream = match spec.streams.iter_mut().position(|s| s.name == cols[1]) {
                    Some(i) => &mut spec.streams[i],
                    None => {
                        spec.streams.push(Stream {
                            name: cols[1].to_owned(),
                            records: Vec::new(),
                            source: source.to_owned(),
                        });
                        spec.streams
                            .last_mut()
                            .ok_or_else(|| at("unreachable".into()))?
                    }
                };
                if stream
                    .records
                    .iter()
                    .any(|r| r.name == cols[2] || r.tlv_type == tlv_type)
                {
                    return Err(at(format!(
                        "stream `{}` repeats record `{}` or type {tlv_type}",
                        cols[1], cols[2]
                    )));
                }
                stream.records.push(Record {
                    name: cols[2].to_owned(),
                    tlv_type,
                    fields: Vec::new(),
                });
                stream.records.sort_by_key(|r| r.tlv_type);
            }
            "tlvdata" => {
                want(6)?;
                let record = spec
                    .streams
                    .iter_mut()
                    .find(|s| s.name == cols[1])
                    .and_then(|s| s.records.iter_mut().find(|r| r.name == cols[2]))
                    .ok_or_else(|| {
                        at(format!(
                            "tlvdata for undeclared record `{}.{}`",
                            cols[1], cols[2]
                        ))
                    })?;
                let field = field(&record.fields, &cols[3..]).map_err(at)?;
                record.fields.push(field);
            }
            "subtype" => {
                want(2)?;
                name("subtype", cols[1]).map_err(at)?;
                if spec.subtype(cols[1]).is_some() {
                    return Err(at(format!("subtype `{}` defined twice", cols[1])));
                }
                spec.subtypes.push(Subtype {
                    name: cols[1].to_owned(),
                    fields: Vec::new(),
                    source: source.to_owned(),
                });
            }
            "subtypedata" => {
                want(5)?;
                let sub = spec
                    .subtypes
                    .iter_mut()
                    .find(|s| s.name == cols[1])
                    .ok_or_else(|| {
                        at(format!("subtypedata for undeclared subtype `{}`", cols[1]))
                    })?;
                let field = field(&sub.fields, &cols[2..]).map_err(at)?;
                sub.fields.push(field);
            }
            "typealias" => {
                want(3)?;
                spec.aliases.push((cols[1].to_owned(), cols[2].to_owned()));
            }
            other => return Err(at(format!("unknown line kind `{other}`"))),
        }
    }
    Ok(())
}

/// Names become Rust identifiers (as they are, or camel-cased): an ASCII letter, then ASCII
/// letters, digits and `_`; not one of the keywords that cannot be raw identifiers.
fn name(kind: &str, name: &str) -> Result<(), String> {
    let mut bytes = name.bytes();
    let well_formed = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !well_formed || matches!(name, "self" | "Self" | "super" | "crate") {
        return Err(format!(
            "{kind} name `{}` is not an identifier",
            name.escape_debug()
        ));
    }
    Ok(())
}

/// Parses `<fieldname>,<typename>,<count>` given the fields already in the container.
fn field(previous: &[Field], cols: &[&str]) -> Result<Field, String> {
    let (name, type_name, count) = (cols[0], cols[1], cols[2]);
    self::name("field", name)?;
    if previous.iter().any(|f| f.name == name) {
        return Err(format!("field `{name}` appears twice"));
    }
    let count = match count {
        "" => Count::One,
        "..." => Count::Rest,
        n if n.bytes().all(|b| b.is_ascii_digit()) => {
            Count::Fixed(n.parse().map_err(|_| format!("count `{n}` too large"))?)
        }
        len_field => {
            if !previous
                .iter()
                .any(|f| f.name == len_field && f.count == Count::One)
            {
                return Err(format!(
                    "count `{len_field}` of `{name}` is not an earlier single field"
                ));
            }
            Count::Field(len_field.to_owned())
        }
    };
    Ok(Field {
        name: name.to_owned(),
        type_name: type_name.to_owned(),
        count,
    })
}
