//! Issue 11 items 5-7 and issue 17's --strict: one policy whatever the command, diff
//! predicting apply, repairs and round trips, local facts that are the PBX's business.

use crate::common::Env;

fn write(env: &Env, name: &str, text: &str) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn push_and_apply_judge_the_same_object_alike() {
    let env = Env::new();
    // set_var: refused by both, with the same alternative, unless the loss is accepted.
    let (code, _, pushed) = env.run(&["push", "endpoint", "v", "allow=ulaw", "set_var=A=1"]);
    assert_eq!(code, 4, "{pushed}");
    let file = write(
        &env,
        "v.conf",
        "[v]\ntype=endpoint\nallow=ulaw\nset_var=A=1\n",
    );
    let (code, _, applied) = env.run(&["apply", &file]);
    assert_eq!(code, 4, "{applied}");
    for err in [&pushed, &applied] {
        assert!(
            err.contains("set_var is lost through astdb")
                && err.contains("(or --accept-loss to push it anyway)"),
            "{err}"
        );
    }
    assert!(env.rows().is_empty());
    env.ok(&[
        "push",
        "endpoint",
        "v",
        "allow=ulaw",
        "set_var=A=1",
        "--accept-loss",
    ]);
    let pushed_rows = env.rows();
    let other = Env::new();
    let file = write(
        &other,
        "v.conf",
        "[v]\ntype=endpoint\nallow=ulaw\nset_var=A=1\n",
    );
    other.ok(&["apply", "--accept-loss", &file]);
    assert_eq!(pushed_rows, other.rows());
    // A trap the stored object already has does not block a later push that does not cause it.
    let (code, _, err) = env.run(&["push", "endpoint", "v", "context=c"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn diff_predicts_what_apply_refuses_even_quietly() {
    let env = Env::new();
    env.ok(&["push", "aor", "seed", "max_contacts=1"]);
    let file = write(
        &env,
        "t.conf",
        "[mute]\ntype=endpoint\ndisallow=all\n\n[v]\ntype=endpoint\nallow=ulaw\nset_var=A=1\n",
    );
    for whole in [false, true] {
        let run = |args: &[&str]| {
            let out = env
                .cmd()
                .args(crate::common::routed(args, whole))
                .output()
                .unwrap();
            (
                out.status.code().unwrap(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (dry, dry_err) = run(&["apply", "--dry-run", &file]);
        let (diff, diff_err) = run(&["-q", "diff", &file]);
        assert_eq!(
            (dry, diff),
            (4, 4),
            "read whole: {whole}: {dry_err}\n{diff_err}"
        );
        for needle in [
            "endpoint mute has no codec",
            "set_var is lost through astdb",
            "nothing was written",
        ] {
            assert!(
                diff_err.contains(needle),
                "read whole: {whole}: {needle}: {diff_err}"
            );
        }
        // The same flags, the same meaning: then it is only a difference.
        let (code, err) = run(&["diff", "--force", "--accept-loss", &file]);
        assert_eq!(code, 1, "read whole: {whole}: {err}");
        let (code, err) = run(&["diff", "--force", &file]);
        assert_eq!(code, 4, "read whole: {whole}: {err}");
    }
}

#[test]
fn strict_turns_every_warning_into_an_error() {
    let env = Env::new();
    env.ok(&["push", "aor", "a", "max_contacts=1"]);
    let before = env.rows();
    // A warning without --strict, a refusal with it (nothing stored).
    let (code, _, err) = env.run(&["push", "endpoint", "e", "allow=ulaw", "aors=nowhere"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: endpoint e: aors=nowhere names no stored aor"),
        "{err}"
    );
    env.ok(&["delete", "endpoint", "e", "--yes"]);
    let (code, _, err) = env.run(&[
        "--strict",
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "aors=nowhere",
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("(an error with --strict)"), "{err}");
    assert_eq!(env.rows(), before);
    // Even what --accept-loss would let through.
    let (code, _, err) = env.run(&[
        "--strict",
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "set_var=A=1",
        "--accept-loss",
    ]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(env.rows(), before);
    // apply: the file's warnings too (type=Endpoint is ignored by Asterisk: a warning).
    let file = write(
        &env,
        "s.conf",
        "[e]\ntype=endpoint\nallow=ulaw\naors=a\n\n[odd]\ntype=Endpoint\n",
    );
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 0, "{err}");
    env.ok(&["delete", "endpoint", "e", "--yes"]);
    for whole in [false, true] {
        let out = env
            .cmd()
            .args(crate::common::routed(&["--strict", "apply", &file], whole))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "read whole: {whole}: {err}");
        assert_eq!(env.rows(), before, "read whole: {whole}");
    }
}

#[test]
fn delete_removes_a_row_it_cannot_parse() {
    let env = Env::new();
    env.ok(&["push", "aor", "good", "max_contacts=1"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "INSERT INTO astdb VALUES ('/ps_aors/aor/bad', 'not json')",
        [],
    )
    .unwrap();
    drop(conn);
    let (code, _, err) = env.run(&["show", "aor", "bad"]);
    assert_eq!(code, 5, "{err}");
    let (code, _, err) = env.run(&["delete", "aor", "bad", "--yes"]);
    assert_eq!(code, 0, "{err}");
    let keys: Vec<String> = env.rows().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["/ps_aors/aor/good"]);
}

#[test]
fn references_to_nothing_stored_are_warned_on_push_apply_and_delete() {
    let env = Env::new();
    let (code, _, err) = env.run(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "aors=e",
        "auth=a",
        "outbound_auth=o",
    ]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "endpoint e: aors=e names no stored aor",
        "endpoint e: auth=a names no stored auth",
        "endpoint e: outbound_auth=o names no stored auth",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // apply: what the file defines counts, and so does what is stored.
    env.ok(&["push", "auth", "a", "username=a", "password=p"]);
    let file = write(
        &env,
        "r.conf",
        "[f]\ntype=endpoint\nallow=ulaw\naors=f\nauth=a\noutbound_auth=gone\n\n[f]\ntype=aor\n",
    );
    for whole in [false, true] {
        let out = env
            .cmd()
            .args(crate::common::routed(&["apply", "--dry-run", &file], whole))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(
            err.contains("r.conf:1: endpoint f: outbound_auth=gone names no stored auth"),
            "read whole: {whole}: {err}"
        );
        assert!(
            !err.contains("aors=f names") && !err.contains("auth=a names"),
            "read whole: {whole}: {err}"
        );
    }
    // delete of what is still referenced: named, also with --yes (which only skips the question).
    let (code, _, err) = env.run(&["delete", "auth", "a", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: auth a is still referenced by endpoint e (auth)"),
        "{err}"
    );
    let (code, _, err) = env.run(&["--strict", "push", "auth", "a", "username=a", "password=p"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.run(&["--strict", "delete", "auth", "a", "--yes"]);
    assert_eq!(code, 4, "{err}");
}

#[test]
fn a_host_that_does_not_resolve_here_is_a_warning_on_the_embedded_engine() {
    let env = Env::new();
    let args = [
        "push",
        "identify",
        "i",
        "endpoint=e",
        "match=no-such-host.invalid,192.0.2.7",
    ];
    let (code, _, err) = env.run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("match=no-such-host.invalid: the host name does not resolve on this machine"),
        "{err}"
    );
    let out = env.ok(&["show", "identify", "i", "-o", "json"]);
    assert!(out.contains("192.0.2.7"), "{out}");
    let (code, _, err) = env.run(&[&["--strict"], &args[..]].concat());
    assert_eq!(code, 4, "{err}");
}

#[test]
fn export_then_apply_says_a_secret_was_withheld_and_notes_blanks() {
    let env = Env::new();
    env.ok(&["push", "auth", "a", "username=a", "password=p"]);
    env.ok(&[
        "push",
        "endpoint",
        "sp",
        "allow=ulaw",
        "from_domain=  spaced  ",
    ]);
    let (code, conf, err) = env.run(&["export"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("endpoint sp: the value \"  spaced  \" has blanks"),
        "{err}"
    );
    assert!(conf.contains("from_domain=  spaced    ; pjsip.conf cannot hold the blanks at its ends: read back as \"spaced\""), "{conf}");
    let (code, _, err) = env.run(&["--strict", "export"]);
    assert_eq!(code, 4, "{err}");
    let file = write(&env, "exported.conf", &conf);
    let other = Env::new();
    let (code, _, err) = other.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("auth a: password: no password")
            && err.contains(
                "the secret was withheld when this file was written (by `pjsipctl export`, or `show`/`list` with -o conf): write it again with --show-secrets"
            ),
        "{err}"
    );
    // The same for a file written by `show -o conf`.
    let (code, shown, err) = env.run(&["show", "auth", "a", "-o", "conf"]);
    assert_eq!(code, 0, "{err}");
    let file = write(&env, "shown.conf", &shown);
    let (code, _, err) = other.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("auth a: password: no password")
            && err.contains("withheld when this file was written"),
        "{err}"
    );
    let out = other
        .cmd()
        .args(["apply", "-"])
        .write_stdin(conf.clone())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the secret was withheld when this file was written"),
        "{err}"
    );
}
