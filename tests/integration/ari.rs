//! Issue 4: the same commands over ARI. One scenario suite (the walkthrough, merges,
//! list attributes, every error class) runs three ways — on the embedded engine, via
//! `--ari` against `pjsipctl serve`, and via `--ari` against a replay of the recorded
//! real-Asterisk exchanges — and must give the same exit codes, stdout and stderr.
//! Then fault tests (refused, cut, slow, 500, TLS, retries) and `serve`'s conformance
//! with the recordings, request by request.

mod faults;
mod fresh;
mod jobs;
mod policy;
mod provisioning;
mod replay;
mod sequence;
mod stub;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{golden, golden_fields, Env};
use replay::{Replay, PASSWORD, USER};
use stub::{raw, Act, Stub};

// ---------------------------------------------------------------------------------------------
// Running pjsipctl against a target

/// Where a mode's commands go.
enum Target {
    Embedded,
    Ari(String),
}

struct Mode {
    name: &'static str,
    env: Env,
    target: Target,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Mode {
    fn new(name: &'static str, target: Target) -> Mode {
        let env = Env::new();
        // As serve's: an astdb file from the start (else the first push announces a new one).
        if matches!(target, Target::Embedded) {
            env.init_db();
        }
        Mode { name, env, target }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut c = self.env.cmd();
        if let Target::Ari(url) = &self.target {
            c.env("PJSIPCTL_PASSWORD", PASSWORD)
                .args(["--ari", url, "--user", USER]);
        }
        let out = c.args(args).output().unwrap();
        let norm = |b: &[u8]| self.normalize(&String::from_utf8_lossy(b));
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: norm(&out.stdout),
            stderr: norm(&out.stderr),
        }
    }

    /// The target's description becomes `<target>`, so messages compare across modes.
    fn normalize(&self, s: &str) -> String {
        match &self.target {
            Target::Embedded => {
                s.replace(&format!("astdb {}", self.env.db().display()), "<target>")
            }
            Target::Ari(url) => s.replace(&format!("ARI {url}"), "<target>"),
        }
    }
}

fn ari_cmd(env: &Env, url: &str) -> assert_cmd::Command {
    let mut c = env.cmd();
    c.env("PJSIPCTL_PASSWORD", PASSWORD)
        .args(["--ari", url, "--user", USER]);
    c
}

fn run_cmd(mut c: assert_cmd::Command, args: &[&str]) -> (i32, String, String) {
    let out = c.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `pjsipctl serve` on a free loopback port, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    /// The server's astdb directory.
    env: Env,
    log: PathBuf,
}

impl Serve {
    fn start() -> Serve {
        Serve::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Serve {
        let env = Env::new();
        let log = env.dir.path().join("serve.log");
        let child = serve_command(&env)
            .args(["serve", "--listen", "127.0.0.1:0", "--user", USER])
            .args(extra)
            .env("PJSIPCTL_PASSWORD", PASSWORD)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut s = Serve {
            child,
            port: 0,
            env,
            log,
        };
        let t0 = Instant::now();
        while s.port == 0 {
            let text = std::fs::read_to_string(&s.log).unwrap_or_default();
            if let Some(rest) = text.split("listening on http://127.0.0.1:").nth(1) {
                s.port = rest.split('/').next().unwrap().parse().unwrap();
            } else if let Ok(Some(status)) = s.child.try_wait() {
                panic!("serve exited with {status}: {text}");
            } else if t0.elapsed() > Duration::from_secs(30) {
                panic!("serve did not start: {text}");
            } else {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        s
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/ari", self.port)
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real binary with the same fixed environment as `Env::cmd`.
fn serve_command(env: &Env) -> Command {
    env.std_cmd()
}

// ---------------------------------------------------------------------------------------------
// The scenario

/// How a step's stderr must compare across modes.
#[derive(Clone)]
enum Stderr {
    Same,
    /// The targets word it differently (e.g. a read-only type); each must say these.
    Contains(Vec<&'static str>),
}

#[derive(Clone)]
struct Step {
    args: Vec<String>,
    exit: i32,
    /// Exit over ARI when it differs by design.
    ari_exit: Option<i32>,
    stderr: Stderr,
    /// Real Asterisk reads an unset callerid back as `unknown` where pjsipctl keeps
    /// `<unknown>` (the one deliberate difference, CONVERSION.md item 4): on the replay,
    /// stdout compares modulo that value and stderr without the warning about it.
    callerid: bool,
    /// stdout must be this recorded response body (JSON), on every target.
    golden: Option<&'static str>,
}

fn step(args: &[&str], exit: i32) -> Step {
    Step {
        args: args.iter().map(|s| s.to_string()).collect(),
        exit,
        ari_exit: None,
        stderr: Stderr::Same,
        callerid: false,
        golden: None,
    }
}

/// A push with the fields of a recorded PUT.
fn push(ty: &str, id: &str, case: &str, exit: i32) -> Step {
    let mut args = vec!["push".to_string(), ty.to_string(), id.to_string()];
    args.extend(golden_fields(&golden(case)));
    Step {
        args,
        ..step(&[], exit)
    }
}

impl Step {
    fn stderr(mut self, has: &[&'static str]) -> Step {
        self.stderr = Stderr::Contains(has.to_vec());
        self
    }
    fn ari_exit(mut self, code: i32) -> Step {
        self.ari_exit = Some(code);
        self
    }
    fn callerid(mut self) -> Step {
        self.callerid = true;
        self
    }
    fn golden(mut self, case: &'static str) -> Step {
        self.golden = Some(case);
        self
    }
    fn arg(mut self, a: &str) -> Step {
        self.args.push(a.to_string());
        self
    }
}

const LONG300: &str = "x";
const LONG1000: &str = "y";

fn scenario() -> Vec<Step> {
    let long300 = LONG300.repeat(300);
    let long1000 = LONG1000.repeat(1000);
    let mut s = vec![
        // The documented walkthrough (golden 01-09).
        push("auth", "alice", "01_put_auth_alice", 0),
        push("aor", "alice", "02_put_aor_alice", 0),
        push("endpoint", "alice", "03_put_endpoint_alice", 0),
        step(&["show", "auth", "alice", "-o", "json"], 0).golden("04_get_auth_alice"),
        step(&["show", "aor", "alice", "-o", "json"], 0).golden("05_get_aor_alice"),
        step(&["show", "endpoint", "alice", "-o", "json"], 0).callerid(),
        step(&["show", "auth", "alice"], 0),
        step(&["show", "aor", "alice"], 0),
        step(&["show", "endpoint", "alice"], 0).callerid(),
        step(&["show", "aor", "alice", "--changed", "-o", "conf"], 0),
        step(&["list", "endpoints"], 0).callerid(),
        step(&["delete", "endpoint", "alice", "--yes"], 0),
        step(&["delete", "aor", "alice", "--yes"], 0),
        step(&["delete", "auth", "alice", "--yes"], 0),
        step(&["show", "endpoint", "alice"], 3),
        step(&["delete", "endpoint", "alice", "--yes"], 3),
        // Merge semantics (golden 38_merge_*).
        push("aor", "merge-test", "38_merge_put_create", 0),
        step(&["show", "aor", "merge-test", "-o", "json"], 0).golden("38_merge_get_before"),
        push("aor", "merge-test", "38_merge_put_partial", 0)
            .arg("-o")
            .arg("json"),
        step(&["show", "aor", "merge-test", "-o", "json"], 0).golden("38_merge_get_after"),
        push("aor", "merge-test", "38_merge_put_empty_value", 0),
        push(
            "aor",
            "merge-test",
            "38_merge_put_clear_maxcontacts_empty",
            4,
        ),
        step(&["show", "aor", "merge-test", "-o", "json"], 0).golden("38_merge_get_final"),
        // Cumulative attributes (golden 38_list_*).
        push("endpoint", "list-test", "38_list_put_create", 0),
        push("endpoint", "list-test", "38_list_put_update_allow", 0).callerid(),
        push(
            "endpoint",
            "list-test",
            "38_list_put_update_disallow_allow",
            0,
        )
        .callerid(),
        push("endpoint", "list-test", "38_list_put_update_aors", 0).callerid(),
        push("endpoint", "list-test", "38_list_put_dup_attr", 0).callerid(),
        push("endpoint", "list-test", "38_list_put_set_var", 0)
            .arg("-o")
            .arg("json")
            .callerid(),
        push("endpoint", "list-test", "38_list_put_set_var_again", 0).callerid(),
        step(&["show", "endpoint", "list-test", "-o", "json"], 0)
            .golden("38_list_get_final")
            .callerid(),
        // Idempotent PUT, the type attribute, values (golden 34, 38_idem, 39, 43).
        push("auth", "idem", "38_idem_put_1", 0),
        push("auth", "idem", "38_idem_put_2", 0),
        push("endpoint", "type-test", "39_put_type_endpoint", 0),
        push("endpoint", "type-test2", "39_put_type_wrong", 0),
        push("endpoint", "bad-allow", "34_put_allow_bang_all", 0),
        push("endpoint", "bad-bool", "34_put_force_rport_maybe", 0)
            .stderr(&["force_rport=maybe", "false"]),
        push("endpoint", "empty-bool", "34_put_ice_support_empty", 0),
        push("endpoint", "dangling-aor", "34_put_aors_nonexistent", 0),
        push("endpoint", "unicode-val", "43_put_unicode_value", 0)
            .arg("-o")
            .arg("json"),
        // Refused before anything is sent: invalid values, unknown attributes, required fields.
        push("aor", "bad-maxc", "34_put_max_contacts_abc", 4),
        push("aor", "neg-maxc", "34_put_max_contacts_negative", 4),
        push("endpoint", "bad-dtmf", "34_put_dtmf_mode_bogus", 4),
        push("endpoint", "bad-100rel", "34_put_100rel_bogus", 4),
        push("endpoint", "bad-timers", "34_put_timers_bogus", 4),
        push("endpoint", "bad-codec", "34_put_allow_unknown_codec", 4),
        push("auth", "bad-authtype", "34_put_auth_type_bogus", 4),
        push("aor", "unk-attr", "33_put_unknown_attribute_create", 4),
        push("aor", "upd-target", "33_put_seed_aor_for_update", 0),
        push("aor", "upd-target", "33_put_unknown_attribute_update", 4),
        push("aor", "upd-target", "37_put_empty_fields_existing", 0),
        push("aor", "upd-target", "37_put_attribute_case", 0),
        push("auth", "min-auth-nopw", "21_put_auth_username_only", 4),
        // Each type's defaults and minimum (golden 20, 21).
        push("aor", "defaults-aor", "20_put_empty_aor", 0)
            .arg("-o")
            .arg("json"),
        push(
            "asterisk-publication",
            "defaults-asterisk-publication",
            "20_put_empty_asterisk-publication",
            0,
        ),
        push(
            "subscription_persistence",
            "defaults-subscription_persistence",
            "20_put_empty_subscription_persistence",
            0,
        ),
        push("auth", "defaults-auth", "20_put_empty_auth", 4),
        push("contact", "defaults-contact", "20_put_empty_contact", 4),
        push(
            "domain_alias",
            "defaults-domain_alias",
            "20_put_empty_domain_alias",
            4,
        ),
        push("identify", "defaults-identify", "20_put_empty_identify", 4),
        push(
            "registration",
            "defaults-registration",
            "20_put_empty_registration",
            4,
        ),
        push(
            "outbound-publish",
            "defaults-outbound-publish",
            "20_put_empty_outbound-publish",
            4,
        ),
        push(
            "resource_list",
            "defaults-resource_list",
            "20_put_empty_resource_list",
            4,
        ),
        push("endpoint", "defaults-endpoint", "20_put_empty_endpoint", 4),
        push("acl", "defaults-acl", "20_put_empty_acl", 6),
        push(
            "inbound-publication",
            "defaults-inbound-publication",
            "20_put_empty_inbound-publication",
            6,
        ),
        push("acl", "min-acl", "21_put_acl_with_permit", 6),
        push("auth", "min-auth", "21_put_minimum_auth", 0),
        push("contact", "min-contact", "21_put_minimum_contact", 0),
        push(
            "domain_alias",
            "min-domain_alias",
            "21_put_minimum_domain_alias",
            0,
        ),
        push(
            "endpoint",
            "min-endpoint",
            "21_put_minimum_endpoint_with_allow",
            0,
        ),
        push("identify", "min-identify", "21_put_minimum_identify", 0),
        push(
            "outbound-publish",
            "min-outbound-publish",
            "21_put_minimum_outbound-publish",
            0,
        ),
        push(
            "registration",
            "min-registration",
            "21_put_minimum_registration",
            0,
        ),
        push(
            "resource_list",
            "min-resource_list",
            "21_put_minimum_resource_list",
            0,
        ),
        step(
            &["show", "registration", "min-registration", "-o", "json"],
            0,
        ),
        // Read-only types: refused with the sorcery.conf line to add (golden 20, 25).
        push("global", "defaults-global", "20_put_empty_global", 6)
            .stderr(&["global", "[res_pjsip]\n  hint: global=astdb,ps_globals"]),
        push("system", "defaults-system", "20_put_empty_system", 6)
            .stderr(&["system=astdb,ps_systems"]),
        push(
            "transport",
            "new-transport",
            "25_put_create_transport_new",
            6,
        )
        .stderr(&["transport=astdb,ps_transports"]),
        // Unknown types never leave pjsipctl.
        step(&["show", "bogus_type", "x"], 2),
        // Missing objects.
        step(&["show", "endpoint", "does-not-exist"], 3),
        step(&["delete", "endpoint", "does-not-exist", "--yes"], 3),
        // Double delete (golden 42).
        step(&["delete", "aor", "merge-test", "--yes"], 0),
        step(&["delete", "aor", "merge-test", "--yes"], 3),
    ];
    // Ids that need encoding (golden 40).
    for (id, case) in [
        ("alice bob", "40_special_id_space_put"),
        ("a/b", "40_special_id_slash_encoded_put"),
        ("a+b", "40_special_id_plus_put"),
        ("100%", "40_special_id_percent_put"),
        ("q?x#y", "40_special_id_question_hash_put"),
        ("aor1;@deadbeef", "40_special_id_semicolon_at_put"),
        ("Ålice-测试-☎", "40_special_id_unicode_put"),
        (long300.as_str(), "40_special_id_long300_put"),
        (long1000.as_str(), "40_special_id_long1000_put"),
    ] {
        s.push(push("aor", id, case, 0));
        s.push(step(&["show", "aor", id, "-o", "json"], 0));
    }
    // '.' and '..' are fine in astdb but no HTTP client can address them.
    for id in [".", ".."] {
        s.push(
            step(&["push", "aor", id, "max_contacts=1"], 0)
                .ari_exit(2)
                .stderr(&[]),
        );
    }
    s.push(step(&["list", "endpoints"], 0).callerid());
    s
}

/// Words of a table or JSON text, with Asterisk's read-back callerid.
fn tokens(s: &str) -> Vec<String> {
    s.replace("<unknown>", "unknown")
        .split(|c: char| c.is_whitespace() || "+-=|".contains(c))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn three_way_scenario_gives_identical_results() {
    let serve = Serve::start();
    let replay = Replay::start();
    let modes = [
        Mode::new("embedded", Target::Embedded),
        Mode::new("serve", Target::Ari(serve.url())),
        Mode::new("asterisk-replay", Target::Ari(replay.url())),
    ];
    let mut problems = Vec::new();
    let steps = scenario();
    for st in &steps {
        let mut args: Vec<&str> = st.args.iter().map(String::as_str).collect();
        // Over ARI an endpoint without callerid is a loss pjsipctl refuses (tested in
        // policy::); the scenario compares what the three targets store once it is accepted.
        if args.first() == Some(&"push") {
            args.push("--accept-loss");
        }
        let shown = format!(
            "pjsipctl {}",
            args.join(" ").chars().take(100).collect::<String>()
        );
        let runs: Vec<Run> = modes.iter().map(|m| m.run(&args)).collect();
        for (m, r) in modes.iter().zip(&runs) {
            let want = if matches!(m.target, Target::Ari(_)) {
                st.ari_exit.unwrap_or(st.exit)
            } else {
                st.exit
            };
            if r.code != want {
                problems.push(format!(
                    "{shown} [{}]: exit {} (expected {want}): {}",
                    m.name, r.code, r.stderr
                ));
            }
            if let Stderr::Contains(has) = &st.stderr {
                for h in has {
                    if !r.stderr.contains(h) {
                        problems.push(format!(
                            "{shown} [{}]: stderr lacks {h:?}: {}",
                            m.name, r.stderr
                        ));
                    }
                }
            }
            if let Some(case) = st.golden {
                let got: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
                let want = golden(case)["response_body"].clone();
                let same = if st.callerid {
                    without_unset_callerid(&got) == without_unset_callerid(&want)
                } else {
                    got == want
                };
                if !same {
                    problems.push(format!(
                        "{shown} [{}]: stdout differs from golden {case}:\n{}",
                        m.name, r.stdout
                    ));
                }
            }
        }
        let base = &runs[0];
        for (m, r) in modes.iter().zip(&runs).skip(1) {
            if st.ari_exit.is_some() {
                continue; // differs by design; exits and messages checked above
            }
            let same_out = if st.callerid && m.name == "asterisk-replay" {
                tokens(&base.stdout) == tokens(&r.stdout)
            } else {
                base.stdout == r.stdout
            };
            if !same_out {
                problems.push(format!(
                    "{shown}: stdout differs, embedded vs {}:\n{}\n---\n{}",
                    m.name, base.stdout, r.stdout
                ));
            }
            // Against real Asterisk an endpoint it created holds callerid "unknown", and
            // pjsipctl says so on every update.
            let theirs = if st.callerid && m.name == "asterisk-replay" {
                r.stderr
                    .lines()
                    .filter(|l| !l.contains("is read back by Asterisk as the number 'unknown'"))
                    .map(|l| format!("{l}\n"))
                    .collect()
            } else {
                r.stderr.clone()
            };
            // Only over ARI is a missing callerid a loss (accepted above).
            let theirs: String = theirs
                .lines()
                .filter(|l| !l.contains("has no callerid: over ARI Asterisk stores"))
                .map(|l| format!("{l}\n"))
                .collect();
            if matches!(st.stderr, Stderr::Same) && base.stderr != theirs {
                problems.push(format!(
                    "{shown}: stderr differs, embedded vs {}:\n{}---\n{}",
                    m.name, base.stderr, r.stderr
                ));
            }
        }
    }
    // serve stored exactly the rows the embedded engine stored (less the ids HTTP cannot carry).
    let embedded_rows: Vec<(String, String)> = modes[0]
        .env
        .rows()
        .into_iter()
        .filter(|(k, _)| !k.ends_with("/.") && !k.ends_with("/.."))
        .collect();
    if embedded_rows != serve.env.rows() {
        problems.push(format!(
            "astdb rows differ, embedded vs serve:\n{embedded_rows:?}\n---\n{:?}",
            serve.env.rows()
        ));
    }
    // The replay proves what reached "Asterisk": only recorded requests, encoded as it decodes them.
    problems.extend(
        replay
            .violations()
            .into_iter()
            .map(|v| format!("replay: {v}")),
    );
    let replayed = replay.replayed();
    for case in [
        "01_put_auth_alice",
        "03_put_endpoint_alice",
        "38_list_put_set_var",
        "40_special_id_unicode_put",
        "25_put_create_transport_new",
    ] {
        if !replayed.iter().any(|c| c == case) {
            problems.push(format!(
                "replay: recorded exchange {case} was never replayed"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) over {} steps:\n\n{}",
        problems.len(),
        steps.len(),
        problems.join("\n\n")
    );
}

/// The replay's model of Asterisk's GET (the astdb round trip) is itself the recordings'.
#[test]
fn replay_round_trip_matches_recorded_gets() {
    for (put, get) in [
        ("01_put_auth_alice", "04_get_auth_alice"),
        ("02_put_aor_alice", "05_get_aor_alice"),
        ("03_put_endpoint_alice", "06_get_endpoint_alice"),
        ("21_put_minimum_endpoint_with_allow", "21_get_endpoint_min"),
        ("34_put_allow_bang_all", "34_get_allow_bang_all"),
        ("39_put_type_wrong", "39_put_type_wrong_get"),
        ("38_list_put_set_var_again", "38_list_get_final"),
        ("38_merge_put_empty_value", "38_merge_get_final"),
    ] {
        let ty = golden(put)["path"]
            .as_str()
            .unwrap()
            .split('/')
            .nth(6)
            .unwrap()
            .to_string();
        let body = golden(put)["response_body"].as_array().unwrap().clone();
        assert_eq!(
            Value::Array(replay::round_trip(&ty, &body)),
            golden(get)["response_body"],
            "{put} -> {get}"
        );
    }
    assert!(
        replay::canonical_segment("a%2Fb%20c")
            && !replay::canonical_segment("a%2fb")
            && !replay::canonical_segment("a%41")
    );
    assert!(!replay::canonical_segment("a b") && !replay::canonical_segment("a+b"));
}

// ---------------------------------------------------------------------------------------------
// Against the recordings only

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

// ---------------------------------------------------------------------------------------------
// Faults

fn stub_cmd(env: &Env, url: &str, args: &[&str]) -> (i32, String, String, Duration) {
    let t0 = Instant::now();
    let (c, o, e) = run_cmd(ari_cmd(env, url), args);
    (c, o, e, t0.elapsed())
}

const NOT_FOUND: &str = r#"{"message":"Object with id 'x' not found"}"#;

#[test]
fn connection_refused_is_one_clear_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(
        &env,
        &format!("http://127.0.0.1:{port}/ari"),
        &["show", "aor", "x"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains(&format!(
            "cannot reach ARI http://127.0.0.1:{port}/ari (GET aor x): connection refused"
        )),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    // With --api-key the password is in the URL: it must not reach the message.
    let (code, _, err, _) = stub_cmd(
        &env,
        &format!("http://127.0.0.1:{port}/ari"),
        &["--api-key", "show", "aor", "x"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(!err.contains(PASSWORD), "{err}");
}

#[test]
fn cacert_must_be_a_pem_certificate() {
    let env = Env::new();
    let bad = env.dir.path().join("ca.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let (code, _, err, _) = stub_cmd(
        &env,
        "https://127.0.0.1:1/ari",
        &["--cacert", bad.to_str().unwrap(), "show", "aor", "x"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no PEM certificate"), "{err}");
}

#[test]
fn server_closing_mid_response_is_retried_once_then_reported() {
    let stub = Stub::start(|_| Act::CloseMidResponse);
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["--api-key", "show", "aor", "x"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("closed the connection before answering GET aor x (tried twice)"),
        "{err}"
    );
    assert!(!err.contains(PASSWORD), "{err}");
    assert_eq!(stub.requests().len(), 2);
}

#[test]
fn slow_server_times_out() {
    // The server answers after 60 s; the client gives up after its --timeout of 2 s. Only the
    // order is asserted (waited the timeout, returned long before the answer), not a race.
    let stub =
        Stub::start(|_| Act::Sleep(Duration::from_secs(60), Box::new(Act::json(404, NOT_FOUND))));
    let env = Env::new();
    let (code, _, err, took) = stub_cmd(&env, &stub.url(), &["--timeout", "2", "show", "aor", "x"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("did not answer GET aor x within 2 s"), "{err}");
    assert!(took >= Duration::from_secs(2), "took {took:?}");
    assert!(
        took < Duration::from_secs(50),
        "took {took:?}: it waited for the answer"
    );
}

#[test]
fn server_errors_are_explained() {
    // 500 Allocation failed on an endpoint update (golden 20_put_empty_acl's body).
    let alloc = serde_json::to_string(&golden("20_put_empty_acl")["response_body"]).unwrap();
    let stub = Stub::start(move |r| {
        if r.method == "GET" {
            Act::json(404, NOT_FOUND)
        } else {
            Act::json(500, &alloc)
        }
    });
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(
        &env,
        &stub.url(),
        &["push", "endpoint", "x", "allow=ulaw", "--accept-loss"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("500 Allocation failed") && err.contains("no codec"),
        "{err}"
    );

    // Any other 500.
    let stub = Stub::start(|_| Act::json(500, r#"{"message":"Internal Server Error"}"#));
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["show", "aor", "x"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("answered GET aor x with 500 Internal Server Error"),
        "{err}"
    );

    // A 200 that is not Asterisk's JSON.
    let stub = Stub::start(|_| Act::Reply {
        status: 200,
        headers: vec![],
        body: b"<html>it works</html>".to_vec(),
    });
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["show", "aor", "x"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("answered GET aor x with 200 but not with Asterisk's attribute/value list"),
        "{err}"
    );
    assert!(err.contains("<html>it works</html>"), "{err}");

    // The type's module is not loaded (golden 31's answer).
    let body = serde_json::to_string(
        &serde_json::json!({"message": "objectType 'registration' not found"}),
    )
    .unwrap();
    let stub = Stub::start(move |_| Act::json(404, &body));
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["show", "registration", "r"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("module load res_pjsip_outbound_registration"),
        "{err}"
    );

    // A 400 pjsipctl did not predict: named, with what to check.
    let stub = Stub::start(|r| {
        if r.method == "GET" {
            Act::json(404, NOT_FOUND)
        } else {
            Act::json(
                400,
                r#"{"message":"Creation of object 'x' failed field value validation"}"#,
            )
        }
    });
    let (code, _, err, _) = stub_cmd(
        &env,
        &stub.url(),
        &["push", "aor", "x", "max_contacts=1", "qualify_frequency=30"],
    );
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("although pjsipctl's validator")
            && err.contains("max_contacts, qualify_frequency"),
        "{err}"
    );
}

#[test]
fn tls_failure_is_one_clear_line() {
    // A plain-HTTP server that answers at once, whatever arrives (here a TLS ClientHello).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut c in listener.incoming().flatten() {
            let _ = std::io::Write::write_all(
                &mut c,
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
            );
        }
    });
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(
        &env,
        &format!("https://127.0.0.1:{port}/ari"),
        &["show", "aor", "x"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains(&format!(
            "TLS with https://127.0.0.1:{port}/ari failed (GET aor x)"
        )),
        "{err}"
    );
    assert!(err.contains("--cacert"), "{err}");
}

#[test]
fn lost_answers_are_retried_only_where_safe() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // A PUT whose answer is lost is sent again, identical.
    let puts = AtomicUsize::new(0);
    let answer = serde_json::to_string(&golden("02_put_aor_alice")["response_body"]).unwrap();
    let stub = Stub::start(move |r| match r.method.as_str() {
        "GET" => Act::json(404, NOT_FOUND),
        _ if puts.fetch_add(1, Ordering::SeqCst) == 0 => Act::Close,
        _ => Act::json(200, &answer),
    });
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(
        &env,
        &stub.url(),
        &["push", "aor", "alice", "max_contacts=1"],
    );
    assert_eq!(code, 0, "{err}");
    let reqs = stub.requests();
    let methods: Vec<&str> = reqs.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "PUT", "PUT"]);
    assert_eq!(reqs[1].body, reqs[2].body);
    assert_eq!(
        (reqs[0].conn, reqs[1].conn),
        (0, 0),
        "the GET's connection is kept alive for the PUT"
    );

    // A DELETE whose answer is lost: the retry's 404 means the first one worked.
    let deletes = AtomicUsize::new(0);
    let stub = Stub::start(move |_| {
        if deletes.fetch_add(1, Ordering::SeqCst) == 0 {
            Act::Close
        } else {
            Act::json(404, r#"{"message":"Object with id 'alice' not found"}"#)
        }
    });
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["delete", "aor", "alice", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("deleted aor alice"), "{err}");
    assert_eq!(stub.requests().len(), 2);
}

#[test]
fn requests_are_what_asterisk_needs() {
    let stub = Stub::start(|r| {
        if r.method == "GET" {
            Act::json(404, NOT_FOUND)
        } else {
            Act::json(
                200,
                &serde_json::to_string(&golden("40_special_id_unicode_put")["response_body"])
                    .unwrap(),
            )
        }
    });
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(
        &env,
        &stub.url(),
        &[
            "push",
            "aor",
            "Ålice-测试-☎",
            "max_contacts=1",
            "mailboxes=1@x,2@y",
            "-f",
            "contact=sip:a@b;x=1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let put = stub
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.target, golden("40_special_id_unicode_put")["path"]);
    assert_eq!(put.header("content-type"), Some("application/json"));
    let auth = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            "asterisk:secret"
        )
    );
    assert_eq!(put.header("authorization"), Some(auth.as_str()));
    let body: Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"fields": [
            {"attribute": "max_contacts", "value": "1"},
            {"attribute": "mailboxes", "value": "1@x,2@y"},
            {"attribute": "contact", "value": "sip:a@b;x=1"},
        ]})
    );
    // The answer differs from the prediction (the recorded object has no contact): said plainly.
    assert!(
        err.contains("Asterisk answered contact= where pjsipctl expected sip:a@b;x=1"),
        "{err}"
    );
    // An over-long request is refused before it is sent (Asterisk reads 40960 bytes at most).
    let before = stub.requests().len();
    let big = format!("mailboxes={}", "m".repeat(41_000));
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["push", "aor", "big", &big]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("at most 40960 bytes"), "{err}");
    assert_eq!(stub.requests().len(), before + 1, "only the GET went out");
}

// ---------------------------------------------------------------------------------------------
// Targets in config.toml

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

// ---------------------------------------------------------------------------------------------
// `serve` itself

#[test]
fn serve_needs_credentials() {
    let env = Env::new();
    let (code, _, err) = env.run(&["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("refuses to start without a credential"),
        "{err}"
    );
    let (code, _, err) = env.run(&["--user", "a", "serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = env.run(&["--ari", "http://127.0.0.1:1/ari", "serve"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn serve_reload_and_ping() {
    let serve = Serve::start();
    let env = Env::new();
    let (code, out, err) = run_cmd(ari_cmd(&env, &serve.url()), &["ping"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("(Asterisk 23.4.1 rules)") && out.contains("pong"),
        "{out}"
    );
    assert!(!err.contains("warning"), "{err}");
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &serve.url()),
        &["reload", "res_pjsip_outbound_registration"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("reloaded res_pjsip_outbound_registration"),
        "{err}"
    );
    let (code, _, err) = run_cmd(ari_cmd(&env, &serve.url()), &["reload", "chan_bogus"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("Module not found in running modules"), "{err}");
    let (code, _, _) = env.run(&["reload", "res_pjsip"]);
    assert_eq!(code, 2);
}

/// Credentials for a recorded request.
fn recorded_auth(g: &Value) -> Vec<(&'static str, String)> {
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    match (g["case"].as_str().unwrap(), g["auth_user"].as_str()) {
        ("41_wrong_password", _) => {
            vec![("Authorization", format!("Basic {}", b64("asterisk:wrong")))]
        }
        (_, Some(u)) => vec![(
            "Authorization",
            format!("Basic {}", b64(&format!("{u}:{PASSWORD}"))),
        )],
        (_, None) => vec![],
    }
}

/// Send a recorded request to `serve` exactly as it was sent to Asterisk.
fn send_recorded(port: u16, g: &Value) -> Option<stub::Raw> {
    let mut headers = recorded_auth(g);
    if let Some(ct) = g["request_content_type"].as_str() {
        headers.push(("Content-Type", ct.to_string()));
    }
    let body: Option<Vec<u8>> = match (&g["request_body"], g["request_body_raw"].as_str()) {
        (_, Some(raw)) => Some(raw.as_bytes().to_vec()),
        (Value::Null, None) => None,
        (b, None) => Some(serde_json::to_vec(b).unwrap()),
    };
    raw(
        port,
        g["method"].as_str().unwrap(),
        g["path"].as_str().unwrap(),
        &headers,
        body.as_deref(),
    )
}

/// Recorded exchanges in recording order (state-dependent ones after what they depend on).
const CONFORMANCE: &[&str] = &[
    "01_put_auth_alice",
    "02_put_aor_alice",
    "03_put_endpoint_alice",
    "04_get_auth_alice",
    "05_get_aor_alice",
    "06_get_endpoint_alice",
    "08_delete_endpoint_alice",
    "08_delete_aor_alice",
    "08_delete_auth_alice",
    "08_get_endpoint_alice_after_delete",
    "20_put_empty_acl",
    "20_put_empty_aor",
    "20_put_empty_asterisk-publication",
    "20_put_empty_auth",
    "20_put_empty_contact",
    "20_put_empty_domain_alias",
    "20_put_empty_endpoint",
    "20_put_empty_global",
    "20_put_empty_identify",
    "20_put_empty_inbound-publication",
    "20_put_empty_nat_hook",
    "20_put_empty_outbound-publish",
    "20_put_empty_registration",
    "20_put_empty_resource_list",
    "20_put_empty_subscription_persistence",
    "20_put_empty_system",
    "20_put_empty_transport",
    "21_get_acl_created_empty",
    "21_get_endpoint_created_empty",
    "21_get_inbound-publication_created_empty",
    "21_put_acl_with_permit",
    "21_put_auth_username_only",
    "21_put_minimum_auth",
    "21_put_minimum_contact",
    "21_put_minimum_domain_alias",
    "21_put_minimum_endpoint_with_allow",
    "21_get_endpoint_min",
    "21_put_minimum_identify",
    "21_put_minimum_inbound-publication",
    "21_put_minimum_outbound-publish",
    "21_put_minimum_registration",
    "21_put_minimum_resource_list",
    "22_get_static_global_global",
    "22_get_static_system_system",
    "22_get_static_transport_transport-udp",
    "23_put_empty_asterisk_bucket",
    "23_put_empty_bucket_bucket",
    "25_delete_static_transport",
    "25_put_create_system",
    "25_put_create_transport_new",
    "25_put_update_static_global",
    "25_put_update_static_transport",
    "30_unknown_configclass_delete",
    "30_unknown_configclass_get",
    "30_unknown_configclass_put",
    "31_unknown_objecttype_delete",
    "31_unknown_objecttype_get",
    "31_unknown_objecttype_put",
    "32_delete_nonexistent",
    "32_get_nonexistent",
    "33_put_seed_aor_for_update",
    "33_put_unknown_attribute_create",
    "33_get_after_unknown_attribute_create",
    "33_put_unknown_attribute_update",
    "34_put_100rel_bogus",
    "34_put_allow_bang_all",
    "34_get_allow_bang_all",
    "34_put_allow_unknown_codec",
    "34_put_aors_nonexistent",
    "34_put_auth_type_bogus",
    "34_put_dtmf_mode_bogus",
    "34_put_force_rport_maybe",
    "34_put_ice_support_empty",
    "34_put_max_contacts_abc",
    "34_put_max_contacts_negative",
    "34_put_timers_bogus",
    "36_put_json_no_content_type",
    "36_put_json_text_plain",
    "36_put_no_body_existing",
    "36_put_no_body_new",
    "36_put_non_json_existing",
    "36_put_non_json_new",
    "37_put_empty_fields_existing",
    "37_put_fields_not_list_existing",
    "37_put_empty_object_existing",
    "37_put_body_is_array",
    "37_put_empty_object_new",
    "37_put_attribute_case",
    "38_idem_put_1",
    "38_idem_put_2",
    "38_merge_put_create",
    "38_merge_get_before",
    "38_merge_put_partial",
    "38_merge_get_after",
    "38_merge_put_empty_value",
    "38_merge_put_clear_maxcontacts_empty",
    "38_merge_get_final",
    "38_list_put_create",
    "38_list_put_update_allow",
    "38_list_put_update_disallow_allow",
    "38_list_put_update_aors",
    "38_list_put_dup_attr",
    "38_list_put_set_var",
    "38_list_put_set_var_again",
    "38_list_get_final",
    "39_put_type_endpoint",
    "39_put_type_wrong",
    "39_put_type_wrong_get",
    "40_special_id_dot_put",
    "40_special_id_dot_get",
    "40_special_id_dot_encoded_put",
    "40_special_id_dotdot_put",
    "40_special_id_dotdot_get",
    "40_special_id_empty",
    "40_special_id_long300_put",
    "40_special_id_long300_get",
    "40_special_id_long1000_put",
    "40_special_id_long1000_get",
    "40_special_id_space_put",
    "40_special_id_space_get",
    "40_special_id_percent20_vs_plus",
    "40_special_id_percent_put",
    "40_special_id_percent_get",
    "40_special_id_plus_put",
    "40_special_id_plus_get",
    "40_special_id_plus_literal_get",
    "40_special_id_question_hash_put",
    "40_special_id_question_hash_get",
    "40_special_id_raw_slash_put",
    "40_special_id_semicolon_at_put",
    "40_special_id_semicolon_at_get",
    "40_special_id_slash_encoded_put",
    "40_special_id_slash_encoded_get",
    "40_special_id_unicode_put",
    "40_special_id_unicode_get",
    "41_api_key_query",
    "41_no_credentials",
    "41_unknown_user",
    "41_wrong_password",
    "42_delete_twice_1",
    "42_delete_twice_2",
    "42_get_collection",
    "42_post_method",
    "43_put_unicode_value",
];

/// Where an endpoint whose callerid was never set differs on purpose: Asterisk reads back
/// its own `<unknown>` as the number `unknown`, pjsipctl keeps it unset (CONVERSION.md item 4).
fn without_unset_callerid(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(a) = v.as_array_mut() {
        for x in a {
            if x["attribute"] == "callerid"
                && (x["value"] == "unknown" || x["value"] == "<unknown>")
            {
                x["value"] = "(unset)".into();
            }
        }
    }
    v
}

/// Where `serve` answers otherwise, and why. Only these may differ.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "20_put_empty_nat_hook",
    "nat_hook is internal to res_pjsip (no fields); pjsipctl does not know the type, so serve \
     answers 404 objectType where Asterisk answers 500",
)];

#[test]
fn serve_answers_every_recorded_request_like_asterisk() {
    // The configuration the recordings were made with: astdb mappings, the static pjsip.conf.
    let conf = crate::common::fixtures().join("conf");
    let sorcery = conf.join("sorcery.conf").display().to_string();
    let confdir = conf.display().to_string();
    let mut serve = Serve::start_with(&["--sorcery", &sorcery, "--confdir", &confdir]);
    let mut problems = Vec::new();
    for case in CONFORMANCE {
        if KNOWN_DIFFERENCES.iter().any(|(c, _)| c == case) {
            continue;
        }
        let g = golden(case);
        let Some(r) = send_recorded(serve.port, &g) else {
            problems.push(format!("{case}: no answer"));
            continue;
        };
        let want_status = g["status"].as_u64().unwrap() as u16;
        let want = g["response_body"].clone();
        let got = if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        };
        let same_body = without_unset_callerid(&got) == without_unset_callerid(&want);
        if r.status != want_status || !same_body {
            problems.push(format!(
                "{case}: {} {got} (Asterisk: {want_status} {want})",
                r.status
            ));
        }
        let want_ct = g["response_headers"]["Content-type"].as_str();
        if r.header("content-type") != want_ct {
            problems.push(format!(
                "{case}: content-type {:?} (Asterisk: {want_ct:?})",
                r.header("content-type")
            ));
        }
        if want_status == 401
            && r.header("www-authenticate") != g["response_headers"]["WWW-Authenticate"].as_str()
        {
            problems.push(format!(
                "{case}: WWW-Authenticate {:?}",
                r.header("www-authenticate")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} difference(s) from Asterisk:\n{}",
        problems.len(),
        problems.join("\n")
    );

    // Where Asterisk crashes (golden 70), serve answers 400 and keeps running.
    for case in [
        "70_value_number",
        "70_value_null",
        "70_value_missing",
        "70_attribute_missing",
        "70_value_bool",
        "70_field_entry_string",
    ] {
        let g = golden(case);
        let r = send_recorded(serve.port, &g).unwrap_or_else(|| panic!("{case}: no answer"));
        assert_eq!(r.status, 400, "{case}");
        assert!(
            r.json()["message"]
                .as_str()
                .unwrap()
                .contains("is not {\"attribute\": string, \"value\": string}"),
            "{case}"
        );
        assert!(serve.alive(), "{case}");
    }
    // Bodies over Asterisk's limit: 413.
    let auth = recorded_auth(&golden("01_put_auth_alice"));
    let mut headers = auth.clone();
    headers.push(("Content-Type", "application/json".into()));
    let big = format!(
        "{{\"fields\":[{{\"attribute\":\"mailboxes\",\"value\":\"{}\"}}]}}",
        "m".repeat(41_000)
    );
    let r = raw(
        serve.port,
        "PUT",
        "/ari/asterisk/config/dynamic/res_pjsip/aor/big",
        &headers,
        Some(big.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (
            413,
            serde_json::json!({"message": "Request body too large"})
        )
    );
    // The same without a Content-Length (chunked).
    let mut chunked = headers.clone();
    chunked.push(("Transfer-Encoding", "chunked".into()));
    let body = format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len());
    let r = raw(
        serve.port,
        "PUT",
        "/ari/asterisk/config/dynamic/res_pjsip/aor/big",
        &chunked,
        Some(body.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (
            413,
            serde_json::json!({"message": "Request body too large"})
        )
    );
    // The other resources a config tool needs.
    let r = raw(serve.port, "GET", "/ari/endpoints/PJSIP", &auth, None).unwrap();
    assert_eq!(r.status, 200);
    let ids: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].as_str().unwrap().to_string())
        .collect();
    // Also the endpoint pushed without codecs, which its GET cannot read (golden 90_44).
    assert!(
        ids.contains(&"list-test".to_string()) && ids.contains(&"defaults-endpoint".to_string()),
        "{ids:?}"
    );
    let r = raw(serve.port, "GET", "/ari/asterisk/ping", &auth, None).unwrap();
    assert_eq!(r.json()["ping"], "pong");
    let r = raw(serve.port, "GET", "/ari/asterisk/info", &auth, None).unwrap();
    assert!(r.json()["system"]["version"]
        .as_str()
        .unwrap()
        .contains("23.4.1"));
    let r = raw(serve.port, "GET", "/ari/channels", &auth, None).unwrap();
    assert_eq!(
        (r.status, r.json()),
        (404, serde_json::json!({"message": "Resource not found"}))
    );
    // The log names requests, never the query (it may hold an api_key).
    let log = std::fs::read_to_string(&serve.log).unwrap();
    assert!(
        log.contains("GET /ari/asterisk/config/dynamic/res_pjsip/aor/merge-test -> 200"),
        "{log}"
    );
    assert!(!log.contains("api_key"), "{log}");
    assert!(!log.contains(PASSWORD), "{log}");
}

#[test]
fn reload_answers_are_explained() {
    let stub = Stub::start(|r| match r.path() {
        "/ari/asterisk/modules/res_pjsip" => Act::json(
            409,
            r#"{"message":"Another reload is currently in progress"}"#,
        ),
        "/ari/asterisk/modules/res_pjsip_pubsub" => Act::Reply {
            status: 202,
            headers: vec![],
            body: vec![],
        },
        _ => Act::Close,
    });
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["reload", "res_pjsip"]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("cannot reload res_pjsip now (409 Another reload is currently in progress)"),
        "{err}"
    );
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["reload", "res_pjsip_pubsub"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("reload of res_pjsip_pubsub queued"), "{err}");
    // A reload whose answer is lost is not sent again.
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["reload", "res_pjsip_acl"]);
    assert_eq!(code, 5, "{err}");
    assert_eq!(
        stub.requests()
            .iter()
            .filter(|r| r.path().ends_with("res_pjsip_acl"))
            .count(),
        1
    );
    assert!(stub
        .requests()
        .iter()
        .all(|r| r.method == "PUT" && r.body.is_empty()));
}

#[test]
fn a_different_answer_is_reported_briefly() {
    // An "Asterisk" that answers an aor push with an endpoint: every attribute differs.
    let answer = serde_json::to_string(&golden("03_put_endpoint_alice")["response_body"]).unwrap();
    let stub = Stub::start(move |r| {
        if r.method == "GET" {
            Act::json(404, NOT_FOUND)
        } else {
            Act::json(200, &answer)
        }
    });
    let env = Env::new();
    let (code, _, err, _) = stub_cmd(&env, &stub.url(), &["push", "aor", "x", "max_contacts=1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.matches("warning: Asterisk answered").count(),
        5,
        "{err}"
    );
    assert!(
        err.contains("more attributes differ from pjsipctl's prediction"),
        "{err}"
    );
}
