//! The C library and Asterisk utility behaviour the field handlers depend on, reimplemented
//! from their documented semantics: isspace trimming, sscanf/strtol/strtod number scanning,
//! ast_strsep, inet_aton and getaddrinfo(AI_NUMERICHOST) address parsing, getnameinfo
//! printing, djb2 hashing and MD5 (aor contact ids).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// C `isspace` in the C locale.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// `ast_strip`: trim isspace on both sides.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `ast_skip_blanks`: skip every byte below 33 (blanks and control characters).
pub fn skip_blanks(s: &str) -> &str {
    s.trim_start_matches(|c: char| (c as u32) < 33)
}

/// `strsep(",")` then `ast_strip` on each piece, empty pieces left out.
pub fn split_list(input: &str) -> impl Iterator<Item = &str> {
    input.split(',').map(strip).filter(|t| !t.is_empty())
}

/// Digits of `t` in `radix`, as many as form a number; returns (value, bytes used).
fn scan_digits(t: &str, radix: u32) -> (u128, usize) {
    let mut v: u128 = 0;
    let mut n = 0;
    for c in t.chars() {
        match c.to_digit(radix) {
            Some(d) => {
                v = v.saturating_mul(radix as u128).saturating_add(d as u128);
                n += 1;
            }
            None => break,
        }
    }
    (v, n)
}

/// The `strtol`/`strtoul` core with base 0 on text already past blanks and sign:
/// returns (value, bytes used); 0 bytes means no number.
fn scan_base0(t: &str) -> (u128, usize) {
    let b = t.as_bytes();
    if b.len() >= 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') {
        let (v, n) = scan_digits(&t[2..], 16);
        if n == 0 {
            // "0x" without hex digits: the "0" alone is the number.
            return (0, 1);
        }
        return (v, n + 2);
    }
    if b.first() == Some(&b'0') {
        let (v, n) = scan_digits(t, 8);
        return (v, n);
    }
    scan_digits(t, 10)
}

/// Optional sign after leading isspace: (negative, rest).
fn sign(t: &str) -> (bool, &str) {
    let t = t.trim_start_matches(is_space);
    match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    }
}

/// `sscanf(s, "%d")` (radix 10) or `"%i"` (radix 0): the leading number, if any.
/// Values are clamped to the i64 range (beyond int the C result is undefined anyway).
pub fn scan_int(s: &str, auto_radix: bool) -> Option<i64> {
    let (neg, t) = sign(s);
    let (v, n) = if auto_radix {
        scan_base0(t)
    } else {
        scan_digits(t, 10)
    };
    if n == 0 {
        return None;
    }
    let v = v.min(i64::MAX as u128) as i64;
    Some(if neg { -v } else { v })
}

/// `sscanf(s, "%u")`: like %d, and a negative number wraps around as unsigned int does.
pub fn scan_uint(s: &str) -> Option<u32> {
    scan_int(s, false).map(|v| v as u32)
}

/// True when `sscanf` would return EOF (no input but blanks): `"%d"` on "" returns -1.
pub fn scan_is_eof(s: &str) -> bool {
    s.chars().all(is_space)
}

/// `strtol(s, &end, 0)` requiring the whole string to be used (ast_parse_arg PARSE_INT32).
pub fn strtol_whole(s: &str) -> Option<i64> {
    let (neg, t) = sign(s);
    let (v, n) = scan_base0(t);
    if n == 0 || n != t.len() {
        return None;
    }
    if v > i64::MAX as u128 + 1 {
        return None;
    }
    let v = v as i128;
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// ast_parse_arg PARSE_UINT32: blanks skipped, no '-', strtoul base 0, nothing after, ≤ UINT32_MAX.
pub fn parse_uint32(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let s = skip_blanks(s);
    if s.starts_with('-') {
        return None;
    }
    let (neg, t) = sign(s);
    let (v, n) = scan_base0(t);
    if neg || n == 0 || n != t.len() || v > u32::MAX as u128 {
        return None;
    }
    Some(v as u64)
}

/// `strtod` requiring the whole string, refusing ERANGE (overflow and underflow), as
/// ast_parse_arg PARSE_DOUBLE does.
pub fn strtod_whole(s: &str) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let t = s.trim_start_matches(is_space);
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    let v = if lower == "inf" || lower == "infinity" {
        f64::INFINITY
    } else if lower == "nan" || (lower.starts_with("nan(") && lower.ends_with(')')) {
        f64::NAN
    } else if let Some(hex) = lower.strip_prefix("0x") {
        hex_float(hex)?
    } else {
        if body.is_empty()
            || !body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        let v: f64 = body.parse().ok()?;
        let mantissa = body.split(['e', 'E']).next().unwrap_or("");
        if v.is_infinite() {
            return None; // ERANGE: overflow
        }
        let nonzero = mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
        if nonzero && (v == 0.0 || v.abs() < f64::MIN_POSITIVE) {
            return None; // ERANGE: underflow
        }
        v
    };
    Some(if neg { -v } else { v })
}

fn hex_float(t: &str) -> Option<f64> {
    let (mant, exp) = match t.split_once('p') {
        Some((m, e)) => (m, Some(e)),
        None => (t, None),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    if let Some(e) = exp {
        let e: i32 = e.parse().ok()?;
        v *= 2f64.powi(e);
    }
    if v.is_infinite() {
        return None;
    }
    Some(v)
}

/// printf("%f").
pub fn format_f(v: f64) -> String {
    if v.is_nan() {
        if v.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        }
    } else if v.is_infinite() {
        if v < 0.0 {
            "-inf".into()
        } else {
            "inf".into()
        }
    } else {
        format!("{v:.6}")
    }
}

/// `sscanf("%30Lf")`: the leading floating-point number of a string, if any.
pub fn scan_float(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(is_space);
    let mut end = 0;
    let b = t.as_bytes();
    if matches!(b.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let digits_start = end;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    if end == digits_start || (end == digits_start + 1 && b[digits_start] == b'.') {
        return None;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut e = end + 1;
        if e < b.len() && matches!(b[e], b'+' | b'-') {
            e += 1;
        }
        let ds = e;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if e > ds {
            end = e;
        }
    }
    t[..end].parse().ok()
}

/// `ast_strip_quoted(s, beg, end)`: strip, then one pair of matching outer quotes.
pub fn strip_quoted<'a>(s: &'a str, beg: &str, end: &str) -> &'a str {
    let s = strip(s);
    if let Some(first) = s.chars().next() {
        if let Some(pos) = beg.chars().position(|q| q == first) {
            let close = end.chars().nth(pos).unwrap_or(first);
            if s.ends_with(close) {
                let inner = &s[first.len_utf8()..];
                return match inner.len().checked_sub(close.len_utf8()) {
                    Some(n) => &inner[..n],
                    None => "",
                };
            }
        }
    }
    s
}

/// `ast_unescape_quoted`: drop each backslash, keeping the character after it.
pub fn unescape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some(n) => out.push(n),
                None => break,
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Flags of [`strsep`].
pub const STRSEP_STRIP: u8 = 1;
pub const STRSEP_TRIM: u8 = 2;
pub const STRSEP_UNESCAPE: u8 = 4;
pub const STRSEP_ALL: u8 = 7;

/// `ast_strsep` over a whole string: the pieces it returns one by one. Quotes (' and ")
/// protect separators, a backslash skips the next character; an empty input gives one
/// empty piece, and a trailing separator gives a final empty piece.
pub fn strsep(input: &str, sep: char, flags: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest: Option<&str> = Some(input);
    while let Some(st) = rest {
        if st.is_empty() {
            out.push(String::new());
            break;
        }
        let mut stack: Vec<char> = Vec::new();
        let mut cut = None;
        let mut it = st.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let (i, c) = if c == '\\' {
                it.next();
                match it.next() {
                    Some(x) => x,
                    None => break,
                }
            } else {
                (i, c)
            };
            if c == '\'' || c == '"' {
                if stack.last() == Some(&c) {
                    stack.pop();
                } else {
                    stack.push(c);
                }
            }
            if c == sep && stack.is_empty() {
                cut = Some(i);
                break;
            }
        }
        let piece = match cut {
            Some(i) => {
                rest = Some(&st[i + sep.len_utf8()..]);
                &st[..i]
            }
            None => {
                rest = None;
                st
            }
        };
        let mut p: &str = piece;
        if flags & STRSEP_STRIP != 0 {
            p = strip_quoted(p, "'\"", "'\"");
        }
        if flags & STRSEP_TRIM != 0 {
            let t = strip(p);
            if !t.is_empty() {
                p = t;
            }
        }
        out.push(if flags & STRSEP_UNESCAPE != 0 {
            unescape_quoted(p)
        } else {
            p.to_string()
        });
    }
    out
}

/// djb2 as `ast_str_hash` computes it (unsigned char, result & INT_MAX).
pub fn str_hash(s: &str) -> u32 {
    let mut h: u32 = 5381;
    for b in s.bytes() {
        h = h.wrapping_mul(33) ^ b as u32;
    }
    h & 0x7fff_ffff
}

/// `inet_aton` as glibc's getaddrinfo(AI_NUMERICHOST) applies it: 1 to 4 parts, each
/// decimal, 0x hex or 0-octal, the last part filling the remaining bytes.
pub fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    if s.is_empty() || s.ends_with('.') {
        return None;
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut vals = Vec::with_capacity(4);
    for p in &parts {
        let (v, n) = scan_base0(p);
        if n == 0 || n != p.len() {
            return None;
        }
        vals.push(v);
    }
    let last = *vals.last()?;
    let lead = &vals[..vals.len() - 1];
    if lead.iter().any(|&v| v > 255) {
        return None;
    }
    let last_max: u128 = match vals.len() {
        1 => u32::MAX as u128,
        2 => 0xff_ffff,
        3 => 0xffff,
        _ => 0xff,
    };
    if last > last_max {
        return None;
    }
    let mut n: u32 = 0;
    for (i, v) in lead.iter().enumerate() {
        n |= (*v as u32) << (24 - 8 * i);
    }
    n |= last as u32;
    Some(Ipv4Addr::from(n))
}

/// A numeric host as getaddrinfo(AI_NUMERICHOST) accepts it.
pub fn numeric_host(h: &str) -> Option<IpAddr> {
    if let Some(v4) = inet_aton(h) {
        return Some(IpAddr::V4(v4));
    }
    // A numeric scope (%N) is accepted; named interfaces cannot be checked here.
    let addr = match h.split_once('%') {
        Some((a, scope)) if !scope.is_empty() && scope.bytes().all(|b| b.is_ascii_digit()) => a,
        Some(_) => return None,
        None => h,
    };
    addr.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// An address with an optional port, as `ast_sockaddr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SockAddr {
    pub ip: IpAddr,
    pub port: u16,
}

/// Port handling of [`sockaddr_parse`] (PARSE_PORT_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortRule {
    Optional,
    Forbid,
}

/// `ast_sockaddr_split_hostport`: (host, port text).
pub fn split_hostport(s: &str) -> (&str, Option<&str>) {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = match rest.find(']') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let port = after.strip_prefix(':');
        return (host, port);
    }
    match s.matches(':').count() {
        1 => {
            let (h, p) = s.split_once(':').unwrap();
            (h, Some(p))
        }
        _ => (s, None),
    }
}

/// `ast_sockaddr_parse`: a numeric address, with a port as the rule allows.
pub fn sockaddr_parse(s: &str, rule: PortRule) -> Option<SockAddr> {
    let (host, port) = split_hostport(s);
    if rule == PortRule::Forbid && port.is_some() {
        return None;
    }
    let ip = numeric_host(host)?;
    let port = match port {
        None | Some("") | Some("*") => 0,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u32>().ok().filter(|&n| n <= 65535)? as u16
        }
        Some(_) => return None,
    };
    Some(SockAddr {
        ip: unmap(ip),
        port,
    })
}

/// An IPv4-mapped IPv6 address as the IPv4 address Asterisk converts it to.
pub fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// `ast_sockaddr_stringify_addr`: the address alone, IPv6 without brackets.
pub fn addr_str(ip: &IpAddr) -> String {
    ip.to_string()
}

/// `ast_sockaddr_stringify`: address and port, IPv6 in brackets.
pub fn addr_port_str(a: &SockAddr) -> String {
    match a.ip {
        IpAddr::V4(v4) => format!("{v4}:{}", a.port),
        IpAddr::V6(v6) => format!("[{v6}]:{}", a.port),
    }
}

/// MD5 (RFC 1321) as lowercase hex, for `ast_md5_hash`.
pub fn md5_hex(input: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(input)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Cut a string to at most `max` bytes at a character boundary (C buffers cut bytes).
pub fn truncate_bytes(s: &mut String, max: usize) {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sscanf_scans_a_prefix() {
        assert_eq!(scan_int(" 12abc", false), Some(12));
        assert_eq!(scan_int("-4", true), Some(-4));
        assert_eq!(scan_int("0x1f", true), Some(31));
        assert_eq!(scan_int("010", true), Some(8));
        assert_eq!(scan_int("abc", false), None);
        assert_eq!(scan_uint("-1"), Some(u32::MAX));
    }

    #[test]
    fn parse_arg_numbers_are_whole() {
        assert_eq!(parse_uint32("0x10"), Some(16));
        assert_eq!(parse_uint32(" 7"), Some(7));
        assert_eq!(parse_uint32("-1"), None);
        assert_eq!(parse_uint32("4294967296"), None);
        assert_eq!(parse_uint32("5 "), None);
        assert_eq!(strtol_whole("-0x10"), Some(-16));
        assert_eq!(strtod_whole("3"), Some(3.0));
        assert_eq!(strtod_whole(" 2.5e1"), Some(25.0));
        assert_eq!(strtod_whole("1e999"), None);
        assert_eq!(strtod_whole("abc"), None);
        assert_eq!(format_f(3.0), "3.000000");
        assert_eq!(format_f(f64::INFINITY), "inf");
    }

    #[test]
    fn strsep_keeps_empty_pieces() {
        assert_eq!(strsep("message,", ',', STRSEP_TRIM), ["message", ""]);
        assert_eq!(strsep(" a , b ", ',', STRSEP_TRIM), ["a", "b"]);
        assert_eq!(strsep("", ',', STRSEP_TRIM), [""]);
        assert_eq!(strsep("'a,b',c", ',', STRSEP_ALL), ["a,b", "c"]);
    }

    #[test]
    fn numeric_hosts_follow_inet_aton() {
        assert_eq!(inet_aton("127.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("010.0.0.1"), Some(Ipv4Addr::new(8, 0, 0, 1)));
        assert_eq!(inet_aton("1.2.3.256"), None);
        assert_eq!(inet_aton("host"), None);
        let a = sockaddr_parse("[2001:db8::1]:5060", PortRule::Optional).unwrap();
        assert_eq!(addr_port_str(&a), "[2001:db8::1]:5060");
        assert!(sockaddr_parse("1.2.3.4:5060", PortRule::Forbid).is_none());
        assert_eq!(
            sockaddr_parse("::ffff:10.0.0.1", PortRule::Optional)
                .unwrap()
                .ip,
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))
        );
    }

    #[test]
    fn md5_matches_rfc1321() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        // Longer than one 64-byte block.
        assert_eq!(
            md5_hex("1234567890".repeat(8).as_bytes()),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn quotes_strip_in_pairs() {
        assert_eq!(strip_quoted(" \"Bob\" ", "\"", "\""), "Bob");
        assert_eq!(strip_quoted("\"Bob", "\"", "\""), "\"Bob");
        assert_eq!(strip_quoted("\"", "\"", "\""), "");
        assert_eq!(unescape_quoted(r#"a\"b\\c"#), r#"a"b\c"#);
    }
}
