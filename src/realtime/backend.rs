//! The realtime backend: Sorcery semantics from `engine`, rows in the ps_* tables through
//! `codec`, every change of a command in one transaction (session.rs).

pub mod session;

use std::collections::HashMap;

use postgres::types::ToSql;

use crate::backend::{check_id, Backend, Coverage, Current, Listed, Op, Prepared, Pushed};
use crate::error::{Error, Result};
use crate::model::{Attr, Object, Objectset};
use crate::schema::{Kind, TypeDef};

use super::codec::{self, Row};
use super::schema::{table_of, Column, Schema};
use super::{pg_error, sql, Db};
use session::{merged, with_session, Session, Stmts};

pub struct Realtime {
    db: Db,
    /// The live tables and enum types, read once when connecting.
    live: Schema,
}

/// The live schema from the catalog.
pub fn live_schema(db: &mut Db) -> Result<Schema> {
    let mut s = Schema::default();
    let rows = db
        .client
        .query(sql::CATALOG_COLUMNS, &[])
        .map_err(|e| pg_error(&e, &db.shown))?;
    for r in rows {
        s.tables
            .entry(r.get::<_, String>(0))
            .or_default()
            .push(Column {
                name: r.get(1),
                ty: r.get(2),
            });
    }
    let rows = db
        .client
        .query(sql::CATALOG_ENUMS, &[])
        .map_err(|e| pg_error(&e, &db.shown))?;
    for r in rows {
        s.enums
            .entry(r.get::<_, String>(0))
            .or_default()
            .push(r.get(1));
    }
    Ok(s)
}

impl Realtime {
    pub fn open(url: &str) -> Result<Realtime> {
        let mut db = super::connect(url)?;
        let live = live_schema(&mut db)?;
        Ok(Realtime { db, live })
    }

    /// Whether the server ended the session (restart, `pg_terminate_backend`, network).
    pub fn connection_lost(&self) -> bool {
        self.db.client.is_closed()
    }

    /// Read the live tables again; true if they changed (a `db init` or a migration ran).
    pub fn reread_schema(&mut self) -> Result<bool> {
        let live = live_schema(&mut self.db)?;
        let changed = live != self.live;
        self.live = live;
        Ok(changed)
    }

    /// The object Asterisk would load (`None`: no row, or a type without a table here).
    pub fn retrieve(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<Object>> {
        if !self.has_table(ty) {
            return Ok(None);
        }
        let (table, cols) = self.table(ty)?;
        fetch(&mut self.db.client, &self.db.shown, ty, id, table, &cols)
    }

    /// Whether the type has a table in the live database.
    pub fn has_table(&self, ty: &TypeDef) -> bool {
        table_of(ty.name).is_some_and(|t| self.live.tables.contains_key(t))
    }

    /// Why the type cannot be stored here although Asterisk's schema has a table for it:
    /// the database is not set up (no realtime table at all: before `db init`), or it lacks
    /// that table. `None`: the table is there, or the schema has none for the type.
    pub fn missing_table(&self, ty: &TypeDef) -> Option<Error> {
        let t = table_of(ty.name).filter(|t| !self.live.tables.contains_key(*t))?;
        let shown = &self.db.shown;
        Some(if self.live.tables.keys().any(|n| n.starts_with("ps_")) {
            Error::storage(format!(
                "{shown}: the table {t} does not exist; run `pjsipctl db check` on this database to see how its schema differs"
            ))
        } else {
            Error::storage(format!(
                "{shown} has no realtime tables ({t} is missing); run `pjsipctl db init` on this database first"
            ))
        })
    }

    /// The type's table and its live columns, or why the type cannot be stored here.
    fn table(&self, ty: &TypeDef) -> Result<(&'static str, Vec<Column>)> {
        resolve(&self.live, &self.db.shown, ty).map(|(t, cols)| (t, cols.to_vec()))
    }

    /// `f` in one transaction for a command's writes (`writes`), or in a read-only
    /// snapshot to compare with; unless `f` calls [`Session::commit`], it is rolled back.
    pub fn in_session<R>(
        &mut self,
        writes: bool,
        f: impl FnOnce(&mut Session<'_>) -> Result<R>,
    ) -> Result<R> {
        with_session(&mut self.db.client, &self.db.shown, &self.live, writes, f)
    }
}

/// The type's table and its live columns, or why the type cannot be stored here.
fn resolve<'l>(
    live: &'l Schema,
    shown: &str,
    ty: &TypeDef,
) -> Result<(&'static str, &'l [Column])> {
    let Some(t) = table_of(ty.name) else {
        return Err(Error::refused(format!(
            "{} objects have no table in Asterisk's realtime schema (alembic {})",
            ty.name,
            super::schema::REVISION
        ))
        .hint("keep them in a static config file or in astdb"));
    };
    match live.tables.get(t) {
        Some(cols) => Ok((t, cols)),
        None => Err(
            Error::storage(format!("{shown}: the table {t} does not exist"))
                .hint("run `pjsipctl db init` on an empty database, or `pjsipctl db check`"),
        ),
    }
}

fn names(cols: &[Column]) -> Vec<&str> {
    cols.iter().map(|c| c.name.as_str()).collect()
}

/// Read one object as Asterisk would (`None`: no row).
fn fetch(
    tx: &mut impl postgres::GenericClient,
    shown: &str,
    ty: &'static TypeDef,
    id: &str,
    table: &str,
    cols: &[Column],
) -> Result<Option<Object>> {
    match stored_row(tx, shown, id, table, cols)? {
        Some(row) => read_row(ty, id, table, &row).map(Some),
        None => Ok(None),
    }
}

/// One object's row (`None`: no row).
fn stored_row(
    tx: &mut impl postgres::GenericClient,
    shown: &str,
    id: &str,
    table: &str,
    cols: &[Column],
) -> Result<Option<Row>> {
    let q = sql::select_one(table, &names(cols));
    let rows = tx
        .query(q.as_str(), &[&codec::encode_chunk(id)])
        .map_err(|e| pg_error(&e, shown))?;
    Ok(rows.first().map(|r| row_from(r, cols)))
}

fn row_from(r: &postgres::Row, cols: &[Column]) -> Row {
    cols.iter()
        .enumerate()
        .map(|(i, c)| (c.name.clone(), r.get::<_, Option<String>>(i)))
        .collect()
}

/// A row read as Asterisk reads it.
fn read_row(ty: &'static TypeDef, id: &str, table: &str, row: &Row) -> Result<Object> {
    codec::read(ty, id, row).map_err(|e| unreadable(ty, id, table, e))
}

/// A stored row Asterisk cannot read.
fn unreadable(ty: &TypeDef, id: &str, table: &str, e: impl std::fmt::Display) -> Error {
    Error::storage(format!(
        "{} {id}: the stored row in {table} is unreadable: {e}",
        ty.name
    ))
    .hint("Asterisk answers 404 for it; delete it with `pjsipctl delete` and push it again")
}

/// Sorcery's copy cannot carry ACL rules (they have no text form); their columns keep
/// them unless this push sets new ones, as Asterisk's UPDATE leaves those columns alone.
fn keep_acl_rules(old: &Object, new: &mut Object, fields: &[Attr]) {
    for (i, fd) in new.ty.fields.iter().enumerate() {
        if matches!(fd.kind, Kind::AclRule { .. })
            && new.vals[i].is_empty()
            && !fields
                .iter()
                .any(|f| f.attribute.eq_ignore_ascii_case(fd.name))
        {
            new.vals[i] = old.vals[i].clone();
        }
    }
}

/// What the codec refuses to write: the table cannot give the object back as it is.
fn unfaithful(ty: &TypeDef, id: &str, table: &str, created: bool, why: codec::Unfaithful) -> Error {
    Error::invalid(format!(
        "{} {id} cannot be stored faithfully in {table}: {why}",
        ty.name
    ))
    .hint(if created {
        "nothing was stored"
    } else {
        "the stored object is unchanged"
    })
}

impl Backend for Realtime {
    fn describe(&self) -> String {
        format!("PostgreSQL {}", self.db.shown)
    }

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
        check_id(id)?;
        let (table, cols) = self.table(ty)?;
        match fetch(&mut self.db.client, &self.db.shown, ty, id, table, &cols)? {
            Some(o) => Ok(o.objectset()),
            None => Err(Error::not_found(format!(
                "{} {id} not found in {}",
                ty.name,
                self.describe()
            ))),
        }
    }

    fn current(&mut self, ty: &'static TypeDef, id: &str) -> Result<Current> {
        check_id(id)?;
        let (table, cols) = self.table(ty)?;
        let Some(row) = stored_row(&mut self.db.client, &self.db.shown, id, table, &cols)? else {
            return Ok(Current::default());
        };
        Ok(Current {
            object: Some(read_row(ty, id, table, &row)?),
            version: Some(format!("{row:?}")),
            ..Current::default()
        })
    }

    /// A type without a table here cannot name anything stored here: not reported.
    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        let Some(t) = table_of(ty.name).filter(|t| self.live.tables.contains_key(*t)) else {
            return Ok(true);
        };
        let found = self
            .db
            .client
            .query(
                sql::select_one(t, &["id"]).as_str(),
                &[&codec::encode_chunk(id)],
            )
            .map_err(|e| pg_error(&e, &self.db.shown))?;
        Ok(!found.is_empty())
    }

    fn keep(&self, old: &Object, new: &mut Object, fields: &[Attr]) {
        keep_acl_rules(old, new, fields);
    }

    /// The prepared object in one transaction, on the row it was prepared against (locked).
    fn store(&mut self, p: &Prepared) -> Result<Option<Pushed>> {
        let (ty, id) = (p.ty, p.id.as_str());
        check_id(id)?;
        let (table, cols) = self.table(ty)?;
        let row = codec::write(&p.object, &cols, &self.live)
            .map_err(|why| unfaithful(ty, id, table, p.created(), why))?;
        let shown = self.db.shown.clone();
        let stmts = Stmts::prepare(&mut self.db.client, table, &cols, true)
            .map_err(|e| pg_error(&e, &shown))?;
        let mut tx = self
            .db
            .client
            .transaction()
            .map_err(|e| pg_error(&e, &shown))?;
        let ids = vec![codec::encode_chunk(id)];
        let now = tx
            .query(&stmts.select, &[&ids])
            .map_err(|e| pg_error(&e, &shown))?
            .first()
            .map(|r| format!("{:?}", row_from(r, &cols)));
        if now != p.before.version {
            return Ok(None);
        }
        let params: Vec<&(dyn ToSql + Sync)> =
            row.iter().map(|(_, v)| v as &(dyn ToSql + Sync)).collect();
        tx.execute(&stmts.upsert, &params)
            .map_err(|e| pg_error(&e, &shown))?;
        tx.commit().map_err(|e| pg_error(&e, &shown))?;
        Ok(Some(Pushed {
            objectset: p.object.objectset(),
            created: p.created(),
            unchanged: p.unchanged(),
            warnings: p.warnings.clone(),
        }))
    }

    fn push(&mut self, ty: &'static TypeDef, id: &str, fields: &[Attr]) -> Result<Pushed> {
        let op = Op::Push {
            ty,
            id: id.to_string(),
            fields: fields.to_vec(),
        };
        let mut out = self.batch(std::slice::from_ref(&op), &mut |_| {})?;
        Ok(out.pop().flatten().expect("a push answers"))
    }

    fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
        let op = Op::Delete {
            ty,
            id: id.to_string(),
        };
        self.batch(std::slice::from_ref(&op), &mut |_| {})?;
        Ok(())
    }

    fn list(&mut self, ty: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
        if table_of(ty.name).is_none() {
            return Ok((
                Vec::new(),
                Coverage::Unavailable(format!("{} objects have no realtime table", ty.name)),
            ));
        }
        let (table, cols) = self.table(ty)?;
        let q = sql::select_all(table, &names(&cols));
        let rows = self
            .db
            .client
            .query(q.as_str(), &[])
            .map_err(|e| pg_error(&e, &self.db.shown))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let row: Row = cols
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), r.get::<_, Option<String>>(i)))
                .collect();
            let stored = row
                .iter()
                .find(|(n, _)| n == "id")
                .and_then(|(_, v)| v.as_deref());
            let id = codec::read_id(stored.unwrap_or(""));
            let object = codec::read(ty, &id, &row)
                .map(|o| o.objectset())
                .map_err(|e| e.to_string());
            out.push(Listed { id, object });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok((out, Coverage::Complete))
    }

    /// One transaction: all of it is committed, or none (session.rs: the rows of the
    /// pushed objects read and locked with one query per table, new rows sent by COPY).
    fn batch(
        &mut self,
        ops: &[Op],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Option<Pushed>>> {
        for op in ops {
            let (Op::Push { ty, id, .. } | Op::Delete { ty, id }) = op;
            check_id(id)?;
            self.table(ty)?;
        }
        self.in_session(true, |s| batch_in(s, ops, progress))
    }
}

/// [`Realtime::batch`] in its session.
fn batch_in(
    s: &mut Session<'_>,
    ops: &[Op],
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<Option<Pushed>>> {
    s.prefetch(ops.iter().filter_map(|op| match op {
        Op::Push { ty, id, .. } => Some((*ty, id.as_str())),
        Op::Delete { .. } => None,
    }))?;
    // What this batch already did to an object (a re-create deletes, then pushes).
    let mut done: HashMap<(&str, &str), Option<Object>> = HashMap::new();
    // A batch of one answers with the object; building every answer of a big one
    // would cost more than the writes.
    let answer = ops.len() == 1;
    let mut out = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        out.push(match op {
            Op::Push { ty, id, fields } => {
                let existing = match done.remove(&(ty.name, id.as_str())) {
                    Some(o) => o,
                    None => s.existing(ty, id)?,
                };
                let (object, warnings) = merged(ty, id, existing.as_ref(), fields)?;
                s.write(&object, existing.is_none())?;
                let pushed = Pushed {
                    objectset: if answer {
                        object.objectset()
                    } else {
                        Vec::new()
                    },
                    created: existing.is_none(),
                    unchanged: existing
                        .as_ref()
                        .is_some_and(|o| o.objectset() == object.objectset()),
                    warnings,
                };
                done.insert((ty.name, id), Some(object));
                Some(pushed)
            }
            Op::Delete { ty, id } => {
                s.delete(ty, id)?;
                done.insert((ty.name, id), None);
                None
            }
        });
        progress(i + 1);
    }
    s.commit()?;
    Ok(out)
}
