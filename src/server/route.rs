//! ARI's URL tree, as far as `serve` answers it. Segments are decoded as Asterisk
//! decodes them (ast_uri_http_legacy: `%XX`, and `+` as a space), and the walk stops
//! at the first empty segment, like res_ari.c's strsep loop.

use crate::schema::TYPES;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// /asterisk/config/dynamic/{configClass}/{objectType}/{id}
    Config {
        class: String,
        ty: String,
        id: String,
    },
    /// A node of the tree without handlers of its own: 405 for every method.
    Node,
    Info,
    Ping,
    Modules,
    Module(String),
    /// /endpoints or /endpoints/{tech}
    Endpoints(Option<String>),
    Endpoint(String, String),
    NotFound,
}

/// Percent-decode one segment or query part; `+` is a space; bad escapes stay as they are.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// The ARI path below `/ari/` (raw, without a trailing slash).
pub fn route(uri: &str) -> Route {
    let segs: Vec<String> = uri
        .split('/')
        .take_while(|s| !s.is_empty())
        .map(decode)
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["asterisk", "config", "dynamic", class, ty, id] => Route::Config {
            class: class.to_string(),
            ty: ty.to_string(),
            id: id.to_string(),
        },
        ["asterisk"]
        | ["asterisk", "config"]
        | ["asterisk", "config", "dynamic"]
        | ["asterisk", "config", "dynamic", _]
        | ["asterisk", "config", "dynamic", _, _] => Route::Node,
        ["asterisk", "info"] => Route::Info,
        ["asterisk", "ping"] => Route::Ping,
        ["asterisk", "modules"] => Route::Modules,
        ["asterisk", "modules", name] => Route::Module(name.to_string()),
        ["endpoints"] => Route::Endpoints(None),
        ["endpoints", tech] => Route::Endpoints(Some(tech.to_string())),
        ["endpoints", tech, res] => Route::Endpoint(tech.to_string(), res.to_string()),
        _ => Route::NotFound,
    }
}

/// The modules `serve` stands in for, with their AST_MODULE_INFO descriptions.
pub static MODULES: &[(&str, &str)] = &[
    ("res_pjsip", "Basic SIP resource"),
    ("res_pjsip_acl", "PJSIP ACL Resource"),
    (
        "res_pjsip_endpoint_identifier_ip",
        "PJSIP IP endpoint identifier",
    ),
    (
        "res_pjsip_outbound_publish",
        "PJSIP Outbound Publish Support",
    ),
    (
        "res_pjsip_outbound_registration",
        "PJSIP Outbound Registration Support",
    ),
    (
        "res_pjsip_publish_asterisk",
        "PJSIP Asterisk Event PUBLISH Support",
    ),
    ("res_pjsip_pubsub", "PJSIP event resource"),
    ("res_sorcery_astdb", "Sorcery Astdb Object Wizard"),
];

/// A module's description, as Asterisk reports it.
pub fn description(module: &str) -> &'static str {
    MODULES
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, d)| *d)
        .unwrap_or("")
}

/// A module name as ARI accepts it (with or without `.so`, any case).
pub fn module(name: &str) -> Option<&'static str> {
    let n = name
        .strip_suffix(".so")
        .or_else(|| name.strip_suffix(".SO"))
        .unwrap_or(name);
    debug_assert!(TYPES
        .iter()
        .all(|t| t.section == "acl" || MODULES.iter().any(|(m, _)| *m == t.section)));
    MODULES
        .iter()
        .map(|(m, _)| *m)
        .find(|m| m.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_asterisk() {
        assert_eq!(decode("alice%20bob"), "alice bob");
        assert_eq!(decode("a+b"), "a b");
        assert_eq!(decode("a%2Bb"), "a+b");
        assert_eq!(decode("a%2Fb"), "a/b");
        assert_eq!(decode("100%25"), "100%");
        assert_eq!(decode("%C3%85lice"), "Ålice");
        assert_eq!(decode("bad%zz%4"), "bad%zz%4");
        assert_eq!(decode("%"), "%");
    }

    #[test]
    fn routes_the_config_tree() {
        assert_eq!(
            route("asterisk/config/dynamic/res_pjsip/aor/a%2Fb"),
            Route::Config {
                class: "res_pjsip".into(),
                ty: "aor".into(),
                id: "a/b".into()
            }
        );
        assert_eq!(route("asterisk/config/dynamic/res_pjsip/aor"), Route::Node);
        assert_eq!(
            route("asterisk/config/dynamic/res_pjsip/aor/a/b"),
            Route::NotFound
        );
        assert_eq!(
            route("asterisk/config/dynamic/res_pjsip/aor/.."),
            Route::Config {
                class: "res_pjsip".into(),
                ty: "aor".into(),
                id: "..".into()
            }
        );
        assert_eq!(
            route("endpoints/PJSIP"),
            Route::Endpoints(Some("PJSIP".into()))
        );
        assert_eq!(route("channels"), Route::NotFound);
        assert_eq!(module("RES_PJSIP.so"), Some("res_pjsip"));
        assert_eq!(module("chan_sip"), None);
    }
}
