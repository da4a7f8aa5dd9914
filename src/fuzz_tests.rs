//! Fuzzing the inputs a user hands pjsipctl (issue 7): pjsip.conf files (the reader and the
//! conversion behind `apply`/`diff`), section bodies (`push --from`), `attr=value`
//! arguments, the other config files, and the body of every ARI PUT. Each property runs
//! thousands of generated cases with bounded sizes under a watchdog: no panic, no hang,
//! and every rejection names the file and line, or the argument. The seed corpus in
//! `tests/fixtures/fuzz/` (nasty configs found while hardening) is replayed every time.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context};
use proptest::prelude::*;

use crate::conf::convert;
use crate::conf::reader::{self, Level, Options, MAX_LINE, MAX_SECTION_VARS};
use crate::model::Attr;

/// A case taking longer than this is a hang (generated inputs are at most ~40 KB): a
/// watchdog, so generous; it only costs time when something is wrong.
const HANG: Duration = Duration::from_secs(120);

/// A case taking longer than this is a performance bug (a blow-up, not yet a hang): 25
/// times what a benign 40 KB file (about 500 objects) takes to read and convert on this
/// machine, measured once (best of 3), so that a loaded or slow machine moves the limit
/// with it; at least 1 s.
fn slow() -> Duration {
    static SLOW: OnceLock<Duration> = OnceLock::new();
    *SLOW.get_or_init(|| {
        let mut text = String::from("[tpl](!)\ntype=endpoint\nallow=ulaw\ncontext=in\n\n");
        let mut n = 0;
        while text.len() < 40_000 {
            text.push_str(&format!(
                "[u{n}]\ntype=aor\nmax_contacts=1\n\n[u{n}](tpl)\naors=u{n}\ncallerid=\"U {n}\" <{n}>\n\n"
            ));
            n += 1;
        }
        let best = (0..3)
            .map(|_| {
                let t0 = Instant::now();
                check_config(text.clone().into_bytes(), "baseline.conf", confdir().to_path_buf())
                    .unwrap();
                t0.elapsed()
            })
            .min()
            .unwrap();
        let slow = (best * 25).max(Duration::from_secs(1));
        eprintln!("fuzz: a benign 40 KB file takes {best:?}; a case over {slow:?} is a blow-up");
        slow
    })
}

/// Run `f` on its own thread; a panic or a hang becomes a failure, named `what`.
fn watchdog(
    what: &str,
    f: impl FnOnce() -> anyhow::Result<()> + Send + 'static,
) -> anyhow::Result<()> {
    let slow = slow();
    let (tx, rx) = mpsc::channel();
    let t0 = Instant::now();
    let h = std::thread::spawn(move || {
        let r = f();
        let _ = tx.send(r);
    });
    match rx.recv_timeout(HANG) {
        Ok(r) => {
            let _ = h.join();
            let took = t0.elapsed();
            if took > slow {
                bail!("{what}: took {took:?}");
            }
            r.with_context(|| what.to_string())
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let p = h.join().err().map(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            });
            Err(anyhow!("{what}: panicked: {}", p.unwrap_or_default()))
        }
        // The thread is left running: the test fails now instead of hanging CI.
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Err(anyhow!("{what}: no answer within {HANG:?} (hang)"))
        }
    }
}

/// The corpus directory, also the config directory the generated files include from.
fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz")
}

/// A config directory for generated files: small files to include, cycles, a long name.
fn confdir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let w = |n: &str, b: &[u8]| std::fs::write(d.path().join(n), b).unwrap();
        w("inc.conf", b"[inc]\ntype=aor\nmax_contacts=2\n");
        w("cyc1.conf", b"[c1]\ntype=aor\n#include cyc2.conf\n");
        w("cyc2.conf", b"[c2]\ntype=aor\n#include cyc1.conf\n");
        w("self.conf", b"#include self.conf\n");
        w("latin1.conf", b"[caf\xe9]\ntype=aor\n");
        w("open-comment.conf", b"[oc]\ntype=aor\n;-- never closed\n");
        w("tpl.conf", b"[tpl](!)\ntype=endpoint\nallow=ulaw\n");
        w(&"a".repeat(200), b"[long]\ntype=aor\n");
        std::fs::create_dir(d.path().join("sub.conf")).unwrap();
        d
    })
    .path()
}

/// Check what the reader and the conversion made of one main file: every error has a
/// file:line among the files read, and nothing grew past the limits.
fn check_config(data: Vec<u8>, name: &'static str, dir: PathBuf) -> anyhow::Result<()> {
    let lines = data.split(|&b| b == b'\n').count();
    let opts = Options {
        confdir: dir,
        allow_exec: false,
    };
    let cfg = reader::read_bytes(&data, name, &opts);
    for s in &cfg.sections {
        if s.vars.len() > 2 * MAX_SECTION_VARS {
            bail!("[{}] holds {} settings", s.name, s.vars.len());
        }
    }
    let files = cfg.files.clone();
    let conv = convert::convert(cfg);
    for d in &conv.diags {
        let Some(o) = &d.origin else {
            if d.level == Level::Error {
                bail!("an error without file:line: {d}");
            }
            continue;
        };
        if !files.iter().any(|f| f.as_str() == &*o.file) || o.line == 0 {
            bail!("{d}: not a file:line of a file read ({files:?})");
        }
        if &*o.file == name && o.line > lines {
            bail!("{d}: line {} of a {lines}-line file", o.line);
        }
        if !d
            .to_string()
            .starts_with(&format!("{}:{}: ", o.file, o.line))
        {
            bail!("{d}: does not start with its file:line");
        }
    }
    // Whatever converts must become a PUT body Asterisk survives.
    for o in &conv.objects {
        check_put_body(&o.push_fields())?;
    }
    Ok(())
}

/// golden 70: Asterisk crashes on a `fields` entry that is not two strings.
fn check_put_body(fields: &[Attr]) -> anyhow::Result<()> {
    let body = crate::backend::ari::put_body(fields);
    let v: serde_json::Value = serde_json::from_slice(&body).context("PUT body is not JSON")?;
    let top = v.as_object().context("PUT body is not an object")?;
    ensure!(top.len() == 1, "PUT body has keys besides fields: {v}");
    let list = top["fields"].as_array().context("fields is not a list")?;
    ensure!(
        list.len() == fields.len(),
        "{} fields sent for {}",
        list.len(),
        fields.len()
    );
    for (e, f) in list.iter().zip(fields) {
        let o = e
            .as_object()
            .with_context(|| format!("entry {e} is not an object"))?;
        let ok = o.len() == 2
            && o.get("attribute").and_then(|a| a.as_str()) == Some(f.attribute.as_str())
            && o.get("value").and_then(|a| a.as_str()) == Some(f.value.as_str());
        ensure!(
            ok,
            "entry {e} is not {{\"attribute\": string, \"value\": string}} for {f:?}"
        );
    }
    Ok(())
}

// ------------------------------------------------------------------------------ generators

fn names() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "a", "b", "6001", "tpl", "inc", "c1", "", " a ", "A", ".."
        ])
        .prop_map(String::from),
        "[a-z0-9 ._-]{1,6}",
        "\\PC{0,6}",
    ]
}

fn values() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "1",
            "yes",
            "no",
            "ulaw,alaw",
            "all",
            "!all,g722",
            "sip:a@b;x=1",
            "\"Desk\" <100>",
            "10.0.0.0/8",
            "a\\;b",
            "x=y",
            "",
            "rfc4733",
            "userpass",
            "(ulaw|alaw)",
            "<unknown>",
        ])
        .prop_map(String::from),
        "[ -~]{0,16}",
        "\\PC{0,10}",
    ]
}

fn attrs() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "type",
            "TYPE",
            "max_contacts",
            "allow",
            "disallow",
            "contact",
            "password",
            "username",
            "aors",
            "auth",
            "callerid",
            "set_var",
            "match",
            "mailboxes",
            "bogus",
            "context",
            "dtmf_mode",
            "transport",
        ])
        .prop_map(String::from),
        "[a-z_]{1,10}",
    ]
}

/// One line of a pjsip.conf: sections, settings, comments, directives and garbage.
fn conf_line() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        4 => (attrs(), prop::sample::select(vec!["=", " = ", "=>", "+=", " += "]), values())
            .prop_map(|(a, op, v)| format!("{a}{op}{v}")),
        2 => prop::sample::select(vec!["aor", "auth", "endpoint", "Endpoint", "identify", "registration", "transport", "global", "wizard", "bogus", "acl", "domain_alias", ""])
            .prop_map(|t| format!("type={t}")),
        2 => (names(), prop::sample::select(vec!["", "(!)", "(+)", "(tpl)", "(tpl,a)", "(+type=aor)", "(+type=endpoint&allow=ulaw)", "(!,tpl)", "(a*a*a*b=x)", "(+contact=a*a*a*a*b)", "( tpl)", "(", " (!)", "(!)junk", "(+type=[)"]))
            .prop_map(|(n, o)| format!("[{n}]{o}")),
        1 => prop::sample::select(vec![
            "[", "[a", "]", "[a](", "[]", "; comment", ";-- open", "--;", ";-- a --;", ";---", "x=1 ;-- inline --; y", "\\;x=1",
            "\\", "\\x=1", "=1", "noequals", "#include inc.conf", "#include \"inc.conf\"", "#include <missing.conf>",
            "#tryinclude missing.conf", "#include cyc1.conf", "#include self.conf", "#include *.conf", "#include {inc,tpl}.conf",
            "#include sub.conf", "#include latin1.conf", "#include open-comment.conf", "#include *a*a*a*a*a*a*a*a*b",
            "#include {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}", "#include", "#exec echo x=1", "#bogus", "#",
            "\u{feff}[bom]", "mailboxes += ,2@y",
        ])
        .prop_map(String::from),
        1 => "\\PC{0,24}",
    ]
    .prop_map(String::into_bytes);
    prop_oneof![
        12 => text,
        1 => prop::collection::vec(any::<u8>(), 0..24),
        1 => prop::sample::select(vec![MAX_LINE - 2, MAX_LINE - 1, MAX_LINE, MAX_LINE + 5])
            .prop_map(|n| { let mut v = b"mailboxes=".to_vec(); v.resize(n, b'm'); v }),
        1 => prop::sample::select(vec![b"\0".to_vec(), b"a\0b=1".to_vec(), b"\r".to_vec(), b"\xff\xfe".to_vec(), b"\xef\xbb\xbf".to_vec()]),
    ]
}

/// Up to 8 KB of random bytes, from a seed (a byte vector of value trees is slow to generate).
fn random_bytes() -> impl Strategy<Value = Vec<u8>> {
    (any::<u64>(), 0usize..8192, any::<bool>()).prop_map(|(seed, n, lines)| {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Some files of short lines, some of one long binary run.
                if lines && x % 23 == 0 {
                    b'\n'
                } else {
                    (x >> 24) as u8
                }
            })
            .collect()
    })
}

/// A whole file: lines joined by LF or CRLF, sometimes without a final newline.
fn conf_file() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(conf_line(), 0..40),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, last)| {
            let mut out = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                out.extend_from_slice(l);
                if i + 1 < lines.len() || last {
                    out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn conf_files_never_panic_or_hang_and_errors_name_file_and_line(data in conf_file()) {
        let dir = confdir().to_path_buf();
        let r = watchdog("reader", move || check_config(data, "fuzz.conf", dir));
        prop_assert!(r.is_ok(), "{:#}", r.unwrap_err());
    }

    #[test]
    fn random_bytes_never_panic_the_reader(data in random_bytes()) {
        let dir = confdir().to_path_buf();
        let r = watchdog("reader", move || check_config(data, "bytes.conf", dir));
        prop_assert!(r.is_ok(), "{:#}", r.unwrap_err());
    }

    #[test]
    fn section_bodies_name_their_line(data in conf_file()) {
        // push --from: the file is read as text first (push.rs); then parse_body.
        let Ok(text) = String::from_utf8(data) else { return Ok(()) };
        let lines = text.lines().count().max(1);
        let r = watchdog("parse_body", move || match crate::conf::parse_body(&text, "body.conf", "aor") {
            Ok(fields) => check_put_body(&fields),
            Err(e) => {
                let n: usize = e.message.strip_prefix("body.conf:")
                    .and_then(|r| r.split(':').next())
                    .and_then(|n| n.parse().ok())
                    .with_context(|| format!("no file:line in {:?}", e.message))?;
                ensure!(n > 0 && n <= lines, "line {n} of {lines} in {:?}", e.message);
                Ok(())
            }
        });
        prop_assert!(r.is_ok(), "{:#}", r.unwrap_err());
    }

    #[test]
    fn the_other_config_files_never_panic(text in "(\\PC{0,30}\n){0,10}", data in conf_file()) {
        let text2 = String::from_utf8_lossy(&data).into_owned();
        let r = watchdog("config files", move || {
            for t in [&text, &text2] {
                let _ = crate::sorcery_conf::Mapping::parse(t, "sorcery.conf");
                if let Err(e) = crate::settings::config_file::parse_config(t, "config.toml", Path::new("/nonexistent")) {
                    if !e.to_string().contains("config.toml") {
                        bail!("config.toml error without its name: {e}");
                    }
                }
            }
            Ok(())
        });
        prop_assert!(r.is_ok(), "{:#}", r.unwrap_err());
    }
}

fn argument() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (attrs(), values()).prop_map(|(a, v)| format!("{a}={v}")),
        1 => prop::sample::select(vec!["=", "=1", " =1", "a", "", "a==b", "\u{1b}[31m=x", "a\u{0}=b", "=\u{7}", "  "]).prop_map(String::from),
        2 => "\\PC{0,20}",
        1 => ".{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn push_arguments_are_split_at_the_first_equals_or_refused_by_name(args in prop::collection::vec(argument(), 0..6)) {
        match crate::commands::push::parse_fields(&args) {
            Ok(fields) => {
                prop_assert_eq!(fields.len(), args.len());
                for (f, a) in fields.iter().zip(&args) {
                    let (k, v) = a.split_once('=').unwrap();
                    prop_assert_eq!(&f.attribute, k.trim());
                    prop_assert!(!f.attribute.is_empty());
                    prop_assert_eq!(&f.value, v);
                }
                prop_assert!(check_put_body(&fields).is_ok());
            }
            Err(e) => {
                prop_assert_eq!(e.exit, crate::error::Exit::Usage);
                // The first argument that is not attr=value, quoted as given.
                let bad = args.iter().find(|a| a.split_once('=').is_none_or(|(k, _)| k.trim().is_empty())).unwrap();
                prop_assert!(e.message.contains(&format!("'{bad}'")), "{} does not name {:?}", e.message, bad);
            }
        }
    }

    #[test]
    fn every_put_body_holds_only_string_pairs((t, fields) in crate::proptests::pushes()) {
        // As the ARI backend builds it for any push the engine accepts, and for any at all.
        let ty = &crate::schema::TYPES[t];
        prop_assert!(check_put_body(&fields).is_ok(), "{:#}", check_put_body(&fields).unwrap_err());
        if let Ok(built) = crate::engine::build(ty, "prop", None, &fields) {
            let set = built.object.objectset();
            prop_assert!(check_put_body(&set).is_ok());
        }
    }

    #[test]
    fn put_bodies_of_arbitrary_text_hold_only_string_pairs(pairs in prop::collection::vec((".{0,12}", ".{0,12}"), 0..6)) {
        let fields: Vec<Attr> = pairs.into_iter().map(|(a, v)| Attr::new(a, v)).collect();
        prop_assert!(check_put_body(&fields).is_ok(), "{:#}", check_put_body(&fields).unwrap_err());
    }
}

// ------------------------------------------------------------------------------ the corpus

/// Every file of tests/fixtures/fuzz: `err-*` must be refused (an error with file:line),
/// `ok-*` must not be, `inc-*` are only included by others. None may panic or hang.
#[test]
fn corpus_replays() {
    let mut seen = 0;
    let mut problems = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file.starts_with("inc-") || file == "README.md" {
            continue;
        }
        let expect_error = match file.split('-').next() {
            Some("err") => true,
            Some("ok") => false,
            _ => {
                problems.push(format!("{file}: name it err-*, ok-* or inc-*"));
                continue;
            }
        };
        seen += 1;
        let data = std::fs::read(&path).unwrap();
        let name: &'static str = Box::leak(path.display().to_string().into_boxed_str());
        let r = watchdog(&file, {
            let data = data.clone();
            move || check_config(data, name, corpus())
        });
        if let Err(e) = r {
            problems.push(format!("{e:#}"));
            continue;
        }
        let r = watchdog(&file, move || {
            let conv = convert::convert(reader::read_bytes(
                &data,
                name,
                &Options {
                    confdir: corpus(),
                    allow_exec: false,
                },
            ));
            let errors: Vec<String> = conv.errors().map(|d| d.to_string()).collect();
            match (expect_error, errors.is_empty()) {
                (true, true) => bail!("expected an error, got none"),
                (false, false) => bail!("expected no error, got {errors:?}"),
                _ => Ok(()),
            }
        });
        if let Err(e) = r {
            problems.push(format!("{e:#}"));
        }
        // The same text as a section body (push --from).
        if let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap()) {
            let f = file.clone();
            if let Err(e) = watchdog(&file, move || {
                let _ = crate::conf::parse_body(&text, &f, "aor");
                Ok(())
            }) {
                problems.push(format!("{e:#}"));
            }
        }
    }
    assert!(seen >= 30, "only {seen} seeds");
    assert!(
        !Path::new("pjsipctl-fuzz-exec-ran").exists(),
        "#exec ran without --allow-exec"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
