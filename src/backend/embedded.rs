//! The embedded engine: Sorcery semantics from `engine`, rows in an astdb file as
//! res_sorcery_astdb writes them, so a real Asterisk on that file sees the same objects.

use std::path::Path;
use std::rc::Rc;

use crate::backend::static_conf::{self, ConfigWizard, Loaded};
use crate::backend::{
    check_id, refusal_error, Backend, Coverage, Current, Listed, Op, Prepared, Pushed,
};
use crate::engine;
use crate::error::{Error, Result};
use crate::model::{Attr, Object, Objectset};
use crate::schema::TypeDef;
use crate::sorcery_conf::Mapping;
use crate::store::{Astdb, Writer};

pub struct Embedded {
    db: Astdb,
    mapping: Mapping,
    /// Objects read through `config` wizards, by (type, wizard data).
    statics: Vec<(&'static str, String, Rc<Loaded>)>,
}

/// Where a retrieve found an object (the first wizard that has it, in sorcery.conf order).
enum Hit {
    /// An astdb row (its text).
    Astdb(String),
    /// A static config file (its path).
    Static(String),
}

impl Embedded {
    /// Open an existing astdb file; `writes` says whether the command may write to it.
    pub fn open(path: &Path, mapping: Mapping, writes: bool) -> Result<Embedded> {
        Ok(Embedded {
            db: Astdb::open(path, writes)?,
            mapping,
            statics: Vec::new(),
        })
    }

    /// No astdb file (a command that does not create one): static objects only.
    pub fn without_astdb(path: &Path, mapping: Mapping) -> Result<Embedded> {
        Ok(Embedded {
            db: Astdb::absent(path)?,
            mapping,
            statics: Vec::new(),
        })
    }

    /// The objects a `config` wizard gives `ty` (read once per run).
    fn static_objects(&mut self, ty: &'static TypeDef, data: &str) -> Rc<Loaded> {
        if let Some((_, _, l)) = self
            .statics
            .iter()
            .find(|(t, d, _)| *t == ty.name && d == data)
        {
            return l.clone();
        }
        let l = Rc::new(static_conf::load(
            ty,
            &self.mapping.confdir,
            &ConfigWizard::parse(data),
        ));
        self.statics.push((ty.name, data.to_string(), l.clone()));
        l
    }

    /// ast_sorcery_retrieve_by_id: the wizards in order, the first hit wins.
    fn retrieve(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<(Object, Hit)>> {
        for w in self.mapping.wizards(ty).to_vec() {
            match w.name.as_str() {
                "astdb" if !w.cache => {
                    let key = format!(
                        "/{}/{}/{id}",
                        w.data.split(',').next().unwrap_or(""),
                        ty.name
                    );
                    if let Some(row) = self.db.get(&key)? {
                        return match engine::from_row(ty, id, &row) {
                            Ok((o, _)) => Ok(Some((o, Hit::Astdb(row)))),
                            Err(e) => Err(Error::storage(format!(
                                "{} {id}: the stored row ({key}) is unreadable",
                                ty.name
                            ))
                            .because(e)
                            .hint("Asterisk answers 404 for it; delete it with `pjsipctl delete` and push it again")),
                        };
                    }
                }
                "config" => {
                    let loaded = self.static_objects(ty, &w.data);
                    if let Some(o) = loaded.find(id) {
                        let file = ConfigWizard::parse(&w.data)
                            .path(&self.mapping.confdir)
                            .display()
                            .to_string();
                        return Ok(Some((o.clone(), Hit::Static(file))));
                    }
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Where an object is, without reading it: a row Asterisk cannot parse can still be
    /// found (and deleted, which never needs its content).
    fn locate(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<Hit>> {
        for w in self.mapping.wizards(ty).to_vec() {
            match w.name.as_str() {
                "astdb" if !w.cache => {
                    let prefix = w.data.split(',').next().unwrap_or("");
                    if let Some(row) = self.db.get(&format!("/{prefix}/{}/{id}", ty.name))? {
                        return Ok(Some(Hit::Astdb(row)));
                    }
                }
                "config" if self.static_objects(ty, &w.data).find(id).is_some() => {
                    let file = ConfigWizard::parse(&w.data)
                        .path(&self.mapping.confdir)
                        .display()
                        .to_string();
                    return Ok(Some(Hit::Static(file)));
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Why a static object may be missing: its file is unreadable, or Asterisk refused its section.
    fn static_reason(&mut self, ty: &'static TypeDef, id: &str) -> Option<String> {
        for w in self.mapping.wizards(ty).to_vec() {
            if w.name != "config" {
                continue;
            }
            let loaded = self.static_objects(ty, &w.data);
            if let Some((_, why)) = loaded.refused.iter().find(|(i, _)| i == id) {
                return Some(why.clone());
            }
            if let Some(why) = &loaded.unavailable {
                return Some(why.clone());
            }
        }
        None
    }

    /// A push on an object that only a read-only wizard holds (or could hold): validated as
    /// Asterisk validates it first (400), then refused as Asterisk refuses the write (403).
    fn push_read_only(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        fields: &[Attr],
        existing: Option<(Object, String)>,
    ) -> Result<Pushed> {
        let created = existing.is_none();
        engine::build(ty, id, existing.as_ref().map(|(o, _)| o), fields)
            .map_err(|r| refusal_error(ty, id, created, r))?;
        Err(self.refuse_write(ty, id, existing.as_ref().map(|(_, file)| file.as_str())))
    }

    /// Asterisk's 403 for a push on an object a static file holds (`file`), or whose type
    /// no writable wizard holds.
    fn refuse_write(&self, ty: &'static TypeDef, id: &str, file: Option<&str>) -> Error {
        match file {
            Some(file) => Error::refused(format!(
                "cannot update {} {id}: it lives in {file}, which push configuration cannot change \
                 (Asterisk answers 403 \"Cannot update sorcery objects of type '{}'\")",
                ty.name, ty.name
            ))
            .hint(format!(
                "edit {file} and reload, or map {} to astdb in sorcery.conf:\n{}",
                ty.name,
                Mapping::writable_line(ty)
            )),
            None => read_only(ty, "push", Some(id), &self.mapping),
        }
    }

    /// The astdb key of an object, or `None` when sorcery does not map its type to astdb.
    pub fn key(&self, ty: &TypeDef, id: &str) -> Option<String> {
        self.family(ty).map(|f| format!("/{f}/{id}"))
    }

    /// The astdb file itself, for `serve`, which answers as Asterisk does.
    pub fn astdb(&mut self) -> &mut Astdb {
        &mut self.db
    }

    /// What ast_sorcery_retrieve_by_id finds, for `serve`: the first wizard holding a
    /// loadable object (a row Asterisk cannot load counts as absent, and the next wizard
    /// is asked). The flag is true when the object comes from a static config file.
    pub fn retrieve_as_asterisk(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
    ) -> Result<Option<(Object, bool)>> {
        for w in self.mapping.wizards(ty).to_vec() {
            match w.name.as_str() {
                "astdb" if !w.cache => {
                    let prefix = w.data.split(',').next().unwrap_or("");
                    let key = format!("/{prefix}/{}/{id}", ty.name);
                    if let Some(Ok((o, _))) =
                        self.db.get(&key)?.map(|row| engine::from_row(ty, id, &row))
                    {
                        return Ok(Some((o, false)));
                    }
                }
                "config" => {
                    if let Some(o) = self.static_objects(ty, &w.data).find(id) {
                        return Ok(Some((o.clone(), true)));
                    }
                }
                _ => {}
            }
        }
        Ok(None)
    }

    fn writable_key(&self, ty: &TypeDef, id: &str, verb: &str) -> Result<String> {
        check_id(id)?;
        self.key(ty, id)
            .ok_or_else(|| read_only(ty, verb, Some(id), &self.mapping))
    }

    /// The astdb family (`prefix/type`) of a type's rows, when sorcery maps it to astdb.
    pub fn family(&self, ty: &TypeDef) -> Option<String> {
        self.mapping
            .astdb_prefix(ty)
            .map(|p| format!("{p}/{}", ty.name))
    }

    /// Merge and store one judged push inside an open transaction (a change of a plan:
    /// apply has judged it already, so nothing is judged here).
    pub(crate) fn push_in(
        w: &Writer<'_>,
        ty: &'static TypeDef,
        key: &str,
        id: &str,
        fields: &[Attr],
        answer: bool,
    ) -> Result<Pushed> {
        let stored = w.get(key)?;
        let existing = match &stored {
            None => None,
            Some(row) => match engine::from_row(ty, id, row) {
                Ok((o, _)) => Some(o),
                Err(e) => {
                    return Err(Error::storage(format!(
                        "the stored {} {id} is unreadable",
                        ty.name
                    ))
                    .because(e)
                    .hint(format!(
                        "inspect it with `pjsipctl show {} {id}`, then delete it and push it again",
                        ty.name
                    )))
                }
            },
        };
        let created = existing.is_none();
        let built = engine::build(ty, id, existing.as_ref(), fields)
            .map_err(|r| refusal_error(ty, id, created, r))?;
        let row = row_of(&built.object);
        // What Asterisk reads back is what was there: the push says so (the row is written
        // only if its text differs: a merged object prints some empty fields a new one omits).
        let unchanged = existing
            .as_ref()
            .is_some_and(|o| o.objectset() == built.object.objectset());
        if stored.as_deref() != Some(row.as_str()) {
            w.put(key, &row)?;
        }
        Ok(Pushed {
            unchanged,
            // A batch only reports warnings: building every answer would cost more than the write.
            objectset: if answer {
                built.object.objectset()
            } else {
                Vec::new()
            },
            created,
            warnings: built.warnings,
        })
    }
}

/// The row pjsipctl writes: Asterisk's own, except that an unset callerid is left out
/// (Asterisk's `<unknown>` would read back as the number "unknown"; res/res_pjsip/pjsip_configuration.c:
/// caller_id_to_str, main/callerid.c: ast_callerid_merge).
pub fn row_of(obj: &Object) -> String {
    obj.row_json()
}

/// The refusal of a write to a type sorcery maps to a static file; `id` names the object
/// when there is one; `verb` is what was asked ("push", "update", "delete").
pub fn read_only(ty: &TypeDef, verb: &str, id: Option<&str>, mapping: &Mapping) -> Error {
    let what = match id {
        Some(id) => format!("{} {id}", ty.name),
        None => format!("{} objects", ty.name),
    };
    let asterisk = if verb == "update" { "update" } else { "create" };
    Error::refused(format!(
        "cannot {verb} {what}: sorcery maps {} objects to a static config file, which push \
         configuration cannot change (Asterisk answers 403 \"Cannot {asterisk} sorcery objects of type \
         '{}'\") [{}]",
        ty.name, ty.name, mapping.source
    ))
    .hint(format!(
        "to store them in astdb, add to sorcery.conf (and pass it with --sorcery):\n{}",
        Mapping::writable_line(ty)
    ))
}

impl Embedded {
    /// [`Backend::each`] through the whole listing: several wizards, whose objects are
    /// merged by id.
    fn each_listed(
        &mut self,
        ty: &'static TypeDef,
        f: &mut dyn FnMut(Listed) -> Result<()>,
    ) -> Result<Coverage> {
        let (items, coverage) = self.list(ty)?;
        for l in items {
            f(l)?;
        }
        Ok(coverage)
    }
}

impl Backend for Embedded {
    fn describe(&self) -> String {
        format!("astdb {}", self.db.path().display())
    }

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
        check_id(id)?;
        match self.retrieve(ty, id)? {
            Some((o, _)) => Ok(o.objectset()),
            None => {
                let mut e =
                    Error::not_found(format!("{} {id} not found in {}", ty.name, self.describe()));
                if let Some(why) = self.static_reason(ty, id) {
                    e = e.hint(why);
                }
                Err(e)
            }
        }
    }

    fn current(&mut self, ty: &'static TypeDef, id: &str) -> Result<Current> {
        check_id(id)?;
        Ok(match self.retrieve(ty, id)? {
            Some((o, Hit::Static(file))) => Current {
                read_only: Some(self.refuse_write(ty, id, Some(&file))),
                object: Some(o),
                ..Current::default()
            },
            Some((o, Hit::Astdb(row))) => Current {
                object: Some(o),
                version: Some(row),
                ..Current::default()
            },
            None if self.key(ty, id).is_none() => Current {
                read_only: Some(self.refuse_write(ty, id, None)),
                ..Current::default()
            },
            None => Current::default(),
        })
    }

    /// A static object counts as stored.
    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        Ok(self.locate(ty, id)?.is_some())
    }

    fn store(&mut self, p: &Prepared) -> Result<Option<Pushed>> {
        let key = self.writable_key(p.ty, &p.id, "push")?;
        let row = row_of(&p.object);
        self.db.write(|w| {
            let stored = w.get(&key)?;
            if stored != p.before.version {
                return Ok(None);
            }
            if stored.as_deref() != Some(row.as_str()) {
                w.put(&key, &row)?;
            }
            Ok(Some(Pushed {
                objectset: p.object.objectset(),
                created: p.created(),
                unchanged: p.unchanged(),
                warnings: p.warnings.clone(),
            }))
        })
    }

    fn push(&mut self, ty: &'static TypeDef, id: &str, fields: &[Attr]) -> Result<Pushed> {
        check_id(id)?;
        match self.retrieve(ty, id)? {
            Some((o, Hit::Static(file))) => self.push_read_only(ty, id, fields, Some((o, file))),
            None if self.key(ty, id).is_none() => self.push_read_only(ty, id, fields, None),
            _ => {
                let key = self.writable_key(ty, id, "push")?;
                self.db
                    .write(|w| Self::push_in(w, ty, &key, id, fields, true))
            }
        }
    }

    fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
        check_id(id)?;
        match self.locate(ty, id)? {
            None => Err(Error::not_found(format!(
                "{} {id} not found in {}",
                ty.name,
                self.describe()
            ))),
            Some(Hit::Static(file)) => Err(Error::refused(format!(
                "cannot delete {} {id}: it lives in {file}, which push configuration cannot change \
                 (Asterisk answers 403 \"Could not delete object with id '{id}'\")",
                ty.name
            ))
            .hint(format!("remove the [{id}] section from {file} and reload"))),
            Some(Hit::Astdb(_)) => {
                let key = self.writable_key(ty, id, "delete")?;
                if self.db.write(|w| w.delete(&key))? {
                    Ok(())
                } else {
                    Err(Error::not_found(format!(
                        "{} {id} not found in {}",
                        ty.name,
                        self.describe()
                    )))
                }
            }
        }
    }

    fn list(&mut self, ty: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
        let mut out: Vec<Listed> = Vec::new();
        let mut unavailable = Vec::new();
        let wizards = self.mapping.wizards(ty).to_vec();
        for w in &wizards {
            match w.name.as_str() {
                "astdb" if !w.cache => {
                    let family = format!("{}/{}", w.data.split(',').next().unwrap_or(""), ty.name);
                    let skip = family.len() + 2;
                    for (k, v) in self.db.family(&family)? {
                        let id = k[skip..].to_string();
                        if out.iter().any(|l| l.id == id) {
                            continue;
                        }
                        let object = engine::from_row(ty, &id, &v)
                            .map(|(o, _)| o.objectset())
                            .map_err(|e| e.to_string());
                        out.push(Listed { id, object });
                    }
                }
                "config" => {
                    let loaded = self.static_objects(ty, &w.data);
                    if let Some(why) = &loaded.unavailable {
                        unavailable.push(why.clone());
                    }
                    for o in &loaded.objects {
                        if !out.iter().any(|l| l.id == o.id) {
                            out.push(Listed {
                                id: o.id.clone(),
                                object: Ok(o.objectset()),
                            });
                        }
                    }
                    for (id, why) in &loaded.refused {
                        if !out.iter().any(|l| &l.id == id) {
                            out.push(Listed {
                                id: id.clone(),
                                object: Err(why.clone()),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        let only_static = wizards.iter().all(|w| w.name == "config");
        if out.is_empty() && only_static && !unavailable.is_empty() {
            return Ok((out, Coverage::Unavailable(unavailable.join("; "))));
        }
        Ok((out, Coverage::Complete))
    }

    fn each(
        &mut self,
        ty: &'static TypeDef,
        f: &mut dyn FnMut(Listed) -> Result<()>,
    ) -> Result<Coverage> {
        // The usual mapping, one astdb family: its rows are already in id order.
        let ws = self.mapping.wizards(ty).to_vec();
        let w = match ws.as_slice() {
            [w] if w.name == "astdb" && !w.cache => w,
            _ => return self.each_listed(ty, f),
        };
        let family = format!("{}/{}", w.data.split(',').next().unwrap_or(""), ty.name);
        let skip = family.len() + 2;
        self.db.each_in_family(&family, |k, v| {
            let id = &k[skip..];
            let object = engine::from_row(ty, id, v)
                .map(|(o, _)| o.objectset())
                .map_err(|e| e.to_string());
            f(Listed {
                id: id.to_string(),
                object,
            })
        })?;
        Ok(Coverage::Complete)
    }

    fn raw_rows(&mut self, ty: &'static TypeDef) -> Result<Option<Vec<(String, String)>>> {
        let Some(family) = self.family(ty) else {
            return Ok(None);
        };
        let skip = family.len() + 2;
        let rows = self.db.family(&family)?;
        Ok(Some(
            rows.into_iter()
                .map(|(k, v)| (k[skip..].to_string(), v))
                .collect(),
        ))
    }

    fn batch(
        &mut self,
        ops: &[Op],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Option<Pushed>>> {
        let mut keys = Vec::with_capacity(ops.len());
        for op in ops {
            keys.push(match op {
                Op::Push { ty, id, .. } => self.writable_key(ty, id, "push")?,
                Op::Delete { ty, id } => self.writable_key(ty, id, "delete")?,
            });
        }
        self.db.write(|w| {
            let mut out = Vec::with_capacity(ops.len());
            for (i, (op, key)) in ops.iter().zip(&keys).enumerate() {
                out.push(match op {
                    Op::Push { ty, id, fields } => {
                        Some(Self::push_in(w, ty, key, id, fields, false)?)
                    }
                    Op::Delete { ty, id } => {
                        if !w.delete(key)? {
                            return Err(Error::not_found(format!("{} {id} not found", ty.name)));
                        }
                        None
                    }
                });
                progress(i + 1);
            }
            Ok(out)
        })
    }
}
