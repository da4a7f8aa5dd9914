//! Issue 11 items 1 and 5 (ARI parts), issue 17 (unreadable endpoints): a fresh Asterisk
//! with no endpoint, idempotent applies of endpoints without callerid, what an export and
//! a listing over ARI can and cannot discover, and endpoints Asterisk lists but cannot read.

use super::replay::Replay;
use super::{ari_cmd, Serve};
use crate::common::run_cmd;
use crate::common::{golden, golden_fields, Env};

/// A pjsip.conf holding golden 90_07–90_09's objects with exactly their recorded fields,
/// so the replay of the recorded Asterisk answers every push (no callerid: --accept-loss).
fn walkthrough() -> String {
    let mut s = String::new();
    for (case, ty) in [
        ("90_07_put_auth", "auth"),
        ("90_08_put_aor", "aor"),
        ("90_09_put_endpoint", "endpoint"),
    ] {
        s.push_str(&format!("[alice]\ntype={ty}\n"));
        for f in golden_fields(&golden(case)) {
            s.push_str(&f);
            s.push('\n');
        }
        s.push('\n');
    }
    s
}

fn puts(serve: &Serve) -> usize {
    std::fs::read_to_string(&serve.log)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("PUT "))
        .count()
}

#[test]
fn a_fresh_asterisk_without_endpoints_is_an_empty_list() {
    let env = Env::new();
    let file = env.dir.path().join("pjsip.conf");
    std::fs::write(&file, walkthrough()).unwrap();
    let f = file.to_str().unwrap();
    let bob_file = env.dir.path().join("bob.conf");
    std::fs::write(
        &bob_file,
        "[bob]\ntype=endpoint\nallow=ulaw\ncallerid=\"Bob\" <200>\n",
    )
    .unwrap();
    let bob = bob_file.to_str().unwrap();
    // The recorded Asterisk answers GET /endpoints/PJSIP with 404 while it has no endpoint
    // (golden 90_00); serve answers the same.
    let replay = Replay::start();
    let serve = Serve::start();
    for url in [replay.url(), serve.url()] {
        let run = |args: &[&str]| run_cmd(ari_cmd(&env, &url), args);
        let (code, out, err) = run(&["list", "endpoints"]);
        assert_eq!((code, out.trim()), (0, "No objects found."), "{url}: {err}");
        let (code, out, err) = run(&["export", "endpoint"]);
        assert_eq!(code, 0, "{url}: {err}");
        assert!(out.contains("\n; 0 objects\n"), "{url}: {out}");
        let (code, out, err) = run(&["diff", bob]);
        assert_eq!(code, 1, "{url}: {err}");
        assert!(out.contains("+ endpoint bob"), "{url}: {out}");
        let (code, out, err) = run(&["apply", "--dry-run", "--accept-loss", f]);
        assert_eq!(code, 0, "{url}: {err}");
        assert!(out.contains("+ endpoint alice"), "{url}: {out}");
        let (code, _, err) = run(&["apply", "--accept-loss", f]);
        assert_eq!(code, 0, "{url}: {err}");
        assert!(err.contains("3 created"), "{url}: {err}");
        let (code, out, err) = run(&["list", "endpoints"]);
        assert_eq!(code, 0, "{url}: {err}");
        assert!(out.contains("alice"), "{url}: {out}");
    }
    assert!(replay.violations().is_empty(), "{:?}", replay.violations());
}

#[test]
fn applying_an_endpoint_without_callerid_again_writes_nothing() {
    // Asterisk stores `<unknown>` and reads it back as `unknown` (the replay does so, golden
    // 03/06); serve keeps it unset. Either way the second apply finds nothing to change.
    let env = Env::new();
    let file = env.dir.path().join("pjsip.conf");
    std::fs::write(&file, walkthrough()).unwrap();
    let f = file.to_str().unwrap();
    let replay = Replay::start();
    let serve = Serve::start();
    for url in [replay.url(), serve.url()] {
        let run = |args: &[&str]| run_cmd(ari_cmd(&env, &url), args);
        let (code, _, err) = run(&["apply", "--accept-loss", f]);
        assert_eq!(code, 0, "{url}: {err}");
        let before = (replay.replayed().len(), puts(&serve));
        let (code, out, err) = run(&["apply", "--accept-loss", f]);
        assert_eq!(code, 0, "{url}: {err}");
        assert!(
            err.contains("is up to date: 0 created, 0 updated, 3 unchanged"),
            "{url}: {out}{err}"
        );
        assert_eq!(before, (replay.replayed().len(), puts(&serve)), "{url}");
    }
}

const PHONES: &str = "[alice]\ntype=auth\nusername=alice\npassword=Alice-Pw-1\n\n\
[alice]\ntype=aor\nmax_contacts=1\n\n[alice-out]\ntype=auth\nusername=out\npassword=Out-Pw-2\n\n\
[alice]\ntype=endpoint\nallow=ulaw\ncallerid=\"Alice\" <100>\nauth=alice\noutbound_auth=alice-out\naors=alice\n\n\
[lonely]\ntype=aor\nmax_contacts=2\n\n\
[alice]\ntype=identify\nendpoint=alice\nmatch=192.0.2.1\n";

#[test]
fn export_and_list_over_ari_follow_endpoint_references_and_say_what_they_miss() {
    let serve = Serve::start();
    let env = Env::new();
    let file = env.dir.path().join("phones.conf");
    std::fs::write(&file, PHONES).unwrap();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &serve.url()), args);
    let (code, _, err) = run(&["apply", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");

    // Everything the endpoint references is exported; what ARI cannot discover is named,
    // the header claims nothing more, and the exit says the copy is incomplete.
    let (code, out, err) = run(&["--show-secrets", "export"]);
    assert_eq!(code, 5, "{err}");
    for section in [
        "[alice]\ntype=auth\n",
        "[alice-out]\ntype=auth\n",
        "[alice]\ntype=aor\n",
        "[alice]\ntype=endpoint\n",
    ] {
        assert!(out.contains(section), "{section}: {out}");
    }
    assert!(
        !out.contains("[lonely]") && !out.contains("type=identify"),
        "{out}"
    );
    assert!(!out.contains("changes nothing"), "{out}");
    assert!(
        out.contains("INCOMPLETE: ARI lists endpoints only")
            && out.contains("auths and aors only as far as endpoints reference them")
            && out.contains("identifies, registrations"),
        "{out}"
    );
    assert!(
        err.contains("warning: export over ARI is incomplete"),
        "{err}"
    );
    // What it holds is exact: applying it onto the same target changes nothing.
    let exported = env.dir.path().join("exported.conf");
    std::fs::write(&exported, &out).unwrap();
    let (code, out2, err) = run(&["diff", exported.to_str().unwrap()]);
    assert_eq!(code, 0, "{out2}{err}");
    // Endpoints alone are listed completely: that export is whole.
    let (code, out, err) = run(&["export", "endpoint"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("changes nothing"), "{out}");

    // `list aor`: what endpoint references reach, labelled as such; never a bare
    // "No objects found" as if ARI had listed aors.
    let (code, out, err) = run(&["list", "aor"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Only the aors that endpoints reference (1 found; ARI cannot list aors"),
        "{out}"
    );
    assert!(out.contains("alice") && !out.contains("lonely"), "{out}");
    let (code, out, err) = run(&["list", "auths", "-o", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alice", "alice-out"]);
    assert!(
        err.contains("listing only the auths that endpoints reference"),
        "{err}"
    );
    // A reference to nothing is named.
    let (code, _, err) = run(&["push", "endpoint", "alice", "aors=alice,ghost"]);
    assert_eq!(code, 0, "{err}");
    let (_, _, err) = run(&["list", "aor"]);
    assert!(
        err.contains("endpoint alice references aor ghost, which does not exist"),
        "{err}"
    );
}

#[test]
fn endpoints_asterisk_lists_but_cannot_read_are_reported_not_fatal() {
    // Asterisk lists an endpoint pushed without codecs while its GET and DELETE answer 404
    // (golden 90_43, 90_44).
    let serve = Serve::start();
    let env = Env::new();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &serve.url()), args);
    for args in [
        vec![
            "push",
            "endpoint",
            "nocodec",
            "context=x",
            "--force",
            "--accept-loss",
        ],
        vec!["push", "endpoint", "keep", "allow=ulaw", "callerid=K <1>"],
        vec!["push", "endpoint", "old", "allow=ulaw", "callerid=O <2>"],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let (code, out, err) = run(&["list", "endpoints"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.contains("nocodec") && l.contains("(unreadable)")),
        "{out}"
    );
    assert!(out.contains("keep") && out.contains("old"), "{out}");
    assert!(
        err.contains(
            "endpoint nocodec: unreadable: Asterisk lists this endpoint but cannot read it back"
        ),
        "{err}"
    );
    let (code, out, _) = run(&["list", "endpoints", "-o", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let bad = v
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "nocodec")
        .unwrap();
    assert!(bad["error"]
        .as_str()
        .unwrap()
        .contains("cannot read it back"));

    // Prune deletes what it can and reports what ARI cannot delete.
    let file = env.dir.path().join("keep.conf");
    std::fs::write(&file, "[keep]\ntype=endpoint\nallow=ulaw\ncallerid=K <1>\n").unwrap();
    let f = file.to_str().unwrap();
    let (code, _, err) = run(&["diff", "--prune", f]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("endpoint nocodec would not be pruned"),
        "{err}"
    );
    let (code, out, err) = run(&["apply", "--prune", "--yes", f]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains(
            "endpoint nocodec is not pruned: Asterisk lists this endpoint but cannot read it back"
        ),
        "{err}"
    );
    assert!(err.contains("1 deleted"), "{err}");
    let (_, out, _) = run(&["list", "endpoints"]);
    assert!(
        out.contains("keep") && out.contains("nocodec") && !out.contains("old"),
        "{out}"
    );
    // Applying it with its codecs writes the row anew and repairs it (its DELETE would 404).
    std::fs::write(
        &file,
        "[keep]\ntype=endpoint\nallow=ulaw\ncallerid=K <1>\n\n[nocodec]\ntype=endpoint\nallow=ulaw\ncallerid=N <3>\n",
    )
    .unwrap();
    let (code, _, err) = run(&["apply", f]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 created"), "{err}");
    let (code, out, err) = run(&["list", "endpoints"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("(unreadable)") && !err.contains("unreadable"),
        "{out}{err}"
    );
}
