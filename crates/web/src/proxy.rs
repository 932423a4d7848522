//! Who the client is when the site sits behind a reverse proxy.
//!
//! A connection from a [`TrustedProxies`] address carries the client's
//! address in a header the proxy writes (`X-Forwarded-For`, or RFC 7239
//! `Forwarded`). Each proxy appends the address it got the request from, so
//! the header is read right to left, skipping trusted proxies: the first
//! address that is not one of them is the client. Everything to its left was
//! written by that client, who can write anything, and is never looked at.
//! A connection from any other address is its own client: its headers are
//! ignored, so nobody picks their own rate-limit key by sending one.
//!
//! A hop that cannot be read (garbage, `unknown`, an obfuscated name, an
//! oversized value) ends the walk and the connection's own address is used:
//! a proxy that writes such hops gets one bucket for all of them, and no
//! one gets to name an address.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

/// Most hops read from the right of the header; the client is rarely more
/// than two or three proxies away.
const MAX_HOPS: usize = 32;

/// Longest hop of `X-Forwarded-For` worth parsing, in bytes: the longest
/// address with brackets and a port (`[ffff:…:255.255.255.255]:65535`) is 55.
const MAX_HOP_BYTES: usize = 64;

/// Longest `Forwarded` header line parsed, in bytes; a longer one is
/// unreadable. (Its quoted strings make it parseable only from the left.)
const MAX_FORWARDED_BYTES: usize = 4096;

/// A network: an address and how many of its leading bits count
/// (`10.0.0.0/8`, `2001:db8::/32`; a bare address is a network of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

/// Why a trusted-proxy entry is not a network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IpNetError {
    /// Not an address, nor an address/length.
    #[error("{0:?} is not an IP address or a network like 10.0.0.0/8 or fd00::/8")]
    Syntax(String),
    /// The length is longer than the address.
    #[error(
        "{0:?}: the prefix length is more than the address has bits (32 for IPv4, 128 for IPv6)"
    )]
    Prefix(String),
}

impl IpNet {
    /// Whether `ip` is in this network. IPv4 addresses written as IPv6
    /// (`::ffff:10.0.0.1`) count as IPv4, on both sides.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpNet {
    type Err = IpNetError;

    fn from_str(s: &str) -> Result<Self, IpNetError> {
        let text = s.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr = addr
            .parse::<IpAddr>()
            .map(canonical)
            .map_err(|_| IpNetError::Syntax(s.to_owned()))?;
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 3 => p
                .parse::<u8>()
                .map_err(|_| IpNetError::Syntax(s.to_owned()))?,
            Some(_) => return Err(IpNetError::Syntax(s.to_owned())),
        };
        if prefix > bits {
            return Err(IpNetError::Prefix(s.to_owned()));
        }
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Which header the trusted proxies write the client's address in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most
    /// load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`.
    Forwarded,
}

/// The reverse proxies whose word on the client's address is taken, and the
/// header they write it in. Empty (the default): no proxy is trusted, every
/// connection is its own client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    /// Trusts connections from `nets`, reading `header`.
    pub fn new(nets: Vec<IpNet>, header: ForwardedHeader) -> Self {
        Self { nets, header }
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether a connection from `ip` is a trusted proxy.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|net| net.contains(ip))
    }

    /// The client of a request that arrived from `peer` with `headers`:
    /// `peer` itself unless it is a trusted proxy, else the rightmost
    /// untrusted hop of the forwarding header (see the module doc).
    pub(crate) fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        match self.header {
            ForwardedHeader::XForwardedFor => self.walk(
                peer,
                headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .rev()
                    .flat_map(|line| XffHops::new(line.as_bytes())),
            ),
            ForwardedHeader::Forwarded => self.walk(
                peer,
                headers
                    .get_all("forwarded")
                    .iter()
                    .rev()
                    .flat_map(|line| forwarded_hops(line.as_bytes()).into_iter().rev()),
            ),
        }
    }

    /// Walks `hops` (right to left) from a trusted `peer`: the first
    /// untrusted address is the client; an unreadable hop gives `peer`; when
    /// every hop is trusted, the leftmost one.
    fn walk(&self, peer: IpAddr, hops: impl Iterator<Item = Hop>) -> IpAddr {
        let mut client = peer;
        for hop in hops.take(MAX_HOPS) {
            match hop {
                Some(ip) if self.trusts(ip) => client = ip,
                Some(ip) => return ip,
                None => return peer,
            }
        }
        client
    }
}

/// One hop of a forwarding header: an address, or `None` when it cannot be
/// read.
type Hop = Option<IpAddr>;

/// IPv4 addresses written as IPv6 (`::ffff:192.0.2.1`, what a dual-stack
/// socket reports) as the IPv4 addresses they are.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// The hops of one `X-Forwarded-For` line, right to left, reading at most
/// [`MAX_HOP_BYTES`] (and a comma) per hop: an attacker's long header costs
/// nothing to skip. Empty hops (`a,,b`) are passed over; after an
/// unreadable hop, nothing more is yielded.
struct XffHops<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> XffHops<'a> {
    fn new(line: &'a [u8]) -> Self {
        Self {
            rest: line,
            done: false,
        }
    }
}

impl Iterator for XffHops<'_> {
    type Item = Hop;

    fn next(&mut self) -> Option<Hop> {
        while !self.done {
            let window = &self.rest[self.rest.len().saturating_sub(MAX_HOP_BYTES + 1)..];
            let (hop, rest) = match window.iter().rposition(|&b| b == b',') {
                Some(at) => {
                    let at = self.rest.len() - window.len() + at;
                    (&self.rest[at + 1..], &self.rest[..at])
                }
                None if self.rest.len() <= MAX_HOP_BYTES => {
                    self.done = true;
                    (self.rest, &self.rest[..0])
                }
                None => {
                    self.done = true;
                    return Some(None);
                }
            };
            self.rest = rest;
            let hop = hop.trim_ascii();
            if hop.is_empty() {
                continue;
            }
            let parsed = parse_node(hop);
            if parsed.is_none() {
                self.done = true;
            }
            return Some(parsed);
        }
        None
    }
}

/// An address as proxies write it: `192.0.2.1`, `2001:db8::1`, with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`) or in brackets (`[2001:db8::1]`).
fn parse_node(text: &[u8]) -> Hop {
    if text.len() > MAX_HOP_BYTES {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(canonical(addr.ip()));
    }
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    inner
        .parse::<std::net::Ipv6Addr>()
        .ok()
        .map(|v6| canonical(IpAddr::V6(v6)))
}

/// The `for=` of each element of one `Forwarded` line, left to right (RFC
/// 7239: elements split by commas, pairs by semicolons, values tokens or
/// quoted strings). A line that does not parse, or is longer than
/// [`MAX_FORWARDED_BYTES`], is one unreadable hop; so is an element without
/// `for=`, or whose `for=` is `unknown` or an obfuscated name.
fn forwarded_hops(line: &[u8]) -> Vec<Hop> {
    if line.len() > MAX_FORWARDED_BYTES {
        return vec![None];
    }
    parse_forwarded(line).unwrap_or_else(|| vec![None])
}

fn parse_forwarded(line: &[u8]) -> Option<Vec<Hop>> {
    let mut hops = Vec::new();
    let mut at = 0;
    loop {
        // One element: pairs up to a comma or the end.
        let mut hop: Option<Hop> = None;
        loop {
            at = skip_space(line, at);
            let name_start = at;
            while at < line.len() && is_tchar(line[at]) {
                at += 1;
            }
            let name = &line[name_start..at];
            if name.is_empty() || line.get(at) != Some(&b'=') {
                return None;
            }
            at += 1;
            let value = if line.get(at) == Some(&b'"') {
                let (value, end) = quoted(line, at + 1)?;
                at = end;
                value
            } else {
                let start = at;
                while at < line.len() && is_tchar(line[at]) {
                    at += 1;
                }
                if start == at {
                    return None;
                }
                line[start..at].to_vec()
            };
            if name.eq_ignore_ascii_case(b"for") {
                if hop.is_some() {
                    // Two `for=` in one element: which is meant?
                    return None;
                }
                hop = Some(parse_node(&value));
            }
            at = skip_space(line, at);
            match line.get(at) {
                Some(b';') => at += 1,
                _ => break,
            }
        }
        hops.push(hop.flatten());
        match line.get(at) {
            None => return Some(hops),
            Some(b',') => at += 1,
            Some(_) => return None,
        }
    }
}

/// A quoted string's content from just after its opening quote, unescaped,
/// and the index after its closing quote; `None` when it does not close.
fn quoted(line: &[u8], mut at: usize) -> Option<(Vec<u8>, usize)> {
    let mut value = Vec::new();
    loop {
        match *line.get(at)? {
            b'"' => return Some((value, at + 1)),
            b'\\' => {
                value.push(*line.get(at + 1)?);
                at += 2;
            }
            b => {
                value.push(b);
                at += 1;
            }
        }
    }
}

fn skip_space(line: &[u8], mut at: usize) -> usize {
    while at < line.len() && matches!(line[at], b' ' | b'\t') {
        at += 1;
    }
    at
}

/// RFC 7230 `tchar`: what a token is made of.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(nets: &[&str], header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies::new(nets.iter().map(|n| n.parse().unwrap()).collect(), header)
    }

    fn headers(name: &'static str, lines: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for line in lines {
            map.append(name, HeaderValue::from_str(line).unwrap());
        }
        map
    }

    fn xff(nets: &[&str], peer: &str, lines: &[&str]) -> IpAddr {
        proxies(nets, ForwardedHeader::XForwardedFor)
            .client(ip(peer), &headers("x-forwarded-for", lines))
    }

    fn fwd(nets: &[&str], peer: &str, lines: &[&str]) -> IpAddr {
        proxies(nets, ForwardedHeader::Forwarded).client(ip(peer), &headers("forwarded", lines))
    }

    const LAN: &[&str] = &["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"];

    #[test]
    fn networks_parse_and_contain_what_they_should() {
        let net: IpNet = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.255.1.2")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        assert!(!net.contains(ip("::1")));
        let one: IpNet = "192.0.2.7".parse().unwrap();
        assert_eq!(one.to_string(), "192.0.2.7/32");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")) && !all.contains(ip("2001:db8::1")));
        let v6: IpNet = " 2001:db8::/32 ".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        let all6: IpNet = "::/0".parse().unwrap();
        assert!(all6.contains(ip("2001:db8::1")));
        let mapped: IpNet = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(mapped.to_string(), "10.0.0.1/32");
        for bad in [
            "",
            "10.0.0.0/",
            "10.0.0.0/x",
            "10.0.0/8",
            "/8",
            "10.0.0.0/+8",
            "localhost",
            "10.0.0.0/8/8",
            "10.0.0.0/0008",
        ] {
            assert!(
                matches!(bad.parse::<IpNet>(), Err(IpNetError::Syntax(_))),
                "{bad:?}"
            );
        }
        for bad in ["10.0.0.0/33", "::/129", "::/255", "1.2.3.4/999"] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_its_own_client_whatever_it_sends() {
        assert_eq!(
            xff(LAN, "203.0.113.5", &["198.51.100.1"]),
            ip("203.0.113.5")
        );
        assert_eq!(
            fwd(LAN, "203.0.113.5", &["for=198.51.100.1"]),
            ip("203.0.113.5")
        );
        // No proxy trusted at all (the default).
        assert_eq!(xff(&[], "127.0.0.1", &["198.51.100.1"]), ip("127.0.0.1"));
        // A mapped peer is its IPv4 address.
        assert_eq!(
            xff(LAN, "::ffff:203.0.113.5", &["198.51.100.1"]),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn x_forwarded_for_is_read_right_to_left_past_trusted_hops() {
        // The client's own claim (left) is skipped: the proxy appended the truth.
        assert_eq!(
            xff(LAN, "127.0.0.1", &["6.6.6.6, 198.51.100.1"]),
            ip("198.51.100.1")
        );
        // Two proxies.
        assert_eq!(
            xff(LAN, "10.0.0.2", &["6.6.6.6, 198.51.100.1, 10.0.0.1"]),
            ip("198.51.100.1")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            xff(LAN, "10.0.0.2", &["6.6.6.6", "198.51.100.1", "10.0.0.1"]),
            ip("198.51.100.1")
        );
        // Ports, brackets, IPv6, mapped addresses, spacing.
        assert_eq!(
            xff(LAN, "127.0.0.1", &["198.51.100.1:4711"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            xff(LAN, "127.0.0.1", &["[2001:db8::1]:4711"]),
            ip("2001:db8::1")
        );
        assert_eq!(xff(LAN, "127.0.0.1", &["[2001:db8::1]"]), ip("2001:db8::1"));
        assert_eq!(
            xff(LAN, "127.0.0.1", &[" 2001:db8::1 ,\t"]),
            ip("2001:db8::1")
        );
        assert_eq!(
            xff(LAN, "127.0.0.1", &["::ffff:198.51.100.1"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            xff(LAN, "::ffff:127.0.0.1", &["198.51.100.1"]),
            ip("198.51.100.1")
        );
        // Every hop trusted: the leftmost one.
        assert_eq!(
            xff(LAN, "127.0.0.1", &["10.0.0.9, 10.0.0.1"]),
            ip("10.0.0.9")
        );
        // No header: the proxy itself.
        assert_eq!(xff(LAN, "127.0.0.1", &[]), ip("127.0.0.1"));
    }

    #[test]
    fn an_unreadable_hop_gives_the_peer() {
        for bad in [
            "198.51.100.1, garbage",
            "unknown",
            "198.51.100.1, 999.1.1.1",
            "198.51.100.1, [::1",
            "198.51.100.1, 1.2.3.4:99999",
            "_hidden",
        ] {
            assert_eq!(xff(LAN, "127.0.0.1", &[bad]), ip("127.0.0.1"), "{bad:?}");
        }
        // Garbage left of the client is never read.
        assert_eq!(
            xff(LAN, "127.0.0.1", &["garbage, 198.51.100.1"]),
            ip("198.51.100.1")
        );
        // A hop too long to be an address, without reading all of it.
        let long = format!("{}, 10.0.0.1", "1".repeat(100_000));
        assert_eq!(xff(LAN, "127.0.0.1", &[&long]), ip("127.0.0.1"));
        // A long header whose right end is sound is read from the right.
        let padded = format!("{}, 198.51.100.1", "x,".repeat(50_000));
        assert_eq!(xff(LAN, "127.0.0.1", &[&padded]), ip("198.51.100.1"));
        // Bytes that are not UTF-8.
        let mut map = HeaderMap::new();
        map.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"198.51.100.1, \xff\xfe").unwrap(),
        );
        assert_eq!(
            proxies(LAN, ForwardedHeader::XForwardedFor).client(ip("127.0.0.1"), &map),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn only_so_many_hops_are_walked() {
        let many = vec!["10.0.0.1"; 1000].join(", ");
        let line = format!("198.51.100.1, {many}");
        // The walk stops after MAX_HOPS trusted hops, at a trusted address.
        assert_eq!(xff(LAN, "127.0.0.1", &[&line]), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_is_read_like_x_forwarded_for() {
        assert_eq!(
            fwd(LAN, "127.0.0.1", &["for=6.6.6.6, for=198.51.100.1"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            fwd(
                LAN,
                "127.0.0.1",
                &[
                    r#"for=6.6.6.6;proto=https, For="[2001:db8:cafe::17]:4711";by=10.0.0.1, for=10.0.0.1"#
                ]
            ),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            fwd(
                LAN,
                "127.0.0.1",
                &[r#"proto=http;for="198.51.100.1:80";host=a.example"#]
            ),
            ip("198.51.100.1")
        );
        assert_eq!(
            fwd(LAN, "127.0.0.1", &["for=6.6.6.6", "for=198.51.100.1"]),
            ip("198.51.100.1")
        );
        // A quoted comma is not a separator.
        assert_eq!(
            fwd(LAN, "127.0.0.1", &[r#"for=198.51.100.1;by="a,b""#]),
            ip("198.51.100.1")
        );
        // X-Forwarded-For is not read when the proxies write Forwarded.
        let mut map = headers("x-forwarded-for", &["6.6.6.6"]);
        map.append("forwarded", HeaderValue::from_static("for=198.51.100.1"));
        assert_eq!(
            proxies(LAN, ForwardedHeader::Forwarded).client(ip("127.0.0.1"), &map),
            ip("198.51.100.1")
        );
        let map = headers("forwarded", &["for=6.6.6.6"]);
        assert_eq!(
            proxies(LAN, ForwardedHeader::XForwardedFor).client(ip("127.0.0.1"), &map),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn an_unreadable_forwarded_gives_the_peer() {
        for bad in [
            "for=unknown",
            "for=_hidden",
            "proto=https",
            r#"for="198.51.100.1"#,
            "for=198.51.100.1;for=198.51.100.2",
            "for=198.51.100.1 garbage",
            "for=",
            "=1.2.3.4",
            "for=198.51.100.1,",
            r#"for="[2001:db8::1]:4711"#,
            "for=[2001:db8::1]",
            // A port needs quotes (a colon is not part of a token).
            "for=198.51.100.1:80",
        ] {
            assert_eq!(fwd(LAN, "127.0.0.1", &[bad]), ip("127.0.0.1"), "{bad:?}");
        }
        let long = format!("for=10.0.0.1;x={}", "a".repeat(MAX_FORWARDED_BYTES));
        assert_eq!(fwd(LAN, "127.0.0.1", &[&long]), ip("127.0.0.1"));
        // An unreadable line left of the client is never read.
        assert_eq!(
            fwd(LAN, "127.0.0.1", &["for=\"", "for=198.51.100.1"]),
            ip("198.51.100.1")
        );
    }

    /// A hop as a proxy would write it, for the properties below.
    fn as_written(ip: IpAddr, port: Option<u16>, forwarded: bool) -> String {
        match (ip, port, forwarded) {
            (IpAddr::V4(v4), None, _) => v4.to_string(),
            (IpAddr::V4(v4), Some(p), false) => format!("{v4}:{p}"),
            (IpAddr::V4(v4), Some(p), true) => format!("\"{v4}:{p}\""),
            (IpAddr::V6(v6), None, false) => v6.to_string(),
            (IpAddr::V6(v6), None, true) => format!("\"[{v6}]\""),
            (IpAddr::V6(v6), Some(p), false) => format!("[{v6}]:{p}"),
            (IpAddr::V6(v6), Some(p), true) => format!("\"[{v6}]:{p}\""),
        }
    }

    fn any_ip() -> impl Strategy<Value = IpAddr> {
        prop_oneof![
            any::<[u8; 4]>().prop_map(IpAddr::from),
            any::<[u8; 16]>().prop_map(IpAddr::from),
            // Often inside the trusted networks, so that walks go far.
            any::<[u8; 3]>().prop_map(|b| IpAddr::from([10, b[0], b[1], b[2]])),
        ]
    }

    proptest! {
        #[test]
        fn any_header_yields_the_peer_or_an_address_in_the_header(
            lines in proptest::collection::vec("[ -~]{0,80}", 0..4),
            forwarded in any::<bool>(),
        ) {
            let name = if forwarded { "forwarded" } else { "x-forwarded-for" };
            let header = if forwarded { ForwardedHeader::Forwarded } else { ForwardedHeader::XForwardedFor };
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let map = headers(name, &lines);
            let got = proxies(LAN, header).client(ip("127.0.0.1"), &map);
            // Whatever the text, the answer is the peer or was written in it.
            let written = lines.iter().flat_map(|l| {
                l.split([',', ';', '=', ' ', '\t', '"']).filter_map(|t| parse_node(t.as_bytes()))
            });
            prop_assert!(
                got == ip("127.0.0.1") || { let mut written = written; written.any(|w| w == got) },
                "{} from {:?}", got, lines
            );
            // And an untrusted peer is never moved by it.
            prop_assert_eq!(
                proxies(LAN, header).client(ip("203.0.113.1"), &map),
                ip("203.0.113.1")
            );
        }

        #[test]
        fn any_bytes_are_survived(
            lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..4),
        ) {
            for header in [ForwardedHeader::XForwardedFor, ForwardedHeader::Forwarded] {
                let mut map = HeaderMap::new();
                for line in &lines {
                    if let Ok(value) = HeaderValue::from_bytes(line) {
                        map.append("x-forwarded-for", value.clone());
                        map.append("forwarded", value);
                    }
                }
                // Whatever the bytes, an answer and no panic.
                let _ = proxies(LAN, header).client(ip("10.0.0.1"), &map);
            }
        }

        #[test]
        fn the_client_is_the_rightmost_untrusted_hop(
            hops in proptest::collection::vec((any_ip(), proptest::option::of(any::<u16>())), 1..12),
            forwarded in any::<bool>(),
            split in any::<bool>(),
        ) {
            let written: Vec<String> = hops
                .iter()
                .map(|(ip, port)| {
                    let w = as_written(*ip, *port, forwarded);
                    if forwarded { format!("for={w}") } else { w }
                })
                .collect();
            let lines = if split { written.clone() } else { vec![written.join(", ")] };
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let (name, header) = if forwarded {
                ("forwarded", ForwardedHeader::Forwarded)
            } else {
                ("x-forwarded-for", ForwardedHeader::XForwardedFor)
            };
            let trusted = proxies(LAN, header);
            let expected = hops
                .iter()
                .map(|(ip, _)| canonical(*ip))
                .rev()
                .take(MAX_HOPS)
                .find(|ip| !trusted.trusts(*ip))
                .unwrap_or_else(|| canonical(hops[hops.len().saturating_sub(MAX_HOPS)].0));
            let got = trusted.client(ip("127.0.0.1"), &headers(name, &lines));
            prop_assert_eq!(got, expected, "{:?}", lines);
        }

        #[test]
        fn networks_round_trip_and_contain_their_own_address(
            addr in any_ip(),
            prefix in any::<u8>(),
        ) {
            // A mapped address is an IPv4 network, of at most 32 bits.
            let bits = if canonical(addr).is_ipv4() { 32 } else { 128 };
            let text = format!("{addr}/{prefix}");
            match text.parse::<IpNet>() {
                Ok(net) => {
                    prop_assert!(prefix <= bits);
                    prop_assert!(net.contains(addr));
                    let again: IpNet = net.to_string().parse().unwrap();
                    prop_assert_eq!(again, net);
                }
                Err(_) => prop_assert!(prefix > bits),
            }
        }
    }
}
