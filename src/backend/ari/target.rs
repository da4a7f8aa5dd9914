//! Which Asterisk to talk to and as whom, as the settings resolved it from flags, the
//! environment and config.toml. Passwords never come from the command line:
//! PJSIPCTL_PASSWORD, a password file, or a hidden prompt on a terminal, read only when a
//! command connects.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::Out;

/// Everything needed to reach one ARI.
#[derive(Debug, Clone)]
pub struct Target {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:8088/ari`.
    pub url: String,
    pub credentials: Credentials,
    pub tls: Tls,
    /// Seconds; checked when connecting (a client cannot wait a negative time).
    pub timeout: f64,
}

/// A user and where its password comes from.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub user: Option<String>,
    pub password: Password,
    /// Sent as `?api_key=user:password` instead of HTTP Basic auth.
    pub api_key: bool,
}

/// Where a password comes from; nothing is read until it is needed.
#[derive(Clone, Default)]
pub enum Password {
    #[default]
    None,
    /// The first line of a file (--password-file, or the target's `password_file`).
    File(PathBuf),
    /// PJSIPCTL_PASSWORD.
    Given(String),
    /// Asked on the terminal, when there is one.
    Prompt,
}

/// Never prints the password itself.
impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Password::None => f.write_str("None"),
            Password::File(p) => f.debug_tuple("File").field(p).finish(),
            Password::Given(_) => f.write_str("Given(..)"),
            Password::Prompt => f.write_str("Prompt"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Tls {
    /// Trust this CA (PEM) for https.
    pub cacert: Option<PathBuf>,
    /// Do not verify the server's certificate.
    pub insecure: bool,
}

impl Target {
    /// What a command that connects does first: check the target (a bad timeout before
    /// any prompt), then read the password to send from its file, the environment or the
    /// terminal.
    pub fn login(&self, out: &Out) -> Result<Option<String>> {
        let timeout = self.timeout;
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(Error::usage(format!(
                "--timeout {timeout}: expected a positive number of seconds"
            )));
        }
        let user = &self.credentials.user;
        let password = match &self.credentials.password {
            Password::File(f) => Some(read_password_file(f, out)?),
            Password::Given(p) => Some(p.clone()),
            Password::Prompt => match user {
                Some(u) => prompt_password(u, &self.url)?,
                None => None,
            },
            Password::None => None,
        };
        match (user, &password) {
            (None, Some(_)) => {
                return Err(Error::usage("an ARI password is set but no user")
                    .hint("add --user NAME (or PJSIPCTL_USER, or user = in the target)"))
            }
            (Some(u), None) => return Err(Error::usage(format!("no password for ARI user '{u}'"))
                .hint(
                "set PJSIPCTL_PASSWORD, pass --password-file FILE, or run on a terminal to be asked",
            )),
            _ => {}
        }
        if self.credentials.api_key && user.is_none() {
            return Err(
                Error::usage("--api-key needs credentials").hint("add --user NAME and a password")
            );
        }
        Ok(password)
    }
}

/// PJSIPCTL_PASSWORD, when set and not empty.
pub fn env_password() -> Option<String> {
    std::env::var("PJSIPCTL_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
}

/// The first line of a password file; warns when others may read it.
pub fn read_password_file(path: &Path, out: &Out) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!("cannot read the password file {}", path.display())).because(e)
    })?;
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    if line.is_empty() {
        return Err(Error::usage(format!(
            "the password file {} is empty",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            if m.permissions().mode() & 0o077 != 0 {
                out.warn(&format!(
                    "{} can be read by other users (chmod 600 it)",
                    path.display()
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = out;
    Ok(line)
}

fn prompt_password(user: &str, url: &str) -> Result<Option<String>> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(None);
    }
    dialoguer::Password::new()
        .with_prompt(format!("ARI password for {user} at {url}"))
        .interact()
        .map(Some)
        .map_err(|e| Error::usage("cannot read the password").because(e))
}

/// Check and tidy an ARI base URL: http(s), no credentials, no query; a bare host gets `/ari`.
pub fn normalize_url(raw: &str) -> Result<String> {
    let expected = "expected e.g. http://127.0.0.1:8088/ari or https://pbx.example.com:8089/ari";
    let bad = |why: &str| Error::usage(format!("--ari {raw}: {why}")).hint(expected);
    let mut u = reqwest::Url::parse(raw.trim()).map_err(|e| {
        Error::usage(format!("--ari {raw}"))
            .because(e)
            .hint(expected)
    })?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(bad("the scheme must be http or https"));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(Error::usage(format!("--ari {}: credentials do not belong in the URL", redact(&u)))
            .hint("give --user NAME; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(bad("no query or fragment is allowed"));
    }
    let path = u.path().trim_end_matches('/').to_string();
    u.set_path(if path.is_empty() { "/ari" } else { &path });
    Ok(u.as_str().trim_end_matches('/').to_string())
}

fn redact(u: &reqwest::Url) -> String {
    let mut c = u.clone();
    let _ = c.set_password(None);
    let _ = c.set_username("");
    c.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_tidied() {
        assert_eq!(
            normalize_url("http://127.0.0.1:8088").unwrap(),
            "http://127.0.0.1:8088/ari"
        );
        assert_eq!(
            normalize_url("http://127.0.0.1:8088/ari/").unwrap(),
            "http://127.0.0.1:8088/ari"
        );
        assert_eq!(
            normalize_url("https://pbx/asterisk/ari").unwrap(),
            "https://pbx/asterisk/ari"
        );
        assert!(normalize_url("ftp://x/ari").is_err());
        let e = normalize_url("http://u:secret@h/ari").unwrap_err();
        assert!(!e.message.contains("secret"), "{}", e.message);
        assert!(normalize_url("http://h/ari?api_key=a:b").is_err());
    }

    #[test]
    fn the_password_is_checked_against_the_user() {
        let target = |user: Option<&str>, password: Password, api_key: bool| Target {
            url: "http://h/ari".into(),
            credentials: Credentials {
                user: user.map(str::to_string),
                password,
                api_key,
            },
            tls: Tls::default(),
            timeout: 10.0,
        };
        let out = Out::default();
        let given = || Password::Given("pw".into());
        assert_eq!(
            target(Some("u"), given(), false)
                .login(&out)
                .unwrap()
                .as_deref(),
            Some("pw")
        );
        assert_eq!(
            target(None, Password::None, false).login(&out).unwrap(),
            None
        );
        let e = target(None, given(), false).login(&out).unwrap_err();
        assert!(e.message.contains("no user"), "{}", e.message);
        let e = target(None, Password::None, true).login(&out).unwrap_err();
        assert!(e.message.contains("--api-key needs"), "{}", e.message);
        let mut t = target(Some("u"), given(), false);
        t.timeout = -1.0;
        let e = t.login(&out).unwrap_err();
        assert!(e.message.starts_with("--timeout -1:"), "{}", e.message);
    }
}
