//! Addresses, ACLs and ToS (main/acl.c: append_ha_core, ast_str2tos; main/netsock2.c).

use super::*;

/// What these kinds accept, in words.
pub(super) fn accepted(k: &Kind) -> String {
    match k {
        Kind::MediaAddress => "an IP address (port dropped) or a hostname".into(),
        Kind::Tos { .. } => {
            let names: Vec<&str> = DSCP.iter().map(|(n, _)| *n).collect();
            format!("a number 0-255 (decimal, 0x hex, 0 octal) or a DSCP name: {}", names.join(", "))
        }
        Kind::AclRule { .. } => {
            "a comma list (no spaces) of IP addresses without port, each with an optional /bits or /netmask, '!' to invert"
                .into()
        }
        Kind::NamedAcl => "a comma list of ACL names from acl.conf".into(),
        Kind::IdentifyMatch => "a comma list of IP[:port], IP/bits, IP/netmask (with '!' to invert) or hostnames".into(),
        Kind::LocalNet => "a comma list (no spaces) of IP/bits or IP/netmask, or empty to clear".into(),
        Kind::SockAddr => "IPv4[:port] or [IPv6][:port]".into(),
        _ => unreachable!("not a kind of this family"),
    }
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub(super) fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let ty: &'static crate::schema::TypeDef = obj.ty;
    let fd = &ty.fields[idx];
    let name = fd.name;
    let kind = &fd.kind;
    let fail = |problem: String| -> Applied { Err(BadValue::of(kind, problem)) };
    match kind {
        Kind::MediaAddress => {
            let v = match clib::sockaddr_parse(input, PortRule::Optional) {
                Some(a) => clib::addr_str(&a.ip),
                None => input.to_string(),
            };
            obj.vals[idx] = s(v);
            Ok(None)
        }
        Kind::Tos { round } => {
            let Some(mut v) = str2tos(input) else {
                return fail(format!("'{input}' is neither a number nor a DSCP name"));
            };
            let mut warn = None;
            if *round && v % 4 != 0 {
                v &= !3;
                warn = Some(format!(
                    "{name}={input}: the two low bits are not part of DSCP; Asterisk uses {v}"
                ));
            }
            obj.vals[idx] = s(v.to_string());
            Ok(warn)
        }
        Kind::AclRule { target } => {
            if input.is_empty() {
                return Ok(None);
            }
            for tok in input.split(',') {
                if let Err(e) = parse_ha(tok, PortRule::Forbid) {
                    return fail(e.to_string());
                }
            }
            let t = obj.ty.field_index_exact(target).expect("acl target field");
            if let Val::L(l) = &mut obj.vals[t] {
                if !matches!(l.first().map(String::as_str), Some(BASE_ACL) | Some("")) {
                    l.insert(0, BASE_ACL.to_string());
                }
            }
            // The rules themselves, never printed (no to_str), for a store that keeps them
            // in their own column (realtime).
            let kept = match &obj.vals[idx] {
                Val::S(s) if !s.is_empty() => format!("{s},{input}"),
                _ => input.to_string(),
            };
            obj.vals[idx] = Val::S(kept.into());
            Ok(None)
        }
        Kind::NamedAcl => {
            if input.is_empty() {
                return Ok(None);
            }
            let mut dup = Vec::new();
            let mut added = Vec::new();
            if let Val::L(l) = &mut obj.vals[idx] {
                for tok in input.split(',').map(clib::skip_blanks) {
                    let taken = l.iter().any(|n| {
                        let n = if n == BASE_ACL { "" } else { n.as_str() };
                        n.eq_ignore_ascii_case(tok)
                    });
                    if taken {
                        dup.push(tok.to_string());
                    } else {
                        l.push(tok.to_string());
                        added.push(tok.to_string());
                    }
                }
            }
            if !dup.is_empty() {
                return fail(format!(
                    "ACL '{}' is named more than once",
                    dup.join("', '")
                ));
            }
            Ok(Some(format!(
                "{name}={input}: Asterisk looks {} up in acl.conf; a missing ACL is marked invalid and then rejects all traffic",
                added.join(", ")
            )))
        }
        Kind::IdentifyMatch => {
            if input.is_empty() {
                return Ok(None);
            }
            let mut add = Vec::new();
            for tok in split_list(input) {
                if tok.contains('/') || clib::sockaddr_parse(tok, PortRule::Optional).is_some() {
                    match parse_ha(tok, PortRule::Optional) {
                        Ok(ha) => add.push(ha_str(&ha, true)),
                        Err(e) => return fail(e.to_string()),
                    }
                } else {
                    add.push(format!("{PENDING_HOST}{tok}"));
                }
            }
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(add);
            }
            Ok(None)
        }
        Kind::LocalNet => {
            if input.is_empty() {
                obj.vals[idx] = Val::L(Vec::new());
                return Ok(None);
            }
            let mut add = Vec::new();
            for tok in input.split(',') {
                match parse_ha(tok, PortRule::Forbid) {
                    Ok(ha) => add.push(ha_str(&ha, true)),
                    Err(e) => return fail(e.to_string()),
                }
            }
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(add);
            }
            Ok(None)
        }
        Kind::SockAddr => {
            let a = match clib::sockaddr_parse(input, PortRule::Optional) {
                Some(a) => a,
                None => return fail(format!("'{input}' is not an address")),
            };
            obj.vals[idx] = s(clib::addr_port_str(&a));
            Ok(None)
        }
        _ => unreachable!("not a kind of this family"),
    }
}

/// DSCP names (acl.c dscp_pool1) and their code points.
pub(super) const DSCP: &[(&str, u32)] = &[
    ("CS0", 0x00),
    ("CS1", 0x08),
    ("CS2", 0x10),
    ("CS3", 0x18),
    ("CS4", 0x20),
    ("CS5", 0x28),
    ("CS6", 0x30),
    ("CS7", 0x38),
    ("AF11", 0x0A),
    ("AF12", 0x0C),
    ("AF13", 0x0E),
    ("AF21", 0x12),
    ("AF22", 0x14),
    ("AF23", 0x16),
    ("AF31", 0x1A),
    ("AF32", 0x1C),
    ("AF33", 0x1E),
    ("AF41", 0x22),
    ("AF42", 0x24),
    ("AF43", 0x26),
    ("EF", 0x2E),
];

/// Marker for the unnamed ACL that deny/permit rules build (printed "deny/permit").
pub(crate) const BASE_ACL: &str = "\u{1}";

/// Marker for an identify match host waiting for resolution in the apply handler.
pub const PENDING_HOST: char = '\u{2}';

/// ast_str2tos: `sscanf("%30i")` masked to 8 bits, else a DSCP name shifted into the TOS byte.
fn str2tos(input: &str) -> Option<u32> {
    if let Some(v) = clib::scan_int(input, true) {
        return Some((v & 0xff) as u32);
    }
    DSCP.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(input))
        .map(|(_, v)| v << 2)
}

/// One ACL entry (ast_ha) as append_ha_core parses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ha {
    pub allow: bool,
    pub addr: SockAddr,
    pub mask: IpAddr,
}

/// Why append_ha_core refuses an ACL entry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HaError {
    /// `why` says more where it can: spaces around it, or a port where none is allowed.
    #[error("'{address}' is not an IP address{why}")]
    NotAnAddress { address: String, why: &'static str },
    #[error("'{0}' is not a netmask")]
    NotANetmask(String),
    #[error("address '{address}' and mask '{mask}' are not of the same IP version")]
    MixedVersions { address: String, mask: String },
    #[error("'{mask}' is not a CIDR mask (0-{max})")]
    NotACidr { mask: String, max: u32 },
}

/// append_ha_core on one comma piece (not trimmed): `[!]address[/mask]`; the sense here is
/// deny, '!' makes it allow.
pub fn parse_ha(tok: &str, ports: PortRule) -> Result<Ha, HaError> {
    let (address, mask) = match tok.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (tok, None),
    };
    let (allow, address) = match address.strip_prefix('!') {
        Some(a) => (true, a),
        None => (false, address),
    };
    let Some(mut addr) = clib::sockaddr_parse(address, ports) else {
        let why = if address.starts_with(clib::is_space) || address.ends_with(clib::is_space) {
            " (spaces are not allowed around it)"
        } else if ports == PortRule::Forbid
            && clib::sockaddr_parse(address, PortRule::Optional).is_some()
        {
            " (a port is not allowed here)"
        } else {
            ""
        };
        return Err(HaError::NotAnAddress {
            address: address.to_string(),
            why,
        });
    };
    let v4 = addr.ip.is_ipv4();
    let maskip: IpAddr = match mask {
        None => cidr_mask(v4, if v4 { 32 } else { 128 }),
        Some(m) if m.contains(':') || m.contains('.') => {
            let Some(ma) = clib::sockaddr_parse(m, PortRule::Forbid) else {
                return Err(HaError::NotANetmask(m.to_string()));
            };
            if ma.ip.is_ipv4() != v4 {
                return Err(HaError::MixedVersions {
                    address: address.to_string(),
                    mask: m.to_string(),
                });
            }
            ma.ip
        }
        Some(m) => match clib::scan_int(m, false) {
            Some(b) if b >= 0 && b <= if v4 { 32 } else { 128 } => cidr_mask(v4, b as u32),
            _ => {
                return Err(HaError::NotACidr {
                    mask: m.to_string(),
                    max: if v4 { 32 } else { 128 },
                })
            }
        },
    };
    addr.ip = match (addr.ip, maskip) {
        (IpAddr::V4(a), IpAddr::V4(m)) => IpAddr::V4((u32::from(a) & u32::from(m)).into()),
        (IpAddr::V6(a), IpAddr::V6(m)) => IpAddr::V6((u128::from(a) & u128::from(m)).into()),
        (a, _) => a,
    };
    Ok(Ha {
        allow,
        addr,
        mask: maskip,
    })
}

fn cidr_mask(v4: bool, bits: u32) -> IpAddr {
    if v4 {
        IpAddr::V4(
            if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            }
            .into(),
        )
    } else {
        IpAddr::V6(
            if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            }
            .into(),
        )
    }
}

/// ast_ha_join / the var-list form: `[!]addr[:port]/netmask` (a port only when set).
pub fn ha_str(ha: &Ha, with_sense: bool) -> String {
    let addr = if ha.addr.port != 0 {
        clib::addr_port_str(&ha.addr)
    } else {
        clib::addr_str(&ha.addr.ip)
    };
    format!(
        "{}{addr}/{}",
        if with_sense && ha.allow { "!" } else { "" },
        clib::addr_str(&ha.mask)
    )
}

/// What Asterisk prints for an ACL list: the first ACL's name, or `deny/permit` when the
/// first is the unnamed one deny/permit rules build (or a named ACL with an empty name).
pub fn acl_display(items: &[String]) -> &str {
    match items.first() {
        None => "",
        Some(f) if f == BASE_ACL || f.is_empty() => "deny/permit",
        Some(f) => f,
    }
}

/// An address with optional mask or port, printed `addr/netmask` as ast_ha does.
#[cfg(test)]
pub fn parse_network(tok: &str) -> Option<String> {
    parse_ha(tok, PortRule::Optional)
        .ok()
        .map(|h| ha_str(&h, true))
}
