//! Issue 11 item 2: golden section 90 is one request sequence recorded on a freshly wiped
//! Asterisk 23.4.1, in order. `serve`, started on the same sorcery.conf and pjsip.conf,
//! must answer it exchange by exchange: the same status and the same body.

use serde_json::Value;

use super::stub::{raw, Raw};
use super::{without_unset_callerid, Serve, PASSWORD};
use crate::common::{fixtures, golden};

/// Every recorded case of section 90, in recording order.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("golden"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("90_") && n.ends_with(".json"))
        .map(|n| n.trim_end_matches(".json").to_string())
        .collect();
    names.sort();
    names
}

/// The credentials a case was sent with (its `auth_user` says how).
fn auth(g: &Value) -> Vec<(&'static str, String)> {
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    match g["auth_user"].as_str() {
        None => vec![],
        Some("asterisk (wrong password)") => {
            vec![("Authorization", format!("Basic {}", b64("asterisk:wrong")))]
        }
        // The key is in the recorded query.
        Some("asterisk (api_key)") => vec![],
        Some(u) => vec![(
            "Authorization",
            format!("Basic {}", b64(&format!("{u}:{PASSWORD}"))),
        )],
    }
}

fn send(port: u16, g: &Value) -> Option<Raw> {
    let mut headers = auth(g);
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

/// The documented exceptions, applied to both sides before comparing:
/// - an endpoint whose callerid was never set (pjsipctl's deliberate difference);
/// - `/endpoints` lists in Asterisk's order, which is its stasis cache's hash order:
///   compared by content;
/// - what only a running Asterisk knows: ping's `timestamp` and `asterisk_id`, a
///   module's `use_count` (each must be there, of the right JSON type).
fn comparable(path: &str, v: &Value) -> Value {
    let mut v = without_unset_callerid(v);
    if path.starts_with("/ari/endpoints") {
        if let Some(a) = v.as_array_mut() {
            a.sort_by_key(|e| e["resource"].as_str().unwrap_or("").to_string());
        }
    }
    if let Some(o) = v.as_object_mut() {
        for (k, runtime) in [
            ("timestamp", Value::String("(time)".into())),
            ("asterisk_id", Value::String("(id)".into())),
            ("use_count", Value::from(-1)),
        ] {
            if let Some(x) = o.get_mut(k) {
                let same_type = std::mem::discriminant(x) == std::mem::discriminant(&runtime);
                if same_type {
                    *x = runtime;
                }
            }
        }
    }
    v
}

#[test]
fn serve_answers_the_recorded_fresh_asterisk_sequence_in_order() {
    let conf = fixtures().join("conf");
    let sorcery = conf.join("sorcery.conf").display().to_string();
    let confdir = conf.display().to_string();
    let serve = Serve::start_with(&["--sorcery", &sorcery, "--confdir", &confdir]);
    let cases = cases();
    assert_eq!(cases.len(), 53, "golden section 90 has 53 exchanges");
    let mut problems = Vec::new();
    for case in &cases {
        let g = golden(case);
        let path = g["path"].as_str().unwrap();
        let Some(r) = send(serve.port, &g) else {
            problems.push(format!("{case}: no answer"));
            continue;
        };
        let want_status = g["status"].as_u64().unwrap() as u16;
        let want = &g["response_body"];
        let got = if r.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&r.body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&r.body).into_owned()))
        };
        if r.status != want_status || comparable(path, &got) != comparable(path, want) {
            problems.push(format!(
                "{case}: {} {got} (Asterisk: {want_status} {want})",
                r.status
            ));
        }
        let want_ct = g["response_headers"]["Content-Type"].as_str();
        if r.header("content-type") != want_ct {
            problems.push(format!(
                "{case}: content-type {:?} (Asterisk: {want_ct:?})",
                r.header("content-type")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} exchanges differ from Asterisk:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

#[test]
fn the_client_reads_the_recorded_answers_of_a_fresh_asterisk() {
    let replay = super::replay::Replay::start();
    let env = crate::common::Env::new();
    let run = |args: &[&str]| super::run_cmd(super::ari_cmd(&env, &replay.url()), args);
    // 90_00: no endpoint yet.
    let (code, out, err) = run(&["list", "endpoints"]);
    assert_eq!((code, out.trim()), (0, "No objects found."), "{err}");
    // 90_24: a static transport's update passes the field checks, then Asterisk refuses it.
    let (code, _, err) = run(&["push", "transport", "transport-udp", "bind=127.0.0.1:5099"]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("Cannot update sorcery objects of type 'transport'")
            && err.contains("transport=astdb,ps_transports"),
        "{err}"
    );
    assert!(replay
        .replayed()
        .contains(&"90_24_static_transport_put".to_string()));
    assert!(replay.violations().is_empty(), "{:?}", replay.violations());
}
