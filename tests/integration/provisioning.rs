//! Issue 17: pjsipctl as a provisioning job runs it (no terminal, `set -e`, stdout parsed as
//! JSON): one document per run, errors and warnings in it, summary-only logs, ownership
//! marks and prune by owner, bulk delete. Over ARI: `ari::provisioning`.

use serde_json::{json, Value};

use crate::common::Env;

const USERS: &str = "\
[u1]\ntype=auth\nusername=u1\npassword=pw1\n\n[u1]\ntype=aor\nmax_contacts=1\n\n\
[u1]\ntype=endpoint\nallow=ulaw\nauth=u1\naors=u1\n\n\
[u2]\ntype=auth\nusername=u2\npassword=pw2\n\n[u2]\ntype=aor\nmax_contacts=1\n\n\
[u2]\ntype=endpoint\nallow=ulaw\nauth=u2\naors=u2\n";

/// stdout as the one JSON document it must be.
fn doc(r: &(i32, String, String)) -> Value {
    serde_json::from_str(&r.1).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): exit {}\n{}\n{}",
            r.0, r.1, r.2
        )
    })
}

fn changes(d: &Value) -> Vec<String> {
    d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["action"].as_str().unwrap(),
                c["type"].as_str().unwrap(),
                c["id"].as_str().unwrap()
            )
        })
        .collect()
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// The stored keys, as `type id`.
fn keys(env: &Env) -> Vec<String> {
    env.rows()
        .into_iter()
        .map(|(k, _)| {
            let p: Vec<&str> = k.split('/').collect();
            format!("{} {}", p[2], p[3])
        })
        .collect()
}

#[test]
fn every_json_run_prints_one_document() {
    let env = Env::new();
    env.init_db();
    let f = write(&env, "users.conf", USERS);
    // A dry run on a fresh target: what would be, and nothing written.
    let r = env.run(&["-o", "json", "apply", "--dry-run", &f]);
    let d = doc(&r);
    assert_eq!(
        (r.0, &d["dry_run"], &d["summary"]["create"]),
        (0, &json!(true), &json!(6))
    );
    assert!(env.rows().is_empty());
    let r = env.run(&["-o", "json", "apply", &f]);
    let d = doc(&r);
    assert_eq!(r.0, 0, "{}", r.2);
    assert_eq!(d["dry_run"], false);
    assert_eq!(
        d["summary"],
        json!({"create": 6, "update": 0, "delete": 0, "unchanged": 0, "skipped": 0,
               "applied": 6, "failed": 0, "not_run": 0})
    );
    assert!(d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] == "applied"));
    // Nothing to do: still one document, with no changes; with --prune --yes and -q too.
    for args in [
        vec!["-o", "json", "apply", f.as_str()],
        vec!["-o", "json", "-q", "apply", "--prune", "--yes", f.as_str()],
        vec!["-o", "json", "apply", "-n", "--prune", f.as_str()],
        vec!["-o", "json", "diff", "--prune", f.as_str()],
    ] {
        let r = env.run(&args);
        let d = doc(&r);
        assert_eq!(r.0, 0, "{args:?}: {}", r.2);
        assert_eq!(d["changes"], json!([]), "{args:?}");
        assert_eq!(d["summary"]["unchanged"], 6, "{args:?}");
        assert_eq!(
            d["dry_run"],
            json!(args.contains(&"-n") || args.contains(&"diff")),
            "{args:?}"
        );
        assert_eq!(d["warnings"], json!([]), "{args:?}");
    }
    // A prune that deletes: the document counts the delete as done.
    let f1 = write(&env, "u1.conf", &USERS[..USERS.find("[u2]").unwrap()]);
    let r = env.run(&["-o", "json", "apply", "--prune", "--yes", &f1]);
    let d = doc(&r);
    assert_eq!(
        (r.0, &d["summary"]["delete"], &d["summary"]["applied"]),
        (0, &json!(3), &json!(3))
    );
    assert_eq!(
        changes(&d),
        ["delete endpoint u2", "delete aor u2", "delete auth u2"]
    );
}

#[test]
fn errors_are_json_documents_and_stderr_keeps_its_line() {
    let env = Env::new();
    let good = write(&env, "users.conf", USERS);
    env.ok(&["apply", &good]);
    let before = env.snapshot();
    let bad = write(&env, "bad.conf", "[x]\ntype=aor\nmax_contacts=lots\n");
    let garbage = write(&env, "garbage.sqlite3", "not a database\n");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["-o", "json", "show", "aor", "nobody"], 3, "not_found"),
        (vec!["-o", "json", "apply", &bad], 4, "invalid"),
        (
            vec![
                "-o",
                "json",
                "--strict",
                "push",
                "endpoint",
                "e",
                "allow=ulaw",
                "aors=nothing-here",
            ],
            4,
            "invalid",
        ),
        (
            vec!["-o", "json", "--db", &garbage, "apply", &good],
            5,
            "storage",
        ),
        (
            vec![
                "-o",
                "json",
                "push",
                "transport",
                "t",
                "bind=0.0.0.0",
                "protocol=udp",
            ],
            6,
            "refused",
        ),
        (vec!["-o", "json", "delete", "aor", "u1"], 2, "usage"),
    ];
    for (args, exit, kind) in cases {
        let r = env.run(&args);
        let d = doc(&r);
        assert_eq!(r.0, exit, "{args:?}: {}", r.2);
        assert_eq!(d["error"]["exit"], exit, "{args:?}: {d}");
        assert_eq!(d["error"]["kind"], kind, "{args:?}: {d}");
        let msg = d["error"]["message"].as_str().unwrap();
        assert!(
            r.2.contains(&format!("error: {msg}")),
            "{args:?}: stderr lost its line: {}",
            r.2
        );
        assert!(d["error"].get("hint").is_some(), "{d}");
        if args.contains(&bad.as_str()) {
            // Each problem of the file, with its line, as stderr gives it.
            let p = d["error"]["problems"].as_array().unwrap();
            assert!(
                p.len() == 1 && p[0].as_str().unwrap().contains("bad.conf:3"),
                "{d}"
            );
        }
        assert_eq!(env.snapshot(), before, "{args:?} changed the database");
    }
}

#[test]
fn warnings_reach_the_document_even_with_quiet() {
    let env = Env::new();
    env.init_db();
    let f = write(
        &env,
        "e.conf",
        "[e]\ntype=endpoint\nallow=ulaw\naors=nowhere\n",
    );
    // Without -q the warning is on stderr (and in the document).
    let r = env.run(&["-o", "json", "apply", "--dry-run", &f]);
    assert!(
        r.2.contains("warning: ") && r.2.contains("nowhere"),
        "{}",
        r.2
    );
    let r = env.run(&["-q", "-o", "json", "apply", &f]);
    let d = doc(&r);
    assert_eq!(r.0, 0, "{}", r.2);
    // (Whatever -q leaves on stderr, the document has every warning.)
    assert!(
        !r.2.contains("created endpoint") && !r.2.contains("warning"),
        "-q: {}",
        r.2
    );
    let w = d["warnings"].as_array().unwrap();
    assert!(
        w.iter().any(|w| w.as_str().unwrap().contains("nowhere")),
        "{d}"
    );
}

#[test]
fn summary_only_leaves_out_the_per_object_lines() {
    let f_text = format!("{USERS}\n[w]\ntype=endpoint\nallow=ulaw\naors=nowhere\n");
    // The one-pass apply and the planner alike.
    for whole in [false, true] {
        let env = Env::new();
        let f = write(&env, "users.conf", &f_text);
        let out = env
            .cmd()
            .args(crate::common::routed(
                &["apply", "--summary-only", &f],
                whole,
            ))
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout, "", "read whole: {whole}");
        assert!(
            stderr.contains("warning: ") && stderr.contains("nowhere"),
            "{stderr}"
        );
        assert!(stderr.contains("7 created"), "{stderr}");
        assert!(!stderr.contains("created endpoint"), "{stderr}");
        assert_eq!(env.rows().len(), 7);
        // A dry run's plan is left out too (the -o json document never is).
        let r = env.run(&["apply", "-n", "--summary-only", "--prune", &f]);
        assert_eq!((r.0, r.1.as_str()), (0, ""), "{}", r.2);
        assert!(r.2.contains("would be 0 created"), "{}", r.2);
        let r = env.run(&["-o", "json", "apply", "-n", "--summary-only", &f]);
        assert_eq!(doc(&r)["summary"]["unchanged"], 7);
        // -q is another thing: errors and the closing counts only (issue 11), no notes.
        let r = env.run(&["-q", "apply", &f]);
        assert_eq!((r.0, r.1.as_str()), (0, ""));
        assert_eq!(r.2.lines().count(), 1, "{}", r.2);
        assert!(r.2.contains("7 unchanged"), "{}", r.2);
        // delete: no line per object, the summary stays.
        let r = env.run(&["delete", "--summary-only", "--yes", "aor", "u1", "u2"]);
        assert_eq!(r.0, 0, "{}", r.2);
        assert!(!r.2.contains("deleted aor"), "{}", r.2);
        assert!(r.2.contains("2 deleted"), "{}", r.2);
        assert!(r.2.contains("still referenced"), "{}", r.2);
    }
}

#[test]
fn owner_marks_what_apply_writes_and_prune_deletes_only_that() {
    let env = Env::new();
    let f = write(&env, "users.conf", USERS);
    let other = write(
        &env,
        "other.conf",
        "[o1]\ntype=aor\n[o1]\ntype=endpoint\nallow=ulaw\naors=o1\n",
    );
    let plain = write(&env, "plain.conf", "[p1]\ntype=aor\nmax_contacts=2\n");
    env.ok(&["apply", "--owner", "hr", &f]);
    env.ok(&["apply", "--owner", "pbx", &other]);
    env.ok(&["apply", &plain]);
    env.ok(&["push", "aor", "manual", "max_contacts=3"]);
    // Every object the owner's apply wrote carries the mark; nothing else has one.
    for (k, row) in env.rows() {
        let owner = if k.contains("/u1") || k.contains("/u2") {
            Some("hr")
        } else if k.contains("/o1") {
            Some("pbx")
        } else {
            None
        };
        match owner {
            Some(o) => assert!(
                row.contains(&format!(r#""@pjsipctl_owner":"{o}""#)),
                "{k}: {row}"
            ),
            None => assert!(!row.contains("pjsipctl_owner"), "{k}: {row}"),
        }
    }
    // Drift is checked with the same owner; without one a stored mark is left alone.
    assert_eq!(env.run(&["diff", "--owner", "hr", &f]).0, 0);
    assert_eq!(env.run(&["diff", &f]).0, 0);
    let r = env.run(&["apply", &f]);
    assert!(r.2.contains("is up to date"), "{}", r.2);
    // The job drops u2 and its file now holds only u1's endpoint and aor: every one of its
    // objects the file lacks goes (auth u1 too, a type the file no longer has); the other
    // owner's, the unowned and the manual objects stay.
    let f2 = write(
        &env,
        "u1.conf",
        "[u1]\ntype=aor\nmax_contacts=1\n\n[u1]\ntype=endpoint\nallow=ulaw\naors=u1\n",
    );
    let r = env.run(&["-o", "json", "diff", "--prune", "--owner", "hr", &f2]);
    assert_eq!(r.0, 1, "{}", r.2);
    let want = [
        "update endpoint u1",
        "delete endpoint u2",
        "delete aor u2",
        "delete auth u1",
        "delete auth u2",
    ];
    assert_eq!(changes(&doc(&r)), want);
    let r = env.run(&[
        "-o", "json", "apply", "--prune", "--yes", "--owner", "hr", &f2,
    ]);
    assert_eq!(r.0, 0, "{}", r.2);
    assert_eq!(changes(&doc(&r)), want);
    let mut k = keys(&env);
    k.sort();
    assert_eq!(
        k,
        [
            "aor manual",
            "aor o1",
            "aor p1",
            "aor u1",
            "endpoint o1",
            "endpoint u1"
        ]
    );
    // Without --owner, prune keeps its meaning (the file's types, whoever wrote them).
    let r = env.run(&["-o", "json", "apply", "--prune", "--yes", "-n", &f2]);
    assert_eq!(
        changes(&doc(&r)),
        [
            "delete endpoint o1",
            "delete aor manual",
            "delete aor o1",
            "delete aor p1"
        ]
    );
    // An object another owner's file defines becomes that owner's.
    env.ok(&["apply", "--owner", "pbx", &f2]);
    let row = env
        .rows()
        .into_iter()
        .find(|(k, _)| k.ends_with("/endpoint/u1"))
        .unwrap()
        .1;
    assert!(row.contains(r#""@pjsipctl_owner":"pbx""#), "{row}");
    let r = env.run(&["apply", "--owner", "", &f2]);
    assert_eq!(r.0, 2, "an empty owner is refused: {}", r.2);
}

#[test]
fn bulk_delete_checks_first_and_is_one_transaction() {
    let env = Env::new();
    let f = write(&env, "users.conf", USERS);
    env.ok(&["apply", &f]);
    let before = env.snapshot();
    // A missing id: exit 3 before anything is asked or deleted.
    let r = env.run(&["delete", "aor", "u1", "nobody", "--yes"]);
    assert_eq!(r.0, 3, "{}", r.2);
    assert!(r.2.contains("error: aor nobody not found"), "{}", r.2);
    assert_eq!(env.snapshot(), before);
    // No terminal and no --yes: nothing deleted (exit 2); a dry run writes nothing.
    assert_eq!(env.run(&["delete", "--file", &f]).0, 2);
    let r = env.run(&["-o", "json", "delete", "--file", &f, "--dry-run"]);
    let d = doc(&r);
    assert_eq!((r.0, &d["dry_run"]), (0, &json!(true)));
    let want = [
        "delete endpoint u1",
        "delete endpoint u2",
        "delete aor u1",
        "delete aor u2",
        "delete auth u1",
        "delete auth u2",
    ];
    assert_eq!(changes(&d), want);
    let r = env.run(&["delete", "--file", &f, "--dry-run"]);
    assert!(r.1.starts_with("- endpoint u1\n"), "{}", r.1);
    assert_eq!(env.snapshot(), before);
    // What stays referenced is warned about; what goes with it is not.
    let r = env.run(&["delete", "--dry-run", "auth", "u1"]);
    assert!(
        r.2.contains("auth u1 is still referenced by endpoint u1 (auth)"),
        "{}",
        r.2
    );
    let r = env.run(&["delete", "--file", &f, "--dry-run"]);
    assert!(!r.2.contains("referenced"), "{}", r.2);
    // --missing-ok: the others go, the missing count as unchanged.
    let r = env.run(&[
        "-o",
        "json",
        "delete",
        "endpoint",
        "u2",
        "nobody",
        "--missing-ok",
        "--yes",
    ]);
    let d = doc(&r);
    assert_eq!(r.0, 0, "{}", r.2);
    assert_eq!(
        (&d["summary"]["delete"], &d["summary"]["unchanged"]),
        (&json!(1), &json!(1))
    );
    // The file: dependants first, one transaction.
    let r = env.run(&[
        "-o",
        "json",
        "delete",
        "--file",
        &f,
        "--missing-ok",
        "--yes",
    ]);
    let d = doc(&r);
    assert_eq!(r.0, 0, "{}", r.2);
    assert_eq!(changes(&d), [&want[..1], &want[2..]].concat());
    assert_eq!(d["summary"]["unchanged"], 1);
    assert!(env.rows().is_empty());
    // Run again: all gone is fine with --missing-ok, exit 3 without.
    let r = env.run(&[
        "-o",
        "json",
        "delete",
        "--file",
        &f,
        "--missing-ok",
        "--yes",
    ]);
    assert_eq!((r.0, &doc(&r)["summary"]["unchanged"]), (0, &json!(6)));
    assert_eq!(env.run(&["delete", "--file", &f, "--yes"]).0, 3);
}

/// The README's worked example, as a job runs it: `sh -e`, no terminal, the documents it
/// writes parsed.
#[test]
fn the_readme_job_runs_under_set_e() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## In provisioning jobs").expect("the section")..];
    let start = section.find("```sh\n").unwrap() + 6;
    let script = &section[start..start + section[start..].find("```").unwrap()];
    let env = Env::new();
    let bin = assert_cmd::cargo::cargo_bin("pjsipctl");
    let out = std::process::Command::new("sh")
        .args(["-e", "-c", script])
        .env_clear()
        .env("HOME", env.dir.path())
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", bin.parent().unwrap().display()),
        )
        .current_dir(env.dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the script failed: {err}");
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(env.dir.path().join(name)).unwrap()).unwrap()
    };
    let applied = read("applied.json");
    assert_eq!(
        (
            &applied["summary"]["applied"],
            &applied["summary"]["failed"]
        ),
        (&json!(3), &json!(0))
    );
    let drift = read("drift.json");
    assert_eq!(
        (&drift["dry_run"], &drift["changes"]),
        (&json!(true), &json!([]))
    );
    let pruned = read("pruned.json");
    assert_eq!(
        changes(&pruned),
        [
            "create auth 2002",
            "create aor 2002",
            "create endpoint 2002",
            "delete endpoint 2001",
            "delete aor 2001",
            "delete auth 2001",
        ]
    );
    assert!(err.contains("3 deleted"), "{err}");
    let rows = rusqlite::Connection::open(env.dir.path().join("astdb.sqlite3"))
        .unwrap()
        .query_row("SELECT count(*) FROM astdb", [], |r| r.get::<_, i64>(0))
        .unwrap();
    assert_eq!(rows, 0, "the clean-up left rows");
}

/// A refused push's document gives the refusal in parts (issue 13: validated once, above
/// the backends, into a structured result), and a file's field is pointed at by its line
/// from that result, not by searching the message.
#[test]
fn a_refused_push_names_its_attribute_value_reason_and_what_is_accepted() {
    let env = Env::new();
    env.init_db();
    let before = env.snapshot();
    let r = env.run(&["-o", "json", "push", "aor", "a", "Max_Contacts=lots"]);
    assert_eq!(r.0, 4, "{}", r.2);
    let e = &doc(&r)["error"];
    assert_eq!(
        (&e["kind"], &e["exit"]),
        (&json!("invalid"), &json!(4)),
        "{e}"
    );
    assert_eq!(
        (&e["attribute"], &e["value"]),
        (&json!("max_contacts"), &json!("lots"))
    );
    let (reason, accepted) = (
        e["reason"].as_str().unwrap(),
        e["accepted"].as_str().unwrap(),
    );
    // A handler's reason ends with what the attribute accepts; the message carries it.
    assert!(!accepted.is_empty() && reason.ends_with(accepted), "{e}");
    assert!(e["message"].as_str().unwrap().contains(reason), "{e}");

    // The policy's refusal: an endpoint without codecs, for its allow.
    let r = env.run(&["-o", "json", "push", "endpoint", "e", "context=c"]);
    assert_eq!(r.0, 4, "{}", r.2);
    let e = &doc(&r)["error"];
    assert_eq!(
        (&e["attribute"], &e["value"]),
        (&json!("allow"), &json!("(nothing)"))
    );
    assert_eq!(e["accepted"], Value::Null);
    assert!(e["reason"].as_str().unwrap().contains("--force"), "{e}");

    // A secret refused is masked in every part.
    let r = env.run(&[
        "-o",
        "json",
        "push",
        "auth",
        "s",
        "username=s",
        "md5_cred=hunter2",
    ]);
    assert_eq!(r.0, 4, "{}", r.2);
    assert!(
        !r.1.contains("hunter2") && !r.2.contains("hunter2"),
        "{}{}",
        r.1,
        r.2
    );
    assert_eq!(doc(&r)["error"]["attribute"], "md5_cred");

    // A field read from a file: the refusal names its line (set_var, which astdb loses).
    let f = write(&env, "e.conf", "allow=ulaw\nset_var=A=1\n");
    let r = env.run(&["push", "endpoint", "e", "--from", &f]);
    assert_eq!(r.0, 4, "{}", r.2);
    assert!(
        r.2.contains("e.conf:2: endpoint e: set_var is lost"),
        "{}",
        r.2
    );
    assert_eq!(env.snapshot(), before);
}
