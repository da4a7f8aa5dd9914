//! `pjsipctl serve`: the embedded engine behind the ARI push-configuration API, with
//! Asterisk 23.4.1's statuses and bodies (golden 30–43) — except that a malformed
//! `fields` entry gets a 400 instead of crashing the server (golden 70), and an
//! object that prints no attribute (acl) is not stored.

mod auth;
mod idle;
mod route;
mod store;

use std::net::SocketAddr;
use std::sync::{mpsc, Arc};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::engine::{self, Refusal};
use crate::error::{Error, Result};
use crate::model::{Attr, Object};
use crate::schema::{find_type, TypeDef, CONFIG_CLASS, TYPES};

pub use auth::Credential;
use route::Route;
pub use store::{Reconnecting, Store};

/// Asterisk reads at most this many bytes of a request body (http.c).
pub const MAX_BODY: usize = 40960;
/// ari.conf's default auth_realm.
pub const REALM: &str = "Asterisk REST Interface";
/// What /asterisk/info reports as the system version.
pub const VERSION: &str = concat!(
    "pjsipctl-",
    env!("CARGO_PKG_VERSION"),
    " (Asterisk 23.4.1 rules)"
);
/// At most this many queued engine calls share one commit.
const MAX_GROUP: usize = 64;
const ENTITY_ID: &str = "00:00:00:00:00:00";

/// One engine call, run on the engine thread.
type Job = Box<dyn FnOnce(&mut dyn Store) -> Answer + Send>;

struct App {
    /// The engine thread owns the embedded engine (SQLite connection and static files)
    /// and runs the calls one at a time.
    engine: mpsc::Sender<(Job, tokio::sync::oneshot::Sender<Answer>)>,
    credential: Credential,
    quiet: bool,
    started: SystemTime,
}

/// Serve until the process is stopped. `open` opens the engine (on its own thread);
/// `ready` is told the bound address.
pub fn run(
    listen: SocketAddr,
    credential: Credential,
    open: impl FnOnce() -> Result<Box<dyn Store>> + Send + 'static,
    quiet: bool,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let (jobs, queue) = mpsc::channel::<(Job, tokio::sync::oneshot::Sender<Answer>)>();
    let (opened_tx, opened) = mpsc::channel::<Result<()>>();
    std::thread::spawn(move || {
        let mut engine = match open() {
            Ok(e) => e,
            Err(e) => {
                let _ = opened_tx.send(Err(e));
                return;
            }
        };
        let _ = opened_tx.send(Ok(()));
        // Group commit: the calls queued while the previous ones ran go in one transaction
        // (each call a savepoint of its own, so a failing one undoes only itself), and all
        // of them are answered once that commit is durable.
        while let Ok(first) = queue.recv() {
            engine.group_begin();
            let mut answers = Vec::new();
            let mut replies = Vec::new();
            let mut next = Some(first);
            while let Some((job, reply)) = next.take() {
                answers.push(
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut *engine)))
                        .unwrap_or_else(|_| Answer::error(500, "Internal error")),
                );
                replies.push(reply);
                // What arrived meanwhile joins the group.
                if answers.len() < MAX_GROUP {
                    next = queue.try_recv().ok();
                }
            }
            if let Err(e) = engine.group_commit() {
                for a in &mut answers {
                    *a = Answer::error(500, e.report());
                }
            }
            for (a, reply) in answers.into_iter().zip(replies) {
                let _ = reply.send(a);
            }
        }
    });
    opened
        .recv()
        .map_err(|_| Error::storage("the engine thread stopped"))??;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::storage("cannot start the server runtime").because(e))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            Error::storage(format!("cannot listen on {listen}"))
                .because(e)
                .hint("another server may use that port; choose one with --listen 127.0.0.1:PORT")
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::storage(format!("cannot listen on {listen}")).because(e))?;
        ready(local);
        let app = Arc::new(App {
            engine: jobs,
            credential,
            quiet,
            started: SystemTime::now(),
        });
        let router = axum::Router::new().fallback(handle).with_state(app);
        axum::serve(idle::Listener(listener), router)
            .await
            .map_err(|e| Error::storage("the server stopped").because(e))
    })
}

/// An answer before it becomes an HTTP response.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Option<Vec<u8>>,
    pub challenge: bool,
}

impl Answer {
    pub fn json(status: u16, v: &Value) -> Answer {
        Answer {
            status,
            body: Some(serde_json::to_vec(v).expect("JSON values serialise")),
            challenge: false,
        }
    }
    /// ast_ari_response_error: `{"message":"..."}`.
    pub fn error(status: u16, message: impl Into<String>) -> Answer {
        Answer::json(status, &json!({ "message": message.into() }))
    }
    /// ast_ari_response_alloc_failed: the one body that says "error".
    pub fn alloc_failed() -> Answer {
        Answer::json(500, &json!({ "error": "Allocation failed" }))
    }
    pub fn no_content() -> Answer {
        Answer {
            status: 204,
            body: None,
            challenge: false,
        }
    }
    fn into_response(self) -> Response {
        let mut b = Response::builder()
            .status(StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        if self.challenge {
            b = b.header(header::WWW_AUTHENTICATE, format!("Basic realm=\"{REALM}\""));
        }
        match self.body {
            Some(body) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body)),
            None => b.body(Body::empty()),
        }
        .expect("valid response")
    }
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let answer = answer(&app, req).await;
    if !app.quiet {
        // Never the query: it may hold an api_key.
        eprintln!("{method} {path} -> {}", answer.status);
    }
    answer.into_response()
}

async fn answer(app: &Arc<App>, req: Request) -> Answer {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path();
    let Some(uri) = path.strip_prefix("/ari/") else {
        return Answer::error(404, "Resource not found");
    };
    // res_ari.c: authentication first, then the trailing slash, then routing.
    if !auth::authorized(&parts.headers, parts.uri.query(), &app.credential) {
        return Answer {
            challenge: true,
            ..Answer::error(401, "Authentication required")
        };
    }
    if let Some(slashless) = uri.strip_suffix('/') {
        return Answer::error(
            404,
            format!("ARI URLs do not end with a slash. Try /ari/{slashless}"),
        );
    }
    let route = route::route(uri);
    let m = &parts.method;
    match route {
        Route::NotFound => Answer::error(404, "Resource not found"),
        Route::Node => Answer::error(405, "Invalid method"),
        Route::Info if m == Method::GET => info(app),
        Route::Ping if m == Method::GET => Answer::json(
            200,
            &json!({"asterisk_id": ENTITY_ID, "ping": "pong", "timestamp": timestamp(SystemTime::now())}),
        ),
        Route::Modules if m == Method::GET => Answer::json(
            200,
            &Value::Array(route::MODULES.iter().map(|(n, _)| module_json(n)).collect()),
        ),
        Route::Module(name) if m == Method::GET || m == Method::PUT => match route::module(&name) {
            // resource_asterisk.c: GET and reload word a missing module differently.
            None if m == Method::GET => {
                Answer::error(404, "Module could not be found in running modules")
            }
            None => Answer::error(404, "Module not found in running modules"),
            // ast_module_check matches `res_pjsip` or any case, but the module list is then
            // searched for the exact loaded name (`res_pjsip.so`).
            Some(n) if m == Method::GET && name != format!("{n}.so") => {
                Answer::error(409, "Module information could not be retrieved")
            }
            Some(n) if m == Method::GET => Answer::json(200, &module_json(n)),
            // Nothing to reload: every request reads the astdb file afresh.
            Some(_) => Answer::no_content(),
        },
        Route::Module(_) if m == Method::POST || m == Method::DELETE => {
            Answer::error(409, "pjsipctl serve cannot load or unload modules")
        }
        Route::Endpoints(tech) if m == Method::GET => {
            blocking(app, move |e| {
                let ids = endpoint_ids(e)?;
                Ok(match tech {
                    // ast_endpoint_find_by_id(tech): the tech's endpoint exists (exact name)
                    // only once it has an endpoint, so a fresh Asterisk answers an empty
                    // PJSIP list as it answers an unknown tech (golden 90_00, 90_14).
                    Some(t) if t != "PJSIP" || ids.is_empty() => {
                        Answer::error(404, format!("No Endpoints found - invalid tech {t}"))
                    }
                    _ => Answer::json(
                        200,
                        &Value::Array(ids.iter().map(|id| endpoint_json(id)).collect()),
                    ),
                })
            })
            .await
        }
        Route::Endpoint(tech, id) if m == Method::GET => {
            if tech != "PJSIP" {
                return Answer::error(404, "Endpoint not found");
            }
            blocking(app, move |e| {
                Ok(if endpoint_ids(e)?.contains(&id) {
                    Answer::json(200, &endpoint_json(&id))
                } else {
                    Answer::error(404, "Endpoint not found")
                })
            })
            .await
        }
        Route::Config { class, ty, id } if m == Method::GET || m == Method::DELETE => {
            let delete = m == Method::DELETE;
            blocking(app, move |e| {
                Ok(if delete {
                    delete_object(e, &class, &ty, &id)?
                } else {
                    get_object(e, &class, &ty, &id)?
                })
            })
            .await
        }
        Route::Config { class, ty, id } if m == Method::PUT => {
            let fields = match read_fields(&parts.headers, body).await {
                Ok(f) => f,
                Err(a) => return a,
            };
            blocking(app, move |e| put_object(e, &class, &ty, &id, fields)).await
        }
        _ => Answer::error(405, "Invalid method"),
    }
}

/// Run an engine call on the engine thread and wait for its answer.
async fn blocking(
    app: &Arc<App>,
    f: impl FnOnce(&mut dyn Store) -> Result<Answer> + Send + 'static,
) -> Answer {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move |e| f(e).unwrap_or_else(|err| Answer::error(500, err.report())));
    if app.engine.send((job, tx)).is_err() {
        return Answer::error(500, "Internal error");
    }
    rx.await
        .unwrap_or_else(|_| Answer::error(500, "Internal error"))
}

/// The `fields` member of a PUT body as Asterisk reads it: `None` when there is no
/// `fields` (no JSON body, or no such member); a malformed entry is `Err(index)`.
pub type Fields = Option<std::result::Result<Vec<Attr>, usize>>;

async fn read_fields(headers: &HeaderMap, body: Body) -> std::result::Result<Fields, Answer> {
    let too_large = || Answer::error(413, "Request body too large");
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| {
        // Over the limit (a chunked body), or the client went away mid-body.
        let chain = format!(
            "{e} {}",
            std::error::Error::source(&e)
                .map(|s| s.to_string())
                .unwrap_or_default()
        );
        if chain.contains("length limit") {
            too_large()
        } else {
            Answer::error(400, "Error parsing request body")
        }
    })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    parse_fields(is_json, &bytes)
}

/// ast_http_get_json, then `ast_json_object_get(body, "fields")`.
pub fn parse_fields(is_json: bool, bytes: &[u8]) -> std::result::Result<Fields, Answer> {
    if !is_json || bytes.is_empty() {
        return Ok(None);
    }
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|_| Answer::error(400, "Error parsing request body"))?;
    if !v.is_object() && !v.is_array() {
        return Err(Answer::error(400, "Error parsing request body"));
    }
    Ok(match v.get("fields") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    match (
                        it.get("attribute").and_then(Value::as_str),
                        it.get("value").and_then(Value::as_str),
                    ) {
                        (Some(a), Some(v)) => Ok(Attr::new(a, v)),
                        _ => Err(i),
                    }
                })
                .collect(),
        ),
        // ast_json_array_size of anything else is 0.
        Some(_) => Some(Ok(Vec::new())),
    })
}

fn lookup(class: &str, ty: &str) -> std::result::Result<&'static TypeDef, Answer> {
    if class != CONFIG_CLASS {
        return Err(Answer::error(
            404,
            format!("configClass '{class}' not found"),
        ));
    }
    TYPES
        .iter()
        .find(|t| t.name == ty)
        .ok_or_else(|| Answer::error(404, format!("objectType '{ty}' not found")))
}

fn not_found(id: &str) -> Answer {
    Answer::error(404, format!("Object with id '{id}' not found"))
}

fn objectset_answer(obj: &Object) -> Answer {
    let set = obj.objectset();
    if set.is_empty() {
        return Answer::alloc_failed();
    }
    Answer::json(
        200,
        &serde_json::to_value(set).expect("attributes serialise"),
    )
}

pub fn get_object(e: &mut dyn Store, class: &str, ty: &str, id: &str) -> Result<Answer> {
    let ty = match lookup(class, ty) {
        Ok(t) => t,
        Err(a) => return Ok(a),
    };
    Ok(match e.retrieve(ty, id)? {
        Some((o, _)) => objectset_answer(&o),
        None => not_found(id),
    })
}

pub fn delete_object(e: &mut dyn Store, class: &str, ty: &str, id: &str) -> Result<Answer> {
    let ty = match lookup(class, ty) {
        Ok(t) => t,
        Err(a) => return Ok(a),
    };
    match e.retrieve(ty, id)? {
        // Asterisk retrieves first: a row it cannot load is not there for it.
        None => Ok(not_found(id)),
        // Only read-only (static) wizards hold it.
        Some((_, true)) => Ok(Answer::error(
            403,
            format!("Could not delete object with id '{id}'"),
        )),
        Some((_, false)) if !e.writable(ty, id)? => Ok(Answer::error(
            403,
            format!("Could not delete object with id '{id}'"),
        )),
        Some((_, false)) => {
            e.remove(ty, id)?;
            Ok(Answer::no_content())
        }
    }
}

pub fn put_object(
    e: &mut dyn Store,
    class: &str,
    ty: &str,
    id: &str,
    fields: Fields,
) -> Result<Answer> {
    let ty = match lookup(class, ty) {
        Ok(t) => t,
        Err(a) => return Ok(a),
    };
    let found = e.retrieve(ty, id)?;
    // ast_sorcery_create/update reach the writable wizards only: astdb, and an update of a
    // static object finds no astdb row to update.
    let writable = !matches!(found, Some((_, true))) && e.writable(ty, id)?;
    let given = match &fields {
        Some(Ok(f)) => f.clone(),
        _ => Vec::new(),
    };
    let (answer, store) = put_on(ty, id, found.map(|(o, _)| o), fields, writable);
    match store {
        Some(obj) => e.store(ty, id, &obj, &given, answer),
        None => Ok(answer),
    }
}

/// ast_ari_asterisk_update_object on one retrieved object: the answer, and what to store.
/// The steps and their order are Asterisk's: copy (500), fields present (400), apply
/// (400), create/update (403), print (500); the semantics are `engine::build`'s.
fn put_on(
    ty: &'static TypeDef,
    id: &str,
    existing: Option<Object>,
    fields: Fields,
    writable: bool,
) -> (Answer, Option<Object>) {
    let created = existing.is_none();
    if existing
        .as_ref()
        .is_some_and(|old| engine::copy(old).is_err())
    {
        return (Answer::alloc_failed(), None);
    }
    let fields = match fields {
        None if !created => {
            let msg = format!("Fields must be provided to update object '{id}'");
            return (Answer::error(400, msg), None);
        }
        None => Vec::new(),
        // Asterisk dereferences the missing string and crashes (golden 70).
        Some(Err(i)) => {
            let msg = format!(
                "Field {} of object '{id}' is not {{\"attribute\": string, \"value\": string}}",
                i + 1
            );
            return (Answer::error(400, msg), None);
        }
        Some(Ok(f)) => f,
    };
    let refused = || {
        let verb = if created { "create" } else { "update" };
        let msg = format!("Cannot {verb} sorcery objects of type '{}'", ty.name);
        (Answer::error(403, msg), None)
    };
    match engine::build(ty, id, existing.as_ref(), &fields) {
        Err(Refusal::CopyFailed(_)) => (Answer::alloc_failed(), None),
        // Valid, but it prints nothing: Asterisk stores an empty row and then cannot
        // answer (500); pjsipctl stores nothing.
        Err(Refusal::EmptyObjectset(_)) if writable => (Answer::alloc_failed(), None),
        Err(Refusal::EmptyObjectset(_)) => refused(),
        Err(_) => {
            let what = if created { "Creation" } else { "Update" };
            let msg = format!("{what} of object '{id}' failed field value validation");
            (Answer::error(400, msg), None)
        }
        Ok(_) if !writable => refused(),
        Ok(built) => (objectset_answer(&built.object), Some(built.object)),
    }
}

/// The endpoints Asterisk knows (ast_endpoint objects): see [`Store::endpoint_ids`].
fn endpoint_ids(e: &mut dyn Store) -> Result<Vec<String>> {
    e.endpoint_ids(find_type("endpoint").expect("endpoint is a type"))
}

/// An endpoint's snapshot. Nothing registers with `serve`, so every endpoint is
/// `offline`, as on an Asterisk where no device has registered (golden 90_10–12).
fn endpoint_json(id: &str) -> Value {
    json!({"technology": "PJSIP", "resource": id, "state": "offline", "channel_ids": []})
}

fn module_json(name: &str) -> Value {
    json!({"name": format!("{name}.so"), "description": route::description(name), "use_count": 0, "status": "Running", "support_level": "core"})
}

fn info(app: &App) -> Answer {
    let started = timestamp(app.started);
    Answer::json(
        200,
        &json!({
            "build": {"os": std::env::consts::OS, "kernel": "", "machine": std::env::consts::ARCH, "options": "", "date": "", "user": ""},
            "system": {"version": VERSION, "entity_id": ENTITY_ID},
            "config": {"name": "", "default_language": "en", "setid": {"user": "", "group": ""}},
            "status": {"startup_time": started, "last_reload_time": started},
        }),
    )
}

/// ast_json_timeval's form: `2024-05-01T12:00:00.123+0000` (UTC).
pub fn timestamp(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}+0000",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_look_like_asterisks() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000+0000");
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_millis(1_709_210_096_789)),
            "2024-02-29T12:34:56.789+0000"
        );
    }

    #[test]
    fn fields_are_read_as_asterisk_reads_them() {
        let ok = |b: &str| parse_fields(true, b.as_bytes()).unwrap();
        assert_eq!(
            ok(r#"{"fields":[{"attribute":"a","value":"b"}]}"#),
            Some(Ok(vec![Attr::new("a", "b")]))
        );
        assert_eq!(ok("{}"), None);
        assert_eq!(ok(r#"[{"attribute":"a","value":"b"}]"#), None);
        assert_eq!(
            ok(r#"{"fields":{"attribute":"a","value":"b"}}"#),
            Some(Ok(vec![]))
        );
        assert_eq!(
            ok(r#"{"fields":[{"attribute":"a","value":true}]}"#),
            Some(Err(0))
        );
        assert_eq!(
            ok(r#"{"fields":[{"attribute":"a","value":"b"},"x"]}"#),
            Some(Err(1))
        );
        assert_eq!(parse_fields(false, br#"{"fields":[]}"#).unwrap(), None);
        assert_eq!(parse_fields(true, b"").unwrap(), None);
        for bad in ["this is not json", "{fields: [", "\"str\"", "5"] {
            assert_eq!(
                parse_fields(true, bad.as_bytes()).unwrap_err(),
                Answer::error(400, "Error parsing request body"),
                "{bad}"
            );
        }
    }
}
