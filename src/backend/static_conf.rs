//! The `config` sorcery wizard, minimally: objects read from a static file such as
//! pjsip.conf, as res_sorcery_config selects and builds them (Asterisk 23.4.1).
//!
//! The wizard data is `<file>[,criteria=<name>=<value>]...[,explicit_name=<id>][,single_object=yes]`;
//! a relative file is looked up in Asterisk's config directory (`--confdir`).
//! The file is read by the same reader as `apply` (`crate::conf::reader`): templates,
//! inheritance, `(+)`, `#include` and block comments as Asterisk reads them.

use std::path::{Path, PathBuf};

use crate::engine;
use crate::model::{Attr, Object};
use crate::schema::TypeDef;

/// The options of one `config` wizard line.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigWizard {
    pub file: String,
    pub criteria: Vec<(String, String)>,
    pub explicit_name: Option<String>,
    pub single_object: bool,
}

impl ConfigWizard {
    /// Parse the data after `config,` (res_sorcery_config.c sorcery_config_open).
    pub fn parse(data: &str) -> ConfigWizard {
        let mut parts = data.split(',');
        let file = parts.next().unwrap_or("").trim().to_string();
        let mut w = ConfigWizard {
            file,
            criteria: Vec::new(),
            explicit_name: None,
            single_object: false,
        };
        for opt in parts {
            let Some((k, v)) = opt.split_once('=') else {
                continue;
            };
            match k.trim() {
                "criteria" => {
                    if let Some((n, val)) = v.split_once('=') {
                        w.criteria.push((n.to_string(), val.to_string()));
                    }
                }
                "explicit_name" => w.explicit_name = Some(v.to_string()),
                "single_object" => w.single_object = crate::schema::values::ast_true(v.trim()),
                _ => {}
            }
        }
        w
    }

    pub fn path(&self, confdir: &Path) -> PathBuf {
        let p = Path::new(&self.file);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            confdir.join(p)
        }
    }
}

/// One `[name]` section and its lines.
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub line: usize,
    pub vars: Vec<(String, String)>,
    pub template: bool,
}

/// The parsed file: its sections, and problems that make Asterisk reject the file.
#[derive(Debug, Default)]
pub struct ConfFile {
    pub sections: Vec<Section>,
    pub notes: Vec<String>,
    pub invalid: Option<String>,
}

/// Read the file as Asterisk does; an error Asterisk would stop at makes the file invalid.
pub fn parse(path: &Path, confdir: &Path) -> std::io::Result<ConfFile> {
    let opts = crate::conf::reader::Options {
        confdir: confdir.to_path_buf(),
        allow_exec: false,
    };
    let cfg = crate::conf::reader::read_file(path, &opts)?;
    Ok(from_config(cfg))
}

fn from_config(cfg: crate::conf::reader::Config) -> ConfFile {
    use crate::conf::reader::Level;
    let mut f = ConfFile::default();
    for d in cfg.diags {
        match d.level {
            Level::Error if f.invalid.is_none() => f.invalid = Some(d.to_string()),
            _ => f.notes.push(d.to_string()),
        }
    }
    f.sections = cfg
        .sections
        .into_iter()
        .map(|sec| Section {
            name: sec.name,
            line: sec.origin.line,
            vars: sec.vars.into_iter().map(|v| (v.name, v.value)).collect(),
            template: sec.template,
        })
        .collect();
    f
}

/// The objects one `config` wizard gives a type.
#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<Object>,
    /// Sections that matched but were refused: (id, reason), as Asterisk logs them.
    pub refused: Vec<(String, String)>,
    /// Why nothing at all could be read (missing file, invalid file, duplicate ids).
    pub unavailable: Option<String>,
    pub notes: Vec<String>,
}

impl Loaded {
    pub fn find(&self, id: &str) -> Option<&Object> {
        self.objects.iter().find(|o| o.id == id)
    }
}

/// res_sorcery_config's selection: explicit_name (with only known fields) or criteria
/// (first variable of that name, case-insensitive name, exact value).
fn configuration_met(ty: &'static TypeDef, s: &Section, w: &ConfigWizard) -> bool {
    if w.criteria.is_empty() && w.explicit_name.is_none() {
        return true;
    }
    if let Some(name) = &w.explicit_name {
        if &s.name == name
            && s.vars
                .iter()
                .all(|(k, _)| ty.field_index_exact(k).is_some())
        {
            return true;
        }
    }
    !w.criteria.is_empty()
        && w.criteria.iter().all(|(k, v)| {
            s.vars
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .is_some_and(|(_, val)| val == v)
        })
}

/// Load `ty`'s objects through one wizard.
pub fn load(ty: &'static TypeDef, confdir: &Path, w: &ConfigWizard) -> Loaded {
    let path = w.path(confdir);
    let mut out = Loaded::default();
    let file = match parse(&path, confdir) {
        Ok(f) => f,
        Err(e) => {
            out.unavailable = Some(format!(
                "{} cannot be read ({e}); Asterisk then has no {} objects from it (set --confdir or PJSIPCTL_CONFDIR)",
                path.display(),
                ty.name
            ));
            return out;
        }
    };
    out.notes = file.notes;
    if let Some(why) = file.invalid {
        out.unavailable = Some(format!("{why}: Asterisk cannot parse the file"));
        return out;
    }
    let matched: Vec<&Section> = file
        .sections
        .iter()
        .filter(|s| !s.template && configuration_met(ty, s, w))
        .collect();
    if w.single_object && matched.len() > 1 {
        out.unavailable = Some(format!(
            "{} holds more than one {} object; Asterisk rejects the whole file for this type",
            path.display(),
            ty.name
        ));
        return out;
    }
    for (i, s) in matched.iter().enumerate() {
        if matched[..i].iter().any(|p| p.name == s.name) {
            out.objects.clear();
            out.refused.clear();
            out.unavailable = Some(format!(
                "{} holds two {} objects named '{}'; Asterisk rejects the whole file for this type",
                path.display(),
                ty.name,
                s.name
            ));
            return out;
        }
    }
    for s in matched {
        let fields: Vec<Attr> = s
            .vars
            .iter()
            .map(|(k, v)| Attr::new(k.clone(), v.clone()))
            .collect();
        match engine::build(ty, &s.name, None, &fields) {
            Ok(b) => out.objects.push(b.object),
            Err(e) => out.refused.push((
                s.name.clone(),
                format!(
                    "{}:{}: Asterisk could not create it: {e}",
                    path.display(),
                    s.line
                ),
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::find_type;

    #[test]
    fn wizard_data() {
        let w = ConfigWizard::parse(
            "pjsip.conf,criteria=type=global,single_object=yes,explicit_name=global",
        );
        assert_eq!(w.file, "pjsip.conf");
        assert_eq!(w.criteria, [("type".to_string(), "global".to_string())]);
        assert_eq!(w.explicit_name.as_deref(), Some("global"));
        assert!(w.single_object);
    }

    #[test]
    fn sections_and_selection() {
        let text = "; c\n[t1]\ntype=transport\nprotocol=udp ; x\nbind=127.0.0.1\n[tpl](!)\ntype=transport\n[Endp]\ntype=Transport\n";
        let opts = crate::conf::reader::Options {
            confdir: ".".into(),
            allow_exec: false,
        };
        let f = from_config(crate::conf::reader::read_bytes(text.as_bytes(), "p", &opts));
        assert_eq!(f.sections.len(), 3);
        let ty = find_type("transport").unwrap();
        let w = ConfigWizard::parse("pjsip.conf,criteria=type=transport");
        let met: Vec<&str> = f
            .sections
            .iter()
            .filter(|s| !s.template && configuration_met(ty, s, &w))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(met, ["t1"]);
    }
}
