//! pjsip_wizard.conf: `type=wizard` sections turned into the explicit sections that
//! res_pjsip_config_wizard (Asterisk 23.4.1) builds objects from. The result is ordinary
//! sections (each line keeping the file:line it came from), so the converter, the planner,
//! the astdb checks and every output treat wizard objects like any others.
//!
//! What the wizard does (res/res_pjsip_config_wizard.c: wizard_apply_handler):
//! one pass per type (auth, aor, endpoint, identify, phoneprov, registration); each
//! object gets the `prefix/` lines of its type with the prefix removed, in order (inherited
//! first), then the wizard's own values, then `@pjsip_wizard=<section>`. Wizard options are
//! looked up by their last occurrence, names compared case-insensitively.

use std::sync::Arc;

use crate::conf::convert::Skipped;
use crate::conf::reader::{Config, Diag, Level, Origin, Section, Var};
use crate::schema::values::ast_true;

/// Which sections of a file Asterisk reads, by the file's name: pjsip.conf is read by
/// res_sorcery_config only (a wizard section there is ignored), pjsip_wizard.conf by the
/// wizard only (it looks at `type=wizard` sections and nothing else). A file under any
/// other name cannot be placed, so both kinds are taken from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Plain,
    Wizard,
    Both,
}

pub fn role(path: &std::path::Path) -> Role {
    match path.file_name().and_then(|n| n.to_str()) {
        Some("pjsip.conf") => Role::Plain,
        Some("pjsip_wizard.conf") => Role::Wizard,
        _ => Role::Both,
    }
}

/// ast_category_browse_filtered(…, "type=^wizard$"): a non-template section with a
/// variable whose name contains `type` (regex, case-sensitive) and whose value is exactly
/// `wizard`.
pub fn is_wizard(sec: &Section) -> bool {
    !sec.template
        && sec
            .vars
            .iter()
            // (The value first: a substring search for every variable of every section of
            // a file not named pjsip.conf is a measurable share of reading it.)
            .any(|v| v.value == "wizard" && v.name.contains("type"))
}

/// A dialplan hint the wizard would add; dialplan is no PJSIP object, so it is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub exten: String,
    pub context: String,
    pub device: String,
    pub application: Option<String>,
}

/// One wizard section's expansion.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Explicit sections in the wizard's pass order.
    pub sections: Vec<Section>,
    pub diags: Vec<Diag>,
    /// Objects the wizard makes that pjsipctl cannot push (phoneprov).
    pub skipped: Vec<Skipped>,
    pub hint: Option<Hint>,
}

/// The object types the wizard makes, in its pass order (phoneprov is never pushed).
pub const TYPES: &[&str] = &["auth", "aor", "endpoint", "identify", "registration"];

/// The wizard's own options (res_pjsip_config_wizard.c's documentation), compared
/// case-insensitively as it looks them up.
const OPTIONS: &[&str] = &[
    "type",
    "transport",
    "remote_hosts",
    "outbound_proxy",
    "sends_auth",
    "accepts_auth",
    "sends_registrations",
    "accepts_registrations",
    "sends_line_with_registrations",
    "has_phoneprov",
    "has_hint",
    "hint_context",
    "hint_exten",
    "hint_application",
    "server_uri_pattern",
    "client_uri_pattern",
    "contact_pattern",
];

/// The prefixes of the lines passed on to an object (matched with their exact case).
const PREFIXES: &[&str] = &[
    "endpoint/",
    "aor/",
    "inbound_auth/",
    "outbound_auth/",
    "identify/",
    "registration/",
    "phoneprov/",
];

/// Expand one `type=wizard` section.
pub fn expand(sec: &Section) -> Expansion {
    let mut x = Expansion::default();
    let id = sec.name.as_str();
    // The wizard never complains about a name it does not use; pjsipctl says so.
    for v in &sec.vars {
        let known = OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(&v.name))
            || PREFIXES
                .iter()
                .any(|p| v.name.len() > p.len() && v.name.starts_with(p));
        if !known {
            x.diags.push(Diag {
                level: Level::Warning,
                origin: Some(v.origin.clone()),
                message: format!(
                    "wizard [{id}]: '{}' is no wizard option and has no object prefix (endpoint/, aor/, \
                     inbound_auth/, outbound_auth/, identify/, registration/, phoneprov/, in lower case): \
                     Asterisk ignores it",
                    v.name
                ),
            });
        }
    }
    let last = |name: &str| -> Option<&Var> {
        sec.vars
            .iter()
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(name))
    };
    let is_true = |name: &str| last(name).is_some_and(|v| ast_true(&v.value));
    let at = |v: Option<&Var>| v.map_or_else(|| sec.origin.clone(), |v| v.origin.clone());
    let header = sec.origin.clone();
    let error = |x: &mut Expansion, origin: Origin, msg: String| {
        x.diags.push(Diag {
            level: Level::Error,
            origin: Some(origin),
            message: format!("wizard [{id}]: {msg} — Asterisk would not create it"),
        })
    };
    let remote = last("remote_hosts");
    let hosts: Vec<String> = remote
        .filter(|v| !v.value.is_empty())
        .map(|v| split_hosts(&v.value))
        .unwrap_or_default();
    let remote_at = at(remote);
    // The object's own lines: `prefix/name` without the prefix (ast_begins_with: exact case).
    let own = |prefix: &str| -> Vec<Var> {
        sec.vars
            .iter()
            .filter(|v| v.name.len() > prefix.len() && v.name.starts_with(prefix))
            .map(|v| Var {
                name: v.name[prefix.len()..].to_string(),
                ..v.clone()
            })
            .collect()
    };
    let added = |name: &str, value: &str, origin: &Origin| Var {
        name: name.to_string(),
        value: value.to_string(),
        origin: origin.clone(),
        inherited: false,
        appended: Vec::new(),
    };
    let has = |vars: &[Var], name: &str| vars.iter().any(|v| v.name.eq_ignore_ascii_case(name));
    let object = |x: &mut Expansion, ty: &str, name: String, vars: Vec<Var>| {
        let mut all = vec![added("type", ty, &header)];
        all.extend(vars);
        x.sections.push(Section {
            name,
            origin: header.clone(),
            template: false,
            inherits: Vec::new(),
            vars: all,
            appended_at: Vec::new(),
        });
    };
    let outbound_proxy = last("outbound_proxy").filter(|v| !v.value.is_empty());
    let transport = last("transport").filter(|v| !v.value.is_empty());

    // auth: outbound first; a failed outbound auth ends the pass for this section.
    let mut auth_failed = false;
    for (direction, test, suffix) in [
        ("outbound", "sends_auth", "oauth"),
        ("inbound", "accepts_auth", "iauth"),
    ] {
        if auth_failed || !is_true(test) {
            continue;
        }
        let mut vars = own(&format!("{direction}_auth/"));
        if !has(&vars, "username") {
            error(
                &mut x,
                at(last(test)),
                format!("{test}=yes needs '{direction}_auth/username' (auth {id}-{suffix})"),
            );
            auth_failed = true;
            continue;
        }
        vars.push(added("@pjsip_wizard", id, &header));
        if !has(&vars, "auth_type") {
            vars.push(added("auth_type", "userpass", &header));
        }
        object(&mut x, "auth", format!("{id}-{suffix}"), vars);
    }

    // aor: contacts from remote_hosts unless aor/contact is given.
    let mut vars = own("aor/");
    vars.push(added("@pjsip_wizard", id, &header));
    if let Some(p) = outbound_proxy {
        vars.push(added("outbound_proxy", &p.value, &p.origin));
    }
    if !has(&vars, "contact") {
        let pattern = last("contact_pattern");
        let text = pattern.map_or("sip:${REMOTE_HOST}", |v| v.value.as_str());
        if !text.is_empty() {
            for h in &hosts {
                let c = substitute(text, h, "", &mut x, at(pattern), id);
                vars.push(added("contact", &c, &remote_at));
            }
        }
    }
    object(&mut x, "aor", id.to_string(), vars);

    // endpoint
    let mut vars = own("endpoint/");
    vars.push(added("@pjsip_wizard", id, &header));
    vars.push(added("aors", id, &header));
    if let Some(p) = outbound_proxy {
        vars.push(added("outbound_proxy", &p.value, &p.origin));
    }
    let hint_exten = last("hint_exten").filter(|v| !v.value.is_empty());
    if let Some(exten) = hint_exten {
        let context = last("hint_context")
            .filter(|v| !v.value.is_empty())
            .map(|v| v.value.clone())
            .or_else(|| {
                vars.iter()
                    .rev()
                    .find(|v| v.name.eq_ignore_ascii_case("context"))
                    .filter(|v| !v.value.is_empty())
                    .map(|v| v.value.clone())
            })
            .unwrap_or_else(|| "default".to_string());
        vars.push(added("@hint_context", &context, &header));
        vars.push(added("@hint_exten", &exten.value, &exten.origin));
        if is_true("has_hint") {
            x.hint = Some(Hint {
                exten: exten.value.clone(),
                context,
                device: format!("PJSIP/{id}"),
                application: last("hint_application")
                    .filter(|v| !v.value.is_empty())
                    .map(|v| v.value.clone()),
            });
        }
    }
    if let Some(t) = transport {
        vars.push(added("transport", &t.value, &t.origin));
    }
    if is_true("sends_auth") {
        vars.push(added("outbound_auth", &format!("{id}-oauth"), &header));
    }
    if is_true("accepts_auth") {
        vars.push(added("auth", &format!("{id}-iauth"), &header));
    }
    object(&mut x, "endpoint", id.to_string(), vars);

    // identify: only for a peer that neither registers to us nor sends line.
    if !is_true("accepts_registrations") && !is_true("sends_line_with_registrations") {
        if hosts.is_empty() {
            error(
                &mut x,
                header.clone(),
                format!(
                    "identify {id}-identify needs 'remote_hosts' (or accepts_registrations=yes, or \
                     sends_line_with_registrations=yes)"
                ),
            );
        } else {
            let mut vars = own("identify/");
            vars.push(added("endpoint", id, &header));
            vars.push(added("@pjsip_wizard", id, &header));
            if !has(&vars, "match") {
                for h in &hosts {
                    vars.push(added("match", h, &remote_at));
                }
            }
            object(&mut x, "identify", format!("{id}-identify"), vars);
        }
    }

    // phoneprov: made by Asterisk, but not pushable with the usual sorcery.conf.
    if is_true("has_phoneprov") {
        let name = format!("{id}-phoneprov");
        if last("phoneprov/MAC").is_none() {
            error(
                &mut x,
                at(last("has_phoneprov")),
                format!("has_phoneprov=yes needs 'phoneprov/MAC' (phoneprov {name})"),
            );
        } else {
            let reason = format!(
                "phoneprov {name} (from wizard [{id}]) is not pushed: phoneprov objects are not mapped to astdb in \
                 the usual sorcery.conf (res_pjsip_phoneprov_provider reads them from the static configuration); \
                 keep has_phoneprov in pjsip_wizard.conf or write a type=phoneprov section in pjsip.conf"
            );
            x.diags.push(Diag {
                level: Level::Warning,
                origin: Some(at(last("has_phoneprov"))),
                message: reason.clone(),
            });
            x.skipped.push(Skipped {
                origin: header.clone(),
                name,
                reason,
            });
        }
    }

    // registrations: one per remote host.
    if is_true("sends_registrations") {
        let username = if is_true("sends_auth") {
            last("outbound_auth/username").map(|v| v.value.clone())
        } else {
            Some(id.to_string())
        };
        if hosts.is_empty() {
            error(
                &mut x,
                at(last("sends_registrations")),
                "sends_registrations=yes needs 'remote_hosts'".into(),
            );
        } else if let Some(username) = username {
            let base = own("registration/");
            let server = last("server_uri_pattern");
            let client = last("client_uri_pattern");
            for (n, h) in hosts.iter().enumerate() {
                let mut vars = base.clone();
                if let Some(p) = outbound_proxy {
                    vars.push(added("outbound_proxy", &p.value, &p.origin));
                }
                vars.push(added("@pjsip_wizard", id, &header));
                let s = server.map_or("sip:${REMOTE_HOST}", |v| v.value.as_str());
                if !s.is_empty() {
                    let uri = substitute(s, h, &username, &mut x, at(server), id);
                    vars.push(added("server_uri", &uri, &at(server.or(remote))));
                }
                let c = client.map_or("sip:${USERNAME}@${REMOTE_HOST}", |v| v.value.as_str());
                if !c.is_empty() {
                    let uri = substitute(c, h, &username, &mut x, at(client), id);
                    vars.push(added("client_uri", &uri, &at(client.or(remote))));
                }
                if is_true("sends_auth") {
                    vars.push(added("outbound_auth", &format!("{id}-oauth"), &header));
                }
                if let Some(t) = transport {
                    vars.push(added("transport", &t.value, &t.origin));
                }
                if is_true("sends_line_with_registrations") {
                    vars.push(added("line", "yes", &header));
                    vars.push(added("endpoint", id, &header));
                }
                object(&mut x, "registration", format!("{id}-reg-{n}"), vars);
            }
        }
        // Without outbound_auth/username the auth pass has reported it already.
    }
    x
}

/// ast_strsep(',', AST_STRSEP_TRIM): commas inside double quotes do not split; each piece
/// is trimmed; empty pieces are kept.
fn split_hosts(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// ast_str_substitute_variables_varshead with REMOTE_HOST and USERNAME set. Anything else
/// in `${…}` (another variable, a function) Asterisk evaluates in the dialplan; pjsipctl
/// cannot, so it substitutes nothing, as for an unset variable, and says so.
fn substitute(
    pattern: &str,
    host: &str,
    user: &str,
    x: &mut Expansion,
    origin: Origin,
    id: &str,
) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        match &after[..end] {
            "REMOTE_HOST" => out.push_str(host),
            "USERNAME" => out.push_str(user),
            other => x.diags.push(Diag {
                level: Level::Warning,
                origin: Some(origin.clone()),
                message: format!(
                    "wizard [{id}]: ${{{other}}} is not REMOTE_HOST or USERNAME: pjsipctl substitutes nothing \
                     (Asterisk would evaluate it as dialplan)"
                ),
            }),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A configuration with its wizard sections expanded as `role` says Asterisk would read
/// them; sections Asterisk would not read from the file are reported and left out.
pub fn expand_config(mut cfg: Config, role: Role) -> (Config, Vec<Skipped>) {
    let mut skipped = Vec::new();
    let mut sections = Vec::with_capacity(cfg.sections.len());
    // Two wizard sections of one name: the wizard runs both, the later replacing (or, for
    // what it does not make, deleting) the earlier's objects, so only the later counts.
    let mut last_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    if role != Role::Plain {
        for (i, sec) in cfg.sections.iter().enumerate() {
            if is_wizard(sec) {
                last_of.insert(sec.name.clone(), i);
            }
        }
    }
    for (i, sec) in std::mem::take(&mut cfg.sections).into_iter().enumerate() {
        let wizard = is_wizard(&sec);
        if wizard && role != Role::Plain && last_of.get(&sec.name) != Some(&i) {
            cfg.diags.push(Diag {
                level: Level::Warning,
                origin: Some(sec.origin.clone()),
                message: format!(
                    "[{}] is a wizard section again further on: Asterisk's wizard replaces this one's objects \
                     with the later one's, so only the later counts",
                    sec.name
                ),
            });
            continue;
        }
        match (role, wizard) {
            (Role::Plain, _) => sections.push(sec),
            (Role::Wizard, false) => {
                if !sec.template {
                    // "A section without a type=wizard line is ignored silently."
                    let reason =
                        "not a type=wizard section: Asterisk reads only wizard sections from \
                                  pjsip_wizard.conf and ignores it"
                            .to_string();
                    cfg.diags.push(Diag {
                        level: Level::Warning,
                        origin: Some(sec.origin.clone()),
                        message: format!("[{}] {reason}", sec.name),
                    });
                    skipped.push(Skipped {
                        origin: sec.origin.clone(),
                        name: sec.name.clone(),
                        reason,
                    });
                }
            }
            (_, true) => {
                let mut x = expand(&sec);
                let made: Vec<String> = x
                    .sections
                    .iter()
                    .map(|s| format!("{} {}", s.vars[0].value, s.name))
                    .collect();
                let mut note = format!(
                    "[{}] wizard section expands to {}",
                    sec.name,
                    if made.is_empty() {
                        "nothing".to_string()
                    } else {
                        made.join(", ")
                    }
                );
                if let Some(h) = &x.hint {
                    note.push_str(&format!(
                        "; its hint {}@{} → {} is dialplan, which pjsipctl does not write (extensions.conf: \
                         exten => {},hint,{})",
                        h.exten, h.context, h.device, h.exten, h.device
                    ));
                }
                cfg.diags.push(Diag {
                    level: Level::Note,
                    origin: Some(sec.origin.clone()),
                    message: note,
                });
                cfg.diags.append(&mut x.diags);
                skipped.append(&mut x.skipped);
                sections.append(&mut x.sections);
            }
            (Role::Both, false) => sections.push(sec),
        }
    }
    cfg.sections = sections;
    (cfg, skipped)
}

/// The expanded sections of a wizard file as pjsip.conf text, grouped by wizard section;
/// secrets commented out unless `show_secrets`, as `export` does.
pub fn to_conf(cfg: &Config, show_secrets: bool) -> String {
    let mut s = String::new();
    let mut last_origin: Option<Arc<str>> = None;
    let mut last_line = 0;
    for sec in &cfg.sections {
        if last_origin.as_deref() != Some(&*sec.origin.file) || last_line != sec.origin.line {
            s.push_str(&format!("\n; from the wizard section at {}\n", sec.origin));
            last_origin = Some(sec.origin.file.clone());
            last_line = sec.origin.line;
        }
        s.push_str(&format!("[{}]\n", sec.name));
        let ty = crate::schema::find_type(&sec.vars[0].value);
        for v in &sec.vars {
            let secret = ty
                .and_then(|t| t.field_index(&v.name).map(|i| &t.fields[i]))
                .is_some_and(|f| f.has(crate::schema::field::SECRET));
            if secret && !show_secrets && !v.value.is_empty() {
                s.push_str(&format!(
                    ";{}=  ; secret withheld: expand with --show-secrets to include it\n",
                    v.name
                ));
                continue;
            }
            s.push_str(&format!(
                "{}={}\n",
                v.name,
                crate::output::conf::escape(&v.value)
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conf::reader::{read_str, Options};

    fn sections(text: &str) -> Expansion {
        let cfg = read_str(
            text,
            "w.conf",
            &Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        );
        let sec = cfg.sections.iter().find(|s| is_wizard(s)).unwrap().clone();
        expand(&sec)
    }

    fn names(x: &Expansion) -> Vec<String> {
        x.sections
            .iter()
            .map(|s| format!("{} {}", s.vars[0].value, s.name))
            .collect()
    }

    #[test]
    fn the_filter_is_asterisks_regex() {
        let cfg = read_str(
            "[a]\ntype=wizard\n[b]\nType=wizard\n[c]\ntype=Wizard\n[d]\nmytype=wizard\n[t](!)\ntype=wizard\n",
            "w.conf",
            &Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        );
        let w: Vec<&str> = cfg
            .sections
            .iter()
            .filter(|s| is_wizard(s))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(w, ["a", "d"]);
    }

    #[test]
    fn options_pick_the_objects() {
        let x = sections("[p]\ntype=wizard\naccepts_registrations=yes\naccepts_auth=yes\ninbound_auth/username=p\ninbound_auth/password=x\n");
        assert_eq!(names(&x), ["auth p-iauth", "aor p", "endpoint p"]);
        let x = sections("[t]\ntype=wizard\nsends_auth=yes\nsends_registrations=yes\nremote_hosts=a:5060, b\noutbound_auth/username=u\noutbound_auth/password=x\n");
        assert_eq!(
            names(&x),
            [
                "auth t-oauth",
                "aor t",
                "endpoint t",
                "identify t-identify",
                "registration t-reg-0",
                "registration t-reg-1"
            ]
        );
        let reg = &x.sections[5];
        let get = |n: &str| {
            reg.vars
                .iter()
                .filter(|v| v.name == n)
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("client_uri"), ["sip:u@b"]);
        assert_eq!(get("server_uri"), ["sip:b"]);
        assert_eq!(get("outbound_auth"), ["t-oauth"]);
    }

    #[test]
    fn missing_requirements_are_errors_with_lines() {
        let x = sections("[w]\ntype=wizard\naccepts_auth=yes\nsends_registrations=yes\n");
        let e: Vec<String> = x.diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0]
            .starts_with("w.conf:3: wizard [w]: accepts_auth=yes needs 'inbound_auth/username'"));
        assert!(e[1].starts_with("w.conf:1: wizard [w]: identify w-identify needs 'remote_hosts'"));
        assert!(
            e[2].starts_with("w.conf:4: wizard [w]: sends_registrations=yes needs 'remote_hosts'")
        );
        assert_eq!(names(&x), ["aor w", "endpoint w"]);
    }

    #[test]
    fn names_the_wizard_ignores_are_reported() {
        let x = sections("[w]\ntype=wizard\naccepts_registrations=yes\nEndpoint/context=x\nendpoint/=y\nHAS_HINT=no\n");
        let w: Vec<String> = x.diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("w.conf:4: wizard [w]: 'Endpoint/context' is no wizard option"));
        assert!(w[1].starts_with("w.conf:5: wizard [w]: 'endpoint/' is no wizard option"));
        // Nothing of it reaches the endpoint.
        let ep = &x.sections[1];
        assert_eq!(ep.vars.iter().filter(|v| v.name == "context").count(), 0);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Any wizard section expands without a panic, and every object names its section.
        #[test]
        fn any_wizard_section_expands(
            name in "[a-z0-9.:-]{1,12}",
            lines in proptest::collection::vec((
                proptest::sample::select(vec![
                    "remote_hosts", "sends_auth", "accepts_auth", "sends_registrations",
                    "accepts_registrations", "sends_line_with_registrations", "has_phoneprov",
                    "has_hint", "hint_exten", "hint_context", "transport", "outbound_proxy",
                    "server_uri_pattern", "client_uri_pattern", "contact_pattern",
                    "endpoint/allow", "aor/contact", "identify/match", "inbound_auth/username",
                    "outbound_auth/username", "registration/expiration", "phoneprov/MAC", "bogus",
                ]),
                "[ -~]{0,20}",
            ), 0..12),
        ) {
            let mut text = format!("[{name}]\ntype=wizard\n");
            for (k, v) in &lines {
                text.push_str(&format!("{k}={}\n", v.replace([';', '\\'], "")));
            }
            let cfg = read_str(&text, "w.conf", &Options { confdir: ".".into(), allow_exec: false });
            if let Some(sec) = cfg.sections.iter().find(|s| is_wizard(s)) {
                let x = expand(sec);
                for s in &x.sections {
                    proptest::prop_assert!(s.vars.iter().any(|v| v.name == "@pjsip_wizard" && v.value == sec.name));
                }
            }
        }
    }

    #[test]
    fn a_repeated_wizard_section_counts_once_the_last() {
        let cfg = read_str(
            "[a]\ntype=wizard\nremote_hosts=h1\n[a]\ntype=wizard\naccepts_registrations=yes\n",
            "w.conf",
            &Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        );
        let (out, _) = expand_config(cfg, Role::Wizard);
        let names: Vec<String> = out
            .sections
            .iter()
            .map(|s| format!("{} {}", s.vars[0].value, s.name))
            .collect();
        assert_eq!(names, ["aor a", "endpoint a"]);
        assert!(out.diags[0]
            .to_string()
            .starts_with("w.conf:1: [a] is a wizard section again"));
    }

    #[test]
    fn hosts_split_like_ast_strsep() {
        assert_eq!(split_hosts(" a , b:5060,"), ["a", "b:5060", ""]);
        assert_eq!(split_hosts("\"x,y\",z"), ["\"x,y\"", "z"]);
    }
}
