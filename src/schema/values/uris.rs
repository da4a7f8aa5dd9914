//! URIs and their user part (res/res_pjsip/location.c: permanent_uri_handler,
//! ast_sip_validate_uri_length; res/res_pjsip/pjsip_configuration.c: from_user_handler).

use super::*;

/// What these kinds accept, in words.
pub(super) fn accepted(k: &Kind) -> String {
    match k {
        Kind::FromUser => "letters, digits and -._~%!$&'()*+,;=:".into(),
        Kind::AorContact => "a comma list of sip: or sips: URIs".into(),
        _ => unreachable!("not a kind of this family"),
    }
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub(super) fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let ty: &'static crate::schema::TypeDef = obj.ty;
    let fd = &ty.fields[idx];
    let kind = &fd.kind;
    let fail = |problem: String| -> Applied { Err(BadValue::of(kind, problem)) };
    match kind {
        Kind::FromUser => {
            if let Some(c) = input
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:".contains(*c)))
            {
                return fail(format!("character '{c}' is not allowed"));
            }
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::AorContact => {
            if input.is_empty() {
                return Ok(None);
            }
            let mut add = Vec::new();
            for tok in split_list(input) {
                if let Err(e) = validate_uri_length(tok) {
                    return fail(format!("'{tok}' {e}"));
                }
                add.push(tok.to_string());
            }
            if let Val::L(l) = &mut obj.vals[idx] {
                for a in add {
                    // Permanent contacts live in a list sorted by "<aor>@@<md5(uri)>"; a
                    // repeated URI is rejected by the container.
                    let key = clib::md5_hex(a.as_bytes());
                    if l.contains(&a) {
                        continue;
                    }
                    let pos = l
                        .iter()
                        .position(|x| clib::md5_hex(x.as_bytes()) > key)
                        .unwrap_or(l.len());
                    l.insert(pos, a);
                }
            }
            Ok(None)
        }
        _ => unreachable!("not a kind of this family"),
    }
}

/// Why ast_sip_validate_uri_length refuses a URI (said after the URI: "'sip:…' is …").
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UriError {
    #[error("is longer than 511 characters")]
    TooLong,
    #[error("is not a sip: or sips: URI")]
    NotSip,
    #[error("has an IPv6 host without ']'")]
    UnclosedIpv6,
    #[error("has a host longer than {0} characters")]
    HostTooLong(usize),
}

/// ast_sip_validate_uri_length with pjproject's PJ_MAX_HOSTNAME 256 and PJSIP_MAX_URL_SIZE 512.
pub fn validate_uri_length(uri: &str) -> Result<(), UriError> {
    if uri.len() > 511 {
        return Err(UriError::TooLong);
    }
    let contact = clib::strip_quoted(uri, "<", ">");
    let lower = contact.to_ascii_lowercase();
    let mut host = if lower.starts_with("sip:") {
        &contact[4..]
    } else if lower.starts_with("sips:") {
        &contact[5..]
    } else {
        return Err(UriError::NotSip);
    };
    if let Some(at) = contact.find('@') {
        host = &contact[at + 1..];
    }
    let mut port = false;
    if let Some(rest) = host.strip_prefix('[') {
        let Some(close) = rest.find(']') else {
            return Err(UriError::UnclosedIpv6);
        };
        port = rest[close + 1..].starts_with(':');
        host = &host[..close + 2];
    } else {
        host = host.split([';', '?']).next().unwrap_or("");
        if let Some((h, _)) = host.split_once(':') {
            port = true;
            host = h;
        }
    }
    let max = if port { 255 } else { 255 - "_sips.tcp.".len() };
    if host.len() > max {
        return Err(UriError::HostTooLong(max));
    }
    Ok(())
}
