//! Faults of the connection and the server: refused, cut, slow, 500, TLS, retries; and the
//! requests pjsipctl sends.

use std::time::Duration;

use serde_json::Value;

use super::replay::PASSWORD;
use super::stub::{Act, Stub};
use super::{stub_cmd, NOT_FOUND};
use crate::common::{golden, Env};

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
