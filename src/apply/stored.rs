//! What the target holds for each object of the file: the astdb rows of the transaction
//! the one-pass apply has open, or what a target answers through the backend trait
//! (one listing per type where it can list, else one GET per object).

use std::collections::HashMap;

use crate::apply::plan::{row_set, StoredAs};
use crate::apply::read::Item;
use crate::backend::pool::get_parallel;
use crate::backend::{Backend, Coverage};
use crate::error::{Exit, Result};
use crate::model::{Object, Objectset};
use crate::schema::TypeDef;
use crate::store::Writer;

/// What is stored for one object.
#[derive(Debug, Clone)]
pub enum Current {
    Absent,
    /// pjsipctl's own astdb row: compared byte for byte before it is parsed.
    Row(String),
    /// What the target answered, or why it cannot read it.
    Set(std::result::Result<Objectset, String>),
    /// What the target reads back, as an object (realtime rows: compared with the file's
    /// object before any objectset is made).
    Object(Object),
    /// Listed but not read yet (the astdb file, ARI's endpoints: read only when needed).
    Unread,
}

impl Current {
    /// What the target reads back (None: absent).
    pub fn into_set(
        self,
        ty: &'static TypeDef,
        id: &str,
    ) -> Option<std::result::Result<Objectset, String>> {
        match self {
            Current::Absent | Current::Unread => None,
            Current::Row(row) => Some(row_set(ty, id, &row)),
            Current::Set(s) => Some(s),
            Current::Object(o) => Some(Ok(o.objectset())),
        }
    }
}

/// One type's stored objects where the target can list them, in the target's order.
pub type Listing = Vec<(String, Current)>;

pub trait Lookup {
    fn stored_as(&self) -> StoredAs;

    /// Read ahead what a batch of objects will ask (over ARI: GETs over `--jobs` connections).
    fn prefetch(&mut self, _items: &[Item]) -> Result<()> {
        Ok(())
    }

    /// Whether [`Lookup::prefetch`] reads anything: only then are the reader's batches
    /// gathered into larger ones first.
    fn prefetches(&self) -> bool {
        true
    }

    /// Objects worth gathering before one [`Lookup::prefetch`] (0: it reads nothing ahead).
    /// Each prefetch waits for its slowest answer, so few large ones keep the connections busy.
    fn read_ahead(&self) -> usize {
        0
    }

    /// What the target holds for this object.
    fn current(&mut self, item: &Item) -> Result<Current>;

    /// Whether the target holds (ty, id): the object a reference names.
    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool>;

    /// A type's stored objects, or None where the target cannot list it. `record`: a
    /// type of the file, whose being unlisted the user is told.
    fn listing(&mut self, ty: &'static TypeDef, record: bool) -> Result<Option<Listing>>;

    /// An object of a listing, read (an `Unread` one from storage).
    fn read(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        c: &Current,
    ) -> Result<Option<std::result::Result<Objectset, String>>>;

    /// Read ahead the objects of a listing (a part of it) that [`Lookup::read`] will ask.
    fn read_listing(&mut self, _ty: &'static TypeDef, _listing: &[(String, Current)]) {}

    /// One object as the target answers a GET (None: not found).
    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<Objectset>>;

    /// Whether the target cannot list this type at all (over ARI: auth and aor).
    fn unlistable(&mut self, _ty: &'static TypeDef) -> Result<bool> {
        Ok(false)
    }

    /// The file's types the target could not list, with why.
    fn unlisted(&mut self) -> Vec<(&'static TypeDef, String)> {
        Vec::new()
    }
}

/// The astdb file inside the transaction the one-pass apply holds: nothing can change
/// between the comparison and the write.
pub struct InTransaction<'w, 'c> {
    pub w: &'w Writer<'c>,
    pub families: &'w [Option<String>],
    /// Types with nothing stored when the apply began: their objects need no lookup (the
    /// file defines each object once, and the write lock keeps others out).
    empty: Vec<Option<bool>>,
}

impl<'w, 'c> InTransaction<'w, 'c> {
    pub fn new(w: &'w Writer<'c>, families: &'w [Option<String>]) -> Self {
        InTransaction {
            w,
            families,
            empty: vec![None; families.len()],
        }
    }

    fn key(&self, ty: &'static TypeDef, id: &str) -> Option<String> {
        self.families[ty.position()]
            .as_ref()
            .map(|f| format!("/{f}/{id}"))
    }
}

impl Lookup for InTransaction<'_, '_> {
    fn stored_as(&self) -> StoredAs {
        StoredAs::Astdb
    }

    fn prefetches(&self) -> bool {
        false
    }

    fn current(&mut self, item: &Item) -> Result<Current> {
        let r = item.rank;
        let empty = match self.empty[r] {
            Some(e) => e,
            None => {
                let family = self.families[r].as_deref().unwrap_or_default();
                let e = self.w.family_is_empty(family)?;
                self.empty[r] = Some(e);
                e
            }
        };
        if empty {
            return Ok(Current::Absent);
        }
        Ok(match self.w.get(&item.key)? {
            Some(row) => Current::Row(row),
            None => Current::Absent,
        })
    }

    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        match self.key(ty, id) {
            Some(k) => Ok(self.w.get(&k)?.is_some()),
            None => Ok(false),
        }
    }

    fn listing(&mut self, ty: &'static TypeDef, _: bool) -> Result<Option<Listing>> {
        let Some(family) = &self.families[ty.position()] else {
            return Ok(None);
        };
        let keys = self.w.family_keys(family)?;
        Ok(Some(
            keys.into_iter()
                .map(|k| (k[family.len() + 2..].to_string(), Current::Unread))
                .collect(),
        ))
    }

    fn read(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        c: &Current,
    ) -> Result<Option<std::result::Result<Objectset, String>>> {
        if let Current::Unread = c {
            let row = match self.key(ty, id) {
                Some(k) => self.w.get(&k)?,
                None => None,
            };
            return Ok(row.map(|r| row_set(ty, id, &r)));
        }
        Ok(c.clone().into_set(ty, id))
    }

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<Objectset>> {
        Ok(self.read(ty, id, &Current::Unread)?.and_then(|r| r.ok()))
    }
}

/// What prune asks of a stored object the file also has: what it references (schema
/// `TypeDef::references`) and its marks (extended `@` attributes).
fn prune_view(ty: &'static TypeDef, set: &Objectset) -> Objectset {
    set.iter()
        .filter(|a| {
            a.attribute.starts_with('@') || ty.references.iter().any(|r| r.attr == a.attribute)
        })
        .cloned()
        .collect()
}

/// Any target through the backend trait, with the extra `--jobs` connections.
pub struct Remote<'b> {
    backend: &'b mut dyn Backend,
    workers: &'b mut [Box<dyn Backend + Send>],
    stored_as: StoredAs,
    /// Listings by type name: ids in the target's order, and what each holds.
    listed: HashMap<&'static str, (Vec<String>, HashMap<String, Current>)>,
    /// Types that could not be listed, with why, and whether they are the file's.
    unlisted: Vec<(&'static TypeDef, String, bool)>,
    /// Answers of GETs read ahead over the workers.
    fetched: HashMap<(&'static str, String), Result<Objectset>>,
    /// Types listed by id only (ARI's endpoints, one GET each): their objects are read when
    /// an item or prune asks, so memory does not grow with the target's objects.
    by_id: Vec<&'static str>,
    /// Listed objects read ahead (over the workers) for the items or prune to come.
    fetched_listed: HashMap<(&'static str, String), ListedAnswer>,
}

/// A listed object's GET: its objectset, why the target cannot read it, or the failure.
type ListedAnswer = Result<std::result::Result<Objectset, String>>;

impl<'b> Remote<'b> {
    pub fn new(
        backend: &'b mut dyn Backend,
        workers: &'b mut [Box<dyn Backend + Send>],
        stored_as: StoredAs,
    ) -> Self {
        Remote {
            backend,
            workers,
            stored_as,
            listed: HashMap::new(),
            unlisted: Vec::new(),
            fetched: HashMap::new(),
            by_id: Vec::new(),
            fetched_listed: HashMap::new(),
        }
    }

    /// Whether the type is listed by id only, with `id` among its listed objects not read yet.
    fn unread(&self, ty: &'static TypeDef, id: &str) -> bool {
        self.by_id.contains(&ty.name)
            && matches!(
                self.listed.get(ty.name).and_then(|(_, m)| m.get(id)),
                Some(Current::Unread)
            )
    }

    /// A listed object, from the read-ahead or with its own GET.
    fn read_listed(&mut self, ty: &'static TypeDef, id: &str) -> ListedAnswer {
        match self.fetched_listed.remove(&(ty.name, id.to_string())) {
            Some(r) => r,
            None => self.backend.listed_object(ty, id),
        }
    }

    /// GET the listed objects of `want` not read yet over the workers at once.
    fn read_ahead_listed(&mut self, want: Vec<(&'static TypeDef, &str)>) {
        if self.workers.len() < 2 {
            return;
        }
        let need: Vec<(&'static TypeDef, &str)> = want
            .into_iter()
            .filter(|(ty, id)| {
                self.unread(ty, id) && !self.fetched_listed.contains_key(&(ty.name, id.to_string()))
            })
            .collect();
        let got = crate::backend::pool::parallel(self.workers, need.len(), |w, i| {
            Ok(w.listed_object(need[i].0, need[i].1))
        })
        .expect("a GET's failure is its answer");
        for ((ty, id), r) in need.into_iter().zip(got) {
            self.fetched_listed.insert((ty.name, id.to_string()), r);
        }
    }

    /// List the type once (raw rows where the target keeps pjsipctl's own).
    fn ensure_listed(&mut self, ty: &'static TypeDef, record: bool) -> Result<()> {
        if self.listed.contains_key(ty.name) {
            return Ok(());
        }
        if let Some(i) = self.unlisted.iter().position(|(t, ..)| t.name == ty.name) {
            self.unlisted[i].2 |= record;
            return Ok(());
        }
        if let Some(rows) = self.backend.raw_rows(ty)? {
            let ids = rows.iter().map(|(id, _)| id.clone()).collect();
            let map = rows
                .into_iter()
                .map(|(id, row)| (id, Current::Row(row)))
                .collect();
            self.listed.insert(ty.name, (ids, map));
            return Ok(());
        }
        // Ids only, each object read when asked (prune reads the others): whole objectsets
        // of every listed endpoint would grow with the target.
        if let Some(ids) = self.backend.listed_ids(ty)? {
            let map = ids.iter().map(|id| (id.clone(), Current::Unread)).collect();
            self.listed.insert(ty.name, (ids, map));
            self.by_id.push(ty.name);
            return Ok(());
        }
        let (items, coverage) = self.backend.list(ty)?;
        match coverage {
            Coverage::Complete => {
                let ids = items.iter().map(|l| l.id.clone()).collect();
                let map = items
                    .into_iter()
                    .map(|l| (l.id, Current::Set(l.object)))
                    .collect();
                self.listed.insert(ty.name, (ids, map));
            }
            Coverage::Unavailable(why) => self.unlisted.push((ty, why, record)),
        }
        Ok(())
    }
}

impl Lookup for Remote<'_> {
    fn stored_as(&self) -> StoredAs {
        self.stored_as
    }

    fn read_ahead(&self) -> usize {
        if self.workers.len() < 2 {
            0
        } else {
            crate::backend::pool::CHUNK * 4
        }
    }

    fn prefetch(&mut self, items: &[Item]) -> Result<()> {
        for item in items {
            self.ensure_listed(item.desired.ty, true)?;
        }
        if self.workers.len() < 2 {
            return Ok(());
        }
        self.read_ahead_listed(
            items
                .iter()
                .map(|i| (i.desired.ty, i.desired.id.as_str()))
                .collect(),
        );
        let need: Vec<(&'static TypeDef, String)> = items
            .iter()
            .map(|i| (i.desired.ty, i.desired.id.clone()))
            .filter(|(t, _)| !self.listed.contains_key(t.name))
            .collect();
        for ((t, id), r) in need.iter().zip(get_parallel(self.workers, &need)) {
            self.fetched.insert((t.name, id.clone()), r);
        }
        Ok(())
    }

    fn current(&mut self, item: &Item) -> Result<Current> {
        let d = &item.desired;
        self.ensure_listed(d.ty, true)?;
        if self.unread(d.ty, &d.id) {
            let got = self.read_listed(d.ty, &d.id)?;
            // Kept for prune, which reads the stored objects again: only what it asks of an
            // object the file has (what it references), not the whole objectset.
            let kept = match &got {
                Ok(set) => Ok(prune_view(d.ty, set)),
                Err(why) => Err(why.clone()),
            };
            if let Some((_, map)) = self.listed.get_mut(d.ty.name) {
                map.insert(d.id.clone(), Current::Set(kept));
            }
            return Ok(Current::Set(got));
        }
        if let Some((_, map)) = self.listed.get(d.ty.name) {
            return Ok(map.get(&d.id).cloned().unwrap_or(Current::Absent));
        }
        let answer = match self.fetched.remove(&(d.ty.name, d.id.clone())) {
            Some(r) => r,
            None => self.backend.get(d.ty, &d.id),
        };
        match answer {
            Ok(set) => Ok(Current::Set(Ok(set))),
            Err(e) if e.exit == Exit::NotFound => Ok(Current::Absent),
            Err(e) => Err(e),
        }
    }

    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        Ok(self.backend.get(ty, id).is_ok())
    }

    fn listing(&mut self, ty: &'static TypeDef, record: bool) -> Result<Option<Listing>> {
        self.ensure_listed(ty, record)?;
        Ok(self.listed.get(ty.name).map(|(ids, map)| {
            ids.iter()
                .map(|id| (id.clone(), map.get(id).cloned().unwrap_or(Current::Absent)))
                .collect()
        }))
    }

    fn read_listing(&mut self, ty: &'static TypeDef, listing: &[(String, Current)]) {
        self.read_ahead_listed(listing.iter().map(|(id, _)| (ty, id.as_str())).collect());
    }

    fn read(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        c: &Current,
    ) -> Result<Option<std::result::Result<Objectset, String>>> {
        if self.unread(ty, id) {
            return self.read_listed(ty, id).map(Some);
        }
        if let (true, Some((_, map))) = (self.by_id.contains(&ty.name), self.listed.get(ty.name)) {
            return Ok(map.get(id).cloned().and_then(|c| c.into_set(ty, id)));
        }
        Ok(c.clone().into_set(ty, id))
    }

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<Objectset>> {
        match self.backend.get(ty, id) {
            Ok(set) => Ok(Some(set)),
            Err(e) if e.exit == Exit::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn unlistable(&mut self, ty: &'static TypeDef) -> Result<bool> {
        if self.listed.contains_key(ty.name) {
            return Ok(false);
        }
        if self.unlisted.iter().any(|(t, ..)| t.name == ty.name) {
            return Ok(true);
        }
        if self.backend.raw_rows(ty)?.is_some() {
            return Ok(false);
        }
        Ok(matches!(
            self.backend.list(ty)?,
            (_, Coverage::Unavailable(_))
        ))
    }

    fn unlisted(&mut self) -> Vec<(&'static TypeDef, String)> {
        self.unlisted
            .iter()
            .filter(|(.., file)| *file)
            .map(|(t, why, _)| (*t, why.clone()))
            .collect()
    }
}
