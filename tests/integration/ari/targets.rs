//! Targets in config.toml.

use super::replay::{PASSWORD, USER};
use super::{run_cmd, Serve};
use crate::common::Env;

#[test]
fn named_targets_and_precedence() {
    let mut serve = Serve::start();
    let env = Env::new();
    let cfg = env.dir.path().join("config/pjsipctl");
    std::fs::create_dir_all(&cfg).unwrap();
    let pw = cfg.join("lab.password");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!("[targets.lab]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_file = \"lab.password\"\n\n[targets.wrong]\nurl = \"{}\"\nuser = \"nobody\"\npassword_file = \"lab.password\"\n", serve.url(), serve.url()),
    )
    .unwrap();
    let (code, _, err) = env.run(&["--target", "lab", "push", "aor", "t1", "max_contacts=2"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = env.run(&["--target", "lab", "show", "aor", "t1", "-o", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"2\""), "{out}");
    // The environment beats the file.
    let (code, _, err) = run_cmd(
        {
            let mut c = env.cmd();
            c.env("PJSIPCTL_USER", USER);
            c
        },
        &["--target", "wrong", "show", "aor", "t1"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.run(&["--target", "wrong", "show", "aor", "t1"]);
    assert_eq!(code, 6, "{err}");
    let (code, _, err) = env.run(&["--target", "nope", "show", "aor", "t1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no target 'nope'") && err.contains("lab, wrong"),
        "{err}"
    );
    // A user without any password source is a usage error, not a silent 401.
    let (code, _, err) = env.run(&["--ari", &serve.url(), "--user", USER, "show", "aor", "t1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no password for ARI user 'asterisk'"), "{err}");
    assert!(serve.alive());
}

/// A target is resolved once, and a problem with it waits for the command that uses it: a
/// broken target or database in the environment does not stop `schema`, and the target's
/// `insecure = true` is said once however many connections `--jobs` opens.
#[test]
fn a_broken_target_stops_only_the_commands_that_use_it() {
    let serve = Serve::start();
    let env = Env::new();
    let cfg = env.dir.path().join("config/pjsipctl");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[targets.lab]\nurl = \"{}\"\nuser = \"{USER}\"\ninsecure = true\n\n[targets.nourl]\nuser = \"u\"\n",
            serve.url()
        ),
    )
    .unwrap();
    let with = |var: &str, value: &str, args: &[&str]| {
        let mut c = env.cmd();
        c.env(var, value);
        run_cmd(c, args)
    };
    for (var, value, problem) in [
        ("PJSIPCTL_TARGET", "nope", "no target 'nope'"),
        ("PJSIPCTL_TARGET", "nourl", "target 'nourl' has no url"),
        ("PJSIPCTL_DB", "mysql://root@db/ast", "not a file path"),
    ] {
        let (code, out, err) = with(var, value, &["schema", "aor", "-o", "json"]);
        assert_eq!(code, 0, "{var}={value}: {err}");
        assert!(out.contains("max_contacts"), "{out}");
        let (code, _, err) = with(var, value, &["list", "aor"]);
        assert_eq!(code, 2, "{var}={value}: {err}");
        assert!(err.contains(problem), "{var}={value}: {err}");
    }
    assert!(!env.db().exists(), "nothing was stored");
    let (code, _, err) = with(
        "PJSIPCTL_PASSWORD",
        PASSWORD,
        &["--target", "lab", "list", "endpoint", "--jobs", "4"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.matches("warning: insecure = true in the target")
            .count(),
        1,
        "{err}"
    );
}
