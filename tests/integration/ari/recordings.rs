//! Against the recordings only: what the replay of a real Asterisk answers.

use serde_json::Value;

use super::replay::{Replay, USER};
use super::{ari_cmd, run_cmd};
use crate::common::{golden, golden_fields, Env};

#[test]
fn replay_shows_what_asterisk_answered() {
    let replay = Replay::start();
    let env = Env::new();
    for (ty, case) in [
        ("auth", "01_put_auth_alice"),
        ("aor", "02_put_aor_alice"),
        ("endpoint", "03_put_endpoint_alice"),
    ] {
        let mut args = vec![
            "push".to_string(),
            ty.into(),
            "alice".into(),
            "--accept-loss".into(),
        ];
        args.extend(golden_fields(&golden(case)));
        let (code, _, err) = run_cmd(
            ari_cmd(&env, &replay.url()),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            !err.contains("Asterisk answered"),
            "the prediction matches Asterisk's answer: {err}"
        );
    }
    // Asterisk's GET reads the unset callerid back as "unknown" (golden 06), and pjsipctl shows it as is.
    let (code, out, err) = run_cmd(
        ari_cmd(&env, &replay.url()),
        &["show", "endpoint", "alice", "-o", "json"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        golden("06_get_endpoint_alice")["response_body"]
    );
    // ?api_key= instead of Basic auth (golden 41_api_key_query).
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &replay.url()),
        &["--api-key", "show", "aor", "alice"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(replay
        .stub
        .requests()
        .last()
        .unwrap()
        .target
        .ends_with("?api_key=asterisk:secret"));
    assert!(replay
        .stub
        .requests()
        .last()
        .unwrap()
        .header("authorization")
        .is_none());
    assert_eq!(replay.violations(), Vec::<String>::new());
}

#[test]
fn replay_static_objects_and_credentials() {
    let replay = Replay::start();
    let env = Env::new();
    // A static transport cannot be deleted (golden 25_delete_static_transport: 403).
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &replay.url()),
        &["delete", "transport", "transport-udp", "--yes"],
    );
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("Could not delete object with id 'transport-udp'")
            && err.contains("transport=astdb,"),
        "{err}"
    );
    // Updating the static global is refused (golden 25_put_update_static_global: 403 Cannot update).
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &replay.url()),
        &["push", "global", "global", "user_agent=x"],
    );
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("Cannot update sorcery objects of type 'global'")
            && err.contains("global=astdb,ps_globals"),
        "{err}"
    );
    // Asterisk answers 400 to an update of a loaded transport that sets no bind, protocol
    // or TLS field (golden 25_put_update_static_transport): pjsipctl says so without sending it.
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &replay.url()),
        &["push", "transport", "transport-udp", "tos=0"],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("cannot update a loaded transport"), "{err}");
    assert!(!replay
        .replayed()
        .iter()
        .any(|c| c.starts_with("25_put_update_static_transport")));
    // Wrong password and no user (golden 41).
    let (code, _, err) = run_cmd(
        {
            let mut c = env.cmd();
            c.env("PJSIPCTL_PASSWORD", "wrong")
                .args(["--ari", &replay.url(), "--user", USER]);
            c
        },
        &["show", "aor", "alice"],
    );
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("refused the credentials of user 'asterisk' (401 Authentication required)"),
        "{err}"
    );
    let (code, _, err) = run_cmd(
        {
            let mut c = env.cmd();
            c.args(["--ari", &replay.url()]);
            c
        },
        &["show", "aor", "alice"],
    );
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("--user NAME"), "{err}");
    assert_eq!(replay.violations(), Vec::<String>::new());
}

#[test]
fn ping_reports_version_and_credentials() {
    let replay = Replay::start();
    let env = Env::new();
    let (code, out, err) = run_cmd(ari_cmd(&env, &replay.url()), &["ping"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("asterisk:    23.4.1 (entity 02:42:ac:11:00:02)")
            && out.contains("ping:        pong in"),
        "{out}"
    );
    assert!(
        out.contains("credentials: accepted (user asterisk)"),
        "{out}"
    );
    let (code, out, _) = run_cmd(ari_cmd(&env, &replay.url()), &["ping", "-o", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "23.4.1");
    let mut c = env.cmd();
    c.env("PJSIPCTL_PASSWORD", "wrong")
        .args(["--ari", &replay.url(), "--user", USER]);
    let (code, _, err) = run_cmd(c, &["ping"]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("reachable, but it refuses the credentials"),
        "{err}"
    );
    let (code, _, err) = env.run(&["ping"]);
    assert_eq!(code, 2, "{err}");
}
