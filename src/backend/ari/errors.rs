//! ARI's answers turned into pjsipctl's errors: each says what failed, on which
//! object, and what to change. Asterisk's own texts are quoted so they can be searched.

use crate::backend::ari::http::Failure;
use crate::error::{Error, Exit};
use crate::schema::TypeDef;
use crate::sorcery_conf::Mapping;

/// What was being done when an answer or failure came back.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// ARI base URL.
    pub base: &'a str,
    pub user: Option<&'a str>,
    /// The request, for messages: "PUT aor alice".
    pub what: &'a str,
    /// The user's verb: push, show, delete, list, ping, reload.
    pub verb: &'a str,
    pub ty: Option<&'static TypeDef>,
    pub id: Option<&'a str>,
}

impl Call<'_> {
    fn object(&self) -> String {
        match (self.ty, self.id) {
            (Some(t), Some(id)) => format!("{} {id}", t.name),
            (Some(t), None) => t.plural.to_string(),
            _ => self.what.to_string(),
        }
    }
}

/// The `message` (or `error`) of an ARI error body, else the start of the body.
pub fn message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        for k in ["message", "error"] {
            if let Some(m) = v.get(k).and_then(|m| m.as_str()) {
                return m.to_string();
            }
        }
    }
    snippet(body)
}

/// At most 120 characters of a body, on one line.
pub fn snippet(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(body);
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let s = s.trim();
    if s.is_empty() {
        return "(empty body)".into();
    }
    match s.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The Asterisk module that registers a type (for "load it" hints).
pub fn module_of(ty: &TypeDef) -> &'static str {
    if ty.section == "acl" {
        "res_pjsip_acl"
    } else {
        ty.section
    }
}

fn credentials_hint(c: &Call) -> String {
    match c.user {
        None => "ARI needs a user from ari.conf: pass --user NAME (password from PJSIPCTL_PASSWORD, --password-file or a prompt)".into(),
        Some(u) => format!(
            "check the password of '{u}' in ari.conf ([{u}] type=user); pjsipctl reads it from --password-file, PJSIPCTL_PASSWORD, the target's password_file, or a prompt"
        ),
    }
}

/// An answer with an error status.
pub fn status_error(status: u16, body: &[u8], c: &Call) -> Error {
    let msg = message(body);
    let quoted = format!("{status} {msg}");
    let object = c.object();
    match status {
        401 => Error::refused(format!(
            "ARI {} refused the credentials{} ({quoted})",
            c.base,
            c.user.map(|u| format!(" of user '{u}'")).unwrap_or_default()
        ))
        .hint(credentials_hint(c)),
        403 if msg.starts_with("Cannot create")
            || msg.starts_with("Cannot update")
            || msg.starts_with("Could not delete") =>
        {
            let ty = c.ty.map(|t| t.name).unwrap_or("these");
            let e = Error::refused(format!(
                "cannot {} {ty} objects: Asterisk refuses ({quoted}) because sorcery.conf maps them to a read-only wizard (the static pjsip.conf)",
                c.verb
            ));
            match c.ty {
                Some(t) => e.hint(format!(
                    "to store them in astdb, add to /etc/asterisk/sorcery.conf on the Asterisk host, then restart Asterisk:\n{}",
                    Mapping::writable_line(t)
                )),
                None => e,
            }
        }
        403 if msg == "Write access denied" => {
            Error::refused(format!("ARI user '{}' may only read ({quoted})", c.user.unwrap_or("?")))
                .hint("set read_only = no for that user in ari.conf, or use another user")
        }
        403 => Error::refused(format!("ARI {} refused {} ({quoted})", c.base, c.what))
            .hint("check ari.conf and http.conf on the Asterisk host (ACLs, read_only users)"),
        404 if msg.starts_with("Object with id") => Error::not_found(format!("{object} not found in ARI {}", c.base)),
        404 if msg.starts_with("objectType") => {
            let name = c.ty.map(|t| t.name).unwrap_or("?");
            let e = Error::storage(format!(
                "Asterisk does not know the type '{name}' ({quoted}), so {object} cannot be reached"
            ));
            match c.ty {
                Some(t) => {
                    e.hint(format!("its module is not loaded: run `module load {}` on the Asterisk CLI", module_of(t)))
                }
                None => e,
            }
        }
        404 if msg.starts_with("configClass") => {
            Error::storage(format!("Asterisk has no res_pjsip configuration ({quoted}), so {object} cannot be reached"))
                .hint("res_pjsip is not loaded: run `module load res_pjsip` on the Asterisk CLI")
        }
        404 | 405 => Error::storage(format!("{} does not answer {} like Asterisk's ARI ({quoted})", c.base, c.what))
            .hint("the URL must be ARI's base, e.g. http://127.0.0.1:8088/ari (http.conf prefix included, if any)"),
        400 => Error::invalid(format!("Asterisk refused {object} ({quoted})")),
        409 => Error::refused(format!("Asterisk cannot do {} now ({quoted})", c.what)),
        413 => Error::invalid(format!(
            "the request for {object} is too large for Asterisk ({quoted}; at most 40960 bytes)"
        )),
        500 if msg == "Allocation failed" => allocation_failed(c, &quoted),
        503 => {
            Error::storage(format!("Asterisk is not fully booted yet ({quoted})")).hint("try again in a few seconds")
        }
        _ => Error::storage(format!("ARI {} answered {} with {quoted}", c.base, c.what)),
    }
}

/// 500 "Allocation failed": Asterisk could not copy the stored object or print the result.
fn allocation_failed(c: &Call, quoted: &str) -> Error {
    let object = c.object();
    match c.ty.map(|t| t.name) {
        Some(t @ ("acl" | "inbound-publication")) => Error::refused(format!(
            "{object}: Asterisk answered {quoted}: {} {t} object prints no attributes, so ARI cannot answer for it and astdb cannot hold it",
            crate::schema::article(t)
        ))
        .hint(format!(
            "define {t} objects in a static config file ({}) instead; Asterisk may have stored an empty row: delete it with `pjsipctl delete {t} {}`",
            if t == "acl" { "acl.conf or pjsip.conf" } else { "pjsip.conf" },
            c.id.unwrap_or("ID")
        )),
        Some("endpoint") => Error::storage(format!(
            "{object}: Asterisk answered {quoted}: it could not copy the stored endpoint to update it, which happens when it has no codec (allow=(nothing))"
        ))
        .hint(format!(
            "delete it and push it whole with its codecs: pjsipctl delete endpoint {0} --yes && pjsipctl push endpoint {0} allow=ulaw,alaw ...",
            c.id.unwrap_or("ID")
        )),
        _ => Error::storage(format!("{object}: Asterisk answered {quoted}: it could not copy the stored object or print the result"))
            .hint("check the Asterisk log for the attribute it could not read back; delete the object and push it whole"),
    }
}

/// A request that got no answer.
pub fn failure_error(f: &Failure, c: &Call, timeout: f64, tried_twice: bool) -> Error {
    let what = c.what;
    let base = c.base;
    match f {
        Failure::Refused(_) => Error::storage(format!("cannot reach ARI {base} ({what}): connection refused"))
            .hint("is Asterisk running, with enabled=yes and this port in http.conf? `pjsipctl ping` checks"),
        Failure::Timeout => Error::storage(format!("ARI {base} did not answer {what} within {timeout} s"))
            .hint("raise --timeout, or check that the host and port are Asterisk's HTTP server"),
        Failure::Tls(d) => Error::storage(format!("TLS with {base} failed ({what}): {d}"))
            .hint("trust the server's CA with --cacert FILE (or, in a lab only, --insecure); an http:// port does not speak TLS"),
        Failure::Lost(d) => Error::storage(format!(
            "ARI {base} closed the connection before answering {what}{}: {d}",
            if tried_twice { " (tried twice)" } else { "" }
        ))
        .hint("check the Asterisk log; a proxy or an Asterisk crash can cut the connection"),
        Failure::Connect(d) => Error::storage(format!("cannot connect to ARI {base} ({what}): {d}")),
        Failure::Other(d) => Error::new(Exit::Storage, format!("ARI request {what} to {base} failed: {d}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::find_type;

    fn call(ty: &str, id: &'static str, verb: &'static str) -> Call<'static> {
        Call {
            base: "http://h/ari",
            user: Some("asterisk"),
            what: "PUT x",
            verb,
            ty: find_type(ty),
            id: Some(id),
        }
    }

    fn golden_body(status: u16, msg: &str) -> Vec<u8> {
        let k = if status == 500 { "error" } else { "message" };
        serde_json::to_vec(&serde_json::json!({ k: msg })).unwrap()
    }

    #[test]
    fn every_ari_error_maps_to_an_exit_and_a_hint() {
        let cases: &[(u16, &str, &str, Exit, &str, &str)] = &[
            (
                401,
                "Authentication required",
                "aor",
                Exit::Refused,
                "refused the credentials of user 'asterisk'",
                "ari.conf",
            ),
            (
                403,
                "Cannot create sorcery objects of type 'transport'",
                "transport",
                Exit::Refused,
                "cannot push transport objects",
                "transport=astdb,ps_transports",
            ),
            (
                403,
                "Cannot update sorcery objects of type 'global'",
                "global",
                Exit::Refused,
                "read-only wizard",
                "[res_pjsip]\nglobal=astdb,ps_globals",
            ),
            (
                403,
                "Write access denied",
                "aor",
                Exit::Refused,
                "may only read",
                "read_only = no",
            ),
            (
                404,
                "Object with id 'x' not found",
                "aor",
                Exit::NotFound,
                "aor x not found in ARI http://h/ari",
                "",
            ),
            (
                404,
                "objectType 'registration' not found",
                "registration",
                Exit::Storage,
                "does not know the type 'registration'",
                "module load res_pjsip_outbound_registration",
            ),
            (
                404,
                "configClass 'res_pjsip' not found",
                "aor",
                Exit::Storage,
                "no res_pjsip configuration",
                "module load res_pjsip",
            ),
            (
                404,
                "Resource not found",
                "aor",
                Exit::Storage,
                "does not answer",
                "/ari",
            ),
            (
                405,
                "Invalid method",
                "aor",
                Exit::Storage,
                "does not answer",
                "/ari",
            ),
            (
                413,
                "Request body too large",
                "aor",
                Exit::Invalid,
                "too large",
                "",
            ),
            (
                500,
                "Allocation failed",
                "acl",
                Exit::Refused,
                "prints no attributes",
                "acl.conf",
            ),
            (
                500,
                "Allocation failed",
                "endpoint",
                Exit::Storage,
                "no codec",
                "allow=ulaw,alaw",
            ),
            (
                500,
                "Allocation failed",
                "aor",
                Exit::Storage,
                "could not copy",
                "",
            ),
            (
                503,
                "Asterisk not booted",
                "aor",
                Exit::Storage,
                "not fully booted",
                "again",
            ),
            (
                502,
                "Bad Gateway",
                "aor",
                Exit::Storage,
                "answered PUT x with 502 Bad Gateway",
                "",
            ),
        ];
        for (status, msg, ty, exit, text, hint) in cases {
            let e = status_error(*status, &golden_body(*status, msg), &call(ty, "x", "push"));
            assert_eq!(e.exit, *exit, "{status} {msg}: {}", e.message);
            assert!(e.message.contains(text), "{status} {msg}: {}", e.message);
            if !msg.starts_with("Object with id") {
                // Asterisk's own words are quoted (a missing object reads as on the embedded engine).
                assert!(
                    e.message.contains(msg),
                    "Asterisk's text is quoted: {}",
                    e.message
                );
            }
            assert!(
                e.hint.as_deref().unwrap_or("").contains(hint),
                "{status} {msg}: {:?}",
                e.hint
            );
        }
    }

    #[test]
    fn missing_user_gets_a_user_hint() {
        let mut c = call("aor", "x", "show");
        c.user = None;
        let e = status_error(401, br#"{"message":"Authentication required"}"#, &c);
        assert!(e.hint.unwrap().contains("--user NAME"));
    }

    #[test]
    fn failures_name_the_request() {
        let c = call("aor", "x", "push");
        for (f, text) in [
            (Failure::Refused("x".into()), "connection refused"),
            (Failure::Timeout, "did not answer PUT x within 1.5 s"),
            (
                Failure::Tls("bad cert".into()),
                "TLS with http://h/ari failed",
            ),
            (
                Failure::Lost("eof".into()),
                "closed the connection before answering PUT x (tried twice)",
            ),
        ] {
            let e = failure_error(&f, &c, 1.5, true);
            assert_eq!(e.exit, Exit::Storage);
            assert!(e.message.contains(text), "{}", e.message);
        }
    }

    #[test]
    fn message_reads_ari_bodies() {
        assert_eq!(
            message(br#"{"message":"Invalid method"}"#),
            "Invalid method"
        );
        assert_eq!(
            message(br#"{"error":"Allocation failed"}"#),
            "Allocation failed"
        );
        assert_eq!(
            message(b"<html>\n<title>404</title>"),
            "<html> <title>404</title>"
        );
        assert_eq!(message(b""), "(empty body)");
    }
}
