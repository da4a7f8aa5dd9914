//! Issue 17 over ARI: a job's JSON documents, prune by owner (a pruned endpoint's own auth
//! and aor go with it when nothing that stays names them), bulk delete over --jobs.

use serde_json::Value;

use super::{ari_cmd, run_cmd, Serve};
use crate::common::Env;

/// Two users with their own auth and aor, a shared aor, and what each run is checked against.
const USERS: &str = "\
[a1]\ntype=auth\nusername=a1\npassword=pw1\n\n[a1]\ntype=aor\nmax_contacts=1\n\n\
[a1]\ntype=endpoint\nallow=ulaw\nauth=a1\naors=a1\ncallerid=\"A1\" <1>\n\n\
[a2]\ntype=auth\nusername=a2\npassword=pw2\n\n[a2]\ntype=aor\nmax_contacts=1\n\n\
[a2]\ntype=endpoint\nallow=ulaw\nauth=a2\naors=a2\ncallerid=\"A2\" <2>\n\n\
[shared]\ntype=aor\n\n\
[a3]\ntype=endpoint\nallow=ulaw\naors=shared\ncallerid=\"A3\" <3>\n\n\
[a4]\ntype=endpoint\nallow=ulaw\naors=shared\ncallerid=\"A4\" <4>\n";

fn doc(code: i32, out: &str, err: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| {
        panic!("stdout is not one JSON document ({e}): exit {code}\n{out}\n{err}")
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

/// The ids `serve` holds, as `type id`.
fn held(serve: &Serve) -> Vec<String> {
    serve
        .env
        .rows()
        .into_iter()
        .map(|(k, _)| {
            let p: Vec<&str> = k.split('/').collect();
            format!("{} {}", p[2], p[3])
        })
        .collect()
}

#[test]
fn json_documents_over_ari_also_when_nothing_changes() {
    let serve = Serve::start();
    let env = Env::new();
    let file = env.dir.path().join("users.conf");
    std::fs::write(&file, USERS).unwrap();
    let f = file.to_str().unwrap();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &serve.url()), args);
    let (code, out, err) = run(&["-o", "json", "apply", f]);
    let d = doc(code, &out, &err);
    assert_eq!((code, &d["summary"]["applied"]), (0, &9.into()), "{d}");
    for args in [
        vec!["-o", "json", "apply", f],
        vec!["-o", "json", "-q", "apply", "--prune", "--yes", f],
        vec!["-o", "json", "apply", "--jobs", "4", f],
    ] {
        let (code, out, err) = run(&args);
        let d = doc(code, &out, &err);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_eq!(d["changes"], serde_json::json!([]), "{args:?}: {d}");
        assert_eq!(d["dry_run"], false);
        assert_eq!(d["summary"]["unchanged"], 9, "{args:?}: {d}");
    }
    // A job sees the warnings in the document, with -q too.
    let (code, out, err) = run(&["-q", "-o", "json", "apply", "--prune", "--yes", f]);
    let d = doc(code, &out, &err);
    assert_eq!(code, 0, "{err}");
    assert!(
        d["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("cannot list auths")),
        "{d}"
    );
}

#[test]
fn prune_by_owner_over_ari_takes_a_pruned_endpoints_own_auth_and_aor() {
    let serve = Serve::start();
    let env = Env::new();
    let all = env.dir.path().join("users.conf");
    std::fs::write(&all, USERS).unwrap();
    // The job keeps only a1.
    let kept = env.dir.path().join("kept.conf");
    std::fs::write(&kept, &USERS[..USERS.find("[a2]").unwrap()]).unwrap();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &serve.url()), args);
    let (code, _, err) = run(&["apply", "--owner", "hr", all.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // Another job's endpoint names a2's aor; an unowned endpoint sits beside them.
    let other = env.dir.path().join("other.conf");
    std::fs::write(
        &other,
        "[o1]\ntype=endpoint\nallow=ulaw\naors=a2\ncallerid=\"O\" <9>\n",
    )
    .unwrap();
    let (code, _, err) = run(&["apply", "--owner", "pbx", other.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["push", "endpoint", "manual", "allow=ulaw", "callerid=M <8>"]);
    assert_eq!(code, 0, "{err}");
    // Every object carries its owner's mark, as Asterisk's GET shows it.
    let (code, out, _) = run(&["-o", "json", "show", "auth", "a2"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(r#""attribute": "@pjsipctl_owner""#)
            || out.contains(r#""attribute":"@pjsipctl_owner""#),
        "{out}"
    );
    let k = kept.to_str().unwrap();
    // diff predicts the prune; the dry run writes nothing.
    let (code, out, err) = run(&["-o", "json", "diff", "--prune", "--owner", "hr", k]);
    assert_eq!(code, 1, "{err}");
    let want = [
        "delete endpoint a2",
        "delete endpoint a3",
        "delete endpoint a4",
        "delete aor shared",
        "delete auth a2",
    ];
    assert_eq!(changes(&doc(code, &out, &err)), want);
    let before = held(&serve);
    let (code, out, err) = run(&["-o", "json", "apply", "-n", "--prune", "--owner", "hr", k]);
    let d = doc(code, &out, &err);
    assert_eq!((code, &d["dry_run"]), (0, &true.into()), "{err}");
    assert_eq!(held(&serve), before);
    let (code, out, err) = run(&[
        "-o", "json", "apply", "--prune", "--yes", "--owner", "hr", k,
    ]);
    let d = doc(code, &out, &err);
    assert_eq!(code, 0, "{err}");
    assert_eq!(changes(&d), want);
    assert_eq!(d["summary"]["delete"], 5, "{d}");
    let mut have = held(&serve);
    have.sort();
    // aor a2 stays: o1 (another owner's) still names it.
    assert_eq!(
        have,
        [
            "aor a1",
            "aor a2",
            "auth a1",
            "endpoint a1",
            "endpoint manual",
            "endpoint o1"
        ]
    );
    // Nothing of another owner nor unowned was touched, and a second run does nothing.
    let (code, out, err) = run(&[
        "-o", "json", "apply", "--prune", "--yes", "--owner", "hr", k,
    ]);
    assert_eq!(changes(&doc(code, &out, &err)), Vec::<String>::new());
}

#[test]
fn bulk_delete_over_ari_with_jobs() {
    let serve = Serve::start();
    let env = Env::new();
    let file = env.dir.path().join("users.conf");
    std::fs::write(&file, USERS).unwrap();
    let f = file.to_str().unwrap();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &serve.url()), args);
    assert_eq!(run(&["apply", f]).0, 0);
    // Missing ids: exit 3 before anything is deleted, unless --missing-ok.
    let (code, out, err) = run(&["-o", "json", "delete", "endpoint", "a1", "nobody", "--yes"]);
    let d = doc(code, &out, &err);
    assert_eq!((code, &d["error"]["kind"]), (3, &"not_found".into()), "{d}");
    assert!(err.contains("error: endpoint nobody not found"), "{err}");
    assert_eq!(held(&serve).len(), 9);
    let (code, out, err) = run(&[
        "-o",
        "json",
        "delete",
        "endpoint",
        "a3",
        "a4",
        "nobody",
        "--missing-ok",
        "--yes",
        "--jobs",
        "2",
    ]);
    let d = doc(code, &out, &err);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (&d["summary"]["delete"], &d["summary"]["unchanged"]),
        (&2.into(), &1.into())
    );
    // The rest, from the file: dependants first, over four connections.
    let (code, out, err) = run(&[
        "-o",
        "json",
        "delete",
        "--file",
        f,
        "--missing-ok",
        "--yes",
        "--jobs",
        "4",
    ]);
    let d = doc(code, &out, &err);
    assert_eq!(code, 0, "{err}");
    let c = changes(&d);
    assert_eq!(c.len(), 7, "{d}");
    let last_endpoint = c.iter().rposition(|x| x.contains(" endpoint ")).unwrap();
    let first_other = c.iter().position(|x| !x.contains(" endpoint ")).unwrap();
    assert!(last_endpoint < first_other, "{c:?}");
    assert_eq!(d["summary"]["applied"], 7);
    assert!(held(&serve).is_empty(), "{:?}", held(&serve));
    // The serve log shows every endpoint DELETE before the first auth or aor DELETE.
    let log = std::fs::read_to_string(&serve.log).unwrap();
    let dels: Vec<&str> = log.lines().filter(|l| l.starts_with("DELETE ")).collect();
    let last_ep = dels.iter().rposition(|l| l.contains("/endpoint/")).unwrap();
    let first_ref = dels
        .iter()
        .position(|l| l.contains("/auth/") || l.contains("/aor/"))
        .unwrap();
    assert!(dels.len() >= 9 && last_ep < first_ref, "{log}");
}

#[test]
fn prune_over_ari_without_owner_takes_the_auths_and_aors_only_pruned_endpoints_named() {
    let serve = Serve::start();
    let env = Env::new();
    let all = env.dir.path().join("users.conf");
    std::fs::write(&all, USERS).unwrap();
    let kept = env.dir.path().join("kept.conf");
    // The file keeps a1 and a registration that uses a2's auth: that auth stays.
    std::fs::write(
        &kept,
        format!(
            "{}[r1]\ntype=registration\nserver_uri=sip:pbx.example.com\nclient_uri=sip:a2@pbx.example.com\noutbound_auth=a2\n",
            &USERS[..USERS.find("[a2]").unwrap()]
        ),
    )
    .unwrap();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &serve.url()), args);
    assert_eq!(run(&["apply", all.to_str().unwrap()]).0, 0);
    // An endpoint outside the file that names a1's aor: pruned, but a1's aor stays (the file has it).
    let (code, _, err) = run(&[
        "push",
        "endpoint",
        "x",
        "allow=ulaw",
        "callerid=X <7>",
        "aors=a1",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&[
        "-o",
        "json",
        "apply",
        "--prune",
        "--yes",
        kept.to_str().unwrap(),
    ]);
    let d = doc(code, &out, &err);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        changes(&d),
        [
            "create registration r1",
            "delete endpoint a2",
            "delete endpoint a3",
            "delete endpoint a4",
            "delete endpoint x",
            "delete aor a2",
            "delete aor shared",
        ]
    );
    let mut have = held(&serve);
    have.sort();
    assert_eq!(
        have,
        [
            "aor a1",
            "auth a1",
            "auth a2",
            "endpoint a1",
            "registration r1"
        ]
    );
    assert!(
        err.contains("only those that pruned endpoints named"),
        "{err}"
    );
}
