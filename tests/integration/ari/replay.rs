//! A stand-in for the recorded Asterisk 23.4.1: every PUT is answered with the
//! recorded exchange for the same object and fields (status and body verbatim), GETs
//! and DELETEs from what those answers stored, and every request is checked against
//! the wire rules the recordings proved (auth header, path encoding, Content-Type,
//! a body of string fields only). Requests the recordings do not cover are violations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::{json, Value};

use crate::ari::stub::{Act, Req, Stub};
use crate::common::{fixtures, golden};

/// The recording's credentials (shared/asterisk/conf/ari.conf).
pub const USER: &str = "asterisk";
pub const PASSWORD: &str = "secret";

/// Object types res_pjsip registers on Asterisk 23.4.1 (FACTS.md section 0).
const TYPES: &[&str] = &[
    "endpoint",
    "auth",
    "aor",
    "contact",
    "transport",
    "domain_alias",
    "global",
    "system",
    "acl",
    "identify",
    "registration",
    "outbound-publish",
    "asterisk-publication",
    "resource_list",
    "inbound-publication",
    "subscription_persistence",
    "phoneprov",
    "nat_hook",
];

struct Recorded {
    case: String,
    key: (String, String),
    fields: Value,
    status: u16,
    body: Value,
    used: bool,
}

#[derive(Default)]
struct State {
    puts: Vec<Recorded>,
    objects: HashMap<(String, String), Vec<Value>>,
    /// Objects from the static pjsip.conf: read-only for ARI.
    statics: Vec<(String, String)>,
    violations: Vec<String>,
    /// Recorded exchanges replayed, by case name.
    replayed: Vec<String>,
}

pub struct Replay {
    pub stub: Stub,
    state: Arc<Mutex<State>>,
}

impl Replay {
    pub fn start() -> Replay {
        let mut st = State::default();
        let mut names: Vec<String> = std::fs::read_dir(fixtures().join("golden"))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        for n in names {
            let case = n.trim_end_matches(".json");
            let g = golden(case);
            if g["method"] != "PUT"
                || g["status"].as_u64().unwrap_or(0) == 0
                || g["request_body"].get("fields").is_none()
            {
                continue;
            }
            let Some(key) = object_key(g["path"].as_str().unwrap()) else {
                continue;
            };
            st.puts.push(Recorded {
                case: case.to_string(),
                key,
                fields: g["request_body"]["fields"].clone(),
                status: g["status"].as_u64().unwrap() as u16,
                body: g["response_body"].clone(),
                used: false,
            });
        }
        // Objects the recorded Asterisk had in its static pjsip.conf.
        for case in [
            "22_get_static_global_global",
            "22_get_static_transport_transport-udp",
        ] {
            let g = golden(case);
            let key = object_key(g["path"].as_str().unwrap()).unwrap();
            st.statics.push(key.clone());
            st.objects
                .insert(key, g["response_body"].as_array().unwrap().clone());
        }
        let state = Arc::new(Mutex::new(st));
        let s2 = Arc::clone(&state);
        let stub = Stub::start(move |req| answer(&mut s2.lock().unwrap(), req));
        Replay { stub, state }
    }

    pub fn url(&self) -> String {
        self.stub.url()
    }

    pub fn violations(&self) -> Vec<String> {
        self.state.lock().unwrap().violations.clone()
    }

    pub fn replayed(&self) -> Vec<String> {
        self.state.lock().unwrap().replayed.clone()
    }
}

/// (type, id) of a recorded config path, decoded as Asterisk decodes it.
fn object_key(path: &str) -> Option<(String, String)> {
    let rest = path
        .split('?')
        .next()?
        .strip_prefix("/ari/asterisk/config/dynamic/res_pjsip/")?;
    let segs: Vec<&str> = rest.split('/').collect();
    match segs.as_slice() {
        [ty, id] if !id.is_empty() => Some((decode(ty)?, decode(id)?)),
        _ => None,
    }
}

fn decode(s: &str) -> Option<String> {
    let s = s.replace('+', " ");
    percent_encoding::percent_decode_str(&s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// A path is encoded as pjsipctl must encode it: unreserved characters as they are,
/// everything else as %XX with upper-case hex, and nothing else.
pub fn canonical_segment(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => i += 1,
            b'%' => {
                let hex = b.get(i + 1..i + 3);
                let ok = hex.is_some_and(|h| {
                    h.iter()
                        .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
                });
                if !ok {
                    return false;
                }
                // Only what must be encoded is encoded.
                let v = u8::from_str_radix(std::str::from_utf8(hex.unwrap()).unwrap(), 16).unwrap();
                if v.is_ascii_alphanumeric() || b"-._~".contains(&v) {
                    return false;
                }
                i += 3;
            }
            _ => return false,
        }
    }
    true
}

fn json_reply(status: u16, v: &Value) -> Act {
    Act::json(status, &serde_json::to_string(v).unwrap())
}

fn error(status: u16, msg: &str) -> Act {
    json_reply(status, &json!({ "message": msg }))
}

/// Real Asterisk's GET after a PUT answer: the astdb round trip turns an unset
/// callerid (`<unknown>`) into the number `unknown` and drops set_var variables,
/// leaving `set_var` empty (golden 03/06, 21, 34, 39, 38_list_put_set_var_again/get_final).
pub fn round_trip(ty: &str, body: &[Value]) -> Vec<Value> {
    if ty != "endpoint" {
        return body.to_vec();
    }
    let known: Vec<String> = golden("20_put_empty_endpoint")["response_body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attribute"].as_str().unwrap().to_string())
        .collect();
    let mut out = Vec::with_capacity(body.len());
    let mut set_var_done = false;
    for a in body {
        let name = a["attribute"].as_str().unwrap();
        if !known.iter().any(|k| k == name) || name == "set_var" {
            if !set_var_done {
                out.push(json!({"attribute": "set_var", "value": ""}));
                set_var_done = true;
            }
            continue;
        }
        if name == "callerid" && a["value"] == "<unknown>" {
            out.push(json!({"attribute": "callerid", "value": "unknown"}));
        } else {
            out.push(a.clone());
        }
    }
    out
}

fn check_auth(req: &Req) -> bool {
    let good = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    );
    match req.header("authorization") {
        Some(h) => h == good,
        None => req.query().is_some_and(|q| {
            q.split('&')
                .any(|p| p == format!("api_key={USER}:{PASSWORD}"))
        }),
    }
}

fn answer(st: &mut State, req: &Req) -> Act {
    if !check_auth(req) {
        let g = golden("41_no_credentials");
        return Act::Reply {
            status: 401,
            headers: vec![
                (
                    "WWW-Authenticate".into(),
                    g["response_headers"]["WWW-Authenticate"]
                        .as_str()
                        .unwrap()
                        .into(),
                ),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: serde_json::to_vec(&g["response_body"]).unwrap(),
        };
    }
    let path = req.path().to_string();
    let Some(rest) = path.strip_prefix("/ari/") else {
        st.violations
            .push(format!("{} {path}: not under /ari/", req.method));
        return error(404, "Resource not found");
    };
    let segs: Vec<&str> = rest.split('/').collect();
    for s in &segs {
        if !canonical_segment(s) {
            st.violations.push(format!(
                "{} {path}: segment {s:?} is not canonically percent-encoded",
                req.method
            ));
        }
    }
    if req.method != "PUT" && !req.body.is_empty() {
        st.violations
            .push(format!("{} {path}: unexpected body", req.method));
    }
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["asterisk", "info"]) => json_reply(
            200,
            &json!({"build": {"os": "Linux"}, "system": {"version": "23.4.1", "entity_id": "02:42:ac:11:00:02"},
                    "config": {"name": "", "default_language": "en", "setid": {"user": "", "group": ""}},
                    "status": {"startup_time": "2025-11-26T15:55:56.000+0000", "last_reload_time": "2025-11-26T15:55:56.000+0000"}}),
        ),
        ("GET", ["asterisk", "ping"]) => json_reply(
            200,
            &json!({"asterisk_id": "02:42:ac:11:00:02", "ping": "pong", "timestamp": "2025-11-26T16:00:00.000+0000"}),
        ),
        ("GET", ["endpoints", "PJSIP"]) => {
            let mut list: Vec<Value> = st
                .objects
                .keys()
                .filter(|(t, _)| t == "endpoint")
                .map(|(_, id)| json!({"technology": "PJSIP", "resource": id, "state": "offline", "channel_ids": []}))
                .collect();
            if list.is_empty() {
                // A fresh Asterisk has no PJSIP tech endpoint yet (golden 90_00).
                let g = golden("90_00_list_empty");
                return json_reply(404, &g["response_body"]);
            }
            list.reverse(); // Asterisk's order is its container's, not sorted
            json_reply(200, &Value::Array(list))
        }
        (m, ["asterisk", "config", "dynamic", class, ty, id]) => {
            let (class, ty, id) = (
                decode(class).unwrap(),
                decode(ty).unwrap(),
                decode(id).unwrap(),
            );
            if class != "res_pjsip" {
                return error(404, &format!("configClass '{class}' not found"));
            }
            if !TYPES.contains(&ty.as_str()) {
                return error(404, &format!("objectType '{ty}' not found"));
            }
            let key = (ty.clone(), id.clone());
            match m {
                "GET" => match st.objects.get(&key) {
                    Some(set) => json_reply(200, &Value::Array(set.clone())),
                    None => error(404, &format!("Object with id '{id}' not found")),
                },
                "DELETE" if st.statics.contains(&key) => {
                    // golden 25_delete_static_transport
                    error(403, &format!("Could not delete object with id '{id}'"))
                }
                "DELETE" => match st.objects.remove(&key) {
                    Some(_) => Act::Reply {
                        status: 204,
                        headers: vec![],
                        body: vec![],
                    },
                    None => error(404, &format!("Object with id '{id}' not found")),
                },
                "PUT" => put(st, req, &path, key),
                _ => {
                    st.violations
                        .push(format!("{m} {path}: method pjsipctl never sends"));
                    error(405, "Invalid method")
                }
            }
        }
        (m, _) => {
            st.violations
                .push(format!("{m} {path}: not a request pjsipctl should send"));
            error(404, "Resource not found")
        }
    }
}

fn put(st: &mut State, req: &Req, path: &str, key: (String, String)) -> Act {
    if req.header("content-type") != Some("application/json") {
        st.violations.push(format!(
            "PUT {path}: Content-Type is {:?}, not application/json",
            req.header("content-type")
        ));
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            st.violations
                .push(format!("PUT {path}: body is not JSON: {e}"));
            return error(400, "Error parsing request body");
        }
    };
    let well_formed = body.as_object().is_some_and(|o| o.len() == 1)
        && body["fields"].as_array().is_some_and(|a| {
            a.iter().all(|f| {
                f.as_object().is_some_and(|o| o.len() == 2)
                    && f["attribute"].is_string()
                    && f["value"].is_string()
            })
        });
    if !well_formed {
        // Anything else crashes Asterisk 23.4.1 (golden 70).
        st.violations.push(format!(
            "PUT {path}: body is not {{\"fields\": [{{\"attribute\": string, \"value\": string}}...]}}: {body}"
        ));
        return Act::Close;
    }
    let fields = &body["fields"];
    let hit = st
        .puts
        .iter()
        .position(|r| r.key == key && &r.fields == fields && !r.used)
        .or_else(|| {
            st.puts
                .iter()
                .rposition(|r| r.key == key && &r.fields == fields)
        });
    let Some(i) = hit else {
        st.violations
            .push(format!("PUT {path} {fields}: no recorded exchange"));
        return error(500, "not recorded");
    };
    let r = &mut st.puts[i];
    r.used = true;
    let (status, resp, case) = (r.status, r.body.clone(), r.case.clone());
    st.replayed.push(case);
    if status == 200 {
        st.objects
            .insert(key.clone(), round_trip(&key.0, resp.as_array().unwrap()));
    }
    json_reply(status, &resp)
}
