//! Reassembly of incoming commands with Core Lightning's limits
//! (CLN plugins/commando.c `handle_incmd`, `append_contents`):
//!
//! * one partial command per peer: a chunk with a new id from the same
//!   peer discards the old partial command;
//! * at most 16 partial commands at once: the oldest is dropped;
//! * at most 1 MiB per command: a larger command is ignored (no reply).

/// Limits for incoming commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest command, in bytes ("1MB should be enough for anybody!").
    pub max_request: usize,
    /// Most partial commands buffered at once.
    pub max_partials: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request: 1024 * 1024,
            max_partials: 16,
        }
    }
}

/// What a chunk did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assembled {
    /// More chunks are needed.
    Incomplete,
    /// The command is complete.
    Complete(Vec<u8>),
    /// The command ended but was over the size limit; it is ignored.
    Oversize,
}

#[derive(Debug)]
struct Partial {
    peer: [u8; 33],
    id: u64,
    /// `None` once the command went over the size limit.
    contents: Option<Vec<u8>>,
}

/// Partial commands of all peers, oldest first.
#[derive(Debug, Default)]
pub struct Partials {
    list: Vec<Partial>,
}

impl Partials {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of partial commands held.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether none are held.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether a partial command from `peer` with `id` is held.
    pub fn holds(&self, peer: &[u8; 33], id: u64) -> bool {
        self.list.iter().any(|p| &p.peer == peer && p.id == id)
    }

    /// Add a command chunk from `peer`.
    pub fn add(
        &mut self,
        limits: Limits,
        peer: [u8; 33],
        id: u64,
        data: &[u8],
        terminal: bool,
    ) -> Assembled {
        let existing = self.list.iter().position(|p| p.peer == peer);
        let index = match existing {
            Some(i) if self.list.get(i).is_some_and(|p| p.id == id) => i,
            other => {
                if let Some(i) = other {
                    // A new command from this peer replaces its old one.
                    self.list.remove(i);
                }
                self.list.push(Partial {
                    peer,
                    id,
                    contents: Some(Vec::new()),
                });
                if self.list.len() > limits.max_partials {
                    self.list.remove(0);
                }
                self.list.len().saturating_sub(1)
            }
        };
        let Some(partial) = self.list.get_mut(index) else {
            return Assembled::Incomplete;
        };
        if let Some(buf) = &mut partial.contents {
            if buf.len().saturating_add(data.len()) > limits.max_request {
                partial.contents = None;
            } else {
                buf.extend_from_slice(data);
            }
        }
        if !terminal {
            return Assembled::Incomplete;
        }
        match partial.contents.take() {
            // Core Lightning leaves an oversize command in place (it keeps
            // swallowing chunks with that id) and sends no reply.
            None => Assembled::Oversize,
            Some(buf) => {
                self.list.remove(index);
                Assembled::Complete(buf)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [u8; 33] = [2; 33];
    const B: [u8; 33] = [3; 33];

    #[test]
    fn reassembles_in_order() {
        let mut t = Partials::new();
        let l = Limits::default();
        assert_eq!(t.add(l, A, 1, b"{\"a\":", false), Assembled::Incomplete);
        assert_eq!(t.add(l, B, 9, b"[", false), Assembled::Incomplete);
        assert_eq!(
            t.add(l, A, 1, b"1}", true),
            Assembled::Complete(b"{\"a\":1}".to_vec())
        );
        assert_eq!(t.len(), 1);
        assert!(t.holds(&B, 9));
    }

    #[test]
    fn new_id_from_same_peer_discards_old() {
        let mut t = Partials::new();
        let l = Limits::default();
        t.add(l, A, 1, b"old", false);
        assert_eq!(
            t.add(l, A, 2, b"new", true),
            Assembled::Complete(b"new".to_vec())
        );
        assert!(t.is_empty());
    }

    #[test]
    fn at_most_sixteen_partials_oldest_dropped() {
        let mut t = Partials::new();
        let l = Limits::default();
        for i in 0..17u8 {
            let mut peer = [0u8; 33];
            peer[0] = 2;
            peer[1] = i;
            t.add(l, peer, u64::from(i), b"x", false);
        }
        assert_eq!(t.len(), 16);
        let mut first = [0u8; 33];
        first[0] = 2;
        assert!(!t.holds(&first, 0));
        first[1] = 16;
        assert!(t.holds(&first, 16));
    }

    #[test]
    fn oversize_is_ignored_until_replaced() {
        let mut t = Partials::new();
        let l = Limits {
            max_request: 10,
            max_partials: 16,
        };
        assert_eq!(t.add(l, A, 1, b"0123456789", false), Assembled::Incomplete);
        assert_eq!(t.add(l, A, 1, b"x", true), Assembled::Oversize);
        // Exactly at the limit is fine.
        assert_eq!(
            t.add(l, A, 2, b"0123456789", true),
            Assembled::Complete(b"0123456789".to_vec())
        );
    }
}
