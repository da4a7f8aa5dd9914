//! config.toml: the named targets of `--target NAME`, in
//! `$XDG_CONFIG_HOME/pjsipctl/config.toml` (else `~/.config/pjsipctl/config.toml`).
//! Only `[targets.NAME]` tables are pjsipctl's; passwords are never read from it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

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

/// A problem in config.toml: where (the line, when one is known), what, and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|n| format!(":{n}")).unwrap_or_default())]
pub struct ConfigError {
    /// The file as messages name it.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl ConfigError {
    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A mistake in config.toml is a usage error (exit 2), as a bad flag is.
impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        let hint = e.hint.clone();
        let mut err = Error::usage(e.to_string());
        err.hint = hint;
        err
    }
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

/// The table `--target NAME` names.
pub fn load_target(name: &str) -> Result<FileTarget, Error> {
    let path = config_path()
        .ok_or_else(|| Error::usage("--target: neither XDG_CONFIG_HOME nor HOME is set"))?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::usage(format!("--target {name}: there is no config file {}", path.display())).hint(format!(
                "create it with a table such as:\n[targets.{name}]\nurl = \"http://127.0.0.1:8088/ari\"\nuser = \"asterisk\"\npassword_file = \"~/.config/pjsipctl/{name}.password\""
            )))
        }
        Err(e) => return Err(Error::usage(format!("cannot read {}", path.display())).because(e)),
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

type Span = std::ops::Range<usize>;

/// Parse config.toml (TOML, by the `toml` crate). Errors name `source:line`; relative
/// paths are taken from the file's directory.
pub fn parse_config(
    text: &str,
    source: &str,
    dir: &Path,
) -> Result<BTreeMap<String, FileTarget>, ConfigError> {
    let at = |span: Option<Span>, m: &str| ConfigError {
        file: source.to_string(),
        line: span.map(|s| {
            let upto = text.get(..s.start).unwrap_or(text);
            upto.bytes().filter(|&b| b == b'\n').count() + 1
        }),
        message: m.to_string(),
        hint: None,
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
                    Some(check_db(&name, d, ari_keys, &at)?)
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
    at: &dyn Fn(Option<Span>, &str) -> ConfigError,
) -> Result<String, ConfigError> {
    let span = Some(d.span());
    let url = d.into_inner();
    let not_a_url = "write db = \"postgresql://USER@HOST[:PORT]/DBNAME\"";
    if !crate::realtime::is_url(&url) {
        return Err(at(
            span,
            &format!("target '{name}': db = \"{url}\" is not a PostgreSQL URL"),
        )
        .hint(not_a_url));
    }
    match url.parse::<postgres::Config>() {
        Err(e) => Err(at(
            span,
            &format!("target '{name}': db is not a PostgreSQL URL: {e}"),
        )
        .hint(not_a_url)),
        Ok(c) if c.get_password().is_some() => Err(at(
            span,
            &format!("target '{name}': passwords are not read from config.toml"),
        )
        .hint("drop it from the URL; put it in ~/.pgpass (chmod 600) or PGPASSWORD")),
        Ok(_) if ari_keys => Err(
            at(span, &format!("target '{name}' has both db and ARI keys")).hint(
                "a target is either a PostgreSQL database (db only) or an ARI (url, user, ...)",
            ),
        ),
        Ok(_) => Ok(url),
    }
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
        let e = parse_config("[targets.a]\npassword = \"x\"\n", "c", Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("c:2: passwords are not read"), "{e}");
        let e = parse_config(
            "[targets.a]\nurl = \"u\"\n\nusr = \"x\"\n",
            "c",
            Path::new("/"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("c:4: unknown field `usr`, expected one of `url`, `user`"),
            "{e}"
        );
        let e = parse_config("[targets.a]\nurl = \"x\n", "c", Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c:2: "), "{e}");
        assert!(e.contains("string"), "{e}");
    }

    #[test]
    fn errors_name_the_line_of_the_value() {
        let err = |text: &str| {
            parse_config(text, "c", Path::new("/"))
                .unwrap_err()
                .to_string()
        };
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
    fn db_targets_refuse_passwords_and_ari_keys_with_a_hint() {
        let e = parse_config(
            "[targets.c]\ndb = \"postgresql://u:pw@h/d\"\n",
            "c",
            Path::new("/"),
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("passwords are not read"), "{e}");
        assert!(e.hint.as_deref().unwrap_or("").contains(".pgpass"), "{e:?}");
        let e = parse_config(
            "[targets.c]\nuser = \"u\"\ndb = \"postgresql://u@h/d\"\n",
            "c",
            Path::new("/"),
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("both db and ARI keys"), "{e}");
    }
}
