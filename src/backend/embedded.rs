//! The embedded engine: Sorcery semantics from `engine`, rows in an astdb file as
//! res_sorcery_astdb writes them, so a real Asterisk on that file sees the same objects.

use std::path::Path;

use crate::backend::{Backend, Coverage, Listed, Op, PushOptions, Pushed};
use crate::engine::{self, Refusal};
use crate::error::{Error, Exit, Result};
use crate::model::{Attr, Object, Objectset};
use crate::policy::{self, Severity};
use crate::schema::TypeDef;
use crate::sorcery_conf::Mapping;
use crate::store::{Astdb, Writer};

pub struct Embedded {
    db: Astdb,
    mapping: Mapping,
}

impl Embedded {
    pub fn open(path: &Path, mapping: Mapping) -> Result<Embedded> {
        Ok(Embedded { db: Astdb::open(path)?, mapping })
    }

    /// The astdb key of an object, or `None` when sorcery does not map its type to astdb.
    pub fn key(&self, ty: &TypeDef, id: &str) -> Option<String> {
        self.mapping.astdb_prefix(ty).map(|p| format!("/{p}/{}/{id}", ty.name))
    }

    /// The astdb file itself, for `serve`, which answers as Asterisk does.
    pub fn astdb(&mut self) -> &mut Astdb {
        &mut self.db
    }

    /// What res_sorcery_astdb retrieves: the object, or `None` when the row is missing
    /// or Asterisk could not load it.
    pub fn retrieve(&self, ty: &'static TypeDef, id: &str) -> Result<Option<Object>> {
        let Some(key) = self.key(ty, id) else { return Ok(None) };
        Ok(self.db.get(&key)?.and_then(|row| engine::from_row(ty, id, &row).ok().map(|(o, _)| o)))
    }

    fn writable_key(&self, ty: &TypeDef, id: &str, verb: &str) -> Result<String> {
        check_id(id)?;
        self.key(ty, id).ok_or_else(|| read_only(ty, verb, &self.mapping))
    }

    /// Build and store one push inside an open transaction.
    fn push_in(w: &Writer<'_>, ty: &'static TypeDef, key: &str, id: &str, fields: &[Attr], opts: PushOptions) -> Result<Pushed> {
        let existing = match w.get(key)? {
            None => None,
            Some(row) => match engine::from_row(ty, id, &row) {
                Ok((o, _)) => Some(o),
                Err(e) => {
                    return Err(Error::storage(format!("the stored {} {id} is unreadable: {e}", ty.name))
                        .hint(format!("inspect it with `pjsipctl show {} {id}`, then delete it and push it again", ty.name)))
                }
            },
        };
        let created = existing.is_none();
        let built = engine::build(ty, id, existing.as_ref(), fields).map_err(|r| refusal_error(ty, id, created, r))?;
        let mut warnings = built.warnings;
        for f in policy::check(&built.object) {
            match f.severity {
                Severity::Broken if !opts.force => {
                    return Err(Error::invalid(f.message).hint(format!("{} (or --force to store it anyway)", f.fix)))
                }
                _ => warnings.push(format!("{} — {}", f.message, f.fix)),
            }
        }
        w.put(key, &row_of(&built.object))?;
        Ok(Pushed { objectset: built.object.objectset(), created, warnings })
    }
}

/// The row pjsipctl writes: Asterisk's own, except that an unset callerid is left out
/// (Asterisk's `<unknown>` would read back as the number "unknown"; CONVERSION.md item 4).
pub fn row_of(obj: &Object) -> String {
    obj.row_json()
}

pub fn check_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::usage("the object id is empty"));
    }
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(Error::usage(format!("the object id {id:?} contains the control character {c:?}")));
    }
    Ok(())
}

pub fn read_only(ty: &TypeDef, verb: &str, mapping: &Mapping) -> Error {
    Error::refused(format!(
        "cannot {verb} {} objects: sorcery maps them to the static pjsip.conf (read-only; Asterisk answers 403) [{}]",
        ty.name, mapping.source
    ))
    .hint(format!(
        "to store them in astdb, add to sorcery.conf (and pass it with --sorcery):\n{}",
        Mapping::writable_line(ty)
    ))
}

/// Turn an engine refusal into the user's error, naming the object and what to do.
pub fn refusal_error(ty: &TypeDef, id: &str, created: bool, r: Refusal) -> Error {
    let what = format!("{} {id}", ty.name);
    match r {
        Refusal::CopyFailed(_) => Error::storage(format!("{what}: the stored object cannot be updated: {r}"))
            .hint("Asterisk answers 500 \"Allocation failed\" here; delete the object and push it whole"),
        Refusal::EmptyObjectset(_) => Error::refused(format!("{what}: {r}")),
        _ => Error::invalid(format!("{what}: {r}")).hint(if created {
            "nothing was stored".to_string()
        } else {
            "the stored object is unchanged".to_string()
        }),
    }
}

impl Backend for Embedded {
    fn describe(&self) -> String {
        format!("astdb {}", self.db.path().display())
    }

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
        check_id(id)?;
        let Some(key) = self.key(ty, id) else {
            return Err(Error::not_found(format!("{} {id} not found: {} objects live in the static pjsip.conf", ty.name, ty.name))
                .hint("read it on the Asterisk host with `pjsip show` or through --ari"));
        };
        let row = self
            .db
            .get(&key)?
            .ok_or_else(|| Error::not_found(format!("{} {id} not found in {}", ty.name, self.describe())))?;
        match engine::from_row(ty, id, &row) {
            Ok((o, _)) => Ok(o.objectset()),
            Err(e) => Err(Error::new(Exit::Storage, format!("{} {id}: the stored row ({key}) is unreadable: {e}", ty.name))
                .hint("Asterisk answers 404 for it; delete it with `pjsipctl delete` and push it again")),
        }
    }

    fn push(&mut self, ty: &'static TypeDef, id: &str, fields: &[Attr], opts: PushOptions) -> Result<Pushed> {
        let key = self.writable_key(ty, id, "push")?;
        self.db.write(|w| Self::push_in(w, ty, &key, id, fields, opts))
    }

    fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
        let key = self.writable_key(ty, id, "delete")?;
        let gone = self.db.write(|w| w.delete(&key))?;
        if gone {
            Ok(())
        } else {
            Err(Error::not_found(format!("{} {id} not found in {}", ty.name, self.describe())))
        }
    }

    fn list(&mut self, ty: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
        let Some(prefix) = self.mapping.astdb_prefix(ty) else {
            return Ok((Vec::new(), Coverage::Unavailable(format!("{} objects live in the static pjsip.conf", ty.name))));
        };
        let family = format!("{prefix}/{}", ty.name);
        let rows = self.db.family(&family)?;
        let skip = family.len() + 2;
        let out = rows
            .into_iter()
            .map(|(k, v)| {
                let id = k[skip..].to_string();
                let object = engine::from_row(ty, &id, &v).map(|(o, _)| o.objectset()).map_err(|e| e.to_string());
                Listed { id, object }
            })
            .collect();
        Ok((out, Coverage::Complete))
    }

    fn batch(&mut self, ops: &[Op], opts: PushOptions, progress: &mut dyn FnMut(usize)) -> Result<Vec<Option<Pushed>>> {
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
                    Op::Push { ty, id, fields } => Some(Self::push_in(w, ty, key, id, fields, opts)?),
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
