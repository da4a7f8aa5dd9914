use super::caller_id::callerid;
use super::*;
use crate::schema::find_type;

fn applied(ty: &str, name: &str, input: &str) -> Result<String, String> {
    let t = find_type(ty).unwrap();
    let mut o = Object::new(t, "x");
    let i = t.field_index(name).unwrap();
    apply(&mut o, i, input).map_err(|e| e.to_string())?;
    let set = o.objectset();
    Ok(set
        .iter()
        .filter(|a| a.attribute == name)
        .map(|a| a.value.clone())
        .collect::<Vec<_>>()
        .join(" | "))
}

#[test]
fn callerid_forms() {
    assert_eq!(callerid("\"Reception\" <101>"), "\"Reception\" <101>");
    assert_eq!(callerid("Sales Desk <102>"), "\"Sales Desk\" <102>");
    assert_eq!(callerid("\"O'Neill, Pat\" <103>"), "\"O'Neill, Pat\" <103>");
    assert_eq!(callerid("<104>"), "104");
    assert_eq!(callerid(""), "<unknown>");
    assert_eq!(callerid("1234"), "1234");
    assert_eq!(callerid("Bob"), "Bob");
    assert_eq!(callerid("\"Bob\""), "Bob");
    assert_eq!(callerid("\"Bob <123>\""), "\"Bob\" <123>");
    assert_eq!(callerid("<unknown>"), "unknown");
    assert_eq!(callerid("Ann <(555) 123-4567>"), "\"Ann\" <5551234567>");
    assert_eq!(callerid("\"a\\\"b\" <1>"), "\"a\\\"b\" <1>");
    assert_eq!(callerid("555-123"), "555123");
    assert_eq!(callerid("555.123."), "555.123.");
}

#[test]
fn bools_are_not_trimmed() {
    assert!(ast_true("YES"));
    assert!(!ast_true(" yes"));
    assert!(ast_false("Off"));
    assert_eq!(
        applied("endpoint", "force_rport", "maybe").unwrap(),
        "false"
    );
    assert_eq!(
        applied("endpoint", "send_connected_line", "on").unwrap(),
        "yes"
    );
}

#[test]
fn numbers_follow_ast_parse_arg() {
    assert_eq!(applied("aor", "max_contacts", "0x10").unwrap(), "16");
    assert!(applied("aor", "max_contacts", "-1")
        .unwrap_err()
        .contains("accepted: an unsigned integer"));
    assert!(applied("aor", "qualify_frequency", "86401")
        .unwrap_err()
        .contains("out of range"));
    assert_eq!(
        applied("aor", "qualify_timeout", "2.5").unwrap(),
        "2.500000"
    );
    assert!(applied("aor", "qualify_timeout", "fast").is_err());
    assert!(applied("transport", "websocket_write_timeout", "0")
        .unwrap_err()
        .contains("1-2147483647"));
    assert_eq!(
        applied("endpoint", "dtls_rekey", "-1").unwrap(),
        "4294967295"
    );
}

#[test]
fn enums_name_their_values() {
    let e = applied("endpoint", "dtmf_mode", "rfc2833").unwrap_err();
    assert!(
        e.contains("rfc4733, inband, info, auto, auto_info, none"),
        "{e}"
    );
    assert!(applied("endpoint", "dtmf_mode", " info").is_err());
    assert!(applied("endpoint", "t38_udptl_ec", "FEC").is_err());
    assert_eq!(
        applied("endpoint", "100rel", "Peer_Supported").unwrap(),
        "peer_supported"
    );
    assert_eq!(applied("endpoint", "timers", "forced").unwrap(), "always");
    assert_eq!(
        applied("endpoint", "dtls_verify", "fingerprint").unwrap(),
        "Fingerprint"
    );
}

#[test]
fn direct_media_method_prints_connected_line_method() {
    let t = find_type("endpoint").unwrap();
    let mut o = Object::new(t, "x");
    let w = apply(
        &mut o,
        t.field_index("direct_media_method").unwrap(),
        "update",
    )
    .unwrap();
    assert!(w.unwrap().contains("connected_line_method"));
    let set = o.objectset();
    let v = |n: &str| set.iter().find(|a| a.attribute == n).unwrap().value.clone();
    assert_eq!(v("direct_media_method"), "invite");
    apply(
        &mut o,
        t.field_index("connected_line_method").unwrap(),
        "reinvite",
    )
    .unwrap();
    apply(
        &mut o,
        t.field_index("connected_line_method").unwrap(),
        "update",
    )
    .unwrap();
    let set = o.objectset();
    assert_eq!(
        set.iter()
            .find(|a| a.attribute == "direct_media_method")
            .unwrap()
            .value,
        "update"
    );
}

#[test]
fn codec_lists() {
    assert_eq!(
        applied("endpoint", "allow", "!all,g722,ulaw,alaw").unwrap(),
        "(g722|ulaw|alaw)"
    );
    assert_eq!(
        applied("endpoint", "allow", "ulaw:20|ALAW").unwrap(),
        "(ulaw|alaw)"
    );
    assert_eq!(applied("endpoint", "allow", "ulaw:").unwrap(), "(ulaw)");
    assert!(applied("endpoint", "allow", "ulaw,nosuchcodec")
        .unwrap_err()
        .contains("unknown codec 'nosuchcodec'"));
    assert!(applied("endpoint", "allow", "ulaw,").is_err());
    assert!(applied("endpoint", "allow", "(nothing)").is_err());
    assert!(applied("endpoint", "allow", "ulaw:-5").is_err());
    let all = applied("endpoint", "allow", "all").unwrap();
    assert!(
        all.starts_with("(codec2|g723|ulaw") && !all.contains("none"),
        "{all}"
    );
}

#[test]
fn groups_and_named_groups() {
    assert_eq!(
        applied("endpoint", "call_group", "1,3-5").unwrap(),
        "1, 3, 4, 5"
    );
    assert_eq!(applied("endpoint", "call_group", "5-3,64").unwrap(), "");
    assert_eq!(applied("endpoint", "call_group", ",2").unwrap(), "0, 2");
    assert_eq!(
        applied("endpoint", "call_group", "0-63").unwrap().len(),
        127
    );
    assert_eq!(
        applied("endpoint", "named_call_group", "b, a ,b").unwrap(),
        named_groups_display(&["a".into(), "b".into()])
    );
    assert!(applied("endpoint", "named_call_group", " , ").is_err());
    assert_eq!(applied("endpoint", "named_call_group", "").unwrap(), "");
}

#[test]
fn tos_and_privacy() {
    assert_eq!(applied("endpoint", "tos_audio", "ef").unwrap(), "184");
    assert_eq!(applied("endpoint", "tos_audio", "0x10").unwrap(), "16");
    assert_eq!(applied("endpoint", "tos_audio", "-4").unwrap(), "252");
    assert_eq!(applied("endpoint", "tos_audio", "12abc").unwrap(), "12");
    assert!(applied("endpoint", "tos_audio", "bogus")
        .unwrap_err()
        .contains("AF41"));
    assert_eq!(applied("transport", "tos", "7").unwrap(), "4");
    assert_eq!(
        applied("endpoint", "callerid_privacy", "PROHIB").unwrap(),
        "prohib"
    );
    assert_eq!(
        applied("endpoint", "callerid_privacy", "64").unwrap(),
        "unavailable"
    );
    assert_eq!(
        applied("endpoint", "callerid_privacy", "7").unwrap(),
        "unknown"
    );
}

#[test]
fn acl_syntax() {
    assert_eq!(
        parse_network("198.51.100.16/28").unwrap(),
        "198.51.100.16/255.255.255.240"
    );
    assert_eq!(
        parse_network("198.51.100.20/28").unwrap(),
        "198.51.100.16/255.255.255.240"
    );
    assert_eq!(
        parse_network("127.0.0.2").unwrap(),
        "127.0.0.2/255.255.255.255"
    );
    assert_eq!(
        parse_network("10.0.0.0/255.0.255.0").unwrap(),
        "10.0.0.0/255.0.255.0"
    );
    assert_eq!(
        parse_network("!10.1.2.3:5060").unwrap(),
        "!10.1.2.3:5060/255.255.255.255"
    );
    assert_eq!(
        parse_network("2001:db8::1/32").unwrap(),
        "2001:db8::/ffff:ffff::"
    );
    assert!(parse_network("nonsense").is_none());
    assert!(parse_network("10.0.0.0/33").is_none());
    assert!(applied("endpoint", "permit", "10.0.0.0/8, 192.168.0.0/16")
        .unwrap_err()
        .contains("spaces"));
    assert!(applied("endpoint", "deny", "10.0.0.1:5060")
        .unwrap_err()
        .contains("port"));
    assert!(applied("endpoint", "permit", "10.0.0.0/8").is_ok());
    assert_eq!(
        applied("transport", "local_net", "10.0.0.0/8,192.168.0.0/16").unwrap(),
        "10.0.0.0/255.0.0.0 | 192.168.0.0/255.255.0.0"
    );
    assert_eq!(
        applied("identify", "match", "198.51.100.16/28, 10.0.0.1:5070").unwrap(),
        "198.51.100.16/255.255.255.240 | 10.0.0.1:5070/255.255.255.255"
    );
}

#[test]
fn acl_display_follows_the_first_acl() {
    let t = find_type("endpoint").unwrap();
    let mut o = Object::new(t, "x");
    apply(&mut o, t.field_index("acl").unwrap(), "office").unwrap();
    assert_eq!(
        o.objectset()
            .iter()
            .find(|a| a.attribute == "acl")
            .unwrap()
            .value,
        "office"
    );
    apply(&mut o, t.field_index("permit").unwrap(), "10.0.0.0/8").unwrap();
    assert_eq!(
        o.objectset()
            .iter()
            .find(|a| a.attribute == "acl")
            .unwrap()
            .value,
        "deny/permit"
    );
    assert!(apply(&mut o, t.field_index("acl").unwrap(), "OFFICE").is_err());
}

#[test]
fn codec_prefs_defaults_per_option() {
    assert_eq!(
        applied(
            "endpoint",
            "codec_prefs_outgoing_offer",
            "prefer: configured"
        )
        .unwrap(),
        "prefer:configured, operation:union, keep:all, transcode:allow"
    );
    assert_eq!(
        applied(
            "endpoint",
            "codec_prefs_incoming_offer",
            "keep:first, transcode:prevent"
        )
        .unwrap(),
        "prefer:pending, operation:intersect, keep:first, transcode:prevent"
    );
    assert!(applied("endpoint", "codec_prefs_incoming_offer", "operation: union").is_err());
    assert!(applied("endpoint", "codec_prefs_incoming_answer", "prefer: bogus").is_err());
    assert!(applied("endpoint", "codec_prefs_incoming_answer", "prefer").is_err());
    assert!(applied("endpoint", "codec_prefs_incoming_answer", "bogus: x").is_ok());
}

#[test]
fn security_mechanisms_drop_what_asterisk_drops() {
    assert_eq!(
        applied(
            "endpoint",
            "security_mechanisms",
            "dtls-srtp;q=0.5, sdes-srtp;mediasec"
        )
        .unwrap(),
        "dtls-srtp, sdes-srtp;mediasec"
    );
    assert_eq!(
        applied("endpoint", "security_mechanisms", "bogus").unwrap(),
        ""
    );
    assert_eq!(
        applied("registration", "security_mechanisms", "msrp-tls;q=2").unwrap(),
        ""
    );
}

#[test]
fn digests_share_one_store() {
    let t = find_type("auth").unwrap();
    let mut o = Object::new(t, "x");
    let md5 = "0123456789abcdef0123456789abcdef";
    apply(&mut o, t.field_index("md5_cred").unwrap(), md5).unwrap();
    let sha = "a".repeat(64);
    apply(
        &mut o,
        t.field_index("password_digest").unwrap(),
        &format!("sha-256:{sha}"),
    )
    .unwrap();
    let set = o.objectset();
    let v = |n: &str| set.iter().find(|a| a.attribute == n).unwrap().value.clone();
    assert_eq!(v("md5_cred"), md5);
    assert_eq!(v("password_digest"), format!("MD5:{md5},SHA-256:{sha}"));
    assert!(apply(&mut o, t.field_index("md5_cred").unwrap(), "abc")
        .unwrap_err()
        .to_string()
        .contains("32 hex digits are needed"));
    assert!(apply(
        &mut o,
        t.field_index("password_digest").unwrap(),
        "SHA-1:abc"
    )
    .unwrap_err()
    .to_string()
    .contains("unknown algorithm"));
}

#[test]
fn aor_contacts_sort_by_md5_and_validate() {
    let v = applied(
        "aor",
        "contact",
        "sip:b@example.com,sip:a@example.com,sip:a@example.com",
    )
    .unwrap();
    let mut want = ["sip:a@example.com", "sip:b@example.com"];
    want.sort_by_key(|u| clib::md5_hex(u.as_bytes()));
    assert_eq!(v, want.join(" | "));
    assert!(applied("aor", "contact", "http://x")
        .unwrap_err()
        .contains("not a sip: or sips: URI"));
    assert!(
        applied("aor", "contact", &format!("sip:{}", "h".repeat(250)))
            .unwrap_err()
            .contains("host longer")
    );
}

#[test]
fn follow_redirect_and_identify_by() {
    assert_eq!(
        applied("endpoint", "follow_redirect_methods", " MESSAGE ").unwrap(),
        "message"
    );
    assert!(applied("endpoint", "follow_redirect_methods", "message,").is_err());
    assert!(applied("endpoint", "identify_by", "ip,bogus")
        .unwrap_err()
        .contains("unknown method 'bogus'"));
    assert_eq!(
        applied("endpoint", "identify_by", "ip, username,ip").unwrap(),
        "ip,username"
    );
    assert_eq!(applied("endpoint", "identify_by", "").unwrap(), "");
}

#[test]
fn small_kinds() {
    assert_eq!(
        applied("endpoint", "media_address", "10.0.0.1:5000").unwrap(),
        "10.0.0.1"
    );
    assert_eq!(
        applied("endpoint", "media_address", "media.example.com").unwrap(),
        "media.example.com"
    );
    assert_eq!(
        applied("contact", "expiration_time", "1700000000.75").unwrap(),
        "1700000000"
    );
    assert!(applied("contact", "expiration_time", "soon").is_err());
    assert_eq!(
        applied("resource_list", "event", &"e".repeat(40)).unwrap(),
        "e".repeat(31)
    );
    assert!(applied("resource_list", "event", "").is_err());
    assert!(applied("asterisk-publication", "device_state_filter", "(unclosed").is_err());
    assert!(applied("asterisk-publication", "device_state_filter", "^PJSIP/.*").is_ok());
    assert_eq!(
        applied(
            "subscription_persistence",
            "generator_data",
            "{ \"a\": [1, 2] }"
        )
        .unwrap(),
        "{\"a\":[1,2]}"
    );
    assert!(applied("endpoint", "from_user", "a b")
        .unwrap_err()
        .contains("character ' '"));
    assert!(applied("endpoint", "set_var", "NOEQUALS").is_err());
    assert_eq!(applied("endpoint", "set_var", " A = 1").unwrap(), "");
    assert!(
        applied("endpoint", "dtls_cert_file", "/nonexistent/cert.pem")
            .unwrap_err()
            .contains("not readable")
    );
}
