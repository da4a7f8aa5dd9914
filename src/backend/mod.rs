//! Where objects live: the embedded engine on an astdb file, or a live Asterisk over ARI.
//! Commands talk to this trait only, so both behave the same.

pub mod embedded;
pub mod pool;
pub mod static_conf;

use crate::engine::Refusal;
use crate::error::{Error, Exit, Result};
use crate::model::{Attr, Object, Objectset};
use crate::schema::TypeDef;

/// What a push produced.
#[derive(Debug)]
pub struct Pushed {
    /// The whole object as the target answered it.
    pub objectset: Objectset,
    pub created: bool,
    /// The object was already stored exactly so: nothing changed.
    pub unchanged: bool,
    pub warnings: Vec<String>,
}

/// One stored object from a listing; a row the target cannot read is reported, not skipped.
#[derive(Debug)]
pub struct Listed {
    pub id: String,
    /// The object, or why the target cannot read it: words for the user (a warning, a
    /// plan's note, an export comment), which no caller matches on.
    pub object: std::result::Result<Objectset, String>,
}

/// How much of a listing a backend can prove.
#[derive(Debug, PartialEq, Eq)]
pub enum Coverage {
    Complete,
    /// The target cannot list this type; the string says why.
    Unavailable(String),
}

/// One change in a plan, for [`Backend::batch`].
#[derive(Debug, Clone)]
pub enum Op {
    Push {
        ty: &'static TypeDef,
        id: String,
        fields: Vec<Attr>,
    },
    Delete {
        ty: &'static TypeDef,
        id: String,
    },
}

/// What a target holds for an id, as a push is prepared against it ([`Backend::current`]).
#[derive(Debug, Default)]
pub struct Current {
    /// The stored object as the target rebuilds it for an update; `None`: nothing stored.
    pub object: Option<Object>,
    /// The target's own answer for it, where it gives one (ARI's GET).
    pub answered: Option<Objectset>,
    /// What [`Backend::store`] must still find before it writes (the astdb row, the realtime
    /// columns), so that a push is stored only on what it was prepared against.
    pub version: Option<String>,
    /// Why the target takes no push for this object (a static config file holds the type or
    /// the object): reported once the fields are validated, as Asterisk validates first.
    pub read_only: Option<Error>,
}

/// A push ready to be stored, as [`crate::prepare::prepare_push`] built and judged it
/// against [`Backend::current`]: what [`Backend::store`] is given.
#[derive(Debug)]
pub struct Prepared {
    pub ty: &'static TypeDef,
    pub id: String,
    /// The fields as given: a target that merges them itself (ARI) is sent these.
    pub fields: Vec<Attr>,
    /// What the target will hold, as the engine predicts it (what astdb and realtime store).
    pub object: Object,
    /// What it held (`object: None`: the push creates it).
    pub before: Current,
    /// Everything to tell about it: the handlers' notes and the policy's warnings.
    pub warnings: Vec<String>,
}

impl Prepared {
    pub fn created(&self) -> bool {
        self.before.object.is_none()
    }

    /// Whether the target goes on holding exactly what it held.
    pub fn unchanged(&self) -> bool {
        self.before
            .object
            .as_ref()
            .is_some_and(|o| o.objectset() == self.object.objectset())
    }
}

/// Turn an engine refusal into the user's error, naming the object and what to do.
pub fn refusal_error(ty: &TypeDef, id: &str, created: bool, r: Refusal) -> Error {
    let what = format!("{} {id}", ty.name);
    match r {
        Refusal::CopyFailed(_) => Error::storage(format!(
            "{what}: the stored object cannot be updated: {r}"
        ))
        .hint(
            "Asterisk answers 500 \"Allocation failed\" here; delete the object and push it whole",
        ),
        Refusal::EmptyObjectset(_) => Error::refused(format!("{what}: {r}")),
        _ => Error::invalid(format!("{what}: {r}")).hint(if created {
            "nothing was stored".to_string()
        } else {
            "the stored object is unchanged".to_string()
        }),
    }
}

/// Backends fetch and store; what a push may store is decided above them, once
/// ([`crate::prepare`]), from what [`Backend::current`] and [`Backend::exists`] tell.
pub trait Backend {
    /// A short description of the target for messages ("astdb /path", "ARI http://...").
    fn describe(&self) -> String;

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset>;

    /// What a push of this object is prepared against. By default the object the target
    /// answers, rebuilt as Sorcery's copy rebuilds it.
    fn current(&mut self, ty: &'static TypeDef, id: &str) -> Result<Current> {
        match self.get(ty, id) {
            Ok(set) => Ok(Current {
                object: Some(
                    crate::engine::rebuild(ty, id, &set)
                        .map_err(|r| refusal_error(ty, id, false, r))?,
                ),
                answered: Some(set),
                ..Current::default()
            }),
            Err(e) if e.exit == Exit::NotFound => Ok(Current::default()),
            Err(e) => Err(e),
        }
    }

    /// Whether an object is stored (what a reference names).
    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        match self.get(ty, id) {
            Ok(_) => Ok(true),
            Err(e) if e.exit == Exit::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// What an update keeps of the stored object beyond what Sorcery's copy carries into
    /// `new` (the realtime tables keep the ACL rule columns a push does not set).
    fn keep(&self, _old: &Object, _new: &mut Object, _fields: &[Attr]) {}

    /// Store a prepared push: what [`crate::prepare::prepare_push`] built, with its warnings.
    /// `Ok(None)` when the stored object is no longer the one it was prepared against
    /// (another writer came between): nothing is written, and it is prepared again.
    fn store(&mut self, p: &Prepared) -> Result<Option<Pushed>> {
        let mut pushed = self.push(p.ty, &p.id, &p.fields)?;
        pushed.warnings.splice(0..0, p.warnings.iter().cloned());
        Ok(Some(pushed))
    }

    /// Store fields judged already (a change of a plan that apply has checked): the target
    /// merges them onto what it holds as Sorcery merges them, and judges nothing.
    fn push(&mut self, ty: &'static TypeDef, id: &str, fields: &[Attr]) -> Result<Pushed>;

    fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()>;

    fn list(&mut self, ty: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)>;

    /// [`Backend::list`] handed over one object at a time, in id order; a target that can
    /// read its rows with one cursor holds none of them meanwhile (the embedded engine).
    fn each(
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

    /// The ids of a listing whose objects are then read one GET each (ARI's endpoints),
    /// so that a caller with several connections can read them at once; `None` where a
    /// listing is one read (the embedded engine) or impossible.
    fn listed_ids(&mut self, _ty: &'static TypeDef) -> Result<Option<Vec<String>>> {
        Ok(None)
    }

    /// One object of a listing that [`Backend::listed_ids`] gave, read as `list` reads
    /// it: `Ok(Err(why))` for an object the target lists but cannot read.
    fn listed_object(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
    ) -> Result<std::result::Result<Objectset, String>> {
        match self.get(ty, id) {
            Ok(set) => Ok(Ok(set)),
            Err(e) if matches!(e.exit, Exit::NotFound | Exit::Usage) => Ok(Err(e.report())),
            Err(e) => Err(e),
        }
    }

    /// Every stored (id, astdb row) of a type, where the target keeps rows pjsipctl can
    /// compare byte for byte (the embedded engine); `None` elsewhere.
    fn raw_rows(&mut self, _ty: &'static TypeDef) -> Result<Option<Vec<(String, String)>>> {
        Ok(None)
    }

    /// Apply a plan judged already ([`Backend::push`] for each change). The embedded engine
    /// does it in one transaction; a remote target goes op by op, and `progress` is called
    /// after each.
    fn batch(
        &mut self,
        ops: &[Op],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Option<Pushed>>> {
        let mut out = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            out.push(match op {
                Op::Push { ty, id, fields } => Some(self.push(ty, id, fields)?),
                Op::Delete { ty, id } => {
                    self.delete(ty, id)?;
                    None
                }
            });
            progress(i + 1);
        }
        Ok(out)
    }
}

pub mod ari;

/// Open the ARI backend of a resolved target (its password is read now).
pub fn open_ari(t: &ari::Target, out: &crate::output::Out) -> Result<Box<dyn Backend>> {
    ari::open(t, out)
}

/// An id Asterisk can address: not empty, no control characters.
pub fn check_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::usage("the object id is empty"));
    }
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(Error::usage(format!(
            "the object id {id:?} contains the control character {c:?}"
        )));
    }
    Ok(())
}
