//! The surface around the commands (issue 12): help, usage lines, suggestions, completions,
//! man pages, tables that fit, schema output, and the messages a shell user reads.

use std::path::Path;

use serde_json::Value;

use crate::common::{fixtures, Env};

/// Compare with a committed snapshot in tests/fixtures/help/; `UPDATE_SNAPSHOTS=1` rewrites it.
fn snapshot(name: &str, text: &str) {
    let path = fixtures().join("help").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        text,
        want,
        "{} differs (UPDATE_SNAPSHOTS=1 rewrites it)",
        path.display()
    );
}

#[test]
fn help_text_snapshots() {
    let env = Env::new();
    for (args, name) in [
        (&["schema", "--help"][..], "schema.txt"),
        (&["serve", "--help"][..], "serve.txt"),
        (&["reload", "-h"][..], "reload-short.txt"),
    ] {
        let mut c = env.cmd();
        // The [env: …] notes show values: keep them out of the snapshot.
        c.env_remove("PJSIPCTL_DB");
        let out = c.args(args).output().unwrap();
        assert!(out.status.success());
        snapshot(name, &String::from_utf8(out.stdout).unwrap());
    }
}

#[test]
fn help_shows_only_the_options_a_subcommand_reads_under_headings() {
    let env = Env::new();
    let schema = env.ok(&["schema", "--help"]);
    for absent in [
        "--ari",
        "--db",
        "--insecure",
        "--show-secrets",
        "Storage:",
        "ARI target:",
    ] {
        assert!(
            !schema.contains(absent),
            "schema --help shows {absent}:\n{schema}"
        );
    }
    let serve = env.ok(&["serve", "--help"]);
    for absent in [
        "--ari",
        "--target",
        "--cacert",
        "--api-key",
        "--timeout",
        "--output",
    ] {
        assert!(
            !serve.contains(absent),
            "serve --help shows {absent}:\n{serve}"
        );
    }
    assert!(serve.contains("Clients:") && serve.contains("--user") && serve.contains("--db"));
    let ping = env.ok(&["ping", "--help"]);
    assert!(
        !ping.contains("--db") && ping.contains("ARI target:"),
        "{ping}"
    );
    let push = env.ok(&["push", "--help"]);
    let at = |h: &str| push.find(h).unwrap_or_else(|| panic!("no {h} in:\n{push}"));
    assert!(at("Storage:") < at("ARI target:") && at("ARI target:") < at("Output:"));
    // Hidden here, still accepted: a global option stays global.
    let (code, _, err) = env.run(&["schema", "--db", "x.sqlite3", "aor"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn every_subcommand_long_help_ends_with_examples() {
    let env = Env::new();
    for sub in [
        "push", "show", "list", "delete", "apply", "diff", "export", "schema", "serve", "ping",
        "reload",
    ] {
        let help = env.ok(&[sub, "--help"]);
        let ex = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{sub} --help has no examples:\n{help}"));
        let n = ex
            .lines()
            .filter(|l| l.trim_start().starts_with("pjsipctl "))
            .count();
        assert!((2..=4).contains(&n), "{sub}: {n} examples");
        assert!(!help.contains("password=secret"), "{sub}");
    }
}

#[test]
fn usage_lines_do_not_show_env_set_options_as_required() {
    // Env sets PJSIPCTL_DB for every command.
    let env = Env::new();
    let (code, _, err) = env.run(&["apply"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("Usage: pjsipctl apply [OPTIONS] <FILE>"),
        "{err}"
    );
    assert!(!err.contains("--db <PATH>"), "{err}");
}

#[test]
fn flag_suggestions_are_plausible() {
    let env = Env::new();
    let (code, _, err) = env.run(&["delete", "endpoint", "alice", "--force"]);
    assert_eq!(code, 2);
    assert!(!err.contains("--sorcery"), "{err}");
    assert!(
        err.contains("'--force' is an option of push, apply"),
        "{err}"
    );
    let (_, _, err) = env.run(&["list", "--sorcry"]);
    assert!(
        err.contains("a similar argument exists: '--sorcery'"),
        "{err}"
    );
    assert!(env.snapshot().is_empty());
}

#[test]
fn types_accept_any_case_plural_and_underscore_with_did_you_mean() {
    let env = Env::new();
    for ty in ["Endpoint", "ENDPOINT", "endpoints", "Endpoints"] {
        env.ok(&["push", ty, "alice", "allow=ulaw"]);
    }
    env.ok(&["push", "aor", "alice"]);
    assert!(env.ok(&["list", "AORS"]).contains("alice"));
    for ty in [
        "outbound_publish",
        "Outbound-Publishes",
        "domain-alias",
        "RESOURCE-LIST",
    ] {
        let (code, _, err) = env.run(&["schema", ty]);
        assert_eq!(code, 0, "{ty}: {err}");
    }
    let before = env.snapshot();
    let (code, _, err) = env.run(&["push", "endpont", "bob"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown object type 'endpont' (did you mean 'endpoint'?)"),
        "{err}"
    );
    let (code, _, err) = env.run(&["show", "wizard", "bob"]);
    assert_eq!(code, 2);
    assert!(!err.contains("did you mean"), "{err}");
    assert_eq!(env.snapshot(), before);
}

/// What the completion engine offers for the last word of `words`, as fish receives it.
fn complete(env: &Env, words: &[&str]) -> Vec<String> {
    let out = env
        .cmd()
        .env("COMPLETE", "fish")
        .arg("--")
        .arg("pjsipctl")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn completion_candidates_come_from_the_schema_and_the_target() {
    let env = Env::new();
    assert_eq!(complete(&env, &["push", "end"]), ["endpoint"]);
    // Only what push accepts.
    assert!(!complete(&env, &["push", "a"]).contains(&"acl".to_string()));
    assert!(complete(&env, &["show", "a"]).contains(&"acl".to_string()));
    let ctx = complete(&env, &["push", "endpoint", "alice", "cont"]);
    assert!(ctx.contains(&"context=".to_string()), "{ctx:?}");
    assert!(ctx.iter().all(|c| c.starts_with("cont")), "{ctx:?}");
    assert_eq!(
        complete(&env, &["push", "endpoint", "alice", "direct_media="]),
        ["direct_media=yes", "direct_media=no"]
    );
    let codecs = complete(&env, &["push", "endpoint", "alice", "allow=ulaw,al"]);
    assert_eq!(codecs, ["allow=ulaw,all", "allow=ulaw,alaw"]);
    assert_eq!(
        complete(&env, &["schema", "endpoint", "direct_media_m"]),
        ["direct_media_method"]
    );
    // Ids from the target; nothing before anything is stored (and no file is created).
    assert!(complete(&env, &["show", "endpoint", ""])
        .iter()
        .all(|c| c.starts_with('-')));
    assert!(!env.db().exists());
    env.ok(&["push", "aor", "alice"]);
    env.ok(&["push", "aor", "bob"]);
    env.ok(&["push", "auth", "alice", "username=alice", "password=x"]);
    let ids = complete(&env, &["show", "aor", ""]);
    assert!(
        ids.starts_with(&["alice".to_string(), "bob".to_string()]),
        "{ids:?}"
    );
    assert_eq!(complete(&env, &["delete", "aors", "b"]), ["bob"]);
    // References complete from the stored objects they name.
    assert_eq!(
        complete(&env, &["push", "endpoint", "alice", "aors=alice,"]),
        ["aors=alice,alice", "aors=alice,bob"]
    );
    assert_eq!(
        complete(&env, &["push", "endpoint", "alice", "auth="]),
        ["auth=alice"]
    );
    let other = env.dir.path().join("other.sqlite3");
    let none = complete(&env, &["--db", other.to_str().unwrap(), "show", "aor", "a"]);
    assert!(none.is_empty(), "{none:?}");
    // Named targets from config.toml.
    let cfg = env.dir.path().join("config/pjsipctl");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[targets.lab]\nurl = \"http://10.0.0.5:8088/ari\"\n[targets.prod]\nurl = \"http://10.0.0.6:8088/ari\"\n",
    )
    .unwrap();
    assert_eq!(complete(&env, &["--target", "l"]), ["lab"]);
    assert_eq!(complete(&env, &["show", "--target", ""]), ["lab", "prod"]);
    // The hidden generate is not offered.
    assert!(!complete(&env, &["gen"]).contains(&"generate".to_string()));
}

#[test]
fn completion_scripts_exist_for_four_shells_and_call_the_engine() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for f in [
        "pjsipctl.bash",
        "_pjsipctl",
        "pjsipctl.fish",
        "_pjsipctl.ps1",
    ] {
        let s = std::fs::read_to_string(dir.join(f)).unwrap();
        assert!(s.contains("COMPLETE"), "{f}");
    }
}

/// The man page text of `page` (the roff source).
fn man(page: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("man").join(page)).unwrap()
}

#[test]
fn man_pages_have_every_section_for_each_subcommand() {
    for page in [
        "pjsipctl.1",
        "pjsipctl-push.1",
        "pjsipctl-show.1",
        "pjsipctl-list.1",
        "pjsipctl-delete.1",
        "pjsipctl-apply.1",
        "pjsipctl-diff.1",
        "pjsipctl-export.1",
        "pjsipctl-schema.1",
        "pjsipctl-serve.1",
        "pjsipctl-ping.1",
        "pjsipctl-reload.1",
    ] {
        let m = man(page);
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH EXAMPLES",
            ".SH EXIT STATUS",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH SEE ALSO",
        ] {
            assert!(m.contains(section), "{page} has no {section}");
        }
        for code in 0..=6 {
            assert!(m.contains(&format!(".B {code}\n")), "{page}: exit {code}");
        }
        assert!(
            m.contains("config.toml") && m.contains("astdb.sqlite3"),
            "{page}"
        );
    }
    assert!(man("pjsipctl.1").contains("pjsipctl\\-apply(1)"));
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("man/pjsipctl-generate.1")
        .exists());
}

#[test]
fn generate_names_the_file_or_folder_it_cannot_write() {
    let env = Env::new();
    let dir = env.dir.path();
    std::fs::write(dir.join("blocker"), "a file, not a folder").unwrap();
    let (completions, man) = (dir.join("completions"), dir.join("man"));
    let (c, m) = (completions.to_str().unwrap(), man.to_str().unwrap());
    let under_a_file = dir.join("blocker/man");
    let r = env.run(&[
        "generate",
        "--completions",
        c,
        "--man",
        under_a_file.to_str().unwrap(),
    ]);
    assert_eq!(r.0, 5, "{}", r.2);
    assert!(
        r.2.starts_with(&format!(
            "error: cannot create {}: ",
            under_a_file.display()
        )),
        "{}",
        r.2
    );
    // A page's path taken by a folder: the page is named, with the system's reason.
    std::fs::create_dir_all(man.join("pjsipctl-push.1")).unwrap();
    let r = env.run(&["generate", "--completions", c, "--man", m]);
    assert_eq!(r.0, 5, "{}", r.2);
    let page = man.join("pjsipctl-push.1");
    assert!(
        r.2.starts_with(&format!("error: cannot write {}: ", page.display()))
            && r.2.contains("directory"),
        "{}",
        r.2
    );
}

/// Every environment variable the sources read: `env = "X"` (clap) and `var("X")`/`var_os("X")`.
fn env_vars_read() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let s = std::fs::read_to_string(&p).unwrap();
                for pat in ["env = \"", "var(\"", "var_os(\""] {
                    for part in s.split(pat).skip(1) {
                        let name: String = part
                            .chars()
                            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                            .collect();
                        // clap_complete's own variables, set by its scripts.
                        if !name.is_empty() && !name.starts_with("_CLAP") && !out.contains(&name) {
                            out.push(name);
                        }
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

#[test]
fn every_env_variable_the_cli_reads_is_in_the_man_page() {
    let vars = env_vars_read();
    assert!(vars.len() >= 10, "{vars:?}");
    let m = man("pjsipctl.1");
    let env = m
        .split(".SH ENVIRONMENT")
        .nth(1)
        .and_then(|s| s.split(".SH ").next())
        .unwrap();
    for v in vars
        .iter()
        .map(String::as_str)
        .chain(["NO_COLOR", "COMPLETE"])
    {
        assert!(
            env.contains(&format!(".B {v}\n")),
            "{v} is read but not in ENVIRONMENT"
        );
    }
}

#[test]
fn tables_fit_60_columns() {
    let env = Env::new();
    env.ok(&["push", "aor", "alice", "max_contacts=1"]);
    env.ok(&["push", "aor", "bob"]);
    env.ok(&["push", "auth", "alice", "username=alice", "password=x"]);
    for id in ["alice", "bob"] {
        env.ok(&[
            "push",
            "endpoint",
            id,
            "allow=ulaw,alaw,g722",
            "auth=alice",
            "aors=alice,bob",
            "context=a-rather-long-context-name",
            "callerid=\"Alice Liddell\" <1000>",
        ]);
    }
    let narrow = |args: &[&str]| {
        let out = env.cmd().env("COLUMNS", "60").args(args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let wide = env.ok(&["list", "endpoints"]);
    assert!(wide.lines().any(|l| l.chars().count() > 60), "{wide}");
    let list = narrow(&["list", "endpoints"]);
    for out in [
        &list,
        &narrow(&["schema", "endpoint"]),
        &narrow(&["schema"]),
    ] {
        for l in out.lines() {
            assert!(
                l.chars().count() <= 60,
                "{} columns: {l}\n{out}",
                l.chars().count()
            );
        }
    }
    // The ids, the narrow column, stay whole; nothing is lost.
    assert!(list.lines().any(|l| l.starts_with("alice ")), "{list}");
    assert!(list.lines().any(|l| l.starts_with("bob ")), "{list}");
    assert!(list.contains("Objects found: 2"));
    // Without COLUMNS and with stdout no terminal: whole lines for scripts.
    let out = env
        .cmd()
        .env_remove("COLUMNS")
        .args(["list", "endpoints"])
        .output()
        .unwrap();
    let whole = String::from_utf8(out.stdout).unwrap();
    assert!(whole.lines().any(|l| l.chars().count() > 100), "{whole}");
}

#[test]
fn schema_table_json_conf_and_pushable_marking() {
    let env = Env::new();
    let t = env.ok(&["schema", "endpoint"]);
    assert!(!t.contains("Objects found"), "{t}");
    // Rows start at the left edge; wrapped text continues further right.
    let names: Vec<&str> = t
        .lines()
        .skip(3)
        .map(|l| l.strip_prefix("| ").unwrap_or(l))
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.len() > 100);
    // The full text stays in `schema TYPE ATTRIBUTE` and -o json.
    let one = env.ok(&["schema", "endpoint", "dtmf_mode"]);
    assert!(
        one.contains("rfc4733, inband, info, auto, auto_info, none"),
        "{one}"
    );
    let j: Value =
        serde_json::from_str(&env.ok(&["schema", "endpoint", "dtmf_mode", "-o", "json"])).unwrap();
    assert_eq!(j["default"], "rfc4733");
    let (code, _, err) = env.run(&["schema", "endpoint", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("an endpoint has no attribute 'nope'"), "{err}");
    // -o conf: a section template that apply accepts as it is.
    let conf = env.ok(&["schema", "endpoint", "-o", "conf"]);
    assert!(
        conf.contains("[endpoint-template](!)\ntype=endpoint\n;"),
        "{conf}"
    );
    assert!(
        conf.contains("\n;allow=\n") && conf.contains("\n;direct_media=true\n"),
        "{conf}"
    );
    let file = env.dir.path().join("template.conf");
    std::fs::write(&file, &conf).unwrap();
    env.ok(&["apply", file.to_str().unwrap()]);
    let (code, _, err) = env.run(&["schema", "-o", "conf"]);
    assert_eq!(code, 2);
    assert!(err.contains("schema -o conf needs a type"), "{err}");
    // Pushable: exactly what push accepts.
    let types: Value = serde_json::from_str(&env.ok(&["schema", "-o", "json"])).unwrap();
    for t in types.as_array().unwrap() {
        let name = t["type"].as_str().unwrap();
        let (code, _, err) = env.run(&["push", name, "x", "--force"]);
        assert_eq!(
            t["pushable"].as_bool().unwrap(),
            code != 6,
            "{name}: exit {code}: {err}"
        );
        if name == "acl" {
            assert!(err.contains("an acl object"), "{err}");
        }
    }
}

#[test]
fn static_objects_are_refused_as_read_only_before_their_values() {
    let env = Env::new();
    let confdir = env.dir.path().join("etc");
    std::fs::create_dir_all(&confdir).unwrap();
    std::fs::write(
        confdir.join("pjsip.conf"),
        "[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0\n",
    )
    .unwrap();
    let c = confdir.to_str().unwrap();
    let (code, _, err) = env.run(&["--confdir", c, "push", "transport", "t2", "bind=bad"]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("cannot push transport t2") && !err.contains("bind"),
        "{err}"
    );
    let (update, _, err) = env.run(&[
        "--confdir",
        c,
        "push",
        "transport",
        "transport-udp",
        "bind=0.0.0.0:5061",
    ]);
    assert!(
        err.contains("cannot update transport transport-udp"),
        "{err}"
    );
    let (delete, _, _) = env.run(&[
        "--confdir",
        c,
        "delete",
        "transport",
        "transport-udp",
        "--yes",
    ]);
    assert_eq!((update, delete), (6, 6));
    assert!(env.rows().is_empty());
}

#[test]
fn a_masked_digest_is_described_without_a_contradiction() {
    let env = Env::new();
    let (code, _, err) = env.run(&[
        "push",
        "auth",
        "a",
        "username=a",
        "auth_type=md5",
        "md5_cred=abc",
    ]);
    assert_eq!(code, 4);
    assert!(
        err.contains("the value has 3 characters; 32 hex digits are needed"),
        "{err}"
    );
    assert!(!err.contains("abc"), "{err}");
}

#[test]
fn static_sections_are_noted_on_one_line_unless_verbose() {
    let env = Env::new();
    let file = env.dir.path().join("pjsip.conf");
    std::fs::write(
        &file,
        "[global]\ntype=global\n[system]\ntype=system\n[transport-udp]\ntype=transport\nbind=0.0.0.0\n\
         [alice]\ntype=aor\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (code, _, err) = env.run(&["apply", f]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("note: 3 sections stay in the static file (global, system, transport-udp); -v lists them"),
        "{err}"
    );
    assert_eq!(err.matches("stay").count(), 1, "{err}");
    let (_, _, err) = env.run(&["apply", "-v", f]);
    assert_eq!(
        err.matches("stays in the static pjsip.conf").count(),
        3,
        "{err}"
    );
}

/// stderr of `pjsipctl apply FILE` run on a pseudo-terminal (util-linux `script`), with `env`.
fn apply_on_a_terminal(env: &Env, file: &Path, db: &str, vars: &[(&str, &str)]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("pjsipctl");
    let line = format!("{} apply {} >/dev/null", bin.display(), file.display());
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.dir.path())
        .env("PJSIPCTL_DB", env.dir.path().join(db))
        .envs(vars.iter().copied())
        .output()
        .expect("script (util-linux) runs the binary on a terminal");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_is_drawn_only_in_an_interactive_session() {
    let env = Env::new();
    let mut conf = String::new();
    for i in 0..3000 {
        conf.push_str(&format!("[u{i}]\ntype=aor\nmax_contacts=1\n"));
    }
    let file = env.dir.path().join("many.conf");
    std::fs::write(&file, conf).unwrap();
    // A terminal and nothing against it: drawn.
    let drawn = apply_on_a_terminal(&env, &file, "a.sqlite3", &[("TERM", "xterm")]);
    assert!(
        drawn.contains('\u{1b}') && drawn.contains("objects"),
        "{drawn:?}"
    );
    // The one-pass apply estimates its total from the share of the file read: a bar with
    // a time left, not only a count.
    assert!(drawn.contains("ETA"), "{drawn:?}");
    // The same terminal in CI, or a dumb one: plain lines only (a terminal ends them \r\n).
    for (i, vars) in [
        &[("TERM", "xterm"), ("CI", "true")][..],
        &[("TERM", "dumb")][..],
    ]
    .iter()
    .enumerate()
    {
        let err = apply_on_a_terminal(&env, &file, &format!("{i}.sqlite3"), vars);
        assert!(!err.contains('\u{1b}'), "{vars:?}: {err:?}");
        assert!(
            !err.replace("\r\n", "\n").contains('\r'),
            "{vars:?}: {err:?}"
        );
        assert!(err.contains("3000 created"), "{vars:?}: {err:?}");
    }
    // Not a terminal at all.
    let (code, _, err) = env.run(&["apply", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn push_from_a_whole_file_points_to_apply() {
    let env = Env::new();
    let file = env.dir.path().join("pjsip.conf");
    std::fs::write(&file, "[a]\ntype=aor\nmax_contacts=1\n[b]\ntype=aor\n").unwrap();
    let (code, _, err) = env.run(&["push", "aor", "a", "--from", file.to_str().unwrap()]);
    assert_eq!(code, 4);
    assert!(
        err.contains("use `pjsipctl apply FILE` for a whole pjsip.conf"),
        "{err}"
    );
    assert!(env.rows().is_empty());
}
