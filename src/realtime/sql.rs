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
    let mut names = String::new();
    let mut vals = String::new();
    let mut sets = String::new();
    for (i, (c, ty)) in cols.iter().enumerate() {
        if i > 0 {
            names.push_str(", ");
            vals.push_str(", ");
        }
        names.push_str(&ident(c));
        // An explicit cast to varchar(n) would cut a long value silently: text is
        // assigned (and refused when too long); other types need the explicit cast.
        if ty.starts_with("character") || *ty == "text" {
            let _ = write!(vals, "${}::text", i + 1);
        } else {
            let _ = write!(vals, "${}::text::{}", i + 1, ty);
        }
        if *c != "id" {
            if !sets.is_empty() {
                sets.push_str(", ");
            }
            let _ = write!(sets, "{0} = EXCLUDED.{0}", ident(c));
        }
    }
    format!(
        "INSERT INTO {} ({names}) VALUES ({vals}) ON CONFLICT (id) DO UPDATE SET {sets}",
        ident(table)
    )
}

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
    }
}
