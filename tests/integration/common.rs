//! Shared helpers: a temporary workspace with a fixed environment, and golden-file access.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A temporary directory holding the astdb file; every command runs with a fixed environment.
pub struct Env {
    pub dir: tempfile::TempDir,
    /// PJSIPCTL_CONFDIR left unset (see `with_unset_confdir`).
    unset_confdir: bool,
}

/// What `Env` sets a variable to: a path inside its directory, a fixed value, the test
/// runner's own value (PATH only: the shell for `#exec`), or unset.
#[derive(Clone, Copy, Debug)]
pub enum Pin {
    Path(&'static str),
    Value(&'static str),
    Inherit,
    Unset,
}

/// Every environment variable the binary (or a library it uses on a terminal) reads, and
/// what every test pins it to, so that no test depends on the host (an /etc/asterisk, a
/// ~/.config/pjsipctl, a PJSIPCTL_ARI pointing at a real Asterisk). `cli_tests` in src/
/// fails when the binary reads a variable missing here.
pub const PINNED: &[(&str, Pin)] = &[
    ("PJSIPCTL_DB", Pin::Path("astdb.sqlite3")),
    ("PJSIPCTL_SORCERY", Pin::Unset),
    // The default /etc/asterisk would read the host's pjsip.conf: the test's directory is
    // Asterisk's config directory (so its includes resolve there too).
    ("PJSIPCTL_CONFDIR", Pin::Path("")),
    ("PJSIPCTL_ARI", Pin::Unset),
    ("PJSIPCTL_TARGET", Pin::Unset),
    ("PJSIPCTL_USER", Pin::Unset),
    ("PJSIPCTL_PASSWORD", Pin::Unset),
    ("PJSIPCTL_REPORT_PEAK_RSS", Pin::Unset),
    ("HOME", Pin::Path("")),
    ("XDG_DATA_HOME", Pin::Path("data")),
    ("XDG_CONFIG_HOME", Pin::Path("config")),
    ("TMPDIR", Pin::Path("")),
    ("PATH", Pin::Inherit),
    ("COLUMNS", Pin::Value("100")),
    ("NO_COLOR", Pin::Value("1")),
    ("TERM", Pin::Unset),
    ("CLICOLOR", Pin::Unset),
    ("CLICOLOR_FORCE", Pin::Unset),
    ("CI", Pin::Unset),
    // libpq's password sources for --db postgresql://… (HOME above keeps ~/.pgpass out).
    ("PGPASSWORD", Pin::Unset),
    ("PGPASSFILE", Pin::Unset),
    // clap_complete's completion protocol: set only by the completion tests.
    ("COMPLETE", Pin::Unset),
    ("_CLAP_COMPLETE_INDEX", Pin::Unset),
];

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            unset_confdir: false,
        }
    }

    /// For `apply FILE` of a file outside this directory whose relative includes resolve in
    /// its own folder, as they do only when no config directory is given. Not for `show` or
    /// `list` of a static type, which would then read /etc/asterisk.
    pub fn with_unset_confdir() -> Env {
        Env {
            unset_confdir: true,
            ..Env::new()
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("astdb.sqlite3")
    }

    /// The real binary with every variable of `PINNED` pinned (and nothing else inherited),
    /// run in this directory. For tests that spawn and keep a process (serve, kills).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("pjsipctl"));
        c.env_clear().current_dir(self.dir.path());
        for (name, pin) in PINNED {
            match pin {
                Pin::Path(p) => c.env(name, self.dir.path().join(p)),
                Pin::Value(v) => c.env(name, v),
                Pin::Inherit => c.env(name, std::env::var_os(name).unwrap_or_default()),
                Pin::Unset => c.env_remove(name),
            };
        }
        if self.unset_confdir {
            c.env_remove("PJSIPCTL_CONFDIR");
        }
        c
    }

    /// `pjsipctl` with the environment of `std_cmd`.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// An empty astdb file (as Asterisk leaves it): read-only commands need one to exist.
    pub fn init_db(&self) {
        init_db(&self.db());
    }

    /// Run with arguments; returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_cmd(self.cmd(), args)
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

/// `args` with `--allow-exec` after `apply` or `diff` when `whole`: the file is then read
/// whole first (an #exec may run at any line) and its plan collected before anything is
/// written, where without it the embedded engine compares and writes as the file is read.
/// Tests run both routes through the pipeline and expect the same.
pub fn routed(args: &[&str], whole: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in args {
        out.push(a.to_string());
        if whole && (*a == "apply" || *a == "diff") {
            out.push("--allow-exec".into());
        }
    }
    out
}

/// Run `c` with `args`: (exit code, stdout, stderr).
pub fn run_cmd(mut c: assert_cmd::Command, args: &[&str]) -> (i32, String, String) {
    let out = c.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
