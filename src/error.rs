//! Errors that reach the user, each mapped to one documented exit code and a hint.
//!
//! Where causes go: an [`Error`] says what failed for the user (`message`) and keeps the
//! failure underneath whole as its `source` (an io, SQLite or HTTP error, a URL that did not
//! parse, a stored row the engine cannot read, an anyhow chain), not flattened into text;
//! [`Error::report`] is the one line printed, the message then each cause that adds words.
//! Where a message must put the cause mid-sentence (PostgreSQL's server messages, an ARI
//! body that is not Asterisk's), the cause is worded into the message instead. A failure a caller matches on is a typed
//! enum beside the code that raises it (thiserror): the filter regex's kinds
//! (`conf::regex`), a refused value and what its attribute accepts (`schema::values`), the
//! realtime codec's refusals (`realtime::codec`), a policy verdict (`policy::Verdict`).
//! Code that only reports (the server's setup, `generate`, tests, the benchmark) adds
//! `.context(…)` with anyhow and hands the chain over with [`Error::reported`].

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Exit codes (README: "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// `diff`: the target differs from the file; also [`Exit::CANCELLED`].
    Differs = 1,
    Usage = 2,
    NotFound = 3,
    /// Bad input: unknown attribute, invalid value, a config file Asterisk would refuse.
    Invalid = 4,
    /// The database or the Asterisk server could not be used.
    Storage = 5,
    /// The target refuses the operation: read-only type, access denied.
    Refused = 6,
}

impl Exit {
    /// The user answered no (or Ctrl-D) at a confirmation: nothing was done.
    pub const CANCELLED: Exit = Exit::Differs;
}

/// The failure underneath an [`Error`], shared so that an error stays cheap to clone.
pub type Cause = Arc<dyn StdError + Send + Sync + 'static>;

/// A failure with the exit code it maps to and what the user can do about it.
#[derive(Debug, Clone)]
pub struct Error {
    pub exit: Exit,
    /// What failed, for the user; the cause underneath is `source`, printed after it.
    pub message: String,
    pub hint: Option<String>,
    /// The single problems a summary message counts (each also printed as an `error:` line),
    /// for the JSON error document.
    pub problems: Vec<String>,
    /// The failure underneath, kept whole ([`std::error::Error::source`] of this error).
    pub source: Option<Cause>,
}

impl Error {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Error {
            exit,
            message: message.into(),
            hint: None,
            problems: Vec::new(),
            source: None,
        }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Keep `cause` as the failure underneath: the report reads `message: cause`.
    pub fn because(mut self, cause: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.source = Some(Arc::from(cause.into()));
        self
    }
    /// An error only reported, with the context anyhow gave it: the outermost context is
    /// the message, the rest of the chain its cause.
    pub fn reported(exit: Exit, e: anyhow::Error) -> Self {
        Self::new(exit, e.to_string()).because(e)
    }
    pub fn usage(m: impl Into<String>) -> Self {
        Self::new(Exit::Usage, m)
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        Self::new(Exit::NotFound, m)
    }
    pub fn invalid(m: impl Into<String>) -> Self {
        Self::new(Exit::Invalid, m)
    }
    pub fn storage(m: impl Into<String>) -> Self {
        Self::new(Exit::Storage, m)
    }
    pub fn refused(m: impl Into<String>) -> Self {
        Self::new(Exit::Refused, m)
    }

    /// The line the user reads (stderr, the JSON error document, a server's answer): the
    /// message, then its causes as [`chain`] gives them.
    pub fn report(&self) -> String {
        chain(self.message.clone(), StdError::source(self))
    }
}

/// `line`, then each cause in turn as `: cause`, leaving out a cause whose words the line
/// already holds (an HTTP error repeats its inner one; anyhow's first link is the message
/// itself) and SQLite's generic words for its result code, which follow the message
/// SQLite gave for the same failure (rusqlite's `SqliteFailure` source).
pub fn chain(mut line: String, mut cause: Option<&(dyn StdError + 'static)>) -> String {
    while let Some(c) = cause {
        let text = c.to_string();
        if !text.is_empty() && !line.contains(&text) && !c.is::<rusqlite::ffi::Error>() {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        cause = c.source();
    }
    line
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|c| c as &(dyn StdError + 'static))
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_the_message_then_each_cause_that_adds_words() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
        let e = Error::storage("cannot open a.conf").because(io);
        assert_eq!(e.to_string(), "cannot open a.conf");
        assert_eq!(e.report(), "cannot open a.conf: permission denied");
        assert!(StdError::source(&e).is_some());

        let chain = anyhow::Error::new(std::io::Error::other("disk full"))
            .context("cannot write man/pjsipctl.1");
        let e = Error::reported(Exit::Storage, chain);
        assert_eq!(e.message, "cannot write man/pjsipctl.1");
        assert_eq!(e.report(), "cannot write man/pjsipctl.1: disk full");
    }

    #[test]
    fn sqlite_says_its_cause_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("garbage");
        std::fs::write(
            &path,
            "not a database, and long enough to be read as a header\n",
        )
        .unwrap();
        let c = rusqlite::Connection::open(&path).unwrap();
        let e = c
            .query_row("SELECT 1 FROM astdb", [], |_| Ok(()))
            .unwrap_err();
        let shown = e.to_string();
        let r = Error::storage("garbage").because(e).report();
        assert_eq!(r, format!("garbage: {shown}"));
    }
}
