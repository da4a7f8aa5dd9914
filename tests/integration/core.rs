//! Issue 2: the walkthrough, merge semantics, storage format and clear errors on the embedded engine.

use serde_json::Value;

use crate::common::{golden, golden_fields, Env};

fn walkthrough(env: &Env) {
    for (ty, case) in [
        ("auth", "01_put_auth_alice"),
        ("aor", "02_put_aor_alice"),
        ("endpoint", "03_put_endpoint_alice"),
    ] {
        let mut args = vec!["push".to_string(), ty.to_string(), "alice".to_string()];
        args.extend(golden_fields(&golden(case)));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        env.ok(&a);
    }
}

fn show_json(env: &Env, ty: &str, id: &str) -> Value {
    serde_json::from_str(&env.ok(&["show", ty, id, "-o", "json"])).unwrap()
}

#[test]
fn walkthrough_matches_golden_04_to_06() {
    let env = Env::new();
    walkthrough(&env);
    assert_eq!(
        show_json(&env, "auth", "alice"),
        golden("04_get_auth_alice")["response_body"]
    );
    assert_eq!(
        show_json(&env, "aor", "alice"),
        golden("05_get_aor_alice")["response_body"]
    );
    // The one deliberate difference: Asterisk's own GET already reads "unknown" back from
    // its "<unknown>" row; pjsipctl keeps callerid out of the row and answers the true default.
    let mut expected = golden("06_get_endpoint_alice")["response_body"].clone();
    for a in expected.as_array_mut().unwrap() {
        if a["attribute"] == "callerid" {
            assert_eq!(a["value"], "unknown");
            a["value"] = "<unknown>".into();
        }
    }
    assert_eq!(show_json(&env, "endpoint", "alice"), expected);
    // The PUT answers are the same objects.
    assert_eq!(
        show_json(&env, "endpoint", "alice"),
        golden("03_put_endpoint_alice")["response_body"]
    );
}

#[test]
fn astdb_rows_have_asterisks_format() {
    let env = Env::new();
    walkthrough(&env);
    let rows = env.rows();
    let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "/ps_aors/aor/alice",
            "/ps_auths/auth/alice",
            "/ps_endpoints/endpoint/alice"
        ]
    );
    let dump = std::fs::read_to_string(
        crate::common::fixtures().join("golden/07_cli_database_show_ps_auths.txt"),
    )
    .unwrap();
    // `database show` pads the value to 25 columns; the row itself is the compact JSON.
    let recorded = dump
        .lines()
        .nth(1)
        .unwrap()
        .split_once(": ")
        .unwrap()
        .1
        .trim_end();
    assert_eq!(rows[1].1, recorded);
    let aor = std::fs::read_to_string(
        crate::common::fixtures().join("golden/07_cli_database_show_ps_aors.txt"),
    )
    .unwrap();
    assert_eq!(
        rows[0].1,
        aor.lines()
            .nth(1)
            .unwrap()
            .split_once(": ")
            .unwrap()
            .1
            .trim_end()
    );
    // The endpoint row is Asterisk's except for the callerid key left out.
    let ep = std::fs::read_to_string(
        crate::common::fixtures().join("golden/07_cli_database_show_ps_endpoints.txt"),
    )
    .unwrap();
    let theirs = ep
        .lines()
        .nth(1)
        .unwrap()
        .split_once(": ")
        .unwrap()
        .1
        .trim_end()
        .replace("\"callerid\":\"<unknown>\",", "");
    assert_eq!(rows[2].1, theirs);
}

/// A recorded endpoint answer with Asterisk's corrupted "unknown" callerid put back to the
/// unset "<unknown>" pjsipctl keeps (the one deliberate difference).
fn unset_callerid(mut v: Value) -> Value {
    for a in v.as_array_mut().unwrap() {
        if a["attribute"] == "callerid" && a["value"] == "unknown" {
            a["value"] = "<unknown>".into();
        }
    }
    v
}

#[test]
fn update_merges_and_allow_accumulates() {
    let env = Env::new();
    env.ok(&["push", "endpoint", "list-test", "allow=ulaw", "aors=a1,a2"]);
    assert_eq!(
        show_json(&env, "endpoint", "list-test"),
        golden("38_list_put_create")["response_body"]
    );
    env.ok(&["push", "endpoint", "list-test", "allow=alaw"]);
    assert_eq!(
        show_json(&env, "endpoint", "list-test"),
        unset_callerid(golden("38_list_put_update_allow")["response_body"].clone())
    );
    env.ok(&[
        "push",
        "endpoint",
        "list-test",
        "disallow=all",
        "allow=g722",
    ]);
    assert_eq!(
        show_json(&env, "endpoint", "list-test"),
        unset_callerid(golden("38_list_put_update_disallow_allow")["response_body"].clone())
    );
}

#[test]
fn aor_merge_keeps_unsent_fields() {
    let env = Env::new();
    for case in [
        "38_merge_put_create",
        "38_merge_put_partial",
        "38_merge_put_empty_value",
    ] {
        let g = golden(case);
        let mut args = vec!["push".to_string(), "aor".into(), "merge-test".into()];
        args.extend(golden_fields(&g));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        env.ok(&a);
        assert_eq!(
            show_json(&env, "aor", "merge-test"),
            g["response_body"],
            "{case}"
        );
    }
}

#[test]
fn invalid_value_names_attribute_and_stores_nothing() {
    let env = Env::new();
    env.ok(&["push", "aor", "keep", "max_contacts=2"]);
    let before = env.rows();
    let (code, _, err) = env.run(&[
        "push",
        "aor",
        "keep",
        "qualify_frequency=60",
        "max_contacts=abc",
    ]);
    assert_eq!(code, 4);
    assert!(
        err.contains("max_contacts=abc: not an unsigned integer; accepted: an unsigned integer"),
        "{err}"
    );
    assert_eq!(env.rows(), before);
    let (code, _, err) = env.run(&["push", "aor", "new", "bogus=1"]);
    assert_eq!(code, 4);
    assert!(err.contains("aor has no attribute 'bogus'"), "{err}");
    assert_eq!(env.rows(), before);
    let (code, _, err) = env.run(&["push", "endpoint", "e", "allow=ulaw", "dtmf_mode=rfc2833"]);
    assert_eq!(code, 4);
    assert!(
        err.contains("dtmf_mode=rfc2833") && err.contains("rfc4733"),
        "{err}"
    );
    assert_eq!(env.rows(), before);
}

#[test]
fn required_fields_are_enforced() {
    let env = Env::new();
    let (code, _, err) = env.run(&["push", "auth", "min-auth-nopw", "username=min-auth"]);
    assert_eq!(code, 4);
    assert!(err.contains("password"), "{err}");
    assert!(env.rows().is_empty());
}

#[test]
fn endpoint_without_codec_is_refused_with_the_fix() {
    let env = Env::new();
    let (code, _, err) = env.run(&["push", "endpoint", "nocodec", "context=default"]);
    assert_eq!(code, 4);
    assert!(err.contains("no codec") && err.contains("allow="), "{err}");
    assert!(env.rows().is_empty());
}

#[test]
fn attribute_names_are_case_insensitive_and_type_is_ignored() {
    let env = Env::new();
    env.ok(&["push", "aor", "c", "MAX_CONTACTS=3", "type=aor"]);
    let v = show_json(&env, "aor", "c");
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["attribute"] == "max_contacts" && a["value"] == "3"));
}

#[test]
fn read_only_type_prints_the_sorcery_line() {
    let env = Env::new();
    let (code, _, err) = env.run(&["push", "transport", "t", "protocol=udp", "bind=0.0.0.0"]);
    assert_eq!(code, 6);
    assert!(err.contains("transport=astdb,"), "{err}");
}

#[test]
fn sorcery_conf_chooses_the_prefix() {
    let env = Env::new();
    let conf = env.dir.path().join("sorcery.conf");
    std::fs::write(&conf, "[res_pjsip]\naor=astdb,my_aors\n").unwrap();
    env.ok(&[
        "--sorcery",
        conf.to_str().unwrap(),
        "push",
        "aor",
        "x",
        "max_contacts=1",
    ]);
    assert_eq!(env.rows()[0].0, "/my_aors/aor/x");
    let (code, _, err) = env.run(&[
        "--sorcery",
        conf.to_str().unwrap(),
        "push",
        "auth",
        "x",
        "username=x",
        "password=y",
    ]);
    assert_eq!(code, 6, "{err}");
}

#[test]
fn delete_needs_yes_without_a_terminal() {
    let env = Env::new();
    env.ok(&["push", "aor", "gone", "max_contacts=1"]);
    let (code, _, err) = env.run(&["delete", "aor", "gone"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(env.rows().len(), 1);
    env.ok(&["delete", "aor", "gone", "--yes"]);
    assert!(env.rows().is_empty());
    let (code, _, _) = env.run(&["show", "aor", "gone"]);
    assert_eq!(code, 3);
    let (code, _, _) = env.run(&["delete", "aor", "gone", "--yes"]);
    assert_eq!(code, 3);
}

#[test]
fn values_with_equals_and_commas_stay_intact() {
    let env = Env::new();
    let (code, out, err) = env.run(&[
        "push",
        "endpoint",
        "v",
        "allow=ulaw",
        "-f",
        "set_var=GREETING=a=b,c",
        "context=x=y",
        "--accept-loss",
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    // The PUT answer holds set_var; astdb then loses it, and pjsipctl says so.
    assert!(err.contains("set_var is lost through astdb"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert!(arr
        .iter()
        .any(|a| a["attribute"] == "GREETING" && a["value"] == "a=b,c"));
    assert!(arr
        .iter()
        .any(|a| a["attribute"] == "context" && a["value"] == "x=y"));
}

#[test]
fn from_file_reads_a_section_body() {
    let env = Env::new();
    let f = env.dir.path().join("alice.conf");
    std::fs::write(
        &f,
        "[alice]\ntype=auth ; the type line is checked\nusername = alice\npassword=se\\;cret\n",
    )
    .unwrap();
    env.ok(&["push", "auth", "alice", "--from", f.to_str().unwrap()]);
    let v = show_json(&env, "auth", "alice");
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["attribute"] == "password" && a["value"] == "se;cret"));
}

#[test]
fn table_masks_secrets_unless_asked() {
    let env = Env::new();
    walkthrough(&env);
    let t = env.ok(&["show", "auth", "alice"]);
    assert!(t.contains("password                 : ********"), "{t}");
    assert!(!t.contains(": secret"), "{t}");
    let t = env.ok(&["show", "auth", "alice", "--show-secrets"]);
    assert!(t.contains(": secret"));
}

#[test]
fn show_table_resembles_the_asterisk_cli() {
    let env = Env::new();
    walkthrough(&env);
    let t = env.ok(&["show", "aor", "alice"]);
    let recorded = std::fs::read_to_string(
        crate::common::fixtures().join("golden/07_cli_pjsip_show_aor_alice.txt"),
    )
    .unwrap();
    // Same parameter rows, sorted by name, "name : value".
    for line in recorded
        .lines()
        .skip_while(|l| !l.contains("ParameterName"))
        .skip(2)
        .filter(|l| !l.trim().is_empty())
    {
        assert!(t.contains(line.trim_end()), "missing {line:?} in\n{t}");
    }
}

#[test]
fn list_shows_every_stored_type() {
    let env = Env::new();
    walkthrough(&env);
    let t = env.ok(&["list", "endpoints"]);
    assert!(t.contains("alice") && t.contains("Objects found: 1"), "{t}");
    let all = env.ok(&["list"]);
    for w in ["auths", "aors", "endpoints"] {
        assert!(all.contains(w), "{all}");
    }
    let j: Value = serde_json::from_str(&env.ok(&["list", "-o", "json"])).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 3);
}

#[test]
fn changed_view_lists_only_non_defaults() {
    let env = Env::new();
    walkthrough(&env);
    let v: Value =
        serde_json::from_str(&env.ok(&["show", "aor", "alice", "--changed", "-o", "json"]))
            .unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"attribute": "max_contacts", "value": "1"}])
    );
}

#[test]
fn new_database_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    // Under umask 022, not the runner's (under 077 any file would be owner-only).
    let c = env.std_cmd();
    let bin = c.get_program().to_owned();
    let mut sh = std::process::Command::new("/bin/sh");
    sh.env_clear()
        .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .current_dir(env.dir.path())
        .args(["-c", "umask 022 && touch probe && exec \"$0\" \"$@\""])
        .arg(bin)
        .args(["push", "aor", "p", "max_contacts=1"]);
    let out = sh.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let probe = std::fs::metadata(env.dir.path().join("probe")).unwrap();
    assert_eq!(
        probe.permissions().mode() & 0o777,
        0o644,
        "umask 022 did not hold"
    );
    let mode = std::fs::metadata(env.db()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn unknown_type_is_a_usage_error() {
    let env = Env::new();
    let (code, _, err) = env.run(&["show", "bogus_type", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown object type 'bogus_type'"), "{err}");
}

#[test]
fn a_refused_field_from_a_file_names_its_line() {
    let env = Env::new();
    let f = env.dir.path().join("a.conf");
    std::fs::write(
        &f,
        "[a]\ntype=aor\n\nmax_contacts = 1\nqualify_frequency=abc\n",
    )
    .unwrap();
    let (code, _, err) = env.run(&["push", "aor", "a", "--from", f.to_str().unwrap()]);
    assert_eq!(code, 4);
    assert!(
        err.contains("a.conf:5: aor a: qualify_frequency=abc"),
        "{err}"
    );
    assert!(env.rows().is_empty());
}
