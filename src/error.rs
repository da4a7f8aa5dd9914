//! Errors that reach the user, each mapped to one documented exit code and a hint.

use std::fmt;

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

/// A failure with the exit code it maps to and what the user can do about it.
#[derive(Debug, Clone)]
pub struct Error {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
    /// The single problems a summary message counts (each also printed as an `error:` line),
    /// for the JSON error document.
    pub problems: Vec<String>,
}

impl Error {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Error {
            exit,
            message: message.into(),
            hint: None,
            problems: Vec::new(),
        }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
