//! Issue 3: quirks of single attributes as Asterisk 23.4.1 has them, through the real binary.

use serde_json::Value;

use crate::common::Env;

fn value(out: &str, attr: &str) -> Option<String> {
    let v: Value = serde_json::from_str(out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .find(|a| a["attribute"] == attr)
        .map(|a| a["value"].as_str().unwrap().to_string())
}

#[test]
fn direct_media_method_prints_connected_line_method_and_warns() {
    let env = Env::new();
    let (code, out, err) = env.run(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "direct_media_method=update",
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        value(&out, "direct_media_method").as_deref(),
        Some("invite")
    );
    assert!(err.contains("connected_line_method"), "{err}");
}

#[test]
fn contact_user_appears_once_set_even_empty() {
    let env = Env::new();
    let out = env.ok(&["push", "endpoint", "e", "allow=ulaw", "-o", "json"]);
    assert_eq!(value(&out, "contact_user"), None);
    let out = env.ok(&["push", "endpoint", "e", "contact_user=", "-o", "json"]);
    assert_eq!(value(&out, "contact_user").as_deref(), Some(""));
    let out = env.ok(&["push", "endpoint", "e", "contact_user=alice", "-o", "json"]);
    assert_eq!(value(&out, "contact_user").as_deref(), Some("alice"));
}

#[test]
fn preferred_codec_only_cannot_be_read_back_and_is_refused() {
    let env = Env::new();
    let (code, _, err) = env.run(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "preferred_codec_only=yes",
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("could not read the stored row back")
            && err.contains("incoming_call_offer_pref"),
        "{err}"
    );
    assert!(env.rows().is_empty());
}

#[test]
fn astdb_losses_are_warned() {
    let env = Env::new();
    let args = [
        "push",
        "registration",
        "r",
        "server_uri=sip:reg.example.com",
        "client_uri=sip:me@example.com",
        "outbound_auth=a1,a2",
    ];
    // Refused as apply refuses it, unless the loss is accepted; then it is a warning.
    let (code, _, err) = env.run(&args);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("or --accept-loss to push it anyway"), "{err}");
    assert!(env.rows().is_empty());
    let (code, _, err) = env.run(&[&args[..], &["--accept-loss"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("outbound_auth: pushed \"a1,a2\", read back \"a2\""),
        "{err}"
    );
    let (code, _, err) = env.run(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "identify_by=",
        "--accept-loss",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("identify_by: pushed \"\", read back \"username,ip\""),
        "{err}"
    );
    // A callerid astdb changes is a loss too: only the unset callerid has a rule of its own.
    let env = Env::new();
    let (code, _, err) = env.run(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "callerid=\"q\\\\uote\";<>",
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("astdb does not give back what was pushed: callerid:"),
        "{err}"
    );
    assert!(env.rows().is_empty());
    // An escaped backslash in a usual name comes back as pushed.
    let (code, _, err) = env.run(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "callerid=\"Q\\\\ueen\" <123>",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn invalid_values_name_attribute_value_and_accepted_values() {
    let env = Env::new();
    for (args, needle) in [
        (vec!["push", "endpoint", "e", "allow=ulaw", "tos_audio=fast"], "tos_audio=fast: 'fast' is neither a number nor a DSCP name; accepted: a number 0-255"),
        (vec!["push", "endpoint", "e", "allow=ulaw", "permit=10.0.0.0/8, 10.1.0.0/16"], "permit=10.0.0.0/8, 10.1.0.0/16: ' 10.1.0.0' is not an IP address (spaces are not allowed around it)"),
        (vec!["push", "aor", "a", "contact=tel:123"], "contact=tel:123: 'tel:123' is not a sip: or sips: URI; accepted:"),
        (vec!["push", "identify", "i", "endpoint=e", "match=10.0.0.0/40"], "match=10.0.0.0/40: '40' is not a CIDR mask (0-32)"),
        (vec!["push", "auth", "a", "username=u", "password=p", "auth_type=oauth"], "auth_type=oauth: 'oauth' is not a known value; accepted: userpass, md5, digest"),
        (vec!["push", "endpoint", "e", "allow=ulaw", "codec_prefs_incoming_offer=operation: union"], "operation: union is not allowed"),
        (vec!["push", "registration", "r", "server_uri=sip:x", "client_uri=sip:y@x", "line=yes"], "line=yes needs endpoint"),
    ] {
        let (code, _, err) = env.run(&args);
        assert_eq!(code, 4, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert!(env.rows().is_empty());
}

#[test]
fn acl_and_inbound_publication_are_refused_explicitly() {
    let env = Env::new();
    for args in [
        vec!["push", "acl", "a", "permit=127.0.0.1"],
        vec!["push", "inbound-publication", "p", "endpoint=e"],
    ] {
        let (code, _, err) = env.run(&args);
        assert_eq!(code, 6, "{err}");
        assert!(
            err.contains("Allocation failed") && err.contains("static config file"),
            "{err}"
        );
    }
    assert!(env.rows().is_empty());
}

#[test]
fn schema_lists_accepted_values() {
    let env = Env::new();
    let out = env.ok(&["schema", "endpoint", "-o", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let dtmf = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["attribute"] == "dtmf_mode")
        .unwrap();
    assert_eq!(
        dtmf["accepts"],
        "rfc4733, inband, info, auto, auto_info, none"
    );
    // 146 registered fields less `type`: 140 with an output form (the 138 recorded plus
    // contact_user and security_mechanisms, shown once set) and 5 input-only ones.
    assert_eq!(v.as_array().unwrap().len(), 145);
}

#[test]
fn deny_permit_rules_are_warned_about() {
    let env = Env::new();
    let (code, out, err) = env.run(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "permit=10.0.0.0/8",
        "--accept-loss",
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(value(&out, "acl").as_deref(), Some("deny/permit"));
    assert!(
        err.contains("reference to an ACL named 'deny/permit'"),
        "{err}"
    );
}
