//! The realtime backend on the machine's PostgreSQL (127.0.0.1:5432, trust auth; `.ci/run`
//! starts it): each test creates its own database and drops it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{fixtures, routed, run_cmd, Env};

fn admin() -> postgres::Client {
    postgres::Client::connect(
        "host=127.0.0.1 port=5432 user=postgres dbname=postgres",
        postgres::NoTls,
    )
    .expect("PostgreSQL on 127.0.0.1:5432 (.ci/run starts it)")
}

/// A database of its own, dropped at the end.
struct PgDb {
    name: String,
    url: String,
}

impl PgDb {
    fn new(tag: &str) -> PgDb {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "pjsipctl_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let mut a = admin();
        a.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        a.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = format!("postgresql://postgres@127.0.0.1:5432/{name}");
        PgDb { name, url }
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(
            &format!(
                "host=127.0.0.1 port=5432 user=postgres dbname={}",
                self.name
            ),
            postgres::NoTls,
        )
        .unwrap()
    }

    /// `pjsipctl --db <this database> ARGS`: (exit code, stdout, stderr).
    fn run(&self, env: &Env, args: &[&str]) -> (i32, String, String) {
        let mut c = env.cmd();
        c.env("PJSIPCTL_DB", &self.url);
        run_cmd(c, args)
    }

    fn ok(&self, env: &Env, args: &[&str]) -> String {
        let (code, out, err) = self.run(env, args);
        assert_eq!(code, 0, "pjsipctl {args:?}: {err}");
        out
    }

    fn init(&self, env: &Env) {
        self.ok(env, &["db", "init"]);
    }

    fn show(&self, env: &Env, ty: &str, id: &str) -> Value {
        serde_json::from_str(&self.ok(env, &["show", ty, id, "-o", "json"])).unwrap()
    }

    /// pg_dump's schema, normalised as `schema.sql` is for `db init`.
    fn dump(&self) -> String {
        let out = std::process::Command::new("pg_dump")
            .args([
                "--schema-only",
                "--no-owner",
                "--no-privileges",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                &self.name,
            ])
            .output()
            .expect("pg_dump");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        normalise(&String::from_utf8_lossy(&out.stdout))
    }

    /// Every row of a table, each as (column, text or NULL) in table order.
    fn rows(&self, table: &str) -> Vec<Vec<(String, Option<String>)>> {
        let mut c = self.client();
        let cols: Vec<String> = c
            .query(
                "SELECT attname::text FROM pg_attribute WHERE attrelid = $1::text::regclass \
                 AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                &[&table],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let list: Vec<String> = cols.iter().map(|c| format!("\"{c}\"::text")).collect();
        c.query(
            &format!("SELECT {} FROM {table} ORDER BY id", list.join(", ")),
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            cols.iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), r.get::<_, Option<String>>(i)))
                .collect()
        })
        .collect()
    }

    fn cell(&self, table: &str, id: &str, col: &str) -> Option<String> {
        self.rows(table)
            .into_iter()
            .find(|r| r[0].1.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no row {id} in {table}"))
            .into_iter()
            .find(|(c, _)| c == col)
            .unwrap()
            .1
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let _ = admin().batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// pg_dump text without what differs between runs and clients: psql commands, SET lines,
/// comments, blank lines and the schema qualifier.
fn normalise(dump: &str) -> String {
    dump.lines()
        .filter(|l| {
            !(l.starts_with('\\')
                || l.starts_with("--")
                || l.starts_with("SET ")
                || l.starts_with("SELECT pg_catalog.set_config")
                || l.trim().is_empty())
        })
        .map(|l| l.replace("public.", ""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A recorded GET body from tests/fixtures/realtime.
fn recorded(name: &str) -> Value {
    let p = fixtures().join("realtime").join(format!("{name}.json"));
    let d: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    d["response_body"].clone()
}

/// The deliberate difference: an unset callerid reads `<unknown>` where Asterisk's own
/// row reads back as the number `unknown`.
fn without_callerid(v: &Value) -> Value {
    Value::Array(
        v.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["attribute"] != "callerid")
            .cloned()
            .collect(),
    )
}

#[test]
fn db_init_creates_alembic_head_exactly_and_changes_nothing_the_second_time() {
    let (env, db) = (Env::new(), PgDb::new("init"));
    let (code, _, err) = db.run(&env, &["db", "init"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("created the realtime schema (alembic e89e30cee53f)"),
        "{err}"
    );
    let want = normalise(&std::fs::read_to_string(fixtures().join("realtime/schema.sql")).unwrap());
    let got = db.dump();
    assert_eq!(got, want);
    let rev: String = db
        .client()
        .query_one("SELECT version_num::text FROM alembic_version_config", &[])
        .unwrap()
        .get(0);
    assert_eq!(rev, "e89e30cee53f");

    let (code, _, err) = db.run(&env, &["db", "init"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("nothing changed"), "{err}");
    assert_eq!(db.dump(), got);
    let (code, out, err) = db.run(&env, &["db", "check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

#[test]
fn db_check_names_every_difference_and_init_leaves_such_a_database_alone() {
    let (env, db) = (Env::new(), PgDb::new("check"));
    db.init(&env);
    db.client()
        .batch_execute(
            "ALTER TABLE ps_auths DROP COLUMN realm; \
             ALTER TABLE ps_auths ADD COLUMN color text; \
             ALTER TABLE ps_aors ALTER COLUMN max_contacts TYPE text; \
             DROP TABLE ps_domain_aliases; \
             UPDATE alembic_version_config SET version_num = '44bd6dd914fa'",
        )
        .unwrap();
    let before = db.dump();
    let (code, out, err) = db.run(&env, &["db", "check"]);
    assert_eq!(code, 5, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "wrong type of ps_aors.max_contacts: text (expected integer)",
            "missing column ps_auths.realm (character varying(255))",
            "extra column ps_auths.color (text)",
            "missing table ps_domain_aliases",
            "alembic revision is 44bd6dd914fa (expected e89e30cee53f)",
        ],
        "{out}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("differs from alembic e89e30cee53f in 5 place(s)"),
        "{err}"
    );
    let (code, _, err) = db.run(&env, &["db", "init"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("missing column ps_auths.realm") && err.contains("nothing changed"),
        "{err}"
    );
    assert_eq!(db.dump(), before);
}

#[test]
fn walkthrough_on_postgres_reads_as_asterisk_reads_its_own_rows() {
    let (env, db) = (Env::new(), PgDb::new("walk"));
    db.init(&env);
    db.ok(
        &env,
        &[
            "push",
            "auth",
            "alice",
            "auth_type=userpass",
            "username=alice",
            "password=secret",
        ],
    );
    db.ok(&env, &["push", "aor", "alice", "max_contacts=1"]);
    db.ok(
        &env,
        &[
            "push",
            "endpoint",
            "alice",
            "from_user=alice",
            "context=default",
            "disallow=all",
            "allow=g722,ulaw,alaw",
            "ice_support=yes",
            "force_rport=yes",
            "rewrite_contact=yes",
            "rtp_symmetric=yes",
            "auth=alice",
            "aors=alice",
        ],
    );
    assert_eq!(
        db.show(&env, "auth", "alice"),
        recorded("04_get_auth_alice")
    );
    assert_eq!(db.show(&env, "aor", "alice"), recorded("05_get_aor_alice"));
    let ep = db.show(&env, "endpoint", "alice");
    assert_eq!(
        without_callerid(&ep),
        without_callerid(&recorded("08_get_endpoint_alice_after_replay"))
    );
    assert!(ep
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["attribute"] == "callerid" && a["value"] == "<unknown>"));
    // Unset is NULL, never '' (Asterisk reads both as "not set"); enums hold labels.
    assert_eq!(db.cell("ps_endpoints", "alice", "callerid"), None);
    assert_eq!(
        db.cell("ps_endpoints", "alice", "dtls_auto_generate_cert")
            .as_deref(),
        Some("no")
    );
    assert_eq!(
        db.cell("ps_endpoints", "alice", "100rel").as_deref(),
        Some("yes")
    );
    assert_eq!(db.cell("ps_auths", "alice", "realm"), None);

    // Sorcery's merge: scalars replace, allow accumulates (recordings 10-16).
    db.ok(
        &env,
        &["push", "endpoint", "alice", "context=office", "allow=opus"],
    );
    db.ok(
        &env,
        &[
            "push",
            "aor",
            "alice",
            "max_contacts=5",
            "contact=sip:alice@127.0.0.1:5999",
        ],
    );
    db.ok(&env, &["push", "auth", "alice", "password=newsecret"]);
    assert_eq!(
        without_callerid(&db.show(&env, "endpoint", "alice")),
        without_callerid(&recorded("12_get_endpoint_alice_after_update"))
    );
    assert_eq!(
        db.show(&env, "aor", "alice"),
        recorded("14_get_aor_alice_after_update")
    );
    assert_eq!(
        db.show(&env, "auth", "alice"),
        recorded("16_get_auth_alice_after_update")
    );

    let list = db.ok(&env, &["list", "endpoints"]);
    assert!(list.contains("alice"), "{list}");
    db.ok(&env, &["delete", "--yes", "endpoint", "alice"]);
    let (code, _, err) = db.run(&env, &["show", "endpoint", "alice"]);
    assert_eq!(code, 3, "{err}");
    let (code, _, err) = db.run(&env, &["delete", "--yes", "endpoint", "alice"]);
    assert_eq!(code, 3, "{err}");
}

#[test]
fn lists_and_separators_are_stored_losslessly() {
    let (env, db) = (Env::new(), PgDb::new("lists"));
    db.init(&env);
    db.ok(
        &env,
        &[
            "push",
            "auth",
            "special",
            "username=o'neil",
            "password=p;w^x",
            "realm=a;b",
        ],
    );
    assert_eq!(
        db.cell("ps_auths", "special", "password").as_deref(),
        Some("p^3Bw^5Ex")
    );
    assert_eq!(
        db.cell("ps_auths", "special", "username").as_deref(),
        Some("o'neil")
    );
    assert_eq!(
        without_callerid(&db.show(&env, "auth", "special")),
        without_callerid(&recorded("57_get_auth_special_chars"))
    );
    // Several contacts, matches and set_vars: refused on astdb, kept here without --accept-loss.
    db.ok(
        &env,
        &[
            "push",
            "aor",
            "two",
            "contact=sip:a@192.0.2.1;transport=tcp",
            "contact=sip:b@192.0.2.2",
        ],
    );
    let stored = db.cell("ps_aors", "two", "contact").unwrap();
    assert_eq!(stored.split(';').count(), 2, "{stored}");
    assert!(
        stored.contains("sip:a@192.0.2.1^3Btransport=tcp"),
        "{stored}"
    );
    let aor = db.show(&env, "aor", "two");
    let contacts: Vec<&str> = aor
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["attribute"] == "contact")
        .map(|a| a["value"].as_str().unwrap())
        .collect();
    assert_eq!(contacts.len(), 2, "{aor}");
    assert!(contacts.contains(&"sip:a@192.0.2.1;transport=tcp"), "{aor}");
    db.ok(
        &env,
        &[
            "push",
            "identify",
            "two",
            "endpoint=x",
            "match=192.0.2.10",
            "match=198.51.100.0/24",
        ],
    );
    assert_eq!(
        db.cell("ps_endpoint_id_ips", "two", "match").as_deref(),
        Some("192.0.2.10/255.255.255.255;198.51.100.0/255.255.255.0")
    );
    db.ok(
        &env,
        &[
            "push",
            "endpoint",
            "vars",
            "allow=ulaw",
            "set_var=A=1",
            "set_var=B=x;y",
        ],
    );
    assert_eq!(
        db.cell("ps_endpoints", "vars", "set_var").as_deref(),
        Some("A=1;B=x^3By")
    );
    let ep = db.show(&env, "endpoint", "vars");
    for (k, v) in [("A", "1"), ("B", "x;y")] {
        assert!(
            ep.as_array()
                .unwrap()
                .iter()
                .any(|a| a["attribute"] == k && a["value"] == v),
            "{k}: {ep}"
        );
    }
    // ACL rules have no text form in GET: they go to their own columns, and an update keeps them.
    db.ok(
        &env,
        &[
            "push",
            "endpoint",
            "acl",
            "allow=ulaw",
            "deny=0.0.0.0/0",
            "permit=10.0.0.0/8,192.0.2.0/24",
            "contact_deny=0.0.0.0/0",
        ],
    );
    db.ok(&env, &["push", "endpoint", "acl", "context=office"]);
    assert_eq!(
        db.cell("ps_endpoints", "acl", "deny").as_deref(),
        Some("0.0.0.0/0")
    );
    assert_eq!(
        db.cell("ps_endpoints", "acl", "permit").as_deref(),
        Some("10.0.0.0/8,192.0.2.0/24")
    );
    assert_eq!(
        db.cell("ps_endpoints", "acl", "contact_deny").as_deref(),
        Some("0.0.0.0/0")
    );
    assert_eq!(db.cell("ps_endpoints", "acl", "acl"), None);
    let ep = db.show(&env, "endpoint", "acl");
    for (k, v) in [
        ("acl", "deny/permit"),
        ("contact_acl", "deny/permit"),
        ("context", "office"),
    ] {
        assert!(
            ep.as_array()
                .unwrap()
                .iter()
                .any(|a| a["attribute"] == k && a["value"] == v),
            "{k}: {ep}"
        );
    }
    // A contact id in the registrar's form: ';' in the id is stored as ^3B too.
    db.ok(
        &env,
        &["push", "contact", "two;@c1", "uri=sip:a@192.0.2.1:5060"],
    );
    assert_eq!(db.rows("ps_contacts")[0][0].1.as_deref(), Some("two^3B@c1"));
    let list = db.ok(&env, &["list", "contacts"]);
    assert!(list.contains("two;@c1"), "{list}");
}

#[test]
fn conversions_give_the_same_objects_as_on_astdb() {
    for stem in ["v1-office", "v2-provider", "v3-templates", "v4-webrtc"] {
        let (env, db) = (Env::with_unset_confdir(), PgDb::new("conv"));
        db.init(&env);
        let conf = fixtures()
            .join("conversions/conf")
            .join(format!("{stem}.conf"));
        let conf = conf.to_str().unwrap();
        db.ok(&env, &["apply", conf]);
        env.ok(&["apply", conf]);
        let listed = env.ok(&["export", "--all", "--show-secrets"]);
        let on_pg = db.ok(&env, &["export", "--all", "--show-secrets"]);
        let body = |t: &str| {
            t.lines()
                .filter(|l| !l.starts_with(';'))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(body(&on_pg), body(&listed), "{stem}");
        assert!(body(&on_pg).contains("type=endpoint"), "{stem}");
        // A second apply and diff find nothing to do.
        let (code, _, err) = db.run(&env, &["diff", conf]);
        assert_eq!(code, 0, "{stem}: {err}");
        let (_, _, err) = db.run(&env, &["apply", conf]);
        assert!(
            err.contains(" 0 created, 0 updated,") || err.contains("up to date"),
            "{stem}: {err}"
        );
    }
}

#[test]
fn apply_is_one_transaction_on_postgres() {
    let (env, db) = (Env::new(), PgDb::new("tx"));
    db.init(&env);
    // The last object's context does not fit its column (varchar 40): nothing is written.
    let long = "c".repeat(41);
    let conf = env.dir.path().join("p.conf");
    std::fs::write(
        &conf,
        format!(
            "[a1]\ntype=auth\nusername=a1\npassword=x\n[a1]\ntype=aor\nmax_contacts=1\n\
             [a1]\ntype=endpoint\nallow=ulaw\nauth=a1\naors=a1\ncontext={long}\n"
        ),
    )
    .unwrap();
    let (code, _, err) = db.run(&env, &["apply", conf.to_str().unwrap()]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("context: 41 characters do not fit the column (character varying(40))"),
        "{err}"
    );
    assert!(db.rows("ps_auths").is_empty() && db.rows("ps_aors").is_empty());
}

#[test]
fn a_missing_column_refuses_only_the_push_that_needs_it() {
    let (env, db) = (Env::new(), PgDb::new("col"));
    db.init(&env);
    db.client()
        .batch_execute("ALTER TABLE ps_auths DROP COLUMN realm")
        .unwrap();
    let (code, _, err) = db.run(
        &env,
        &["push", "auth", "a", "username=a", "password=x", "realm=r"],
    );
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("realm: the table has no column realm (run `pjsipctl db check`)"),
        "{err}"
    );
    assert!(db.rows("ps_auths").is_empty());
    db.ok(&env, &["push", "auth", "a", "username=a", "password=x"]);
}

#[test]
fn faults_are_one_clear_line_with_their_exit_code() {
    let env = Env::new();
    let run = |url: &str, args: &[&str]| {
        let out = env
            .cmd()
            .env("PJSIPCTL_DB", url)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(
        "postgresql://postgres@127.0.0.1:1/x",
        &["show", "auth", "a"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(
        err.starts_with("error: postgresql://postgres@127.0.0.1:1/x: cannot connect to PostgreSQL"),
        "{err}"
    );
    assert!(err.contains("refused"), "{err}");
    let (code, err) = run(
        "postgresql://postgres@127.0.0.1/pjsipctl_no_such_db",
        &["show", "auth", "a"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("database \"pjsipctl_no_such_db\" does not exist") && err.contains("db init"),
        "{err}"
    );

    // A database without the schema: the table is named, and `db init` suggested.
    let db = PgDb::new("fault");
    let (code, _, err) = db.run(&env, &["push", "auth", "a", "username=a", "password=x"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("the table ps_auths does not exist") && err.contains("db init"),
        "{err}"
    );

    // A row another writer holds: a bounded wait, then a clear error, nothing changed.
    db.init(&env);
    db.ok(&env, &["push", "auth", "a", "username=a", "password=x"]);
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.execute("SELECT 1 FROM ps_auths WHERE id = 'a' FOR UPDATE", &[])
        .unwrap();
    let t = Instant::now();
    let (code, _, err) = db.run(&env, &["push", "auth", "a", "password=y"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("held by another writer; gave up after 5 s"),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    tx.rollback().unwrap();
    assert_eq!(db.cell("ps_auths", "a", "password").as_deref(), Some("x"));
}

#[test]
fn a_connection_lost_mid_apply_commits_nothing_and_an_unknown_role_is_refused() {
    let env = Env::new();
    let out = env
        .cmd()
        .env(
            "PJSIPCTL_DB",
            "postgresql://pjsipctl_no_such_role@127.0.0.1/postgres",
        )
        .args(["show", "auth", "a"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("authentication failed"),
        "{err}"
    );

    let db = PgDb::new("drop");
    db.init(&env);
    let mut conf = String::new();
    for i in 0..4000 {
        conf.push_str(&format!("[u{i}]\ntype=auth\nusername=u{i}\npassword=x\n"));
    }
    let path = env.dir.path().join("many.conf");
    std::fs::write(&path, conf).unwrap();
    // The file's last object is stored already, and its row held by another transaction: the
    // apply sends the others (several COPY chunks of 64 kB), then waits for that row, so it is
    // seen mid-transaction however fast it runs (it waits 5 s at most; the cut comes first).
    db.ok(
        &env,
        &["push", "auth", "u3999", "username=u3999", "password=x"],
    );
    let mut holder = db.client();
    let mut held = holder.transaction().unwrap();
    held.execute("SELECT 1 FROM ps_auths WHERE id = 'u3999' FOR UPDATE", &[])
        .unwrap();
    #[allow(deprecated)]
    let bin = assert_cmd::cargo::cargo_bin("pjsipctl");
    let child = std::process::Command::new(bin)
        .env_clear()
        .env("HOME", env.dir.path())
        .env("PJSIPCTL_DB", &db.url)
        .args(["apply", path.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Cut pjsipctl's session once its transaction has written something.
    let mut admin = admin();
    let t = Instant::now();
    let mut cut = false;
    while t.elapsed() < Duration::from_secs(60) && !cut {
        cut = admin
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 \
                 AND application_name = 'pjsipctl' AND backend_xid IS NOT NULL",
                &[&db.name],
            )
            .unwrap()
            .iter()
            .any(|r| r.get::<_, bool>(0));
    }
    assert!(cut, "the apply's transaction was never seen");
    let out = child.wait_with_output().unwrap();
    held.rollback().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("the connection was lost") && err.contains("nothing was committed"),
        "{err}"
    );
    assert_eq!(db.rows("ps_auths").len(), 1, "only the row stored before");
    // Run again, it finishes.
    db.ok(&env, &["apply", path.to_str().unwrap()]);
    assert_eq!(db.rows("ps_auths").len(), 4000);
}

#[test]
fn readers_never_see_half_an_apply_and_concurrent_applies_both_finish() {
    let (env, db) = (Env::new(), PgDb::new("conc"));
    db.init(&env);
    let mut conf = String::new();
    for i in 0..800 {
        conf.push_str(&format!("[c{i}]\ntype=auth\nusername=c{i}\npassword=x\n"));
    }
    let path = env.dir.path().join("many.conf");
    std::fs::write(&path, conf).unwrap();
    let path = path.to_str().unwrap().to_string();
    // Two applies of the same file at once, while a reader (as Asterisk would) counts rows.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let seen = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut c = db.client();
            let mut seen = std::collections::BTreeSet::new();
            while !stop.load(Ordering::SeqCst) {
                let n: i64 = c
                    .query_one("SELECT count(*) FROM ps_auths", &[])
                    .unwrap()
                    .get(0);
                seen.insert(n);
            }
            seen
        });
        let runs: Vec<_> = (0..2)
            .map(|_| s.spawn(|| db.run(&env, &["apply", &path])))
            .collect();
        for r in runs {
            let (code, _, err) = r.join().unwrap();
            assert!(
                code == 0 || (code == 5 && err.lines().count() <= 2 && err.starts_with("error: ")),
                "{code}: {err}"
            );
        }
        stop.store(true, Ordering::SeqCst);
        reader.join().unwrap()
    });
    assert!(seen.iter().all(|n| *n == 0 || *n == 800), "{seen:?}");
    assert_eq!(db.rows("ps_auths").len(), 800);
    let (_, _, err) = db.run(&env, &["apply", &path]);
    assert!(err.contains("up to date"), "{err}");
}

#[test]
fn apply_recreates_what_a_merge_cannot_reach_in_the_same_transaction() {
    let (env, db) = (Env::new(), PgDb::new("recreate"));
    db.init(&env);
    db.ok(
        &env,
        &[
            "push",
            "aor",
            "r",
            "contact=sip:a@192.0.2.1",
            "contact=sip:b@192.0.2.2",
        ],
    );
    // A contact cannot be taken away by a push (lists accumulate): apply re-creates the aor.
    let conf = env.dir.path().join("r.conf");
    std::fs::write(&conf, "[r]\ntype=aor\ncontact=sip:b@192.0.2.2\n").unwrap();
    let (code, _, err) = db.run(&env, &["apply", conf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        db.cell("ps_aors", "r", "contact").as_deref(),
        Some("sip:b@192.0.2.2")
    );
    let (code, _, err) = db.run(&env, &["diff", conf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

/// `pjsipctl serve` on this database, on a free loopback port; killed when dropped.
struct PgServe {
    child: std::process::Child,
    url: String,
}

impl PgServe {
    const USER: &'static str = "ari";
    const PASSWORD: &'static str = "s3cret";

    fn start(env: &Env, db: &PgDb) -> PgServe {
        let log = env.dir.path().join("serve.log");
        let mut child = env
            .std_cmd()
            .env("PJSIPCTL_DB", &db.url)
            .env("PJSIPCTL_PASSWORD", Self::PASSWORD)
            .args(["serve", "--listen", "127.0.0.1:0", "--user", Self::USER])
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(rest) = text.split("listening on http://127.0.0.1:").nth(1) {
                let port = rest.split('/').next().unwrap();
                assert!(text.contains(&format!("(PostgreSQL {})", db.url)), "{text}");
                let url = format!("http://127.0.0.1:{port}/ari");
                return PgServe { child, url };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("serve exited with {status}: {text}");
            }
            assert!(t0.elapsed() < Duration::from_secs(30), "serve: {text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `pjsipctl --ari <this server> ARGS` from a client with no database of its own.
    fn run(&self, env: &Env, args: &[&str]) -> (i32, String, String) {
        let mut c = env.cmd();
        c.env("PJSIPCTL_PASSWORD", Self::PASSWORD)
            .args(["--ari", &self.url, "--user", Self::USER]);
        run_cmd(c, args)
    }

    fn ok(&self, env: &Env, args: &[&str]) -> String {
        let (code, out, err) = self.run(env, args);
        assert_eq!(code, 0, "pjsipctl --ari {args:?}: {err}");
        out
    }

    /// One ARI PUT of a res_pjsip object, sent as is over HTTP: the status and the body.
    fn put(&self, ty: &str, id: &str, body: &str) -> (u16, String) {
        let port: u16 = self.url["http://127.0.0.1:".len()..]
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let auth = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{}:{}", Self::USER, Self::PASSWORD),
        );
        let headers = [
            ("Authorization", format!("Basic {auth}")),
            ("Content-Type", "application/json".to_string()),
        ];
        let target = format!("/ari/asterisk/config/dynamic/res_pjsip/{ty}/{id}");
        let r = crate::ari::stub::raw(port, "PUT", &target, &headers, Some(body.as_bytes()))
            .expect("serve answers");
        (r.status, String::from_utf8_lossy(&r.body).into_owned())
    }
}

impl Drop for PgServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_on_postgres_answers_ari_clients_from_the_realtime_tables() {
    let (env, db) = (Env::new(), PgDb::new("serve"));
    db.init(&env);
    let serve = PgServe::start(&env, &db);
    let client = Env::new();
    serve.ok(
        &client,
        &[
            "push",
            "auth",
            "alice",
            "auth_type=userpass",
            "username=alice",
            "password=secret",
        ],
    );
    serve.ok(&client, &["push", "aor", "alice", "max_contacts=1"]);
    serve.ok(
        &client,
        &[
            "push",
            "endpoint",
            "alice",
            "from_user=alice",
            "context=default",
            "disallow=all",
            "allow=g722,ulaw,alaw",
            "auth=alice",
            "aors=alice",
            "callerid=\"Alice\" <100>",
        ],
    );
    // The rows are in PostgreSQL, and read back the same through serve and directly.
    assert_eq!(
        db.cell("ps_endpoints", "alice", "allow").as_deref(),
        Some("(g722|ulaw|alaw)")
    );
    assert_eq!(
        db.cell("ps_endpoints", "alice", "callerid").as_deref(),
        Some("\"Alice\" <100>")
    );
    let via_ari: Value =
        serde_json::from_str(&serve.ok(&client, &["show", "endpoint", "alice", "-o", "json"]))
            .unwrap();
    assert_eq!(via_ari, db.show(&env, "endpoint", "alice"));
    assert_eq!(
        serde_json::from_str::<Value>(&serve.ok(&client, &["show", "auth", "alice", "-o", "json"]))
            .unwrap(),
        recorded("04_get_auth_alice")
    );
    // Sorcery's merge over ARI as on the CLI: allow accumulates, scalars replace.
    serve.ok(
        &client,
        &["push", "endpoint", "alice", "context=office", "allow=opus"],
    );
    assert_eq!(
        db.cell("ps_endpoints", "alice", "context").as_deref(),
        Some("office")
    );
    assert_eq!(
        db.cell("ps_endpoints", "alice", "allow").as_deref(),
        Some("(g722|ulaw|alaw|opus)")
    );
    let list = serve.ok(&client, &["list", "endpoints"]);
    assert!(list.contains("alice"), "{list}");

    // What Asterisk's validation refuses is refused, and nothing is written.
    let before = db.dump();
    let (code, _, err) = serve.run(&client, &["push", "endpoint", "alice", "dtmf_mode=bogus"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.starts_with("error: endpoint alice: dtmf_mode=bogus"),
        "{err}"
    );
    assert_eq!(db.dump(), before);

    serve.ok(&client, &["delete", "--yes", "endpoint", "alice"]);
    assert!(db.rows("ps_endpoints").is_empty());
    let (code, _, err) = serve.run(&client, &["show", "endpoint", "alice"]);
    assert_eq!(code, 3, "{err}");
}

#[test]
fn a_named_target_with_a_db_url_selects_the_realtime_backend() {
    let (env, db) = (Env::new(), PgDb::new("target"));
    db.init(&env);
    let cfg = env.dir.path().join("config/pjsipctl");
    std::fs::create_dir_all(&cfg).unwrap();
    let write = |text: &str| std::fs::write(cfg.join("config.toml"), text).unwrap();
    write(&format!(
        "[targets.lab]\nurl = \"http://127.0.0.1:1/ari\"\n\n[targets.pg]\ndb = \"{}\"\n",
        db.url
    ));
    // PJSIPCTL_DB (an astdb path here) loses to the target the run names.
    env.ok(&["--target", "pg", "push", "aor", "bob", "max_contacts=2"]);
    assert_eq!(
        db.cell("ps_aors", "bob", "max_contacts").as_deref(),
        Some("2")
    );
    assert!(!env.db().exists(), "nothing went to the astdb file");
    let shown = env.ok(&["--target", "pg", "show", "aor", "bob", "-o", "json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&shown).unwrap(),
        db.show(&env, "aor", "bob")
    );
    let out = env
        .cmd()
        .env("PJSIPCTL_TARGET", "pg")
        .args(["list", "aors"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("bob"));

    // Mistakes are one line naming the file and line; nothing is written.
    let before = db.dump();
    for (text, says) in [
        (
            format!("[targets.pg]\ndb = \"postgresql://postgres:pw@127.0.0.1/{}\"\n", db.name),
            "config.toml:2: target 'pg': passwords are not read from config.toml",
        ),
        (
            format!("[targets.pg]\nurl = \"http://127.0.0.1:1/ari\"\ndb = \"{}\"\n", db.url),
            "config.toml:3: target 'pg' has both db and ARI keys",
        ),
        (
            "[targets.pg]\ndb = \"/var/lib/asterisk/astdb.sqlite3\"\n".to_string(),
            "config.toml:2: target 'pg': db = \"/var/lib/asterisk/astdb.sqlite3\" is not a PostgreSQL URL",
        ),
    ] {
        write(&text);
        let (code, _, err) = env.run(&["--target", "pg", "push", "aor", "bob", "max_contacts=3"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.starts_with("error: ") && err.contains(says), "{err}");
        assert!(!err.contains(":pw@"), "{err}");
    }
    assert_eq!(db.dump(), before);
    // --ari and a database target together are a contradiction, not a guess.
    write(&format!("[targets.pg]\ndb = \"{}\"\n", db.url));
    let (code, _, err) = env.run(&[
        "--target",
        "pg",
        "--ari",
        "http://127.0.0.1:1/ari",
        "show",
        "aor",
        "bob",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--target pg is the database"), "{err}");
}

#[test]
fn strict_and_references_are_judged_on_postgres_as_on_astdb() {
    let (env, db) = (Env::new(), PgDb::new("strict"));
    db.init(&env);
    db.ok(&env, &["push", "aor", "a", "max_contacts=1"]);
    let before = db.dump();
    // A reference to nothing stored: a warning, and with --strict a refusal (nothing stored).
    let (code, _, err) = db.run(
        &env,
        &[
            "--strict",
            "push",
            "endpoint",
            "e",
            "allow=ulaw",
            "aors=nowhere",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("aors=nowhere names no stored aor"), "{err}");
    assert!(err.contains("(an error with --strict)"), "{err}");
    assert_eq!(db.dump(), before);
    let (code, _, err) = db.run(
        &env,
        &["push", "endpoint", "e", "allow=ulaw", "aors=nowhere"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: endpoint e: aors=nowhere names no stored aor"),
        "{err}"
    );
    // A reference to a stored row is no warning.
    let (code, _, err) = db.run(
        &env,
        &["--strict", "push", "endpoint", "f", "allow=ulaw", "aors=a"],
    );
    assert_eq!(code, 0, "{err}");
    // apply with --strict: the file's warnings refuse the whole file, nothing is stored.
    let before = db.dump();
    let file = env.dir.path().join("s.conf");
    std::fs::write(
        &file,
        "[g]\ntype=endpoint\nallow=ulaw\naors=a\n\n[odd]\ntype=Endpoint\n",
    )
    .unwrap();
    let (code, _, err) = db.run(&env, &["--strict", "apply", file.to_str().unwrap()]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(db.dump(), before);
    db.ok(&env, &["apply", file.to_str().unwrap()]);
    assert_eq!(db.cell("ps_endpoints", "g", "aors").as_deref(), Some("a"));
}

// ------------------------------------------------------------------ the one-pass apply

/// A table's rows as `PgDb::rows` gives them.
type Rows = Vec<Vec<(String, Option<String>)>>;

/// Every row of every ps_* table, table by table.
fn all_rows(db: &PgDb) -> Vec<(String, Rows)> {
    let tables: Vec<String> = db
        .client()
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
             AND tablename LIKE 'ps\\_%' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let rows = db.rows(&t);
            (t, rows)
        })
        .collect()
}

/// Each row's table, id and the transaction that wrote its version: any write, even of
/// the same values, changes it.
fn versions(db: &PgDb) -> Vec<(String, String, String)> {
    let mut c = db.client();
    let mut out = Vec::new();
    for (table, _) in all_rows(db) {
        for r in c
            .query(
                &format!("SELECT id::text, xmin::text FROM {table} ORDER BY id"),
                &[],
            )
            .unwrap()
        {
            out.push((table.clone(), r.get(0), r.get(1)));
        }
    }
    out
}

/// What a run printed, with the database's name made the same for every database.
fn anon(db: &PgDb, (code, out, err): (i32, String, String)) -> (i32, String, String) {
    (
        code,
        out.replace(&db.name, "DB"),
        err.replace(&db.name, "DB"),
    )
}

/// `apply [extra] FILE` into a database holding `seed`, as the file is read and read whole
/// first (`--allow-exec`; see common::routed): the same report, the same rows.
fn both_routes_agree_on_postgres(seed: &str, file: &str, extra: &[&str]) {
    let env = Env::with_unset_confdir();
    let (one, whole) = (PgDb::new("one"), PgDb::new("whole"));
    for db in [&one, &whole] {
        db.init(&env);
        if !seed.is_empty() {
            let s = env.dir.path().join("seed.conf");
            std::fs::write(&s, seed).unwrap();
            db.ok(&env, &["apply", "--yes", s.to_str().unwrap()]);
        }
    }
    let mut args = vec!["apply"];
    args.extend(extra);
    args.push(file);
    let a = anon(&one, one.run(&env, &args));
    let whole_args = routed(&args, true);
    let whole_args: Vec<&str> = whole_args.iter().map(String::as_str).collect();
    let b = anon(&whole, whole.run(&env, &whole_args));
    assert_eq!(a, b, "{file} {extra:?}");
    assert_eq!(all_rows(&one), all_rows(&whole), "{file} {extra:?}");
}

fn fixture_files() -> Vec<String> {
    let mut files: Vec<String> = ["v1-office", "v2-provider", "v3-templates", "v4-webrtc"]
        .iter()
        .map(|s| {
            fixtures()
                .join("conversions/conf")
                .join(format!("{s}.conf"))
                .display()
                .to_string()
        })
        .collect();
    files.extend(
        ["pbx.conf", "itsp.conf", "webrtc.conf"]
            .map(|f| fixtures().join("apply").join(f).display().to_string()),
    );
    files
}

/// What the tests below apply over a seed: updates, a re-create (a contact no merge
/// removes), an unchanged object, a new one; the seed also holds one the file lacks.
const SEED: &str = "[a]\ntype=aor\nmax_contacts=1\ncontact=sip:a@192.0.2.1\ncontact=sip:b@192.0.2.2\n\n\
                    [b]\ntype=aor\nmax_contacts=2\n\n[gone]\ntype=aor\n\n\
                    [e](!)\ntype=endpoint\nallow=ulaw\n[x](e)\ncontext=old\n[acl](e)\ndeny=0.0.0.0/0\npermit=10.0.0.0/8\n";
const NEXT: &str = "[a]\ntype=aor\nmax_contacts=1\ncontact=sip:b@192.0.2.2\n\n[b]\ntype=aor\nmax_contacts=2\n\n\
                    [c]\ntype=aor\n\n[e](!)\ntype=endpoint\nallow=ulaw\n[x](e)\ncontext=new\nallow=alaw\n\
                    set_var=A=1\n[acl](e)\ncontext=office\n";

#[test]
fn apply_as_the_file_is_read_and_read_whole_agree_on_postgres() {
    for f in &fixture_files() {
        // ([itsp](+type=endpoint) adds to a section handed over long before: read whole.)
        both_routes_agree_on_postgres("", f, &[]);
    }
    let env = Env::new();
    let write = |name: &str, text: &str| {
        let p = env.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let next = write("next.conf", NEXT);
    both_routes_agree_on_postgres(SEED, &next, &[]);
    both_routes_agree_on_postgres(SEED, &next, &["--prune", "--yes"]);
    both_routes_agree_on_postgres(SEED, &next, &["--owner", "team"]);
    // A refused file: the same problems, nothing written by either.
    let bad = write(
        "bad.conf",
        "[x]\ntype=endpoint\nallow=ulaw\nbogus=1\n[a](nope)\n",
    );
    both_routes_agree_on_postgres(SEED, &bad, &[]);
}

#[test]
fn diff_and_dry_run_as_the_file_is_read_and_read_whole_agree_on_postgres() {
    let env = Env::with_unset_confdir();
    let next = env.dir.path().join("next.conf");
    std::fs::write(&next, NEXT).unwrap();
    let db = PgDb::new("cmp");
    db.init(&env);
    let seed = env.dir.path().join("seed.conf");
    std::fs::write(&seed, SEED).unwrap();
    db.ok(&env, &["apply", seed.to_str().unwrap()]);
    let before = versions(&db);
    let mut files = fixture_files();
    files.push(next.display().to_string());
    let cases: [&[&str]; 6] = [
        &["diff"],
        &["diff", "--prune"],
        &["apply", "--dry-run"],
        &["apply", "--dry-run", "--prune"],
        &["-o", "json", "diff", "--prune"],
        &["-o", "json", "apply", "--dry-run"],
    ];
    for f in &files {
        for extra in cases {
            let mut args = extra.to_vec();
            args.push(f);
            let whole = routed(&args, true);
            let whole: Vec<&str> = whole.iter().map(String::as_str).collect();
            assert_eq!(db.run(&env, &args), db.run(&env, &whole), "{args:?}");
        }
    }
    let (code, _, err) = db.run(&env, &["diff", next.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("1 to create, 3 to update, 0 to delete (1 unchanged)"),
        "{err}"
    );
    // Comparing writes nothing.
    assert_eq!(versions(&db), before);
}

#[test]
fn an_unchanged_reapply_on_postgres_writes_nothing() {
    let env = Env::with_unset_confdir();
    let db = PgDb::new("same");
    db.init(&env);
    let next = env.dir.path().join("next.conf");
    std::fs::write(&next, NEXT).unwrap();
    let mut files = fixture_files();
    files.push(next.display().to_string());
    for f in &files {
        db.ok(&env, &["apply", f]);
    }
    let before = versions(&db);
    assert!(before.len() > 30, "{}", before.len());
    for f in &files {
        for whole in [false, true] {
            let args = routed(&["apply", f], whole);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, _, err) = db.run(&env, &args);
            assert_eq!(code, 0, "{err}");
            assert!(err.contains("is up to date"), "{f}: {err}");
        }
    }
    // Not one row version changed: nothing was written, not even the same values.
    assert_eq!(versions(&db), before);
}

#[test]
fn a_failure_mid_apply_commits_nothing_on_postgres() {
    let (env, db) = (Env::new(), PgDb::new("mid"));
    db.init(&env);
    db.ok(&env, &["push", "aor", "kept", "max_contacts=3"]);
    let before = all_rows(&db);
    // Thousands of auths go to the server in several COPY chunks before the end.
    let mut conf = String::new();
    for i in 0..3000 {
        conf.push_str(&format!("[u{i}]\ntype=auth\nusername=u{i}\npassword=x\n"));
    }
    let path = env.dir.path().join("many.conf");
    std::fs::write(&path, &conf).unwrap();
    let path = path.to_str().unwrap();

    // The database refuses a row near the end (a constraint pjsipctl cannot know of).
    db.client()
        .batch_execute("ALTER TABLE ps_auths ADD CONSTRAINT not_u2990 CHECK (username <> 'u2990')")
        .unwrap();
    let (code, _, err) = db.run(&env, &["apply", path]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.starts_with("error: ")
            && err.contains("not_u2990")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(all_rows(&db), before);

    // pjsipctl refuses an object near the end (a value too long for its column), after
    // the rows before it were sent: nothing is committed.
    db.client()
        .batch_execute("ALTER TABLE ps_auths DROP CONSTRAINT not_u2990")
        .unwrap();
    conf.push_str(&format!(
        "[e1]\ntype=endpoint\nallow=ulaw\ncontext={}\n",
        "c".repeat(41)
    ));
    std::fs::write(path, &conf).unwrap();
    let (code, _, err) = db.run(&env, &["apply", path]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains(
            "endpoint e1 cannot be stored faithfully in ps_endpoints: \
                      context: 41 characters do not fit the column (character varying(40)); \
                      nothing was written (the apply is one transaction)"
        ),
        "{err}"
    );
    assert_eq!(all_rows(&db), before);
    // Without it the file applies.
    conf.truncate(conf.find("[e1]").unwrap());
    std::fs::write(path, &conf).unwrap();
    db.ok(&env, &["apply", path]);
    assert_eq!(db.rows("ps_auths").len(), 3000);
}

#[test]
fn a_create_racing_another_writer_is_a_clear_error_and_commits_nothing() {
    let (env, db) = (Env::new(), PgDb::new("race"));
    db.init(&env);
    let mut conf = String::new();
    for i in 0..10 {
        conf.push_str(&format!("[c{i}]\ntype=auth\nusername=c{i}\npassword=x\n"));
    }
    let path = env.dir.path().join("race.conf");
    std::fs::write(&path, conf).unwrap();
    // Another program creates c5 in a transaction still open when the apply starts.
    let mut other = db.client();
    let mut tx = other.transaction().unwrap();
    tx.execute(
        "INSERT INTO ps_auths (id, username, password) VALUES ('c5', 'other', 'y')",
        &[],
    )
    .unwrap();
    let child = env
        .std_cmd()
        .env("PJSIPCTL_DB", &db.url)
        .args(["apply", path.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the apply waits for that row, the other transaction commits.
    let mut admin = admin();
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(30) {
        let waiting = admin
            .query(
                "SELECT 1 FROM pg_stat_activity WHERE datname = $1 \
                 AND application_name = 'pjsipctl' AND wait_event_type = 'Lock'",
                &[&db.name],
            )
            .unwrap();
        if !waiting.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    tx.commit().unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    // The server's answer names the row, however loaded the machine: it comes with the end
    // of the COPY, and never reads as a lost connection.
    assert!(
        err.starts_with("error: ")
            && err.contains("another writer created a row of ps_auths while this ran")
            && err.contains("(c5)")
            && err.contains("nothing was committed")
            && !err.contains("connection was lost"),
        "{err}"
    );
    let ids: Vec<Option<String>> = db
        .rows("ps_auths")
        .into_iter()
        .map(|r| r[0].1.clone())
        .collect();
    assert_eq!(ids, [Some("c5".to_string())]);
    // Run again, it compares with what is there now.
    db.ok(&env, &["apply", path.to_str().unwrap()]);
    assert_eq!(db.cell("ps_auths", "c5", "username").as_deref(), Some("c5"));
    assert_eq!(db.rows("ps_auths").len(), 10);
}

#[test]
fn separators_tabs_backslashes_and_newlines_survive_copy() {
    let (env, db) = (Env::new(), PgDb::new("esc"));
    db.init(&env);
    // pjsip.conf: `\;` is a `;`; a tab, `\`, `\N` and `\.` (COPY's NULL and end marks) are text.
    let conf = env.dir.path().join("esc.conf");
    std::fs::write(
        &conf,
        "[weird]\ntype=auth\nusername=a\\;b^c\\d\\N\npassword=p\tw\\.\nrealm=x^3By\n\n\
         [e1]\ntype=endpoint\nallow=ulaw\ncontext=c\\\\tx\nset_var=A=1\\;2\tz\n",
    )
    .unwrap();
    let conf = conf.to_str().unwrap();
    db.ok(&env, &["apply", conf]);
    assert_eq!(
        db.cell("ps_auths", "weird", "username").as_deref(),
        Some("a^3Bb^5Ec\\d\\N")
    );
    assert_eq!(
        db.cell("ps_auths", "weird", "password").as_deref(),
        Some("p\tw\\.")
    );
    assert_eq!(
        db.cell("ps_auths", "weird", "realm").as_deref(),
        Some("x^5E3By")
    );
    assert_eq!(
        db.cell("ps_endpoints", "e1", "set_var").as_deref(),
        Some("A=1^3B2\tz")
    );
    let attr = |v: &Value, name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|a| a["attribute"] == name)
            .map(|a| a["value"].as_str().unwrap().to_string())
    };
    let auth: Value = serde_json::from_str(&db.ok(
        &env,
        &["--show-secrets", "show", "auth", "weird", "-o", "json"],
    ))
    .unwrap();
    assert_eq!(attr(&auth, "username").as_deref(), Some("a;b^c\\d\\N"));
    assert_eq!(attr(&auth, "password").as_deref(), Some("p\tw\\."));
    assert_eq!(attr(&auth, "realm").as_deref(), Some("x^3By"));
    let ep = db.show(&env, "endpoint", "e1");
    assert_eq!(attr(&ep, "context").as_deref(), Some("c\\\\tx"));
    assert_eq!(attr(&ep, "A").as_deref(), Some("1;2\tz"));
    let (code, _, err) = db.run(&env, &["diff", conf]);
    assert_eq!(code, 0, "{err}");
    // A newline (only a push can carry one), created by COPY.
    db.ok(&env, &["push", "auth", "nl", "username=a\nb", "password=x"]);
    assert_eq!(
        db.cell("ps_auths", "nl", "username").as_deref(),
        Some("a\nb")
    );

    // The same objects written by an update (an upsert) give the very same rows.
    let other = PgDb::new("esc2");
    other.init(&env);
    other.ok(&env, &["push", "auth", "weird", "username=x", "password=x"]);
    other.ok(&env, &["push", "endpoint", "e1", "allow=alaw", "context=x"]);
    other.ok(&env, &["push", "auth", "nl", "username=x", "password=y"]);
    other.ok(&env, &["push", "auth", "nl", "username=a\nb", "password=x"]);
    let (code, _, err) = other.run(&env, &["apply", conf]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 created, 2 updated"), "{err}");
    assert_eq!(all_rows(&other), all_rows(&db));
}

#[test]
fn an_endpoint_without_codecs_is_refused_on_postgres_unless_forced() {
    let (env, db) = (Env::new(), PgDb::new("codecs"));
    db.init(&env);
    let conf = env.dir.path().join("none.conf");
    std::fs::write(&conf, "[n]\ntype=endpoint\ndisallow=all\n").unwrap();
    let conf = conf.to_str().unwrap();
    for whole in [false, true] {
        let args = routed(&["apply", conf], whole);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = db.run(&env, &args);
        assert_eq!(code, 4, "{err}");
        assert!(err.contains("endpoint n has no codec"), "{err}");
    }
    let (code, _, err) = db.run(&env, &["push", "endpoint", "n", "disallow=all"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(db.rows("ps_endpoints").is_empty());
    // What --force stores reads back as pushed: no codec at all.
    db.ok(&env, &["apply", "--force", conf]);
    assert_eq!(db.cell("ps_endpoints", "n", "allow"), None);
    let (code, _, err) = db.run(&env, &["diff", "--force", conf]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn many_changed_rows_are_written_together_and_a_refused_one_commits_nothing() {
    let (env, db) = (Env::new(), PgDb::new("upd"));
    db.init(&env);
    let path = env.dir.path().join("aors.conf");
    let write = |n: &str| {
        let mut conf = String::new();
        for i in 0..1200 {
            conf.push_str(&format!("[a{i}]\ntype=aor\nmax_contacts={n}\n"));
        }
        std::fs::write(&path, conf).unwrap();
    };
    let path = path.to_str().unwrap();
    write("1");
    db.ok(&env, &["apply", path]);
    // Every row changed: more rows than one statement takes.
    write("2");
    let (code, _, err) = db.run(&env, &["apply", path]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 created, 1200 updated"), "{err}");
    let all = |v: &str| {
        db.rows("ps_aors").iter().all(|r| {
            r.iter()
                .any(|(c, x)| c == "max_contacts" && x.as_deref() == Some(v))
        })
    };
    assert!(all("2"));
    let before = versions(&db);
    // The database refuses one of them (a constraint pjsipctl cannot know of): nothing is
    // committed, though the statements before it succeeded.
    db.client()
        .batch_execute(
            "ALTER TABLE ps_aors ADD CONSTRAINT no_a1100 CHECK (id <> 'a1100' OR max_contacts <> 3)",
        )
        .unwrap();
    write("3");
    let (code, _, err) = db.run(&env, &["apply", path]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.starts_with("error: ")
            && err.contains("no_a1100")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(versions(&db), before);
    assert!(all("2"));
}

/// The session of `pjsipctl serve` (application_name pjsipctl) on this database, ended
/// by the server; true if there was one.
fn terminate_serve_session(db: &PgDb) -> bool {
    admin()
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 \
             AND application_name = 'pjsipctl'",
            &[&db.name],
        )
        .unwrap()
        .iter()
        .any(|r| r.get::<_, bool>(0))
}

#[test]
fn serve_opens_a_new_session_when_postgres_ends_its_own() {
    let (env, db) = (Env::new(), PgDb::new("reconnect"));
    db.init(&env);
    let serve = PgServe::start(&env, &db);
    let client = Env::new();
    serve.ok(&client, &["push", "aor", "alice", "max_contacts=1"]);
    assert!(terminate_serve_session(&db), "serve holds no session");
    // The next calls go through, on a new session: nothing is lost, nothing is done twice.
    serve.ok(&client, &["push", "aor", "bob", "max_contacts=2"]);
    let alice: Value =
        serde_json::from_str(&serve.ok(&client, &["show", "aor", "alice", "-o", "json"])).unwrap();
    assert_eq!(alice, db.show(&env, "aor", "alice"));
    assert!(terminate_serve_session(&db), "serve holds no session");
    let bob: Value =
        serde_json::from_str(&serve.ok(&client, &["show", "aor", "bob", "-o", "json"])).unwrap();
    assert_eq!(bob, db.show(&env, "aor", "bob"));
    assert_eq!(
        db.cell("ps_aors", "bob", "max_contacts").as_deref(),
        Some("2")
    );
    assert_eq!(db.rows("ps_aors").len(), 2);
}

#[test]
fn serve_sees_tables_made_after_it_started() {
    let (env, db) = (Env::new(), PgDb::new("latetables"));
    let serve = PgServe::start(&env, &db);
    let client = Env::new();
    // Before `db init`: the client hears that the tables are missing, not that Asterisk maps
    // aors to a read-only wizard.
    let (code, _, err) = serve.run(&client, &["push", "aor", "alice", "max_contacts=1"]);
    assert_eq!(code, 5, "a push with no tables: {err}");
    assert!(
        err.contains(" 500 ")
            && err.contains(&format!(
                "{} has no realtime tables (ps_aors is missing)",
                db.url
            ))
            && err.contains("run `pjsipctl db init` on this database first")
            && !err.contains("read-only"),
        "{err}"
    );
    // The same over plain HTTP: the server's answer itself says so.
    let (status, body) = serve.put(
        "aor",
        "bob",
        r#"{"fields":[{"attribute":"max_contacts","value":"1"}]}"#,
    );
    assert_eq!(status, 500, "{body}");
    let message = serde_json::from_str::<Value>(&body).unwrap()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("has no realtime tables (ps_aors is missing)")
            && message.contains("pjsipctl db init"),
        "{body}"
    );
    db.init(&env);
    serve.ok(&client, &["push", "aor", "alice", "max_contacts=1"]);
    assert_eq!(
        db.cell("ps_aors", "alice", "max_contacts").as_deref(),
        Some("1")
    );
    let alice: Value =
        serde_json::from_str(&serve.ok(&client, &["show", "aor", "alice", "-o", "json"])).unwrap();
    assert_eq!(alice, db.show(&env, "aor", "alice"));
    // A set-up database lacking one table: that table is named, and `db check` is the way on.
    db.client()
        .batch_execute("DROP TABLE ps_domain_aliases")
        .unwrap();
    let (code, _, err) = serve.run(
        &client,
        &["push", "domain_alias", "example.org", "domain=example.com"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains(&format!(
            "{}: the table ps_domain_aliases does not exist; run `pjsipctl db check`",
            db.url
        )) && !err.contains("read-only"),
        "{err}"
    );
}
