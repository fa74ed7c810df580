//! Connection limits: per client (source address) and global, counted from
//! TCP accept to close, so connections still in their handshake count.
//!
//! A client is its IPv4 address, or its IPv6 /64 (one host usually has a
//! whole /64; counting single IPv6 addresses would make the per-client
//! limit free to evade). IPv4-mapped IPv6 sources count as IPv4.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::refusal::Refusal;

/// The unit the per-client limit counts: an IPv4 address or an IPv6 /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
    refusing: usize,
}

/// The shared counters.
#[derive(Debug, Clone)]
pub struct Slots {
    state: Arc<Mutex<State>>,
    per_client: usize,
    global: usize,
    refusing: usize,
}

/// A counted connection; released when dropped.
#[derive(Debug)]
pub struct Slot {
    state: Arc<Mutex<State>>,
    key: IpAddr,
}

/// A connection over a limit, counted while its refusal is sent.
#[derive(Debug)]
pub struct RefusalSlot {
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // The counters stay consistent even if a holder panicked: every update
    // is a single arithmetic step.
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl Slots {
    /// At most `per_client` connections per client, `global` in all, and
    /// `refusing` connections at a time being told they are over a limit.
    pub fn new(per_client: usize, global: usize, refusing: usize) -> Self {
        Slots {
            state: Arc::default(),
            per_client,
            global,
            refusing,
        }
    }

    /// Count a new connection from `ip`, or say which limit it is over.
    pub fn acquire(&self, ip: IpAddr) -> Result<Slot, Refusal> {
        let key = client_key(ip);
        let mut s = lock(&self.state);
        if s.total >= self.global {
            return Err(Refusal::TooManyConnections(self.global));
        }
        let mine = s.per_client.get(&key).copied().unwrap_or(0);
        if mine >= self.per_client {
            return Err(Refusal::TooManyFromClient {
                ip,
                limit: self.per_client,
            });
        }
        s.total += 1;
        s.per_client.insert(key, mine + 1);
        Ok(Slot {
            state: self.state.clone(),
            key,
        })
    }

    /// Room to send one more refusal, or `None`: then the connection is
    /// closed at once, unanswered.
    pub fn refusing(&self) -> Option<RefusalSlot> {
        let mut s = lock(&self.state);
        if s.refusing >= self.refusing {
            return None;
        }
        s.refusing += 1;
        Some(RefusalSlot {
            state: self.state.clone(),
        })
    }

    /// Connections counted now.
    pub fn open(&self) -> usize {
        lock(&self.state).total
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut s = lock(&self.state);
        s.total = s.total.saturating_sub(1);
        if let Some(n) = s.per_client.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                s.per_client.remove(&self.key);
            }
        }
    }
}

impl Drop for RefusalSlot {
    fn drop(&mut self) {
        let mut s = lock(&self.state);
        s.refusing = s.refusing.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_client_and_globally() {
        let slots = Slots::new(2, 3, 1);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "2001:db8::1".parse().unwrap();
        let b2: IpAddr = "2001:db8::ffff".parse().unwrap();
        let a1 = slots.acquire(a).unwrap();
        let _a2 = slots.acquire(a).unwrap();
        assert_eq!(
            slots.acquire(a).unwrap_err(),
            Refusal::TooManyFromClient { ip: a, limit: 2 }
        );
        // The same IPv4 address written as IPv4-mapped IPv6 is the same client.
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert!(slots.acquire(mapped).is_err());
        let _b1 = slots.acquire(b).unwrap();
        assert_eq!(
            slots.acquire(b2).unwrap_err(),
            Refusal::TooManyConnections(3)
        );
        drop(a1);
        assert_eq!(slots.open(), 2);
        // Same /64 as b: one client.
        let _b2 = slots.acquire(b2).unwrap();
        assert!(matches!(
            slots.acquire(b),
            Err(Refusal::TooManyConnections(3))
        ));
        let r = slots.refusing().unwrap();
        assert!(slots.refusing().is_none());
        drop(r);
        assert!(slots.refusing().is_some());
    }
}
