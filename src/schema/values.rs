//! Field handlers: how each kind of value is parsed, validated and put in Asterisk's output form.
//! An `Err` is the reason a value is refused; `Ok(Some(w))` applies it with a warning.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::model::{Object, Val};
use crate::schema::Kind;

pub type Applied = Result<Option<String>, String>;

const TRUE_WORDS: &[&str] = &["yes", "true", "y", "t", "1", "on"];
const FALSE_WORDS: &[&str] = &["no", "false", "n", "f", "0", "off"];

pub fn ast_true(s: &str) -> bool {
    let s = s.trim();
    TRUE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

pub fn ast_false(s: &str) -> bool {
    let s = s.trim();
    FALSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Codecs Asterisk 23.4.1 registers by default (codec_builtin.c), in registration order.
pub const CODECS: &[&str] = &[
    "codec2", "g723", "ulaw", "alaw", "gsm", "g726", "g726aal2", "adpcm", "slin", "slin12",
    "slin16", "slin24", "slin32", "slin44", "slin48", "slin96", "slin192", "lpc10", "g729",
    "speex", "speex16", "speex32", "ilbc", "g722", "siren7", "siren14", "testlaw", "g719", "opus",
    "jpeg", "png", "h261", "h263", "h263p", "h264", "h265", "mpeg4", "vp8", "vp9", "red", "t140",
    "t38", "silk8", "silk12", "silk16", "silk24", "none",
];

fn s(v: impl Into<Cow<'static, str>>) -> Val {
    Val::S(v.into())
}

fn bool_warning(input: &str, name: &str) -> Option<String> {
    if ast_true(input) || ast_false(input) {
        None
    } else {
        Some(format!(
            "{name}={input}: not a yes/no spelling; Asterisk reads it as false (use yes or no)"
        ))
    }
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let fd = &obj.ty.fields[idx];
    let name = fd.name;
    match &fd.kind {
        Kind::Noop => Ok(None),
        Kind::Bool => {
            obj.vals[idx] = s(if ast_true(input) { "true" } else { "false" });
            Ok(bool_warning(input, name))
        }
        Kind::YesNo => {
            obj.vals[idx] = s(if ast_true(input) { "yes" } else { "no" });
            Ok(bool_warning(input, name))
        }
        Kind::CapitalYesNo => {
            obj.vals[idx] = s(if ast_true(input) { "Yes" } else { "No" });
            Ok(bool_warning(input, name))
        }
        Kind::UInt { min, max } => {
            let n = parse_c_uint(input).ok_or_else(|| "expected an unsigned integer".to_string())?;
            if n < *min || n > *max {
                return Err(format!("out of range: expected {min} to {max}"));
            }
            obj.vals[idx] = s(n.to_string());
            Ok(None)
        }
        Kind::Int => {
            let n = parse_c_int(input).ok_or_else(|| "expected an integer".to_string())?;
            obj.vals[idx] = s(n.to_string());
            Ok(None)
        }
        Kind::Double => {
            let t = input.trim_start();
            let n: f64 = t.parse().map_err(|_| "expected a number such as 3.0".to_string())?;
            if !n.is_finite() && !t.to_ascii_lowercase().contains("inf") {
                return Err("expected a number such as 3.0".into());
            }
            obj.vals[idx] = s(format!("{n:.6}"));
            Ok(None)
        }
        Kind::Str => {
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::NonEmptyStr => {
            if input.is_empty() {
                return Err("must not be empty".into());
            }
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::Codec { allow } => codecs(obj, idx, input, *allow),
        Kind::Enum { values, case_sensitive } => {
            let t = input.trim();
            let hit = values.iter().find(|(i, _)| if *case_sensitive { *i == t } else { i.eq_ignore_ascii_case(t) });
            match hit {
                Some((_, out)) => {
                    obj.vals[idx] = s(*out);
                    Ok(None)
                }
                None => Err(format!("expected one of {}", spellings(values))),
            }
        }
        Kind::LenientEnum(values) => {
            match values.iter().find(|(i, _)| i.eq_ignore_ascii_case(input.trim())) {
                Some((_, out)) => {
                    obj.vals[idx] = s(*out);
                    Ok(None)
                }
                None => Ok(Some(format!(
                    "{name}={input}: Asterisk ignores this value and keeps {}; expected one of {}",
                    obj.vals[idx].as_str(),
                    spellings(values)
                ))),
            }
        }
        Kind::AstBoolEnum { yes, no, others } => {
            let t = input.trim();
            let out = if ast_true(t) {
                *yes
            } else if let Some((_, o)) = others.iter().find(|(i, _)| i.eq_ignore_ascii_case(t)) {
                o
            } else if ast_false(t) {
                *no
            } else {
                return Err(format!("expected yes, no or one of {}", spellings(others)));
            };
            obj.vals[idx] = s(out);
            Ok(None)
        }
        Kind::IdList => {
            obj.vals[idx] = Val::L(split_list(input).map(str::to_string).collect());
            Ok(None)
        }
        Kind::IdentifyBy => {
            const M: &[&str] = &["username", "auth_username", "ip", "header", "request_uri"];
            let mut out: Vec<String> = Vec::new();
            for tok in split_list(input) {
                let m = M
                    .iter()
                    .find(|m| m.eq_ignore_ascii_case(tok))
                    .ok_or_else(|| format!("unknown method '{tok}': expected any of {}", M.join(", ")))?;
                if !out.iter().any(|o| o == m) {
                    out.push(m.to_string());
                }
            }
            obj.vals[idx] = s(out.join(","));
            Ok(None)
        }
        Kind::FollowRedirect => {
            let mut out: Vec<String> = Vec::new();
            for tok in split_list(input) {
                if !tok.eq_ignore_ascii_case("message") {
                    return Err(format!("unknown method '{tok}': the only one is message"));
                }
                if out.is_empty() {
                    out.push("message".into());
                }
            }
            obj.vals[idx] = s(out.join(","));
            Ok(None)
        }
        Kind::MediaAddress => {
            let v = match parse_host_port(input) {
                Some((ip, _)) => ip.to_string(),
                None => input.to_string(),
            };
            obj.vals[idx] = s(v);
            Ok(None)
        }
        Kind::CallerId => {
            obj.vals[idx] = s(callerid(input));
            Ok(None)
        }
        Kind::CallerIdPrivacy => {
            const P: &[(&str, i32)] = &[
                ("allowed_not_screened", 0),
                ("allowed_passed_screen", 1),
                ("allowed_failed_screen", 2),
                ("allowed", 3),
                ("prohib_not_screened", 0x20),
                ("prohib_passed_screen", 0x21),
                ("prohib_failed_screen", 0x22),
                ("prohib", 0x23),
                ("unavailable", 0x43),
            ];
            let t = input.trim();
            let out = if let Some((n, _)) = P.iter().find(|(n, _)| n.eq_ignore_ascii_case(t)) {
                n.to_string()
            } else if let Some(n) = leading_int(t) {
                P.iter().find(|(_, v)| *v == n).map(|(n, _)| n.to_string()).unwrap_or_else(|| "unknown".into())
            } else {
                let names: Vec<&str> = P.iter().map(|(n, _)| *n).collect();
                return Err(format!("expected one of {} (or its number)", names.join(", ")));
            };
            obj.vals[idx] = s(out);
            Ok(None)
        }
        Kind::Group => {
            let (members, bad) = groups(input);
            let text: Vec<String> = members.iter().map(|m| m.to_string()).collect();
            obj.vals[idx] = s(text.join(", "));
            Ok(bad.map(|b| format!("{name}={input}: '{b}' is not a group 0-63; Asterisk ignores it")))
        }
        Kind::NamedGroup => {
            let mut out: Vec<&str> = Vec::new();
            for tok in split_list(input) {
                if !out.contains(&tok) {
                    out.push(tok);
                }
            }
            obj.vals[idx] = s(out.join(", "));
            Ok(None)
        }
        Kind::Tos => {
            let v = tos(input).ok_or_else(|| {
                "expected a number 0-255 or a DSCP name (CS0-CS7, AF11-AF43, EF)".to_string()
            })?;
            obj.vals[idx] = s(v.to_string());
            Ok(None)
        }
        Kind::FromUser => {
            if let Some(c) = input.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:".contains(*c))) {
                return Err(format!(
                    "character '{c}' is not allowed: use letters, digits and -._~%!$&'()*+,;=:"
                ));
            }
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::SetVar => {
            if input.trim().is_empty() {
                return Ok(None);
            }
            let (k, v) = input.split_once('=').ok_or_else(|| "expected NAME=VALUE".to_string())?;
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            if let Val::V(vars) = &mut obj.vals[idx] {
                if let Some(p) = vars.iter_mut().find(|(n, _)| *n == k) {
                    p.1 = v;
                } else {
                    vars.push((k, v));
                }
            }
            Ok(None)
        }
        Kind::AclRule { target } => {
            let mut rules = Vec::new();
            for tok in split_list(input) {
                let tok = tok.trim_start_matches('!');
                parse_network(tok).ok_or_else(|| format!("'{tok}' is not an address or address/mask"))?;
                rules.push(format!("\u{1}{name}:{tok}"));
            }
            let t = obj.ty.field_index_exact(target).expect("acl target field");
            if let Val::L(l) = &mut obj.vals[t] {
                l.extend(rules);
            }
            Ok(None)
        }
        Kind::NamedAcl => {
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(split_list(input).map(str::to_string));
            }
            Ok(None)
        }
        Kind::CodecPrefs { allow_union } => {
            obj.vals[idx] = s(codec_prefs(input, obj.vals[idx].as_str(), *allow_union)?);
            Ok(None)
        }
        Kind::StirShaken => Ok(Some(format!(
            "{name} is no longer supported by Asterisk and always reads 'no': use stir_shaken_profile"
        ))),
        Kind::SecurityMechanisms => {
            let mut out = Vec::new();
            for tok in split_list(input) {
                let mech = tok.split(';').next().unwrap_or("").trim();
                const M: &[&str] = &["msrp-tls", "sdes-srtp", "dtls-srtp"];
                if !M.iter().any(|m| m.eq_ignore_ascii_case(mech)) {
                    return Err(format!("unknown mechanism '{mech}': expected {}", M.join(", ")));
                }
                out.push(tok.to_string());
            }
            obj.vals[idx] = s(out.join(","));
            Ok(None)
        }
        Kind::Md5Cred => {
            let t = input.trim();
            if !t.is_empty() && (t.len() != 32 || !t.bytes().all(|b| b.is_ascii_hexdigit())) {
                return Err("expected a 32-digit hex MD5 digest".into());
            }
            obj.vals[idx] = s(t.to_string());
            Ok(None)
        }
        Kind::PasswordDigest => {
            let mut out = Vec::new();
            for tok in split_list(input) {
                let (alg, hex) = tok.split_once(':').ok_or_else(|| "expected ALG:HEXDIGEST".to_string())?;
                let (canon, len) = match alg.trim().to_ascii_uppercase().as_str() {
                    "MD5" => ("MD5", 32),
                    "SHA-256" => ("SHA-256", 64),
                    "SHA-512-256" => ("SHA-512-256", 64),
                    _ => return Err(format!("unknown algorithm '{alg}': expected MD5, SHA-256 or SHA-512-256")),
                };
                let hex = hex.trim();
                if hex.len() != len || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!("{canon} digest must be {len} hex digits"));
                }
                out.push(format!("{canon}:{hex}"));
            }
            obj.vals[idx] = s(out.join(","));
            Ok(None)
        }
        Kind::Algorithms => {
            let mut add = Vec::new();
            for tok in split_list(input) {
                let canon = ["MD5", "SHA-256", "SHA-512-256"]
                    .into_iter()
                    .find(|a| a.eq_ignore_ascii_case(tok))
                    .ok_or_else(|| format!("unknown algorithm '{tok}': expected MD5, SHA-256 or SHA-512-256"))?;
                add.push(canon.to_string());
            }
            // The handler appends and never resets: Asterisk accumulates duplicates too.
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(add);
            }
            Ok(None)
        }
        Kind::AorContact => {
            let mut add = Vec::new();
            for tok in split_list(input) {
                let lower = tok.to_ascii_lowercase();
                if !(lower.starts_with("sip:") || lower.starts_with("sips:")) || tok.len() < 5 {
                    return Err(format!("'{tok}' is not a SIP URI: expected sip:user@host[:port] or sips:..."));
                }
                if tok.len() > 255 {
                    return Err(format!("'{tok}' is longer than 255 characters"));
                }
                add.push(tok.to_string());
            }
            if let Val::L(l) = &mut obj.vals[idx] {
                for a in add {
                    if !l.contains(&a) {
                        l.push(a);
                    }
                }
            }
            Ok(None)
        }
        Kind::IdentifyMatch | Kind::LocalNet => {
            let mut add = Vec::new();
            let mut warn = None;
            for tok in split_list(input) {
                match parse_network(tok) {
                    Some(n) => add.push(n),
                    None if matches!(fd.kind, Kind::IdentifyMatch) && is_hostname(tok) => {
                        warn = Some(format!(
                            "{name}={tok}: a hostname is resolved by Asterisk when the object loads; it is kept as written here"
                        ));
                        add.push(tok.to_string());
                    }
                    None => return Err(format!("'{tok}' is not an address, address/mask or address:port")),
                }
            }
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(add);
            }
            Ok(warn)
        }
        Kind::ListItem => {
            let mut warn = None;
            if let Val::L(l) = &mut obj.vals[idx] {
                for tok in split_list(input) {
                    if l.iter().any(|x| x == tok) {
                        warn = Some(format!("{name}: '{tok}' is already in the list; ignored"));
                    } else {
                        l.push(tok.to_string());
                    }
                }
            }
            Ok(warn)
        }
        Kind::Regex => Ok(None),
        Kind::SockAddr => {
            let (ip, port) = parse_host_port(input.trim())
                .ok_or_else(|| "expected IPv4[:port] or [IPv6][:port]".to_string())?;
            let v = match ip {
                IpAddr::V4(a) => format!("{a}:{}", port.unwrap_or(0)),
                IpAddr::V6(a) => format!("[{a}]:{}", port.unwrap_or(0)),
            };
            obj.vals[idx] = s(v);
            Ok(None)
        }
        Kind::Timeval => {
            let t = input.trim();
            let secs = t.split('.').next().unwrap_or("");
            let n: i64 = secs.parse().map_err(|_| "expected seconds since the epoch, sec[.usec]".to_string())?;
            obj.vals[idx] = s(n.to_string());
            Ok(None)
        }
    }
}

fn spellings(values: &[(&str, &str)]) -> String {
    let mut v: Vec<&str> = values.iter().map(|(i, _)| *i).collect();
    v.dedup();
    v.join(", ")
}

/// Comma-separated items, each trimmed, empty ones skipped.
pub fn split_list(input: &str) -> impl Iterator<Item = &str> {
    input.split(',').map(str::trim).filter(|t| !t.is_empty())
}

/// ast_parse_arg PARSE_UINT32: strtoul base 0, leading blanks, no sign, no trailing junk.
pub fn parse_c_uint(input: &str) -> Option<u64> {
    let t = input.trim_start();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let n = parse_radix(t)?;
    (n <= u32::MAX as u64).then_some(n)
}

fn parse_c_int(input: &str) -> Option<i64> {
    let t = input.trim_start();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let n = parse_radix(body)? as i64;
    let n = if neg { -n } else { n };
    (i32::MIN as i64..=i32::MAX as i64)
        .contains(&n)
        .then_some(n)
}

fn parse_radix(t: &str) -> Option<u64> {
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if t.len() > 1 && t.starts_with('0') {
        u64::from_str_radix(&t[1..], 8).ok()
    } else {
        t.parse().ok()
    }
}

fn leading_int(t: &str) -> Option<i32> {
    let end = t
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+')))
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    t[..end].parse().ok()
}

/// `allow`/`disallow`: ast_format_cap_update_by_allow_disallow. Tokens split on `,` or `|`;
/// errors are collected while the other tokens still apply, then the whole value fails.
fn codecs(obj: &mut Object, idx: usize, input: &str, allow: bool) -> Applied {
    let target = obj.ty.field_index_exact("allow").unwrap_or(idx);
    let mut list = obj.vals[target].list().to_vec();
    let mut value = input.trim();
    let mut errors = Vec::new();
    if value.starts_with('(') && value.ends_with(')') && value.len() >= 2 {
        // The objectset form `(a|b)`: allow replaces, disallow re-adds all first.
        value = &value[1..value.len() - 1];
        if allow {
            list.clear();
        } else {
            list = CODECS.iter().map(|c| c.to_string()).collect();
        }
    }
    for raw in value.split([',', '|']) {
        let tok = raw.trim();
        let (add, tok) = match tok.strip_prefix('!') {
            Some(t) => (!allow, t),
            None => (allow, tok),
        };
        let (name, framing) = match tok.split_once(':') {
            Some((n, f)) => (n, Some(f)),
            None => (tok, None),
        };
        if let Some(f) = framing {
            if f.parse::<u32>().is_err() {
                errors.push(format!(
                    "'{tok}' has a bad framing (expected name:milliseconds)"
                ));
                continue;
            }
        }
        if name.eq_ignore_ascii_case("all") {
            if add {
                for c in CODECS {
                    if !list.iter().any(|x| x == c) {
                        list.push(c.to_string());
                    }
                }
            } else {
                list.clear();
            }
            continue;
        }
        let Some(canon) = CODECS.iter().find(|c| c.eq_ignore_ascii_case(name)) else {
            if name.is_empty() {
                errors.push("an empty codec name (check for ',,' or a trailing comma)".to_string());
            } else {
                errors.push(format!("unknown codec '{name}'"));
            }
            continue;
        };
        if add {
            if !list.iter().any(|x| x == canon) {
                list.push(canon.to_string());
            }
        } else {
            list.retain(|x| x != canon);
        }
    }
    obj.vals[target] = Val::L(list);
    if errors.is_empty() {
        Ok(None)
    } else {
        Err(format!(
            "{}; known codecs include ulaw, alaw, g722, g729, gsm, opus, h264, vp8",
            errors.join(", ")
        ))
    }
}

/// ast_callerid_split then ast_callerid_merge.
pub fn callerid(input: &str) -> String {
    let (name, num) = split_callerid(input);
    match (name.is_empty(), num.is_empty()) {
        (false, false) => format!("\"{name}\" <{num}>"),
        (false, true) => name,
        (true, false) => num,
        (true, true) => "<unknown>".to_string(),
    }
}

fn split_callerid(input: &str) -> (String, String) {
    let t = input;
    if let Some(ls) = t.rfind('<') {
        if let Some(rel) = t[ls..].find('>') {
            let num = &t[ls + 1..ls + rel];
            let name = unquote(t[..ls].trim());
            return (name, shrink_number(num));
        }
    }
    let trimmed = t.trim();
    let shrunk = shrink_number(trimmed);
    if !shrunk.is_empty()
        && shrunk
            .chars()
            .all(|c| c.is_ascii_digit() || "+*#".contains(c))
    {
        (String::new(), shrunk)
    } else {
        (unquote(trimmed), String::new())
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// ast_shrink_phone_number: drop the separators people type in numbers.
fn shrink_number(n: &str) -> String {
    n.chars()
        .filter(|c| !matches!(c, '(' | ')' | ' ' | '-' | '.'))
        .collect()
}

/// ast_get_group: `1,3-5` → members 0..63; bad pieces are skipped.
fn groups(input: &str) -> (Vec<u32>, Option<String>) {
    let mut set = [false; 64];
    let mut bad = None;
    for piece in split_list(input) {
        let (a, b) = match piece.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
            None => (piece.parse::<u32>(), piece.parse::<u32>()),
        };
        match (a, b) {
            (Ok(a), Ok(b)) if a <= b && b < 64 => (a..=b).for_each(|i| set[i as usize] = true),
            _ => bad = Some(piece.to_string()),
        }
    }
    ((0..64u32).filter(|&i| set[i as usize]).collect(), bad)
}

/// ast_str2tos: a number (masked to 8 bits) or a DSCP name (shifted into the TOS byte).
fn tos(input: &str) -> Option<u32> {
    let t = input.trim();
    if let Some(n) = parse_radix(t) {
        return Some((n & 0xff) as u32);
    }
    let up = t.to_ascii_uppercase();
    let dscp = match up.as_str() {
        "EF" => 46,
        _ if up.len() == 3 && up.starts_with("CS") => {
            up[2..].parse::<u32>().ok().filter(|&n| n <= 7)? * 8
        }
        _ if up.len() == 4 && up.starts_with("AF") => {
            let c: u32 = up[2..3].parse().ok().filter(|&n| (1..=4).contains(&n))?;
            let d: u32 = up[3..4].parse().ok().filter(|&n| (1..=3).contains(&n))?;
            c * 8 + d * 2
        }
        _ => return None,
    };
    Some(dscp << 2)
}

/// The `codec_prefs_*` grammar, printed `prefer:X, operation:Y, keep:Z, transcode:W`.
fn codec_prefs(input: &str, current: &str, allow_union: bool) -> Result<String, String> {
    let get = |k: &str| -> String {
        current
            .split(", ")
            .find_map(|p| p.strip_prefix(k).and_then(|r| r.strip_prefix(':')))
            .unwrap_or("")
            .to_string()
    };
    let default_op = get("operation");
    let (mut prefer, mut op, mut keep, mut transcode) = (
        "pending".to_string(),
        default_op,
        "all".to_string(),
        "allow".to_string(),
    );
    let has_transcode = current.contains("transcode:");
    for part in split_list(input) {
        let mut it = part
            .split([':', ' '])
            .map(str::trim)
            .filter(|x| !x.is_empty());
        let (k, v) = match (it.next(), it.next()) {
            (Some(k), Some(v)) => (k, v),
            _ => return Err(format!("'{part}' is not 'name: value'")),
        };
        let ok = |allowed: &[&str]| -> Result<String, String> {
            if allowed.contains(&v) {
                Ok(v.to_string())
            } else {
                Err(format!("{k}: '{v}' is not one of {}", allowed.join(", ")))
            }
        };
        match k {
            "prefer" => prefer = ok(&["pending", "configured"])?,
            "operation" => {
                let allowed: &[&str] = if allow_union {
                    &["intersect", "union", "only_preferred", "only_nonpreferred"]
                } else {
                    &["intersect", "only_preferred", "only_nonpreferred"]
                };
                op = ok(allowed)?
            }
            "keep" => keep = ok(&["all", "first"])?,
            "transcode" => transcode = ok(&["allow", "prevent"])?,
            _ => {
                return Err(format!(
                    "unknown parameter '{k}': expected prefer, operation, keep, transcode"
                ))
            }
        }
    }
    let mut out = format!("prefer:{prefer}, operation:{op}, keep:{keep}");
    if has_transcode {
        out.push_str(&format!(", transcode:{transcode}"));
    }
    Ok(out)
}

/// What Asterisk prints for an ACL list: the first ACL's name, or `deny/permit` for inline rules.
pub fn acl_display(items: &[String]) -> &str {
    match items.first() {
        None => "",
        Some(f) if f.starts_with('\u{1}') => "deny/permit",
        Some(f) => f,
    }
}

fn parse_host_port(t: &str) -> Option<(IpAddr, Option<u16>)> {
    if let Some(rest) = t.strip_prefix('[') {
        let (a, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = a.parse().ok()?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((IpAddr::V6(ip), port));
    }
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some((ip, None));
    }
    let (a, p) = t.rsplit_once(':')?;
    let ip: Ipv4Addr = a.parse().ok()?;
    Some((IpAddr::V4(ip), Some(p.parse().ok()?)))
}

/// An address with optional mask or port, printed `addr/netmask` as ast_ha does.
pub fn parse_network(tok: &str) -> Option<String> {
    let (addr, mask) = match tok.split_once('/') {
        Some((a, m)) => (a.trim(), Some(m.trim())),
        None => (tok.trim(), None),
    };
    let (ip, port) = parse_host_port(addr)?;
    let base = match port {
        Some(p) => match ip {
            IpAddr::V4(a) => format!("{a}:{p}"),
            IpAddr::V6(a) => format!("[{a}]:{p}"),
        },
        None => ip.to_string(),
    };
    match ip {
        IpAddr::V4(a) => {
            let bits = match mask {
                None => 32,
                Some(m) if m.contains('.') => {
                    let mm: Ipv4Addr = m.parse().ok()?;
                    u32::from(mm).count_ones()
                }
                Some(m) => m.parse::<u32>().ok().filter(|&b| b <= 32)?,
            };
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            let net = Ipv4Addr::from(u32::from(a) & mask);
            let base = if port.is_some() {
                base
            } else {
                net.to_string()
            };
            Some(format!("{base}/{}", Ipv4Addr::from(mask)))
        }
        IpAddr::V6(a) => {
            let bits = match mask {
                None => 128,
                Some(m) => m.parse::<u32>().ok().filter(|&b| b <= 128)?,
            };
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            let net = Ipv6Addr::from(u128::from(a) & mask);
            let base = if port.is_some() {
                base
            } else {
                net.to_string()
            };
            Some(format!("{base}/{}", Ipv6Addr::from(mask)))
        }
    }
}

fn is_hostname(t: &str) -> bool {
    let host = t.split(':').next().unwrap_or("");
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && host.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_follows_strtoul_base_zero() {
        assert_eq!(parse_c_uint("10"), Some(10));
        assert_eq!(parse_c_uint("0x10"), Some(16));
        assert_eq!(parse_c_uint("010"), Some(8));
        assert_eq!(parse_c_uint(" 5"), Some(5));
        assert_eq!(parse_c_uint("-1"), None);
        assert_eq!(parse_c_uint("abc"), None);
        assert_eq!(parse_c_uint(""), None);
        assert_eq!(parse_c_uint("5x"), None);
    }

    #[test]
    fn callerid_forms() {
        assert_eq!(callerid("\"Reception\" <101>"), "\"Reception\" <101>");
        assert_eq!(callerid("Sales Desk <102>"), "\"Sales Desk\" <102>");
        assert_eq!(callerid("<104>"), "104");
        assert_eq!(callerid(""), "<unknown>");
        assert_eq!(callerid("1234"), "1234");
        assert_eq!(callerid("Bob"), "Bob");
    }

    #[test]
    fn networks_print_as_ast_ha() {
        assert_eq!(
            parse_network("198.51.100.16/28").unwrap(),
            "198.51.100.16/255.255.255.240"
        );
        assert_eq!(
            parse_network("127.0.0.2").unwrap(),
            "127.0.0.2/255.255.255.255"
        );
        assert_eq!(
            parse_network("10.0.0.0/255.0.0.0").unwrap(),
            "10.0.0.0/255.0.0.0"
        );
        assert!(parse_network("nonsense").is_none());
    }

    #[test]
    fn tos_names() {
        assert_eq!(tos("ef"), Some(184));
        assert_eq!(tos("cs3"), Some(96));
        assert_eq!(tos("af41"), Some(136));
        assert_eq!(tos("0x10"), Some(16));
        assert_eq!(tos("bogus"), None);
    }
}
