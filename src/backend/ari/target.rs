//! Which Asterisk to talk to and as whom: flags, then environment, then a named
//! target in `$XDG_CONFIG_HOME/pjsipctl/config.toml`. Passwords never come from the
//! command line: PJSIPCTL_PASSWORD, a password file, or a hidden prompt on a terminal.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::Global;
use crate::error::{Error, Result};
use crate::output::Out;

/// The `--timeout` default in cli.rs; a file's `timeout` applies while the flag keeps it.
pub const DEFAULT_TIMEOUT: f64 = 10.0;

/// Everything needed to reach one ARI.
#[derive(Debug, Clone)]
pub struct Target {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:8088/ari`.
    pub url: String,
    pub user: Option<String>,
    pub password: Option<String>,
    pub api_key: bool,
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
    pub timeout: f64,
}

/// One `[targets.NAME]` table of config.toml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileTarget {
    pub url: Option<String>,
    pub user: Option<String>,
    pub password_file: Option<PathBuf>,
    pub api_key: Option<bool>,
    pub cacert: Option<PathBuf>,
    pub insecure: Option<bool>,
    pub timeout: Option<f64>,
    /// `db = "postgresql://…"`: the target is a realtime database, not an ARI.
    pub db: Option<String>,
}

/// `$XDG_CONFIG_HOME/pjsipctl/config.toml`, else `~/.config/pjsipctl/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("pjsipctl").join("config.toml"))
}

/// Resolve the target the global flags describe (flags > environment > config file).
pub fn resolve(g: &Global, out: &Out) -> Result<Target> {
    let file = match &g.target {
        Some(name) => load_target(name)?,
        None => FileTarget::default(),
    };
    let url = g.ari.clone().or(file.url.clone()).ok_or_else(|| {
        Error::usage(format!(
            "target '{}' has no url",
            g.target.as_deref().unwrap_or("")
        ))
        .hint("add url = \"http://HOST:8088/ari\" to its [targets.NAME] table, or pass --ari URL")
    })?;
    let url = normalize_url(&url)?;
    let user = g
        .user
        .clone()
        .filter(|u| !u.is_empty())
        .or(file.user.clone());
    let api_key = g.api_key || file.api_key.unwrap_or(false);
    let cacert = g.cacert.clone().or(file.cacert.clone());
    let insecure = g.insecure || file.insecure.unwrap_or(false);
    if insecure && !g.insecure {
        // Every run, even with --quiet, as for --insecure.
        eprintln!(
            "warning: insecure = true in the target: the server's TLS certificate is not verified"
        );
    }
    let timeout = if g.timeout != DEFAULT_TIMEOUT {
        g.timeout
    } else {
        file.timeout.unwrap_or(g.timeout)
    };
    if !(timeout.is_finite() && timeout > 0.0) {
        return Err(Error::usage(format!(
            "--timeout {timeout}: expected a positive number of seconds"
        )));
    }
    let password = if let Some(f) = &g.password_file {
        Some(read_password_file(f, out)?)
    } else if let Some(p) = env_password() {
        Some(p)
    } else if let Some(f) = &file.password_file {
        Some(read_password_file(f, out)?)
    } else if let Some(u) = &user {
        prompt_password(u, &url)?
    } else {
        None
    };
    match (&user, &password) {
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
    if api_key && user.is_none() {
        return Err(
            Error::usage("--api-key needs credentials").hint("add --user NAME and a password")
        );
    }
    Ok(Target {
        url,
        user,
        password,
        api_key,
        cacert,
        insecure,
        timeout,
    })
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
        Error::usage(format!(
            "cannot read the password file {}: {e}",
            path.display()
        ))
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
        .map_err(|e| Error::usage(format!("cannot read the password: {e}")))
}

/// Check and tidy an ARI base URL: http(s), no credentials, no query; a bare host gets `/ari`.
pub fn normalize_url(raw: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::usage(format!("--ari {raw}: {why}"))
            .hint("expected e.g. http://127.0.0.1:8088/ari or https://pbx.example.com:8089/ari")
    };
    let mut u = reqwest::Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
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

fn load_target(name: &str) -> Result<FileTarget> {
    let path = config_path()
        .ok_or_else(|| Error::usage("--target: neither XDG_CONFIG_HOME nor HOME is set"))?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::usage(format!("--target {name}: there is no config file {}", path.display())).hint(format!(
                "create it with a table such as:\n[targets.{name}]\nurl = \"http://127.0.0.1:8088/ari\"\nuser = \"asterisk\"\npassword_file = \"~/.config/pjsipctl/{name}.password\""
            )))
        }
        Err(e) => return Err(Error::usage(format!("cannot read {}: {e}", path.display()))),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut targets = parse_config(&text, &path.display().to_string(), dir)?;
    let names: Vec<String> = targets.keys().cloned().collect();
    targets.remove(name).ok_or_else(|| {
        let list = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        };
        Error::usage(format!("no target '{name}' in {}", path.display()))
            .hint(format!("targets defined there: {list}"))
    })
}

/// config.toml as pjsipctl reads it: only `[targets.NAME]` tables are its business; other
/// top-level tables and keys are left to whoever else shares the file.
#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    targets: BTreeMap<String, RawTarget>,
}

/// One target table as written; a key pjsipctl does not know is an error (a typo would
/// otherwise silently fall back to a default such as certificate checks).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    url: Option<String>,
    user: Option<String>,
    password_file: Option<String>,
    api_key: Option<bool>,
    cacert: Option<String>,
    insecure: Option<bool>,
    timeout: Option<toml::Spanned<f64>>,
    db: Option<toml::Spanned<String>>,
}

/// Parse config.toml (TOML, by the `toml` crate). Errors name `source:line`; relative
/// paths are taken from the file's directory.
pub fn parse_config(text: &str, source: &str, dir: &Path) -> Result<BTreeMap<String, FileTarget>> {
    let at = |span: Option<std::ops::Range<usize>>, m: &str| {
        let line = span.map(|s| {
            let upto = text.get(..s.start).unwrap_or(text);
            upto.bytes().filter(|&b| b == b'\n').count() + 1
        });
        match line {
            Some(n) => Error::usage(format!("{source}:{n}: {m}")),
            None => Error::usage(format!("{source}: {m}")),
        }
    };
    let doc = toml::de::DeTable::parse(text).map_err(|e| at(e.span(), e.message()))?;
    // A password in the file gets its own advice rather than "unknown field".
    if let Some(toml::de::DeValue::Table(targets)) =
        doc.get_ref().get("targets").map(|v| v.get_ref())
    {
        for (_, t) in targets.iter() {
            if let toml::de::DeValue::Table(t) = t.get_ref() {
                if let Some((k, _)) = t.iter().find(|(k, _)| k.get_ref() == "password") {
                    return Err(at(Some(k.span()), "passwords are not read from config.toml").hint(
                        "put it in a file only you can read and name it with password_file = \"...\"",
                    ));
                }
            }
        }
    }
    let file = ConfigFile::deserialize(toml::de::Deserializer::from(doc))
        .map_err(|e| at(e.span(), e.message()))?;
    let path = |p: Option<String>| p.map(|p| expand_path(&p, dir));
    file.targets
        .into_iter()
        .map(|(name, t)| {
            let timeout = match t.timeout {
                Some(s) if s.get_ref().is_nan() || *s.get_ref() <= 0.0 => {
                    return Err(at(
                        Some(s.span()),
                        &format!(
                            "timeout = {}: expected a positive number of seconds",
                            s.get_ref()
                        ),
                    ))
                }
                s => s.map(toml::Spanned::into_inner),
            };
            let db = match t.db {
                None => None,
                Some(d) => {
                    let ari_keys = t.url.is_some()
                        || t.user.is_some()
                        || t.password_file.is_some()
                        || t.api_key.is_some()
                        || t.cacert.is_some()
                        || t.insecure.is_some()
                        || timeout.is_some();
                    Some(check_db(&name, d, ari_keys).map_err(|(span, m, hint)| {
                        let e = at(Some(span), &m);
                        e.hint(hint)
                    })?)
                }
            };
            let target = FileTarget {
                db,
                url: t.url,
                user: t.user,
                password_file: path(t.password_file),
                api_key: t.api_key,
                cacert: path(t.cacert),
                insecure: t.insecure,
                timeout,
            };
            Ok((name, target))
        })
        .collect()
}

/// A target's `db`: a PostgreSQL URL without a password (that comes from PGPASSWORD or
/// ~/.pgpass, as for libpq), and no ARI key beside it (which one was meant would be a guess).
fn check_db(
    name: &str,
    d: toml::Spanned<String>,
    ari_keys: bool,
) -> std::result::Result<String, (std::ops::Range<usize>, String, String)> {
    let span = d.span();
    let url = d.into_inner();
    if !crate::realtime::is_url(&url) {
        return Err((
            span,
            format!("target '{name}': db = \"{url}\" is not a PostgreSQL URL"),
            "write db = \"postgresql://USER@HOST[:PORT]/DBNAME\"".into(),
        ));
    }
    match url.parse::<postgres::Config>() {
        Err(e) => Err((
            span,
            format!("target '{name}': db is not a PostgreSQL URL: {e}"),
            "write db = \"postgresql://USER@HOST[:PORT]/DBNAME\"".into(),
        )),
        Ok(c) if c.get_password().is_some() => Err((
            span,
            format!("target '{name}': passwords are not read from config.toml"),
            "drop it from the URL; put it in ~/.pgpass (chmod 600) or PGPASSWORD".into(),
        )),
        Ok(_) if ari_keys => Err((
            span,
            format!("target '{name}' has both db and ARI keys"),
            "a target is either a PostgreSQL database (db only) or an ARI (url, user, ...)".into(),
        )),
        Ok(_) => Ok(url),
    }
}

/// The database a named target names, if it is a realtime target (`db = "postgresql://…"`).
pub fn target_db(name: &str) -> Result<Option<String>> {
    Ok(load_target(name)?.db)
}

/// `~/rest` under $HOME, as a shell would expand it (config.toml paths, PJSIPCTL_DB).
pub fn expand_home(p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    p.to_path_buf()
}

fn expand_path(p: &str, dir: &Path) -> PathBuf {
    let p = expand_home(Path::new(p));
    if p.is_relative() {
        dir.join(p)
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let text = r#"
# pjsipctl targets
[targets.lab]
url = "http://10.0.0.5:8088/ari"   # the lab box
user = 'asterisk'
password_file = "lab.pw"
timeout = 2.5
api_key = false

[targets."prod #1"]
url = "https://pbx.example.com:8089/ari"
cacert = "/etc/ssl/pbx.pem"
insecure = true

[other]
ignored = 1
"#;
        let t = parse_config(text, "config.toml", Path::new("/cfg")).unwrap();
        let lab = &t["lab"];
        assert_eq!(lab.url.as_deref(), Some("http://10.0.0.5:8088/ari"));
        assert_eq!(lab.user.as_deref(), Some("asterisk"));
        assert_eq!(lab.password_file.as_deref(), Some(Path::new("/cfg/lab.pw")));
        assert_eq!(lab.timeout, Some(2.5));
        assert_eq!(lab.api_key, Some(false));
        let prod = &t["prod #1"];
        assert_eq!(prod.cacert.as_deref(), Some(Path::new("/etc/ssl/pbx.pem")));
        assert_eq!(prod.insecure, Some(true));
    }

    #[test]
    fn refuses_passwords_and_unknown_keys() {
        let e = parse_config("[targets.a]\npassword = \"x\"\n", "c", Path::new("/")).unwrap_err();
        assert!(
            e.message.contains("c:2: passwords are not read"),
            "{}",
            e.message
        );
        let e = parse_config(
            "[targets.a]\nurl = \"u\"\n\nusr = \"x\"\n",
            "c",
            Path::new("/"),
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("c:4: unknown field `usr`, expected one of `url`, `user`"),
            "{}",
            e.message
        );
        let e = parse_config("[targets.a]\nurl = \"x\n", "c", Path::new("/")).unwrap_err();
        assert!(e.message.starts_with("c:2: "), "{}", e.message);
        assert!(e.message.contains("string"), "{}", e.message);
    }

    #[test]
    fn errors_name_the_line_of_the_value() {
        let err = |text: &str| parse_config(text, "c", Path::new("/")).unwrap_err().message;
        let e = err("# lab\n[targets.a]\nurl = \"u\"\ninsecure = \"yes\"\n");
        assert!(
            e.starts_with("c:4: invalid type: string \"yes\", expected a boolean"),
            "{e}"
        );
        let e = err("[targets.a]\ntimeout = 0\n");
        assert!(
            e.starts_with("c:2: timeout = 0: expected a positive"),
            "{e}"
        );
        let e = err("[targets.a]\ntimeout = nan\n");
        assert!(e.starts_with("c:2: timeout = NaN"), "{e}");
        let e = err("[targets.a]\nurl = \"u\"\n[targets.a]\nurl = \"v\"\n");
        assert!(e.starts_with("c:3: "), "{e}");
        let e = err("[targets]\na = 1\n");
        assert!(e.starts_with("c:2: invalid type: integer"), "{e}");
        // Whole numbers are seconds too.
        let t = parse_config("[targets.a]\ntimeout = 3\n", "c", Path::new("/")).unwrap();
        assert_eq!(t["a"].timeout, Some(3.0));
    }

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
}
