//! A live Asterisk over ARI push configuration. A push is prepared above this backend
//! (`prepare`: the object and the objects it references fetched here with GETs, Asterisk's
//! answer predicted with `engine::build`, the policy applied), so that only what Asterisk
//! would accept and could load back is sent; this client sends it and compares the answer.

mod errors;
pub mod http;
pub mod target;

use std::collections::BTreeMap;

use crate::backend::check_id;
use crate::backend::{refusal_error, Backend, Coverage, Current, Listed, Prepared, Pushed};
use crate::engine;
use crate::error::{Error, Result};
use crate::model::{Attr, Objectset};
use crate::output::Out;
use crate::schema::{field, find_type, TypeDef, CONFIG_CLASS};

pub use errors::{message, Call};
pub use http::{Failure, Http, Method, Reply};
pub use target::Target;

/// Asterisk reads at most this many bytes of a request body (http.c MAX_CONTENT_LENGTH).
pub const MAX_BODY: usize = 40960;

/// The ARI backend: one HTTP client (one kept-alive connection) for the whole command.
pub struct Ari {
    pub http: Http,
}

pub fn open(t: &Target, out: &Out) -> Result<Box<dyn Backend>> {
    Ok(Box::new(connect(t, out)?))
}

/// `n` clients of the same target, each with its own connection, for workers on threads
/// (the password is read once).
pub fn open_pool(t: &Target, out: &Out, n: usize) -> Result<Vec<Box<dyn Backend + Send>>> {
    let password = t.login(out)?;
    (0..n)
        .map(|_| {
            Ok(Box::new(Ari {
                http: Http::new(t, password.as_deref())?,
            }) as Box<dyn Backend + Send>)
        })
        .collect()
}

/// Read the password and set up the client (nothing is sent yet).
pub fn connect(t: &Target, out: &Out) -> Result<Ari> {
    let password = t.login(out)?;
    Ok(Ari {
        http: Http::new(t, password.as_deref())?,
    })
}

fn what(m: Method, ty: &TypeDef, id: &str) -> String {
    format!("{} {} {id}", m.as_str(), ty.name)
}

/// Whether a request may be sent again after its answer was lost.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// GET, a PUT of the same fields (merging them twice gives the same object),
    /// a DELETE (a 404 on the retry means the first one did it).
    Idempotent,
    /// Not sent twice: a second module reload could meet the first one still running (409).
    Never,
}

impl Ari {
    pub fn call<'a>(
        &'a self,
        what: &'a str,
        verb: &'a str,
        ty: Option<&'static TypeDef>,
        id: Option<&'a str>,
    ) -> Call<'a> {
        Call {
            base: &self.http.base,
            user: self.http.user.as_deref(),
            what,
            verb,
            ty,
            id,
        }
    }

    /// One exchange, retried once when the connection is lost before the answer and
    /// `retry` allows it. Returns the reply and whether it came from the retry.
    pub fn exchange(
        &self,
        m: Method,
        path: &str,
        body: Option<&[u8]>,
        retry: Retry,
        c: &Call,
    ) -> Result<(Reply, bool)> {
        match self.http.send(m, path, body) {
            Ok(r) => Ok((r, false)),
            Err(Failure::Lost(_)) if retry == Retry::Idempotent => {
                match self.http.send(m, path, body) {
                    Ok(r) => Ok((r, true)),
                    Err(f) => Err(errors::failure_error(&f, c, self.http.timeout, true)),
                }
            }
            Err(f) => Err(errors::failure_error(&f, c, self.http.timeout, false)),
        }
    }

    pub fn status_error(&self, r: &Reply, c: &Call) -> Error {
        errors::status_error(r.status, &r.body, c)
    }

    /// The ids `GET /endpoints/PJSIP` lists, in id order (each endpoint is then read with
    /// its own GET).
    fn endpoint_ids(&self, ty: &'static TypeDef) -> Result<Vec<String>> {
        let c = self.call("GET endpoints/PJSIP", "list", Some(ty), None);
        let (r, _) = self.exchange(Method::Get, "/endpoints/PJSIP", None, Retry::Idempotent, &c)?;
        // Asterisk has no PJSIP tech endpoint until its first endpoint exists, and answers
        // an empty list like an unknown tech (golden 90_00).
        if r.status == 404 && message(&r.body) == "No Endpoints found - invalid tech PJSIP" {
            return Ok(Vec::new());
        }
        if r.status != 200 {
            return Err(self.status_error(&r, &c));
        }
        // Each entry's resource only: the whole list as JSON values would take some 1 kB
        // per endpoint at once.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Entry {
            Named { resource: String },
            Other(serde::de::IgnoredAny),
        }
        let arr: Vec<Entry> = serde_json::from_slice(&r.body).map_err(|_| {
            // Said as a reading of any JSON value says it.
            match serde_json::from_slice::<serde_json::Value>(&r.body) {
                Ok(_) => self.not_ari(&r, &c, BadBody::NoList),
                Err(e) => self.not_ari(&r, &c, BadBody::Json(e)),
            }
        })?;
        let mut ids: Vec<String> = arr
            .into_iter()
            .filter_map(|e| match e {
                Entry::Named { resource } => Some(resource),
                Entry::Other(_) => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// GET one object: `None` when Asterisk has no such id.
    fn fetch(&self, ty: &'static TypeDef, id: &str, verb: &str) -> Result<Option<Objectset>> {
        ari_id(id)?;
        let w = what(Method::Get, ty, id);
        let c = self.call(&w, verb, Some(ty), Some(id));
        let (r, _) = self.exchange(
            Method::Get,
            &http::object_path(CONFIG_CLASS, ty.name, id),
            None,
            Retry::Idempotent,
            &c,
        )?;
        match r.status {
            200 => parse_objectset(&r.body)
                .map(Some)
                .map_err(|e| self.not_ari(&r, &c, e)),
            404 if message(&r.body).starts_with("Object with id") => Ok(None),
            _ => Err(self.status_error(&r, &c)),
        }
    }

    /// A 2xx answer whose body is not what Asterisk sends.
    fn not_ari(&self, r: &Reply, c: &Call, why: BadBody) -> Error {
        let text = String::from_utf8_lossy(&r.body);
        let secret = c.ty.is_some_and(|t| {
            t.fields
                .iter()
                .any(|f| f.has(field::SECRET) && text.contains(f.name))
        });
        Error::storage(format!(
            "ARI {} answered {} with {} but not with Asterisk's attribute/value list ({why}): {}",
            self.http.base,
            c.what,
            r.status,
            if secret {
                "(the body is not shown: it names a secret attribute)".to_string()
            } else {
                errors::snippet(&r.body)
            }
        ))
        .hint("is the URL Asterisk's ARI? a proxy or another service may answer there")
    }

    /// One PUT of `fields`. With the prepared push, Asterisk's answer is compared with its
    /// prediction; without (a plan's change, judged and predicted by the planner), it is
    /// taken as it comes.
    fn send(
        &self,
        ty: &'static TypeDef,
        id: &str,
        fields: &[Attr],
        prepared: Option<&Prepared>,
    ) -> Result<Pushed> {
        let mut warnings = prepared.map(|p| p.warnings.clone()).unwrap_or_default();
        let body = put_body(fields);
        if body.len() > MAX_BODY {
            return Err(Error::invalid(format!(
                "{} {id}: the request is {} bytes; Asterisk reads at most {MAX_BODY} bytes of a request body",
                ty.name,
                body.len()
            ))
            .hint("push the fields in several smaller pushes (they merge)"));
        }
        let w = what(Method::Put, ty, id);
        let c = self.call(&w, "push", Some(ty), Some(id));
        let (r, _) = self.exchange(
            Method::Put,
            &http::object_path(CONFIG_CLASS, ty.name, id),
            Some(&body),
            Retry::Idempotent,
            &c,
        )?;
        match r.status {
            200 => {
                let answered = parse_objectset(&r.body).map_err(|e| self.not_ari(&r, &c, e))?;
                let mut diff = match prepared {
                    Some(p) => differences(ty, &p.object.objectset(), &answered),
                    None => Vec::new(),
                };
                if diff.len() > 6 {
                    let more = diff.len() - 5;
                    diff.truncate(5);
                    diff.push(format!(
                        "… and {more} more attributes differ from pjsipctl's prediction (Asterisk 23.4.1 rules): is the server another version?"
                    ));
                }
                warnings.extend(diff);
                Ok(Pushed {
                    unchanged: prepared
                        .is_some_and(|p| p.before.answered.as_ref() == Some(&answered)),
                    objectset: answered,
                    created: prepared.is_some_and(Prepared::created),
                    warnings,
                })
            }
            400 => Err(self.explain_400(ty, id, fields, &r, &warnings)),
            _ => Err(self.status_error(&r, &c)),
        }
    }

    /// A 400 although the local validator accepted the push: the object may have
    /// changed since the GET, or the server's Asterisk differs from 23.4.1.
    fn explain_400(
        &self,
        ty: &'static TypeDef,
        id: &str,
        fields: &[Attr],
        r: &Reply,
        local_warnings: &[String],
    ) -> Error {
        let msg = message(&r.body);
        if msg.starts_with("Fields must be provided") {
            return Error::storage(format!(
                "Asterisk did not receive the fields for {} {id} (400 {msg}): something between pjsipctl and Asterisk dropped the JSON body or its Content-Type",
                ty.name
            ));
        }
        // Validate again against what is stored now: that names the attribute.
        if let Ok(current) = self.fetch(ty, id, "push") {
            let existing = current.as_ref().map(|set| rebuild(ty, id, set));
            let outcome = match existing {
                Some(Err(r)) => Some(r),
                Some(Ok(o)) => engine::build(ty, id, Some(&o), fields).err(),
                None => engine::build(ty, id, None, fields).err(),
            };
            if let Some(refusal) = outcome {
                let e = refusal_error(ty, id, current.is_none(), refusal);
                return Error {
                    message: format!("Asterisk refused it (400 {msg}): {}", e.message),
                    ..e
                };
            }
        }
        let mut suspects: Vec<&str> = fields
            .iter()
            .map(|f| f.attribute.as_str())
            .filter(|a| local_warnings.iter().any(|w| w.contains(&format!("{a}="))))
            .collect();
        if suspects.is_empty() {
            suspects = fields.iter().map(|f| f.attribute.as_str()).collect();
        }
        suspects.dedup();
        Error::invalid(format!(
            "Asterisk refused {} {id} (400 {msg}) although pjsipctl's validator (Asterisk 23.4.1 rules) accepts it",
            ty.name
        ))
        .hint(format!(
            "the Asterisk log names the value (\"Error parsing <attribute>=<value>\"); the attribute{} to check: {}. The server may run another Asterisk version",
            if suspects.len() == 1 { "" } else { "s" },
            if suspects.is_empty() { "(none sent: the type's required attributes are missing)".to_string() } else { suspects.join(", ") }
        ))
    }
}

/// Why an endpoint that /endpoints/PJSIP lists has no object: Asterisk created it from a PUT
/// but cannot load its row (golden 90_43/90_44); its DELETE answers 404 as well, and only a
/// PUT, which writes the row anew, repairs it.
pub const LISTED_UNREADABLE: &str =
    "Asterisk lists this endpoint but cannot read it back (its GET and DELETE answer 404; \
     an endpoint stored without codecs is the usual cause): push it again whole with its codecs \
     (`pjsipctl push endpoint ID allow=...`) to repair it";

/// The one type ARI can list (GET /endpoints/PJSIP, res/ari/resource_endpoints.c
/// ast_ari_endpoints_list_by_tech); objects of any other type are reached by id only.
pub const LISTED: &str = "endpoint";

/// Whether ARI lists objects of `ty`.
pub fn lists(ty: &TypeDef) -> bool {
    ty.name == LISTED
}

/// The attributes of the listed type that name objects of `ty` (schema `TypeDef::references`):
/// what a listing reaches of a type ARI cannot list. Empty when the listing reaches none.
pub fn reaching(ty: &TypeDef) -> Vec<&'static str> {
    find_type(LISTED)
        .expect("the listed type")
        .references_to(ty)
        .map(|r| r.attr)
        .collect()
}

/// The ids an endpoint's `attrs` (what [`reaching`] gives for one type) name, in their order.
pub fn referenced<'a>(set: &'a Objectset, attrs: &'a [&str]) -> impl Iterator<Item = &'a str> {
    set.iter()
        .filter(|a| attrs.contains(&a.attribute.as_str()))
        .flat_map(|a| a.value.split(',').map(str::trim).filter(|s| !s.is_empty()))
}

/// Ids ARI cannot carry (on top of the embedded engine's rules).
fn ari_id(id: &str) -> Result<()> {
    check_id(id)?;
    if http::unaddressable(id) {
        return Err(Error::usage(format!("the id '{id}' cannot be sent over ARI"))
            .hint("HTTP clients resolve '.' and '..' in URLs before sending; manage this object on the astdb file with the embedded engine"));
    }
    Ok(())
}

/// Why a 2xx body is not what Asterisk sends (said in the middle of the error, before the
/// body itself, so the JSON error's words are part of this text).
#[derive(Debug, thiserror::Error)]
pub enum BadBody {
    #[error("not JSON: {0}")]
    Json(serde_json::Error),
    #[error("not a JSON list")]
    NoList,
    #[error("an entry is not {{\"attribute\": string, \"value\": string}}")]
    Entry,
}

/// An ARI objectset body: a JSON list of {"attribute": string, "value": string}.
pub fn parse_objectset(body: &[u8]) -> std::result::Result<Objectset, BadBody> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(BadBody::Json)?;
    let arr = v.as_array().ok_or(BadBody::NoList)?;
    arr.iter()
        .map(|a| {
            match (
                a.get("attribute").and_then(|x| x.as_str()),
                a.get("value").and_then(|x| x.as_str()),
            ) {
                (Some(k), Some(v)) => Ok(Attr::new(k, v)),
                _ => Err(BadBody::Entry),
            }
        })
        .collect()
}

/// The stored object as Asterisk holds it, rebuilt from its GET objectset.
pub use crate::engine::rebuild;

/// The body of a PUT: `{"fields": [{"attribute": string, "value": string}, ...]}`, the only
/// shape Asterisk survives (golden 70: a number, null, a bool or a missing key crashes it).
pub fn put_body(fields: &[Attr]) -> Vec<u8> {
    let fields: Vec<serde_json::Value> = fields
        .iter()
        .map(|f| serde_json::json!({"attribute": f.attribute, "value": f.value}))
        .collect();
    serde_json::to_vec(&serde_json::json!({ "fields": fields })).expect("strings serialise")
}

/// Where Asterisk's answer differs from pjsipctl's prediction, one line per attribute.
/// A secret's values are never shown.
pub fn differences(ty: &TypeDef, predicted: &Objectset, answered: &Objectset) -> Vec<String> {
    fn group(set: &Objectset) -> BTreeMap<&str, Vec<&str>> {
        let mut m: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for a in set {
            m.entry(a.attribute.as_str())
                .or_default()
                .push(a.value.as_str());
        }
        m
    }
    let (p, a) = (group(predicted), group(answered));
    let mut out = Vec::new();
    for k in p.keys().chain(a.keys().filter(|k| !p.contains_key(*k))) {
        let (pv, av) = (p.get(k), a.get(k));
        if pv != av
            && ty
                .fields
                .iter()
                .any(|f| f.name == *k && f.has(field::SECRET))
        {
            out.push(format!(
                "Asterisk answered another {k} than pjsipctl expected (a secret: the values are not shown)"
            ));
        } else if pv != av {
            let show = |v: Option<&Vec<&str>>| {
                v.map(|v| v.join(", ")).unwrap_or_else(|| "(absent)".into())
            };
            out.push(format!(
                "Asterisk answered {k}={} where pjsipctl expected {}",
                show(av),
                show(pv)
            ));
        }
    }
    out
}

impl Backend for Ari {
    fn describe(&self) -> String {
        format!("ARI {}", self.http.base)
    }

    fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
        self.fetch(ty, id, "show")?.ok_or_else(|| {
            Error::not_found(format!("{} {id} not found in {}", ty.name, self.describe()))
        })
    }

    fn current(&mut self, ty: &'static TypeDef, id: &str) -> Result<Current> {
        let answered = self.fetch(ty, id, "push")?;
        let object = match &answered {
            Some(set) => Some(rebuild(ty, id, set).map_err(|r| refusal_error(ty, id, false, r))?),
            None => None,
        };
        Ok(Current {
            object,
            answered,
            ..Current::default()
        })
    }

    fn exists(&mut self, ty: &'static TypeDef, id: &str) -> Result<bool> {
        Ok(self.fetch(ty, id, "push")?.is_some())
    }

    /// Asterisk merges the fields itself: they are sent, and its answer compared with the
    /// prediction.
    fn store(&mut self, p: &Prepared) -> Result<Option<Pushed>> {
        self.send(p.ty, &p.id, &p.fields, Some(p)).map(Some)
    }

    fn push(&mut self, ty: &'static TypeDef, id: &str, fields: &[Attr]) -> Result<Pushed> {
        self.send(ty, id, fields, None)
    }

    fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
        ari_id(id)?;
        let w = what(Method::Delete, ty, id);
        let c = self.call(&w, "delete", Some(ty), Some(id));
        let (r, retried) = self.exchange(
            Method::Delete,
            &http::object_path(CONFIG_CLASS, ty.name, id),
            None,
            Retry::Idempotent,
            &c,
        )?;
        match r.status {
            200 | 204 => Ok(()),
            // The first DELETE's answer was lost: a 404 now means it did its work.
            404 if retried && message(&r.body).starts_with("Object with id") => Ok(()),
            404 if message(&r.body).starts_with("Object with id") => Err(Error::not_found(
                format!("{} {id} not found in {}", ty.name, self.describe()),
            )),
            _ => Err(self.status_error(&r, &c)),
        }
    }

    fn listed_ids(&mut self, ty: &'static TypeDef) -> Result<Option<Vec<String>>> {
        if lists(ty) {
            self.endpoint_ids(ty).map(Some)
        } else {
            Ok(None)
        }
    }

    fn listed_object(
        &mut self,
        ty: &'static TypeDef,
        id: &str,
    ) -> Result<std::result::Result<Objectset, String>> {
        match self.fetch(ty, id, "list") {
            Ok(Some(set)) => Ok(Ok(set)),
            Ok(None) => Ok(Err(LISTED_UNREADABLE.to_string())),
            Err(e) if e.exit == crate::error::Exit::Usage => Ok(Err(e.report())),
            Err(e) => Err(e),
        }
    }

    fn list(&mut self, ty: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
        if !lists(ty) {
            return Ok((
                Vec::new(),
                Coverage::Unavailable(format!(
                    "ARI cannot list {}; it lists endpoints only (show one with `pjsipctl show {} ID`)",
                    ty.plural, ty.name
                )),
            ));
        }
        let ids = self.endpoint_ids(ty)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let object = self.listed_object(ty, &id)?;
            out.push(Listed { id, object });
        }
        Ok((out, Coverage::Complete))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Refusal;
    use crate::schema::find_type;

    #[test]
    fn differences_name_each_changed_attribute() {
        let p = vec![
            Attr::new("a", "1"),
            Attr::new("contact", "x"),
            Attr::new("contact", "y"),
        ];
        let a = vec![
            Attr::new("a", "2"),
            Attr::new("contact", "x"),
            Attr::new("b", ""),
        ];
        let aor = find_type("aor").unwrap();
        let d = differences(aor, &p, &a);
        assert_eq!(
            d,
            [
                "Asterisk answered a=2 where pjsipctl expected 1",
                "Asterisk answered contact=x where pjsipctl expected x, y",
                "Asterisk answered b= where pjsipctl expected (absent)",
            ]
        );
        assert!(differences(aor, &p, &p).is_empty());
        let auth = find_type("auth").unwrap();
        let d = differences(
            auth,
            &vec![Attr::new("password", "s3cret")],
            &vec![Attr::new("password", "other")],
        );
        assert_eq!(
            d,
            ["Asterisk answered another password than pjsipctl expected (a secret: the values are not shown)"]
        );
    }

    #[test]
    fn objectsets_must_be_string_pairs() {
        assert_eq!(
            parse_objectset(br#"[{"attribute":"a","value":"b"}]"#).unwrap(),
            vec![Attr::new("a", "b")]
        );
        assert!(parse_objectset(br#"[{"attribute":"a","value":1}]"#).is_err());
        assert!(parse_objectset(br#"{"message":"x"}"#).is_err());
        assert!(parse_objectset(b"<html>").is_err());
    }

    #[test]
    fn rebuild_fails_like_asterisks_copy() {
        let ep = find_type("endpoint").unwrap();
        let set = vec![Attr::new("allow", "(nothing)")];
        assert!(matches!(
            rebuild(ep, "x", &set),
            Err(Refusal::CopyFailed(_))
        ));
        let ok = rebuild(ep, "x", &[Attr::new("allow", "(ulaw)")]).unwrap();
        assert_eq!(ok.get("allow").unwrap().list(), ["ulaw"]);
    }
}
