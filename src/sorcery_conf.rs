//! sorcery.conf: which wizard stores each type. Only the astdb mapping is writable here.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::schema::{TypeDef, TYPES};

/// The sorcery wizards Asterisk 23.4.1 registers for PJSIP types (res_sorcery_*.so).
pub const KNOWN_WIZARDS: &[&str] = &["astdb", "config", "memory", "memory_cache", "realtime"];

/// One `type = wizard,data` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Wizard {
    pub name: String,
    pub data: String,
    pub cache: bool,
}

/// The type → wizards mapping in effect.
#[derive(Debug, Clone)]
pub struct Mapping {
    entries: Vec<(String, Vec<Wizard>)>,
    pub source: String,
    /// Asterisk's config directory: where `config` wizard files are read.
    pub confdir: PathBuf,
}

/// The default `config` wizard data a type registers (apply_default in its module).
pub fn default_config_data(ty: &TypeDef) -> String {
    match ty.name {
        "global" | "system" => format!(
            "pjsip.conf,criteria=type={0},single_object=yes,explicit_name={0}",
            ty.name
        ),
        _ => format!("pjsip.conf,criteria=type={}", ty.name),
    }
}

impl Mapping {
    /// The mapping Asterisk's documentation suggests (tests/fixtures/conf/sorcery.conf),
    /// plus the built-in astdb wizards of contact and subscription_persistence.
    pub fn builtin() -> Mapping {
        let entries = TYPES
            .iter()
            .map(|t| {
                let w = match t.default_astdb {
                    Some(p) => Wizard {
                        name: "astdb".into(),
                        data: p.into(),
                        cache: false,
                    },
                    None => Wizard {
                        name: "config".into(),
                        data: default_config_data(t),
                        cache: false,
                    },
                };
                (t.name.to_string(), vec![w])
            })
            .collect();
        Mapping {
            entries,
            source: "built-in default".into(),
            confdir: PathBuf::from("/etc/asterisk"),
        }
    }

    /// Read `config` wizard files relative to `dir`.
    pub fn with_confdir(mut self, dir: &Path) -> Mapping {
        self.confdir = dir.to_path_buf();
        self
    }

    pub fn load(path: &Path) -> Result<Mapping> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(format!("cannot read sorcery.conf {}", path.display())).because(e)
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, source: &str) -> Result<Mapping> {
        let mut entries: Vec<(String, Vec<Wizard>)> = Vec::new();
        let mut section = String::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split(';').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                section = rest.split(']').next().unwrap_or("").trim().to_string();
                continue;
            }
            let Some((lhs, rhs)) = line.split_once('=') else {
                return Err(Error::usage(format!(
                    "{source}:{}: expected `type = wizard,data`",
                    n + 1
                )));
            };
            let lhs = lhs.trim().trim_end_matches('>');
            let (ty, opts) = lhs.split_once('/').unwrap_or((lhs, ""));
            let ty = ty.trim();
            let rhs = rhs.trim_start_matches('>').trim();
            let (wiz, data) = rhs.split_once(',').unwrap_or((rhs, ""));
            // Only sections that open a sorcery instance carrying PJSIP types matter here.
            let Some(def) = TYPES.iter().find(|t| t.name == ty) else {
                continue;
            };
            if def.section != section && section != "res_pjsip" {
                continue;
            }
            if !KNOWN_WIZARDS.contains(&wiz.trim()) {
                return Err(Error::usage(format!(
                    "{source}:{}: unknown wizard '{}' for {ty} (Asterisk would only log a warning and not \
                     use the line)",
                    n + 1,
                    wiz.trim()
                ))
                .hint(format!("wizards known: {}", KNOWN_WIZARDS.join(", "))));
            }
            let w = Wizard {
                name: wiz.trim().to_string(),
                data: data.trim().to_string(),
                cache: opts.contains("cache"),
            };
            match entries.iter_mut().find(|(t, _)| t == ty) {
                Some((_, v)) => v.push(w),
                None => entries.push((ty.to_string(), vec![w])),
            }
        }
        // A type sorcery.conf does not map keeps its module default.
        let builtin = Mapping::builtin();
        for t in TYPES {
            if !entries.iter().any(|(n, _)| n == t.name)
                && matches!(t.name, "contact" | "subscription_persistence")
            {
                entries.push((t.name.to_string(), builtin.wizards(t).to_vec()));
            } else if !entries.iter().any(|(n, _)| n == t.name) {
                entries.push((
                    t.name.to_string(),
                    vec![Wizard {
                        name: "config".into(),
                        data: default_config_data(t),
                        cache: false,
                    }],
                ));
            }
        }
        Ok(Mapping {
            entries,
            source: source.to_string(),
            confdir: PathBuf::from("/etc/asterisk"),
        })
    }

    pub fn wizards(&self, ty: &TypeDef) -> &[Wizard] {
        self.entries
            .iter()
            .find(|(t, _)| t == ty.name)
            .map(|(_, w)| w.as_slice())
            .unwrap_or(&[])
    }

    /// The astdb family prefix a type is stored under, if any wizard writes it there.
    pub fn astdb_prefix(&self, ty: &TypeDef) -> Option<&str> {
        self.wizards(ty)
            .iter()
            .find(|w| w.name == "astdb" && !w.cache)
            .map(|w| w.data.split(',').next().unwrap_or(""))
    }

    /// The sorcery.conf lines that would make `ty` writable in astdb.
    pub fn writable_line(ty: &TypeDef) -> String {
        let prefix = ty
            .default_astdb
            .map(str::to_string)
            .unwrap_or_else(|| format!("ps_{}s", ty.name.replace('-', "_")));
        format!("[{}]\n{}=astdb,{}", ty.section, ty.name, prefix)
    }
}
