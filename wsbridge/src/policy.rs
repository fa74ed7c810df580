//! Which destinations the bridge may connect to, and at which addresses.
//!
//! * A destination listed exactly in the allow-list (`--allow host:port`) is
//!   allowed at whatever it names: an IP literal as given, a name at every
//!   address the system resolver returns for it. The operator named it, so
//!   the private-range check does not apply (that is how a bridge in front
//!   of a node on `127.0.0.1:9735` is set up).
//! * With `allow_any` (`--allow-any`), any other destination is allowed
//!   only at public addresses: a literal must be public; a name is resolved
//!   and only its public addresses are kept (the bridge connects to those
//!   and nothing else, so a name that resolves to `127.0.0.1` reaches
//!   nothing). If none is public, the destination is refused, naming the
//!   first address and its range.
//! * Anything else is refused before any resolution or connection.
//!
//! "Public" excludes the IANA special-purpose ranges (RFC 6890 and its
//! updates): loopback, private (RFC 1918), shared/CGNAT (RFC 6598),
//! link-local, unique-local (RFC 4193), unspecified, multicast,
//! documentation, benchmarking and other reserved blocks; IPv4 addresses
//! embedded in IPv6 (mapped `::ffff:0:0/96`, NAT64 `64:ff9b::/96`, 6to4
//! `2002::/16`) are judged by their IPv4 address.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::dest::{Destination, Host};
use crate::refusal::Refusal;

/// The range an address belongs to, for refusals and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrClass {
    /// Globally reachable.
    Public,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918 (`10/8`, `172.16/12`, `192.168/16`) and unique-local `fc00::/7`.
    Private,
    /// RFC 6598 shared address space `100.64.0.0/10` (carrier-grade NAT).
    Shared,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// `0.0.0.0/8`, `::`.
    Unspecified,
    /// `224.0.0.0/4`, `255.255.255.255`, `ff00::/8`.
    Multicast,
    /// Documentation, benchmarking, IETF protocol assignments, reserved blocks.
    Reserved,
}

impl fmt::Display for AddrClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddrClass::Public => "public",
            AddrClass::Loopback => "loopback",
            AddrClass::Private => "private",
            AddrClass::Shared => "shared (carrier-grade NAT)",
            AddrClass::LinkLocal => "link-local",
            AddrClass::Unspecified => "unspecified",
            AddrClass::Multicast => "multicast",
            AddrClass::Reserved => "reserved",
        })
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => AddrClass::Unspecified,
        (127, _, _) => AddrClass::Loopback,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => AddrClass::Private,
        (100, 64..=127, _) => AddrClass::Shared,
        (169, 254, _) => AddrClass::LinkLocal,
        (224..=239, _, _) | (255, 255, 255) => AddrClass::Multicast,
        (240..=255, _, _) => AddrClass::Reserved,
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) => {
            AddrClass::Reserved
        }
        _ => AddrClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddrClass {
    let s = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    match s {
        [0, 0, 0, 0, 0, 0, 0, 0] => AddrClass::Unspecified,
        [0, 0, 0, 0, 0, 0, 0, 1] => AddrClass::Loopback,
        // NAT64 well-known prefix (RFC 6052): the IPv4 address it reaches.
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => classify_v4(embedded(hi, lo)),
        // 6to4 (RFC 3056): the relay's IPv4 address.
        [0x2002, hi, lo, ..] => classify_v4(embedded(hi, lo)),
        // IPv4-compatible (deprecated) and the rest of ::/8.
        [0, ..] => AddrClass::Reserved,
        [x, ..] if x & 0xfe00 == 0xfc00 => AddrClass::Private,
        [x, ..] if x & 0xffc0 == 0xfe80 || x & 0xffc0 == 0xfec0 => AddrClass::LinkLocal,
        [x, ..] if x & 0xff00 == 0xff00 => AddrClass::Multicast,
        // Documentation (RFC 3849), IETF protocol assignments 2001::/23 (Teredo
        // included), discard-only 100::/64, 3fff::/20 documentation (RFC 9637).
        [0x2001, 0x0db8, ..] | [0x0100, 0, 0, 0, ..] => AddrClass::Reserved,
        [0x2001, y, ..] if y < 0x0200 => AddrClass::Reserved,
        [0x3fff, y, ..] if y < 0x1000 => AddrClass::Reserved,
        _ => AddrClass::Public,
    }
}

/// The range `ip` belongs to.
pub fn classify(ip: IpAddr) -> AddrClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Resolves names to addresses; the system resolver by default, a table in tests.
#[async_trait::async_trait]
pub trait Resolver: Send + Sync {
    /// Every address `name` has, with `port`.
    async fn resolve(&self, name: &str, port: u16) -> std::io::Result<Vec<SocketAddr>>;
}

/// The system resolver (`getaddrinfo` through tokio).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

#[async_trait::async_trait]
impl Resolver for SystemResolver {
    async fn resolve(&self, name: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        Ok(tokio::net::lookup_host((name, port)).await?.collect())
    }
}

/// Most addresses kept for one name; the rest are ignored.
pub const MAX_ADDRESSES: usize = 16;

/// The allow-list and whether any public destination is allowed.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    allowed: HashSet<Destination>,
    allow_any: bool,
}

impl Policy {
    /// Destinations in `allowed` exactly; any public one too if `allow_any`.
    pub fn new(allowed: impl IntoIterator<Item = Destination>, allow_any: bool) -> Self {
        Policy {
            allowed: allowed.into_iter().collect(),
            allow_any,
        }
    }

    /// Is `dest` listed exactly?
    pub fn is_listed(&self, dest: &Destination) -> bool {
        self.allowed.contains(dest)
    }

    /// Whether any public destination is allowed.
    pub fn allows_any(&self) -> bool {
        self.allow_any
    }

    /// The addresses the bridge may connect to for `dest`, in resolver
    /// order (at most [`MAX_ADDRESSES`]), or why it may not.
    pub async fn addresses(
        &self,
        dest: &Destination,
        resolver: &dyn Resolver,
    ) -> Result<Vec<SocketAddr>, Refusal> {
        let listed = self.is_listed(dest);
        if !listed && !self.allow_any {
            return Err(Refusal::NotAllowed(dest.to_string()));
        }
        let all =
            match &dest.host {
                Host::Ip(ip) => vec![SocketAddr::new(*ip, dest.port)],
                Host::Name(name) => {
                    let mut found = resolver.resolve(name, dest.port).await.map_err(|e| {
                        Refusal::Unresolvable {
                            dest: dest.to_string(),
                            error: e.to_string(),
                        }
                    })?;
                    found.truncate(MAX_ADDRESSES);
                    found
                }
            };
        let Some(first) = all.first().copied() else {
            return Err(Refusal::Unresolvable {
                dest: dest.to_string(),
                error: "no addresses".into(),
            });
        };
        if listed {
            return Ok(all);
        }
        let public: Vec<SocketAddr> = all
            .into_iter()
            .filter(|a| classify(a.ip()) == AddrClass::Public)
            .collect();
        if public.is_empty() {
            return Err(Refusal::NotPublic {
                dest: dest.to_string(),
                addr: first.ip(),
                class: classify(first.ip()),
            });
        }
        Ok(public)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_special_ranges() {
        use AddrClass::*;
        for (ip, want) in [
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("10.1.2.3", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("172.32.0.1", Public),
            ("192.168.1.1", Private),
            ("100.64.0.1", Shared),
            ("100.128.0.1", Public),
            ("169.254.169.254", LinkLocal),
            ("0.0.0.0", Unspecified),
            ("224.0.0.1", Multicast),
            ("255.255.255.255", Multicast),
            ("240.0.0.1", Reserved),
            ("192.0.2.1", Reserved),
            ("198.18.0.1", Reserved),
            ("8.8.8.8", Public),
            ("::1", Loopback),
            ("::", Unspecified),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:10.0.0.1", Private),
            ("::ffff:8.8.8.8", Public),
            ("::127.0.0.1", Reserved),
            ("64:ff9b::7f00:1", Loopback),
            ("64:ff9b::808:808", Public),
            ("2002:7f00:1::", Loopback),
            ("fd00::1", Private),
            ("fc00::1", Private),
            ("fe80::1", LinkLocal),
            ("ff02::1", Multicast),
            ("2001:db8::1", Reserved),
            ("2001:0:1::1", Reserved),
            ("2a01:4f8::1", Public),
            ("2606:4700::1111", Public),
        ] {
            assert_eq!(classify(ip.parse().unwrap()), want, "{ip}");
        }
    }

    struct Table(Vec<SocketAddr>);

    #[async_trait::async_trait]
    impl Resolver for Table {
        async fn resolve(&self, _: &str, _: u16) -> std::io::Result<Vec<SocketAddr>> {
            Ok(self.0.clone())
        }
    }

    fn sa(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn allow_list_and_private_ranges() {
        let d = |s: &str| s.parse::<Destination>().unwrap();
        let listed = Policy::new([d("127.0.0.1:9735"), d("node.local:9735")], false);
        let none = Table(vec![]);
        assert_eq!(
            listed.addresses(&d("127.0.0.1:9735"), &none).await,
            Ok(vec![sa("127.0.0.1:9735")])
        );
        // Listed exactly: a name may resolve to private addresses.
        let lan = Table(vec![sa("192.168.1.5:9735")]);
        assert_eq!(
            listed.addresses(&d("node.local:9735"), &lan).await,
            Ok(vec![sa("192.168.1.5:9735")])
        );
        // Another port of a listed host is another destination.
        assert_eq!(
            listed.addresses(&d("127.0.0.1:9736"), &none).await,
            Err(Refusal::NotAllowed("127.0.0.1:9736".into()))
        );
        assert_eq!(
            listed.addresses(&d("8.8.8.8:9735"), &none).await,
            Err(Refusal::NotAllowed("8.8.8.8:9735".into()))
        );

        let any = Policy::new([d("127.0.0.1:9735")], true);
        assert_eq!(
            any.addresses(&d("8.8.8.8:9735"), &none).await,
            Ok(vec![sa("8.8.8.8:9735")])
        );
        assert_eq!(
            any.addresses(&d("127.0.0.1:9735"), &none).await,
            Ok(vec![sa("127.0.0.1:9735")])
        );
        assert_eq!(
            any.addresses(&d("127.0.0.2:9735"), &none).await,
            Err(Refusal::NotPublic {
                dest: "127.0.0.2:9735".into(),
                addr: "127.0.0.2".parse().unwrap(),
                class: AddrClass::Loopback
            })
        );
        // A name: only its public addresses are kept.
        let mixed = Table(vec![
            sa("10.0.0.1:9735"),
            sa("1.1.1.1:9735"),
            sa("[fe80::1]:9735"),
            sa("[2606:4700::1111]:9735"),
        ]);
        assert_eq!(
            any.addresses(&d("node.example:9735"), &mixed).await,
            Ok(vec![sa("1.1.1.1:9735"), sa("[2606:4700::1111]:9735")])
        );
        let rebinding = Table(vec![sa("[::ffff:169.254.169.254]:80")]);
        assert_eq!(
            any.addresses(&d("metadata.example:80"), &rebinding).await,
            Err(Refusal::NotPublic {
                dest: "metadata.example:80".into(),
                addr: "::ffff:169.254.169.254".parse().unwrap(),
                class: AddrClass::LinkLocal
            })
        );
        assert!(matches!(
            any.addresses(&d("nothing.example:80"), &none).await,
            Err(Refusal::Unresolvable { .. })
        ));
    }
}
