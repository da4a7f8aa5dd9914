//! Shell completion with clap_complete's dynamic engine: the scripts in completions/ run
//! `COMPLETE=<shell> pjsipctl -- WORDS…`, and these completers answer from the schema
//! (types, attribute names, enum values) and from the target (stored ids).

use std::ffi::{OsStr, OsString};

use clap::{Command, FromArgMatches};
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::schema::{TypeDef, TYPES};
use crate::settings::Settings;

/// Attach the completers to the arguments that name types, ids and fields.
pub fn add_completers(cmd: Command) -> Command {
    let with = |sc: Command, id: &str, c: fn(&OsStr) -> Vec<CompletionCandidate>| {
        // Only where the argument exists: subcommands change in parallel branches.
        if sc.get_arguments().any(|a| a.get_id() == id) {
            sc.mut_arg(id, |a| a.add(ArgValueCompleter::new(c)))
        } else {
            sc
        }
    };
    let mut cmd = cmd.mut_arg("target", |a| a.add(ArgValueCompleter::new(targets)));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sc| {
            let sc = if name == "push" {
                with(sc, "type", pushable_types)
            } else {
                with(with(sc, "type", all_types), "types", all_types)
            };
            let sc = with(with(sc, "id", ids), "ids", ids);
            let sc = with(with(sc, "fields", fields), "extra", fields);
            with(sc, "attribute", attributes)
        });
    }
    cmd
}

/// `--target <TAB>`: the targets config.toml names.
fn targets(current: &OsStr) -> Vec<CompletionCandidate> {
    use crate::settings::config_file::{config_path, parse_config};
    let Some(path) = config_path() else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let Ok(map) = parse_config(&text, &path.display().to_string(), dir) else {
        return Vec::new();
    };
    let cur = current.to_string_lossy();
    map.into_iter()
        .filter(|(name, _)| name.starts_with(cur.as_ref()))
        .map(|(name, t)| CompletionCandidate::new(name).help(t.url.map(Into::into)))
        .collect()
}

/// The words typed before the one being completed (bash passes them all with an index).
fn words_before_current() -> Vec<OsString> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let start = args
        .iter()
        .position(|a| a == "--")
        .map_or(args.len(), |i| i + 1);
    let mut words = args[start..].to_vec();
    let current = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse().ok())
        .unwrap_or(words.len().saturating_sub(1));
    words.truncate(current);
    words
}

/// What the words so far say: the settings (`None` when they contradict each other) and
/// the chosen type.
fn context() -> Option<(Option<Settings>, Option<&'static TypeDef>)> {
    let m = crate::cli::command()
        .ignore_errors(true)
        .try_get_matches_from(words_before_current())
        .ok()?;
    let global = crate::cli::Global::from_arg_matches(&m).ok()?;
    let settings = Settings::resolve(&global, crate::cli::Given::of(&m)).ok();
    let ty = m
        .subcommand()
        .and_then(|(_, sm)| sm.try_get_one::<String>("type").ok().flatten().cloned())
        .and_then(|t| crate::commands::lookup_type(&t));
    Some((settings, ty))
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn types(current: &OsStr, pushable_only: bool) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    TYPES
        .iter()
        .filter(|t| !pushable_only || t.pushable())
        .filter(|t| starts_with_ci(t.name, &cur))
        .map(|t| {
            CompletionCandidate::new(t.name).help(Some(
                if t.pushable() {
                    "pushable"
                } else if t.static_only() {
                    "read-only (static pjsip.conf)"
                } else {
                    "read and delete only"
                }
                .into(),
            ))
        })
        .collect()
}

fn pushable_types(current: &OsStr) -> Vec<CompletionCandidate> {
    types(current, true)
}

fn all_types(current: &OsStr) -> Vec<CompletionCandidate> {
    types(current, false)
}

/// Ids stored on the embedded engine (or the static file). Over ARI nothing is offered:
/// a TAB must not prompt for a password or wait on the network.
fn ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some((settings, Some(ty))) = context() else {
        return Vec::new();
    };
    stored_ids(settings, ty, &current.to_string_lossy())
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

fn stored_ids(settings: Option<Settings>, ty: &'static TypeDef, prefix: &str) -> Vec<String> {
    let Some(settings) = settings else {
        return Vec::new();
    };
    let ctx = crate::commands::Ctx::new(
        settings,
        crate::output::Out {
            quiet: true,
            ..Default::default()
        },
    );
    // Over the network (ARI, PostgreSQL) a TAB must never wait or ask for a password.
    if ctx.uses_ari() || ctx.pg_url().is_some() {
        return Vec::new();
    }
    if !ty.static_only() && !ctx.db_path().is_ok_and(|p| p.exists()) {
        return Vec::new();
    }
    let Ok(mut backend) = ctx.backend(crate::commands::Access::Read) else {
        return Vec::new();
    };
    let Ok((listed, _)) = backend.list(ty) else {
        return Vec::new();
    };
    listed
        .into_iter()
        .map(|l| l.id)
        .filter(|id| id.starts_with(prefix))
        .collect()
}

/// The type whose ids a reference field names (`aors=` → aor ids).
fn referenced_type(attr: &str) -> Option<&'static TypeDef> {
    let name = match attr {
        "aors" => "aor",
        "auth" | "outbound_auth" => "auth",
        "endpoint" => "endpoint",
        _ => return None,
    };
    crate::schema::find_type(name)
}

/// `cont` → `context=`; after `=`, the values the field accepts (`direct_media=` →
/// `yes no`), after the last comma for a list (`allow=ulaw,` → `allow=ulaw,alaw` …).
fn fields(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some((settings, Some(ty))) = context() else {
        return Vec::new();
    };
    let cur = current.to_string_lossy();
    match cur.split_once('=') {
        None => ty
            .fields
            .iter()
            .filter(|f| f.name != "type" && starts_with_ci(f.name, &cur))
            .map(|f| CompletionCandidate::new(format!("{}=", f.name)))
            .collect(),
        Some((attr, value)) => {
            let Some(i) = ty.field_index(attr) else {
                return Vec::new();
            };
            let (head, last) = match value.rsplit_once(',') {
                Some((h, l)) => (format!("{attr}={h},"), l),
                None => (format!("{attr}="), value),
            };
            let f = &ty.fields[i];
            let values: Vec<String> = match referenced_type(f.name) {
                Some(target) => stored_ids(settings, target, last),
                None => crate::schema::values::candidates(&f.kind)
                    .into_iter()
                    .filter(|v| starts_with_ci(v, last))
                    .map(str::to_string)
                    .collect(),
            };
            values
                .into_iter()
                .map(|v| CompletionCandidate::new(format!("{head}{v}")))
                .collect()
        }
    }
}

/// `schema TYPE <TAB>`: the type's attribute names.
fn attributes(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some((_, Some(ty))) = context() else {
        return Vec::new();
    };
    let cur = current.to_string_lossy();
    let mut names: Vec<&str> = ty
        .fields
        .iter()
        .map(|f| f.name)
        .filter(|n| *n != "type" && starts_with_ci(n, &cur))
        .collect();
    names.sort_unstable();
    names.into_iter().map(CompletionCandidate::new).collect()
}
