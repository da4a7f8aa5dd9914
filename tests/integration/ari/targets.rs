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
