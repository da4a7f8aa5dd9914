//! Issue 11 items 3, 4 and 8 (and issue 12's database errors): nothing created by mistake,
//! masked secrets never written back, prompts that cancel cleanly.

use std::path::Path;

use crate::common::Env;

fn run_env(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let mut c = env.cmd();
    for (k, v) in vars {
        c.env(k, v);
    }
    let out = c.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every entry under `dir`, to prove a command left nothing behind.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.display().to_string());
        if p.is_dir() {
            out.extend(tree(&p));
        }
    }
    out.sort();
    out
}

#[test]
fn read_only_commands_never_create_a_database() {
    let env = Env::new();
    let conf = env.dir.path().join("p.conf");
    std::fs::write(&conf, "[a]\ntype=aor\nmax_contacts=1\n").unwrap();
    let f = conf.to_str().unwrap();
    let before = tree(env.dir.path());
    let missing = env.dir.path().join("no/such/dir/astdb.sqlite3");
    let m = missing.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "aor"],
        vec!["show", "aor", "a"],
        vec!["export"],
        vec!["diff", f],
        vec!["diff", "--prune", f],
        vec!["apply", "--dry-run", f],
        vec!["apply", "--dry-run", "-o", "json", f],
        vec!["delete", "--yes", "aor", "a"],
    ];
    for args in &commands {
        // An explicit path (--db and PJSIPCTL_DB), in a missing folder or an existing one.
        for db in [m, env.db().to_str().unwrap()] {
            let mut with_flag = vec!["--db", db];
            with_flag.extend(args);
            let (code, out, err) = env.run(&with_flag);
            assert_eq!(code, 5, "{with_flag:?}: {out}{err}");
            assert!(
                err.contains(&format!("error: no astdb at {db}")),
                "{with_flag:?}: {err}"
            );
            let (code, _, err) = run_env(&env, &[("PJSIPCTL_DB", db)], args);
            assert_eq!(code, 5, "{args:?}: {err}");
        }
        // The default location under XDG_DATA_HOME: not even its folder.
        let out = env
            .cmd()
            .env_remove("PJSIPCTL_DB")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{args:?}");
        assert_eq!(tree(env.dir.path()), before, "{args:?} created something");
    }
}

#[test]
fn a_write_creates_the_database_once_and_says_so() {
    let env = Env::new();
    let db = env.db();
    let d = db.to_str().unwrap();
    // A folder that does not exist is not created: the path is probably mistyped.
    let deep = env.dir.path().join("typo/astdb.sqlite3");
    let (code, _, err) = env.run(&["--db", deep.to_str().unwrap(), "push", "aor", "a"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("the folder") && err.contains("does not exist") && err.contains("mkdir -p"),
        "{err}"
    );
    assert!(!env.dir.path().join("typo").exists());
    // A refused push creates nothing either.
    let (code, _, err) = env.run(&["push", "aor", "a", "max_contacts=lots"]);
    assert_eq!(code, 4, "{err}");
    assert!(!db.exists(), "a refused push left a database");
    // The first write says it created the file, once; later writes do not.
    let (code, _, err) = env.run(&["push", "aor", "a", "max_contacts=1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.matches(&format!("created new astdb at {d}")).count(),
        1,
        "{err}"
    );
    let (code, _, err) = env.run(&["push", "aor", "b"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("created new astdb"), "{err}");
    // apply too; an apply that writes nothing leaves no file.
    let other = env.dir.path().join("other.sqlite3");
    let o = other.to_str().unwrap();
    let conf = env.dir.path().join("p.conf");
    std::fs::write(&conf, "[x]\ntype=aor\n").unwrap();
    let (code, _, err) = env.run(&["--db", o, "apply", conf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("created new astdb at {o}")), "{err}");
    std::fs::remove_file(&other).unwrap();
    std::fs::write(&conf, "; nothing\n").unwrap();
    let (code, _, err) = env.run(&["--db", o, "apply", conf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !other.exists() && !err.contains("created new astdb"),
        "{err}"
    );
    // The default location is the one folder made for the user (the quick start needs it).
    let out = env
        .cmd()
        .env_remove("PJSIPCTL_DB")
        .args(["push", "aor", "a"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let default = env.dir.path().join("data/pjsipctl/astdb.sqlite3");
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("created new astdb at {}", default.display())),
        "{err}"
    );
    assert!(default.exists());
}

#[test]
fn tilde_in_pjsipctl_db_expands_to_home() {
    let env = Env::new();
    let (code, _, err) = run_env(
        &env,
        &[("PJSIPCTL_DB", "~/mine.sqlite3")],
        &["push", "aor", "a"],
    );
    assert_eq!(code, 0, "{err}");
    let home_db = env.dir.path().join("mine.sqlite3");
    assert!(home_db.exists(), "{err}");
    assert!(
        !env.dir.path().join("~").exists(),
        "a folder named ~ was created"
    );
    let (code, out, err) = run_env(&env, &[("PJSIPCTL_DB", "~/mine.sqlite3")], &["list", "aor"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Objects found: 1"), "{out}");
}

#[test]
fn a_url_as_db_is_not_a_file_path() {
    let env = Env::new();
    // postgresql:// is the realtime backend's (tests/integration/realtime.rs).
    for url in ["mysql://root@db/ast", "sqlite:///tmp/x.db"] {
        for args in [
            vec!["--db", url, "push", "aor", "a"],
            vec!["--db", url, "list"],
        ] {
            let (code, _, err) = env.run(&args);
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(
                err.contains(&format!("--db {url}: not a file path")),
                "{err}"
            );
        }
        let (code, _, err) = run_env(&env, &[("PJSIPCTL_DB", url)], &["push", "aor", "a"]);
        assert_eq!(code, 2, "{err}");
    }
    let scheme_dirs: Vec<String> = tree(env.dir.path())
        .into_iter()
        .filter(|p| p.contains(':'))
        .collect();
    assert!(scheme_dirs.is_empty(), "{scheme_dirs:?}");
}

/// Run as an unprivileged user when the tests run as root (root ignores permissions).
fn as_user(env: &Env, args: &[&str]) -> (i32, String, String) {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let bin = assert_cmd::cargo::cargo_bin("pjsipctl");
    let mut c = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = c
        .env_clear()
        .env("HOME", env.dir.path())
        .env("PJSIPCTL_DB", env.db())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn database_errors_name_the_real_cause() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.ok(&["push", "aor", "a"]);
    let dir = env.dir.path();
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    // Owned by the unprivileged user when run as root, so only the modes below decide.
    let _ = std::process::Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(dir)
        .status();
    let db = env.db();
    let before = std::fs::read(&db).unwrap();
    // A folder where the journal cannot be created.
    set(dir, 0o555);
    let (code, _, err) = as_user(&env, &["push", "aor", "b"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("is read-only for this user") && err.contains("journal"),
        "{err}"
    );
    // Reading still works there.
    let (code, out, err) = as_user(&env, &["list", "aor"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Objects found: 1"), "{out}");
    set(dir, 0o755);
    // The file itself read-only.
    set(&db, 0o444);
    let (code, _, err) = as_user(&env, &["push", "aor", "b"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("permission denied: the file is read-only"),
        "{err}"
    );
    // Unreadable: a command that only reads does not talk about writing.
    set(&db, 0o000);
    let (code, _, err) = as_user(&env, &["show", "aor", "a"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("this user may not read the file"), "{err}");
    assert!(!err.contains("write"), "{err}");
    set(&db, 0o600);
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

// ------------------------------------------------------------------------------ secrets

const SECRET: &str = "Real-S3cret";

fn with_auth() -> Env {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["push", "auth", "a", "--from", "-"])
        .write_stdin(format!("username=a\npassword={SECRET}\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    env
}

#[test]
fn masked_secrets_are_commented_out_in_conf_output() {
    let env = with_auth();
    for args in [
        vec!["show", "auth", "a", "-o", "conf"],
        vec!["show", "auth", "a", "--changed", "-o", "conf"],
        vec!["list", "auth", "-o", "conf"],
        vec!["list", "-o", "conf"],
        vec!["push", "auth", "a", "username=a", "-o", "conf"],
    ] {
        let out = env.ok(&args);
        assert!(
            out.contains(";password=  ; secret withheld: run with --show-secrets to include it\n"),
            "{args:?}: {out}"
        );
        assert!(
            !out.lines().any(|l| l.starts_with("password=")) && !out.contains(SECRET),
            "{args:?}: {out}"
        );
        // Asked for: the live line.
        let mut shown = vec!["--show-secrets"];
        shown.extend(&args);
        let out = env.ok(&shown);
        assert!(
            out.contains(&format!("\npassword={SECRET}\n")),
            "{shown:?}: {out}"
        );
    }
    // What the masked output says cannot overwrite the secret.
    let conf = env.dir.path().join("a.conf");
    std::fs::write(&conf, env.ok(&["show", "auth", "a", "-o", "conf"])).unwrap();
    let before = env.rows();
    let (code, _, err) = env.run(&["apply", conf.to_str().unwrap()]);
    assert_ne!(code, 0, "{err}");
    assert_eq!(env.rows(), before);
}

#[test]
fn the_mask_is_refused_as_a_secret() {
    let env = with_auth();
    let before = env.rows();
    let conf = env.dir.path().join("m.conf");
    std::fs::write(&conf, "[a]\ntype=auth\nusername=a\npassword=********\n").unwrap();
    let f = conf.to_str().unwrap();
    for (args, stdin) in [
        (vec!["push", "auth", "a", "password=********"], None),
        (vec!["push", "auth", "a", "-f", "PASSWORD=********"], None),
        (
            vec!["push", "auth", "a", "--from", "-"],
            Some("password=********\n"),
        ),
        (vec!["apply", f], None),
        (vec!["apply", "--dry-run", f], None),
        (vec!["diff", f], None),
        (vec!["--show-secrets", "apply", f], None),
    ] {
        let mut c = env.cmd();
        c.args(&args);
        if let Some(s) = stdin {
            c.write_stdin(s);
        }
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(
            err.contains("password=******** is the mask pjsipctl prints in place of a secret")
                && err.contains("--show-secrets"),
            "{args:?}: {err}"
        );
        if args[0] != "push" {
            assert!(err.contains("m.conf:4:"), "{args:?}: {err}");
        }
        assert_eq!(env.rows(), before, "{args:?}");
    }
    // Only secrets: the same text elsewhere is a value like any other.
    env.ok(&["push", "auth", "a", "realm=********"]);
}

#[test]
fn list_json_masks_secrets_unless_asked() {
    let env = with_auth();
    for args in [
        vec!["list", "-o", "json"],
        vec!["list", "auth", "-o", "json"],
    ] {
        let out = env.ok(&args);
        assert!(!out.contains(SECRET), "{args:?}: {out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let pw = v[0]["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["attribute"] == "password")
            .unwrap();
        assert_eq!(pw["value"], "********", "{args:?}");
        let mut shown = vec!["--show-secrets"];
        shown.extend(&args);
        assert!(env.ok(&shown).contains(SECRET), "{shown:?}");
    }
    // show -o json is ARI's own answer, secret included (README).
    assert!(env
        .ok(&["show", "auth", "a", "-o", "json"])
        .contains(SECRET));
}

// ------------------------------------------------------------------------------ mistakes

#[test]
fn a_forgotten_id_is_refused_unless_after_double_dash() {
    let env = Env::new();
    env.ok(&["push", "aor", "keep"]);
    let before = env.rows();
    for args in [
        vec!["push", "aor", "max_contacts=1"],
        vec!["push", "aor", "MAX_CONTACTS=1", "remove_existing=yes"],
        vec!["push", "endpoint", "context=default", "allow=ulaw"],
        vec!["push", "aor", "type=aor"],
    ] {
        let (code, _, err) = env.run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("missing ID?") && err.contains(" -- "),
            "{args:?}: {err}"
        );
        assert_eq!(env.rows(), before, "{args:?}");
    }
    // Not a field of the type: an id like any other; after --, whatever it reads as.
    env.ok(&["push", "aor", "sip=me", "max_contacts=1"]);
    env.ok(&["push", "aor", "--", "max_contacts=1", "max_contacts=2"]);
    let shown = env.ok(&["show", "aor", "max_contacts=1", "-o", "conf"]);
    assert!(shown.contains("max_contacts=2"), "{shown}");
}

#[test]
fn a_misspelled_wizard_in_sorcery_conf_is_refused() {
    let env = Env::new();
    env.init_db();
    let conf = env.dir.path().join("sorcery.conf");
    std::fs::write(
        &conf,
        "[res_pjsip]\nauth=astdb,ps_auths\n; the endpoints\nendpoint=astbd,ps_endpoints\n",
    )
    .unwrap();
    let s = conf.to_str().unwrap();
    for args in [
        vec!["--sorcery", s, "list"],
        vec!["--sorcery", s, "push", "aor", "a"],
    ] {
        let (code, _, err) = env.run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(&format!("{s}:4: unknown wizard 'astbd' for endpoint"))
                && err.contains("wizards known: astdb, config, memory, memory_cache, realtime"),
            "{err}"
        );
    }
    std::fs::write(&conf, "[res_pjsip]\nendpoint=astdb,ps_endpoints\nendpoint/cache=memory_cache,object_lifetime_maximum=60\n").unwrap();
    env.ok(&["--sorcery", s, "list"]);
}

#[test]
fn repushing_identical_values_reports_unchanged() {
    let env = Env::new();
    let (_, _, err) = env.run(&["push", "aor", "a", "max_contacts=1"]);
    assert!(err.contains("created aor a"), "{err}");
    let (code, _, err) = env.run(&["push", "aor", "a", "max_contacts=1"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unchanged aor a (1 field)"), "{err}");
    let snap = env.snapshot();
    let (_, _, err) = env.run(&["push", "aor", "a", "MAX_CONTACTS=1"]);
    assert!(err.contains("unchanged aor a (1 field)"), "{err}");
    assert_eq!(env.snapshot(), snap, "nothing to write");
    let (_, _, err) = env.run(&["push", "aor", "a", "max_contacts=2"]);
    assert!(err.contains("updated aor a (1 field)"), "{err}");
}

// ------------------------------------------------------------------------------ prompts

/// Run pjsipctl on a real terminal (a pty through `script`), type `keys` once the
/// question is on screen; returns the exit code and everything the terminal showed.
fn on_pty(env: &Env, args: &[&str], keys: &[u8]) -> (i32, String) {
    use std::io::{Read, Write};
    let bin = assert_cmd::cargo::cargo_bin("pjsipctl");
    let mut line = format!("'{}'", bin.display());
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let mut child = std::process::Command::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .env_clear()
        .env("HOME", env.dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SHELL", "/bin/sh")
        .env("TERM", "xterm")
        .env("PJSIPCTL_DB", env.db())
        .current_dir(env.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !String::from_utf8_lossy(&seen).contains("[y/N]") {
        assert!(
            std::time::Instant::now() < deadline,
            "no prompt: {}",
            String::from_utf8_lossy(&seen)
        );
        if let Ok(b) = rx.recv_timeout(std::time::Duration::from_millis(100)) {
            seen.extend(b);
        }
    }
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(keys).unwrap();
    stdin.flush().unwrap();
    // The answer must end the program by itself (Ctrl-D used to wait forever).
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still waiting after the answer"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    drop(stdin);
    while let Ok(b) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
        seen.extend(b);
    }
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&seen).into_owned(),
    )
}

#[test]
fn prompts_cancel_cleanly_on_ctrl_c_ctrl_d_and_no() {
    let env = Env::new();
    env.ok(&["push", "aor", "a"]);
    let before = env.rows();
    // Ctrl-C: 130, the cursor never hidden, nothing deleted.
    let (code, screen) = on_pty(&env, &["delete", "aor", "a"], b"\x03");
    assert_eq!(code, 130, "{screen}");
    assert!(
        !screen.contains("\x1b[?25l"),
        "the cursor was hidden: {screen:?}"
    );
    assert_eq!(env.rows(), before);
    // Ctrl-D is no; so is an empty answer or "n": exit 1, cancelled.
    for keys in [&b"\x04"[..], b"\r", b"n\r"] {
        let (code, screen) = on_pty(&env, &["delete", "aor", "a"], keys);
        assert_eq!(code, 1, "{keys:?}: {screen}");
        assert!(screen.contains("cancelled: nothing deleted"), "{screen}");
        assert_eq!(env.rows(), before);
    }
    let (code, screen) = on_pty(&env, &["delete", "aor", "a"], b"y\r");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("deleted aor a"), "{screen}");
    assert!(env.rows().is_empty());
}

#[test]
fn delete_of_a_missing_object_says_so_without_asking() {
    let env = Env::new();
    env.ok(&["push", "aor", "a"]);
    // No terminal and no --yes: the missing object is what is reported.
    let (code, _, err) = env.run(&["delete", "aor", "nope"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("aor nope not found"), "{err}");
    assert!(!err.contains("--yes"), "{err}");
}

#[test]
fn prune_lists_what_it_changes_before_asking() {
    let env = Env::new();
    let conf = env.dir.path().join("p.conf");
    std::fs::write(
        &conf,
        "[old]\ntype=aor\n\n[kept]\ntype=aor\n\n[gone]\ntype=aor\n",
    )
    .unwrap();
    let f = conf.to_str().unwrap();
    env.ok(&["apply", f]);
    std::fs::write(
        &conf,
        "[kept]\ntype=aor\nmax_contacts=3\n\n[new]\ntype=aor\n",
    )
    .unwrap();
    let before = env.rows();
    let (code, screen) = on_pty(&env, &["apply", "--prune", f], b"n\r");
    assert_eq!(code, 1, "{screen}");
    let shown = screen.replace("\r\n", "\n");
    let question = shown.find("[y/N]").unwrap();
    for line in [
        "  + aor new\n",
        "  ~ aor kept\n",
        "  - aor old\n",
        "  - aor gone\n",
    ] {
        let at = shown
            .find(line)
            .unwrap_or_else(|| panic!("{line:?} not in {shown}"));
        assert!(at < question, "{shown}");
    }
    assert!(shown.contains("cancelled: nothing written"), "{shown}");
    assert_eq!(env.rows(), before);
    let (code, screen) = on_pty(&env, &["apply", "--prune", f], b"y\r");
    assert_eq!(code, 0, "{screen}");
    assert_eq!(env.rows().len(), 2);
}

#[test]
fn quiet_apply_keeps_errors_and_the_summary_and_confirmations_use_stderr() {
    let env = Env::new();
    let conf = env.dir.path().join("p.conf");
    std::fs::write(&conf, "[a]\ntype=aor\n\n[b]\ntype=aor\n").unwrap();
    let f = conf.to_str().unwrap();
    // Without -q: one line per object on stderr, like push and delete; stdout is for data.
    let (code, out, err) = env.run(&["apply", f]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("created aor a\ncreated aor b\n"), "{err}");
    assert!(
        err.contains("2 created, 0 updated, 0 unchanged, 0 deleted, 0 skipped"),
        "{err}"
    );
    std::fs::write(&conf, "[a]\ntype=aor\nmax_contacts=2\n\n[c]\ntype=aor\n").unwrap();
    for whole in [false, true] {
        let e = Env::new();
        e.init_db();
        let out = e
            .cmd()
            .args(crate::common::routed(&["-q", "apply", f], whole))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            err, "2 created, 0 updated, 0 unchanged, 0 deleted, 0 skipped\n",
            "read whole: {whole}"
        );
    }
    let (code, out, err) = env.run(&["-q", "apply", f]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (out.as_str(), err.as_str()),
        (
            "",
            "1 created, 1 updated, 0 unchanged, 0 deleted, 0 skipped\n"
        )
    );
    // Errors stay.
    std::fs::write(&conf, "[a]\ntype=aor\nmax_contacts=many\n").unwrap();
    let (code, _, err) = env.run(&["-q", "apply", f]);
    assert_eq!(code, 4);
    assert!(err.contains("max_contacts"), "{err}");
    // push and delete confirm on stderr too, and -q leaves them out.
    let (_, out, err) = env.run(&["push", "aor", "z"]);
    assert!(out.is_empty() && err.contains("created aor z"), "{err}");
    let (_, out, err) = env.run(&["delete", "--yes", "aor", "z"]);
    assert!(out.is_empty() && err.contains("deleted aor z"), "{err}");
    let (_, out, err) = env.run(&["-q", "push", "aor", "z"]);
    assert!(out.is_empty() && err.is_empty(), "{err}");
}
