//! What `serve` answers from: the embedded engine on an astdb file, or the realtime
//! tables of a PostgreSQL database. The routes and their statuses are the same for both.

use crate::backend::embedded::{row_of, Embedded};
use crate::backend::Backend;
use crate::error::{Exit, Result};
use crate::model::{Attr, Object};
use crate::realtime::backend::Realtime;
use crate::schema::TypeDef;

use super::Answer;

pub trait Store {
    /// Calls between these two share one commit where the storage can group them.
    fn group_begin(&mut self) {}
    fn group_commit(&mut self) -> Result<()> {
        Ok(())
    }
    /// What ast_sorcery_retrieve_by_id finds; the flag is true for a read-only (static) object.
    fn retrieve(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<(Object, bool)>>;
    /// Whether a writable wizard can hold this object (an error: the storage is not set
    /// up to hold it, which is no read-only wizard's doing).
    fn writable(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool>;
    /// Store what a PUT built (`fields` are the request's); `answer` is what Asterisk says.
    fn store(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        obj: &Object,
        fields: &[Attr],
        answer: Answer,
    ) -> Result<Answer>;
    fn remove(&mut self, ty: &'static TypeDef, id: &str) -> Result<()>;
    /// Every stored endpoint id, loadable or not: the PUT that wrote a row created the
    /// endpoint, which stays listed while its GET answers 404 (golden 90_44).
    fn endpoint_ids(&mut self, endpoint: &'static TypeDef) -> Result<Vec<String>>;
}

impl Store for Embedded {
    fn group_begin(&mut self) {
        self.astdb().group_begin();
    }
    fn group_commit(&mut self) -> Result<()> {
        self.astdb().group_commit()
    }
    fn retrieve(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<(Object, bool)>> {
        self.retrieve_as_asterisk(ty, id)
    }
    fn writable(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        Ok(self.key(ty, id).is_some())
    }
    fn store(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        obj: &Object,
        _fields: &[Attr],
        answer: Answer,
    ) -> Result<Answer> {
        if let Some(key) = self.key(ty, id) {
            self.astdb().write(|w| w.put(&key, &row_of(obj)))?;
        }
        Ok(answer)
    }
    fn remove(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
        if let Some(key) = self.key(ty, id) {
            self.astdb().write(|w| w.delete(&key))?;
        }
        Ok(())
    }
    fn endpoint_ids(&mut self, ty: &'static TypeDef) -> Result<Vec<String>> {
        let (items, _) = self.list(ty)?;
        let mut ids = Vec::with_capacity(items.len());
        for l in items {
            let stored = match (&l.object, self.key(ty, &l.id)) {
                (Ok(_), _) => true,
                (Err(_), Some(key)) => self.astdb().get(&key)?.is_some(),
                (Err(_), None) => false,
            };
            if stored {
                ids.push(l.id);
            }
        }
        Ok(ids)
    }
}

/// The realtime tables as serve holds them for hours: a session the server ended
/// (a restart, `pg_terminate_backend`, a network cut) is opened again, and the live
/// schema is read again when a call fails, so a `db init` or a migration run while serve
/// is up is seen without a restart. A failed call is tried once more on the new session:
/// its transaction was rolled back, so nothing is done twice.
pub struct Reconnecting {
    url: String,
    rt: Realtime,
}

impl Reconnecting {
    pub fn open(url: &str) -> Result<Reconnecting> {
        Ok(Reconnecting {
            url: url.to_string(),
            rt: Realtime::open(url)?,
        })
    }

    pub fn describe(&self) -> String {
        self.rt.describe()
    }

    /// `f` on the session, once more on a new one (or a changed schema) if it failed.
    fn with<T>(&mut self, mut f: impl FnMut(&mut Realtime) -> Result<T>) -> Result<T> {
        let first = f(&mut self.rt);
        let Err(e) = &first else { return first };
        if e.exit != Exit::Storage {
            return first;
        }
        // A session that cannot even read the catalog is gone too.
        let changed = match self.rt.connection_lost() {
            true => None,
            false => self.rt.reread_schema().ok(),
        };
        let again = match changed {
            Some(changed) => changed,
            None => {
                // Not reachable now: the first failure says what happened.
                let Ok(rt) = Realtime::open(&self.url) else {
                    return first;
                };
                self.rt = rt;
                true
            }
        };
        if again {
            f(&mut self.rt)
        } else {
            first
        }
    }
}

/// Each call is its own transaction: Asterisk reads the rows with no cache, so a
/// committed PUT is live at once.
impl Store for Reconnecting {
    fn retrieve(&mut self, ty: &'static TypeDef, id: &str) -> Result<Option<(Object, bool)>> {
        Ok(self.with(|rt| rt.retrieve(ty, id))?.map(|o| (o, false)))
    }
    /// A type Asterisk's realtime schema has no table for answers as Asterisk does for an
    /// unwritable type; a table `db init` makes but this database lacks is an error that
    /// says so (answered 500 with it), not a read-only wizard. A table made since serve
    /// started counts.
    fn writable(&mut self, ty: &'static TypeDef, _id: &str) -> Result<bool> {
        if !self.rt.has_table(ty) && !self.rt.connection_lost() {
            let _ = self.rt.reread_schema();
        }
        match self.rt.missing_table(ty) {
            Some(e) => Err(e),
            None => Ok(self.rt.has_table(ty)),
        }
    }
    /// Through the backend's push of judged fields, so the row is the one `pjsipctl push`
    /// writes (ACL columns kept, columns checked); Asterisk's validation already passed, and
    /// as on astdb serve judges nothing more (policy is the CLI's concern). What this
    /// database cannot hold faithfully is refused with the reason, never stored half.
    fn store(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
        _obj: &Object,
        fields: &[Attr],
        answer: Answer,
    ) -> Result<Answer> {
        match self.with(|rt| rt.push(ty, id, fields)) {
            Ok(_) => Ok(answer),
            Err(e) if e.exit == Exit::Invalid || e.exit == Exit::Refused => {
                Ok(Answer::error(400, e.report()))
            }
            Err(e) => Err(e),
        }
    }
    fn remove(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
        self.with(|rt| rt.delete(ty, id))
    }
    fn endpoint_ids(&mut self, ty: &'static TypeDef) -> Result<Vec<String>> {
        self.with(|rt| {
            if !rt.has_table(ty) {
                return Ok(Vec::new());
            }
            let (items, _) = rt.list(ty)?;
            Ok(items.into_iter().map(|l| l.id).collect())
        })
    }
}
