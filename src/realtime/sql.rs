//! Every SQL text pjsipctl sends, in one place: PostgreSQL's dialect (a MariaDB backend
//! would replace this file). Identifiers are always quoted (Asterisk's unquoted `100rel`
//! is its bug #1655); values are always bound parameters.

use std::fmt::Write;
use std::time::Duration;

/// `"name"`, with embedded quotes doubled.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Per connection: wait for a locked row at most `lock_wait`.
pub fn session_setup(lock_wait: Duration) -> String {
    format!("SET lock_timeout = '{}ms'", lock_wait.as_millis())
}

/// Columns and their types, as `format_type` prints them (pg_dump's spelling), of every table
/// in the connection's schema.
pub const CATALOG_COLUMNS: &str = "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod) \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY c.relname, a.attnum";

/// Enum types and their labels in order.
pub const CATALOG_ENUMS: &str = "SELECT t.typname::text, e.enumlabel::text FROM pg_enum e \
     JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace \
     WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder";

pub const REVISION: &str = "SELECT version_num::text FROM alembic_version_config";

pub const SET_REVISION: &str = "INSERT INTO alembic_version_config (version_num) VALUES ($1)";

/// Whether the schema holds any table `db init` would create.
pub const ANY_TABLE: &str = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() \
     AND (tablename LIKE 'ps\\_%' OR tablename = 'alembic_version_config')";

/// Every column as text (Asterisk reads every value as text too).
fn select_list(cols: &[&str]) -> String {
    let mut s = String::new();
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{}::text", ident(c));
    }
    s
}

/// One row by id.
pub fn select_one(table: &str, cols: &[&str]) -> String {
    format!(
        "SELECT {} FROM {} WHERE id = $1",
        select_list(cols),
        ident(table)
    )
}

/// The rows of a set of ids (a text array), locked for the rest of the transaction.
pub fn select_locked(table: &str, cols: &[&str]) -> String {
    format!(
        "SELECT {} FROM {} WHERE id = ANY($1::text[]) FOR UPDATE",
        select_list(cols),
        ident(table)
    )
}

/// Every row, by id.
pub fn select_all(table: &str, cols: &[&str]) -> String {
    format!(
        "SELECT {} FROM {} ORDER BY id",
        select_list(cols),
        ident(table)
    )
}

/// The whole row, written in one statement whether it exists or not (id is unique in
/// every ps_* table). Values are text parameters cast to each column's type.
pub fn upsert(table: &str, cols: &[(&str, &str)]) -> String {
    let mut vals = String::new();
    for (i, (_, ty)) in cols.iter().enumerate() {
        if i > 0 {
            vals.push_str(", ");
        }
        vals.push_str(&cast(&format!("${}", i + 1), ty));
    }
    format!(
        "INSERT INTO {} ({}) VALUES ({vals}) ON CONFLICT (id) DO UPDATE SET {}",
        ident(table),
        names(cols),
        sets(cols)
    )
}

/// [`upsert`] of many rows in one statement: parameter i is the text array of column i
/// (no id twice: a statement may change a row only once).
pub fn upsert_many(table: &str, cols: &[(&str, &str)]) -> String {
    let mut arrays = String::new();
    let mut vals = String::new();
    for (i, (c, ty)) in cols.iter().enumerate() {
        if i > 0 {
            arrays.push_str(", ");
            vals.push_str(", ");
        }
        let _ = write!(arrays, "${}::text[]", i + 1);
        vals.push_str(&cast(&format!("u.{}", ident(c)), ty));
    }
    format!(
        "INSERT INTO {} ({names}) SELECT {vals} FROM unnest({arrays}) AS u ({names}) \
         ON CONFLICT (id) DO UPDATE SET {}",
        ident(table),
        sets(cols),
        names = names(cols),
    )
}

/// A text value as a column's type. An explicit cast to varchar(n) would cut a long value
/// silently: text is assigned (and refused when too long); other types need the cast.
fn cast(text: &str, ty: &str) -> String {
    if ty.starts_with("character") || ty == "text" {
        format!("{text}::text")
    } else {
        format!("{text}::text::{ty}")
    }
}

fn names(cols: &[(&str, &str)]) -> String {
    let quoted: Vec<String> = cols.iter().map(|(c, _)| ident(c)).collect();
    quoted.join(", ")
}

/// Every column but the id, from the row proposed.
fn sets(cols: &[(&str, &str)]) -> String {
    let set: Vec<String> = cols
        .iter()
        .filter(|(c, _)| *c != "id")
        .map(|(c, _)| format!("{0} = EXCLUDED.{0}", ident(c)))
        .collect();
    set.join(", ")
}

/// The rows of a set of ids, unlocked (a read-only comparison).
pub fn select_some(table: &str, cols: &[&str]) -> String {
    format!(
        "SELECT {} FROM {} WHERE id = ANY($1::text[])",
        select_list(cols),
        ident(table)
    )
}

/// Whether the table holds any row.
pub fn any_row(table: &str) -> String {
    format!("SELECT EXISTS (SELECT 1 FROM {})", ident(table))
}

/// New rows in bulk: COPY's text format on the connection (see [`copy_field`]), each value
/// converted by its column's input function, as an INSERT of the same text would be.
pub fn copy_in(table: &str, cols: &[&str]) -> String {
    let names: Vec<String> = cols.iter().map(|c| ident(c)).collect();
    format!("COPY {} ({}) FROM STDIN", ident(table), names.join(", "))
}

/// One value of a COPY text row: NULL as `\N`; backslash, tab, newline and carriage return
/// escaped (PostgreSQL's copyfromparse.c reads `\\`, `\t`, `\n`, `\r` back), so no value
/// can end its field, its row or the data.
pub fn copy_field(out: &mut Vec<u8>, v: Option<&str>) {
    let Some(v) = v else {
        out.extend_from_slice(b"\\N");
        return;
    };
    let b = v.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => continue,
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
}

/// The advisory lock every pjsipctl writer of a database takes inside its transaction
/// (released at its end): an apply exclusively, since it creates rows it found absent
/// without locking them (there is no row to lock); a push shares it. Asterisk takes none.
pub fn writers_lock(exclusive: bool) -> String {
    format!(
        "SELECT pg_advisory_xact_lock{}({WRITERS_KEY})",
        if exclusive { "" } else { "_shared" }
    )
}

/// The advisory lock's key: "pjsipctl" in ASCII, one number no other program is likely to use.
const WRITERS_KEY: i64 = 0x706a_7369_7063_746c;

pub fn delete(table: &str) -> String {
    format!("DELETE FROM {} WHERE id = $1", ident(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_values_bound() {
        assert_eq!(ident("100rel"), "\"100rel\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        let s = upsert(
            "ps_aors",
            &[
                ("id", "character varying(255)"),
                ("max_contacts", "integer"),
            ],
        );
        assert_eq!(
            s,
            "INSERT INTO \"ps_aors\" (\"id\", \"max_contacts\") VALUES ($1::text, \
             $2::text::integer) ON CONFLICT (id) DO UPDATE SET \"max_contacts\" = EXCLUDED.\"max_contacts\""
        );
        assert_eq!(
            upsert_many("t", &[("id", "text"), ("n", "integer")]),
            "INSERT INTO \"t\" (\"id\", \"n\") SELECT u.\"id\"::text, u.\"n\"::text::integer \
             FROM unnest($1::text[], $2::text[]) AS u (\"id\", \"n\") \
             ON CONFLICT (id) DO UPDATE SET \"n\" = EXCLUDED.\"n\""
        );
        assert_eq!(
            copy_in("ps_aors", &["id", "100rel"]),
            "COPY \"ps_aors\" (\"id\", \"100rel\") FROM STDIN"
        );
    }

    #[test]
    fn copy_fields_escape_what_would_end_them() {
        let mut out = Vec::new();
        copy_field(&mut out, Some("a\tb\nc\rd\\e;f^g"));
        out.push(b'\t');
        copy_field(&mut out, None);
        out.push(b'\t');
        copy_field(&mut out, Some("\\."));
        assert_eq!(out, b"a\\tb\\nc\\rd\\\\e;f^g\t\\N\t\\\\.");
    }
}
