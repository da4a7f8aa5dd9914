//! pjsip.conf text: reading it as Asterisk does, for `push --from`, `apply`, `diff`.

use crate::error::{Error, Result};
use crate::model::Attr;

/// Split one config line into `name = value` the way main/config.c does after
/// comment removal: `=>` is `=`, both sides trimmed. Returns None for a line without `=`.
pub fn split_assignment(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once('=')?;
    let value = value.strip_prefix('>').unwrap_or(value);
    Some((name.trim(), value.trim()))
}

/// Remove a `;` comment, honouring `\;` as a literal semicolon.
pub fn strip_comment(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&';') => {
                out.push(';');
                chars.next();
            }
            ';' => break,
            c => out.push(c),
        }
    }
    out
}

/// The body of one section (`attr=value` lines, `;` comments, an optional `[id]`
/// header and `type=` line) as a field list, for `push --from`.
pub fn parse_body(text: &str, source: &str, ty: &str) -> Result<Vec<Attr>> {
    let mut out = Vec::new();
    let mut seen_header = false;
    for (n, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = strip_comment(raw);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            if seen_header || !out.is_empty() {
                return Err(Error::invalid(format!(
                    "{source}:{}: a second section starts here; --from takes the body of one object",
                    n + 1
                ))
                .hint("use `pjsipctl apply FILE` for a whole pjsip.conf"));
            }
            seen_header = true;
            continue;
        }
        let Some((name, value)) = split_assignment(line) else {
            return Err(Error::invalid(format!(
                "{source}:{}: expected attr=value, found {line:?}",
                n + 1
            )));
        };
        if name.is_empty() {
            return Err(Error::invalid(format!(
                "{source}:{}: the attribute name is empty",
                n + 1
            )));
        }
        if name.eq_ignore_ascii_case("type") && value != ty {
            return Err(Error::invalid(format!(
                "{source}:{}: type={value}, but the object pushed is a {ty}",
                n + 1
            )));
        }
        out.push(Attr::new(name, value));
    }
    Ok(out)
}
