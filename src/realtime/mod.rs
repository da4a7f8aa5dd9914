//! Realtime storage: the ps_* tables of a PostgreSQL database, written as Asterisk's
//! res_sorcery_realtime.c + res_config_pgsql.c read them.

pub mod backend;
pub mod codec;
pub mod schema;
pub mod sql;

use std::time::Duration;

use postgres::error::SqlState;

use crate::error::{Error, Result};

/// Whether `--db` names a PostgreSQL database rather than an astdb file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgresql://") || db.starts_with("postgres://")
}

/// An open connection and how to name it in messages (the URL without its password).
pub struct Db {
    pub client: postgres::Client,
    pub shown: String,
}

/// How long a write waits for a row another writer holds before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Connect as libpq users expect: the URL, then PGPASSWORD, then the password file.
pub fn connect(url: &str) -> Result<Db> {
    let mut cfg: postgres::Config = url.parse().map_err(|e| {
        Error::usage("--db: not a PostgreSQL URL")
            .because(e)
            .hint("write postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME")
    })?;
    let shown = shown_url(&cfg);
    if cfg.get_password().is_none() {
        if let Some(pw) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
            cfg.password(pw.into_encoded_bytes());
        } else if let Some(pw) = pgpass_password(&cfg) {
            cfg.password(pw);
        }
    }
    if cfg.get_connect_timeout().is_none() {
        cfg.connect_timeout(Duration::from_secs(10));
    }
    cfg.application_name("pjsipctl");
    let mut client = cfg
        .connect(postgres::NoTls)
        .map_err(|e| pg_error(&e, &shown))?;
    client
        .batch_execute(&sql::session_setup(LOCK_WAIT))
        .map_err(|e| pg_error(&e, &shown))?;
    Ok(Db { client, shown })
}

fn shown_url(cfg: &postgres::Config) -> String {
    let host = match cfg.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgresql://{}@{host}:{port}/{}",
        cfg.get_user().unwrap_or(""),
        cfg.get_dbname().unwrap_or("")
    )
}

/// The first matching line of PGPASSFILE (else ~/.pgpass): host:port:database:user:password,
/// `*` matching anything, `\` escaping `:` and `\`. Like libpq, a file others can read is ignored.
fn pgpass_password(cfg: &postgres::Config) -> Option<Vec<u8>> {
    let path = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".pgpass")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(&path).ok()?.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: {} is readable by others; ignoring it as libpq does (chmod 0600 it)",
                path.display()
            );
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match cfg.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".into(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432).to_string();
    let want = [
        host.as_str(),
        port.as_str(),
        cfg.get_dbname().unwrap_or(""),
        cfg.get_user().unwrap_or(""),
    ];
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let f = pgpass_fields(l);
        (f.len() == 5 && f[..4].iter().zip(want).all(|(p, w)| p == "*" || p == w))
            .then(|| f[4].clone().into_bytes())
    })
}

fn pgpass_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.last_mut().unwrap().extend(chars.next()),
            ':' => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// A PostgreSQL failure as one line: what failed, where, and what to do.
pub fn pg_error(e: &postgres::Error, db: &str) -> Error {
    if let Some(d) = e.as_db_error() {
        let code = d.code();
        return if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            Error::refused(format!("{db}: authentication failed: {}", d.message()))
                .hint("check the user and the password (URL, PGPASSWORD or ~/.pgpass)")
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            Error::storage(format!("{db}: {}", d.message()))
                .hint("create the database (createdb), then run `pjsipctl db init`")
        } else if *code == SqlState::UNDEFINED_TABLE || *code == SqlState::UNDEFINED_COLUMN {
            Error::storage(format!("{db}: {}", d.message()))
                .hint("run `pjsipctl db check` to see how the schema differs; `pjsipctl db init` on an empty database")
        } else if *code == SqlState::LOCK_NOT_AVAILABLE {
            Error::storage(format!(
                "{db}: a row is held by another writer; gave up after {} s (nothing was changed)",
                LOCK_WAIT.as_secs()
            ))
            .hint("try again when the other transaction has finished")
        } else if code.code().starts_with("57P") || code.code().starts_with("08") {
            Error::storage(format!(
                "{db}: the connection was lost ({}); the open transaction was rolled back, nothing was committed",
                d.message()
            ))
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            Error::refused(format!("{db}: {}", d.message()))
        } else {
            Error::storage(format!(
                "{db}: PostgreSQL refused: {} ({})",
                d.message(),
                code.code()
            ))
        };
    }
    if e.is_closed() {
        return Error::storage(format!(
            "{db}: the connection was lost; the open transaction was rolled back, nothing was committed"
        ));
    }
    let mut cause = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        cause = s.to_string();
        src = s.source();
    }
    Error::storage(format!("{db}: cannot connect to PostgreSQL: {cause}"))
        .hint("is the server running and the URL right?")
}

#[cfg(test)]
mod tests {
    #[test]
    fn pgpass_lines_are_split_like_libpq() {
        assert_eq!(
            super::pgpass_fields(r"h:5432:db:u:pa\:ss\\w"),
            ["h", "5432", "db", "u", r"pa:ss\w"]
        );
    }
}
