//! Which addresses a webhook may go to, and the resolver that checks every
//! address a host name resolves to before the client connects to it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether webhooks may go to addresses that are not public: loopback,
/// private (RFC 1918, IPv6 unique local), link-local, shared (RFC 6598),
/// unspecified, multicast and broadcast ones.
///
/// Cloud metadata services (`169.254.169.254`, `fd00:ec2::254`,
/// `100.100.100.200`) are refused either way: no webhook has a reason to
/// go there, and a webhook that could would hand the host's cloud
/// credentials to whoever chose its URL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PrivateAddresses {
    /// Refuse them: the endpoint must resolve to public addresses only.
    /// The default, since the URL may come from a tenant's administrator
    /// while the desk runs inside the host's network.
    #[default]
    Refuse,
    /// Allow them: for receivers inside the host's own network, and tests.
    Allow,
}

/// A webhook refused because of where it would go: the endpoint's host
/// resolves to an address that is not allowed. Its text becomes the
/// reason of a permanent `NotifyError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{host} resolves to {address}, {kind}; {rule}")]
pub(crate) struct Refused {
    /// The endpoint's host, as written in its URL.
    host: String,
    /// The address refused.
    address: IpAddr,
    /// What kind of address it is, such as "a loopback address".
    kind: &'static str,
    /// Why it is refused.
    rule: &'static str,
}

/// Checks `address` of `host` against `policy`.
pub(crate) fn check(host: &str, address: IpAddr, policy: PrivateAddresses) -> Result<(), Refused> {
    let refused = |kind, rule| Refused {
        host: host.to_owned(),
        address,
        kind,
        rule,
    };
    match (kind_of(address), policy) {
        (Kind::Public, _) => Ok(()),
        (Kind::Metadata, _) => Err(refused(
            "a cloud metadata address",
            "webhooks never go there",
        )),
        (Kind::Private(_), PrivateAddresses::Allow) => Ok(()),
        (Kind::Private(kind), PrivateAddresses::Refuse) => Err(refused(
            kind,
            "webhooks go only to public addresses unless WebhookOptions::private_addresses allows others",
        )),
    }
}

enum Kind {
    Public,
    Metadata,
    Private(&'static str),
}

fn kind_of(address: IpAddr) -> Kind {
    match address {
        IpAddr::V4(v4) => kind_of_v4(v4),
        IpAddr::V6(v6) => kind_of_v6(v6),
    }
}

fn kind_of_v4(a: Ipv4Addr) -> Kind {
    let [first, second, ..] = a.octets();
    if a == Ipv4Addr::new(169, 254, 169, 254) || a == Ipv4Addr::new(100, 100, 100, 200) {
        Kind::Metadata
    } else if a.is_loopback() {
        Kind::Private("a loopback address")
    } else if a.is_private() {
        Kind::Private("a private address")
    } else if a.is_link_local() {
        Kind::Private("a link-local address")
    } else if first == 0 {
        Kind::Private("an unspecified address")
    } else if first == 100 && (64..128).contains(&second) {
        Kind::Private("a shared address")
    } else if a.is_multicast() || a.is_broadcast() {
        Kind::Private("a multicast or broadcast address")
    } else {
        Kind::Public
    }
}

fn kind_of_v6(a: Ipv6Addr) -> Kind {
    let segments = a.segments();
    if let Some(v4) = a.to_ipv4_mapped() {
        return kind_of_v4(v4);
    }
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = a.octets();
        return kind_of_v4(Ipv4Addr::new(a, b, c, d));
    }
    if a == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        Kind::Metadata
    } else if a.is_loopback() {
        Kind::Private("a loopback address")
    } else if a.is_unspecified() {
        Kind::Private("an unspecified address")
    } else if segments[0] & 0xfe00 == 0xfc00 {
        Kind::Private("a unique local address")
    } else if segments[0] & 0xffc0 == 0xfe80 {
        Kind::Private("a link-local address")
    } else if segments[0] & 0xffc0 == 0xfec0 {
        Kind::Private("a site-local address")
    } else if a.is_multicast() {
        Kind::Private("a multicast address")
    } else {
        Kind::Public
    }
}

/// Resolves host names with the system resolver and checks every address
/// found: if any is refused, the whole name is, so a name that resolves
/// to both a public and a private address cannot steer the connection to
/// the private one. The client connects only to the addresses returned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedResolver {
    pub(crate) policy: PrivateAddresses,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for address in &found {
                check(&host, address.ip(), policy)?;
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(address: &str) -> Option<&'static str> {
        let ip: IpAddr = address.parse().expect("an address");
        check("host", ip, PrivateAddresses::Refuse)
            .err()
            .map(|r| r.kind)
    }

    #[test]
    fn addresses_that_are_not_public_are_refused_by_default() {
        for (address, kind) in [
            ("127.0.0.1", "a loopback address"),
            ("127.8.9.1", "a loopback address"),
            ("10.1.2.3", "a private address"),
            ("172.16.0.1", "a private address"),
            ("172.31.255.255", "a private address"),
            ("192.168.1.1", "a private address"),
            ("169.254.1.1", "a link-local address"),
            ("169.254.169.254", "a cloud metadata address"),
            ("100.100.100.200", "a cloud metadata address"),
            ("0.0.0.0", "an unspecified address"),
            ("100.64.0.1", "a shared address"),
            ("224.0.0.1", "a multicast or broadcast address"),
            ("255.255.255.255", "a multicast or broadcast address"),
            ("::1", "a loopback address"),
            ("::", "an unspecified address"),
            ("fd00:ec2::254", "a cloud metadata address"),
            ("fd12:3456::1", "a unique local address"),
            ("fc00::1", "a unique local address"),
            ("fe80::1", "a link-local address"),
            ("ff02::1", "a multicast address"),
            ("::ffff:127.0.0.1", "a loopback address"),
            ("::ffff:169.254.169.254", "a cloud metadata address"),
            ("64:ff9b::a00:1", "a private address"),
        ] {
            assert_eq!(refused(address), Some(kind), "{address}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for address in [
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:2800:220:1::1",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(refused(address), None, "{address}");
        }
    }

    #[test]
    fn allowing_private_addresses_still_refuses_metadata_services() {
        let allow = |address: &str| {
            let ip: IpAddr = address.parse().expect("an address");
            check("host", ip, PrivateAddresses::Allow)
        };
        assert!(allow("127.0.0.1").is_ok());
        assert!(allow("10.0.0.1").is_ok());
        assert!(allow("fe80::1").is_ok());
        let err = allow("169.254.169.254").expect_err("metadata");
        assert_eq!(
            err.to_string(),
            "host resolves to 169.254.169.254, a cloud metadata address; webhooks never go there"
        );
        assert!(allow("fd00:ec2::254").is_err());
    }
}
