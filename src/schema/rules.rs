//! Type-level apply handlers: the checks and fix-ups Asterisk runs once all fields are set.
//! An `Err` rejects the whole object, as a failing apply handler does.

use crate::model::{Object, Val};
use crate::schema::values::ast_true;

/// Run the type's apply handler. Returns warnings on success.
pub fn apply_handler(obj: &mut Object) -> Result<Vec<String>, String> {
    let mut warnings = Vec::new();
    match obj.ty.name {
        "auth" => auth(obj)?,
        "endpoint" => endpoint(obj, &mut warnings)?,
        "contact" => require(obj, "uri", "a contact needs uri (sip:user@host)")?,
        "domain_alias" => require(
            obj,
            "domain",
            "a domain_alias needs domain (the domain it stands for)",
        )?,
        "identify" => {
            require(
                obj,
                "endpoint",
                "an identify needs endpoint (the endpoint it identifies)",
            )?;
            if obj.get("match").is_some_and(Val::is_empty)
                && obj.str("match_header").is_empty()
                && obj.str("match_request_uri").is_empty()
            {
                return Err("an identify needs something to match: match, match_header or match_request_uri".into());
            }
        }
        "registration" => {
            sip_uri(
                obj,
                "server_uri",
                "a registration needs server_uri (sip:registrar[:port])",
            )?;
            sip_uri(
                obj,
                "client_uri",
                "a registration needs client_uri (sip:user@domain)",
            )?;
        }
        "outbound-publish" => {
            sip_uri(obj, "server_uri", "an outbound-publish needs server_uri")?;
            require(
                obj,
                "event",
                "an outbound-publish needs event (e.g. presence)",
            )?;
        }
        "resource_list" => {
            require(
                obj,
                "event",
                "a resource_list needs event (presence or message-summary)",
            )?;
            if obj.get("list_item").is_some_and(Val::is_empty) {
                return Err("a resource_list needs at least one list_item".into());
            }
        }
        _ => {}
    }
    Ok(warnings)
}

fn require(obj: &Object, name: &str, why: &str) -> Result<(), String> {
    if obj.str(name).trim().is_empty() {
        Err(why.to_string())
    } else {
        Ok(())
    }
}

fn sip_uri(obj: &Object, name: &str, why: &str) -> Result<(), String> {
    require(obj, name, why)?;
    let v = obj.str(name).to_ascii_lowercase();
    if !(v.starts_with("sip:") || v.starts_with("sips:")) {
        return Err(format!(
            "{name}={}: not a SIP URI (expected sip:... or sips:...)",
            obj.str(name)
        ));
    }
    Ok(())
}

fn auth(obj: &mut Object) -> Result<(), String> {
    // Empty algorithm lists are filled from the global defaults (MD5 unless pjsip.conf says otherwise).
    for f in ["supported_algorithms_uac", "supported_algorithms_uas"] {
        let i = obj.ty.field_index_exact(f).expect("auth field");
        if obj.vals[i].is_empty() {
            obj.vals[i] = Val::L(vec!["MD5".to_string()]);
        }
    }
    require(obj, "username", "an auth needs username")?;
    let has_digest = !obj.str("password_digest").is_empty();
    match obj.str("auth_type") {
        "md5" if obj.str("md5_cred").is_empty() && !has_digest => {
            return Err("auth_type=md5 needs md5_cred (the 32-digit hex digest)".into())
        }
        "userpass" | "digest" if obj.str("password").is_empty() && !has_digest => {
            return Err("an auth needs password (or password_digest) for its algorithms".into())
        }
        _ => {}
    }
    Ok(())
}

fn num(obj: &Object, name: &str) -> u64 {
    obj.str(name).parse().unwrap_or(0)
}

fn endpoint(obj: &mut Object, warnings: &mut Vec<String>) -> Result<(), String> {
    let min_se = num(obj, "timers_min_se");
    if min_se < 90 {
        return Err(format!("timers_min_se={min_se}: must be at least 90"));
    }
    let sess = num(obj, "timers_sess_expires");
    if sess < min_se {
        return Err(format!(
            "timers_sess_expires={sess}: must not be below timers_min_se ({min_se})"
        ));
    }
    if obj.str("dtls_auto_generate_cert") == "Yes" && !obj.str("dtls_cert_file").is_empty() {
        return Err("dtls_auto_generate_cert=yes cannot be combined with dtls_cert_file".into());
    }
    let (start, end) = (num(obj, "rtp_port_start"), num(obj, "rtp_port_end"));
    if start != 0 || end != 0 {
        if start == 0 || end == 0 {
            return Err("rtp_port_start and rtp_port_end must be set together".into());
        }
        if start < 1024 || end < 1024 {
            return Err("rtp_port_start and rtp_port_end must be 1024 or above".into());
        }
        if end <= start {
            return Err(format!(
                "rtp_port_end={end} must be above rtp_port_start={start}"
            ));
        }
    }
    if obj.str("preferred_codec_only") == "true" && obj.str("incoming_call_offer_pref") != "local" {
        return Err(
            "preferred_codec_only=yes only works with incoming_call_offer_pref=local".into(),
        );
    }
    for p in [
        "geoloc_incoming_call_profile",
        "geoloc_outgoing_call_profile",
    ] {
        if !obj.str(p).is_empty() {
            warnings.push(format!(
                "{p}={}: Asterisk refuses the endpoint if res_geolocation lacks this profile",
                obj.str(p)
            ));
        }
    }
    let owner = obj.str("sdp_owner");
    if owner.is_empty() || owner.contains(' ') {
        obj.set("sdp_owner", "-");
    }
    if obj.str("sdp_session").is_empty() {
        obj.set("sdp_session", "-");
    }
    if ast_true(obj.str("webrtc")) {
        for (f, v) in [
            ("rtcp_mux", "true"),
            ("use_avpf", "true"),
            ("ice_support", "true"),
            ("media_use_received_transport", "true"),
            ("media_encryption", "dtls"),
            ("dtls_verify", "Fingerprint"),
            ("dtls_setup", "actpass"),
            ("bundle", "true"),
        ] {
            obj.set(f, v);
        }
    }
    if obj.str("bundle") == "true" {
        obj.set("rtcp_mux", "true");
    }
    Ok(())
}
