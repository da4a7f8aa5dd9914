//! Caller id and its presentation (main/callerid.c: ast_callerid_split, ast_parse_caller_presentation).

use std::borrow::Cow;

use super::*;

/// What these kinds accept, in words.
pub(super) fn accepted(k: &Kind) -> String {
    match k {
        Kind::CallerId => "\"Name\" <number>, Name <number>, a number, or a name".into(),
        Kind::CallerIdPrivacy => {
            let mut v: Vec<&str> = PRESENTATIONS.iter().map(|(n, _)| *n).collect();
            v.dedup();
            format!("{} (or its number)", v.join(", "))
        }
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
        Kind::CallerId => {
            obj.vals[idx] = s(callerid(input));
            Ok(None)
        }
        Kind::CallerIdPrivacy => {
            let value = match PRESENTATIONS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(input))
            {
                Some((_, v)) => *v,
                None => match clib::scan_int(input, false) {
                    Some(v) => v,
                    None => return fail(format!("'{input}' is not a known value")),
                },
            };
            let out = PRESENTATIONS
                .iter()
                .find(|(_, v)| *v == value)
                .map(|(n, _)| *n)
                .unwrap_or("unknown");
            obj.vals[idx] = s(out);
            Ok((out == "unknown").then(|| {
                format!(
                    "{name}={input}: not a known presentation value; Asterisk prints it as unknown"
                )
            }))
        }
        _ => unreachable!("not a kind of this family"),
    }
}

/// Caller presentations (callerid.c pres_types): name and value; the first entry of a
/// name is the value it parses to.
pub(super) const PRESENTATIONS: &[(&str, i64)] = &[
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
            let mut out = String::with_capacity(esc.len() + num.len() + 5);
            out.push('"');
            out.push_str(&esc);
            out.push_str("\" <");
            out.push_str(&num);
            out.push('>');
            out
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
    let (name, location): (Option<Cow<'_, str>>, Option<Cow<'_, str>>) =
        if let Some(ls) = instr.rfind('<') {
            let after = &instr[ls + 1..];
            let loc = match after.rfind('>') {
                Some(le) => &after[..le],
                None => after,
            };
            let name = clib::strip_quoted(&instr[..ls], "\"", "\"");
            (Some(Cow::Borrowed(name)), Some(Cow::Borrowed(loc)))
        } else {
            let mut tmp = instr.to_string();
            clib::truncate_bytes(&mut tmp, 255);
            let shrunk = shrink_phone_number(&tmp);
            if !quotes_stripped
                && !shrunk.is_empty()
                && shrunk.chars().all(|c| "0123456789*#+".contains(c))
            {
                (None, Some(Cow::Owned(shrunk)))
            } else {
                (
                    Some(Cow::Borrowed(clib::strip_quoted(instr, "\"", "\""))),
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
    let mut chars = n.chars().peekable();
    while let Some(c) = chars.next() {
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
                if chars.peek().is_none() {
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
