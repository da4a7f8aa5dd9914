//! The one-pass apply on realtime tables, beside the astdb one (crate::apply::on_astdb):
//! one PostgreSQL transaction open for the whole run (realtime::backend::session); the
//! stored rows of each batch of the file's objects read and locked with one query per
//! table; each change written as it comes: a new object's row (built once, by the reader)
//! sent with COPY, a changed one merged as Sorcery merges it and upserted.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::apply::plan::{Action, Change, Plan, StoredAs};
use crate::apply::read::{Item, Source};
use crate::apply::stored::{Current, Listing, Lookup};
use crate::apply::{run, Ledger, OnAstdb, Rendered, Request, Sink};
use crate::backend::Op;
use crate::error::Result;
use crate::model::Objectset;
use crate::realtime::backend::session::{merged, Session};
use crate::realtime::backend::Realtime;
use crate::schema::TypeDef;

/// Rows read per query where a listing's objects are read (prune with --owner).
const READ_CHUNK: usize = 256;

/// What the open session holds for each object of the file.
pub struct Stored<'s, 'a> {
    s: &'s RefCell<&'s mut Session<'a>>,
    /// Listed ids by type, and the rows read of them so far.
    listed: HashMap<&'static str, Vec<String>>,
    read: HashMap<(&'static str, String), Objectset>,
    /// The file's types without a table here, with why.
    unlisted: Vec<(&'static TypeDef, String)>,
}

impl<'s, 'a> Stored<'s, 'a> {
    pub fn new(s: &'s RefCell<&'s mut Session<'a>>) -> Self {
        Stored {
            s,
            listed: HashMap::new(),
            read: HashMap::new(),
            unlisted: Vec::new(),
        }
    }
}

impl Lookup for Stored<'_, '_> {
    fn stored_as(&self) -> StoredAs {
        StoredAs::Realtime
    }

    fn prefetch(&mut self, items: &[Item]) -> Result<()> {
        self.s
            .borrow_mut()
            .prefetch(items.iter().map(|i| (i.desired.ty, i.desired.id.as_str())))
    }

    fn current(&mut self, item: &Item) -> Result<Current> {
        let (ty, id) = (item.desired.ty, item.desired.id.as_str());
        Ok(match self.s.borrow_mut().stored(ty, id)? {
            Some(Ok(object)) => Current::Object(object),
            Some(Err(why)) => Current::Set(Err(why)),
            None => Current::Absent,
        })
    }

    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        self.s.borrow_mut().exists(ty, id)
    }

    fn listing(&mut self, ty: &'static TypeDef, record: bool) -> Result<Option<Listing>> {
        let Some(ids) = self.s.borrow_mut().ids(ty)? else {
            if record {
                let why = format!("{} objects have no realtime table", ty.name);
                self.unlisted.push((ty, why));
            }
            return Ok(None);
        };
        let listing = ids.iter().map(|i| (i.clone(), Current::Unread)).collect();
        self.listed.insert(ty.name, ids);
        Ok(Some(listing))
    }

    /// A listed object, read with the next ones of its listing (one query per chunk).
    fn read(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        c: &Current,
    ) -> Result<Option<std::result::Result<Objectset, String>>> {
        if !matches!(c, Current::Unread) {
            return Ok(c.clone().into_set(ty, id));
        }
        if let Some(set) = self.read.remove(&(ty.name, id.to_string())) {
            return Ok(Some(Ok(set)));
        }
        let ids = self.listed.get(ty.name).map(Vec::as_slice).unwrap_or(&[]);
        let at = ids.iter().position(|i| i == id);
        let chunk: Vec<String> = match at {
            Some(at) => ids[at..].iter().take(READ_CHUNK).cloned().collect(),
            None => vec![id.to_string()],
        };
        let mut found = None;
        for (rid, object) in self.s.borrow_mut().rows(ty, &chunk)? {
            let set = object.map(|o| o.objectset());
            if rid == id {
                found = Some(set);
            } else if let Ok(set) = set {
                self.read.insert((ty.name, rid), set);
            }
        }
        Ok(found)
    }

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<Objectset>> {
        let rows = self.s.borrow_mut().rows(ty, &[id.to_string()])?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|(_, object)| object.ok().map(|o| o.objectset())))
    }

    fn unlisted(&mut self) -> Vec<(&'static TypeDef, String)> {
        self.unlisted.clone()
    }
}

/// Writes into the open session as changes come. What the tables cannot hold as it is
/// ends the run (exit 4, nothing committed), as it ends a collected apply.
pub struct Written<'s, 'a> {
    s: &'s RefCell<&'s mut Session<'a>>,
    pub ledger: Ledger,
}

impl<'s, 'a> Written<'s, 'a> {
    pub fn new(s: &'s RefCell<&'s mut Session<'a>>) -> Self {
        Written {
            s,
            ledger: Ledger::default(),
        }
    }

    /// A change's operations (a re-create deletes, then pushes), merged onto the row read.
    fn run_ops(&mut self, c: &Change) -> Result<()> {
        let mut s = self.s.borrow_mut();
        for op in Plan::ops_of(c) {
            match op {
                Op::Push { ty, id, fields } => {
                    let existing = s.existing(ty, &id)?;
                    // (The push's own warnings repeat the conversion's, already reported.)
                    let (object, _) = merged(ty, &id, existing.as_ref(), &fields)?;
                    s.write(&object, existing.is_none())?;
                }
                Op::Delete { ty, id } => s.delete(ty, &id)?,
            }
        }
        Ok(())
    }
}

impl Sink for Written<'_, '_> {
    fn takes_rows(&self) -> bool {
        true
    }
    fn detail(&self) -> bool {
        false
    }
    fn writes(&self) -> bool {
        true
    }

    fn change(&mut self, item: &mut Item, change: Option<Change>) -> Result<()> {
        let action = match change {
            Some(c) => {
                self.run_ops(&c)?;
                c.action
            }
            // The object is the file's, built once: its row is what a push would store.
            None => {
                self.s.borrow_mut().write(&item.desired.object, true)?;
                Action::Create
            }
        };
        let id = std::mem::take(&mut item.desired.id);
        self.ledger.pushes[item.rank].push((action, id));
        Ok(())
    }

    fn delete(&mut self, c: Change) -> Result<()> {
        self.s.borrow_mut().delete(c.ty, &c.id)?;
        self.ledger.deletes.push((c.ty, c.id));
        Ok(())
    }
}

/// The one-pass apply on realtime tables: compare and write each object in one
/// transaction as the file is read (`render`: compare only, in a read-only snapshot,
/// rendered as text or JSON). `Ok(None)`: handed over, nothing written.
pub fn on_realtime<'r>(
    db: &mut Realtime,
    source: Source<'_>,
    req: Request<'_>,
    render: Option<Rendered<'r>>,
    progress: &mut dyn FnMut(usize),
) -> Result<Option<OnAstdb<'r>>> {
    db.in_session(render.is_none(), |session| {
        let session = RefCell::new(session);
        let mut lookup = Stored::new(&session);
        let Some(mut sink) = render else {
            let mut sink = Written::new(&session);
            let Some(out) = run(source, None, &mut lookup, &mut sink, req, progress)? else {
                return Ok(None);
            };
            if out.refused() {
                // Not committed: rolled back.
                return Ok(Some((out, Ledger::default(), None)));
            }
            session.borrow_mut().commit()?;
            return Ok(Some((out, std::mem::take(&mut sink.ledger), None)));
        };
        let out = run(source, None, &mut lookup, &mut sink, req, progress)?;
        Ok(out.map(|o| (o, sink.ledger.clone(), Some(sink))))
    })
}
