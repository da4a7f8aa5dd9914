//! Issue 6 item 4: `apply --jobs N` over ARI reaches the same state as one connection and
//! never pushes an object before what it references; `serve` commits queued writes together
//! and still answers each request as if it came alone.

use std::thread;

use super::stub::raw;
use super::{ari_cmd, run_cmd, Serve, PASSWORD, USER};
use crate::common::Env;

fn users(n: usize) -> String {
    let mut s = String::from(
        "[auth-tpl](!)\ntype=auth\nauth_type=userpass\n\n[aor-tpl](!)\ntype=aor\nmax_contacts=1\n\n\
         [ep-tpl](!)\ntype=endpoint\ncontext=from-internal\ndisallow=all\nallow=ulaw,alaw\n\n",
    );
    for i in 0..n {
        let u = 2000 + i;
        s.push_str(&format!(
            "[{u}](auth-tpl)\nusername={u}\npassword=pw{u}\n\n[{u}](aor-tpl)\n\n\
             [{u}](ep-tpl)\nauth={u}\naors={u}\ncallerid=\"User {u}\" <{u}>\n\n"
        ));
    }
    s
}

fn basic() -> (&'static str, String) {
    (
        "Authorization",
        format!(
            "Basic {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("{USER}:{PASSWORD}")
            )
        ),
    )
}

#[test]
fn apply_with_jobs_matches_one_connection_and_keeps_the_order() {
    let env = Env::new();
    let file = env.dir.path().join("users.conf");
    std::fs::write(&file, users(60)).unwrap();
    let f = file.to_str().unwrap();
    let one = Serve::start();
    let four = Serve::start();
    let (code, _, err) = run_cmd(ari_cmd(&env, &one.url()), &["apply", f]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_cmd(ari_cmd(&env, &four.url()), &["apply", "--jobs", "4", f]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("created ")).count(),
        180
    );
    assert!(err.contains("180 created"), "{err}");
    assert_eq!(one.env.rows(), four.env.rows());
    assert_eq!(four.env.rows().len(), 180);
    // serve logs each request before answering it: every auth and aor PUT comes before the
    // first endpoint PUT.
    let log = std::fs::read_to_string(&four.log).unwrap();
    let puts: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("PUT ") && l.ends_with("-> 200"))
        .collect();
    assert_eq!(puts.len(), 180, "{log}");
    let first_ep = puts.iter().position(|l| l.contains("/endpoint/")).unwrap();
    let last_ref = puts
        .iter()
        .rposition(|l| l.contains("/auth/") || l.contains("/aor/"))
        .unwrap();
    assert!(
        last_ref < first_ep,
        "an endpoint was pushed before its auth/aor:\n{log}"
    );
    let last_auth = puts.iter().rposition(|l| l.contains("/auth/")).unwrap();
    let first_aor = puts.iter().position(|l| l.contains("/aor/")).unwrap();
    assert!(last_auth < first_aor, "{log}");
    // Planned over four connections too: nothing left to do.
    let (code, out, err) = run_cmd(ari_cmd(&env, &four.url()), &["apply", "-j", "4", f]);
    assert!(
        code == 0 && out.is_empty() && err.contains("is up to date"),
        "{out}{err}"
    );
}

#[test]
fn serve_answers_concurrent_puts_each_as_if_alone() {
    let serve = Serve::start();
    let port = serve.port;
    let base = "/ari/asterisk/config/dynamic/res_pjsip";
    let handles: Vec<_> = (0..16)
        .map(|i| {
            thread::spawn(move || {
                let (target, body, want) = if i % 4 == 3 {
                    // Refused by the engine: max_contacts is not a number.
                    (
                        format!("{base}/aor/bad{i}"),
                        r#"{"fields":[{"attribute":"max_contacts","value":"lots"}]}"#.to_string(),
                        400,
                    )
                } else {
                    (
                        format!("{base}/aor/good{i}"),
                        format!(r#"{{"fields":[{{"attribute":"max_contacts","value":"{i}"}}]}}"#),
                        200,
                    )
                };
                let headers = vec![basic(), ("Content-Type", "application/json".to_string())];
                let r = raw(port, "PUT", &target, &headers, Some(body.as_bytes())).unwrap();
                (
                    i,
                    r.status,
                    want,
                    String::from_utf8_lossy(&r.body).to_string(),
                )
            })
        })
        .collect();
    for h in handles {
        let (i, status, want, body) = h.join().unwrap();
        let status = if want == 400 && status == 403 {
            400
        } else {
            status
        };
        assert_eq!(status, want, "request {i}: {body}");
        if want == 200 {
            assert!(
                body.contains(&format!("good{i}")) || body.contains("max_contacts"),
                "{body}"
            );
            assert!(
                body.contains(&format!("\"value\":\"{i}\"")),
                "request {i}: {body}"
            );
        }
    }
    let rows = serve.env.rows();
    let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys.len(), 12, "{keys:?}");
    assert!(keys.iter().all(|k| k.contains("good")), "{keys:?}");
}

/// Issue 14: `diff`, `list`, `export` and `apply --prune` read over `--jobs N` connections
/// and answer exactly as over one.
#[test]
fn reads_with_jobs_answer_as_one_connection() {
    let env = Env::new();
    let file = env.dir.path().join("users.conf");
    std::fs::write(&file, users(40)).unwrap();
    let fewer = env.dir.path().join("fewer.conf");
    std::fs::write(&fewer, users(30)).unwrap();
    let (f, fewer) = (file.to_str().unwrap(), fewer.to_str().unwrap());
    let serve = Serve::start();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &serve.url()), args);
    let (code, _, err) = run(&["apply", f]);
    assert_eq!(code, 0, "{err}");
    // One auth changed behind the file's back, so diff has something to say.
    let (code, _, err) = run(&["push", "auth", "2005", "username=other"]);
    assert_eq!(code, 0, "{err}");
    for args in [
        &["list"][..],
        &["list", "-o", "json"],
        &["list", "aor"],
        &["export"],
        &["--show-secrets", "export", "endpoint", "auth"],
        &["diff", f],
        &["diff", "--prune", fewer],
        &["-o", "json", "apply", "--dry-run", "--prune", fewer],
    ] {
        let one = run(args);
        let with = |j: &str| {
            let mut a = args.to_vec();
            let at = a
                .iter()
                .position(|a| ["list", "export", "diff", "apply"].contains(a));
            a.insert(at.unwrap() + 1, j);
            a.insert(at.unwrap() + 1, "--jobs");
            run(&a)
        };
        assert_eq!(with("4"), one, "{args:?}");
    }
    // The prune itself over four connections: the ten endpoints the file no longer has,
    // and the auth and aor each of them named (nothing that stays names them).
    let (code, _, err) = run(&["apply", "--jobs", "4", "--prune", "--yes", fewer]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("30 deleted"), "{err}");
    let (_, out, _) = run(&["list", "endpoints", "-j", "4"]);
    assert!(out.contains("Objects found: 30"), "{out}");
}

/// The endpoints' GETs go out over several connections at once, and a failure among them
/// ends the listing as it does over one connection.
#[test]
fn listing_endpoints_uses_the_connections_and_keeps_fault_handling() {
    use super::stub::{Act, Stub};
    use std::time::Duration;
    let stub = Stub::start(|r| {
        let p = r.path();
        if p.ends_with("/endpoints/PJSIP") {
            let list: Vec<String> = (0..24)
                .map(|i| format!(r#"{{"technology":"PJSIP","resource":"ep{i:02}","state":"offline","channel_ids":[]}}"#))
                .collect();
            return Act::json(200, &format!("[{}]", list.join(",")));
        }
        let id = p.rsplit('/').next().unwrap_or("");
        let act = match id {
            // Listed but unreadable (golden 90_43), and a server failure.
            "ep07" => Act::json(404, r#"{"message":"Object with id 'ep07' not found"}"#),
            "ep13" if FAIL.load(std::sync::atomic::Ordering::SeqCst) => {
                Act::json(500, r#"{"message":"Internal Server Error"}"#)
            }
            _ => Act::json(
                200,
                r#"[{"attribute":"context","value":"from-internal"},{"attribute":"allow","value":"(ulaw)"}]"#,
            ),
        };
        Act::Sleep(Duration::from_millis(20), Box::new(act))
    });
    static FAIL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let env = Env::new();
    let run = |args: &[&str]| run_cmd(ari_cmd(&env, &stub.url()), args);
    let one = run(&["list", "endpoints"]);
    let four = run(&["list", "endpoints", "--jobs", "4"]);
    assert_eq!(four, one);
    assert_eq!(four.0, 0, "{}", four.2);
    assert!(
        four.1.contains("(unreadable)") && four.1.contains("Objects found: 24"),
        "{}",
        four.1
    );
    // The 24 GETs of the second run came over more than one connection.
    let reqs = stub.requests();
    let gets: Vec<_> = reqs
        .iter()
        .filter(|r| r.path().contains("/endpoint/"))
        .skip(24)
        .collect();
    assert_eq!(gets.len(), 24);
    let mut conns: Vec<usize> = gets.iter().map(|r| r.conn).collect();
    conns.sort();
    conns.dedup();
    assert!(conns.len() > 1, "{conns:?}");
    FAIL.store(true, std::sync::atomic::Ordering::SeqCst);
    let one = run(&["list", "endpoints"]);
    let four = run(&["list", "endpoints", "--jobs", "4"]);
    assert_eq!(one.0, 5, "{}", one.2);
    assert_eq!((four.0, &four.1, &four.2), (one.0, &one.1, &one.2));
    assert!(four.2.contains("500"), "{}", four.2);
}

/// Issue 14: `export` over ARI writes the auths and aors as it reads them and keeps only
/// each endpoint's section text meanwhile. Its output is what the previous pjsipctl, which
/// read every object before writing, wrote for the same objects (fixtures/listing/ari-*,
/// its URL written `URL`), with one connection and over eight (more endpoints than one
/// chunk of reads). Only stderr's order moved: the INCOMPLETE warning comes first, with the
/// header, and each dangling reference is named as its read answers 404.
#[test]
fn export_streams_the_same_file_as_the_collected_export() {
    use crate::common::fixtures;
    let env = Env::new();
    let serve = Serve::start();
    let run = |args: &[&str]| {
        let (code, out, err) = run_cmd(ari_cmd(&env, &serve.url()), args);
        let url = serve.url();
        (code, out.replace(&url, "URL"), err.replace(&url, "URL"))
    };
    let dir = fixtures().join("listing");
    let objects = dir.join("ari-objects.conf");
    // Stored by the embedded engine in serve's astdb (the same rows, faster than over ARI).
    serve
        .env
        .ok(&["apply", "--accept-loss", objects.to_str().unwrap()]);
    // A value pjsip.conf cannot hold, and an endpoint Asterisk lists but cannot read.
    for args in [
        &[
            "push",
            "endpoint",
            "spaced",
            "from_domain=  spaced  ",
            "allow=ulaw",
            "callerid=S <5>",
        ][..],
        &[
            "push",
            "endpoint",
            "nocodec",
            "context=x",
            "--force",
            "--accept-loss",
        ],
    ] {
        let (code, _, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let expected = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let sorted = |s: &str| {
        let mut l: Vec<String> = s.lines().map(str::to_string).collect();
        l.sort();
        l
    };
    let strict_err = expected("ari-export-strict.err");
    let auth_aor_err = expected("ari-export-auth-aor.err");
    for jobs in ["1", "8"] {
        for (args, file, exit, err_file) in [
            (
                &["--show-secrets", "export"][..],
                "ari-export.conf",
                5,
                None,
            ),
            (
                &["export", "auth", "aor"],
                "ari-export-auth-aor.conf",
                5,
                Some(&auth_aor_err),
            ),
            // A --strict error ends the file where the previous export ended it.
            (
                &["--strict", "export"],
                "ari-export-strict.conf",
                4,
                Some(&strict_err),
            ),
        ] {
            let mut args = args.to_vec();
            let at = args.iter().position(|a| *a == "export").unwrap();
            args.splice(at + 1..at + 1, ["--jobs", jobs]);
            let (code, out, err) = run(&args);
            assert_eq!(code, exit, "{args:?}: {err}");
            assert!(
                out == expected(file),
                "{args:?} differs from {file}:\n{out}"
            );
            assert!(
                err.starts_with("warning: export over ARI is incomplete"),
                "{args:?}: {err}"
            );
            if let Some(want) = err_file {
                assert_eq!(sorted(&err), sorted(want), "{args:?}");
            }
        }
    }
    // The endpoints are read, each once, before any auth or aor: those are known only from
    // the endpoints' references.
    let before = std::fs::read_to_string(&serve.log).unwrap().lines().count();
    let (code, _, err) = run(&["export", "-j", "8", "auth", "aor"]);
    assert_eq!(code, 5, "{err}");
    let log = std::fs::read_to_string(&serve.log).unwrap();
    let gets: Vec<&str> = log
        .lines()
        .skip(before)
        .filter(|l| l.starts_with("GET ") && l.contains("/res_pjsip/"))
        .collect();
    let endpoints = gets.iter().filter(|l| l.contains("/endpoint/")).count();
    let first_ref = gets.iter().position(|l| !l.contains("/endpoint/")).unwrap();
    assert_eq!((endpoints, first_ref), (304, 304), "{log}");
    // 303 auths and 302 aors referenced (nobody and ghost answer 404), each read once.
    assert_eq!(gets.len(), 304 + 303 + 302, "{log}");
}

/// Issue 14: over ARI, `list` and `export` hold no target's objects beyond a chunk of reads
/// (with and without `--jobs`): the process's peak memory, as the benchmark reads it
/// (PJSIPCTL_REPORT_PEAK_RSS), for ten times the endpoints is about the same (holding
/// every endpoint, as before, adds some 25 kB per user). `diff --prune` and
/// `apply --dry-run` grow no more than the same comparison with the file read whole on the
/// astdb file (they read it as they go: `comparisons_over_ari_keep_memory_flat`).
/// The peak RSS a run reported (PJSIPCTL_REPORT_PEAK_RSS), in kB.
fn peak_rss_kb(err: &str, args: &[&str]) -> i64 {
    let kb = err
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_kb: "))
        .unwrap_or_else(|| panic!("{args:?}: no peak in {err}"));
    kb.trim().parse().unwrap()
}

#[test]
fn reads_over_ari_keep_memory_flat() {
    let env = Env::new();
    let serve = Serve::start();
    let file = env.dir.path().join("users.conf");
    let f = file.to_str().unwrap();
    let peak = |mut c: assert_cmd::Command, args: &[&str]| {
        c.env("PJSIPCTL_REPORT_PEAK_RSS", "1");
        let (code, out, err) = run_cmd(c, args);
        // Export over ARI is incomplete (5); the file holds what is stored (diff: 0).
        assert!(code == 0 || code == 5, "{args:?}: {code} {out} {err}");
        peak_rss_kb(&err, args)
    };
    let ari: [&[&str]; 5] = [
        &["list", "-o", "json"],
        &["list", "endpoints", "--jobs", "4"],
        &["export", "--jobs", "4"],
        &["diff", "--prune", f],
        &["apply", "--dry-run", f],
    ];
    // --allow-exec reads the file whole, as over ARI.
    let astdb: &[&str] = &["diff", "--prune", "--allow-exec", f];
    let (small, large) = (100, 1000);
    let mut at = Vec::new();
    for n in [small, large] {
        std::fs::write(&file, users(n)).unwrap();
        // Stored by the embedded engine in serve's astdb (faster than over ARI).
        serve.env.ok(&["apply", f]);
        let mut kb = ari
            .map(|args| peak(ari_cmd(&env, &serve.url()), args))
            .to_vec();
        kb.push(peak(serve.env.cmd(), astdb));
        at.push(kb);
    }
    let grew = |i: usize| at[1][i] - at[0][i];
    let file_grew = grew(ari.len());
    for (i, args) in ari.iter().enumerate() {
        let allowed = if i < 3 { 0 } else { file_grew.max(0) };
        // 900 more users held whole would add some 22 MB; ids and table rows well under 6
        // (a peak varies by a few MB from run to run: allocator arenas, the workers' threads).
        assert!(
            grew(i) < allowed + 6 * 1024,
            "{args:?}: peak {} kB for {small} users, {} kB for {large} (the whole-file diff on astdb grew {file_grew} kB; all: {at:?})",
            at[0][i],
            at[1][i]
        );
    }
}

/// Issue 14: over ARI, `diff` and `apply --dry-run` (over `--jobs 8`, as text and as JSON)
/// read the file as they go and render each change as it comes: the client's peak memory
/// for four times the users is about the same, where the same comparison with the file read
/// whole (on the astdb file, as over ARI before) grows by some 25 kB a user. The smaller
/// file already fills what the pipeline holds in flight (a few thousand objects between
/// the reader, the comparison and the checks).
#[test]
fn comparisons_over_ari_keep_memory_flat() {
    let env = Env::new();
    let serve = Serve::start();
    let file = env.dir.path().join("users.conf");
    let f = file.to_str().unwrap();
    let peak = |mut c: assert_cmd::Command, args: &[&str]| {
        c.env("PJSIPCTL_REPORT_PEAK_RSS", "1");
        let (code, out, err) = run_cmd(c, args);
        // Every other user's callerid changed behind the file's back: half the endpoints differ.
        let exit = if args.contains(&"apply") { 0 } else { 1 };
        assert_eq!(code, exit, "{args:?}: {out} {err}");
        peak_rss_kb(&err, args)
    };
    let ari: [&[&str]; 2] = [
        &["diff", "--jobs", "8", f],
        &["-o", "json", "apply", "--dry-run", "--jobs", "8", f],
    ];
    let whole: &[&str] = &["diff", "--allow-exec", f];
    let (small, large) = (1000, 4000);
    let mut at = Vec::new();
    for n in [small, large] {
        // Stored by the embedded engine in serve's astdb, then the file changed.
        std::fs::write(&file, users(n)).unwrap();
        serve.env.ok(&["apply", f]);
        let changed = users(n)
            .split("\n\n")
            .enumerate()
            .map(|(i, s)| {
                if i % 6 == 5 {
                    s.replace("callerid=\"User", "callerid=\"Usr")
                } else {
                    s.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        std::fs::write(&file, changed).unwrap();
        let mut kb = ari
            .map(|args| peak(ari_cmd(&env, &serve.url()), args))
            .to_vec();
        kb.push(peak(serve.env.cmd(), whole));
        at.push(kb);
    }
    let grew = |i: usize| at[1][i] - at[0][i];
    let whole_grew = grew(ari.len());
    assert!(
        whole_grew > 30 * 1024,
        "the whole-file diff grew {whole_grew} kB: {at:?}"
    );
    // A peak with eight connections' threads moves by several MB from run to run (up to 8.5
    // MB seen while the other tests ran); the file read whole adds over 50 MB here.
    for (i, args) in ari.iter().enumerate() {
        assert!(
            grew(i) < 16 * 1024,
            "{args:?}: peak {} kB for {small} users, {} kB for {large} (the whole-file diff grew {whole_grew} kB; all: {at:?})",
            at[0][i],
            at[1][i]
        );
    }
}
