//! Bulk-provisioning benchmark (issue 6). Run with `cargo bench --bench provision`.
//!
//! Generates N users (auth + aor + endpoint, from templates) as pjsip.conf and measures,
//! on this machine in this run, the medians of several runs of:
//! 1. `apply` into a fresh astdb (N = 10,000 → 30,000 objects);
//! 2. the floor: the same rows inserted by a minimal program in one SQLite transaction;
//! 3. a second `apply` of the unchanged file (and that it wrote nothing);
//! 4. `apply --jobs 8` of 1,000 users over ARI to `pjsipctl serve` on loopback;
//! 5. one `push` and one `show` on the 30,000-object database;
//! 6. peak RSS of run 1 and of an N = 100,000 run;
//! 7. `list -o json`, `export`, `list -o conf` and `list endpoints` on the N database
//!    (wall and peak RSS), and their peak RSS on the N = 100,000 database (memory flat);
//! 8. `diff --jobs 8` of the unchanged N users over ARI to `pjsipctl serve` on loopback;
//! 9. (issue 16) `apply` into an empty PostgreSQL database against a floor of one COPY per
//!    table in one transaction, and that an unchanged re-apply writes nothing.
//!
//! Each figure is printed with its target (issues 6, 14 and 16).
//! Environment: BENCH_USERS (10000), BENCH_RUNS (5), BENCH_BIG (100000; 0 skips it),
//! BENCH_PG (libpq key=value string of a superuser connection; default the local server),
//! BENCH_PG_ONLY=1 (run 9 only).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Connections `apply` uses over ARI in run 4 (`--jobs`).
const ARI_JOBS: usize = 8;

const BIN: &str = env!("CARGO_BIN_EXE_pjsipctl");

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// N users as an operator would write them: three templates, one trio of sections per user.
fn users_conf(n: usize) -> String {
    let mut s = String::with_capacity(n * 300);
    s.push_str(
        "[auth-tpl](!)\ntype=auth\nauth_type=userpass\n\n\
         [aor-tpl](!)\ntype=aor\nmax_contacts=1\nremove_existing=yes\nqualify_frequency=60\n\n\
         [ep-tpl](!)\ntype=endpoint\ncontext=from-internal\ndisallow=all\nallow=ulaw,alaw,g722\n\
         direct_media=no\nrtp_symmetric=yes\nforce_rport=yes\nrewrite_contact=yes\ndtmf_mode=rfc4733\n\n",
    );
    for i in 0..n {
        let u = 100_000 + i;
        s.push_str(&format!(
            "[{u}](auth-tpl)\nusername={u}\npassword=pw-{:08x}\n\n\
             [{u}](aor-tpl)\nmailboxes={u}@default\n\n\
             [{u}](ep-tpl)\nauth={u}\naors={u}\ncallerid=\"User {u}\" <{u}>\nmailboxes={u}@default\n\n",
            (u as u64).wrapping_mul(2_654_435_761) & 0xffff_ffff
        ));
    }
    s
}

struct Run {
    wall: Duration,
    stderr: String,
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✔"
    } else {
        "✘"
    }
}

/// The read commands of issue 14, with their targets (wall ms, peak MB) at 30,000 objects.
const READS: &[(&str, &[&str], f64, f64)] = &[
    ("list -o json", &["list", "-o", "json"], 500.0, 60.0),
    ("export", &["export"], 500.0, 60.0),
    ("list -o conf", &["list", "-o", "conf"], 500.0, 60.0),
    (
        "list endpoints",
        &["list", "endpoints"],
        300.0,
        f64::INFINITY,
    ),
];

/// `serve` on `db`, and its ARI URL; killed when dropped.
fn start_serve(db: &Path) -> (KillOnDrop, String) {
    let port = free_port();
    let server = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--user",
            "bench",
        ])
        .env("PJSIPCTL_DB", db)
        .env("PJSIPCTL_PASSWORD", "bench-secret")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    // Killed on every way out, a failed run included.
    let server = KillOnDrop(server);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    (server, format!("http://127.0.0.1:{port}/ari"))
}

fn pjsipctl(args: &[&str], db: &Path, extra_env: &[(&str, &str)]) -> Run {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("PJSIPCTL_DB", db)
        .env("PJSIPCTL_REPORT_PEAK_RSS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    for (k, v) in extra_env {
        c.env(k, v);
    }
    let t = Instant::now();
    let out = c.output().expect("run pjsipctl");
    let wall = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "pjsipctl {args:?} failed: {stderr}");
    Run { wall, stderr }
}

fn peak_kb(r: &Run) -> u64 {
    r.stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_kb: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The floor: the rows `apply` stored, inserted by a minimal program in one transaction.
fn floor(rows: &[(String, String)], dir: &Path, run: usize) -> Duration {
    let path = dir.join(format!("floor-{run}.sqlite3"));
    let t = Instant::now();
    let mut c = rusqlite::Connection::open(&path).unwrap();
    c.execute(
        "CREATE TABLE IF NOT EXISTS astdb(key TEXT, value TEXT, PRIMARY KEY(key))",
        [],
    )
    .unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut st = tx
            .prepare("INSERT INTO astdb (key, value) VALUES (?1, ?2)")
            .unwrap();
        for (k, v) in rows {
            st.execute([k, v]).unwrap();
        }
    }
    tx.commit().unwrap();
    t.elapsed()
}

fn rows(db: &Path) -> Vec<(String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT key, value FROM astdb ORDER BY key")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn main() {
    // `cargo bench` passes --bench; nothing else is taken from the command line.
    let n = env_num("BENCH_USERS", 10_000);
    let runs = env_num("BENCH_RUNS", 5).max(1);
    let big = env_num("BENCH_BIG", 100_000);
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("users.conf");
    std::fs::write(&conf, users_conf(n)).unwrap();
    let conf_s = conf.to_str().unwrap();
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("machine: {} CPUs, {}", cpus, std::env::consts::ARCH);
    println!("users: {n} ({} objects), runs: {runs} (medians)", n * 3);
    if std::env::var_os("BENCH_PG_ONLY").is_some_and(|v| v == "1") {
        pg_bench(&conf, n, runs);
        return;
    }

    // 1 + 3: apply into a fresh database, then re-apply unchanged.
    let (mut apply, mut reapply, mut floors) = (Vec::new(), Vec::new(), Vec::new());
    let mut rss1 = 0;
    let mut last_db = PathBuf::new();
    for r in 0..runs {
        let db = dir.path().join(format!("apply-{r}.sqlite3"));
        let run = pjsipctl(&["apply", conf_s], &db, &[]);
        apply.push(run.wall);
        rss1 = rss1.max(peak_kb(&run));
        let before = std::fs::read(&db).unwrap();
        let again = pjsipctl(&["apply", conf_s], &db, &[]);
        reapply.push(again.wall);
        assert!(
            std::fs::read(&db).unwrap() == before,
            "the unchanged re-apply wrote to the database"
        );
        let stored = rows(&db);
        assert_eq!(stored.len(), n * 3);
        floors.push(floor(&stored, dir.path(), r));
        last_db = db;
    }
    let (a, f, re) = (median(apply), median(floors), median(reapply));
    println!(
        "1. apply {} objects into a fresh astdb: {:.1} ms",
        n * 3,
        ms(a)
    );
    let ratio = a.as_secs_f64() / f.as_secs_f64();
    println!(
        "2. floor (same rows, one transaction, minimal program): {:.1} ms; apply/floor = {ratio:.2}x (target within 1.5x {})",
        ms(f),
        mark(ratio <= 1.5)
    );
    println!(
        "3. unchanged re-apply: {:.1} ms, 0 writes (database file byte-identical)",
        ms(re)
    );

    // 4: over ARI to `pjsipctl serve` on loopback.
    let ari_users = n.min(1000);
    let small = dir.path().join("ari-users.conf");
    std::fs::write(&small, users_conf(ari_users)).unwrap();
    let serve_db = dir.path().join("serve.sqlite3");
    let (server, url) = start_serve(&serve_db);
    let ari_env = [("PJSIPCTL_PASSWORD", "bench-secret")];
    let run = pjsipctl(
        &[
            "--ari",
            &url,
            "--user",
            "bench",
            "apply",
            "--jobs",
            &ARI_JOBS.to_string(),
            small.to_str().unwrap(),
        ],
        &dir.path().join("unused.sqlite3"),
        &ari_env,
    );
    drop(server);
    println!(
        "4. apply {} objects over ARI to serve (--jobs {ARI_JOBS}: {ARI_JOBS} kept-alive connections, each type before the next): {:.1} ms, {:.0} objects/s",
        ari_users * 3,
        ms(run.wall),
        (ari_users * 3) as f64 / run.wall.as_secs_f64()
    );

    // The N database as apply left it, for the read commands (7, 8).
    let read_db = dir.path().join("read.sqlite3");
    std::fs::copy(&last_db, &read_db).unwrap();

    // 5: one push and one show on the full database.
    let (mut push, mut show) = (Vec::new(), Vec::new());
    for i in 0..runs.max(5) {
        let id = format!("{}", 100_000 + (i * 7919) % n);
        push.push(pjsipctl(&["push", "aor", &id, "max_contacts=2"], &last_db, &[]).wall);
        show.push(pjsipctl(&["show", "endpoint", &id, "-o", "json"], &last_db, &[]).wall);
    }
    println!(
        "5. on {} objects: push {:.1} ms, show {:.1} ms (wall, whole process)",
        n * 3,
        ms(median(push)),
        ms(median(show))
    );

    // 7: the read commands on the N database (issue 14), before the push runs changed it.
    let mut small_rss = Vec::new();
    for (name, args, wall_ms, mb) in READS {
        let (mut walls, mut peak) = (Vec::new(), 0);
        for _ in 0..runs {
            let r = pjsipctl(args, &read_db, &[]);
            walls.push(r.wall);
            peak = peak.max(peak_kb(&r));
        }
        let (w, m) = (ms(median(walls)), peak as f64 / 1024.0);
        small_rss.push(m);
        let mb_target = if mb.is_finite() {
            format!(", under {mb:.0} MB {}", mark(m < *mb))
        } else {
            String::new()
        };
        println!(
            "7. {name} on {} objects: {w:.1} ms, peak RSS {m:.1} MB (target under {wall_ms:.0} ms {}{mb_target})",
            n * 3,
            mark(w < *wall_ms)
        );
    }

    // 8: diff of the unchanged N users over ARI, --jobs 8, to serve on a copy of the database.
    let ari_db = dir.path().join("ari-read.sqlite3");
    std::fs::copy(&read_db, &ari_db).unwrap();
    let (server, url) = start_serve(&ari_db);
    let mut walls = Vec::new();
    for _ in 0..runs.min(3) {
        let r = pjsipctl(
            &[
                "--ari",
                &url,
                "--user",
                "bench",
                "diff",
                "--jobs",
                &ARI_JOBS.to_string(),
                conf_s,
            ],
            &dir.path().join("unused.sqlite3"),
            &ari_env,
        );
        walls.push(r.wall);
    }
    drop(server);
    let w = median(walls);
    let rate = (n * 3) as f64 / w.as_secs_f64();
    println!(
        "8. diff of {} unchanged objects over ARI to serve (--jobs {ARI_JOBS}): {:.1} ms, {rate:.0} objects/s (target 3,000/s {})",
        n * 3,
        ms(w),
        mark(rate >= 3000.0)
    );

    // 6: peak memory.
    print!(
        "6. peak RSS: apply of {} objects {:.1} MB",
        n * 3,
        rss1 as f64 / 1024.0
    );
    if big > 0 {
        let bconf = dir.path().join("big.conf");
        std::fs::write(&bconf, users_conf(big)).unwrap();
        let run = pjsipctl(
            &["apply", bconf.to_str().unwrap()],
            &dir.path().join("big.sqlite3"),
            &[],
        );
        println!(
            "; apply of {} objects {:.1} MB ({:.1} ms)",
            big * 3,
            peak_kb(&run) as f64 / 1024.0,
            ms(run.wall)
        );
        // Memory flat: each read command on ten times the objects, under twice its RSS.
        let big_db = dir.path().join("big.sqlite3");
        for ((name, args, _, _), small) in READS.iter().zip(small_rss) {
            let r = pjsipctl(args, &big_db, &[]);
            let m = peak_kb(&r) as f64 / 1024.0;
            println!(
                "6. {name} on {} objects: peak RSS {m:.1} MB = {:.2}x its {} -object RSS, {:.1} ms (target under 2x {})",
                big * 3,
                m / small,
                n * 3,
                ms(r.wall),
                mark(m < 2.0 * small)
            );
        }
    } else {
        println!();
    }
    println!();

    // 9: PostgreSQL (issue 16); its own block, see `pg_bench`.
    pg_bench(&conf, n, runs);
}

// ---------------------------------------------------------------------------------------------
// 9. PostgreSQL realtime tables (issue 16)

/// The realtime tables `apply` fills for the generated users.
const PG_TABLES: [&str; 3] = ["ps_auths", "ps_aors", "ps_endpoints"];

fn pg_admin_conn() -> String {
    std::env::var("BENCH_PG")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=postgres".into())
}

/// A database of its own for one run, made by `pjsipctl db init`; dropped when done.
struct PgBenchDb {
    name: String,
    url: String,
}

impl PgBenchDb {
    fn new(admin: &mut postgres::Client, tag: &str) -> PgBenchDb {
        let name = format!("pjsipctl_bench_{tag}_{}", std::process::id());
        // Two statements: DROP/CREATE DATABASE cannot share an (implicit) transaction.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let cfg: postgres::Config = pg_admin_conn().parse().unwrap();
        let host = match cfg.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            _ => "127.0.0.1".into(),
        };
        let port = cfg.get_ports().first().copied().unwrap_or(5432);
        let user = cfg.get_user().unwrap_or("postgres");
        let url = format!("postgresql://{user}@{host}:{port}/{name}");
        pjsipctl(&["db", "init"], Path::new(&url), &[]);
        PgBenchDb { name, url }
    }

    fn client(&self) -> postgres::Client {
        let conn = format!("{} dbname={}", pg_admin_conn(), self.name);
        postgres::Client::connect(&conn, postgres::NoTls).unwrap()
    }

    fn drop_in(self, admin: &mut postgres::Client) {
        let _ = admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// Each row's id and the transaction that wrote its version: any write, even of equal
/// values, changes it.
fn pg_versions(c: &mut postgres::Client) -> Vec<String> {
    PG_TABLES
        .iter()
        .map(|t| {
            c.query_one(
                &format!("SELECT coalesce(string_agg(id || ':' || xmin::text, ',' ORDER BY id), '') FROM {t}"),
                &[],
            )
            .unwrap()
            .get(0)
        })
        .collect()
}

/// The stored rows of each table in COPY text form.
fn pg_copy_out(c: &mut postgres::Client) -> Vec<Vec<u8>> {
    use std::io::Read;
    PG_TABLES
        .iter()
        .map(|t| {
            let mut data = Vec::new();
            c.copy_out(&format!("COPY {t} TO STDOUT"))
                .unwrap()
                .read_to_end(&mut data)
                .unwrap();
            data
        })
        .collect()
}

/// The floor: the same rows loaded by a minimal program, one COPY per table, one transaction
/// (connecting included, as `apply` connects too).
fn pg_floor(db: &PgBenchDb, data: &[Vec<u8>]) -> Duration {
    use std::io::Write;
    let t = Instant::now();
    let mut c = db.client();
    let mut tx = c.transaction().unwrap();
    for (table, rows) in PG_TABLES.iter().zip(data) {
        let mut w = tx.copy_in(&format!("COPY {table} FROM STDIN")).unwrap();
        w.write_all(rows).unwrap();
        w.finish().unwrap();
    }
    tx.commit().unwrap();
    t.elapsed()
}

fn pg_bench(conf: &Path, n: usize, runs: usize) {
    let mut admin = match postgres::Client::connect(&pg_admin_conn(), postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            println!(
                "9. PostgreSQL: skipped, not reachable with \"{}\" ({e}); set BENCH_PG or start the server",
                pg_admin_conn()
            );
            return;
        }
    };
    let conf_s = conf.to_str().unwrap();
    let (mut apply, mut reapply, mut floors) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let db = PgBenchDb::new(&mut admin, "apply");
        apply.push(pjsipctl(&["apply", conf_s], Path::new(&db.url), &[]).wall);
        let mut c = db.client();
        let before = pg_versions(&mut c);
        reapply.push(pjsipctl(&["apply", conf_s], Path::new(&db.url), &[]).wall);
        assert!(
            pg_versions(&mut c) == before,
            "the unchanged re-apply wrote to PostgreSQL"
        );
        let data = pg_copy_out(&mut c);
        let stored: usize = data
            .iter()
            .map(|d| d.iter().filter(|&&b| b == b'\n').count())
            .sum();
        assert_eq!(stored, n * 3);
        drop(c);
        let floor_db = PgBenchDb::new(&mut admin, "floor");
        floors.push(pg_floor(&floor_db, &data));
        floor_db.drop_in(&mut admin);
        db.drop_in(&mut admin);
    }
    let (a, f, re) = (median(apply), median(floors), median(reapply));
    let ratio = a.as_secs_f64() / f.as_secs_f64();
    println!(
        "9. PostgreSQL: apply {} objects into an empty database: {:.1} ms; floor (same rows, one COPY per table, one transaction): {:.1} ms; apply/floor = {ratio:.2}x (target within 2x {}); unchanged re-apply: {:.1} ms, 0 rows written (every row version unchanged)",
        n * 3,
        ms(a),
        ms(f),
        mark(ratio <= 2.0),
        ms(re)
    );
}
