//! Commando framing: custom message types, the 8-byte request id, and
//! splitting into 65000-byte chunks (lightning-commando(7); CLN
//! plugins/commando.c `enum commando_msgtype`, `json_commando`,
//! `send_response`).
//!
//! Each commando message is a Lightning custom message (BOLT 1, odd type)
//! whose payload is a big-endian u64 id followed by a piece of JSON. A
//! request or reply is split into chunks of at most 65000 bytes: all but
//! the last use the "continues" type, the last the "terminal" type; so a
//! message that fits in one chunk is a single terminal message.

/// Request chunk, more follows.
pub const CMD_CONTINUES: u16 = 0x4c4d;
/// Request chunk, last one.
pub const CMD_TERM: u16 = 0x4c4f;
/// Reply chunk, more follows.
pub const REPLY_CONTINUES: u16 = 0x594b;
/// Reply chunk, last one.
pub const REPLY_TERM: u16 = 0x594d;

/// Largest JSON piece per message ("65000 per message gives sufficient
/// headroom" under the 65535-byte Lightning message limit).
pub const CHUNK_SIZE: usize = 65000;

/// A Lightning custom message: its type and the bytes after the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomMessage {
    /// Message type (BOLT 1).
    pub msg_type: u16,
    /// Payload (everything after the 2-byte type).
    pub payload: Vec<u8>,
}

/// Which direction a commando message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Client to node.
    Command,
    /// Node to client.
    Reply,
}

/// A decoded commando chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// Request or reply.
    pub direction: Direction,
    /// Whether this is the last chunk.
    pub terminal: bool,
    /// The 8-byte id.
    pub id: u64,
    /// The JSON piece.
    pub data: &'a [u8],
}

impl CustomMessage {
    /// Decode as a commando chunk; `None` for other message types or a
    /// payload too short for the id (ignored, as Core Lightning does).
    pub fn as_chunk(&self) -> Option<Chunk<'_>> {
        let (direction, terminal) = match self.msg_type {
            CMD_CONTINUES => (Direction::Command, false),
            CMD_TERM => (Direction::Command, true),
            REPLY_CONTINUES => (Direction::Reply, false),
            REPLY_TERM => (Direction::Reply, true),
            _ => return None,
        };
        let (id, data) = self.payload.split_first_chunk::<8>()?;
        Some(Chunk {
            direction,
            terminal,
            id: u64::from_be_bytes(*id),
            data,
        })
    }
}

/// Split `json` into commando messages for `id`.
///
/// Empty input produces no messages (Core Lightning sends nothing then).
pub fn split(direction: Direction, id: u64, json: &[u8]) -> Vec<CustomMessage> {
    let (more, last) = match direction {
        Direction::Command => (CMD_CONTINUES, CMD_TERM),
        Direction::Reply => (REPLY_CONTINUES, REPLY_TERM),
    };
    let count = json.len().div_ceil(CHUNK_SIZE);
    json.chunks(CHUNK_SIZE)
        .enumerate()
        .map(|(i, piece)| {
            let mut payload = Vec::with_capacity(8 + piece.len());
            payload.extend_from_slice(&id.to_be_bytes());
            payload.extend_from_slice(piece);
            CustomMessage {
                msg_type: if i + 1 == count { last } else { more },
                payload,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_request_is_one_terminal_message() {
        let msgs = split(Direction::Command, 0x0102030405060708, b"{}");
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].msg_type, CMD_TERM);
        assert_eq!(msgs[0].payload, b"\x01\x02\x03\x04\x05\x06\x07\x08{}");
        let c = msgs[0].as_chunk().unwrap();
        assert_eq!(
            (c.direction, c.terminal, c.id, c.data),
            (Direction::Command, true, 0x0102030405060708, &b"{}"[..])
        );
    }

    #[test]
    fn chunk_boundaries() {
        for (len, want) in [(65000usize, 1usize), (65001, 2), (130000, 2), (130001, 3)] {
            let data = vec![b'x'; len];
            let msgs = split(Direction::Reply, 9, &data);
            assert_eq!(msgs.len(), want, "len {len}");
            let types: Vec<u16> = msgs.iter().map(|m| m.msg_type).collect();
            assert_eq!(types.last(), Some(&REPLY_TERM));
            assert!(types[..types.len() - 1]
                .iter()
                .all(|t| *t == REPLY_CONTINUES));
            let joined: Vec<u8> = msgs
                .iter()
                .flat_map(|m| m.as_chunk().unwrap().data.to_vec())
                .collect();
            assert_eq!(joined, data);
            assert!(msgs.iter().all(|m| m.payload.len() <= 8 + CHUNK_SIZE));
        }
        assert!(split(Direction::Reply, 1, b"").is_empty());
    }

    #[test]
    fn foreign_and_short_messages_are_not_chunks() {
        assert!(CustomMessage {
            msg_type: 0x4c4e,
            payload: vec![0; 9]
        }
        .as_chunk()
        .is_none());
        assert!(CustomMessage {
            msg_type: CMD_TERM,
            payload: vec![0; 7]
        }
        .as_chunk()
        .is_none());
        let empty = CustomMessage {
            msg_type: REPLY_TERM,
            payload: vec![0; 8],
        };
        assert_eq!(empty.as_chunk().unwrap().data, b"");
    }
}
