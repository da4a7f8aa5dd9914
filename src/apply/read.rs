//! Where the file's objects come from: one file read on a thread of its own and handed
//! over section by section, or a conversion read whole first (several files, stdin,
//! `#exec`, wizard sections, or a file that looks back at a section already handed over).

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::apply::OWNER_MARK;
use crate::conf::convert::{Conversion, Converter, Desired, SrcField};
use crate::conf::reader::{self, Diag, Options, Streamed};
use crate::schema::{TypeDef, TYPES};

/// Where the objects come from.
pub enum Source<'a> {
    /// One file, read as it goes.
    File {
        path: &'a Path,
        opts: &'a Options,
        /// Bytes of the file read so far (a progress bar estimates the total from it).
        read: &'a AtomicU64,
    },
    /// A conversion already read whole; its problems were reported before.
    Whole(Conversion),
}

/// One object of the file, built on the reading thread.
pub struct Item {
    /// The type's place in TYPES: the order PJSIP needs.
    pub rank: usize,
    pub desired: Desired,
    /// Its astdb key where the target is an astdb file (else empty).
    pub key: String,
    /// Its astdb row, made by the pipeline where the target is an astdb file (to compare
    /// and write; [`Item::with_row`]), on its own thread: the reading thread has the most to
    /// do. Empty elsewhere (a check that needs it makes it).
    pub row: String,
    /// Its references (policy::references) the file had not defined by the time the reader
    /// reached it; `None`: not worked out, all of them are checked.
    pub refs: Option<Vec<Reference>>,
}

/// A reference of an object: the attribute, the type it names, the name.
pub type Reference = (&'static str, &'static TypeDef, String);

impl Item {
    pub fn new(desired: Desired, families: Option<&[Option<String>]>) -> Item {
        let rank = desired.ty.position();
        let key = match families.and_then(|f| f[rank].as_deref()) {
            Some(family) => {
                let mut k = String::with_capacity(family.len() + desired.id.len() + 2);
                k.push('/');
                k.push_str(family);
                k.push('/');
                k.push_str(&desired.id);
                k
            }
            None => String::new(),
        };
        Item {
            rank,
            desired,
            key,
            row: String::new(),
            refs: None,
        }
    }

    /// The item with its astdb row made.
    pub fn with_row(&mut self) {
        if self.row.is_empty() {
            self.row = self.desired.row_json();
        }
    }
}

/// `--owner`: the object carries `@pjsipctl_owner`, pushed last so that it is the
/// object's newest extended attribute, as Sorcery links it.
pub fn mark_owner(d: &mut Desired, owner: &str) {
    d.fields.push(SrcField {
        attr: crate::model::Attr::new(OWNER_MARK, owner),
        origin: d.origin.clone(),
        inherited: false,
    });
    d.object.set_extended(OWNER_MARK, owner);
}

/// Items judged already, handed back to the reading thread to be freed, and where their
/// emptied vectors go next.
pub struct Spent {
    pub judged: std::sync::mpsc::Receiver<Vec<Item>>,
    pub emptied: std::sync::mpsc::SyncSender<Vec<Item>>,
}

/// Objects per message from the reading thread.
pub const BATCH: usize = 64;

/// What the reading thread leaves behind.
pub struct Read {
    /// `None`: the file was handed over (read it whole instead).
    pub end: Option<(Vec<String>, Vec<Diag>)>,
    pub conv: Converter,
}

/// Read and convert on one thread while the caller compares and writes. `families`: the
/// astdb families, where the target is an astdb file (a type without one, read-only
/// through sorcery.conf, hands the file over). `keep_going`: go on sending after a problem
/// (nothing is written, and every object's findings are wanted). `spent`: items judged
/// already, handed back to be freed here.
pub fn stream(
    (path, opts, read): (&Path, &Options, &AtomicU64),
    families: Option<&[Option<String>]>,
    owner: Option<&str>,
    keep_going: bool,
    tx: std::sync::mpsc::SyncSender<Vec<Item>>,
    spent: Option<Spent>,
) -> Read {
    // An object takes about 70 bytes of a typical file.
    let size = std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    let mut conv = Converter::with_capacity((size / 70).min(1 << 20));
    let mut handed_over = false;
    let mut stopped = false;
    // Items go over in batches: one wake-up of the consumer per batch, not per object.
    let mut batch = Vec::with_capacity(BATCH);
    let role = crate::wizard::role(path);
    // Whether shared variables make a section a wizard's, for each template shared lately.
    let mut shared_wizard: Vec<(reader::Shared, bool)> = Vec::new();
    let end = reader::stream_file(path, opts, read, &mut |sec, shared| {
        // Wizard sections are expanded from the whole file (crate::wizard), which also
        // leaves out what pjsip_wizard.conf holds besides wizard sections.
        let wizard = match role {
            crate::wizard::Role::Plain => false,
            crate::wizard::Role::Wizard => true,
            crate::wizard::Role::Both => {
                crate::wizard::is_wizard(&sec)
                    || shared.as_ref().is_some_and(|s| {
                        if let Some((_, w)) = shared_wizard.iter().find(|(t, _)| Arc::ptr_eq(s, t))
                        {
                            return *w;
                        }
                        let alone = reader::Section {
                            vars: s.to_vec(),
                            inherits: Vec::new(),
                            appended_at: Vec::new(),
                            ..sec.clone()
                        };
                        let w = crate::wizard::is_wizard(&alone);
                        if shared_wizard.len() == 64 {
                            shared_wizard.clear();
                        }
                        shared_wizard.push((s.clone(), w));
                        w
                    })
            }
        };
        if handed_over || wizard {
            handed_over = true;
            return;
        }
        // Items judged already, freed here: their memory is this thread's to reuse at once
        // (freed on another thread, it came back late, and new pages were taken meanwhile).
        if let Some(Spent { judged, emptied }) = &spent {
            while let Ok(mut b) = judged.try_recv() {
                b.clear();
                // Its vector goes on to the writing thread, to carry the next items.
                let _ = emptied.try_send(b);
            }
        }
        let Some(mut d) = conv.streamed(sec, shared) else {
            return;
        };
        if families.is_some_and(|f| f[d.ty.position()].is_none()) {
            // Read-only through sorcery.conf: the whole-file run explains that.
            handed_over = true;
            return;
        }
        if stopped || (conv.failed() && !keep_going) {
            // Refused at the end anyway: only the problems are still collected.
            return;
        }
        if let Some(o) = owner {
            mark_owner(&mut d, o);
        }
        // (Made in its place in the batch: an item is large to move.)
        batch.push(Item::new(d, families));
        let item = batch.last_mut().expect("pushed");
        // A reference to what the file defined before is satisfied whatever is stored: only
        // the others go on to be checked at the end (the converter forgets no definition).
        item.refs = Some(
            crate::policy::references(&item.desired.object)
                .into_iter()
                .filter(|(_, target, name)| !conv.defines(target, name))
                .collect(),
        );
        if batch.len() == BATCH {
            // The consumer stopped at a storage failure: nothing more is needed from here.
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            stopped = tx.send(full).is_err();
        }
    });
    if !batch.is_empty() && !stopped {
        let _ = tx.send(batch);
    }
    let end = match end {
        _ if handed_over => None,
        // Read whole, the file says what is wrong with it.
        Err(_) | Ok(Streamed::Revisit) => None,
        Ok(Streamed::Done { files, diags }) => Some((files, diags)),
    };
    Read { end, conv }
}

/// The astdb family of each type (index in TYPES), `None` where it has none.
pub fn families(db: &crate::backend::embedded::Embedded) -> Vec<Option<String>> {
    TYPES.iter().map(|t| db.family(t)).collect()
}
