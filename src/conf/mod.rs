//! pjsip.conf text: reading it as Asterisk does, for `push --from`, `apply`, `diff`.
//! `reader` reads whole files (sections, templates, includes, comments); `convert`
//! turns the sections into the objects Asterisk would build from them.

pub mod convert;
mod glob;
pub mod reader;
mod regex;

use crate::error::{Error, Result};
use crate::model::Attr;

/// Split one config line into `name = value` the way main/config.c does after
/// comment removal: `=>` is `=`, both sides trimmed. Returns None for a line without `=`.
pub fn split_assignment(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once('=')?;
    let value = value.strip_prefix('>').unwrap_or(value);
    Some((name.trim(), value.trim()))
}

/// Remove `;` comments and `;-- --;` block comments (they nest and span lines; `;---` is an
/// ordinary comment) from one line as main/config.c does; `depth` carries the block
/// comments still open from earlier lines.
fn strip_comments(line: &str, depth: &mut usize) -> String {
    let c: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied();
        match c[i] {
            '\\' if at(i + 1) == Some(';') => {
                if *depth == 0 {
                    out.push(';');
                }
                i += 2;
            }
            ';' if at(i + 1) == Some('-') && at(i + 2) == Some('-') && at(i + 3) != Some('-') => {
                *depth += 1;
                i += 3;
            }
            ';' if *depth == 0 => break,
            '-' if *depth > 0 && at(i + 1) == Some('-') && at(i + 2) == Some(';') => {
                *depth -= 1;
                i += 3;
            }
            ch => {
                if *depth == 0 {
                    out.push(ch);
                }
                i += 1;
            }
        }
    }
    out
}

/// The body of one section (`attr=value` lines, `;` comments, an optional `[id]`
/// header and `type=` line) as a field list, for `push --from`.
#[cfg(test)]
pub fn parse_body(text: &str, source: &str, ty: &str) -> Result<Vec<Attr>> {
    Ok(parse_body_lines(text, source, ty)?
        .into_iter()
        .map(|(a, _)| a)
        .collect())
}

/// The body of one section as `parse_body` reads it, each field with its line number.
pub fn parse_body_lines(text: &str, source: &str, ty: &str) -> Result<Vec<(Attr, usize)>> {
    let mut out = Vec::new();
    let mut seen_header = false;
    let (mut depth, mut opened) = (0, 0);
    for (n, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if raw.len() >= reader::MAX_LINE {
            return Err(Error::invalid(format!(
                "{source}:{}: line too long ({} bytes): Asterisk skips lines of {} bytes or more, so nothing on it would be read",
                n + 1,
                raw.len(),
                reader::MAX_LINE
            )));
        }
        let was_open = depth > 0;
        let line = strip_comments(raw, &mut depth);
        if depth > 0 && !was_open {
            opened = n + 1;
        }
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
                "{source}:{}: type={value}, but the object pushed is {} {ty}",
                n + 1,
                crate::schema::article(ty)
            )));
        }
        out.push((Attr::new(name, value), n + 1));
    }
    if depth > 0 {
        return Err(Error::invalid(format!(
            "{source}:{opened}: unterminated block comment: ';--' is never closed by '--;', so Asterisk ignores everything after it (close it with '--;')"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Result<Vec<(String, String)>> {
        parse_body(text, "b.conf", "aor")
            .map(|v| v.into_iter().map(|a| (a.attribute, a.value)).collect())
    }

    #[test]
    fn block_comments_hide_what_they_span() {
        let got =
            fields("a=1 ;-- x\nb=2\n--; c=3 ; tail\n;--- ordinary\nd=4;--x--;5\ne=se\\;cret\n")
                .unwrap();
        let want = [("a", "1"), ("c", "3"), ("d", "45"), ("e", "se;cret")];
        assert_eq!(
            got,
            want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
        );
        // Nested: the outer one closes at the second '--;'.
        assert_eq!(fields(";-- a ;-- b --; c --;x=1\n").unwrap().len(), 1);
    }

    #[test]
    fn an_unterminated_block_comment_is_refused_with_its_line() {
        let e = fields("a=1\n;-- old\nb=2\n").unwrap_err();
        assert!(
            e.message
                .starts_with("b.conf:2: unterminated block comment"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_over_long_line_is_refused_with_its_line() {
        let e = fields(&format!("a=1\nb={}\n", "x".repeat(9000))).unwrap_err();
        assert!(
            e.message.starts_with("b.conf:2: line too long"),
            "{}",
            e.message
        );
    }
}
