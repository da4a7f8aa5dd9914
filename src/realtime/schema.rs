//! The ps_* schema pjsipctl writes: Asterisk's alembic head, kept once as SQL text
//! (`schema.sql`), and read from that text wherever columns and types are needed.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The alembic revision `schema.sql` is (alembic keeps it in `alembic_version_config`).
pub const REVISION: &str = "e89e30cee53f";

/// The DDL `db init` runs, in pg_dump's order (types, tables, constraints, indexes).
pub const DDL: &str = include_str!("schema.sql");

/// A column as PostgreSQL's `format_type` names its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: String,
}

/// What a column's type accepts, as the codec needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds<'a> {
    Text,
    Integer,
    Float,
    Enum(&'a [String]),
}

/// Tables (by name, columns in table order) and enum types (by name, labels in order).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Vec<Column>>,
    pub enums: BTreeMap<String, Vec<String>>,
}

impl Schema {
    /// The schema of [`DDL`], parsed once.
    pub fn head() -> &'static Schema {
        static HEAD: OnceLock<Schema> = OnceLock::new();
        HEAD.get_or_init(|| parse(DDL))
    }

    pub fn holds(&self, col: &Column) -> Holds<'_> {
        if let Some(labels) = self.enums.get(&col.ty) {
            return Holds::Enum(labels);
        }
        match col.ty.as_str() {
            "integer" | "bigint" | "smallint" => Holds::Integer,
            "double precision" | "real" | "numeric" => Holds::Float,
            _ => Holds::Text,
        }
    }
}

/// Read pg_dump's `CREATE TYPE … AS ENUM` and `CREATE TABLE` statements.
pub fn parse(ddl: &str) -> Schema {
    let mut s = Schema::default();
    for stmt in ddl.split(";\n") {
        let stmt = stmt.trim_start_matches(|c: char| c.is_whitespace());
        let stmt = stmt
            .lines()
            .skip_while(|l| l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let stmt = stmt.trim();
        if let Some(rest) = stmt.strip_prefix("CREATE TYPE ") {
            let Some((name, body)) = rest.split_once(" AS ENUM (") else {
                continue;
            };
            let labels = body
                .trim_end_matches(')')
                .split(',')
                .map(|l| l.trim().trim_matches('\'').replace("''", "'"))
                .filter(|l| !l.is_empty())
                .collect();
            s.enums.insert(unquote(name.trim()), labels);
        } else if let Some(rest) = stmt.strip_prefix("CREATE TABLE ") {
            let Some((name, body)) = rest.split_once(" (") else {
                continue;
            };
            let cols = body
                .trim_end_matches(')')
                .lines()
                .map(|l| l.trim().trim_end_matches(','))
                .filter(|l| !l.is_empty())
                .filter_map(|l| {
                    let (name, ty) = split_ident(l)?;
                    let ty = ty.trim();
                    let ty = ty
                        .find(" NOT NULL")
                        .or_else(|| ty.find(" DEFAULT "))
                        .map_or(ty, |i| &ty[..i]);
                    Some(Column {
                        name,
                        ty: ty.to_string(),
                    })
                })
                .collect();
            s.tables.insert(unquote(name.trim()), cols);
        }
    }
    s
}

/// A leading identifier (quoted or not) and the rest of the line.
fn split_ident(l: &str) -> Option<(String, &str)> {
    if let Some(rest) = l.strip_prefix('"') {
        let end = rest.find('"')?;
        Some((rest[..end].to_string(), &rest[end + 1..]))
    } else {
        let (n, t) = l.split_once(' ')?;
        Some((n.to_string(), t))
    }
}

fn unquote(s: &str) -> String {
    s.trim_matches('"').to_string()
}

/// The ps_* table Asterisk's realtime configuration (extconfig.conf) gives each type;
/// `None`: alembic creates no table for it.
pub fn table_of(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "endpoint" => "ps_endpoints",
        "auth" => "ps_auths",
        "aor" => "ps_aors",
        "domain_alias" => "ps_domain_aliases",
        "contact" => "ps_contacts",
        "identify" => "ps_endpoint_id_ips",
        "registration" => "ps_registrations",
        "outbound-publish" => "ps_outbound_publishes",
        "asterisk-publication" => "ps_asterisk_publications",
        "resource_list" => "ps_resource_list",
        "inbound-publication" => "ps_inbound_publications",
        "subscription_persistence" => "ps_subscription_persistence",
        "transport" => "ps_transports",
        "global" => "ps_globals",
        "system" => "ps_systems",
        _ => return None,
    })
}

/// Where a live schema differs from [`Schema::head`]: one line per finding, for `db check`
/// (only ps_* tables and the enum types they use are compared).
pub fn differences(live: &Schema, want: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (table, cols) in want.tables.iter().filter(|(t, _)| t.starts_with("ps_")) {
        let Some(have) = live.tables.get(table) else {
            out.push(format!("missing table {table}"));
            continue;
        };
        for c in cols {
            match have.iter().find(|h| h.name == c.name) {
                None => out.push(format!("missing column {table}.{} ({})", c.name, c.ty)),
                Some(h) if h.ty != c.ty => out.push(format!(
                    "wrong type of {table}.{}: {} (expected {})",
                    c.name, h.ty, c.ty
                )),
                Some(_) => {}
            }
        }
        for h in have {
            if !cols.iter().any(|c| c.name == h.name) {
                out.push(format!("extra column {table}.{} ({})", h.name, h.ty));
            }
        }
    }
    for (table, _) in live.tables.iter().filter(|(t, _)| t.starts_with("ps_")) {
        if !want.tables.contains_key(table) {
            out.push(format!("extra table {table}"));
        }
    }
    let used: std::collections::BTreeSet<&String> = want
        .tables
        .iter()
        .filter(|(t, _)| t.starts_with("ps_"))
        .flat_map(|(_, cols)| cols.iter().map(|c| &c.ty))
        .filter(|t| want.enums.contains_key(*t))
        .collect();
    for ty in used {
        match live.enums.get(ty) {
            None => out.push(format!("missing enum type {ty}")),
            Some(l) if l != &want.enums[ty] => out.push(format!(
                "enum type {ty} has the labels {} (expected {})",
                l.join(","),
                want.enums[ty].join(",")
            )),
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_schema_is_read_from_the_ddl() {
        let s = Schema::head();
        assert_eq!(s.tables.keys().filter(|t| t.starts_with("ps_")).count(), 15);
        assert_eq!(s.tables.len(), 27);
        assert_eq!(s.enums.len(), 35);
        let ep = &s.tables["ps_endpoints"];
        assert_eq!(ep.len(), 147);
        assert_eq!(ep[0].name, "id");
        assert_eq!(ep[0].ty, "character varying(255)");
        let rel = ep.iter().find(|c| c.name == "100rel").unwrap();
        assert_eq!(
            s.holds(rel),
            Holds::Enum(&s.enums["pjsip_100rel_values_v2"])
        );
        assert_eq!(s.tables["ps_aors"].len(), 16);
        assert_eq!(s.tables["ps_auths"].len(), 13);
        assert_eq!(s.enums["ast_bool_values"].len(), 8);
        assert!(differences(s, s).is_empty());
    }

    #[test]
    fn every_table_of_a_type_exists_at_the_head() {
        for ty in crate::schema::TYPES {
            if let Some(t) = table_of(ty.name) {
                assert!(Schema::head().tables.contains_key(t), "{t}");
            }
        }
    }
}
