//! Issue 7 (embedded part): locked files, corrupt rows, concurrent writers, secrets in errors.

use std::time::{Duration, Instant};

use crate::common::Env;

#[test]
fn locked_database_fails_clearly_within_the_busy_timeout() {
    let env = Env::new();
    env.ok(&["push", "aor", "a", "max_contacts=1"]);
    // Hold a write lock the way Asterisk's db thread does between commits.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE astdb SET value = value;")
        .unwrap();
    let t = Instant::now();
    let (code, _, err) = env.run(&["push", "aor", "b", "max_contacts=2"]);
    let took = t.elapsed();
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("locked") && err.contains("--ari"), "{err}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
    conn.execute_batch("ROLLBACK").unwrap();
    let keys: Vec<String> = env.rows().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["/ps_aors/aor/a"]);
}

#[test]
fn corrupt_rows_are_reported_never_crash_and_are_not_rewritten() {
    let env = Env::new();
    env.ok(&["push", "aor", "good", "max_contacts=1"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    for (k, v) in [
        ("/ps_aors/aor/hank", "not json"),
        ("/ps_aors/aor/gina", r#"{"max_contacts":"abc"}"#),
        ("/ps_aors/aor/num", r#"{"max_contacts":5}"#),
        ("/ps_endpoints/endpoint/erin", "{}"),
    ] {
        conn.execute("INSERT INTO astdb VALUES (?1, ?2)", [k, v])
            .unwrap();
    }
    drop(conn);
    let before = env.snapshot();
    for id in ["hank", "gina", "num"] {
        let (code, _, err) = env.run(&["show", "aor", id]);
        assert_eq!(code, 5, "{id}: {err}");
        assert!(err.contains("unreadable"), "{err}");
    }
    let (code, _, err) = env.run(&["show", "endpoint", "erin"]);
    assert_eq!(code, 5, "{err}");
    let (code, out, err) = env.run(&["list", "aor"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        out.contains("good") && out.contains("(unreadable)"),
        "{out}"
    );
    assert!(err.contains("gina") && err.contains("hank"), "{err}");
    // A push onto a corrupt row refuses instead of silently replacing it.
    let (code, _, err) = env.run(&["push", "aor", "gina", "max_contacts=2"]);
    assert_eq!(code, 5, "{err}");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn a_row_asterisk_wrote_with_unknown_keys_still_reads() {
    // golden 51 "dave": unknown keys are dropped on read, the rest loads.
    let env = Env::new();
    env.ok(&["push", "aor", "seed", "max_contacts=1"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute("INSERT INTO astdb VALUES ('/ps_aors/aor/dave', '{\"max_contacts\":\"4\",\"bogus_key\":\"x\"}')", []).unwrap();
    drop(conn);
    let out = env.ok(&["show", "aor", "dave", "-o", "json"]);
    assert!(out.contains("\"value\": \"4\""), "{out}");
}

#[test]
fn concurrent_writers_both_succeed_or_fail_clearly() {
    let env = Env::new();
    env.ok(&["push", "aor", "seed", "max_contacts=1"]);
    let threads: Vec<_> = (0..2)
        .map(|n| {
            let db = env.db();
            let home = env.dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..40 {
                    let id = format!("w{n}-{i}");
                    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pjsipctl"))
                        .env("PJSIPCTL_DB", &db)
                        .env("HOME", &home)
                        .args(["push", "aor", &id, "max_contacts=1"])
                        .output()
                        .unwrap();
                    if !out.status.success() {
                        failures.push((
                            id,
                            out.status.code(),
                            String::from_utf8_lossy(&out.stderr).into_owned(),
                        ));
                    }
                }
                failures
            })
        })
        .collect();
    let mut failed = Vec::new();
    for h in threads {
        for (id, code, err) in h.join().unwrap() {
            assert_eq!(code, Some(5), "{err}");
            assert!(err.contains("locked"), "{err}");
            failed.push(id);
        }
    }
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM astdb", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, 81 - failed.len());
}

#[test]
fn secrets_never_appear_in_errors() {
    let env = Env::new();
    let (code, _, err) = env.run(&[
        "push",
        "auth",
        "s",
        "username=s",
        "md5_cred=hunter2hunter2",
        "password=p",
    ]);
    assert_eq!(code, 4);
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("md5_cred"), "{err}");
}

#[test]
fn an_existing_files_permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.ok(&["push", "aor", "p", "max_contacts=1"]);
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o640)).unwrap();
    env.ok(&["push", "aor", "q", "max_contacts=1"]);
    assert_eq!(
        std::fs::metadata(env.db()).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn bad_ids_are_refused_before_touching_storage() {
    let env = Env::new();
    for id in ["", "a\u{1}b", "line\nbreak"] {
        let (code, _, err) = env.run(&["push", "aor", id, "max_contacts=1"]);
        assert_eq!(code, 2, "{id:?}: {err}");
        assert!(err.contains("id"), "{err}");
    }
    assert!(!env.db().exists(), "nothing may be created for a bad id");
}
