//! Issue 14: `list` and `export` write each object as they read it. Their output is the
//! same document as before they streamed: the files in fixtures/listing were written by
//! the previous (non-streaming) `pjsipctl` for the database built here.

use crate::common::{fixtures, Env};

/// Three applied files, an endpoint with quotes, non-ASCII, a tab and an extended
/// attribute, a domain alias, and a row nothing can read.
fn database() -> Env {
    let env = Env::new();
    fill(&env);
    env
}

/// The objects of [`database`], stored in `env`'s astdb file.
/// The comparisons whose output the plan fixtures pin: fixture, arguments (the file comes
/// last), exit code.
pub const PLAN_CASES: &[(&str, &[&str], i32)] = &[
    ("diff.json", &["diff", "--accept-loss", "-o", "json"], 1),
    (
        "diff-prune.json",
        &["diff", "--prune", "--accept-loss", "-o", "json"],
        1,
    ),
    (
        "dry-run.json",
        &["apply", "--dry-run", "--accept-loss", "-o", "json"],
        0,
    ),
    (
        "dry-run-prune.json",
        &[
            "apply",
            "--dry-run",
            "--prune",
            "--accept-loss",
            "-o",
            "json",
        ],
        0,
    ),
    ("diff.txt", &["diff", "--accept-loss"], 1),
    ("diff-prune.txt", &["diff", "--prune", "--accept-loss"], 1),
];

pub fn fill(env: &Env) {
    // Their includes sit beside them (the test's own confdir stays pinned for the listings).
    let dir = fixtures().join("apply");
    for f in ["pbx", "itsp", "webrtc"] {
        let file = dir.join(format!("{f}.conf"));
        env.ok(&[
            "--confdir",
            dir.to_str().unwrap(),
            "apply",
            file.to_str().unwrap(),
        ]);
    }
    env.ok(&[
        "push",
        "endpoint",
        "weird",
        "callerid=\"Zoë \\\"Q\\\" Ünï\" <100>",
        "allow=ulaw",
        "@custom=a\\b",
        "context=tab\there",
    ]);
    env.ok(&["push", "domain_alias", "example.net", "domain=example.com"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "INSERT INTO astdb VALUES ('/ps_endpoints/endpoint/zz-broken', '{\"context\":')",
        [],
    )
    .unwrap();
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("listing").join(name)).unwrap()
}

#[test]
fn streamed_listings_are_byte_identical_to_the_whole_document() {
    let env = database();
    for (args, file, exit) in [
        (&["list", "-o", "json"][..], "list.json", 5),
        (&["list", "aor", "-o", "json"], "list-aor.json", 0),
        (&["list", "-o", "conf"], "list.conf", 5),
        (&["list"], "list.txt", 5),
        (&["list", "endpoints"], "list-endpoints.txt", 5),
    ] {
        let (code, out, err) = env.run(args);
        assert_eq!(code, exit, "{args:?}: {err}");
        assert!(
            out == expected(file),
            "{args:?} differs from {file}:\n{out}"
        );
    }
    // The unreadable row is reported on stderr and as an element with its error.
    let (_, out, err) = env.run(&["list", "endpoint", "-o", "json"]);
    assert!(err.contains("endpoint zz-broken: unreadable row"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let last = v.as_array().unwrap().last().unwrap();
    assert_eq!(last["id"], "zz-broken");
    assert!(last["error"]
        .as_str()
        .unwrap()
        .contains("not a JSON object"));
}

#[test]
fn streamed_export_moves_only_the_count_to_the_end() {
    let env = database();
    let (code, out, err) = env.run(&["--show-secrets", "export"]);
    assert_eq!(code, 5, "{err}");
    let out = out.replace(&env.db().display().to_string(), "DB");
    // Before streaming, the count stood in the second line; now it closes the file.
    let before = expected("export.conf").replacen("; 29 objects; ", "; ", 1);
    assert_eq!(out, format!("{}\n\n; 29 objects\n", before.trim_end()));
    let (code, out, err) = env.run(&["export", "aor", "auth"]);
    assert_eq!(code, 0, "{err}");
    let out = out.replace(&env.db().display().to_string(), "DB");
    let before = expected("export-aor-auth.conf").replacen("; 16 objects; ", "; ", 1);
    let secrets = "; Secrets are withheld (commented out): this file cannot recreate them. Export with --show-secrets.\n";
    let before = before.replacen(secrets, "", 1);
    assert_eq!(
        out,
        format!("{}\n\n; 16 objects\n{secrets}", before.trim_end())
    );
}

/// diff and `apply --dry-run`, as text and `-o json`, with and without `--prune`: the
/// changes are rendered as they come (each type's spooled until the types before it are
/// out), and the output is what the previous `pjsipctl`, which built the whole document
/// first, printed for the same database (fixtures/plans, its folder written `DIR`).
#[test]
fn streamed_plans_are_byte_identical_to_the_whole_document() {
    let env = database();
    let next = env.dir.path().join("next.conf");
    std::fs::copy(fixtures().join("plans").join("next.conf"), &next).unwrap();
    let next = next.to_str().unwrap();
    let dir = env.dir.path().display().to_string();
    for &(name, args, exit) in PLAN_CASES {
        let mut args = args.to_vec();
        args.push(next);
        let (code, out, err) = env.run(&args);
        assert_eq!(code, exit, "{args:?}: {err}");
        let want = std::fs::read_to_string(fixtures().join("plans").join(name)).unwrap();
        assert!(
            out.replace(&dir, "DIR") == want,
            "{args:?} differs from {name}:\n{out}"
        );
    }
}
