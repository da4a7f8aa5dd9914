//! One transaction on the realtime tables, as a command's writes need it: the rows of the
//! objects it will change read (and locked) a batch at a time with one query per table, new
//! rows sent with COPY a few dozen kilobytes at a time, changed rows upserted a few hundred
//! per statement. `push`, `delete`, the collected apply (`Realtime::batch`) and the one-pass
//! apply (crate::apply::realtime) all write through it.
//!
//! The connection is driven by a thread of its own: new rows stream to the server (one COPY
//! as long as they are of one table) and changed rows go out while the caller builds the next
//! ones, so the server's work overlaps pjsipctl's instead of following it. A statement that
//! answers (a read, a delete) waits for what was sent before it; a failure of what nobody
//! waits for ends the session, and the next call or the commit reports it.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::Transaction;

use crate::error::{Error, Result};
use crate::model::{Attr, Object};
use crate::realtime::codec;
use crate::realtime::schema::{table_of, Column, Schema};
use crate::realtime::{pg_error, sql, LOCK_WAIT};
use crate::schema::TypeDef;

use super::{keep_acl_rules, names, resolve, unfaithful, unreadable};

/// COPY text a table holds before it is handed to the connection's thread: large enough that
/// a message's cost is spread over many rows, small enough that the server starts early.
const COPY_CHUNK: usize = 64 << 10;

/// Messages queued for the connection's thread (a bound keeps memory flat when the server
/// is the slower side).
const QUEUE: usize = 32;

/// The statements a session runs on one table, prepared when first needed.
pub(super) struct Stmts {
    pub select: postgres::Statement,
    pub upsert: postgres::Statement,
    pub delete: postgres::Statement,
}

impl Stmts {
    /// `locked`: the select locks the rows it reads.
    pub fn prepare(
        c: &mut impl postgres::GenericClient,
        table: &str,
        cols: &[Column],
        locked: bool,
    ) -> std::result::Result<Stmts, postgres::Error> {
        let typed: Vec<(&str, &str)> = cols
            .iter()
            .map(|c| (c.name.as_str(), c.ty.as_str()))
            .collect();
        let select = if locked {
            sql::select_locked(table, &names(cols))
        } else {
            sql::select_some(table, &names(cols))
        };
        Ok(Stmts {
            select: c.prepare(&select)?,
            upsert: c.prepare(&sql::upsert(table, &typed))?,
            delete: c.prepare(&sql::delete(table))?,
        })
    }
}

/// Work for the connection's thread: a statement on its transaction.
type Job<'s, R> = Box<dyn FnOnce(&mut Transaction<'_>) -> R + Send + 's>;

/// What the connection's thread is asked to do.
enum Msg<'s> {
    /// New rows of one table, in COPY text.
    Copy {
        table: &'static str,
        sql: Arc<str>,
        data: Vec<u8>,
    },
    /// A statement whose answer the caller waits for.
    Call(Job<'s, ()>),
    /// A statement nobody waits for: its failure ends the session.
    Run(Job<'s, std::result::Result<u64, postgres::Error>>),
    Commit(SyncSender<Result<()>>),
}

/// A row: each column's text (or NULL), in table order.
type Values = Vec<Option<String>>;

/// A row as the connection gives it.
fn values(r: &postgres::Row) -> Values {
    (0..r.len()).map(|i| r.get(i)).collect()
}

/// Changed rows per statement.
const UPDATE_ROWS: usize = 512;

/// What a session knows of one table.
struct Table<'s> {
    cols: &'s [Column],
    /// The place of the `id` column.
    id: usize,
    layout: codec::Layout<'s>,
    stmts: Option<Stmts>,
    /// Whether it held no row when the session first looked: its objects need no lookup.
    /// An apply holds the writers' lock exclusively, so no other pjsipctl adds rows
    /// meanwhile; another program that does makes the COPY fail (a unique violation) and
    /// nothing is committed.
    empty: Option<bool>,
    copy_sql: Arc<str>,
    /// New rows in COPY text, not handed over yet, and their stored ids.
    copy: Vec<u8>,
    copy_ids: HashSet<String>,
    /// Changed rows not handed over yet (each column's values), and their stored ids:
    /// written a few hundred per statement, prepared once.
    updates: Vec<Vec<Option<String>>>,
    update_ids: HashSet<String>,
    upsert_many: Option<postgres::Statement>,
}

/// One open transaction: everything it writes is committed together, or nothing.
pub struct Session<'s> {
    jobs: SyncSender<Msg<'s>>,
    /// COPY buffers sent and emptied, to be filled again (fresh ones cost page faults).
    spare: Receiver<Vec<u8>>,
    /// Why the connection's thread stopped, when it did on its own.
    failure: &'s Mutex<Option<Error>>,
    shown: &'s str,
    live: &'s Schema,
    /// Writing (the rows read are locked) or only comparing (a read-only snapshot).
    writes: bool,
    tables: HashMap<&'static str, Table<'s>>,
    /// Rows read ahead (each column's text, in table order), by (table, stored id).
    stored: HashMap<(&'static str, String), Values>,
    /// The row [`Session::stored`] read last, kept for the write that may follow.
    current: Option<(&'static str, String, Values)>,
}

/// Run `f` in one session on `client`: a writing session takes the writers' lock (waiting
/// at most LOCK_WAIT), a comparing one reads one consistent snapshot. Unless `f` commits,
/// everything is rolled back.
pub(super) fn with_session<R>(
    client: &mut postgres::Client,
    shown: &str,
    live: &Schema,
    writes: bool,
    f: impl FnOnce(&mut Session<'_>) -> Result<R>,
) -> Result<R> {
    let failure = Mutex::new(None);
    std::thread::scope(|scope| {
        let (jobs, rx) = sync_channel(QUEUE);
        let (ready, started) = sync_channel(1);
        let (emptied, spare) = sync_channel(QUEUE);
        let failure = &failure;
        std::thread::Builder::new()
            .name("postgresql".into())
            .spawn_scoped(scope, move || {
                connection(client, shown, writes, (rx, emptied), ready, failure)
            })
            .map_err(|e| Error::storage(format!("cannot start a thread: {e}")))?;
        started
            .recv()
            .unwrap_or_else(|_| Err(stopped(failure, shown)))?;
        let mut s = Session {
            jobs,
            spare,
            failure,
            shown,
            live,
            writes,
            tables: HashMap::new(),
            stored: HashMap::new(),
            current: None,
        };
        // Dropping the session ends the thread: what was not committed is rolled back.
        f(&mut s)
    })
}

/// The connection's thread: begin, then run what comes, streaming the rows of a run of
/// copies of one table in one COPY.
fn connection<'s>(
    client: &mut postgres::Client,
    shown: &str,
    writes: bool,
    (rx, emptied): (Receiver<Msg<'s>>, SyncSender<Vec<u8>>),
    ready: SyncSender<Result<()>>,
    failure: &Mutex<Option<Error>>,
) {
    let mut tx = match begin(client, shown, writes) {
        Ok(tx) => tx,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let mut next = rx.recv().ok();
    while let Some(msg) = next.take() {
        match msg {
            Msg::Call(call) => {
                call(&mut tx);
                next = rx.recv().ok();
            }
            Msg::Run(run) => {
                if let Err(e) = run(&mut tx) {
                    *failure.lock().expect("not poisoned") = Some(in_session(&e, shown));
                    return;
                }
                next = rx.recv().ok();
            }
            Msg::Copy { table, sql, data } => {
                let (done, after) = copy(&mut tx, (shown, table, &sql), data, (&rx, &emptied));
                if let Err(e) = done {
                    *failure.lock().expect("not poisoned") = Some(e);
                    // Only now: the message after the COPY may hold a caller's reply
                    // (a commit), and a caller woken by its drop reads the failure.
                    drop(after);
                    return;
                }
                next = after;
            }
            Msg::Commit(reply) => {
                let _ = reply.send(tx.commit().map_err(|e| in_session(&e, shown)));
                return;
            }
        }
    }
}

fn begin<'c>(
    client: &'c mut postgres::Client,
    shown: &str,
    writes: bool,
) -> Result<Transaction<'c>> {
    if !writes {
        return client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| pg_error(&e, shown));
    }
    let mut tx = client.transaction().map_err(|e| pg_error(&e, shown))?;
    tx.batch_execute(&sql::writers_lock(true)).map_err(|e| {
        if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
            Error::storage(format!(
                "{shown}: another pjsipctl is writing to this database; gave up after {} s (nothing was changed)",
                LOCK_WAIT.as_secs()
            ))
            .hint("try again when it has finished")
        } else {
            pg_error(&e, shown)
        }
    })?;
    Ok(tx)
}

/// One COPY for `data` and the copies of the same table that follow it; returns how it
/// ended and the message after them (`None`: the session ended, and the COPY is
/// abandoned). That message is handed back even when the COPY failed: dropping it may wake
/// a caller, who must find the failure recorded first.
fn copy<'s>(
    tx: &mut Transaction<'_>,
    (shown, table, sql): (&str, &'static str, &str),
    mut data: Vec<u8>,
    (rx, emptied): (&Receiver<Msg<'s>>, &SyncSender<Vec<u8>>),
) -> (Result<()>, Option<Msg<'s>>) {
    let mut w = match tx.copy_in(sql) {
        Ok(w) => w,
        Err(e) => return (Err(copy_error(&e, shown, table)), None),
    };
    let next = loop {
        // Flushed, so that the server works on these rows while the next ones are built.
        if let Err(e) = w.write_all(&data).and_then(|()| w.flush()) {
            // A row the server refused ends the COPY: its answer (the constraint, say)
            // comes with the end, else the connection's own error says what happened.
            if let Err(f) = w.finish() {
                if f.as_db_error().is_some() {
                    return (Err(copy_error(&f, shown, table)), None);
                }
            }
            let e = match e.into_inner().map(|i| i.downcast::<postgres::Error>()) {
                Some(Ok(e)) => copy_error(&e, shown, table),
                _ => lost(shown),
            };
            return (Err(e), None);
        }
        data.clear();
        let _ = emptied.try_send(data);
        match rx.recv() {
            Ok(Msg::Copy {
                table: t, data: d, ..
            }) if t == table => data = d,
            Ok(other) => break other,
            Err(_) => return (Ok(()), None),
        }
    };
    let done = w
        .finish()
        .map(drop)
        .map_err(|e| copy_error(&e, shown, table));
    (done, Some(next))
}

fn lost(shown: &str) -> Error {
    Error::storage(format!(
        "{shown}: the connection was lost; the open transaction was rolled back, nothing was committed"
    ))
}

/// Why the connection's thread stopped.
fn stopped(failure: &Mutex<Option<Error>>, shown: &str) -> Error {
    failure
        .lock()
        .expect("not poisoned")
        .take()
        .unwrap_or_else(|| lost(shown))
}

/// A failed COPY: a row another writer created meanwhile is named as such.
fn copy_error(e: &postgres::Error, shown: &str, table: &str) -> Error {
    match e.as_db_error() {
        Some(d) if *d.code() == SqlState::UNIQUE_VIOLATION => Error::storage(format!(
            "{shown}: another writer created a row of {table} while this ran ({}); nothing was committed",
            d.detail().unwrap_or(d.message())
        ))
        .hint("run it again: it compares with what is stored then"),
        _ => in_session(e, shown),
    }
}

/// A failure inside the open transaction: what the server said, or (the connection itself
/// failed: reset, closed) that it was lost, and with it everything not committed.
fn in_session(e: &postgres::Error, shown: &str) -> Error {
    if e.as_db_error().is_some() || e.is_closed() {
        return pg_error(e, shown);
    }
    let mut cause = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        cause = s.to_string();
        src = s.source();
    }
    Error::storage(format!(
        "{shown}: the connection was lost ({cause}); the open transaction was rolled back, nothing was committed"
    ))
}

impl<'s> Session<'s> {
    fn send(&self, msg: Msg<'s>) -> Result<()> {
        self.jobs
            .send(msg)
            .map_err(|_| stopped(self.failure, self.shown))
    }

    /// Run `f` on the connection's thread (after what was sent before) and wait for it.
    fn call<R: Send + 's>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_>) -> std::result::Result<R, postgres::Error> + Send + 's,
    ) -> Result<R> {
        let (reply, answer) = sync_channel(1);
        self.send(Msg::Call(Box::new(move |tx| {
            let _ = reply.send(f(tx));
        })))?;
        match answer.recv() {
            Ok(r) => r.map_err(|e| in_session(&e, self.shown)),
            Err(_) => Err(stopped(self.failure, self.shown)),
        }
    }

    /// The type's table, known to the session (or why the type cannot be stored here).
    fn table(&mut self, ty: &'static TypeDef) -> Result<&'static str> {
        let (t, cols) = resolve(self.live, self.shown, ty)?;
        if !self.tables.contains_key(t) {
            let copy_sql = sql::copy_in(t, &names(cols)).into();
            self.tables.insert(
                t,
                Table {
                    cols,
                    id: cols.iter().position(|c| c.name == "id").unwrap_or(0),
                    layout: codec::Layout::new(ty, cols, self.live),
                    stmts: None,
                    empty: None,
                    copy_sql,
                    copy: Vec::new(),
                    copy_ids: HashSet::new(),
                    updates: vec![Vec::new(); cols.len()],
                    update_ids: HashSet::new(),
                    upsert_many: None,
                },
            );
        }
        Ok(t)
    }

    /// Whether the type has a table in the live database.
    pub fn has_table(&self, ty: &TypeDef) -> bool {
        table_of(ty.name).is_some_and(|t| self.live.tables.contains_key(t))
    }

    fn stmts(&mut self, t: &'static str) -> Result<&Stmts> {
        if self.tables[t].stmts.is_none() {
            let (cols, locked) = (self.tables[t].cols, self.writes);
            let stmts = self.call(move |tx| Stmts::prepare(tx, t, cols, locked))?;
            self.tables.get_mut(t).expect("a known table").stmts = Some(stmts);
        }
        Ok(self.tables[t].stmts.as_ref().expect("prepared"))
    }

    /// Whether the table held no row when the session first asked.
    fn empty(&mut self, t: &'static str) -> Result<bool> {
        if let Some(e) = self.tables[t].empty {
            return Ok(e);
        }
        let q = sql::any_row(t);
        let any: bool = self.call(move |tx| tx.query_one(q.as_str(), &[]).map(|r| r.get(0)))?;
        self.tables.get_mut(t).expect("a known table").empty = Some(!any);
        Ok(!any)
    }

    /// Read ahead (and, writing, lock) the rows of these objects: one query per table.
    pub fn prefetch<'i>(
        &mut self,
        objects: impl IntoIterator<Item = (&'static TypeDef, &'i str)>,
    ) -> Result<()> {
        let mut per: Vec<(&'static str, Vec<String>)> = Vec::new();
        for (ty, id) in objects {
            let t = self.table(ty)?;
            if self.empty(t)? {
                continue;
            }
            let id = codec::encode_chunk(id);
            match per.iter_mut().find(|(n, _)| *n == t) {
                Some((_, ids)) => ids.push(id),
                None => per.push((t, vec![id])),
            }
        }
        for (t, ids) in per {
            self.hand_over(t, &ids)?;
            let select = self.stmts(t)?.select.clone();
            let rows = self.call(move |tx| tx.query(&select, &[&ids]))?;
            let at = self.tables[t].id;
            for r in rows {
                let row = values(&r);
                let id = row[at].clone().unwrap_or_default();
                self.stored.insert((t, id), row);
            }
        }
        Ok(())
    }

    /// The object read ahead for (ty, id) as Asterisk reads it, or why it cannot be read
    /// (`None`: no row). The row is kept for the write that may follow
    /// ([`Session::existing`]), and read only once.
    pub fn stored(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
    ) -> Result<Option<std::result::Result<Object, String>>> {
        let t = self.table(ty)?;
        let key = (t, codec::encode_chunk(id));
        self.current = self.stored.remove(&key).map(|r| (t, key.1, r));
        Ok(self.current.as_ref().map(|c| {
            self.tables[t]
                .layout
                .read(id, &c.2)
                .map_err(|e| e.to_string())
        }))
    }

    /// The stored object a push merges onto, as Asterisk reads it (`None`: no row).
    pub fn existing(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<Object>> {
        let t = self.table(ty)?;
        let sid = codec::encode_chunk(id);
        let row = match self.current.take() {
            Some((ct, cid, row)) if ct == t && cid == sid => Some(row),
            kept => {
                self.current = kept;
                self.stored.remove(&(t, sid))
            }
        };
        row.map(|r| {
            self.tables[t]
                .layout
                .read(id, &r)
                .map_err(|e| unreadable(ty, id, t, e))
        })
        .transpose()
    }

    /// The objects of these ids as Asterisk reads them (or why it cannot), unlocked, in no
    /// order, each with its id as Asterisk names it.
    pub fn rows(
        &mut self,
        ty: &'static TypeDef,
        ids: &[String],
    ) -> Result<Vec<(String, std::result::Result<Object, String>)>> {
        let t = self.table(ty)?;
        let stored: Vec<String> = ids.iter().map(|i| codec::encode_chunk(i)).collect();
        self.hand_over(t, &stored)?;
        let q = sql::select_some(t, &names(self.tables[t].cols));
        let rows = self.call(move |tx| tx.query(q.as_str(), &[&stored]))?;
        let table = &self.tables[t];
        Ok(rows
            .iter()
            .map(|r| {
                let row = values(r);
                let id = codec::read_id(row[table.id].as_deref().unwrap_or_default());
                let object = table.layout.read(&id, &row).map_err(|e| e.to_string());
                (id, object)
            })
            .collect())
    }

    /// The ids of a type's stored objects (as Asterisk names them, in that order); `None`
    /// where it has no table here.
    pub fn ids(&mut self, ty: &'static TypeDef) -> Result<Option<Vec<String>>> {
        if !self.has_table(ty) {
            return Ok(None);
        }
        let t = self.table(ty)?;
        self.send_table(t)?;
        let q = sql::select_all(t, &["id"]);
        let rows = self.call(move |tx| tx.query(q.as_str(), &[]))?;
        let mut ids: Vec<String> = rows
            .iter()
            .map(|r| codec::read_id(&r.get::<_, Option<String>>(0).unwrap_or_default()))
            .collect();
        ids.sort();
        Ok(Some(ids))
    }

    /// Whether (ty, id) is stored; a type without a table here names nothing stored here.
    pub fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        if !self.has_table(ty) {
            return Ok(true);
        }
        let t = self.table(ty)?;
        let sid = codec::encode_chunk(id);
        if self.tables[t].copy_ids.contains(&sid) {
            return Ok(true);
        }
        let q = sql::select_one(t, &["id"]);
        let found = self.call(move |tx| tx.query(q.as_str(), &[&sid]))?;
        Ok(!found.is_empty())
    }

    /// Store `obj` (`created`: no row is there). The row is read back through Asterisk's
    /// rules first; what would read back differently is refused (exit 4), nothing written.
    pub fn write(&mut self, obj: &Object, created: bool) -> Result<()> {
        let t = self.table(obj.ty)?;
        let row = self.tables[t]
            .layout
            .write(obj)
            .map_err(|why| unfaithful(obj.ty, &obj.id, t, created, why))?;
        let sid = codec::encode_chunk(&obj.id);
        if !created {
            // Changed rows go a few hundred per statement (after what this session sent of
            // the same object), as rows that were there.
            self.hand_over(t, std::slice::from_ref(&sid))?;
            let table = self.tables.get_mut(t).expect("a known table");
            for (col, v) in table.updates.iter_mut().zip(row.values()) {
                col.push(v.map(str::to_string));
            }
            table.update_ids.insert(sid);
            if table.update_ids.len() >= UPDATE_ROWS {
                self.send_updates(t)?;
            }
            return Ok(());
        }
        let table = self.tables.get_mut(t).expect("a known table");
        for (i, v) in row.values().enumerate() {
            if i > 0 {
                table.copy.push(b'\t');
            }
            sql::copy_field(&mut table.copy, v);
        }
        table.copy.push(b'\n');
        table.copy_ids.insert(sid);
        if table.copy.len() > COPY_CHUNK {
            self.send_table(t)?;
        }
        Ok(())
    }

    /// Delete one object's row; not there is an error (exit 3).
    pub fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
        let t = self.table(ty)?;
        let sid = codec::encode_chunk(id);
        self.hand_over(t, std::slice::from_ref(&sid))?;
        // What was read of it is gone with it (a re-create pushes onto nothing).
        self.stored.remove(&(t, sid.clone()));
        if self
            .current
            .as_ref()
            .is_some_and(|(ct, cid, _)| *ct == t && *cid == sid)
        {
            self.current = None;
        }
        let delete = self.stmts(t)?.delete.clone();
        let n = self.call(move |tx| tx.execute(&delete, &[&sid]))?;
        if n == 0 {
            return Err(Error::not_found(format!(
                "{} {id} not found in {}",
                ty.name, self.shown
            )));
        }
        Ok(())
    }

    /// Hand every table's rows held to the connection's thread.
    fn send_held(&mut self) -> Result<()> {
        let held: Vec<&'static str> = self
            .tables
            .iter()
            .filter(|(_, t)| !t.copy.is_empty())
            .map(|(n, _)| *n)
            .collect();
        for t in held {
            self.send_table(t)?;
        }
        let changed: Vec<&'static str> = self
            .tables
            .iter()
            .filter(|(_, t)| !t.update_ids.is_empty())
            .map(|(n, _)| *n)
            .collect();
        for t in changed {
            self.send_updates(t)?;
        }
        Ok(())
    }

    /// Hand the table's changed rows to the connection's thread, as one statement.
    fn send_updates(&mut self, t: &'static str) -> Result<()> {
        if self.tables[t].update_ids.is_empty() {
            return Ok(());
        }
        if self.tables[t].upsert_many.is_none() {
            let typed: Vec<(&'s str, &'s str)> = self.tables[t]
                .cols
                .iter()
                .map(|c| (c.name.as_str(), c.ty.as_str()))
                .collect();
            let q = sql::upsert_many(t, &typed);
            let stmt = self.call(move |tx| tx.prepare(&q))?;
            self.tables.get_mut(t).expect("a known table").upsert_many = Some(stmt);
        }
        let table = self.tables.get_mut(t).expect("a known table");
        table.update_ids.clear();
        let n = table.cols.len();
        let columns = std::mem::replace(&mut table.updates, vec![Vec::new(); n]);
        let stmt = table.upsert_many.clone().expect("prepared");
        self.send(Msg::Run(Box::new(move |tx| {
            let params: Vec<&(dyn ToSql + Sync)> =
                columns.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
            tx.execute(&stmt, &params)
        })))
    }

    /// Hand the table's rows held to the connection's thread: every statement sent after
    /// them runs once they are stored.
    fn send_table(&mut self, t: &'static str) -> Result<()> {
        let table = self.tables.get_mut(t).expect("a known table");
        if table.copy.is_empty() {
            return Ok(());
        }
        let next = self
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(COPY_CHUNK + (16 << 10)));
        let data = std::mem::replace(&mut table.copy, next);
        table.copy_ids.clear();
        let sql = table.copy_sql.clone();
        self.send(Msg::Copy {
            table: t,
            sql,
            data,
        })
    }

    /// Before a statement that may read or change one of `ids` in table `t`: what this
    /// session holds of them is handed over first.
    fn hand_over(&mut self, t: &'static str, ids: &[String]) -> Result<()> {
        let holds =
            |held: &HashSet<String>| !held.is_empty() && ids.iter().any(|i| held.contains(i));
        if holds(&self.tables[t].copy_ids) {
            self.send_table(t)?;
        }
        if holds(&self.tables[t].update_ids) {
            self.send_updates(t)?;
        }
        Ok(())
    }

    /// Send what is held and commit: everything is stored, or (on any failure) nothing.
    /// The session can do nothing more.
    pub fn commit(&mut self) -> Result<()> {
        self.send_held()?;
        let (reply, answer) = sync_channel(1);
        self.send(Msg::Commit(reply))?;
        answer
            .recv()
            .unwrap_or_else(|_| Err(stopped(self.failure, self.shown)))
    }
}

/// A push onto what is stored, merged as Sorcery merges it: the new object and the
/// warnings of its fields.
pub fn merged(
    ty: &'static TypeDef,
    id: &str,
    existing: Option<&Object>,
    fields: &[Attr],
) -> Result<(Object, Vec<String>)> {
    let mut built = crate::engine::build(ty, id, existing, fields)
        .map_err(|r| crate::backend::refusal_error(ty, id, existing.is_none(), r))?;
    if let Some(old) = existing {
        keep_acl_rules(old, &mut built.object, fields);
    }
    Ok((built.object, built.warnings))
}
