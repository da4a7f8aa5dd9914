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
    /// Between [`Astdb::group_begin`] and [`Astdb::group_commit`]: the first write opens
    /// one transaction that the later ones join.
    grouping: bool,
}

impl Astdb {
    /// Open (creating if needed, owner-only) the astdb file.
    pub fn open(path: &Path) -> Result<Astdb> {
        let existed = path.exists();
        if !existed {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::storage(format!("cannot create {}: {e}", dir.display())))?;
            }
            create_private(path)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| storage_err(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| storage_err(path, e))?;
        let db = Astdb {
            conn,
            path: path.to_path_buf(),
            grouping: false,
        };
        db.conn
            .execute(
                "CREATE TABLE IF NOT EXISTS astdb(key TEXT, value TEXT, PRIMARY KEY(key))",
                [],
            )
            .map_err(|e| db.err(e))?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn err(&self, e: rusqlite::Error) -> Error {
        storage_err(&self.path, e)
    }

    pub fn get(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT value FROM astdb WHERE key = ?1")
            .and_then(|mut st| st.query_row([key], |r| r.get::<_, String>(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Every (key, value) under `/<family>/`, in key order, through the primary-key index.
    pub fn family(&self, family: &str) -> Result<Vec<(String, String)>> {
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
        let path = self.path.clone();
        if self.grouping && self.conn.is_autocommit() {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| storage_err(&path, e))?;
        }
        if !self.conn.is_autocommit() {
            let sp = self.conn.savepoint().map_err(|e| storage_err(&path, e))?;
            let out = f(&Writer {
                tx: &sp,
                path: &path,
            })?;
            sp.commit().map_err(|e| storage_err(&path, e))?;
            return Ok(out);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage_err(&path, e))?;
        let out = f(&Writer {
            tx: &tx,
            path: &path,
        })?;
        tx.commit().map_err(|e| storage_err(&path, e))?;
        Ok(out)
    }

    /// One write transaction whose body decides: `(value, true)` commits, `(value, false)`
    /// rolls everything back (an apply that found problems half way leaves the file as it was).
    pub fn write_if<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<(T, bool)>) -> Result<T> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage_err(&path, e))?;
        let (out, commit) = f(&Writer {
            tx: &tx,
            path: &path,
        })?;
        if commit {
            tx.commit().map_err(|e| storage_err(&path, e))?;
        }
        Ok(out)
    }

    /// One read transaction: a consistent view for `f`, and nothing written.
    pub fn read<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| storage_err(&path, e))?;
        f(&Writer {
            tx: &tx,
            path: &path,
        })
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
}

impl Writer<'_> {
    pub fn put(&self, key: &str, value: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO astdb (key, value) VALUES (?1, ?2)")
            .and_then(|mut st| st.execute(params![key, value]))
            .map(|_| ())
            .map_err(|e| storage_err(self.path, e))
    }

    pub fn delete(&self, key: &str) -> Result<bool> {
        self.tx
            .prepare_cached("DELETE FROM astdb WHERE key = ?1")
            .and_then(|mut st| st.execute([key]))
            .map(|n| n > 0)
            .map_err(|e| storage_err(self.path, e))
    }

    /// Whether nothing is stored under `/<family>/`.
    pub fn family_is_empty(&self, family: &str) -> Result<bool> {
        let (lo, hi) = family_range(family);
        self.tx
            .prepare_cached("SELECT 1 FROM astdb WHERE key >= ?1 AND key < ?2 LIMIT 1")
            .and_then(|mut st| st.exists(params![lo, hi]))
            .map(|found| !found)
            .map_err(|e| storage_err(self.path, e))
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
            .map_err(|e| storage_err(self.path, e))
    }

    pub fn get(&self, key: &str) -> Result<Option<String>> {
        self.tx
            .prepare_cached("SELECT value FROM astdb WHERE key = ?1")
            .and_then(|mut st| st.query_row([key], |r| r.get::<_, String>(0)).optional())
            .map_err(|e| storage_err(self.path, e))
    }
}

/// The keys of a family: from `/<family>/` up to, not including, `/<family>0`
/// ('0' follows '/' in ASCII), so the primary-key index answers.
fn family_range(family: &str) -> (String, String) {
    (format!("/{family}/"), format!("/{family}0"))
}

fn create_private(path: &Path) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::storage(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

fn storage_err(path: &Path, e: rusqlite::Error) -> Error {
    let busy = matches!(
        &e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    if busy {
        Error::storage(format!(
            "{} is locked by another process (a running Asterisk keeps it locked while it writes)",
            path.display()
        ))
        .hint("while Asterisk runs, push through it instead: --ari http://127.0.0.1:8088/ari --user NAME")
    } else {
        Error::storage(format!("{}: {e}", path.display()))
            .hint("check that the file is an astdb SQLite database and that you may write to it")
    }
}
