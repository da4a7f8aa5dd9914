//! The astdb SQLite file, laid out exactly as Asterisk's db.c keeps it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};

/// How long a write waits for a lock another process holds (Asterisk keeps a write
/// transaction open for up to a second between its commits).
const BUSY_TIMEOUT: Duration = Duration::from_millis(2500);

pub struct Astdb {
    conn: Connection,
    path: PathBuf,
    /// Whether the command writes: only then do errors suggest checking write access.
    writes: bool,
    /// There is no file: every use of the rows fails with "no astdb at PATH" (static
    /// objects can still be read without one).
    absent: bool,
    /// Between [`Astdb::group_begin`] and [`Astdb::group_commit`]: the first write opens
    /// one transaction that the later ones join.
    grouping: bool,
}

impl Astdb {
    /// Open an existing astdb file (see [`create`] for a new one). A command that only
    /// reads (`writes` false) never changes the file, not even to add the table.
    pub fn open(path: &Path, writes: bool) -> Result<Astdb> {
        if !path.exists() {
            return Err(missing(path));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| storage_err(path, e, writes))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| storage_err(path, e, writes))?;
        let db = Astdb {
            conn,
            path: path.to_path_buf(),
            writes,
            absent: false,
            grouping: false,
        };
        let has_table = db
            .conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'astdb'",
                [],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| db.err(e))?
            .is_some();
        if !has_table {
            if !writes {
                return Err(Error::storage(format!(
                    "{} has no astdb table: it is not an astdb file",
                    path.display()
                ))
                .hint("point --db (or PJSIPCTL_DB) at Asterisk's astdb.sqlite3"));
            }
            db.conn
                .execute(
                    "CREATE TABLE IF NOT EXISTS astdb(key TEXT, value TEXT, PRIMARY KEY(key))",
                    [],
                )
                .map_err(|e| db.err(e))?;
        }
        Ok(db)
    }

    /// No astdb file, for a command that does not create one: the static objects of
    /// `config` wizards can be read, anything stored in astdb is "no astdb at PATH".
    pub fn absent(path: &Path) -> Result<Astdb> {
        let conn = Connection::open_in_memory().map_err(|e| storage_err(path, e, false))?;
        conn.execute_batch("CREATE TABLE astdb(key TEXT, value TEXT, PRIMARY KEY(key))")
            .map_err(|e| storage_err(path, e, false))?;
        Ok(Astdb {
            conn,
            path: path.to_path_buf(),
            writes: false,
            absent: true,
            grouping: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn err(&self, e: rusqlite::Error) -> Error {
        storage_err(&self.path, e, self.writes)
    }

    /// Fails when there is no file.
    fn present(&self) -> Result<()> {
        if self.absent {
            return Err(missing(&self.path));
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Result<Option<String>> {
        self.present()?;
        self.conn
            .prepare_cached("SELECT value FROM astdb WHERE key = ?1")
            .and_then(|mut st| st.query_row([key], |r| r.get::<_, String>(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Every (key, value) under `/<family>/`, in key order, through the primary-key index.
    pub fn family(&self, family: &str) -> Result<Vec<(String, String)>> {
        self.present()?;
        let (lo, hi) = family_range(family);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT key, value FROM astdb WHERE key >= ?1 AND key < ?2 ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![lo, hi], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Every (key, value) under `/<family>/`, in key order, handed to `f` one row at a
    /// time from one cursor: nothing of the family is held (list, export).
    pub fn each_in_family(
        &self,
        family: &str,
        mut f: impl FnMut(&str, &str) -> Result<()>,
    ) -> Result<()> {
        self.present()?;
        let (lo, hi) = family_range(family);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT key, value FROM astdb WHERE key >= ?1 AND key < ?2 ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = st.query(params![lo, hi]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let text = |i| {
                r.get_ref(i)
                    .and_then(|v| v.as_str().map_err(Into::into))
                    .map_err(|e| self.err(e))
            };
            f(text(0)?, text(1)?)?;
        }
        Ok(())
    }

    /// Run `f` in one write transaction: all of it is stored, or none.
    /// Inside a group (see [`Astdb::group_begin`]) it is a savepoint instead: undone alone on
    /// failure, made durable by the group's commit.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.present()?;
        let path = self.path.clone();
        let writes = self.writes;
        if self.grouping && self.conn.is_autocommit() {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| storage_err(&path, e, writes))?;
        }
        if !self.conn.is_autocommit() {
            let sp = self
                .conn
                .savepoint()
                .map_err(|e| storage_err(&path, e, writes))?;
            let out = f(&Writer::new(&sp, &path, true))?;
            sp.commit().map_err(|e| storage_err(&path, e, writes))?;
            return Ok(out);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage_err(&path, e, writes))?;
        let out = f(&Writer::new(&tx, &path, true))?;
        tx.commit().map_err(|e| storage_err(&path, e, writes))?;
        Ok(out)
    }

    /// One write transaction whose body decides: `(value, true)` commits, `(value, false)`
    /// rolls everything back (an apply that found problems half way leaves the file as it was).
    pub fn write_if<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<(T, bool)>) -> Result<T> {
        self.present()?;
        let path = self.path.clone();
        let writes = self.writes;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage_err(&path, e, writes))?;
        let (out, commit) = f(&Writer::new(&tx, &path, true))?;
        if commit {
            tx.commit().map_err(|e| storage_err(&path, e, writes))?;
        }
        Ok(out)
    }

    /// One read transaction: a consistent view for `f`, and nothing written.
    pub fn read<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.present()?;
        let path = self.path.clone();
        let writes = self.writes;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| storage_err(&path, e, writes))?;
        let out = f(&Writer::new(&tx, &path, self.writes));
        out
    }

    /// Make the following [`Astdb::write`] calls one transaction (each its own savepoint),
    /// opened by the first of them, until [`Astdb::group_commit`]: many writes, one commit.
    /// Reads take no lock meanwhile.
    pub fn group_begin(&mut self) {
        self.grouping = true;
    }

    /// Commit the group; on failure nothing of it is stored.
    pub fn group_commit(&mut self) -> Result<()> {
        self.grouping = false;
        if self.conn.is_autocommit() {
            return Ok(());
        }
        let r = self.conn.execute_batch("COMMIT").map_err(|e| self.err(e));
        if r.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        r
    }
}

/// Writes inside one transaction.
pub struct Writer<'a> {
    tx: &'a Connection,
    path: &'a Path,
    writes: bool,
    /// The insert, prepared by the first put and kept for the others: an apply puts every
    /// row it stores, and finding the statement in the cache again for each row (and handing
    /// it back) is a measurable share of each insert.
    insert: std::cell::RefCell<Option<rusqlite::Statement<'a>>>,
    /// A thread of its own that starts the kernel writing what SQLite has already written
    /// to the file ([`Writer::start_writeback`]), and its bell.
    writeback: std::cell::OnceCell<Option<std::sync::mpsc::SyncSender<()>>>,
}

impl<'a> Writer<'a> {
    fn new(tx: &'a Connection, path: &'a Path, writes: bool) -> Writer<'a> {
        Writer {
            tx,
            path,
            writes,
            insert: std::cell::RefCell::new(None),
            writeback: std::cell::OnceCell::new(),
        }
    }

    /// Start the kernel writing to disk the pages SQLite has written to the file so far,
    /// without waiting. A bulk write spills most of its pages before the commit, whose
    /// fsync would otherwise write them all at the end (30 ms of a 30,000-object apply);
    /// started early, that writing overlaps the rest of the work. Nothing about the
    /// transaction changes: these pages are in the file already, the journal covers them.
    /// The kernel's share of that work (finding the pages, allocating their blocks) is done
    /// on a thread of its own, not on the one that writes, which a bulk apply keeps busy.
    pub fn start_writeback(&self) {
        #[cfg(target_os = "linux")]
        {
            let bell = self.writeback.get_or_init(|| {
                use std::os::fd::IntoRawFd;
                // Never closed (the process's exit closes it): closing any descriptor of a
                // file drops every POSIX lock the process holds on it, SQLite's write lock
                // included, and another process could then write into this transaction's
                // pages (two concurrent applies left a malformed file that way).
                let fd = std::fs::File::open(self.path).ok()?.into_raw_fd();
                let (bell, rung) = std::sync::mpsc::sync_channel::<()>(1);
                std::thread::Builder::new()
                    .name("writeback".into())
                    .spawn(move || {
                        // Ends when the writer is gone (its bell dropped).
                        for () in rung {
                            // SAFETY: a valid descriptor, never closed; the call only queues
                            // writeback of its pages. A failure only leaves the writing to
                            // the commit's fsync, as without it.
                            unsafe {
                                libc::sync_file_range(fd, 0, 0, libc::SYNC_FILE_RANGE_WRITE);
                            }
                        }
                    })
                    .ok()?;
                Some(bell)
            });
            if let Some(bell) = bell {
                // Rung already and not yet answered: that answer covers these pages too.
                let _ = bell.try_send(());
            }
        }
    }

    pub fn put(&self, key: &str, value: &str) -> Result<()> {
        let mut insert = self.insert.borrow_mut();
        let st = match insert.as_mut() {
            Some(st) => st,
            None => insert.insert(
                self.tx
                    .prepare("INSERT OR REPLACE INTO astdb (key, value) VALUES (?1, ?2)")
                    .map_err(|e| storage_err(self.path, e, self.writes))?,
            ),
        };
        st.execute(params![key, value])
            .map(|_| ())
            .map_err(|e| storage_err(self.path, e, self.writes))
    }

    pub fn delete(&self, key: &str) -> Result<bool> {
        self.tx
            .prepare_cached("DELETE FROM astdb WHERE key = ?1")
            .and_then(|mut st| st.execute([key]))
            .map(|n| n > 0)
            .map_err(|e| storage_err(self.path, e, self.writes))
    }

    /// Whether nothing is stored under `/<family>/`.
    pub fn family_is_empty(&self, family: &str) -> Result<bool> {
        let (lo, hi) = family_range(family);
        self.tx
            .prepare_cached("SELECT 1 FROM astdb WHERE key >= ?1 AND key < ?2 LIMIT 1")
            .and_then(|mut st| st.exists(params![lo, hi]))
            .map(|found| !found)
            .map_err(|e| storage_err(self.path, e, self.writes))
    }

    /// The keys under `/<family>/`, in key order.
    pub fn family_keys(&self, family: &str) -> Result<Vec<String>> {
        let (lo, hi) = family_range(family);
        self.tx
            .prepare_cached("SELECT key FROM astdb WHERE key >= ?1 AND key < ?2 ORDER BY key")
            .and_then(|mut st| {
                st.query_map(params![lo, hi], |r| r.get::<_, String>(0))?
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .map_err(|e| storage_err(self.path, e, self.writes))
    }

    pub fn get(&self, key: &str) -> Result<Option<String>> {
        self.tx
            .prepare_cached("SELECT value FROM astdb WHERE key = ?1")
            .and_then(|mut st| st.query_row([key], |r| r.get::<_, String>(0)).optional())
            .map_err(|e| storage_err(self.path, e, self.writes))
    }
}

/// The keys of a family: from `/<family>/` up to, not including, `/<family>0`
/// ('0' follows '/' in ASCII), so the primary-key index answers.
fn family_range(family: &str) -> (String, String) {
    (format!("/{family}/"), format!("/{family}0"))
}

/// Create a new, empty astdb file, owner-only (0600) as Asterisk's own is private. Its
/// folder must exist: a mistyped path must not leave folders behind.
pub fn create(path: &Path) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = path.parent().unwrap_or(Path::new("."));
            return Err(Error::storage(format!(
                "cannot create astdb {}: the folder {} does not exist",
                path.display(),
                dir.display()
            ))
            .hint(format!(
                "create it first (mkdir -p {}) or point --db at another file",
                dir.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(Error::storage(format!(
                "cannot create astdb {}: permission denied: this user may not create files in {}",
                path.display(),
                path.parent().unwrap_or(Path::new(".")).display()
            )))
        }
        Err(e) => {
            return Err(
                Error::storage(format!("cannot create astdb {}", path.display())).because(e),
            )
        }
    }
    // The table at once, so that a read-only command can open the new file as it is.
    Astdb::open(path, true).map(drop)
}

/// Remove a file that [`create`] made when the command failed before storing anything.
pub fn remove_if_empty(path: &Path) {
    let empty = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("SELECT count(*) FROM astdb", [], |r| r.get::<_, i64>(0)))
        .is_ok_and(|n| n == 0);
    if empty {
        let _ = std::fs::remove_file(path);
    }
}

fn missing(path: &Path) -> Error {
    Error::storage(format!("no astdb at {}", path.display()))
        .hint("push or apply creates it; check --db / PJSIPCTL_DB if it should exist already")
}

/// Why the file cannot be used, from the file system rather than SQLite's "unable to open"
/// or "readonly database": which of the file and its folder this user may not use.
fn access_cause(path: &Path, writes: bool) -> Option<String> {
    let denied = |p: &Path, mode: libc::c_int| {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid NUL-terminated path; access() only reads it.
        unsafe { libc::access(c.as_ptr(), mode) != 0 }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if denied(path, libc::R_OK) {
        return Some("permission denied: this user may not read the file".into());
    }
    if writes && denied(path, libc::W_OK) {
        return Some("permission denied: the file is read-only for this user".into());
    }
    if writes && denied(dir, libc::W_OK | libc::X_OK) {
        return Some(format!(
            "its folder {} is read-only for this user, and SQLite must create its journal \
             ({}-journal) there to write",
            dir.display(),
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    None
}

fn storage_err(path: &Path, e: rusqlite::Error, writes: bool) -> Error {
    let code = match &e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    use rusqlite::ErrorCode as C;
    if matches!(code, Some(C::DatabaseBusy | C::DatabaseLocked)) {
        return Error::storage(format!(
            "{} is locked by another process (a running Asterisk keeps it locked while it writes)",
            path.display()
        ))
        .hint("while Asterisk runs, push through it instead: --ari http://127.0.0.1:8088/ari --user NAME");
    }
    if matches!(
        code,
        Some(
            C::CannotOpen | C::ReadOnly | C::PermissionDenied | C::AuthorizationForStatementDenied
        )
    ) {
        if let Some(cause) = access_cause(path, writes) {
            return Error::storage(format!("{}: {cause}", path.display())).hint(if writes {
                "change the permissions, run as the user that owns the file (often asterisk), or write through --ari"
            } else {
                "change the permissions or run as the user that owns the file (often asterisk)"
            });
        }
    }
    let err = Error::storage(path.display().to_string()).because(e);
    if writes {
        err.hint("check that the file is an astdb SQLite database and that you may write to it")
    } else {
        err.hint("check that the file is an astdb SQLite database and that you may read it")
    }
}
