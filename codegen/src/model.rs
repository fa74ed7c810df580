//! What the CSV lines describe, before any Rust is written.

/// How many elements a field holds: the `<count>` column of a data line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// Empty column: a single element.
    One,
    /// A decimal: a fixed-size array.
    Fixed(usize),
    /// The name of an earlier field of the same container that holds the element count.
    Field(String),
    /// `...`: elements until the end of the TLV value or message.
    Rest,
}

/// One `msgdata`, `tlvdata` or `subtypedata` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// `<fieldname>`.
    pub name: String,
    /// `<typename>`, after any `typealias` patch.
    pub type_name: String,
    /// `<count>`.
    pub count: Count,
}

/// A `subtype` and its `subtypedata` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subtype {
    /// `<subtypename>`.
    pub name: String,
    /// Fields in wire order.
    pub fields: Vec<Field>,
    /// CSV file it came from.
    pub source: String,
}

/// A `msgtype` and its `msgdata` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `<msgname>`.
    pub name: String,
    /// `<value>` as written: a number, or symbolic (onion failure codes such as `PERM|NODE|2`).
    pub type_value: String,
    /// Fields in wire order.
    pub fields: Vec<Field>,
    /// CSV file it came from.
    pub source: String,
}

/// A `tlvtype` record of a stream, with its `tlvdata` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `<tlvname>`.
    pub name: String,
    /// `<value>`: the record's type.
    pub tlv_type: u64,
    /// Fields in wire order.
    pub fields: Vec<Field>,
}

/// A TLV stream: every `tlvtype` line with the same `<streamname>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    /// `<streamname>`.
    pub name: String,
    /// Records in ascending type order.
    pub records: Vec<Record>,
    /// CSV file it came from.
    pub source: String,
}

/// Everything read from one or more CSV files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spec {
    /// Messages in file order.
    pub messages: Vec<Message>,
    /// TLV streams in file order of their first record.
    pub streams: Vec<Stream>,
    /// Subtypes in file order.
    pub subtypes: Vec<Subtype>,
    /// `typealias,<from>,<to>` patch lines: `<from>` is spelled `<to>` here.
    pub aliases: Vec<(String, String)>,
}

impl Spec {
    /// The message called `name`.
    pub fn message(&self, name: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.name == name)
    }
    /// The stream called `name`.
    pub fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.iter().find(|s| s.name == name)
    }
    /// `name` after applying `typealias` patches.
    pub fn resolve_alias<'a>(&'a self, name: &'a str) -> &'a str {
        self.aliases
            .iter()
            .find(|(from, _)| from == name)
            .map_or(name, |(_, to)| to.as_str())
    }
    /// The subtype called `name`.
    pub fn subtype(&self, name: &str) -> Option<&Subtype> {
        self.subtypes.iter().find(|s| s.name == name)
    }
}
