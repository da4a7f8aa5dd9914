//! Issue 4: the same commands over ARI. One scenario suite (the walkthrough, merges,
//! list attributes, every error class) runs three ways — on the embedded engine, via
//! `--ari` against `pjsipctl serve`, and via `--ari` against a replay of the recorded
//! real-Asterisk exchanges — and must give the same exit codes, stdout and stderr.
//! Then fault tests (refused, cut, slow, 500, TLS, retries) and `serve`'s conformance
//! with the recordings, request by request.

mod faults;
mod fresh;
mod jobs;
mod plans;
mod policy;
mod provisioning;
mod recordings;
mod replay;
mod scenario;
mod sequence;
mod serve;
pub(crate) mod stub;
mod targets;
mod transport;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{run_cmd, Env};
use replay::{PASSWORD, USER};

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

fn stub_cmd(env: &Env, url: &str, args: &[&str]) -> (i32, String, String, Duration) {
    let t0 = Instant::now();
    let (c, o, e) = run_cmd(ari_cmd(env, url), args);
    (c, o, e, t0.elapsed())
}

const NOT_FOUND: &str = r#"{"message":"Object with id 'x' not found"}"#;

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
