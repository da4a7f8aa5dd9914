//! Issue 11 items 6-7 over ARI: a push judged as apply judges it; host names and files
//! left to Asterisk (here `serve`, which judges them as Asterisk does on its own host).

use super::{ari_cmd, run_cmd, Serve};
use crate::common::Env;

#[test]
fn a_missing_callerid_is_judged_alike_by_push_and_apply() {
    let serve = Serve::start();
    let env = Env::new();
    let (code, _, pushed) = run_cmd(
        ari_cmd(&env, &serve.url()),
        &["push", "endpoint", "bob", "allow=ulaw"],
    );
    assert_eq!(code, 4, "{pushed}");
    let file = env.dir.path().join("bob.conf");
    std::fs::write(&file, "[bob]\ntype=endpoint\nallow=ulaw\n").unwrap();
    let file = file.display().to_string();
    let (code, _, applied) = run_cmd(ari_cmd(&env, &serve.url()), &["apply", &file]);
    assert_eq!(code, 4, "{applied}");
    for err in [&pushed, &applied] {
        assert!(
            err.contains("endpoint bob has no callerid: over ARI Asterisk stores '<unknown>'"),
            "{err}"
        );
    }
    assert!(serve.env.rows().is_empty());
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &serve.url()),
        &["push", "endpoint", "bob", "allow=ulaw", "--accept-loss"],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn host_names_and_files_are_left_to_asterisk() {
    let serve = Serve::start();
    let env = Env::new();
    // Nothing resolved here: the request reaches Asterisk, which refuses it on its host.
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &serve.url()),
        &[
            "push",
            "identify",
            "i",
            "endpoint=e",
            "match=no-such-host.invalid",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("Asterisk refused identify i"), "{err}");
    assert!(!err.contains("does not resolve"), "{err}");
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &serve.url()),
        &[
            "push",
            "endpoint",
            "d",
            "allow=ulaw",
            "callerid=D <1>",
            "dtls_cert_file=/nonexistent/cert.pem",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("Asterisk refused endpoint d"), "{err}");
    // The same file on the embedded engine is checked here, as Asterisk checks it.
    let (code, _, err) = env.run(&[
        "push",
        "endpoint",
        "d",
        "allow=ulaw",
        "dtls_cert_file=/nonexistent/cert.pem",
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("/nonexistent/cert.pem"), "{err}");
}

#[test]
fn an_asterisk_that_accepts_them_gets_them_as_written() {
    use super::stub::{Act, Stub};
    // An Asterisk whose host resolves the name and holds the file: it answers 200.
    let answer =
        serde_json::to_string(&crate::common::golden("03_put_endpoint_alice")["response_body"])
            .unwrap();
    let stub = Stub::start(move |r| match r.method.as_str() {
        "GET" => Act::json(404, r#"{"message":"Object with id 'x' not found"}"#),
        _ => Act::json(200, &answer),
    });
    let env = Env::new();
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &stub.url()),
        &[
            "push",
            "endpoint",
            "d",
            "allow=ulaw",
            "callerid=D <1>",
            "dtls_cert_file=/nonexistent/cert.pem",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: dtls_cert_file: '/nonexistent/cert.pem' is not readable on this machine"
        ),
        "{err}"
    );
    let (code, _, err) = run_cmd(
        ari_cmd(&env, &stub.url()),
        &[
            "push",
            "identify",
            "i",
            "endpoint=d",
            "match=pbx-only.invalid",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let puts: Vec<String> = stub
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(puts.len(), 2, "{puts:?}");
    assert!(
        puts[1].contains(r#""value":"pbx-only.invalid""#),
        "{}",
        puts[1]
    );
}
