//! Comma lists: ids, identify methods, groups, resource lists and security mechanisms.

use super::*;

/// What these kinds accept, in words.
pub(super) fn accepted(k: &Kind) -> String {
    match k {
        Kind::IdList => "a comma list of ids".into(),
        Kind::IdentifyBy => "a comma list of username, auth_username, ip, header, request_uri".into(),
        Kind::FollowRedirect => "message (comma list), or empty".into(),
        Kind::Group => "group numbers 0-63 and ranges a-b, comma separated".into(),
        Kind::NamedGroup => "a comma list of group names, or empty".into(),
        Kind::SecurityMechanisms => {
            "a comma list of mechanisms msrp-tls, sdes-srtp, dtls-srtp (or none), each with ;q=0-1 or other ;params".into()
        }
        Kind::ListItem => "a comma list of resource names".into(),
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
            obj.vals[idx] = if out.is_empty() {
                Val::Null
            } else {
                s(out.join(","))
            };
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
        Kind::Group => {
            let (members, bad) = groups(input);
            let mut text = members
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            clib::truncate_bytes(&mut text, 127);
            obj.vals[idx] = s(text);
            Ok((!bad.is_empty()).then(|| {
                format!(
                    "{name}={input}: Asterisk ignores {}; groups are 0-63",
                    bad.join(", ")
                )
            }))
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
            Ok((!dups.is_empty()).then(|| {
                format!(
                    "{name}: Asterisk ignores the repeated item(s) {}",
                    dups.join(", ")
                )
            }))
        }
        _ => unreachable!("not a kind of this family"),
    }
}

const SECURITY_MECHANISMS: &[&str] = &["none", "msrp-tls", "sdes-srtp", "dtls-srtp"];

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
