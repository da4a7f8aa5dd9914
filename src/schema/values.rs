//! Field handlers: how each kind of value is parsed, validated and put in Asterisk's output
//! form, following the Asterisk 23.4.1 handler of each kind (named in `field::Kind`).
//! An `Err` is the reason a value is refused (it always ends with what the attribute
//! accepts); `Ok(Some(w))` applies the value with a warning.
//!
//! Values are taken exactly as given: Asterisk's handlers trim only where noted (ARI passes
//! values untrimmed; pjsip.conf lines are trimmed by the parser before they get here).

use std::borrow::Cow;
use std::net::IpAddr;

use crate::model::{Object, Val};
use crate::schema::clib::{self, PortRule, SockAddr};
use crate::schema::Kind;

pub use crate::schema::clib::split_list;

pub type Applied = Result<Option<String>, String>;

const TRUE_WORDS: &[&str] = &["yes", "true", "y", "t", "1", "on"];
const FALSE_WORDS: &[&str] = &["no", "false", "n", "f", "0", "off"];

/// `ast_true`: case-insensitive, no trimming.
pub fn ast_true(s: &str) -> bool {
    TRUE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// `ast_false`: case-insensitive, no trimming.
pub fn ast_false(s: &str) -> bool {
    FALSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Codecs Asterisk 23.4.1 registers (main/codec_builtin.c), in registration (id) order;
/// `all` appends them in this order, except `none`.
pub const CODECS: &[&str] = &[
    "codec2", "g723", "ulaw", "alaw", "gsm", "g726", "g726aal2", "adpcm", "slin", "slin12",
    "slin16", "slin24", "slin32", "slin44", "slin48", "slin96", "slin192", "lpc10", "g729",
    "speex", "speex16", "speex32", "ilbc", "g722", "siren7", "siren14", "g719", "opus", "jpeg",
    "png", "h261", "h263", "h263p", "h264", "h265", "mpeg4", "vp8", "vp9", "red", "t140", "t38",
    "none", "silk8", "silk12", "silk16", "silk24",
];

/// Caller presentations (callerid.c pres_types): name and value; the first entry of a
/// name is the value it parses to.
const PRESENTATIONS: &[(&str, i64)] = &[
    ("allowed_not_screened", 0x00),
    ("allowed_passed_screen", 0x01),
    ("allowed_failed_screen", 0x02),
    ("allowed", 0x03),
    ("prohib_not_screened", 0x20),
    ("prohib_passed_screen", 0x21),
    ("prohib_failed_screen", 0x22),
    ("prohib", 0x23),
    ("unavailable", 0x43),
    ("unavailable", 0x40),
    ("unavailable", 0x42),
    ("unavailable", 0x41),
];

/// DSCP names (acl.c dscp_pool1) and their code points.
const DSCP: &[(&str, u32)] = &[
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

/// Digest algorithms (pjsip_auth_algorithm_type order) and their hex digest lengths.
const DIGESTS: &[(&str, usize)] = &[("MD5", 32), ("SHA-256", 64), ("SHA-512-256", 64)];

const SECURITY_MECHANISMS: &[&str] = &["none", "msrp-tls", "sdes-srtp", "dtls-srtp"];

/// Marker for the unnamed ACL that deny/permit rules build (printed "deny/permit").
pub(crate) const BASE_ACL: &str = "\u{1}";
/// Marker for an identify match host waiting for resolution in the apply handler.
pub const PENDING_HOST: char = '\u{2}';

/// Where the facts of this machine (host names, files) stand for the PBX's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locality {
    /// Asterisk runs here (`serve`, and the default): refuse what it would refuse.
    Here = 0,
    /// The embedded engine: the astdb file may go to another machine, so a host name that
    /// does not resolve here is a warning (an error with --strict), not a refusal.
    Embedded = 1,
    /// A live Asterisk over ARI: host names and files are its business; nothing is
    /// resolved here, and an unreadable file is only a warning naming it.
    Remote = 2,
}

static LOCALITY: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Set once per process, by the command, before anything is built.
pub fn set_locality(l: Locality) {
    LOCALITY.store(l as u8, std::sync::atomic::Ordering::Relaxed);
}

pub fn locality() -> Locality {
    match LOCALITY.load(std::sync::atomic::Ordering::Relaxed) {
        1 => Locality::Embedded,
        2 => Locality::Remote,
        _ => Locality::Here,
    }
}

fn s(v: impl Into<Cow<'static, str>>) -> Val {
    Val::S(v.into())
}

/// What a kind accepts, in words: the end of every refusal and the `schema` listing.
pub fn accepted(k: &Kind) -> String {
    match k {
        Kind::Noop => "anything (ignored)".into(),
        Kind::Bool | Kind::YesNo | Kind::CapitalYesNo => {
            "yes, true, y, t, 1, on (anything else reads as no)".into()
        }
        Kind::UInt { min, max } if *min == 0 && *max == u32::MAX as u64 => {
            "an unsigned integer 0-4294967295 (decimal, 0x hex or 0-prefixed octal)".into()
        }
        Kind::UInt { min, max } => format!("an unsigned integer {min}-{max} (decimal, 0x hex or 0-prefixed octal)"),
        Kind::Int { min, max } if *min == i32::MIN as i64 && *max == i32::MAX as i64 => {
            "an integer (decimal, 0x hex or 0-prefixed octal)".into()
        }
        Kind::Int { min, max } => format!("an integer {min}-{max}"),
        Kind::Double => "a number such as 3 or 2.5".into(),
        Kind::Str => "any text".into(),
        Kind::CharArray { size, non_empty: true } => format!("non-empty text of at most {} bytes", size - 1),
        Kind::CharArray { size, .. } => format!("text of at most {} bytes", size - 1),
        Kind::ReadableFile => "a path readable by Asterisk, or empty".into(),
        Kind::ScanUInt => "an unsigned integer".into(),
        Kind::Codec { .. } => format!(
            "a comma or | list of codec names, 'all', '!name' to invert, 'name:ms' for framing; codecs: {}",
            CODECS.join(", ")
        ),
        Kind::Enum { values, case_sensitive } => {
            format!("{}{}", spellings(values), if *case_sensitive { " (exact case)" } else { "" })
        }
        Kind::EnumShownAs { values, .. } => spellings(values),
        Kind::LenientEnum(values) => format!("{} (other words are ignored)", spellings(values)),
        Kind::AstBoolEnum { others, .. } => {
            let mut v = vec!["yes", "no"];
            v.extend(others.iter().map(|(i, _)| *i));
            v.dedup();
            format!("{} (or any yes/no spelling)", v.join(", "))
        }
        Kind::IdList => "a comma list of ids".into(),
        Kind::IdentifyBy => "a comma list of username, auth_username, ip, header, request_uri".into(),
        Kind::FollowRedirect => "message (comma list), or empty".into(),
        Kind::MediaAddress => "an IP address (port dropped) or a hostname".into(),
        Kind::CallerId => "\"Name\" <number>, Name <number>, a number, or a name".into(),
        Kind::CallerIdPrivacy => {
            let mut v: Vec<&str> = PRESENTATIONS.iter().map(|(n, _)| *n).collect();
            v.dedup();
            format!("{} (or its number)", v.join(", "))
        }
        Kind::Group => "group numbers 0-63 and ranges a-b, comma separated".into(),
        Kind::NamedGroup => "a comma list of group names, or empty".into(),
        Kind::Tos { .. } => {
            let names: Vec<&str> = DSCP.iter().map(|(n, _)| *n).collect();
            format!("a number 0-255 (decimal, 0x hex, 0 octal) or a DSCP name: {}", names.join(", "))
        }
        Kind::FromUser => "letters, digits and -._~%!$&'()*+,;=:".into(),
        Kind::SetVar => "NAME=VALUE".into(),
        Kind::AclRule { .. } => {
            "a comma list (no spaces) of IP addresses without port, each with an optional /bits or /netmask, '!' to invert"
                .into()
        }
        Kind::NamedAcl => "a comma list of ACL names from acl.conf".into(),
        Kind::CodecPrefs { allow_union } => format!(
            "a comma list of prefer: pending|configured, operation: intersect{}|only_preferred|only_nonpreferred, keep: all|first, transcode: allow|prevent",
            if *allow_union { "|union" } else { "" }
        ),
        Kind::StirShaken => "nothing useful: it is obsolete and always reads no".into(),
        Kind::SecurityMechanisms => {
            "a comma list of mechanisms msrp-tls, sdes-srtp, dtls-srtp (or none), each with ;q=0-1 or other ;params".into()
        }
        Kind::Md5Cred { .. } => "a 32-character MD5 digest (optionally MD5:digest)".into(),
        Kind::PasswordDigest => "a comma list of ALGORITHM:digest, with MD5 (32 characters), SHA-256 or SHA-512-256 (64)".into(),
        Kind::Algorithms => "a comma list of MD5, SHA-256, SHA-512-256".into(),
        Kind::AorContact => "a comma list of sip: or sips: URIs".into(),
        Kind::IdentifyMatch => "a comma list of IP[:port], IP/bits, IP/netmask (with '!' to invert) or hostnames".into(),
        Kind::LocalNet => "a comma list (no spaces) of IP/bits or IP/netmask, or empty to clear".into(),
        Kind::ListItem => "a comma list of resource names".into(),
        Kind::Regex => "a POSIX extended regular expression, or empty".into(),
        Kind::SockAddr => "IPv4[:port] or [IPv6][:port]".into(),
        Kind::Timeval => "seconds since the epoch (sec[.fraction])".into(),
        Kind::JsonData => "a JSON object or array".into(),
    }
}

/// The values a shell can offer for a field (completion); empty where the value is free.
pub fn candidates(k: &Kind) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = match k {
        Kind::Bool | Kind::YesNo | Kind::CapitalYesNo => vec!["yes", "no"],
        Kind::Enum { values, .. }
        | Kind::EnumShownAs { values, .. }
        | Kind::LenientEnum(values) => values.iter().map(|(i, _)| *i).collect(),
        Kind::AstBoolEnum { others, .. } => ["yes", "no"]
            .into_iter()
            .chain(others.iter().map(|(i, _)| *i))
            .collect(),
        Kind::Codec { .. } => std::iter::once("all")
            .chain(CODECS.iter().copied())
            .collect(),
        Kind::CallerIdPrivacy => PRESENTATIONS.iter().map(|(n, _)| *n).collect(),
        Kind::Tos { .. } => DSCP.iter().map(|(n, _)| *n).collect(),
        Kind::IdentifyBy => vec!["username", "auth_username", "ip", "header", "request_uri"],
        _ => Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(*x));
    v
}

fn spellings(values: &[(&str, &str)]) -> String {
    let mut v: Vec<&str> = Vec::new();
    for (i, _) in values {
        if !v.contains(i) {
            v.push(i);
        }
    }
    v.join(", ")
}

fn bool_warning(input: &str, name: &str) -> Option<String> {
    if ast_true(input) || ast_false(input) {
        None
    } else {
        Some(format!(
            "{name}={input}: not a yes/no spelling; Asterisk reads it as false (use yes or no, exactly, without spaces)"
        ))
    }
}

fn enum_lookup<'a>(
    values: &'a [(&'a str, &'a str)],
    input: &str,
    case_sensitive: bool,
) -> Option<&'a str> {
    values
        .iter()
        .find(|(i, _)| {
            if case_sensitive {
                *i == input
            } else {
                i.eq_ignore_ascii_case(input)
            }
        })
        .map(|(_, o)| *o)
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let ty: &'static crate::schema::TypeDef = obj.ty;
    let fd = &ty.fields[idx];
    let name = fd.name;
    let kind = &fd.kind;
    let fail =
        |problem: String| -> Applied { Err(format!("{problem}; accepted: {}", accepted(kind))) };
    match kind {
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
            let Some(n) = clib::parse_uint32(input) else {
                return fail(if input.is_empty() { "empty".into() } else { "not an unsigned integer".into() });
            };
            if n < *min || n > *max {
                return fail(format!("{n} is out of range"));
            }
            obj.vals[idx] = s(n.to_string());
            Ok(None)
        }
        Kind::Int { min, max } => {
            let n = match clib::strtol_whole(input) {
                Some(n) if (i32::MIN as i64..=i32::MAX as i64).contains(&n) => n,
                _ => return fail(if input.is_empty() { "empty".into() } else { "not an integer".into() }),
            };
            if n < *min || n > *max {
                return fail(format!("{n} is out of range"));
            }
            obj.vals[idx] = s(n.to_string());
            Ok(None)
        }
        Kind::Double => {
            let Some(n) = clib::strtod_whole(input) else {
                return fail("not a number (or out of range)".into());
            };
            obj.vals[idx] = s(clib::format_f(n));
            Ok(None)
        }
        Kind::Str => {
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::CharArray { size, non_empty } => {
            if *non_empty && input.is_empty() {
                return fail("empty".into());
            }
            let mut v = input.to_string();
            clib::truncate_bytes(&mut v, size - 1);
            let warn = (v.len() < input.len()).then(|| {
                format!("{name}: Asterisk keeps only the first {} bytes: '{v}'", size - 1)
            });
            obj.vals[idx] = s(v);
            Ok(warn)
        }
        Kind::ReadableFile => {
            let unreadable = !input.is_empty() && std::fs::File::open(input).is_err();
            if unreadable && locality() == Locality::Remote {
                obj.vals[idx] = s(input.to_string());
                return Ok(Some(format!(
                    "{name}: '{input}' is not readable on this machine; Asterisk checks it on its own host \
                     when the value is set"
                )));
            }
            if unreadable {
                return fail(format!(
                    "'{input}' does not exist or is not readable (Asterisk checks the file when the value is set; \
                     pjsipctl checks it on this host)"
                ));
            }
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::ScanUInt => match clib::scan_uint(input) {
            Some(n) => {
                obj.vals[idx] = s(n.to_string());
                Ok(None)
            }
            None => fail("not a number".into()),
        },
        Kind::Codec { allow } => codecs(obj, idx, input, *allow),
        Kind::Enum { values, case_sensitive } => match enum_lookup(values, input, *case_sensitive) {
            Some(out) => {
                obj.vals[idx] = s(out);
                Ok(None)
            }
            None => fail(format!("'{input}' is not a known value")),
        },
        Kind::EnumShownAs { values, shows } => match enum_lookup(values, input, false) {
            Some(out) => {
                obj.vals[idx] = s(out);
                let shown = obj.str(shows).to_string();
                Ok((out != shown).then(|| {
                    format!(
                        "{name}={input}: Asterisk prints (and stores in astdb) {shows}'s value '{shown}' here, \
                         so an update or a reload turns it into {shown}"
                    )
                }))
            }
            None => fail(format!("'{input}' is not a known value")),
        },
        Kind::LenientEnum(values) => match enum_lookup(values, input, false) {
            Some(out) => {
                obj.vals[idx] = s(out);
                Ok(None)
            }
            None => Ok(Some(format!(
                "{name}={input}: Asterisk ignores this value and keeps {}; accepted: {}",
                obj.vals[idx].as_str(),
                spellings(values)
            ))),
        },
        Kind::AstBoolEnum { yes, no, others } => {
            let out = if ast_true(input) {
                *yes
            } else if let Some((_, o)) = others.iter().find(|(i, _)| i.eq_ignore_ascii_case(input)) {
                o
            } else if ast_false(input) {
                *no
            } else {
                return fail(format!("'{input}' is not a known value"));
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
            let mut out: Vec<&str> = Vec::new();
            for tok in split_list(input) {
                let Some(m) = M.iter().find(|m| m.eq_ignore_ascii_case(tok)) else {
                    return fail(format!("unknown method '{tok}'"));
                };
                if !out.contains(m) {
                    out.push(m);
                }
            }
            // An empty list prints NULL: a reload then brings back the default username,ip.
            obj.vals[idx] = if out.is_empty() { Val::Null } else { s(out.join(",")) };
            Ok(None)
        }
        Kind::FollowRedirect => {
            if input.is_empty() {
                obj.vals[idx] = s("");
                return Ok(None);
            }
            let mut found = false;
            for tok in clib::strsep(input, ',', clib::STRSEP_TRIM) {
                if !tok.eq_ignore_ascii_case("message") {
                    return fail(format!("unknown method '{tok}'"));
                }
                found = true;
            }
            obj.vals[idx] = s(if found { "message" } else { "" });
            Ok(None)
        }
        Kind::MediaAddress => {
            let v = match clib::sockaddr_parse(input, PortRule::Optional) {
                Some(a) => clib::addr_str(&a.ip),
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
            let value = match PRESENTATIONS.iter().find(|(n, _)| n.eq_ignore_ascii_case(input)) {
                Some((_, v)) => *v,
                None => match clib::scan_int(input, false) {
                    Some(v) => v,
                    None => return fail(format!("'{input}' is not a known value")),
                },
            };
            let out = PRESENTATIONS.iter().find(|(_, v)| *v == value).map(|(n, _)| *n).unwrap_or("unknown");
            obj.vals[idx] = s(out);
            Ok((out == "unknown").then(|| format!("{name}={input}: not a known presentation value; Asterisk prints it as unknown")))
        }
        Kind::Group => {
            let (members, bad) = groups(input);
            let mut text = members.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ");
            clib::truncate_bytes(&mut text, 127);
            obj.vals[idx] = s(text);
            Ok((!bad.is_empty()).then(|| format!("{name}={input}: Asterisk ignores {}; groups are 0-63", bad.join(", "))))
        }
        Kind::NamedGroup => {
            if input.is_empty() {
                obj.vals[idx] = Val::L(Vec::new());
                return Ok(None);
            }
            let mut out: Vec<String> = Vec::new();
            for tok in input.split(',').map(clib::strip).filter(|t| !t.is_empty()) {
                out.retain(|x| x != tok);
                out.push(tok.to_string());
            }
            if out.is_empty() {
                return fail("no group name".into());
            }
            obj.vals[idx] = Val::L(out);
            Ok(None)
        }
        Kind::Tos { round } => {
            let Some(mut v) = str2tos(input) else {
                return fail(format!("'{input}' is neither a number nor a DSCP name"));
            };
            let mut warn = None;
            if *round && v % 4 != 0 {
                v &= !3;
                warn = Some(format!("{name}={input}: the two low bits are not part of DSCP; Asterisk uses {v}"));
            }
            obj.vals[idx] = s(v.to_string());
            Ok(warn)
        }
        Kind::FromUser => {
            if let Some(c) = input.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:".contains(*c))) {
                return fail(format!("character '{c}' is not allowed"));
            }
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::SetVar => {
            if input.is_empty() {
                return Ok(None);
            }
            let Some((k, v)) = input.split_once('=') else {
                return fail("no '='".into());
            };
            if let Val::V(vars) = &mut obj.vals[idx] {
                match vars.iter_mut().find(|(n, _)| n == k) {
                    Some(p) => p.1 = v.to_string(),
                    None => vars.push((k.to_string(), v.to_string())),
                }
            }
            Ok(None)
        }
        Kind::AclRule { target } => {
            if input.is_empty() {
                return Ok(None);
            }
            for tok in input.split(',') {
                if let Err(e) = parse_ha(tok, PortRule::Forbid) {
                    return fail(e);
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
                return fail(format!("ACL '{}' is named more than once", dup.join("', '")));
            }
            Ok(Some(format!(
                "{name}={input}: Asterisk looks {} up in acl.conf; a missing ACL is marked invalid and then rejects all traffic",
                added.join(", ")
            )))
        }
        Kind::CodecPrefs { allow_union } => {
            let (text, warn) = match codec_prefs(input, name, *allow_union) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            obj.vals[idx] = s(text);
            Ok(warn)
        }
        Kind::StirShaken => Ok(Some(format!(
            "{name} is no longer supported by Asterisk and always reads 'no': use stir_shaken_profile"
        ))),
        Kind::SecurityMechanisms => {
            let mut out = Vec::new();
            let mut dropped = Vec::new();
            for mech in clib::strsep(input, ',', clib::STRSEP_ALL) {
                match security_mechanism(&mech) {
                    Some(m) => out.push(m),
                    None => dropped.push(mech),
                }
            }
            obj.vals[idx] = Val::L(out);
            let dropped: Vec<String> = dropped.into_iter().filter(|d| !d.is_empty()).collect();
            Ok((!dropped.is_empty()).then(|| {
                format!(
                    "{name}: Asterisk silently drops {}; accepted: {}",
                    dropped.join(", "),
                    accepted(kind)
                )
            }))
        }
        Kind::Md5Cred { store } => {
            let t = obj.ty.field_index_exact(store).expect("digest store");
            digests(obj, t, input).or_else(fail)
        }
        Kind::PasswordDigest => digests(obj, idx, input).or_else(fail),
        Kind::Algorithms => {
            let mut add = Vec::new();
            let mut bad = Vec::new();
            for tok in split_list(input) {
                match DIGESTS.iter().find(|(a, _)| a.eq_ignore_ascii_case(tok)) {
                    Some((a, _)) => add.push(a.to_string()),
                    None => bad.push(tok.to_string()),
                }
            }
            // The handler appends and never resets: sending it again accumulates duplicates.
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(add);
            }
            if !bad.is_empty() {
                return fail(format!("unknown algorithm '{}'", bad.join("', '")));
            }
            Ok(None)
        }
        Kind::AorContact => {
            if input.is_empty() {
                return Ok(None);
            }
            let mut add = Vec::new();
            for tok in split_list(input) {
                if let Err(e) = validate_uri_length(tok) {
                    return fail(format!("'{tok}' {e}"));
                }
                add.push(tok.to_string());
            }
            if let Val::L(l) = &mut obj.vals[idx] {
                for a in add {
                    // Permanent contacts live in a list sorted by "<aor>@@<md5(uri)>"; a
                    // repeated URI is rejected by the container.
                    let key = clib::md5_hex(a.as_bytes());
                    if l.contains(&a) {
                        continue;
                    }
                    let pos = l.iter().position(|x| clib::md5_hex(x.as_bytes()) > key).unwrap_or(l.len());
                    l.insert(pos, a);
                }
            }
            Ok(None)
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
                        Err(e) => return fail(e),
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
                    Err(e) => return fail(e),
                }
            }
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(add);
            }
            Ok(None)
        }
        Kind::ListItem => {
            let mut dups = Vec::new();
            if let Val::L(l) = &mut obj.vals[idx] {
                for tok in split_list(input) {
                    if l.iter().any(|x| x == tok) {
                        dups.push(tok.to_string());
                    } else {
                        l.push(tok.to_string());
                    }
                }
            }
            Ok((!dups.is_empty()).then(|| format!("{name}: Asterisk ignores the repeated item(s) {}", dups.join(", "))))
        }
        Kind::Regex => {
            if !input.is_empty() {
                if let Err(e) = posix_regex_check(input) {
                    return fail(format!("not a valid regular expression ({e})"));
                }
            }
            obj.vals[idx] = s(input.to_string());
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
        Kind::Timeval => {
            if input.is_empty() {
                return fail("empty".into());
            }
            match clib::scan_float(input) {
                Some(v) if v.is_finite() => {
                    obj.vals[idx] = s((v.trunc() as i64).to_string());
                    Ok(None)
                }
                _ => fail("not a number of seconds".into()),
            }
        }
        Kind::JsonData => match serde_json::from_str::<serde_json::Value>(input) {
            Ok(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
                obj.vals[idx] = s(serde_json::to_string(&v).expect("serialisable"));
                Ok(None)
            }
            _ => {
                obj.vals[idx] = Val::Null;
                Ok(Some(format!("{name}: not a JSON object or array; Asterisk keeps it unset")))
            }
        },
    }
}

/// `allow`/`disallow`: ast_format_cap_update_by_allow_disallow. Tokens split on `,` or `|`
/// and stripped; errors are collected while the other tokens still apply, then the whole
/// value fails.
fn codecs(obj: &mut Object, idx: usize, input: &str, allow: bool) -> Applied {
    if !allow && input.is_empty() {
        return Ok(None);
    }
    let target = obj.ty.field_index_exact("allow").unwrap_or(idx);
    let mut list = obj.vals[target].list().to_vec();
    let mut value = input;
    let mut errors = Vec::new();
    if value.len() >= 2 && value.starts_with('(') && value.ends_with(')') {
        // The objectset form `(a|b)`: allow replaces, disallow re-adds all first.
        value = &value[1..value.len() - 1];
        if allow {
            list.clear();
        } else {
            add_all(&mut list);
        }
    }
    for raw in value.split([',', '|']) {
        let tok = clib::strip(raw);
        let (add, tok) = match tok.strip_prefix('!') {
            Some(t) => (!allow, t),
            None => (allow, tok),
        };
        let name = match tok.rsplit_once(':') {
            Some((n, framing)) => {
                let bad = match clib::scan_int(framing, false) {
                    Some(v) => v < 0,
                    None => !clib::scan_is_eof(framing),
                };
                if bad {
                    errors.push(format!(
                        "'{tok}' has a bad framing (expected name:milliseconds)"
                    ));
                    continue;
                }
                n
            }
            None => tok,
        };
        if name.eq_ignore_ascii_case("all") {
            if add {
                add_all(&mut list);
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
            "{}; accepted: {}",
            errors.join(", "),
            accepted(&Kind::Codec { allow })
        ))
    }
}

fn add_all(list: &mut Vec<String>) {
    for c in CODECS.iter().filter(|c| **c != "none") {
        if !list.iter().any(|x| x == c) {
            list.push(c.to_string());
        }
    }
}

/// ast_callerid_split then ast_callerid_merge, as caller_id_handler and its to_str do.
pub fn callerid(input: &str) -> String {
    let (mut name, mut num) = callerid_split(input);
    // cid_name and cid_num are 80-byte buffers.
    clib::truncate_bytes(&mut name, 79);
    clib::truncate_bytes(&mut num, 79);
    let size = 10 + name.len() + num.len();
    let mut out = match (name.is_empty(), num.is_empty()) {
        (false, false) => {
            let mut esc = escape_quoted(&name);
            clib::truncate_bytes(&mut esc, 127);
            format!("\"{esc}\" <{num}>")
        }
        (false, true) => name,
        (true, false) => num,
        (true, true) => "<unknown>".to_string(),
    };
    clib::truncate_bytes(&mut out, size);
    out
}

/// ast_callerid_parse + ast_shrink_phone_number: (name, number).
fn callerid_split(input: &str) -> (String, String) {
    let instr_full = clib::strip(input);
    let instr = clib::strip_quoted(instr_full, "\"", "\"");
    let quotes_stripped = instr.len() != instr_full.len();
    let (name, location): (Option<String>, Option<String>) = if let Some(ls) = instr.rfind('<') {
        let after = &instr[ls + 1..];
        let loc = match after.rfind('>') {
            Some(le) => &after[..le],
            None => after,
        };
        let name = clib::strip_quoted(&instr[..ls], "\"", "\"");
        (Some(name.to_string()), Some(loc.to_string()))
    } else {
        let mut tmp = instr.to_string();
        clib::truncate_bytes(&mut tmp, 255);
        let shrunk = shrink_phone_number(&tmp);
        if !quotes_stripped
            && !shrunk.is_empty()
            && shrunk.chars().all(|c| "0123456789*#+".contains(c))
        {
            (None, Some(shrunk))
        } else {
            (
                Some(clib::strip_quoted(instr, "\"", "\"").to_string()),
                None,
            )
        }
    };
    let name = name.map(|n| clib::unescape_quoted(&n)).unwrap_or_default();
    let num = location
        .map(|l| shrink_phone_number(&l))
        .unwrap_or_default();
    (name, num)
}

/// ast_shrink_phone_number: drop '(', ' ', ')', '-' outside brackets, '.' unless last.
fn shrink_phone_number(n: &str) -> String {
    let mut out = String::with_capacity(n.len());
    let mut bracketed = 0i32;
    let chars: Vec<char> = n.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '[' => {
                bracketed += 1;
                out.push(c)
            }
            ']' => {
                bracketed -= 1;
                out.push(c)
            }
            '-' => {
                if bracketed != 0 {
                    out.push(c)
                }
            }
            '.' => {
                if i + 1 == chars.len() {
                    out.push(c)
                }
            }
            '(' | ' ' | ')' => {}
            c => out.push(c),
        }
    }
    out
}

/// ast_escape_quoted: backslash before '"', '\\' and control characters.
fn escape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let plain = matches!(c, '\t' | '\u{b}' | ' ' | '!')
            || ('#'..='[').contains(&c)
            || (']'..='~').contains(&c)
            || (c as u32) > 0x7f;
        if !plain {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// ast_get_group, including its sscanf quirks: an empty piece repeats the last number
/// seen (or 0), "a-b" with b < a adds nothing. Returns members and ignored pieces.
fn groups(input: &str) -> (Vec<u32>, Vec<String>) {
    let mut set = [false; 64];
    let mut bad = Vec::new();
    if input.is_empty() {
        return (Vec::new(), bad);
    }
    let mut start: i64 = 0;
    for piece in input.split(',') {
        let range = clib::scan_int(piece, false).and_then(|a| {
            let t = piece.trim_start_matches(clib::is_space);
            let t = t.strip_prefix(['-', '+']).unwrap_or(t);
            let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.strip_prefix('-')
                .and_then(|r| clib::scan_int(r, false))
                .map(|b| (a, b))
        });
        let finish;
        if let Some((a, b)) = range {
            start = a;
            finish = b;
        } else if let Some(a) = clib::scan_int(piece, false) {
            start = a;
            finish = a;
        } else if clib::scan_is_eof(piece) {
            // sscanf returned EOF, which the handler takes for success: start is reused.
            finish = start;
        } else {
            bad.push(format!("'{piece}'"));
            continue;
        }
        for x in start..=finish {
            if (0..=63).contains(&x) {
                set[x as usize] = true;
            } else {
                bad.push(format!("group {x}"));
            }
        }
    }
    ((0..64u32).filter(|&i| set[i as usize]).collect(), bad)
}

/// Named groups print in their container's order: 19 hash buckets, insertion order within.
pub fn named_groups_display(items: &[String]) -> String {
    let mut v: Vec<&String> = items.iter().collect();
    v.sort_by_key(|n| clib::str_hash(n) % 19);
    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// ast_str2tos: `sscanf("%30i")` masked to 8 bits, else a DSCP name shifted into the TOS byte.
fn str2tos(input: &str) -> Option<u32> {
    if let Some(v) = clib::scan_int(input, true) {
        return Some((v & 0xff) as u32);
    }
    DSCP.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(input))
        .map(|(_, v)| v << 2)
}

/// ast_stream_codec_prefs_parse plus codec_prefs_handler's defaults; printed
/// `prefer:X, operation:Y, keep:Z, transcode:W`. Unknown parameter names are ignored.
fn codec_prefs(
    input: &str,
    name: &str,
    allow_union: bool,
) -> Result<(String, Option<String>), String> {
    const PREFER: &[&str] = &["pending", "configured"];
    const OPERATION: &[&str] = &["intersect", "union", "only_preferred", "only_nonpreferred"];
    const KEEP: &[&str] = &["all", "first"];
    const TRANSCODE: &[&str] = &["allow", "prevent"];
    let (mut prefer, mut op, mut keep, mut transcode): (
        Option<&str>,
        Option<&str>,
        Option<&str>,
        Option<&str>,
    ) = (None, None, None, None);
    let mut ignored = Vec::new();
    for pref in input.split(',').filter(|p| !p.is_empty()) {
        let mut it = pref.split([':', ' ']).filter(|x| !x.is_empty());
        let (Some(k), Some(v)) = (it.next(), it.next()) else {
            return Err(format!("'{pref}' is not 'name: value'"));
        };
        let (slot, allowed) = match k {
            "prefer" => (&mut prefer, PREFER),
            "operation" => (&mut op, OPERATION),
            "keep" => (&mut keep, KEEP),
            "transcode" => (&mut transcode, TRANSCODE),
            _ => {
                ignored.push(k.to_string());
                continue;
            }
        };
        match allowed.iter().find(|a| **a == v) {
            Some(a) => *slot = Some(a),
            // A parameter already set keeps its value and the bad one passes unnoticed.
            None if slot.is_some() => ignored.push(format!("{k}: {v}")),
            None => return Err(format!("{k}: '{v}' is not one of {}", allowed.join(", "))),
        }
    }
    if !allow_union && op == Some("union") {
        return Err("operation: union is not allowed for this option".into());
    }
    let default_op = if name == "codec_prefs_outgoing_offer" {
        "union"
    } else {
        "intersect"
    };
    let text = format!(
        "prefer:{}, operation:{}, keep:{}, transcode:{}",
        prefer.unwrap_or("pending"),
        op.unwrap_or(default_op),
        keep.unwrap_or("all"),
        transcode.unwrap_or("allow")
    );
    let warn =
        (!ignored.is_empty()).then(|| format!("{name}: Asterisk ignores {}", ignored.join(", ")));
    Ok((text, warn))
}

/// One security mechanism, printed without its q value; None when Asterisk drops it.
fn security_mechanism(text: &str) -> Option<String> {
    let parts = clib::strsep(text, ';', clib::STRSEP_ALL);
    let mech = SECURITY_MECHANISMS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(&parts[0]))?;
    let mut out = mech.to_string();
    for p in &parts[1..] {
        if let Some(q) = p.strip_prefix("q=") {
            let v: f32 = q.parse().ok()?;
            if !v.is_finite() || !(0.0..=1.0).contains(&v) {
                return None;
            }
            continue;
        }
        out.push(';');
        out.push_str(p);
    }
    Some(out)
}

/// password_digest_handler: `ALG:digest` items (md5_cred: digest alone means MD5) stored
/// one per algorithm, kept in algorithm order.
fn digests(obj: &mut Object, store: usize, input: &str) -> Applied {
    let mut set: Vec<(usize, String)> = obj.vals[store]
        .list()
        .iter()
        .filter_map(|d| {
            let (a, v) = d.split_once(':')?;
            DIGESTS
                .iter()
                .position(|(n, _)| *n == a)
                .map(|i| (i, v.to_string()))
        })
        .collect();
    for item in clib::strsep(input, ',', clib::STRSEP_TRIM) {
        if item.is_empty() {
            continue;
        }
        let (alg, digest) = match item.split_once(':') {
            Some((a, d)) => (clib::strip(a).to_string(), d.to_string()),
            None => ("MD5".to_string(), item.clone()),
        };
        let Some(i) = DIGESTS
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(&alg))
        else {
            return Err(format!("unknown algorithm '{alg}'"));
        };
        let len = DIGESTS[i].1;
        if digest.len() != len {
            return Err(format!(
                // The digest itself is a secret and is masked in messages: only its length.
                "the value has {} characters; {len} hex digits are needed for {}",
                digest.len(),
                DIGESTS[i].0
            ));
        }
        set.retain(|(j, _)| *j != i);
        set.push((i, digest));
    }
    set.sort_by_key(|(i, _)| *i);
    obj.vals[store] = Val::L(
        set.into_iter()
            .map(|(i, d)| format!("{}:{d}", DIGESTS[i].0))
            .collect(),
    );
    Ok(None)
}

/// ast_sip_validate_uri_length with pjproject's PJ_MAX_HOSTNAME 256 and PJSIP_MAX_URL_SIZE 512.
pub fn validate_uri_length(uri: &str) -> Result<(), String> {
    if uri.len() > 511 {
        return Err("is longer than 511 characters".into());
    }
    let contact = clib::strip_quoted(uri, "<", ">");
    let lower = contact.to_ascii_lowercase();
    let mut host = if lower.starts_with("sip:") {
        &contact[4..]
    } else if lower.starts_with("sips:") {
        &contact[5..]
    } else {
        return Err("is not a sip: or sips: URI".into());
    };
    if let Some(at) = contact.find('@') {
        host = &contact[at + 1..];
    }
    let mut port = false;
    if let Some(rest) = host.strip_prefix('[') {
        let Some(close) = rest.find(']') else {
            return Err("has an IPv6 host without ']'".into());
        };
        port = rest[close + 1..].starts_with(':');
        host = &host[..close + 2];
    } else {
        host = host.split([';', '?']).next().unwrap_or("");
        if let Some((h, _)) = host.split_once(':') {
            port = true;
            host = h;
        }
    }
    let max = if port { 255 } else { 255 - "_sips.tcp.".len() };
    if host.len() > max {
        return Err(format!("has a host longer than {max} characters"));
    }
    Ok(())
}

/// One ACL entry (ast_ha) as append_ha_core parses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ha {
    pub allow: bool,
    pub addr: SockAddr,
    pub mask: IpAddr,
}

/// append_ha_core on one comma piece (not trimmed): `[!]address[/mask]`; the sense here is
/// deny, '!' makes it allow.
pub fn parse_ha(tok: &str, ports: PortRule) -> Result<Ha, String> {
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
        return Err(format!("'{address}' is not an IP address{why}"));
    };
    let v4 = addr.ip.is_ipv4();
    let maskip: IpAddr = match mask {
        None => cidr_mask(v4, if v4 { 32 } else { 128 }),
        Some(m) if m.contains(':') || m.contains('.') => {
            let Some(ma) = clib::sockaddr_parse(m, PortRule::Forbid) else {
                return Err(format!("'{m}' is not a netmask"));
            };
            if ma.ip.is_ipv4() != v4 {
                return Err(format!(
                    "address '{address}' and mask '{m}' are not of the same IP version"
                ));
            }
            ma.ip
        }
        Some(m) => match clib::scan_int(m, false) {
            Some(b) if b >= 0 && b <= if v4 { 32 } else { 128 } => cidr_mask(v4, b as u32),
            _ => {
                return Err(format!(
                    "'{m}' is not a CIDR mask (0-{})",
                    if v4 { 32 } else { 128 }
                ))
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

/// regcomp(REG_EXTENDED | REG_NOSUB) from the C library, as Asterisk compiles filters.
pub fn posix_regex_check(pattern: &str) -> Result<(), String> {
    use std::ffi::{c_char, c_int, CString};
    #[repr(C, align(16))]
    struct RegexT([u8; 256]);
    extern "C" {
        fn regcomp(preg: *mut RegexT, pattern: *const c_char, cflags: c_int) -> c_int;
        fn regerror(errcode: c_int, preg: *const RegexT, errbuf: *mut c_char, size: usize)
            -> usize;
        fn regfree(preg: *mut RegexT);
    }
    const REG_EXTENDED: c_int = 1;
    const REG_NOSUB: c_int = 8;
    // A C string ends at the first NUL.
    let cut = pattern.split('\0').next().unwrap_or("");
    let c = CString::new(cut).expect("no NUL");
    let mut re = RegexT([0; 256]);
    // SAFETY: `re` is a zeroed buffer larger than any libc's regex_t and suitably aligned;
    // it is freed with regfree only after a successful regcomp.
    unsafe {
        let rc = regcomp(&mut re, c.as_ptr(), REG_EXTENDED | REG_NOSUB);
        if rc == 0 {
            regfree(&mut re);
            Ok(())
        } else {
            let mut buf = [0 as c_char; 256];
            regerror(rc, &re, buf.as_mut_ptr(), buf.len());
            let msg = std::ffi::CStr::from_ptr(buf.as_ptr())
                .to_string_lossy()
                .into_owned();
            Err(msg)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::find_type;

    fn applied(ty: &str, name: &str, input: &str) -> Result<String, String> {
        let t = find_type(ty).unwrap();
        let mut o = Object::new(t, "x");
        let i = t.field_index(name).unwrap();
        apply(&mut o, i, input)?;
        let set = o.objectset();
        Ok(set
            .iter()
            .filter(|a| a.attribute == name)
            .map(|a| a.value.clone())
            .collect::<Vec<_>>()
            .join(" | "))
    }

    #[test]
    fn callerid_forms() {
        assert_eq!(callerid("\"Reception\" <101>"), "\"Reception\" <101>");
        assert_eq!(callerid("Sales Desk <102>"), "\"Sales Desk\" <102>");
        assert_eq!(callerid("\"O'Neill, Pat\" <103>"), "\"O'Neill, Pat\" <103>");
        assert_eq!(callerid("<104>"), "104");
        assert_eq!(callerid(""), "<unknown>");
        assert_eq!(callerid("1234"), "1234");
        assert_eq!(callerid("Bob"), "Bob");
        assert_eq!(callerid("\"Bob\""), "Bob");
        assert_eq!(callerid("\"Bob <123>\""), "\"Bob\" <123>");
        assert_eq!(callerid("<unknown>"), "unknown");
        assert_eq!(callerid("Ann <(555) 123-4567>"), "\"Ann\" <5551234567>");
        assert_eq!(callerid("\"a\\\"b\" <1>"), "\"a\\\"b\" <1>");
        assert_eq!(callerid("555-123"), "555123");
        assert_eq!(callerid("555.123."), "555.123.");
    }

    #[test]
    fn bools_are_not_trimmed() {
        assert!(ast_true("YES"));
        assert!(!ast_true(" yes"));
        assert!(ast_false("Off"));
        assert_eq!(
            applied("endpoint", "force_rport", "maybe").unwrap(),
            "false"
        );
        assert_eq!(
            applied("endpoint", "send_connected_line", "on").unwrap(),
            "yes"
        );
    }

    #[test]
    fn numbers_follow_ast_parse_arg() {
        assert_eq!(applied("aor", "max_contacts", "0x10").unwrap(), "16");
        assert!(applied("aor", "max_contacts", "-1")
            .unwrap_err()
            .contains("accepted: an unsigned integer"));
        assert!(applied("aor", "qualify_frequency", "86401")
            .unwrap_err()
            .contains("out of range"));
        assert_eq!(
            applied("aor", "qualify_timeout", "2.5").unwrap(),
            "2.500000"
        );
        assert!(applied("aor", "qualify_timeout", "fast").is_err());
        assert!(applied("transport", "websocket_write_timeout", "0")
            .unwrap_err()
            .contains("1-2147483647"));
        assert_eq!(
            applied("endpoint", "dtls_rekey", "-1").unwrap(),
            "4294967295"
        );
    }

    #[test]
    fn enums_name_their_values() {
        let e = applied("endpoint", "dtmf_mode", "rfc2833").unwrap_err();
        assert!(
            e.contains("rfc4733, inband, info, auto, auto_info, none"),
            "{e}"
        );
        assert!(applied("endpoint", "dtmf_mode", " info").is_err());
        assert!(applied("endpoint", "t38_udptl_ec", "FEC").is_err());
        assert_eq!(
            applied("endpoint", "100rel", "Peer_Supported").unwrap(),
            "peer_supported"
        );
        assert_eq!(applied("endpoint", "timers", "forced").unwrap(), "always");
        assert_eq!(
            applied("endpoint", "dtls_verify", "fingerprint").unwrap(),
            "Fingerprint"
        );
    }

    #[test]
    fn direct_media_method_prints_connected_line_method() {
        let t = find_type("endpoint").unwrap();
        let mut o = Object::new(t, "x");
        let w = apply(
            &mut o,
            t.field_index("direct_media_method").unwrap(),
            "update",
        )
        .unwrap();
        assert!(w.unwrap().contains("connected_line_method"));
        let set = o.objectset();
        let v = |n: &str| set.iter().find(|a| a.attribute == n).unwrap().value.clone();
        assert_eq!(v("direct_media_method"), "invite");
        apply(
            &mut o,
            t.field_index("connected_line_method").unwrap(),
            "reinvite",
        )
        .unwrap();
        apply(
            &mut o,
            t.field_index("connected_line_method").unwrap(),
            "update",
        )
        .unwrap();
        let set = o.objectset();
        assert_eq!(
            set.iter()
                .find(|a| a.attribute == "direct_media_method")
                .unwrap()
                .value,
            "update"
        );
    }

    #[test]
    fn codec_lists() {
        assert_eq!(
            applied("endpoint", "allow", "!all,g722,ulaw,alaw").unwrap(),
            "(g722|ulaw|alaw)"
        );
        assert_eq!(
            applied("endpoint", "allow", "ulaw:20|ALAW").unwrap(),
            "(ulaw|alaw)"
        );
        assert_eq!(applied("endpoint", "allow", "ulaw:").unwrap(), "(ulaw)");
        assert!(applied("endpoint", "allow", "ulaw,nosuchcodec")
            .unwrap_err()
            .contains("unknown codec 'nosuchcodec'"));
        assert!(applied("endpoint", "allow", "ulaw,").is_err());
        assert!(applied("endpoint", "allow", "(nothing)").is_err());
        assert!(applied("endpoint", "allow", "ulaw:-5").is_err());
        let all = applied("endpoint", "allow", "all").unwrap();
        assert!(
            all.starts_with("(codec2|g723|ulaw") && !all.contains("none"),
            "{all}"
        );
    }

    #[test]
    fn groups_and_named_groups() {
        assert_eq!(
            applied("endpoint", "call_group", "1,3-5").unwrap(),
            "1, 3, 4, 5"
        );
        assert_eq!(applied("endpoint", "call_group", "5-3,64").unwrap(), "");
        assert_eq!(applied("endpoint", "call_group", ",2").unwrap(), "0, 2");
        assert_eq!(
            applied("endpoint", "call_group", "0-63").unwrap().len(),
            127
        );
        assert_eq!(
            applied("endpoint", "named_call_group", "b, a ,b").unwrap(),
            named_groups_display(&["a".into(), "b".into()])
        );
        assert!(applied("endpoint", "named_call_group", " , ").is_err());
        assert_eq!(applied("endpoint", "named_call_group", "").unwrap(), "");
    }

    #[test]
    fn tos_and_privacy() {
        assert_eq!(applied("endpoint", "tos_audio", "ef").unwrap(), "184");
        assert_eq!(applied("endpoint", "tos_audio", "0x10").unwrap(), "16");
        assert_eq!(applied("endpoint", "tos_audio", "-4").unwrap(), "252");
        assert_eq!(applied("endpoint", "tos_audio", "12abc").unwrap(), "12");
        assert!(applied("endpoint", "tos_audio", "bogus")
            .unwrap_err()
            .contains("AF41"));
        assert_eq!(applied("transport", "tos", "7").unwrap(), "4");
        assert_eq!(
            applied("endpoint", "callerid_privacy", "PROHIB").unwrap(),
            "prohib"
        );
        assert_eq!(
            applied("endpoint", "callerid_privacy", "64").unwrap(),
            "unavailable"
        );
        assert_eq!(
            applied("endpoint", "callerid_privacy", "7").unwrap(),
            "unknown"
        );
    }

    #[test]
    fn acl_syntax() {
        assert_eq!(
            parse_network("198.51.100.16/28").unwrap(),
            "198.51.100.16/255.255.255.240"
        );
        assert_eq!(
            parse_network("198.51.100.20/28").unwrap(),
            "198.51.100.16/255.255.255.240"
        );
        assert_eq!(
            parse_network("127.0.0.2").unwrap(),
            "127.0.0.2/255.255.255.255"
        );
        assert_eq!(
            parse_network("10.0.0.0/255.0.255.0").unwrap(),
            "10.0.0.0/255.0.255.0"
        );
        assert_eq!(
            parse_network("!10.1.2.3:5060").unwrap(),
            "!10.1.2.3:5060/255.255.255.255"
        );
        assert_eq!(
            parse_network("2001:db8::1/32").unwrap(),
            "2001:db8::/ffff:ffff::"
        );
        assert!(parse_network("nonsense").is_none());
        assert!(parse_network("10.0.0.0/33").is_none());
        assert!(applied("endpoint", "permit", "10.0.0.0/8, 192.168.0.0/16")
            .unwrap_err()
            .contains("spaces"));
        assert!(applied("endpoint", "deny", "10.0.0.1:5060")
            .unwrap_err()
            .contains("port"));
        assert!(applied("endpoint", "permit", "10.0.0.0/8").is_ok());
        assert_eq!(
            applied("transport", "local_net", "10.0.0.0/8,192.168.0.0/16").unwrap(),
            "10.0.0.0/255.0.0.0 | 192.168.0.0/255.255.0.0"
        );
        assert_eq!(
            applied("identify", "match", "198.51.100.16/28, 10.0.0.1:5070").unwrap(),
            "198.51.100.16/255.255.255.240 | 10.0.0.1:5070/255.255.255.255"
        );
    }

    #[test]
    fn acl_display_follows_the_first_acl() {
        let t = find_type("endpoint").unwrap();
        let mut o = Object::new(t, "x");
        apply(&mut o, t.field_index("acl").unwrap(), "office").unwrap();
        assert_eq!(
            o.objectset()
                .iter()
                .find(|a| a.attribute == "acl")
                .unwrap()
                .value,
            "office"
        );
        apply(&mut o, t.field_index("permit").unwrap(), "10.0.0.0/8").unwrap();
        assert_eq!(
            o.objectset()
                .iter()
                .find(|a| a.attribute == "acl")
                .unwrap()
                .value,
            "deny/permit"
        );
        assert!(apply(&mut o, t.field_index("acl").unwrap(), "OFFICE").is_err());
    }

    #[test]
    fn codec_prefs_defaults_per_option() {
        assert_eq!(
            applied(
                "endpoint",
                "codec_prefs_outgoing_offer",
                "prefer: configured"
            )
            .unwrap(),
            "prefer:configured, operation:union, keep:all, transcode:allow"
        );
        assert_eq!(
            applied(
                "endpoint",
                "codec_prefs_incoming_offer",
                "keep:first, transcode:prevent"
            )
            .unwrap(),
            "prefer:pending, operation:intersect, keep:first, transcode:prevent"
        );
        assert!(applied("endpoint", "codec_prefs_incoming_offer", "operation: union").is_err());
        assert!(applied("endpoint", "codec_prefs_incoming_answer", "prefer: bogus").is_err());
        assert!(applied("endpoint", "codec_prefs_incoming_answer", "prefer").is_err());
        assert!(applied("endpoint", "codec_prefs_incoming_answer", "bogus: x").is_ok());
    }

    #[test]
    fn security_mechanisms_drop_what_asterisk_drops() {
        assert_eq!(
            applied(
                "endpoint",
                "security_mechanisms",
                "dtls-srtp;q=0.5, sdes-srtp;mediasec"
            )
            .unwrap(),
            "dtls-srtp, sdes-srtp;mediasec"
        );
        assert_eq!(
            applied("endpoint", "security_mechanisms", "bogus").unwrap(),
            ""
        );
        assert_eq!(
            applied("registration", "security_mechanisms", "msrp-tls;q=2").unwrap(),
            ""
        );
    }

    #[test]
    fn digests_share_one_store() {
        let t = find_type("auth").unwrap();
        let mut o = Object::new(t, "x");
        let md5 = "0123456789abcdef0123456789abcdef";
        apply(&mut o, t.field_index("md5_cred").unwrap(), md5).unwrap();
        let sha = "a".repeat(64);
        apply(
            &mut o,
            t.field_index("password_digest").unwrap(),
            &format!("sha-256:{sha}"),
        )
        .unwrap();
        let set = o.objectset();
        let v = |n: &str| set.iter().find(|a| a.attribute == n).unwrap().value.clone();
        assert_eq!(v("md5_cred"), md5);
        assert_eq!(v("password_digest"), format!("MD5:{md5},SHA-256:{sha}"));
        assert!(apply(&mut o, t.field_index("md5_cred").unwrap(), "abc")
            .unwrap_err()
            .contains("32 hex digits are needed"));
        assert!(apply(
            &mut o,
            t.field_index("password_digest").unwrap(),
            "SHA-1:abc"
        )
        .unwrap_err()
        .contains("unknown algorithm"));
    }

    #[test]
    fn aor_contacts_sort_by_md5_and_validate() {
        let v = applied(
            "aor",
            "contact",
            "sip:b@example.com,sip:a@example.com,sip:a@example.com",
        )
        .unwrap();
        let mut want = ["sip:a@example.com", "sip:b@example.com"];
        want.sort_by_key(|u| clib::md5_hex(u.as_bytes()));
        assert_eq!(v, want.join(" | "));
        assert!(applied("aor", "contact", "http://x")
            .unwrap_err()
            .contains("not a sip: or sips: URI"));
        assert!(
            applied("aor", "contact", &format!("sip:{}", "h".repeat(250)))
                .unwrap_err()
                .contains("host longer")
        );
    }

    #[test]
    fn follow_redirect_and_identify_by() {
        assert_eq!(
            applied("endpoint", "follow_redirect_methods", " MESSAGE ").unwrap(),
            "message"
        );
        assert!(applied("endpoint", "follow_redirect_methods", "message,").is_err());
        assert!(applied("endpoint", "identify_by", "ip,bogus")
            .unwrap_err()
            .contains("unknown method 'bogus'"));
        assert_eq!(
            applied("endpoint", "identify_by", "ip, username,ip").unwrap(),
            "ip,username"
        );
        assert_eq!(applied("endpoint", "identify_by", "").unwrap(), "");
    }

    #[test]
    fn small_kinds() {
        assert_eq!(
            applied("endpoint", "media_address", "10.0.0.1:5000").unwrap(),
            "10.0.0.1"
        );
        assert_eq!(
            applied("endpoint", "media_address", "media.example.com").unwrap(),
            "media.example.com"
        );
        assert_eq!(
            applied("contact", "expiration_time", "1700000000.75").unwrap(),
            "1700000000"
        );
        assert!(applied("contact", "expiration_time", "soon").is_err());
        assert_eq!(
            applied("resource_list", "event", &"e".repeat(40)).unwrap(),
            "e".repeat(31)
        );
        assert!(applied("resource_list", "event", "").is_err());
        assert!(applied("asterisk-publication", "device_state_filter", "(unclosed").is_err());
        assert!(applied("asterisk-publication", "device_state_filter", "^PJSIP/.*").is_ok());
        assert_eq!(
            applied(
                "subscription_persistence",
                "generator_data",
                "{ \"a\": [1, 2] }"
            )
            .unwrap(),
            "{\"a\":[1,2]}"
        );
        assert!(applied("endpoint", "from_user", "a b")
            .unwrap_err()
            .contains("character ' '"));
        assert!(applied("endpoint", "set_var", "NOEQUALS").is_err());
        assert_eq!(applied("endpoint", "set_var", " A = 1").unwrap(), "");
        assert!(
            applied("endpoint", "dtls_cert_file", "/nonexistent/cert.pem")
                .unwrap_err()
                .contains("not readable")
        );
    }
}
