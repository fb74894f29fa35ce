//! Which IP addresses are not public internet addresses, and so must not be the target of a request to a
//! user-given URL.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused. IPv4 addresses carried inside IPv6 (`::ffff:127.0.0.1` and the other embeddings
/// listed on [`classify_ip`]) get the class of the IPv4 address they carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressClass {
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, IPv6 unique-local fc00::/7 and the deprecated site-local fec0::/10.
    Private,
    /// 127.0.0.0/8 and ::1.
    Loopback,
    /// 169.254.0.0/16 (where cloud metadata services live) and fe80::/10.
    LinkLocal,
    /// 224.0.0.0/4 and ff00::/8.
    Multicast,
    /// 0.0.0.0/8 ("this network": Linux connects 0.0.0.0 to the local host) and ::.
    Unspecified,
    /// 255.255.255.255.
    Broadcast,
    /// 100.64.0.0/10, carrier-grade NAT: the provider's internal network, not the internet.
    SharedCgnat,
    /// Never routed on the internet: 192.0.0.0/24, the documentation ranges, 198.18.0.0/15, 240.0.0.0/4 and
    /// 2001:db8::/32. Refused because nothing legitimate lives there and some networks use them internally.
    Reserved,
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Private => "a private address",
            Self::Loopback => "a loopback address",
            Self::LinkLocal => "a link-local address",
            Self::Multicast => "a multicast address",
            Self::Unspecified => "an unspecified address",
            Self::Broadcast => "the broadcast address",
            Self::SharedCgnat => "a shared (carrier-grade NAT) address",
            Self::Reserved => "a reserved address",
        })
    }
}

/// `None` for a public address, otherwise why it is not one.
///
/// IPv6 forms that carry an IPv4 address are judged by that address: IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated
/// `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:aabb:ccdd::/48`, so that
/// none of them is a way around the IPv4 rules.
pub fn classify_ip(ip: IpAddr) -> Option<AddressClass> {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => classify_v6(ip),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressClass> {
    use AddressClass::*;
    let [a, b, c, _] = ip.octets();
    let class = match (a, b, c) {
        (0, _, _) => Unspecified,
        (10, _, _) => Private,
        (100, 64..=127, _) => SharedCgnat,
        (127, _, _) => Loopback,
        (169, 254, _) => LinkLocal,
        (172, 16..=31, _) => Private,
        (192, 168, _) => Private,
        (192, 0, 0) | (192, 0, 2) | (198, 18..=19, _) | (198, 51, 100) | (203, 0, 113) => Reserved,
        (224..=239, _, _) => Multicast,
        _ if ip == Ipv4Addr::BROADCAST => Broadcast,
        (240..=255, _, _) => Reserved,
        _ => return None,
    };
    Some(class)
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressClass> {
    use AddressClass::*;
    // Checked before the embedded forms: `::` and `::1` are also "IPv4-compatible" 0.0.0.0 and 0.0.0.1.
    if ip.is_unspecified() {
        return Some(Unspecified);
    }
    if ip.is_loopback() {
        return Some(Loopback);
    }
    if let Some(v4) = embedded_ipv4(ip) {
        return classify_v4(v4);
    }
    let [first, second, ..] = ip.segments();
    let class = match first {
        _ if first & 0xfe00 == 0xfc00 => Private,
        _ if first & 0xffc0 == 0xfe80 => LinkLocal,
        _ if first & 0xffc0 == 0xfec0 => Private,
        _ if first & 0xff00 == 0xff00 => Multicast,
        0x2001 if second == 0x0db8 => Reserved,
        _ => return None,
    };
    Some(class)
}

fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let o = ip.octets();
    let last_four = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    match ip.segments() {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Some(last_four),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last_four),
        [0x2002, ..] => Some(Ipv4Addr::new(o[2], o[3], o[4], o[5])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressClass::*;

    fn class(text: &str) -> Option<AddressClass> {
        classify_ip(text.parse().unwrap_or_else(|err| panic!("{text}: {err}")))
    }

    fn assert_all(expected: Option<AddressClass>, addresses: &[&str]) {
        for address in addresses {
            assert_eq!(class(address), expected, "{address}");
        }
    }

    #[test]
    fn ipv4_ranges_are_refused_edge_to_edge() {
        assert_all(Some(Private), &["10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.1"]);
        assert_all(Some(Loopback), &["127.0.0.1", "127.255.255.254", "127.0.0.2"]);
        assert_all(Some(LinkLocal), &["169.254.0.1", "169.254.169.254", "169.254.255.255"]);
        assert_all(Some(Multicast), &["224.0.0.1", "239.255.255.255"]);
        assert_all(Some(Unspecified), &["0.0.0.0", "0.1.2.3"]);
        assert_all(Some(Broadcast), &["255.255.255.255"]);
        assert_all(Some(SharedCgnat), &["100.64.0.0", "100.127.255.255"]);
        assert_all(Some(Reserved), &["192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9"]);
        assert_all(Some(Reserved), &["240.0.0.1", "255.255.255.254"]);
    }

    #[test]
    fn ipv4_public_addresses_just_outside_each_range_are_allowed() {
        assert_all(
            None,
            &[
                "8.8.8.8",
                "1.1.1.1",
                "9.255.255.255",
                "11.0.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "126.255.255.255",
                "128.0.0.0",
                "169.253.255.255",
                "169.255.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "192.167.255.255",
                "192.169.0.0",
                "192.0.1.1",
                "198.20.0.0",
                "223.255.255.255",
            ],
        );
    }

    #[test]
    fn ipv6_ranges_are_refused() {
        assert_all(Some(Unspecified), &["::"]);
        assert_all(Some(Loopback), &["::1"]);
        assert_all(Some(Private), &["fc00::1", "fd12:3456:789a::1", "fdff:ffff::1", "fec0::1"]);
        assert_all(Some(LinkLocal), &["fe80::1", "febf:ffff::1"]);
        assert_all(Some(Multicast), &["ff02::1", "ff0e::1"]);
        assert_all(Some(Reserved), &["2001:db8::1"]);
    }

    #[test]
    fn ipv4_inside_ipv6_is_judged_by_the_ipv4_address() {
        assert_all(Some(Loopback), &["::ffff:127.0.0.1", "::ffff:7f00:1", "::127.0.0.1", "::ffff:0:127.0.0.1"]);
        assert_all(Some(Loopback), &["64:ff9b::127.0.0.1", "2002:7f00:1::1"]);
        assert_all(Some(Private), &["::ffff:10.1.2.3", "::ffff:172.16.0.1", "::ffff:192.168.1.1", "::10.0.0.1"]);
        assert_all(Some(LinkLocal), &["::ffff:169.254.169.254", "64:ff9b::169.254.169.254"]);
        assert_all(Some(Multicast), &["::ffff:224.0.0.1"]);
        assert_all(Some(Unspecified), &["::ffff:0.0.0.0", "::0.0.0.2"]);
        assert_all(Some(Broadcast), &["::ffff:255.255.255.255"]);
        assert_all(Some(SharedCgnat), &["::ffff:100.64.0.1", "2002:6440:1::"]);
        assert_all(None, &["::ffff:8.8.8.8", "64:ff9b::1.1.1.1", "2002:808:808::1"]);
    }

    #[test]
    fn ipv6_public_addresses_are_allowed() {
        assert_all(None, &["2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1", "fbff::1", "fe7f::1"]);
        assert_all(None, &["2001:db9::1", "fe00::1", "::1:0:0:1"]);
    }

    #[test]
    fn classes_read_as_sentences() {
        assert_eq!(Loopback.to_string(), "a loopback address");
        assert_eq!(Unspecified.to_string(), "an unspecified address");
        assert_eq!(Broadcast.to_string(), "the broadcast address");
    }
}
