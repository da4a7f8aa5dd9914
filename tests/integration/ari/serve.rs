//! `serve` itself: credentials, reload and ping, and its answers against the recordings.

use serde_json::Value;

use super::replay::PASSWORD;
use super::stub::{self, raw, Act, Stub};
use super::{ari_cmd, run_cmd, stub_cmd, without_unset_callerid, Serve, NOT_FOUND};
use crate::common::{golden, Env};

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
