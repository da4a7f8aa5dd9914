//! Issue 7 (secrets): passwords never need the command line and are never printed unless
//! asked (errors, dry-run, diff, tables, conf output, export); https verifies certificates
//! by default and --insecure says so on every run; serve listens on loopback by default.
//! (Over ARI: `ari::faults`.)

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

use crate::common::{fixtures, Env};

const OLD: &str = "Old-S3cret";
const NEW: &str = "New-S3cret";

/// Every output of a command, for "never printed" checks.
fn all(out: &(i32, String, String)) -> String {
    format!("{}\n{}", out.1, out.2)
}

fn refuse_leak(what: &str, text: &str) {
    for s in [OLD, NEW, "S3cret"] {
        assert!(!text.contains(s), "{what} shows a secret: {text}");
    }
}

#[test]
fn secrets_are_masked_in_tables_conf_dry_run_diff_and_export() {
    let env = Env::new();
    let (code, out, err) = env.run(&[
        "push",
        "auth",
        "a",
        "username=a",
        &format!("password={OLD}"),
    ]);
    assert_eq!(code, 0, "{err}");
    refuse_leak("push", &format!("{out}{err}"));
    let file = env.dir.path().join("p.conf");
    std::fs::write(
        &file,
        format!(
            "[a]\ntype=auth\nusername=a\npassword={NEW}\n\n[b]\ntype=auth\nusername=b\npassword={NEW}\n"
        ),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["show", "auth", "a"],
        vec!["show", "auth", "a", "-o", "conf"],
        vec!["show", "auth", "a", "--changed"],
        vec!["list", "auth"],
        vec!["list"],
        vec!["push", "auth", "a", "-o", "conf", "username=a"],
        vec!["apply", "--dry-run", f],
        vec!["apply", "--dry-run", "-o", "json", f],
        vec!["diff", f],
        vec!["diff", "-o", "json", f],
        vec!["export"],
        vec!["export", "--all", "auth"],
    ] {
        let out = env.run(&args);
        assert!([0, 1].contains(&out.0), "{args:?}: {}", out.2);
        refuse_leak(&format!("{args:?}"), &all(&out));
    }
    // The masks are there, and --show-secrets shows what is masked (so the checks above can see it).
    let dry = env.run(&["apply", "--dry-run", f]).1;
    assert!(
        dry.contains("password: ******** -> ********") && dry.contains("password = ********"),
        "{dry}"
    );
    let dry = env.run(&["--show-secrets", "apply", "--dry-run", f]).1;
    assert!(dry.contains(&format!("password: {OLD} -> {NEW}")), "{dry}");
    assert!(env
        .run(&["--show-secrets", "show", "auth", "a"])
        .1
        .contains(OLD));
    assert!(env.run(&["--show-secrets", "export"]).1.contains(OLD));
    // The apply itself reports objects, never values.
    let out = env.run(&["apply", f]);
    assert_eq!(out.0, 0, "{}", out.2);
    refuse_leak("apply", &all(&out));
    // A refused secret is not echoed: in a file, or as an argument.
    std::fs::write(
        &file,
        format!("[c]\ntype=auth\nusername=c\nmd5_cred=not-a-hash-{NEW}\n"),
    )
    .unwrap();
    let out = env.run(&["apply", f]);
    assert_eq!(out.0, 4, "{}", out.2);
    assert!(out.2.contains("md5_cred"), "{}", out.2);
    refuse_leak("a refused apply", &all(&out));
    let out = env.run(&[
        "push",
        "auth",
        "c",
        "username=c",
        &format!("md5_cred=x{NEW}"),
    ]);
    assert_eq!(out.0, 4, "{}", out.2);
    refuse_leak("a refused push", &all(&out));
}

#[test]
fn passwords_never_need_the_command_line() {
    let env = Env::new();
    // There is no flag that takes a password.
    let (code, _, err) = env.run(&["--password", "x", "ping"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unexpected argument '--password'"), "{err}");
    let help = env.ok(&["--help"]);
    assert!(
        !help.contains("--password ") && help.contains("--password-file"),
        "{help}"
    );
    // Nor the URL: credentials in it are refused, unsaid and unsent (the whole argument tree
    // is walked by cli_tests::no_argument_takes_a_password).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://u:hunter2@{}/ari", listener.local_addr().unwrap());
    std::fs::create_dir_all(env.dir.path().join("config/pjsipctl")).unwrap();
    std::fs::write(
        env.dir.path().join("config/pjsipctl/config.toml"),
        format!("[targets.lab]\nurl = \"{url}\"\nuser = \"u\"\n"),
    )
    .unwrap();
    for (how, args, var) in [
        ("flag", vec!["--ari", url.as_str(), "ping"], None),
        ("PJSIPCTL_ARI", vec!["ping"], Some(url.as_str())),
        ("config.toml", vec!["--target", "lab", "ping"], None),
    ] {
        let mut c = env.cmd();
        c.env("PJSIPCTL_PASSWORD", "pw").args(&args);
        if let Some(v) = var {
            c.env("PJSIPCTL_ARI", v);
        }
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{how}: {err}");
        assert!(
            err.contains("credentials do not belong in the URL"),
            "{how}: {err}"
        );
        assert!(!err.contains("hunter2"), "{how}: {err}");
        assert!(listener.accept().is_err(), "{how}: a connection was made");
    }
    // An auth object's password can come from stdin (or a file, or apply).
    let out = env
        .cmd()
        .args(["push", "auth", "a", "--from", "-"])
        .write_stdin(format!("username=a\npassword={NEW}\n"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = env.ok(&["--show-secrets", "show", "auth", "a", "-o", "conf"]);
    assert!(shown.contains(&format!("password={NEW}")), "{shown}");
}

// ------------------------------------------------------------------------------ https

/// An https server with a certificate from tests/fixtures/tls (its CA is ca.pem there) that
/// answers every request with ARI's 404 for a missing object.
fn tls_server() -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = fixtures().join("tls");
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match tls.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return, // the client refused the certificate
                    }
                }
                let body = br#"{"message":"Object with id 'x' not found"}"#;
                let _ = write!(
                    tls,
                    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(body);
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

#[test]
fn https_verifies_certificates_by_default_and_insecure_warns_every_time() {
    let port = tls_server();
    let url = format!("https://127.0.0.1:{port}/ari");
    let env = Env::new();
    let ca = fixtures().join("tls/ca.pem").display().to_string();
    let run = |extra: &[&str]| {
        let mut c = env.cmd();
        c.env("PJSIPCTL_PASSWORD", "pw")
            .args(["--ari", &url, "--user", "u"])
            .args(extra)
            .args(["show", "aor", "x"]);
        let out = c.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // An unknown CA: refused, with what to do.
    let (code, err) = run(&[]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains(&format!("TLS with {url} failed (GET aor x)")) && err.contains("--cacert"),
        "{err}"
    );
    // Trusting its CA: the request goes through (the server answers 404).
    let (code, err) = run(&["--cacert", &ca]);
    assert_eq!(code, 3, "{err}");
    assert!(!err.contains("warning"), "{err}");
    // --insecure: goes through, and says so every time, even with --quiet.
    for extra in [&["--insecure"][..], &["--insecure"], &["--insecure", "-q"]] {
        let (code, err) = run(extra);
        assert_eq!(code, 3, "{err}");
        assert!(
            err.contains("warning: --insecure: the server's TLS certificate is not verified"),
            "{extra:?}: {err}"
        );
    }
    // The same from a named target.
    let cfg = env.dir.path().join("config/pjsipctl");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!("[targets.lab]\nurl = \"{url}\"\nuser = \"u\"\ninsecure = true\n"),
    )
    .unwrap();
    let out = env
        .cmd()
        .env("PJSIPCTL_PASSWORD", "pw")
        .args(["-q", "--target", "lab", "show", "aor", "x"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("warning: insecure = true in the target"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------ serve

/// A process killed when dropped, also when an assertion fails first.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve` started with these arguments; its stderr (a file: it keeps logging) once the
/// "listening on" line is there. Retries while the address is in use (another run of this
/// suite may hold the default port).
fn start_serve(env: &Env, args: &[&str]) -> (Killed, String) {
    let log = env.dir.path().join("serve.log");
    let t0 = std::time::Instant::now();
    loop {
        let mut child = Killed(
            env.std_cmd()
                .env("PJSIPCTL_PASSWORD", "pw")
                .args(["--user", "u", "serve"])
                .args(args)
                .stdin(std::process::Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap(),
        );
        loop {
            let err = std::fs::read_to_string(&log).unwrap_or_default();
            let started = err
                .split("serve: listening on ")
                .nth(1)
                .is_some_and(|r| r.contains('\n'));
            if started {
                return (child, err);
            }
            if child.0.try_wait().unwrap().is_some() {
                assert!(
                    err.contains("in use") && t0.elapsed() < std::time::Duration::from_secs(60),
                    "serve did not start: {err}"
                );
                break;
            }
            assert!(
                t0.elapsed() < std::time::Duration::from_secs(60),
                "serve did not start: {err}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

#[test]
fn serve_listens_on_loopback_unless_told_otherwise() {
    use std::time::{Duration, Instant};
    let env = Env::new();
    // With the default --listen: loopback, and it answers there.
    let (child, err) = start_serve(&env, &[]);
    let addr = err
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split("/ari").next())
        .unwrap_or_else(|| panic!("{err}"))
        .to_string();
    let sock: std::net::SocketAddr = addr.parse().unwrap();
    assert!(sock.ip().is_loopback(), "{err}");
    assert!(!err.contains("warning"), "{err}");
    let mut c = std::net::TcpStream::connect(sock).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    c.write_all(
        b"GET /ari/asterisk/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dTpwdw==\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // A client that starts a request and goes quiet is cut off (Asterisk's session_inactivity,
    // 30 s) rather than held forever; 120 s is the watchdog, not the expectation.
    let mut c = std::net::TcpStream::connect(sock).unwrap();
    c.write_all(b"GET /ari/asterisk/ping HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    c.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let t0 = Instant::now();
    let mut rest = Vec::new();
    let closed = c.read_to_end(&mut rest);
    let took = t0.elapsed();
    drop(child);
    let timed_out = matches!(&closed, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
    assert!(!timed_out, "serve held a silent connection for {took:?}");
    assert!(
        took >= Duration::from_secs(20),
        "cut off after only {took:?}"
    );
    // Anything else is said aloud before it starts.
    let (child, err) = start_serve(&env, &["--listen", "0.0.0.0:0"]);
    drop(child);
    assert!(
        err.contains("warning: listening on 0.0.0.0:0, which is not loopback"),
        "{err}"
    );
}
