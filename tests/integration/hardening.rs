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
    // It waited out the busy timeout (2.5 s), then gave up: a bound that only catches a hang.
    assert!(took >= Duration::from_millis(2500), "took {took:?}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
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
            // Built here: the pinned environment (no PJSIPCTL_ARI of the host, no real Asterisk).
            let cmds: Vec<_> = (0..40)
                .map(|i| {
                    let mut c = env.std_cmd();
                    c.args(["push", "aor", &format!("w{n}-{i}"), "max_contacts=1"]);
                    c
                })
                .collect();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for (i, mut c) in cmds.into_iter().enumerate() {
                    let id = format!("w{n}-{i}");
                    let out = c.output().unwrap();
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
    // A run where every push failed would prove nothing.
    assert!(failed.len() < 80, "no push succeeded: {failed:?}");
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

// ------------------------------------------------------------------------------ bad input

/// How a malformed input reaches pjsipctl.
enum Via {
    /// `apply bad.conf` (other files of the case beside it).
    Apply,
    /// `apply -` with the input on stdin.
    ApplyStdin,
    /// `push aor x --from body.conf`.
    From,
    /// `push aor x --from -` with the input on stdin.
    FromStdin,
    /// `push` with these arguments (bytes: they need not be UTF-8).
    Push(Vec<Vec<u8>>),
}

struct Bad {
    what: &'static str,
    via: Via,
    input: Vec<u8>,
    /// Other files to write beside it.
    extra: Vec<(&'static str, &'static str)>,
    exit: i32,
    /// Each must appear in stderr, on an `error:` line unless the exit is 0.
    says: Vec<String>,
}

fn bad(what: &'static str, via: Via, input: impl Into<Vec<u8>>, exit: i32, says: &[&str]) -> Bad {
    Bad {
        what,
        via,
        input: input.into(),
        extra: Vec::new(),
        exit,
        says: says.iter().map(|s| s.to_string()).collect(),
    }
}

fn push_args(args: &[&[u8]]) -> Via {
    Via::Push(args.iter().map(|a| a.to_vec()).collect())
}

/// Deterministic binary garbage (NULs, invalid UTF-8, control bytes, long runs).
fn garbage(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        })
        .collect()
}

fn ten_mb_line() -> Vec<u8> {
    let mut v = b"[a]\ntype=aor\nmailboxes=".to_vec();
    v.resize(10 << 20, b'm');
    v.extend_from_slice(b"\nmax_contacts=1\n");
    v
}

fn malformed_inputs() -> Vec<Bad> {
    use Via::*;
    let ten_mb_body = {
        let mut v = b"mailboxes=".to_vec();
        v.resize(10 << 20, b'm');
        v
    };
    let mut cycle = bad(
        "include cycle",
        Apply,
        "[a]\ntype=aor\n#include other.conf\n",
        4,
        &["other.conf:2: include cycle: bad.conf -> other.conf -> bad.conf"],
    );
    cycle.extra.push(("other.conf", "[b]\n#include bad.conf\n"));
    vec![
        // Truncated files.
        bad(
            "truncated header",
            Apply,
            "[a]\ntype=aor\n[b",
            4,
            &["bad.conf:3: parse error: no closing ']'"],
        ),
        bad(
            "truncated options",
            Apply,
            "[t](!)\ntype=aor\n[a](t",
            4,
            &["bad.conf:3: parse error: no closing ')'"],
        ),
        bad(
            "truncated in a setting",
            Apply,
            "[a]\ntype=auth\nusername=a\npassw",
            4,
            &["bad.conf:1: auth a: password: "],
        ),
        bad(
            "truncated body",
            From,
            "max_contacts=2\nqualify_frequ",
            4,
            &["body.conf:2: expected attr=value, found \"qualify_frequ\""],
        ),
        bad(
            "truncated second section",
            From,
            "max_contacts=1\n[b",
            4,
            &["body.conf:2: a second section starts here"],
        ),
        // Comments.
        bad(
            "unterminated block comment",
            Apply,
            "[a]\ntype=aor\n;-- retired\n[b]\ntype=aor\n",
            4,
            &["bad.conf:3: unterminated block comment"],
        ),
        bad(
            "unterminated block comment",
            From,
            "max_contacts=1\n;-- retired\nmailboxes=1@x\n",
            4,
            &["body.conf:2: unterminated block comment"],
        ),
        bad(
            "close without open",
            Apply,
            "[a]\ntype=aor\nx=1 --;\n",
            4,
            &["bad.conf:3: '--;' closes a block comment that was never opened"],
        ),
        // Includes.
        cycle,
        bad(
            "missing include",
            Apply,
            "[a]\ntype=aor\n#include \"gone.conf\"\n",
            4,
            &["bad.conf:3: The file 'gone.conf' was listed as a #include but it does not exist"],
        ),
        bad(
            "include in a body",
            From,
            "#include other.conf\n",
            4,
            &["body.conf:1: expected attr=value, found \"#include other.conf\""],
        ),
        // Binary garbage, invalid UTF-8, a 10 MB line.
        bad(
            "binary garbage",
            Apply,
            garbage(5000),
            4,
            &["bad.conf:1: not UTF-8 text"],
        ),
        bad(
            "binary garbage",
            ApplyStdin,
            garbage(5000),
            4,
            &["<stdin>:1: not UTF-8 text"],
        ),
        bad(
            "binary garbage",
            From,
            garbage(5000),
            4,
            &["body.conf:1: not UTF-8 text"],
        ),
        bad(
            "binary garbage",
            FromStdin,
            garbage(5000),
            4,
            &["<stdin>:1: not UTF-8 text"],
        ),
        bad(
            "invalid UTF-8",
            Apply,
            &b"[a]\ntype=aor\ncontact=sip:\xff@x\n"[..],
            4,
            &["bad.conf:3: not UTF-8 text"],
        ),
        bad(
            "invalid UTF-8",
            From,
            &b"max_contacts=1\ncontact=sip:\xff@x\n"[..],
            4,
            &["body.conf:2: not UTF-8 text"],
        ),
        bad(
            "invalid UTF-8",
            push_args(&[b"aor", b"x", b"contact=sip:\xff@x"]),
            "",
            2,
            &["invalid UTF-8"],
        ),
        bad(
            "a 10 MB line",
            Apply,
            ten_mb_line(),
            4,
            &["bad.conf:3: line too long (10485747 bytes)"],
        ),
        bad(
            "a 10 MB line",
            From,
            ten_mb_body,
            4,
            &["body.conf:1: line too long (10485760 bytes)"],
        ),
        bad(
            "NUL in a header",
            Apply,
            &b"[a\0b]\ntype=aor\n[\0]\n"[..],
            4,
            &["bad.conf:1: parse error: no closing ']'"],
        ),
        // Ids.
        bad(
            "empty id",
            Apply,
            "[]\ntype=aor\n",
            4,
            &["bad.conf:1: aor : the section name is not a usable object id"],
        ),
        bad(
            "control characters in an id",
            Apply,
            "[a\x1b[31mb]\ntype=aor\n",
            4,
            &["bad.conf:1: aor a\\u{1b}[31mb: the section name is not a usable object id"],
        ),
        bad(
            "empty id",
            push_args(&[b"aor", b"", b"max_contacts=1"]),
            "",
            2,
            &["the object id is empty"],
        ),
        bad(
            "control characters in an id",
            push_args(&[b"aor", b"a\x1bb", b"max_contacts=1"]),
            "",
            2,
            &["contains the control character '\\u{1b}'"],
        ),
        bad(
            "newline in an id",
            push_args(&[b"aor", b"a\nb", b"max_contacts=1"]),
            "",
            2,
            &["contains the control character '\\n'"],
        ),
        // Unknown types and attributes.
        bad(
            "unknown type",
            push_args(&[b"bogus", b"x", b"a=1"]),
            "",
            2,
            &["unknown object type 'bogus'"],
        ),
        bad(
            "read-only type",
            push_args(&[b"transport", b"t", b"bind=0.0.0.0"]),
            "",
            6,
            &["cannot push transport t"],
        ),
        bad(
            "unknown type",
            From,
            "type=bogus\n",
            4,
            &["body.conf:1: type=bogus, but the object pushed is an aor"],
        ),
        bad(
            "unknown attribute",
            Apply,
            "[a]\ntype=aor\nbogus=1\n",
            4,
            &["bad.conf:3: aor a: aor has no attribute 'bogus'"],
        ),
        bad(
            "unknown attribute",
            push_args(&[b"aor", b"x", b"bogus=1"]),
            "",
            4,
            &["aor has no attribute 'bogus'"],
        ),
        bad(
            "not attr=value",
            push_args(&[b"aor", b"x", b"max_contacts"]),
            "",
            2,
            &["'max_contacts' is not attr=value"],
        ),
        bad(
            "no attribute name",
            push_args(&[b"aor", b"x", b"=1"]),
            "",
            2,
            &["'=1' is not attr=value"],
        ),
        bad(
            "invalid value",
            push_args(&[b"aor", b"x", b"max_contacts=lots"]),
            "",
            4,
            &["max_contacts=lots"],
        ),
        // Documented: a section whose type is no PJSIP type is skipped as Asterisk skips it, said
        // with its file:line; nothing is written.
        bad(
            "unknown type (skipped as Asterisk does)",
            Apply,
            "[a]\ntype=bogus\n\n[b]\ntype=Endpoint\n",
            0,
            &[
                "bad.conf:1: [a] type=bogus is no PJSIP object type",
                "bad.conf:4: [b] type=Endpoint matches no type",
            ],
        ),
    ]
}

#[test]
fn malformed_inputs_fail_clearly_and_change_nothing() {
    let env = Env::new();
    env.ok(&["push", "aor", "x", "max_contacts=3"]);
    env.ok(&["push", "auth", "a", "username=a", "password=pw"]);
    let mut problems = Vec::new();
    for case in malformed_inputs() {
        let what = format!(
            "{} via {}",
            case.what,
            match &case.via {
                Via::Apply => "apply",
                Via::ApplyStdin => "apply -",
                Via::From => "push --from",
                Via::FromStdin => "push --from -",
                Via::Push(_) => "push",
            }
        );
        for (name, text) in &case.extra {
            std::fs::write(env.dir.path().join(name), text).unwrap();
        }
        let before = env.snapshot();
        let mut c = env.cmd();
        match &case.via {
            Via::Apply => {
                std::fs::write(env.dir.path().join("bad.conf"), &case.input).unwrap();
                c.args(["apply", "bad.conf"]);
            }
            Via::ApplyStdin => {
                c.args(["apply", "-"]).write_stdin(case.input.clone());
            }
            Via::From => {
                std::fs::write(env.dir.path().join("body.conf"), &case.input).unwrap();
                c.args(["push", "aor", "x", "--from", "body.conf"]);
            }
            Via::FromStdin => {
                c.args(["push", "aor", "x", "--from", "-"])
                    .write_stdin(case.input.clone());
            }
            Via::Push(args) => {
                use std::os::unix::ffi::OsStrExt;
                c.arg("push");
                c.args(
                    args.iter()
                        .map(|a| std::ffi::OsStr::from_bytes(a).to_os_string()),
                );
            }
        }
        let t = Instant::now();
        let out = c.timeout(Duration::from_secs(120)).output().unwrap();
        let took = t.elapsed();
        let code = out.status.code().unwrap_or(-1);
        let err = String::from_utf8_lossy(&out.stderr);
        if code != case.exit {
            problems.push(format!(
                "{what}: exit {code}, expected {}: {err}",
                case.exit
            ));
        }
        for s in &case.says {
            let on_line = err
                .lines()
                .any(|l| l.contains(s.as_str()) && (case.exit == 0 || l.starts_with("error:")));
            if !on_line {
                problems.push(format!("{what}: stderr does not say {s:?}: {err}"));
            }
        }
        // One clear line, no control character reaching the terminal, nothing on stdout.
        if err.chars().any(raw_control) {
            problems.push(format!(
                "{what}: a raw control character in stderr: {err:?}"
            ));
        }
        if case.exit != 0 && !out.stdout.is_empty() {
            problems.push(format!(
                "{what}: stdout {:?}",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        // A hang shows as the watchdog's kill (exit -1, and the time here).
        if code == -1 {
            problems.push(format!("{what}: killed after {took:?}"));
        }
        if env.snapshot() != before {
            problems.push(format!("{what}: the astdb file changed"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A C0 or C1 control character (or DEL) other than newline: what a terminal may act on.
fn raw_control(c: char) -> bool {
    c.is_control() && c != '\n'
}

/// Every C0 and C1 control character but newline, in an id and in an attribute name, through
/// `push` arguments (NUL cannot be one), `apply` and `push --from`: refused with an `error:`
/// line, the astdb unchanged, and neither stderr nor stdout carries the character itself.
#[test]
fn no_control_character_reaches_the_terminal() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    env.ok(&["push", "aor", "x", "max_contacts=3"]);
    let controls = (0u32..0x20)
        .chain([0x7f])
        .chain(0x80..0xa0)
        .filter(|&c| c != 0x0a)
        .map(|c| char::from_u32(c).unwrap());
    let mut problems = Vec::new();
    let mut runs = 0;
    for ch in controls {
        let id = format!("a{ch}b");
        let attr = format!("max{ch}contacts=1");
        let mut cases: Vec<(String, assert_cmd::Command)> = Vec::new();
        if ch != '\0' {
            for args in [
                vec!["push", "aor", id.as_str(), "max_contacts=1"],
                vec!["push", "aor", "x", attr.as_str()],
            ] {
                let mut c = env.cmd();
                c.args(
                    args.iter()
                        .map(|a| std::ffi::OsStr::from_bytes(a.as_bytes())),
                );
                cases.push((format!("{args:?}"), c));
            }
        }
        for (name, text) in [
            ("id.conf", format!("[{id}]\ntype=aor\n")),
            ("attr.conf", format!("[x]\ntype=aor\n{attr}\n")),
        ] {
            std::fs::write(env.dir.path().join(name), &text).unwrap();
            let mut c = env.cmd();
            c.args(["apply", name]);
            cases.push((format!("apply {text:?}"), c));
        }
        std::fs::write(env.dir.path().join("body.conf"), format!("{attr}\n")).unwrap();
        let mut c = env.cmd();
        c.args(["push", "aor", "x", "--from", "body.conf"]);
        cases.push((format!("push --from {attr:?}"), c));
        for (what, mut c) in cases {
            runs += 1;
            let before = env.snapshot();
            let out = c.timeout(Duration::from_secs(120)).output().unwrap();
            let (err, stdout) = (
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout),
            );
            // A NUL ends a line for Asterisk (C strings): "max" then has no '=' and is
            // ignored with a warning, as Asterisk ignores it.
            let nul_in_a_line = ch == '\0' && what.starts_with("apply \"[x]");
            if nul_in_a_line {
                if !err.contains("No '=' (equal sign) in 'max': Asterisk ignores the line") {
                    problems.push(format!("{what}: {err:?}"));
                }
            } else if out.status.success() || !err.starts_with("error: ") {
                problems.push(format!("{what}: accepted or unclear: {err:?}"));
            }
            if err.chars().chain(stdout.chars()).any(raw_control) {
                problems.push(format!(
                    "{what}: a raw {ch:?} on the terminal: {err:?} {stdout:?}"
                ));
            }
            if env.snapshot() != before && !nul_in_a_line {
                problems.push(format!("{what}: the astdb changed"));
            }
        }
    }
    assert!(runs > 300, "{runs}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// tests/fixtures/fuzz through the real binary: `err-*` are refused by apply, diff and (when
/// they are one body) push --from with exit 4 and an unchanged file; nothing panics or hangs.
#[test]
fn fuzz_corpus_through_the_binary() {
    let env = Env::new();
    env.ok(&["push", "aor", "a", "max_contacts=3"]);
    let dir = crate::common::fixtures().join("fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut problems = Vec::new();
    let mut n = 0;
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        // Accepted exit codes of apply --dry-run and of diff.
        let expect: [&[i32]; 2] = if name.starts_with("err-") {
            [&[4], &[4]]
        } else if name.starts_with("ok-") {
            [&[0], &[0, 1]]
        } else {
            continue;
        };
        n += 1;
        let before = env.snapshot();
        let path = f.display().to_string();
        for (args, want) in [
            (vec!["apply", "--dry-run", &path], expect[0]),
            (vec!["diff", &path], expect[1]),
        ] {
            let out = env
                .cmd()
                .args(&args)
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap();
            let code = out.status.code().unwrap_or(-1);
            if !want.contains(&code) {
                problems.push(format!(
                    "{name}: {} exit {code}, expected {want:?}: {}",
                    args[0],
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        let out = env
            .cmd()
            .args(["push", "aor", "a", "--from", &path])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        if ![0, 4].contains(&code) {
            problems.push(format!(
                "{name}: push --from exit {code}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if code != 0 && env.snapshot() != before {
            problems.push(format!("{name}: a refused push --from changed the file"));
        }
        if expect[0] == [4] {
            let before = env.snapshot();
            let out = env
                .cmd()
                .args(["apply", &path])
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap();
            if out.status.code() != Some(4) || env.snapshot() != before {
                problems.push(format!("{name}: apply did not refuse it cleanly"));
            }
        }
    }
    assert!(n >= 30, "{n} seeds");
    assert!(
        !env.dir.path().join("pjsipctl-fuzz-exec-ran").exists(),
        "#exec ran without --allow-exec"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ------------------------------------------------------------------------------ faults

/// `n` users (auth, aor, endpoint each) from `first`, from templates.
fn users(first: usize, n: usize, name: &str) -> String {
    let mut t = String::from(
        "[phone](!)\ntype=endpoint\ncontext=internal\ndisallow=all\nallow=g722,ulaw\n\n\
         [pa](!)\ntype=auth\nauth_type=userpass\n\n[po](!)\ntype=aor\nmax_contacts=1\n\n",
    );
    for i in first..first + n {
        t.push_str(&format!(
            "[{i}](pa)\nusername={i}\npassword=pw{i}\n[{i}](po)\n[{i}](phone)\nauth={i}\naors={i}\n\
             callerid=\"{name} {i}\" <{i}>\n\n"
        ));
    }
    t
}

fn rows_of(db: &std::path::Path) -> Vec<(String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "{}", db.display());
    let mut st = c
        .prepare("SELECT key, value FROM astdb ORDER BY key")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows
}

/// A small xorshift generator, seeded from the clock (the seed is in every failure message).
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        Rng(t | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn apply_process(env: &Env, db: &std::path::Path, args: &[&str]) -> std::process::Child {
    env.std_cmd()
        .env("PJSIPCTL_DB", db)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn apply_killed_at_random_points_leaves_before_or_after() {
    let env = Env::new();
    let dir = env.dir.path();
    // Before: 700 users. After: 500 of them updated, 200 new, 200 pruned (2100 objects a side,
    // 2700 in all).
    std::fs::write(dir.join("before.conf"), users(10000, 700, "User")).unwrap();
    std::fs::write(dir.join("after.conf"), users(10200, 700, "Desk")).unwrap();
    env.ok(&["-q", "apply", "before.conf"]);
    let before_bytes = std::fs::read(env.db()).unwrap();
    let before = rows_of(&env.db());
    let args = ["-q", "apply", "--prune", "--yes", "after.conf"];

    // The whole run once, timing it and the write transaction (while the rollback journal exists).
    let reference = dir.join("reference.sqlite3");
    std::fs::write(&reference, &before_bytes).unwrap();
    let journal = |db: &std::path::Path| {
        let mut j = db.as_os_str().to_owned();
        j.push("-journal");
        std::path::PathBuf::from(j)
    };
    let t0 = Instant::now();
    let mut child = apply_process(&env, &reference, &args);
    let (mut opened, mut closed) = (None, None);
    while child.try_wait().unwrap().is_none() {
        match (journal(&reference).exists(), opened) {
            (true, None) => opened = Some(t0.elapsed()),
            (false, Some(_)) if closed.is_none() => closed = Some(t0.elapsed()),
            _ => {}
        }
        std::thread::sleep(Duration::from_micros(300));
    }
    let total = t0.elapsed();
    assert!(child.wait().unwrap().success());
    let after = rows_of(&reference);
    assert_ne!(before, after);
    let window = match (opened, closed) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        (Some(a), None) => total.saturating_sub(a),
        _ => Duration::from_millis(50),
    };

    // Kill runs: half at a random point of the whole run, half at a random point of the write
    // transaction (both measured above, so a slow machine aims as well as a fast one); until at
    // least one kill is a genuine rollback: the process died with its journal still there (a
    // commit deletes it), so the transaction was open, and the next reader rolled it back.
    let mut rng = Rng::new();
    let seed = rng.0;
    let started = Instant::now();
    let (mut kills, mut hot, mut rolled_back, mut outcomes) = (0, 0, 0, Vec::new());
    while (kills < 6 || rolled_back < 1)
        && kills < 60
        && started.elapsed() < Duration::from_secs(300)
    {
        let db = dir.join(format!("kill{kills}.sqlite3"));
        std::fs::write(&db, &before_bytes).unwrap();
        let mut child = apply_process(&env, &db, &args);
        if kills % 2 == 0 {
            std::thread::sleep(Duration::from_micros(rng.below(total.as_micros() as u64)));
        } else {
            let t = Instant::now();
            while !journal(&db).exists()
                && child.try_wait().unwrap().is_none()
                && t.elapsed() < Duration::from_secs(60)
            {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_micros(rng.below(window.as_micros() as u64)));
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        // Looked at once the process is dead: a journal now is one the commit never removed.
        let was_hot = journal(&db).exists();
        let written = was_hot && std::fs::read(&db).unwrap() != before_bytes;
        kills += 1;
        hot += was_hot as usize;
        // The next process to open the file rolls back a hot journal: before or after, nothing between.
        let rows = rows_of(&db);
        let outcome = if rows == before {
            "before"
        } else if rows == after {
            "after"
        } else {
            panic!(
                "kill {kills} (seed {seed}, hot journal: {was_hot}, {status}): the astdb holds neither the \
                 before ({} rows) nor the after ({} rows) state, but {} rows",
                before.len(),
                after.len(),
                rows.len()
            );
        };
        assert!(
            !was_hot || outcome == "before",
            "kill {kills} (seed {seed}): an open transaction was not rolled back"
        );
        rolled_back += was_hot as usize;
        outcomes.push(format!(
            "{outcome}{}",
            match (was_hot, written) {
                (true, true) => " (rolled back, rows had reached the file)",
                (true, false) => " (rolled back)",
                _ => "",
            }
        ));
        // pjsipctl reads it, and running apply again finishes the job.
        env.cmd()
            .env("PJSIPCTL_DB", &db)
            .args(["list", "aor"])
            .assert()
            .success();
        if was_hot && hot == 1 {
            let out = env
                .cmd()
                .env("PJSIPCTL_DB", &db)
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                rows_of(&db),
                after,
                "rerun after kill {kills} (seed {seed})"
            );
        }
    }
    eprintln!("run {total:?}, transaction {window:?}: {outcomes:?}");
    assert!(
        rolled_back >= 1,
        "none of {kills} kills hit an open transaction (seed {seed}, run {total:?}, \
         transaction {window:?}): {outcomes:?}"
    );
}

#[test]
fn concurrent_applies_both_succeed_or_one_fails_clearly() {
    let env = Env::new();
    let dir = env.dir.path();
    let shared = "[shared]\ntype=aor\nmax_contacts=5\n\n";
    std::fs::write(
        dir.join("a.conf"),
        format!("{shared}{}", users(20000, 150, "A")),
    )
    .unwrap();
    std::fs::write(
        dir.join("b.conf"),
        format!("{shared}{}", users(30000, 150, "B")),
    )
    .unwrap();
    env.ok(&["push", "aor", "seed", "max_contacts=1"]);
    let seed = std::fs::read(env.db()).unwrap();
    // What each file alone makes of the seed file.
    let alone = |file: &str| {
        let db = dir.join(format!("alone-{file}.sqlite3"));
        std::fs::write(&db, &seed).unwrap();
        let out = env
            .cmd()
            .env("PJSIPCTL_DB", &db)
            .args(["-q", "apply", file])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        rows_of(&db)
    };
    let (only_a, only_b) = (alone("a.conf"), alone("b.conf"));
    // While another process holds the write lock past the busy timeout (as a long apply
    // would), an apply fails with exit 5 naming the lock, and writes nothing.
    {
        let db = dir.join("held.sqlite3");
        std::fs::write(&db, &seed).unwrap();
        let holder = rusqlite::Connection::open(&db).unwrap();
        holder
            .execute_batch("BEGIN IMMEDIATE; UPDATE astdb SET value = value;")
            .unwrap();
        let out = apply_process(&env, &db, &["-q", "apply", "a.conf"])
            .wait_with_output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{err}");
        assert!(
            err.contains(&format!("{} is locked by another process", db.display()))
                && err.contains("nothing was written"),
            "{err}"
        );
        holder.execute_batch("ROLLBACK").unwrap();
        drop(holder);
        assert_eq!(std::fs::read(&db).unwrap(), seed);
    }
    let union = |x: &[(String, String)], y: &[(String, String)]| {
        let mut m: std::collections::BTreeMap<String, String> = x.iter().cloned().collect();
        m.extend(y.iter().cloned());
        m.into_iter().collect::<Vec<_>>()
    };
    let both = union(&only_a, &only_b);
    for (round, files) in [
        ["a.conf", "b.conf"],
        ["a.conf", "b.conf"],
        ["a.conf", "a.conf"],
    ]
    .iter()
    .enumerate()
    {
        let db = dir.join(format!("round{round}.sqlite3"));
        std::fs::write(&db, &seed).unwrap();
        let children: Vec<_> = files
            .iter()
            .map(|f| apply_process(&env, &db, &["-q", "apply", f]))
            .collect();
        let mut ok = Vec::new();
        for (f, c) in files.iter().zip(children) {
            let out = c.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            match out.status.code() {
                Some(0) => ok.push(*f),
                Some(5) => assert!(
                    err.contains("is locked by another process")
                        && err.contains("nothing was written"),
                    "round {round}, {f}: {err}"
                ),
                other => panic!("round {round}, {f}: exit {other:?}: {err}"),
            }
        }
        assert!(!ok.is_empty(), "round {round}: both failed");
        let rows = rows_of(&db);
        let keys = |r: &[(String, String)]| r.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        if ok.len() == 2 {
            // Both wrote: every object of both files, each as its file says. (The second one
            // worked from a plan made before the first one's objects existed: its creates
            // became updates to the same values, which store a row in the form an update gives,
            // e.g. voicemail_extension="" as Asterisk does. The objects are the same.)
            let want = if files[0] == files[1] { &only_a } else { &both };
            assert_eq!(keys(&rows), keys(want), "round {round}");
            for f in files {
                let (code, _, err) = env.run(&["--db", db.to_str().unwrap(), "diff", f]);
                assert_eq!(code, 0, "round {round}: the file does not hold {f}: {err}");
            }
        } else {
            // One wrote: exactly what it writes alone.
            let want = if ok[0] == "a.conf" { &only_a } else { &only_b };
            assert!(
                rows == *want,
                "round {round}: {ok:?} succeeded, but the file holds {} rows",
                rows.len()
            );
        }
    }
}
