//! Type-level apply handlers (Asterisk 23.4.1): the checks and fix-ups Asterisk runs once all
//! fields are set. An `Err` rejects the whole object, as a failing apply handler does; it
//! names the attribute(s) at fault.

use std::net::{IpAddr, ToSocketAddrs};

use crate::model::{Object, Val};
use crate::schema::clib;
use crate::schema::values::{self, ast_true, Ha, PENDING_HOST};

/// A type's defaults as Asterisk shows them: a fresh object after its apply handler's
/// fix-ups (auth algorithms read MD5), whether or not the handler would accept it.
pub fn defaults(ty: &'static crate::schema::TypeDef) -> Object {
    let mut obj = Object::new(ty, "");
    if ty.name == "auth" {
        // The auth handler refuses a missing username before it fills the algorithm lists;
        // a placeholder lets its fix-ups run, then the username is unset again.
        obj.set("username", "-");
        let _ = apply_handler(&mut obj);
        obj.set("username", "");
    } else {
        let _ = apply_handler(&mut obj);
    }
    obj
}

/// Whether field `attr` (its exact name) set to `value` on a fresh object leaves it
/// unchanged and quiet: a default that reads back as itself.
pub fn reapplies(ty: &'static crate::schema::TypeDef, attr: &str, value: &str) -> bool {
    let mut obj = Object::new(ty, "x");
    let before = obj.objectset();
    let Some(idx) = ty.field_index_exact(attr) else {
        return false;
    };
    matches!(values::apply(&mut obj, idx, value), Ok(None)) && obj.objectset() == before
}

/// Why an apply handler refuses an object: its message, which opens with the attribute at
/// fault, and that attribute (the first one the message names), for callers that point at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub attribute: &'static str,
    pub message: String,
}

fn fault(attribute: &'static str, message: impl Into<String>) -> Fault {
    Fault {
        attribute,
        message: message.into(),
    }
}

/// A type's apply handler (Sorcery's per-type `apply` callback, run once all fields are
/// set), named in the type's table (`TypeDef::apply`). It may add warnings.
pub type Handler = fn(&mut Object, &mut Vec<String>) -> Result<(), Fault>;

/// Run the type's apply handler. Returns warnings on success.
pub fn apply_handler(obj: &mut Object) -> Result<Vec<String>, Fault> {
    let mut warnings = Vec::new();
    if let Some(handler) = obj.ty.apply {
        handler(obj, &mut warnings)?;
    }
    Ok(warnings)
}

pub fn contact(obj: &mut Object, _: &mut Vec<String>) -> Result<(), Fault> {
    require(obj, "uri", "a contact needs the URI it stands for")
}

pub fn domain_alias(obj: &mut Object, _: &mut Vec<String>) -> Result<(), Fault> {
    require(
        obj,
        "domain",
        "a domain_alias needs the domain it is an alias of",
    )
}

pub fn registration(obj: &mut Object, _: &mut Vec<String>) -> Result<(), Fault> {
    uri(
        obj,
        "server_uri",
        true,
        "a registration needs the registrar's URI, e.g. sip:registrar.example.com",
    )?;
    uri(
        obj,
        "client_uri",
        true,
        "a registration needs the address of record, e.g. sip:user@example.com",
    )?;
    let line = obj.str("line") == "true";
    let endpoint = obj.str("endpoint");
    if line && endpoint.is_empty() {
        return Err(fault(
            "line",
            "line=yes needs endpoint (the endpoint the line's calls go to)",
        ));
    }
    if !line && !endpoint.is_empty() {
        return Err(fault(
            "endpoint",
            format!("endpoint={endpoint} needs line=yes"),
        ));
    }
    Ok(())
}

pub fn outbound_publish(obj: &mut Object, _: &mut Vec<String>) -> Result<(), Fault> {
    uri(
        obj,
        "server_uri",
        true,
        "an outbound-publish needs the URI of the server to publish to",
    )?;
    require(
        obj,
        "event",
        "an outbound-publish needs the event it publishes (e.g. presence)",
    )?;
    uri(obj, "from_uri", false, "")?;
    uri(obj, "to_uri", false, "")
}

pub fn resource_list(obj: &mut Object, _: &mut Vec<String>) -> Result<(), Fault> {
    require(
        obj,
        "event",
        "a resource_list needs its event (presence or message-summary)",
    )?;
    if obj.get("list_item").is_some_and(Val::is_empty) {
        return Err(fault(
            "list_item",
            "list_item: a resource_list needs at least one list item",
        ));
    }
    Ok(())
}

fn require(obj: &Object, name: &'static str, why: &str) -> Result<(), Fault> {
    if obj.str(name).is_empty() {
        Err(fault(name, format!("{name}: {why}")))
    } else {
        Ok(())
    }
}

/// A URI field checked with ast_sip_validate_uri_length; `required` refuses it empty.
fn uri(obj: &Object, name: &'static str, required: bool, why: &str) -> Result<(), Fault> {
    let v = obj.str(name);
    if v.is_empty() {
        return if required {
            Err(fault(name, format!("{name}: {why}")))
        } else {
            Ok(())
        };
    }
    values::validate_uri_length(v).map_err(|e| fault(name, format!("{name}={v}: the URI {e}")))
}

pub fn auth(obj: &mut Object, _: &mut Vec<String>) -> Result<(), Fault> {
    static IX: std::sync::OnceLock<(usize, [usize; 5])> = std::sync::OnceLock::new();
    let [username, uas, uac, password, digest] = indices(
        &IX,
        obj.ty,
        [
            "username",
            "supported_algorithms_uas",
            "supported_algorithms_uac",
            "password",
            "password_digest",
        ],
    );
    if obj.vals[username].as_str().is_empty() {
        return Err(fault("username", "username: an auth needs a username"));
    }
    // Empty algorithm lists are filled from the global defaults (MD5 unless pjsip.conf says otherwise).
    for i in [uas, uac] {
        if obj.vals[i].is_empty() {
            obj.vals[i] = Val::L(vec!["MD5".to_string()]);
        }
    }
    let has_password = !obj.vals[password].as_str().is_empty();
    let digests: &[String] = obj.vals[digest].list();
    for i in [uas, uac] {
        let f = obj.ty.fields[i].name;
        for alg in obj.vals[i].list() {
            let has_digest = digests
                .iter()
                .any(|d| d.split_once(':').is_some_and(|(a, _)| a == alg));
            if !has_password && !has_digest {
                return Err(fault(
                    "password",
                    format!(
                    "password: no password or {alg} password_digest for algorithm {alg} in {f}{}",
                    if alg == "MD5" {
                        " (set password, or md5_cred)"
                    } else {
                        ""
                    }
                ),
                ));
            }
        }
    }
    Ok(())
}

fn num(obj: &Object, name: &str) -> u64 {
    obj.str(name).parse().unwrap_or(0)
}

/// The indices of `names` in `ty`, looked up once per call site: a handler serves one type
/// and runs for every object built and read back, where finding each name again showed.
fn indices<const N: usize>(
    cell: &'static std::sync::OnceLock<(usize, [usize; N])>,
    ty: &'static crate::schema::TypeDef,
    names: [&str; N],
) -> [usize; N] {
    let find = || names.map(|n| ty.field_index_exact(n).expect("a field of the type"));
    match cell.get_or_init(|| (ty.position(), find())) {
        (t, ix) if *t == ty.position() => *ix,
        _ => find(),
    }
}

pub fn endpoint(obj: &mut Object, warnings: &mut Vec<String>) -> Result<(), Fault> {
    static IX: std::sync::OnceLock<(usize, [usize; 12])> = std::sync::OnceLock::new();
    let [min_se, sess, session, owner, auto_cert, start, end, preferred_only, bundle, webrtc, geo_in, geo_out] =
        indices(
            &IX,
            obj.ty,
            [
                "timers_min_se",
                "timers_sess_expires",
                "sdp_session",
                "sdp_owner",
                "dtls_auto_generate_cert",
                "rtp_port_start",
                "rtp_port_end",
                "preferred_codec_only",
                "bundle",
                "webrtc",
                "geoloc_incoming_call_profile",
                "geoloc_outgoing_call_profile",
            ],
        );
    let num = |obj: &Object, i: usize| -> u64 { obj.vals[i].as_str().parse().unwrap_or(0) };
    let min_se = num(obj, min_se);
    if min_se < 90 {
        return Err(fault(
            "timers_min_se",
            format!("timers_min_se={min_se}: must be 90 or more"),
        ));
    }
    let sess = num(obj, sess);
    if sess < min_se {
        return Err(fault(
            "timers_sess_expires",
            format!("timers_sess_expires={sess}: must not be below timers_min_se ({min_se})"),
        ));
    }
    let session = obj.vals[session].as_str();
    if clib::skip_blanks(session).is_empty() {
        warnings.push(format!(
            "sdp_session='{session}': empty is not permitted (RFC 8866); Asterisk uses '-'"
        ));
        obj.set("sdp_session", "-");
    }
    let owner = obj.vals[owner].as_str();
    let first_word_end = clib::skip_blanks(owner).trim_start_matches(|c: char| (c as u32) > 32);
    if owner.is_empty() || !first_word_end.is_empty() {
        warnings.push(format!("sdp_owner='{owner}': empty or with spaces is not permitted (RFC 8866); Asterisk uses '-'"));
        obj.set("sdp_owner", "-");
    }
    if obj.vals[auto_cert].as_str() == "Yes" && !obj.str("dtls_cert_file").is_empty() {
        return Err(fault(
            "dtls_auto_generate_cert",
            "dtls_auto_generate_cert=yes cannot be combined with dtls_cert_file",
        ));
    }
    let (start, end) = (num(obj, start), num(obj, end));
    if start != 0 || end != 0 {
        if start == 0 || end == 0 {
            return Err(fault(
                "rtp_port_start",
                "rtp_port_start and rtp_port_end must be set together",
            ));
        }
        if start < 1024 || end < 1024 {
            return Err(fault(
                "rtp_port_start",
                "rtp_port_start and rtp_port_end must be 1024 or more",
            ));
        }
        if end <= start {
            return Err(fault(
                "rtp_port_end",
                format!("rtp_port_end={end} must be greater than rtp_port_start={start}"),
            ));
        }
    }
    if obj.vals[preferred_only].as_str() == "true" {
        if obj.str("incoming_call_offer_pref") != "local" {
            return Err(fault(
                "preferred_codec_only",
                format!(
                    "preferred_codec_only=yes cannot be combined with incoming_call_offer_pref={}",
                    obj.str("incoming_call_offer_pref")
                ),
            ));
        }
        // The handler turns "local" into "local first", which prints as local_first.
        obj.set("incoming_call_offer_pref", "local_first");
    }
    if obj.vals[bundle].as_str() == "true" {
        obj.set("rtcp_mux", "true");
    }
    if ast_true(obj.vals[webrtc].as_str()) {
        for (f, v) in [
            ("bundle", "true"),
            ("rtcp_mux", "true"),
            ("use_avpf", "true"),
            ("ice_support", "true"),
            ("media_use_received_transport", "true"),
            ("media_encryption", "dtls"),
            ("dtls_setup", "actpass"),
            ("dtls_verify", "Fingerprint"),
        ] {
            obj.set(f, v);
        }
        if obj.str("dtls_rekey") != "0" {
            warnings.push("dtls_rekey: DTLS renegotiation is not supported with WebRTC; Asterisk sets it to 0".into());
            obj.set("dtls_rekey", "0");
        }
        if obj.str("dtls_cert_file").is_empty() {
            obj.set("dtls_auto_generate_cert", "Yes");
        }
    }
    for i in [geo_in, geo_out] {
        let v = obj.vals[i].as_str();
        if !v.is_empty() {
            warnings.push(format!(
                "{}={v}: Asterisk refuses the endpoint unless res_geolocation is loaded and has this profile",
                obj.ty.fields[i].name
            ));
        }
    }
    Ok(())
}

/// ip_identify_apply: the required endpoint, something to match, header/URI syntax, and
/// hostnames resolved to addresses now (A/AAAA through this host's resolver).
pub fn identify(obj: &mut Object, warnings: &mut Vec<String>) -> Result<(), Fault> {
    require(
        obj,
        "endpoint",
        "an identify needs the endpoint it identifies",
    )?;
    let idx = obj.ty.field_index_exact("match").expect("identify match");
    let items = obj.vals[idx].list().to_vec();
    let (hosts, mut matches): (Vec<String>, Vec<String>) =
        items.into_iter().partition(|m| m.starts_with(PENDING_HOST));
    if obj.str("match_header").is_empty()
        && obj.str("match_request_uri").is_empty()
        && matches.is_empty()
        && hosts.is_empty()
    {
        return Err(fault("match", "match: an identify needs something to match (match, match_header or match_request_uri)"));
    }
    let header = obj.str("match_header").to_string();
    if !header.is_empty() {
        let Some((name, value)) = header.split_once(':') else {
            return Err(fault(
                "match_header",
                format!("match_header={header}: expected 'Header-Name: value' (no ':' found)"),
            ));
        };
        if clib::strip(name).is_empty() {
            return Err(fault(
                "match_header",
                format!("match_header={header}: the header name is empty"),
            ));
        }
        regex_literal("match_header", clib::strip(value))?;
    }
    let ruri = obj.str("match_request_uri").to_string();
    if !ruri.is_empty() {
        regex_literal("match_request_uri", &ruri)?;
    }
    // Hostnames wait in a hash container (53 buckets) and resolve in its order.
    let mut hosts: Vec<String> = hosts
        .into_iter()
        .map(|h| h[PENDING_HOST.len_utf8()..].to_string())
        .collect();
    hosts.sort_by_key(|h| clib::str_hash(h) % 53);
    let srv = obj.str("srv_lookups") == "true";
    let locality = values::locality();
    if locality == values::Locality::Remote {
        // Asterisk resolves them on its own host: nothing is resolved here.
        matches.extend(hosts);
        obj.vals[idx] = Val::L(matches);
        return Ok(());
    }
    for host in hosts {
        let (name, port) = clib::split_hostport(&host);
        let port: u16 = port.and_then(|p| p.parse().ok()).unwrap_or(0);
        if srv && !host.contains(':') {
            warnings.push(format!(
                "match={host}: Asterisk first looks up SRV records (_sip._udp, _sip._tcp, _sips._tcp) for it; \
                 pjsipctl resolves A/AAAA only (set srv_lookups=no to match exactly)"
            ));
        }
        let addrs: Vec<std::net::SocketAddr> = match (name, port).to_socket_addrs() {
            Ok(a) => a.collect(),
            Err(e) if locality == values::Locality::Embedded => {
                warnings.push(format!(
                    "match={host}: the host name does not resolve on this machine ({e}); it is left out \
                     (astdb stores addresses only; Asterisk on its own host would resolve it or refuse the identify)"
                ));
                continue;
            }
            Err(e) => {
                return Err(fault(
                    "match",
                    format!(
                "match={host}: the host name does not resolve ({e}); Asterisk refuses the identify"
            ),
                ))
            }
        };
        if addrs.is_empty() {
            return Err(fault(
                "match",
                format!(
                "match={host}: the host name resolves to no address; Asterisk refuses the identify"
            ),
            ));
        }
        let mut added = 0;
        for a in addrs {
            let sa = clib::SockAddr {
                ip: clib::unmap(a.ip()),
                port: a.port(),
            };
            if !apply_ha_allows(&matches, &sa) {
                continue;
            }
            let ha = values::parse_ha(&clib::addr_port_str(&sa), clib::PortRule::Optional)
                .map_err(|e| fault("match", format!("match={host}: {e}")))?;
            matches.push(values::ha_str(&ha, true));
            added += 1;
        }
        if added == 0 {
            warnings.push(format!(
                "match={host}: resolves only to addresses already matched"
            ));
        }
        warnings.push(format!(
            "match={host}: resolved now to the addresses shown; Asterisk resolves it again at each load, \
             but astdb stores only these addresses"
        ));
    }
    obj.vals[idx] = Val::L(matches);
    Ok(())
}

/// ast_apply_ha over printed match entries: does the address pass (ALLOW) the list?
fn apply_ha_allows(entries: &[String], addr: &clib::SockAddr) -> bool {
    let mut allow = true;
    for e in entries {
        let Ok(ha) = values::parse_ha(e, clib::PortRule::Optional) else {
            continue;
        };
        if matches_ha(&ha, addr) {
            allow = ha.allow;
        }
    }
    allow
}

fn matches_ha(ha: &Ha, addr: &clib::SockAddr) -> bool {
    if ha.addr.port != 0 && ha.addr.port != addr.port {
        return false;
    }
    match (ha.addr.ip, addr.ip, ha.mask) {
        (IpAddr::V4(h), IpAddr::V4(a), IpAddr::V4(m)) => {
            u32::from(a) & u32::from(m) == u32::from(h)
        }
        (IpAddr::V6(h), IpAddr::V6(a), IpAddr::V6(m)) => {
            u128::from(a) & u128::from(m) == u128::from(h)
        }
        _ => false,
    }
}

/// A `/regex/` value must compile (regcomp REG_EXTENDED); `//` means the empty string.
fn regex_literal(name: &'static str, value: &str) -> Result<(), Fault> {
    if value.len() > 2 && value.starts_with('/') && value.ends_with('/') {
        values::posix_regex_check(&value[1..value.len() - 1]).map_err(|e| {
            fault(
                name,
                format!("{name}={value}: the regular expression does not compile ({e})"),
            )
        })?;
    }
    Ok(())
}

pub fn transport(obj: &mut Object, warnings: &mut Vec<String>) -> Result<(), Fault> {
    if obj.str("async_operations") != "1" {
        warnings.push(format!(
            "async_operations={}: it can no longer be set and is always 1",
            obj.str("async_operations")
        ));
        obj.set("async_operations", "1");
    }
    if obj.str("protocol") == "flow" {
        return Ok(());
    }
    let bind = obj.str("bind").to_string();
    let Some(mut a) = clib::sockaddr_parse(&bind, clib::PortRule::Optional) else {
        return Err(fault(
            "bind",
            "bind: a transport needs the address to bind to (e.g. 0.0.0.0 or 0.0.0.0:5060)",
        ));
    };
    if a.port == 0 {
        a.port = if obj.str("protocol") == "tls" {
            5061
        } else {
            5060
        };
        let i = obj.ty.field_index_exact("bind").expect("bind");
        obj.vals[i] = Val::S(clib::addr_port_str(&a).into());
    }
    Ok(())
}

pub fn global(obj: &mut Object, warnings: &mut Vec<String>) -> Result<(), Fault> {
    require(obj, "debug", "must not be empty (no is the default)")?;
    require(
        obj,
        "default_from_user",
        "must not be empty (asterisk is the default)",
    )?;
    for f in ["default_auth_algorithms_uas", "default_auth_algorithms_uac"] {
        let v = obj.str(f).to_string();
        let ok = clib::split_list(&v).all(|a| {
            ["MD5", "SHA-256", "SHA-512-256"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(a))
        });
        if !ok {
            warnings.push(format!("{f}={v}: invalid algorithm; Asterisk uses MD5"));
            obj.set(f, "MD5");
        }
    }
    Ok(())
}

pub fn system(obj: &mut Object, warnings: &mut Vec<String>) -> Result<(), Fault> {
    let mut t1 = num(obj, "timer_t1");
    if t1 < 100 {
        warnings.push(format!("timer_t1={t1}: too low; Asterisk uses 100"));
        obj.set("timer_t1", "100");
        t1 = 100;
    }
    let min_b = 64 * t1;
    if num(obj, "timer_b") < min_b {
        warnings.push(format!(
            "timer_b={}: too low; Asterisk uses {min_b}",
            obj.str("timer_b")
        ));
        let i = obj.ty.field_index_exact("timer_b").expect("timer_b");
        obj.vals[i] = Val::S(min_b.to_string().into());
    }
    Ok(())
}
