//! Object ⇄ ps_* row, by Asterisk's realtime rules (shared/asterisk/realtime/README.md,
//! "How Asterisk reads"): pure functions over a table's columns, no database here.
//!
//! Reading: NULL is "not set"; a value is split at every raw `;`, each piece trimmed,
//! `^XX` decoded, empty pieces dropped, and each remaining piece applied as one value of
//! the attribute named like the column; columns without an attribute are ignored.
//! Writing is the inverse, checked by reading the row back.

use crate::engine;
use crate::model::{Key, Object, Objectset};
use crate::schema::{Kind, TypeDef};

use super::schema::{Column, Holds, Schema};

/// A row: each column of the table (in table order) with its text, or NULL.
pub type Row = Vec<(String, Option<String>)>;

/// ast_realtime_encode_chunk: `;` and `^` as `^3B`/`^5E`, so a value survives the split.
pub fn encode_chunk(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            ';' => s.push_str("^3B"),
            '^' => s.push_str("^5E"),
            c => s.push(c),
        }
    }
    s
}

/// ast_realtime_decode_chunk: every `^` followed by two hex digits is that byte.
pub fn decode_chunk(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'^'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
            out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pieces Asterisk makes of one stored value (res_config_pgsql's split at `;`).
pub fn pieces(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(';')
        .map(|p| decode_chunk(p.trim_matches(|c: char| c.is_ascii_whitespace())))
        .filter(|p| !p.is_empty())
}

/// The object Asterisk builds from a row, or why it cannot (then Asterisk answers 404).
pub fn read(ty: &'static TypeDef, id: &str, row: &Row) -> Result<Object, String> {
    let mut obj = Object::new(ty, id);
    for (col, val) in row {
        let Some(v) = val else { continue };
        // res_sorcery_realtime drops the id and every column sorcery has no field for.
        if col == "id" || ty.field_index_exact(col).is_none() {
            continue;
        }
        for p in pieces(v) {
            engine::apply_pair(&mut obj, col, &p).map_err(|e| e.to_string())?;
        }
    }
    engine::apply_handler(&mut obj).map_err(|e| e.to_string())?;
    Ok(obj)
}

/// The stored id as Asterisk names the object.
pub fn read_id(stored: &str) -> String {
    decode_chunk(stored)
}

/// The row that reads back as `obj` on a table with `cols`; every attribute the table
/// cannot hold faithfully is named in the error.
pub fn write(obj: &Object, cols: &[Column], schema: &Schema) -> Result<Row, String> {
    // Each attribute's stored pieces, by column name; set_var entries go to set_var.
    let mut by_col: Vec<(&str, Vec<String>)> = Vec::new();
    let mut add = |name: &str, v: String| match by_col.iter_mut().find(|(n, _)| *n == name) {
        Some((_, l)) => l.push(v),
        None => by_col.push((
            obj.ty.fields[obj.ty.field_index_exact(name).unwrap()].name,
            vec![v],
        )),
    };
    obj.entries(true, |k, v| match k {
        Key::Var(n) => add("set_var", encode_chunk(&format!("{n}={v}"))),
        Key::Field(i) => {
            let fd = &obj.ty.fields[i];
            match fd.kind {
                // Named ACLs only: permit/deny rules show as "deny/permit", which is no ACL name.
                Kind::NamedAcl => {
                    for n in obj.vals[i].list() {
                        if !n.is_empty() && n != crate::schema::values::BASE_ACL {
                            add(fd.name, encode_chunk(n));
                        }
                    }
                }
                // Empty codecs print "(nothing)": leave the column unset instead.
                Kind::Codec { .. } if v == "(nothing)" => {}
                // An unset callerid reads back as the real default (README: the deliberate difference).
                Kind::CallerId if v == "<unknown>" => {}
                _ => add(fd.name, encode_chunk(v)),
            }
        }
    });
    let mut row = Row::with_capacity(cols.len());
    let mut problems = Vec::new();
    for c in cols {
        let text = if c.name == "id" {
            Some(encode_chunk(&obj.id))
        } else {
            by_col
                .iter()
                .find(|(n, _)| *n == c.name)
                .map(|(_, l)| l.join(";"))
                .filter(|v| !v.trim().is_empty())
        };
        let text = match (text, schema.holds(c)) {
            (Some(v), Holds::Enum(labels)) => {
                match labels
                    .iter()
                    .find(|l| **l == v || l.eq_ignore_ascii_case(&v))
                {
                    Some(l) => Some(l.clone()),
                    None => {
                        problems.push(format!(
                            "{}={v}: the column's type {} has only the labels {}",
                            c.name,
                            c.ty,
                            labels.join(", ")
                        ));
                        None
                    }
                }
            }
            (t, _) => t,
        };
        if let (Some(v), Some(n)) = (&text, varchar_len(&c.ty)) {
            if v.chars().count() > n {
                problems.push(format!(
                    "{}: {} characters do not fit the column ({})",
                    if c.name == "id" { "the id" } else { &c.name },
                    v.chars().count(),
                    c.ty
                ));
            }
        }
        row.push((c.name.clone(), text));
    }
    for (name, _) in &by_col {
        if !cols.iter().any(|c| c.name == *name) {
            problems.push(format!(
                "{name}: the table has no column {name} (run `pjsipctl db check`)"
            ));
        }
    }
    if problems.is_empty() {
        problems = lost(obj, &row);
    }
    if problems.is_empty() {
        Ok(row)
    } else {
        Err(problems.join("; "))
    }
}

/// What Asterisk would read differently from `obj` out of `row`.
fn lost(obj: &Object, row: &Row) -> Vec<String> {
    let want = obj.objectset();
    match read(obj.ty, &obj.id, row) {
        Err(e) => vec![format!("the row would not load: {e}")],
        Ok(back) => diff_sets(&want, &back.objectset()),
    }
}

/// Attribute by attribute, where `got` differs from `want`.
pub fn diff_sets(want: &Objectset, got: &Objectset) -> Vec<String> {
    let mut out = Vec::new();
    let names: Vec<&str> = {
        let mut n: Vec<&str> = want
            .iter()
            .chain(got)
            .map(|a| a.attribute.as_str())
            .collect();
        n.dedup();
        let mut seen = Vec::new();
        n.retain(|x| {
            let new = !seen.contains(x);
            seen.push(*x);
            new
        });
        n
    };
    for n in names {
        let w: Vec<&str> = want
            .iter()
            .filter(|a| a.attribute == n)
            .map(|a| a.value.as_str())
            .collect();
        let g: Vec<&str> = got
            .iter()
            .filter(|a| a.attribute == n)
            .map(|a| a.value.as_str())
            .collect();
        if w != g {
            out.push(format!(
                "{n}: would read back as {:?} instead of {:?}",
                g.join(";"),
                w.join(";")
            ));
        }
    }
    out
}

fn varchar_len(ty: &str) -> Option<usize> {
    ty.strip_prefix("character varying(")?
        .strip_suffix(')')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_encode_and_decode_like_asterisk() {
        assert_eq!(encode_chunk("p;w^x"), "p^3Bw^5Ex");
        assert_eq!(decode_chunk("p^3Bw^5Ex"), "p;w^x");
        assert_eq!(decode_chunk("a^3bb^5"), "a;bb^5");
        assert_eq!(decode_chunk("^zz^"), "^zz^");
        assert_eq!(
            pieces(" ulaw ; ;alaw;").collect::<Vec<_>>(),
            ["ulaw", "alaw"]
        );
        assert_eq!(pieces("  ").count(), 0);
    }
}
