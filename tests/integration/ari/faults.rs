//! Issue 7 over ARI: an apply that meets a fault midway says in one line which object failed
//! and how much was applied, and running it again against a healthy server finishes the job;
//! `serve` refuses malformed requests without writing; secrets stay out of messages and logs.

use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use anyhow::bail;

use super::stub::{self, raw, Act, Stub};
use super::{ari_cmd, run_cmd, Serve, PASSWORD, USER};
use crate::common::Env;

/// What goes wrong at the proxy once some PUTs went through.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// The server dies: the listener closes, the connection drops, reconnecting is refused.
    Die,
    /// The connection is reset before any answer.
    Reset,
    /// The PUT reaches the server; its answer breaks off midway.
    CutMidResponse,
    /// No answer within --timeout.
    Stall,
    /// 500 Internal Server Error.
    Status500,
    /// The PUT reaches the server; a 200 comes back whose body is not ARI's JSON.
    NotJson,
}

/// An HTTP proxy in front of `serve` that forwards everything until `after` PUTs went
/// through, then injects the fault into every later PUT.
struct Proxy {
    port: u16,
}

impl Proxy {
    fn start(upstream: u16, fault: Fault, after: usize) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let dead = Arc::new(AtomicBool::new(false));
        let gone = Arc::new(AtomicBool::new(false));
        let puts = Arc::new(AtomicUsize::new(0));
        thread::spawn(move || loop {
            if dead.load(SeqCst) {
                drop(listener);
                gone.store(true, SeqCst);
                return;
            }
            match listener.accept() {
                Ok((s, _)) => {
                    s.set_nonblocking(false).unwrap();
                    let (d, g, p) = (dead.clone(), gone.clone(), puts.clone());
                    thread::spawn(move || serve_conn(s, upstream, fault, after, &d, &g, &p));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(2))
                }
                Err(_) => return,
            }
        });
        Proxy { port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/ari", self.port)
    }
}

fn forward(upstream: u16, req: &stub::Req) -> stub::Raw {
    let headers: Vec<(&str, String)> = ["authorization", "content-type"]
        .into_iter()
        .filter_map(|h| req.header(h).map(|v| (h, v.to_string())))
        .collect();
    let body = (!req.body.is_empty() || req.method == "PUT").then_some(req.body.as_slice());
    raw(upstream, &req.method, &req.target, &headers, body).expect("serve answers")
}

fn reply(w: &mut TcpStream, status: u16, body: &[u8]) {
    let _ = write!(
        w,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = w.write_all(body);
}

fn serve_conn(
    s: TcpStream,
    upstream: u16,
    fault: Fault,
    after: usize,
    dead: &AtomicBool,
    gone: &AtomicBool,
    puts: &AtomicUsize,
) {
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut w = s;
    while let Some(req) = stub::read_request(&mut reader) {
        if dead.load(SeqCst) {
            let _ = w.shutdown(Shutdown::Both);
            return;
        }
        if req.method == "PUT" && puts.fetch_add(1, SeqCst) >= after {
            match fault {
                Fault::Die => {
                    // Close the listener first, so that reconnecting is refused.
                    dead.store(true, SeqCst);
                    while !gone.load(SeqCst) {
                        thread::sleep(Duration::from_millis(1));
                    }
                    let _ = w.shutdown(Shutdown::Both);
                    return;
                }
                Fault::Reset => {
                    let _ = w.shutdown(Shutdown::Both);
                    return;
                }
                Fault::Stall => {
                    // Never answer: wait for the client to give up (a watchdog of 120 s).
                    let _ = w.set_read_timeout(Some(Duration::from_secs(120)));
                    let _ = std::io::Read::read(&mut w, &mut [0u8; 1]);
                    let _ = w.shutdown(Shutdown::Both);
                    return;
                }
                Fault::Status500 => {
                    reply(&mut w, 500, br#"{"message":"Internal Server Error"}"#);
                    continue;
                }
                Fault::CutMidResponse => {
                    forward(upstream, &req);
                    let _ = w.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n[{\"attri",
                    );
                    let _ = w.shutdown(Shutdown::Both);
                    return;
                }
                Fault::NotJson => {
                    forward(upstream, &req);
                    reply(&mut w, 200, b"<html>502 Bad Gateway</html>");
                    continue;
                }
            }
        }
        let r = forward(upstream, &req);
        reply(&mut w, r.status, &r.body);
    }
}

const TWO_PHONES: &str =
    "[a1]\ntype=auth\nusername=a1\npassword=Phone-Pw-1\n\n[a1]\ntype=aor\nmax_contacts=1\n\n\
[a1]\ntype=endpoint\nallow=ulaw\nauth=a1\naors=a1\ncallerid=\"One\" <101>\n\n\
[a2]\ntype=auth\nusername=a2\npassword=Phone-Pw-2\n\n[a2]\ntype=aor\nmax_contacts=1\n\n\
[a2]\ntype=endpoint\nallow=ulaw\nauth=a2\naors=a2\ncallerid=\"Two\" <102>\n";

/// Which of the file's objects `serve` holds, asked through it directly.
fn held(env: &Env, serve: &Serve) -> Vec<String> {
    let mut out = Vec::new();
    for id in ["a1", "a2"] {
        for ty in ["auth", "aor", "endpoint"] {
            let (code, _, err) = run_cmd(ari_cmd(env, &serve.url()), &["show", ty, id]);
            match code {
                0 => out.push(format!("{ty} {id}")),
                3 => {}
                _ => panic!("show {ty} {id}: {err}"),
            }
        }
    }
    out.sort();
    out
}

fn apply_through_a_fault(fault: Fault) -> anyhow::Result<()> {
    let mut serve = Serve::start();
    let proxy = Proxy::start(serve.port, fault, 3);
    let env = Env::new();
    let file = env.dir.path().join("phones.conf");
    std::fs::write(&file, TWO_PHONES).unwrap();
    let f = file.to_str().unwrap();
    // A timeout only the stalled request meets: the others answer well within it even on a
    // loaded machine (the stall never answers, so no race decides the outcome).
    let timeout = if fault == Fault::Stall { "10" } else { "120" };
    let (code, out, err) = run_cmd(
        ari_cmd(&env, &proxy.url()),
        &["--timeout", timeout, "apply", f],
    );
    let ctx = format!("{fault:?}: exit {code}\nstdout:\n{out}stderr:\n{err}");
    if code != 5 {
        bail!("{ctx}\nexpected exit 5");
    }
    // The report: what was applied, then the object that failed.
    let report = crate::common::report(&err);
    let lines: Vec<&str> = report.lines().collect();
    let created: Vec<String> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("created "))
        .map(str::to_string)
        .collect();
    let failed: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("FAILED "))
        .collect();
    if created.len() != 3 || failed.len() != 1 || lines.len() != 4 {
        bail!("{ctx}\nexpected 3 created and 1 FAILED");
    }
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    let url = proxy.url();
    let object = failed[0];
    let request = format!("PUT {object}");
    let cause = match fault {
        Fault::Die => format!("cannot reach ARI {url} ({request}): connection refused"),
        Fault::Reset | Fault::CutMidResponse => {
            format!("ARI {url} closed the connection before answering {request} (tried twice)")
        }
        Fault::Stall => format!("ARI {url} did not answer {request} within 10 s"),
        Fault::Status500 => format!("answered {request} with 500"),
        Fault::NotJson => {
            format!("answered {request} with 200 but not with Asterisk's attribute/value list")
        }
    };
    let ok = errors.len() == 1
        && errors[0].starts_with(&format!("error: {object}: "))
        && errors[0].contains(&cause)
        && errors[0].contains("3 of 6 changes were applied")
        && errors[0].contains("run apply again to finish");
    if !ok {
        bail!("{ctx}\nexpected one error line naming {object}: {cause}");
    }
    if err.contains("Phone-Pw") || out.contains("Phone-Pw") {
        bail!("{ctx}\na password was printed");
    }
    // The server holds what the report says was applied (and, where the request got through
    // but its answer did not, the failed object too).
    let mut want = created.clone();
    if matches!(fault, Fault::CutMidResponse | Fault::NotJson) {
        want.push(object.to_string());
    }
    want.sort();
    let have = held(&env, &serve);
    if have != want {
        bail!("{ctx}\nserve holds {have:?}, the report says {want:?}");
    }
    // Run again against the healthy server: it finishes, then there is nothing left to do.
    let (code, _, err) = run_cmd(ari_cmd(&env, &serve.url()), &["apply", f]);
    if code != 0 {
        bail!("{ctx}\nrerun: exit {code}: {err}");
    }
    let (code, out, err) = run_cmd(ari_cmd(&env, &serve.url()), &["apply", f]);
    if code != 0 || !out.is_empty() || !err.contains("is up to date") {
        bail!("{ctx}\nthird run: exit {code}: {out}{err}");
    }
    let (code, _, err) = run_cmd(ari_cmd(&env, &serve.url()), &["diff", f]);
    if code != 0 {
        bail!("{ctx}\ndiff after the rerun: exit {code}: {err}");
    }
    if !serve.alive() {
        bail!("{ctx}\nserve died");
    }
    Ok(())
}

#[test]
fn apply_over_ari_reports_a_fault_midway_and_a_rerun_converges() {
    let faults = [
        Fault::Die,
        Fault::Reset,
        Fault::CutMidResponse,
        Fault::Stall,
        Fault::Status500,
        Fault::NotJson,
    ];
    let problems: Vec<String> = thread::scope(|s| {
        let hs: Vec<_> = faults
            .iter()
            .map(|&f| s.spawn(move || apply_through_a_fault(f)))
            .collect();
        hs.into_iter()
            .filter_map(|h| h.join().unwrap().err().map(|e| format!("{e:#}")))
            .collect()
    });
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

// ------------------------------------------------------------------------------ serve's input

fn basic() -> (&'static str, String) {
    (
        "Authorization",
        format!(
            "Basic {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("{USER}:{PASSWORD}")
            )
        ),
    )
}

#[test]
fn serve_refuses_malformed_requests_without_writing() {
    let mut serve = Serve::start();
    let env = Env::new();
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &serve.url()),
        &["push", "aor", "keep", "max_contacts=2"],
    );
    assert_eq!(code, 0, "{err}");
    let before = serve.env.snapshot();
    let json = ("Content-Type", "application/json".to_string());
    let good = br#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#.to_vec();
    let base = "/ari/asterisk/config/dynamic";
    // (method, path, headers, body, expected status)
    type Case<'a> = (&'a str, String, Vec<(&'a str, String)>, Vec<u8>, u16);
    let cases: Vec<Case> = vec![
        (
            "unknown class",
            format!("{base}/res_bogus/aor/x"),
            vec![basic(), json.clone()],
            good.clone(),
            404,
        ),
        (
            "unknown type",
            format!("{base}/res_pjsip/bogus/x"),
            vec![basic(), json.clone()],
            good.clone(),
            404,
        ),
        (
            "read-only type",
            format!("{base}/res_pjsip/transport/t"),
            vec![basic(), json.clone()],
            br#"{"fields":[{"attribute":"bind","value":"0.0.0.0"}]}"#.to_vec(),
            403,
        ),
        (
            "no credentials",
            format!("{base}/res_pjsip/aor/x"),
            vec![json.clone()],
            good.clone(),
            401,
        ),
        (
            "not JSON",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            b"{\"fields\":[".to_vec(),
            400,
        ),
        (
            "a number value",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            br#"{"fields":[{"attribute":"max_contacts","value":1}]}"#.to_vec(),
            400,
        ),
        (
            "a null value",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            br#"{"fields":[{"attribute":"max_contacts","value":null}]}"#.to_vec(),
            400,
        ),
        (
            "a missing attribute",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            br#"{"fields":[{"value":"1"}]}"#.to_vec(),
            400,
        ),
        (
            "a string entry",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            br#"{"fields":["max_contacts=1"]}"#.to_vec(),
            400,
        ),
        (
            "binary garbage",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            vec![0xff, 0, 0x1b, 0xfe, b'{'],
            400,
        ),
        (
            "an invalid value",
            format!("{base}/res_pjsip/aor/keep"),
            vec![basic(), json.clone()],
            br#"{"fields":[{"attribute":"max_contacts","value":"lots"}]}"#.to_vec(),
            400,
        ),
        (
            "an unknown attribute",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            br#"{"fields":[{"attribute":"bogus","value":"1"}]}"#.to_vec(),
            400,
        ),
        (
            "a body over the limit",
            format!("{base}/res_pjsip/aor/x"),
            vec![basic(), json.clone()],
            format!(
                "{{\"fields\":[{{\"attribute\":\"mailboxes\",\"value\":\"{}\"}}]}}",
                "m".repeat(50_000)
            )
            .into_bytes(),
            413,
        ),
    ];
    let mut problems = Vec::new();
    for (what, target, headers, body, status) in cases {
        match raw(serve.port, "PUT", &target, &headers, Some(&body)) {
            Some(r) if r.status == status => {}
            Some(r) => problems.push(format!(
                "{what}: {} {} (expected {status})",
                r.status,
                String::from_utf8_lossy(&r.body)
            )),
            None => problems.push(format!("{what}: no answer")),
        }
        if serve.env.snapshot() != before {
            problems.push(format!("{what}: the astdb file changed"));
        }
    }
    assert!(serve.alive());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ------------------------------------------------------------------------------ secrets over ARI

#[test]
fn secrets_stay_out_of_ari_messages_and_the_serve_log() {
    // Through serve: the client's output and serve's access log never hold an object's password.
    let serve = Serve::start();
    let env = Env::new();
    let file = env.dir.path().join("phones.conf");
    std::fs::write(&file, TWO_PHONES).unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["apply", "--dry-run", f],
        vec!["apply", f],
        vec!["diff", f],
        vec!["show", "auth", "a1"],
        vec!["show", "auth", "a1", "-o", "conf"],
        vec!["export", "auth"],
        vec!["push", "auth", "a1", "password=Phone-Pw-3"],
    ] {
        let (code, out, err) = run_cmd(ari_cmd(&env, &serve.url()), &args);
        // An export over ARI cannot be complete (exit 5); it still writes what it reached.
        assert!([0, 1, 5].contains(&code), "{args:?}: {err}");
        assert!(
            !out.contains("Phone-Pw") && !err.contains("Phone-Pw") && !err.contains(PASSWORD),
            "{args:?}: {out}{err}"
        );
    }
    let log = std::fs::read_to_string(&serve.log).unwrap();
    assert!(
        log.contains("PUT /ari/asterisk/config/dynamic/res_pjsip/auth/a1 -> 200"),
        "{log}"
    );
    assert!(
        !log.contains("Phone-Pw") && !log.contains(PASSWORD),
        "{log}"
    );

    // An Asterisk answering another password than predicted: named, never shown.
    let stub = Stub::start(|r| {
        if r.method == "GET" {
            Act::json(404, super::NOT_FOUND)
        } else {
            Act::json(
                200,
                r#"[{"attribute":"auth_type","value":"userpass"},{"attribute":"username","value":"a"},{"attribute":"password","value":"Their-Pw-9"}]"#,
            )
        }
    });
    let (code, out, err) = run_cmd(
        ari_cmd(&env, &stub.url()),
        &["push", "auth", "a", "username=a", "password=Mine-Pw-8"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Asterisk answered another password than pjsipctl expected (a secret: the values are not shown)"),
        "{err}"
    );
    for s in ["Their-Pw", "Mine-Pw"] {
        assert!(!out.contains(s) && !err.contains(s), "{out}{err}");
    }
    // A 200 that is not ARI's list, naming a secret: not quoted.
    let stub = Stub::start(|_| Act::json(200, r#"{"attribute":"password","value":"Leaked-Pw-7"}"#));
    let (code, _, err) = run_cmd(ari_cmd(&env, &stub.url()), &["show", "auth", "a"]);
    assert_eq!(code, 5, "{err}");
    assert!(!err.contains("Leaked-Pw"), "{err}");
    // A refused ARI password is not echoed.
    let (code, _, err) = run_cmd(
        {
            let mut c = env.cmd();
            c.env("PJSIPCTL_PASSWORD", "Wrong-Ari-Pw").args([
                "--ari",
                &serve.url(),
                "--user",
                USER,
            ]);
            c
        },
        &["show", "auth", "a1"],
    );
    assert_eq!(code, 6, "{err}");
    assert!(!err.contains("Wrong-Ari-Pw"), "{err}");
}

/// Issue 17: after a partial failure the JSON document's summary counts what was done, each
/// change says what became of it, the error is in the same (only) document, and the exit
/// code is the error's.
#[test]
fn a_partial_failure_in_json_counts_results_not_the_plan() {
    let serve = Serve::start();
    let proxy = Proxy::start(serve.port, Fault::Status500, 3);
    let env = Env::new();
    let file = env.dir.path().join("phones.conf");
    std::fs::write(&file, TWO_PHONES).unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = run_cmd(ari_cmd(&env, &proxy.url()), &["-o", "json", "apply", f]);
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: exit {code}\n{out}{err}"));
    assert_eq!(code, 5, "{err}");
    assert_eq!(doc["error"]["exit"], 5, "{doc}");
    assert_eq!(doc["error"]["kind"], "storage", "{doc}");
    assert!(err.lines().any(|l| l.starts_with("error: ")), "{err}");
    let s = &doc["summary"];
    assert_eq!(
        (&s["applied"], &s["failed"], &s["not_run"], &s["create"]),
        (&3.into(), &1.into(), &2.into(), &3.into()),
        "{doc}"
    );
    assert_eq!(doc["dry_run"], false);
    let statuses: Vec<&str> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["applied", "applied", "applied", "failed", "not run", "not run"]
    );
    let failed = &doc["changes"][3];
    assert!(
        failed["error"].as_str().unwrap().contains("500"),
        "{failed}"
    );
    // What the document says was applied is what the server holds.
    assert_eq!(held(&env, &serve).len(), 3);
}
