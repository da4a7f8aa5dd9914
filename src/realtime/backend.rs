//! The realtime backend: Sorcery semantics from `engine`, rows in the ps_* tables through
//! `codec`, every change of a command in one transaction.

use std::collections::HashMap;

use postgres::types::ToSql;

use crate::backend::{
    check_id, refusal_error, Backend, Coverage, Current, Listed, Op, Prepared, Pushed,
};
use crate::engine;
use crate::error::{Error, Result};
use crate::model::{Attr, Object, Objectset};
use crate::schema::{Kind, TypeDef};

use super::codec::{self, Row};
use super::schema::{table_of, Column, Schema};
use super::{pg_error, sql, Db};

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

    /// The type's table and its live columns, or why the type cannot be stored here.
    fn table(&self, ty: &TypeDef) -> Result<(&'static str, Vec<Column>)> {
        let Some(t) = table_of(ty.name) else {
            return Err(Error::refused(format!(
                "{} objects have no table in Asterisk's realtime schema (alembic {})",
                ty.name,
                super::schema::REVISION
            ))
            .hint("keep them in a static config file or in astdb"));
        };
        match self.live.tables.get(t) {
            Some(cols) => Ok((t, cols.clone())),
            None => Err(
                Error::storage(format!("{}: the table {t} does not exist", self.db.shown))
                    .hint("run `pjsipctl db init` on an empty database, or `pjsipctl db check`"),
            ),
        }
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
    codec::read(ty, id, row).map_err(|e| {
        Error::storage(format!(
            "{} {id}: the stored row in {table} is unreadable: {e}",
            ty.name
        ))
        .hint("Asterisk answers 404 for it; delete it with `pjsipctl delete` and push it again")
    })
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

/// Merge and write one judged push inside `tx` (apply has judged it; nothing is judged here).
#[allow(clippy::too_many_arguments)]
fn push_in(
    tx: &mut impl postgres::GenericClient,
    shown: &str,
    live: &Schema,
    ty: &'static TypeDef,
    id: &str,
    table: &str,
    cols: &[Column],
    fields: &[Attr],
    existing: Option<Object>,
    upsert: &postgres::Statement,
    answer: bool,
) -> Result<(Pushed, Object)> {
    let created = existing.is_none();
    let mut built = engine::build(ty, id, existing.as_ref(), fields)
        .map_err(|r| refusal_error(ty, id, created, r))?;
    if let Some(old) = &existing {
        keep_acl_rules(old, &mut built.object, fields);
    }
    let warnings = std::mem::take(&mut built.warnings);
    let row = codec::write(&built.object, cols, live)
        .map_err(|why| unfaithful(ty, id, table, created, why))?;
    let unchanged = existing
        .as_ref()
        .is_some_and(|o| o.objectset() == built.object.objectset());
    let params: Vec<&(dyn ToSql + Sync)> =
        row.iter().map(|(_, v)| v as &(dyn ToSql + Sync)).collect();
    tx.execute(upsert, &params)
        .map_err(|e| pg_error(&e, shown))?;
    Ok((
        Pushed {
            // A batch only reports warnings: building every answer would cost more than the write.
            objectset: if answer {
                built.object.objectset()
            } else {
                Vec::new()
            },
            created,
            unchanged,
            warnings,
        },
        built.object,
    ))
}

fn delete_in(
    tx: &mut impl postgres::GenericClient,
    shown: &str,
    ty: &TypeDef,
    id: &str,
    delete: &postgres::Statement,
) -> Result<()> {
    let n = tx
        .execute(delete, &[&codec::encode_chunk(id)])
        .map_err(|e| pg_error(&e, shown))?;
    if n == 0 {
        return Err(Error::not_found(format!(
            "{} {id} not found in {shown}",
            ty.name
        )));
    }
    Ok(())
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
        let stmts =
            Stmts::prepare(&mut self.db.client, table, &cols).map_err(|e| pg_error(&e, &shown))?;
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

    /// One transaction: all of it is committed, or none. The rows of the pushed objects
    /// are read (and locked) with one query per table; statements are prepared once.
    fn batch(
        &mut self,
        ops: &[Op],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Option<Pushed>>> {
        let mut tables = Vec::with_capacity(ops.len());
        for op in ops {
            let (ty, id) = match op {
                Op::Push { ty, id, .. } | Op::Delete { ty, id } => (ty, id),
            };
            check_id(id)?;
            tables.push(self.table(ty)?);
        }
        let shown = self.db.shown.clone();
        // Per table: its columns, statements and the (stored) ids pushed.
        let mut per: HashMap<&str, (&[Column], Stmts, Vec<String>)> = HashMap::new();
        for (op, (table, cols)) in ops.iter().zip(&tables) {
            if !per.contains_key(table) {
                let stmts = Stmts::prepare(&mut self.db.client, table, cols)
                    .map_err(|e| pg_error(&e, &shown))?;
                per.insert(table, (cols, stmts, Vec::new()));
            }
            if let Op::Push { id, .. } = op {
                per.get_mut(table).unwrap().2.push(codec::encode_chunk(id));
            }
        }
        let live = &self.live;
        let mut tx = self
            .db
            .client
            .transaction()
            .map_err(|e| pg_error(&e, &shown))?;
        let mut stored: HashMap<(&str, String), Row> = HashMap::new();
        for (table, (cols, stmts, ids)) in &per {
            if ids.is_empty() {
                continue;
            }
            for r in tx
                .query(&stmts.select, &[ids])
                .map_err(|e| pg_error(&e, &shown))?
            {
                let row: Row = cols
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.name.clone(), r.get::<_, Option<String>>(i)))
                    .collect();
                let id = row
                    .iter()
                    .find(|(n, _)| n == "id")
                    .and_then(|(_, v)| v.clone())
                    .unwrap_or_default();
                stored.insert((table, id), row);
            }
        }
        // What this batch already did to an object (a re-create deletes, then pushes).
        let mut done: HashMap<(&str, &str), Option<Object>> = HashMap::new();
        let answer = ops.len() == 1;
        let mut out = Vec::with_capacity(ops.len());
        for (i, (op, (table, cols))) in ops.iter().zip(&tables).enumerate() {
            let stmts = &per[table].1;
            out.push(match op {
                Op::Push { ty, id, fields } => {
                    let existing = match done.remove(&(*table, id.as_str())) {
                        Some(o) => o,
                        None => match stored.get(&(*table, codec::encode_chunk(id))) {
                            None => None,
                            Some(row) => Some(codec::read(ty, id, row).map_err(|e| {
                                Error::storage(format!(
                                    "{} {id}: the stored row in {table} is unreadable: {e}",
                                    ty.name
                                ))
                                .hint("Asterisk answers 404 for it; delete it with `pjsipctl delete` and push it again")
                            })?),
                        },
                    };
                    let (pushed, obj) = push_in(
                        &mut tx,
                        &shown,
                        live,
                        ty,
                        id,
                        table,
                        cols,
                        fields,
                        existing,
                        &stmts.upsert,
                        answer,
                    )?;
                    done.insert((table, id), Some(obj));
                    Some(pushed)
                }
                Op::Delete { ty, id } => {
                    delete_in(&mut tx, &shown, ty, id, &stmts.delete)?;
                    done.insert((table, id), None);
                    None
                }
            });
            progress(i + 1);
        }
        tx.commit().map_err(|e| pg_error(&e, &shown))?;
        Ok(out)
    }
}

/// The statements a batch runs on one table.
struct Stmts {
    select: postgres::Statement,
    upsert: postgres::Statement,
    delete: postgres::Statement,
}

impl Stmts {
    fn prepare(
        c: &mut postgres::Client,
        table: &str,
        cols: &[Column],
    ) -> std::result::Result<Stmts, postgres::Error> {
        let typed: Vec<(&str, &str)> = cols
            .iter()
            .map(|c| (c.name.as_str(), c.ty.as_str()))
            .collect();
        Ok(Stmts {
            select: c.prepare(&sql::select_locked(table, &names(cols)))?,
            upsert: c.prepare(&sql::upsert(table, &typed))?,
            delete: c.prepare(&sql::delete(table))?,
        })
    }
}
