//! Tests over the whole CLI definition: what the integration tests must pin, and that no
//! argument takes a password.

use std::collections::BTreeSet;
use std::path::Path;

use clap::CommandFactory;

// The integration tests' environment helper, to check it against what the binary reads.
#[path = "../tests/integration/common.rs"]
mod common;

/// Every argument of every (sub)command, with the path of commands leading to it.
fn all_args() -> Vec<(String, clap::Arg)> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
        for a in cmd.get_arguments() {
            out.push((path.to_string(), a.clone()));
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }
    let mut out = Vec::new();
    let mut cmd = crate::cli::Cli::command();
    // Propagates the global arguments to every subcommand.
    cmd.build();
    walk(&cmd, cmd.get_name(), &mut out);
    out
}

/// The variables read by name in src/ (`std::env::var` and `var_os` of a literal), and
/// TMPDIR where `temp_dir()` is used; this file's own text aside.
fn read_in_src() -> BTreeSet<String> {
    fn scan(dir: &Path, found: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                scan(&p, found);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") || p.ends_with("cli_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for needle in ["var_os(\"", "var(\""] {
                for (at, _) in text.match_indices(needle) {
                    if !text[..at].ends_with("env::") {
                        continue;
                    }
                    let rest = &text[at + needle.len()..];
                    found.insert(rest[..rest.find('"').unwrap()].to_string());
                }
            }
            if text.contains(&["temp_dir", "()"].concat()) {
                found.insert("TMPDIR".into());
            }
        }
    }
    let mut found = BTreeSet::new();
    scan(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found
}

/// Read by the libraries on a terminal: clap's help width, console's colours and terminal
/// kind (through dialoguer and indicatif).
const LIBRARIES: &[&str] = &["COLUMNS", "TERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"];

#[test]
fn every_variable_the_binary_reads_is_pinned_by_the_test_helper() {
    let mut read: BTreeSet<String> = all_args()
        .iter()
        .filter_map(|(_, a)| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .collect();
    // The walk and the scan find what they must (else this test would pass on nothing).
    assert!(read.contains("PJSIPCTL_CONFDIR"), "{read:?}");
    let src = read_in_src();
    assert!(
        src.contains("PJSIPCTL_PASSWORD") && src.contains("HOME"),
        "{src:?}"
    );
    read.extend(src);
    read.extend(LIBRARIES.iter().map(|s| s.to_string()));

    let pinned: BTreeSet<&str> = common::PINNED.iter().map(|(k, _)| *k).collect();
    let missing: Vec<&String> = read
        .iter()
        .filter(|v| !pinned.contains(v.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "read by pjsipctl but not pinned in tests/integration/common.rs PINNED: {missing:?}"
    );
    // The helper's command holds exactly the pins that set a value (env_clear drops the
    // rest, which is how an unset pin holds), each path inside the test's directory.
    let env = common::Env::new();
    let cmd = env.std_cmd();
    let set: BTreeSet<String> = cmd
        .get_envs()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .collect();
    let want: BTreeSet<String> = common::PINNED
        .iter()
        .filter(|(_, p)| !matches!(p, common::Pin::Unset))
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(set, want);
    for (k, v) in cmd.get_envs() {
        if let (Some(v), false) = (v, k == "PATH") {
            let v = Path::new(v);
            assert!(
                !v.is_absolute() || v.starts_with(env.dir.path()),
                "{k:?}={v:?} points outside the test's directory"
            );
        }
    }
}

#[test]
fn no_argument_takes_a_password() {
    let args = all_args();
    assert!(args.len() > 50, "the walk found {} arguments", args.len());
    let secret = |s: &str| {
        let s = s.to_ascii_lowercase();
        ["pass", "secret", "token", "key", "cred"]
            .iter()
            .any(|w| s.contains(w))
    };
    let mut bad = Vec::new();
    let mut seen_password_file = false;
    for (path, a) in &args {
        let takes_value = a.get_action().takes_values();
        let names: Vec<String> = a
            .get_long()
            .into_iter()
            .map(str::to_string)
            .chain(a.get_short().map(|c| c.to_string()))
            .chain([a.get_id().to_string()])
            .collect();
        let value_names: Vec<String> = a
            .get_value_names()
            .unwrap_or_default()
            .iter()
            .map(|v| v.to_string())
            .collect();
        if names.iter().any(|n| n == "password_file") {
            seen_password_file = true;
        }
        // A value that names a file is fine (--password-file FILE); any other value of an
        // argument named like a secret is not.
        if takes_value
            && (names.iter().any(|n| secret(n)) || value_names.iter().any(|v| secret(v)))
            && !value_names.iter().any(|v| v == "FILE")
        {
            bad.push(format!("{path}: {names:?} {value_names:?}"));
        }
        if let Some(e) = a.get_env() {
            let e = e.to_string_lossy();
            if takes_value && secret(&e) {
                bad.push(format!("{path}: {names:?} reads {e} through clap"));
            }
        }
    }
    assert!(seen_password_file);
    assert!(bad.is_empty(), "arguments that take a secret: {bad:#?}");
}
