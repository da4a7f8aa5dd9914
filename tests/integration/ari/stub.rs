//! A tiny HTTP/1.1 server for tests: keep-alive, Content-Length bodies, and a handler
//! that can answer, stall, or cut the connection. Plus a raw client that sends bytes
//! exactly as given (no URL normalisation), for conformance checks of `serve`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// The request target exactly as sent: raw path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which connection it came on (0, 1, ... in accept order).
    pub conn: usize,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
}

/// What the server does with a request.
pub enum Act {
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Send the status line, headers and part of the body, then close.
    CloseMidResponse,
    /// Close without sending anything.
    Close,
    /// Wait, then act.
    Sleep(Duration, Box<Act>),
}

impl Act {
    pub fn json(status: u16, body: &str) -> Act {
        Act::Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

pub type Handler = dyn Fn(&Req) -> Act + Send + Sync;

pub struct Stub {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<Req>>>,
}

impl Stub {
    pub fn start(handler: impl Fn(&Req) -> Act + Send + Sync + 'static) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests: Arc<Mutex<Vec<Req>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&requests);
        thread::spawn(move || {
            for (n, conn) in listener.incoming().enumerate() {
                let Ok(conn) = conn else { continue };
                let (h, log) = (Arc::clone(&handler), Arc::clone(&log));
                thread::spawn(move || serve_conn(conn, n, &*h, &log));
            }
        });
        Stub { port, requests }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/ari", self.port)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve_conn(conn: TcpStream, n: usize, handler: &Handler, log: &Mutex<Vec<Req>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    while let Some(mut req) = read_request(&mut reader) {
        req.conn = n;
        log.lock().unwrap().push(req.clone());
        let mut act = handler(&req);
        loop {
            match act {
                Act::Sleep(d, next) => {
                    thread::sleep(d);
                    act = *next;
                }
                Act::Close => {
                    let _ = conn.shutdown(Shutdown::Both);
                    return;
                }
                Act::CloseMidResponse => {
                    let _ = conn.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n[{\"attri",
                    );
                    let _ = conn.flush();
                    let _ = conn.shutdown(Shutdown::Both);
                    return;
                }
                Act::Reply {
                    status,
                    headers,
                    body,
                } => {
                    let mut head = format!(
                        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n",
                        reason(status),
                        body.len()
                    );
                    for (k, v) in headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    if conn
                        .write_all(head.as_bytes())
                        .and_then(|_| conn.write_all(&body))
                        .is_err()
                    {
                        return;
                    }
                    break;
                }
            }
        }
    }
}

pub fn read_request(r: &mut impl BufRead) -> Option<Req> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Req {
        method,
        target,
        headers,
        body,
        conn: 0,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// An answer read by [`raw`].
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Send one request exactly as given (target unnormalised) and read the answer;
/// `None` when the server closed without answering.
pub fn raw(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, String)],
    body: Option<&[u8]>,
) -> Option<Raw> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // A watchdog: a loaded machine answers well within it.
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req =
        format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let chunked = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"));
    if let Some(b) = body.filter(|_| !chunked) {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    // A server may answer (e.g. 413) before reading everything; a write error is not fatal.
    let _ = s.write_all(&bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    if out.is_empty() {
        return None;
    }
    let split = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let body = out[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    Some(Raw {
        status,
        headers,
        body,
    })
}
