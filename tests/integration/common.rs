//! Shared helpers: a temporary workspace with a fixed environment, and golden-file access.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A temporary directory holding the astdb file; every command runs with a fixed environment.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("astdb.sqlite3")
    }

    /// `pjsipctl` with HOME, XDG dirs, COLUMNS and NO_COLOR fixed and --db pointing here.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("pjsipctl").unwrap();
        c.env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("COLUMNS", "100")
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PJSIPCTL_DB", self.db())
            .current_dir(self.dir.path());
        c
    }

    /// An empty astdb file (as Asterisk leaves it): read-only commands need one to exist.
    pub fn init_db(&self) {
        init_db(&self.db());
    }

    /// Run with arguments; returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd().args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Run and require success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "pjsipctl {args:?} failed: {err}");
        out
    }

    /// Every (key, value) row of the astdb file.
    pub fn rows(&self) -> Vec<(String, String)> {
        if !self.db().exists() {
            return Vec::new();
        }
        let c = rusqlite::Connection::open(self.db()).unwrap();
        let mut st = c
            .prepare("SELECT key, value FROM astdb ORDER BY key")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    /// The raw bytes of the astdb file (empty if absent), to prove nothing changed.
    pub fn snapshot(&self) -> Vec<u8> {
        std::fs::read(self.db()).unwrap_or_default()
    }
}

/// The per-object lines of an apply (its confirmations, on stderr).
pub fn report(err: &str) -> String {
    err.lines()
        .filter(|l| {
            [
                "created ",
                "updated ",
                "re-created ",
                "deleted ",
                "unchanged ",
                "FAILED ",
            ]
            .iter()
            .any(|p| l.starts_with(p))
                && !l.starts_with("created new astdb at ")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// An empty astdb file at `path`.
pub fn init_db(path: &Path) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch("CREATE TABLE IF NOT EXISTS astdb(key TEXT, value TEXT, PRIMARY KEY(key))")
        .unwrap();
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A recorded exchange from tests/fixtures/golden.
pub fn golden(name: &str) -> Value {
    let p = fixtures().join("golden").join(format!("{name}.json"));
    serde_json::from_str(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

/// The `attr=value` arguments of a recorded PUT's fields.
pub fn golden_fields(case: &Value) -> Vec<String> {
    case["request_body"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    format!(
                        "{}={}",
                        f["attribute"].as_str().unwrap(),
                        f["value"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
