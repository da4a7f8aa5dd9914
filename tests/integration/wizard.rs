//! pjsip_wizard.conf (issue 15): wizard sections applied to a real astdb file give the
//! objects a real Asterisk 23.4.1 built from them (tests/fixtures/wizard).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{fixtures, Env};

fn conf(stem: &str) -> String {
    fixtures()
        .join("wizard/conf")
        .join(format!("{stem}.conf"))
        .display()
        .to_string()
}

/// Every recorded object of a stem: (type, id) → the raw GET body as pairs, in order.
fn recorded(stem: &str) -> BTreeMap<(String, String), Vec<(String, String)>> {
    let dir: PathBuf = fixtures().join("wizard/expected").join(stem);
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_str().unwrap().to_string();
        let Some((ty, id)) = name.split_once("__") else {
            continue;
        };
        let body: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        out.insert((ty.to_string(), id.to_string()), pairs(&body));
    }
    out
}

fn pairs(body: &Value) -> Vec<(String, String)> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["attribute"].as_str().unwrap().to_string(),
                a["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Attributes astdb holds only once (loss checks refuse them without --accept-loss).
const LOSSY: &[&str] = &["contact", "match"];

/// The stored rows by (type, id), as key/value pairs.
fn stored(env: &Env) -> BTreeMap<(String, String), Vec<(String, String)>> {
    env.rows()
        .into_iter()
        .map(|(k, v)| {
            let parts: Vec<&str> = k.splitn(4, '/').collect();
            let row: serde_json::Map<String, Value> = serde_json::from_str(&v).unwrap();
            let kv = row
                .into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap().to_string()))
                .collect();
            ((parts[2].to_string(), parts[3].to_string()), kv)
        })
        .collect()
}

/// `show -o json` against the recording: equal in Asterisk's order, with two allowances.
/// The extended attributes come back from astdb in the reverse order (Sorcery puts each
/// one it reads at the head), and a multi-valued contact/match keeps only one value.
fn compare_shown(ty: &str, id: &str, got: &[(String, String)], want: &[(String, String)]) {
    let norm = |s: &[(String, String)], lossy: bool| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut ext: Vec<(String, String)> = Vec::new();
        for (k, v) in s {
            if k.starts_with('@') {
                ext.push((k.clone(), v.clone()));
                continue;
            }
            if !ext.is_empty() {
                ext.sort();
                out.append(&mut ext);
            }
            if lossy && LOSSY.contains(&k.as_str()) {
                if out.last().is_some_and(|(pk, _)| pk == k) {
                    continue;
                }
                out.push((k.clone(), "*".into()));
                continue;
            }
            out.push((k.clone(), v.clone()));
        }
        ext.sort();
        out.append(&mut ext);
        out
    };
    let several = |s: &[(String, String)], k: &str| s.iter().filter(|(a, _)| a == k).count() > 1;
    let lossy = LOSSY.iter().any(|k| several(want, k));
    assert_eq!(norm(got, lossy), norm(want, lossy), "{ty} {id}");
    for k in LOSSY {
        let kept: BTreeSet<&String> = got.iter().filter(|(a, _)| a == k).map(|(_, v)| v).collect();
        let all: BTreeSet<&String> = want
            .iter()
            .filter(|(a, _)| a == k)
            .map(|(_, v)| v)
            .collect();
        assert!(
            kept.is_subset(&all),
            "{ty} {id}: {k} {kept:?} not among {all:?}"
        );
        assert_eq!(kept.is_empty(), all.is_empty(), "{ty} {id}: {k}");
    }
}

/// Apply a recorded wizard file to a fresh astdb and check every object against Asterisk's.
fn check_stem(stem: &str) {
    let env = Env::new();
    let file = conf(stem);
    let (code, out, err) = env.run(&["apply", "--accept-loss", "--force", &file]);
    assert_eq!(code, 0, "{stem}: {err}");
    let want = recorded(stem);
    let rows = stored(&env);
    // Phoneprov is reported, never pushed.
    let pushable: BTreeSet<(String, String)> = want
        .keys()
        .filter(|(t, _)| t != "phoneprov")
        .cloned()
        .collect();
    assert_eq!(
        rows.keys().cloned().collect::<BTreeSet<_>>(),
        pushable,
        "{stem}: the same objects with the same ids\n{out}"
    );
    for (key @ (ty, id), body) in &want {
        if ty == "phoneprov" {
            assert!(
                err.contains(&format!("phoneprov {id} (from wizard")),
                "{stem}: {err}"
            );
            continue;
        }
        // The row holds the recorded values, leaving out only what astdb leaves out:
        // unset fields, the deliberate callerid difference, the values of several.
        let row = &rows[key];
        let set: BTreeSet<&(String, String)> = body.iter().collect();
        for kv in row {
            assert!(set.contains(kv), "{stem}: {ty} {id}: {kv:?} not recorded");
        }
        for (k, v) in body {
            if !row.iter().any(|(rk, _)| rk == k) {
                assert!(
                    v.is_empty() || (k == "callerid" && v == "<unknown>"),
                    "{stem}: {ty} {id}: {k}={v} not stored"
                );
            }
        }
        // Read back as Asterisk reads the row (an endpoint without codecs cannot be).
        let readable =
            !(ty == "endpoint" && body.iter().any(|(k, v)| k == "allow" && v == "(nothing)"));
        if readable {
            let shown: Value =
                serde_json::from_str(&env.ok(&["show", ty, id, "-o", "json"])).unwrap();
            compare_shown(ty, id, &pairs(&shown), body);
        }
    }
    // A second apply writes nothing.
    let before = env.snapshot();
    let (code, _, err) = env.run(&["apply", "--accept-loss", "--force", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(" 0 created, 0 updated"), "{stem}: {err}");
    assert_eq!(env.snapshot(), before, "{stem}: the second apply wrote");
}

#[test]
fn recorded_wizard_files_give_asterisks_objects() {
    for stem in ["w1-phones", "w2-trunks"] {
        check_stem(stem);
    }
}

#[test]
fn testsuite_wizard_files_give_asterisks_objects() {
    for stem in [
        "ts-phone",
        "ts-hints",
        "ts-trunk",
        "ts-registration",
        "ts-geolocation-basic",
        "ts-geolocation-profile_precedence",
    ] {
        check_stem(stem);
    }
}

#[test]
fn expand_then_apply_gives_the_same_rows() {
    for stem in ["w1-phones", "w2-trunks", "ts-hints", "ts-trunk"] {
        let direct = Env::new();
        direct.ok(&["apply", "--accept-loss", "--force", &conf(stem)]);
        let via = Env::new();
        let masked = via.ok(&["wizard", "expand", &conf(stem)]);
        assert!(masked.contains("secret withheld"), "{masked}");
        let text = via.ok(&["--show-secrets", "wizard", "expand", &conf(stem)]);
        assert!(!text.contains("type=wizard"), "{text}");
        let path = via.dir.path().join("expanded.conf");
        std::fs::write(&path, &text).unwrap();
        via.ok(&["apply", "--accept-loss", "--force", path.to_str().unwrap()]);
        assert_eq!(direct.rows(), via.rows(), "{stem}");
        // And the expansion applied onto the wizard's rows changes nothing.
        let (code, _, err) =
            direct.run(&["apply", "--accept-loss", "--force", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains(" 0 created, 0 updated"), "{stem}: {err}");
    }
}

#[test]
fn dry_run_and_diff_show_the_expansion_per_wizard_section() {
    let env = Env::new();
    let file = conf("w2-trunks");
    let (code, out, err) = env.run(&["apply", "--dry-run", "--accept-loss", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("w2-trunks.conf:106: [telco-line] wizard section expands to auth telco-line-oauth, aor telco-line, endpoint telco-line, registration telco-line-reg-0"),
        "{err}"
    );
    assert!(out.contains("+ registration voipco-reg-1  ("), "{out}");
    // What astdb cannot hold goes through the loss checks, named by the wizard section.
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("w2-trunks.conf:17: aor voipco: only one of its 2 contacts survives astdb"),
        "{err}"
    );
    assert!(
        err.contains(
            "w2-trunks.conf:17: identify voipco-identify: only one of its 2 match entries"
        ),
        "{err}"
    );
    assert!(out.contains("    @pjsip_wizard = voipco\n"), "{out}");
    assert!(
        out.contains("    client_uri = sip:8835021447@198.51.100.21:5080\n"),
        "{out}"
    );
    assert!(env.rows().is_empty());
    env.ok(&["apply", "--accept-loss", &file]);
    let (code, out, err) = env.run(&["diff", &file]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("[voipco] wizard section expands to"), "{err}");
    // Change one wizard option: every object it feeds changes, and only those.
    let changed = std::fs::read_to_string(&file).unwrap().replace(
        "transport = transport-udp\nsends_auth = yes\nsends_registrations = yes\nsends_line",
        "transport = transport-tcp\nsends_auth = yes\nsends_registrations = yes\nsends_line",
    );
    let path = env.dir.path().join("pjsip_wizard.conf");
    std::fs::write(&path, changed).unwrap();
    let (code, out, _) = env.run(&["diff", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let changes: Vec<&str> = out.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        changes,
        [
            "~ endpoint telco-line  (pjsip_wizard.conf:106)",
            "~ registration telco-line-reg-0  (pjsip_wizard.conf:106)"
        ]
        .map(|s| s.replace("pjsip_wizard.conf", path.to_str().unwrap())),
        "{out}"
    );
}

#[test]
fn prune_removes_exactly_what_a_wizard_section_made() {
    let env = Env::new();
    env.ok(&["push", "aor", "plain", "max_contacts=1"]);
    env.ok(&[
        "push",
        "registration",
        "plain-reg",
        "server_uri=sip:a",
        "client_uri=sip:b@a",
    ]);
    env.ok(&["apply", "--accept-loss", &conf("w2-trunks")]);
    // Without telco-line, the only section with sends_line.
    let text = std::fs::read_to_string(conf("w2-trunks")).unwrap();
    let cut = text.find("[telco-line]").unwrap();
    let path = env.dir.path().join("pjsip_wizard.conf");
    std::fs::write(&path, &text[..cut]).unwrap();
    let out = env.ok(&[
        "apply",
        "--prune",
        "--yes",
        "--accept-loss",
        path.to_str().unwrap(),
    ]);
    let mut deleted: Vec<&str> = out.lines().filter(|l| l.starts_with("deleted")).collect();
    deleted.sort();
    assert_eq!(
        deleted,
        [
            "deleted aor telco-line",
            "deleted auth telco-line-oauth",
            "deleted endpoint telco-line",
            "deleted registration telco-line-reg-0"
        ],
        "{out}"
    );
    let keys: Vec<String> = env.rows().into_iter().map(|(k, _)| k).collect();
    assert!(keys.contains(&"/ps_aors/aor/plain".to_string()), "{keys:?}");
    assert!(
        keys.contains(&"/ps_registrations/registration/plain-reg".to_string()),
        "{keys:?}"
    );
    // Only voipco sends registrations now: removing it removes its registrations, not plain-reg.
    let cut = text.find("[netfone]").unwrap();
    let rest = &text[cut..text.find("[telco-line]").unwrap()];
    std::fs::write(
        &path,
        rest.replace("sends_registrations = yes", "sends_registrations = no"),
    )
    .unwrap();
    let out = env.ok(&[
        "apply",
        "--prune",
        "--yes",
        "--accept-loss",
        path.to_str().unwrap(),
    ]);
    assert!(out.contains("deleted registration voipco-reg-1"), "{out}");
    assert!(
        out.contains("deleted registration branch-pbx-reg-0"),
        "{out}"
    );
    assert!(out.contains("deleted auth voipco-oauth"), "{out}");
    assert!(!out.contains("plain"), "{out}");
}

#[test]
fn wizard_problems_are_refused_with_file_line_and_nothing_is_written() {
    let env = Env::new();
    let path = env.dir.path().join("pjsip_wizard.conf");
    std::fs::write(
        &path,
        "[ok]\ntype=wizard\naccepts_registrations=yes\nendpoint/allow=ulaw\n\
         [noauth]\ntype=wizard\naccepts_registrations=yes\naccepts_auth=yes\nendpoint/allow=ulaw\n\
         [nohosts]\ntype=wizard\nendpoint/allow=ulaw\n\
         [badval]\ntype=wizard\naccepts_registrations=yes\nendpoint/allow=ulaw\nendpoint/dtmf_mode=bogus\naor/max_contacts=x\n\
         [nopw]\ntype=wizard\naccepts_registrations=yes\nsends_auth=yes\noutbound_auth/username=u\nendpoint/allow=ulaw\n\
         [plain]\ntype=endpoint\n",
    )
    .unwrap();
    let before = env.snapshot();
    let (code, _, err) = env.run(&["apply", path.to_str().unwrap()]);
    assert_eq!(code, 4, "{err}");
    let p = path.to_str().unwrap();
    for want in [
        format!("{p}:8: wizard [noauth]: accepts_auth=yes needs 'inbound_auth/username'"),
        format!("{p}:10: wizard [nohosts]: identify nohosts-identify needs 'remote_hosts'"),
        format!("{p}:17: endpoint badval: dtmf_mode=bogus"),
        format!("{p}:18: aor badval: max_contacts=x"),
        format!("{p}:19: auth nopw-oauth: "),
    ] {
        assert!(err.contains(&want), "missing {want:?} in\n{err}");
    }
    // Asterisk reads only wizard sections from pjsip_wizard.conf.
    assert!(err.contains("[plain] not a type=wizard section"), "{err}");
    assert_eq!(env.snapshot(), before);
    // `wizard expand` refuses the same, the same way.
    let (code, out, err2) = env.run(&["wizard", "expand", p]);
    assert_eq!(code, 4, "{err2}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err2.contains(&format!("{p}:17: endpoint badval: dtmf_mode=bogus")),
        "{err2}"
    );
    // Also in one pass: a plain section of pjsip_wizard.conf is not pushed.
    std::fs::write(&path, "[plain]\ntype=aor\n").unwrap();
    let (code, out, err) = env.run(&["apply", p]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("plain"), "{out}");
    assert!(env.rows().is_empty());
}

#[test]
fn wizard_options_shape_the_objects() {
    // Hand-written: outbound_proxy everywhere it goes, patterns, explicit contact/match,
    // auth_type kept, sends_auth username in client_uri, hints, extended attributes.
    let env = Env::new();
    let path = env.dir.path().join("pjsip_wizard.conf");
    std::fs::write(
        &path,
        "[t](!)\ntype=wizard\nendpoint/allow=ulaw\nhas_hint=yes\n\
         [a](t)\nremote_hosts=10.0.0.1\noutbound_proxy=sip:proxy\\;lr\nsends_registrations=yes\n\
         hint_exten=100\nendpoint/context=ctx\naor/contact=sip:fixed@h\nidentify/match=10.0.0.0/24\n\
         server_uri_pattern=sip:reg.${REMOTE_HOST}\nclient_uri_pattern=sip:${USERNAME}\n\
         [b](t)\naccepts_registrations=yes\naccepts_auth=yes\ninbound_auth/username=b\n\
         inbound_auth/auth_type=digest\ninbound_auth/password=x\nhas_hint=no\nhint_exten=200\n",
    )
    .unwrap();
    let (code, out, err) = env.run(&["wizard", "expand", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(";   [ctx]\n;   exten => 100,hint,PJSIP/a\n"),
        "{out}"
    );
    assert!(!out.contains("PJSIP/b"), "{out}");
    env.ok(&["apply", path.to_str().unwrap()]);
    let show = |ty: &str, id: &str| -> Vec<(String, String)> {
        pairs(&serde_json::from_str(&env.ok(&["show", ty, id, "-o", "json"])).unwrap())
    };
    let get = |s: &[(String, String)], k: &str| -> Vec<String> {
        s.iter()
            .filter(|(a, _)| a == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let ep = show("endpoint", "a");
    assert_eq!(get(&ep, "outbound_proxy"), ["sip:proxy;lr"]);
    assert_eq!(get(&ep, "@hint_exten"), ["100"]);
    assert_eq!(get(&ep, "@hint_context"), ["ctx"]);
    assert_eq!(get(&ep, "@pjsip_wizard"), ["a"]);
    let aor = show("aor", "a");
    assert_eq!(get(&aor, "contact"), ["sip:fixed@h"]);
    assert_eq!(get(&aor, "outbound_proxy"), ["sip:proxy;lr"]);
    assert_eq!(
        get(&show("identify", "a-identify"), "match"),
        ["10.0.0.0/255.255.255.0"]
    );
    let reg = show("registration", "a-reg-0");
    assert_eq!(get(&reg, "server_uri"), ["sip:reg.10.0.0.1"]);
    assert_eq!(get(&reg, "client_uri"), ["sip:a"]);
    assert_eq!(get(&reg, "outbound_proxy"), ["sip:proxy;lr"]);
    let ep = show("endpoint", "b");
    assert_eq!(get(&ep, "@hint_context"), ["default"]);
    assert_eq!(get(&ep, "auth"), ["b-iauth"]);
    assert_eq!(get(&show("auth", "b-iauth"), "auth_type"), ["digest"]);
    // No identify for a phone that registers.
    let (code, _, _) = env.run(&["show", "identify", "b-identify"]);
    assert_eq!(code, 3);
}

#[test]
fn several_files_in_asterisks_order_and_wizard_sections_in_pjsip_conf_are_ignored() {
    let env = Env::new();
    let dir = env.dir.path();
    std::fs::write(
        dir.join("pjsip.conf"),
        "[transport-udp]\ntype=transport\nprotocol=udp\n[lab]\ntype=wizard\naccepts_registrations=yes\n\
         [alice]\ntype=aor\nmax_contacts=1\n",
    )
    .unwrap();
    std::fs::copy(conf("w1-phones"), dir.join("pjsip_wizard.conf")).unwrap();
    let (code, out, err) = env.run(&["apply", "pjsip.conf", "pjsip_wizard.conf"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("[lab] type=wizard in pjsip.conf: Asterisk ignores it"),
        "{err}"
    );
    assert!(out.contains("created aor alice"), "{out}");
    assert!(out.contains("created endpoint 2004"), "{out}");
    assert!(!out.contains("lab"), "{out}");
    // A wizard object named like a pjsip.conf object is a duplicate, refused before writing.
    std::fs::write(dir.join("pjsip.conf"), "[2001]\ntype=aor\n").unwrap();
    let before = env.snapshot();
    let (code, _, err) = env.run(&["apply", "pjsip.conf", "pjsip_wizard.conf"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("aor 2001: duplicate object (also defined at pjsip.conf:1)"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before);
}

/// `pjsipctl serve` on a free loopback port (the server's own astdb), killed when dropped.
struct Served {
    child: std::process::Child,
    env: Env,
    url: String,
}

impl Served {
    fn start() -> Served {
        let env = Env::new();
        let log = env.dir.path().join("serve.log");
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("pjsipctl"))
            .env_clear()
            .env("HOME", env.dir.path())
            .env("PJSIPCTL_DB", env.db())
            .env("PJSIPCTL_PASSWORD", "wizpw")
            .args(["serve", "--listen", "127.0.0.1:0", "--user", "wiz"])
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        // Owned at once, so that a failed start still kills it.
        let mut s = Served {
            child,
            env,
            url: String::new(),
        };
        let t0 = std::time::Instant::now();
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(rest) = text.split("listening on http://127.0.0.1:").nth(1) {
                let port: u16 = rest.split('/').next().unwrap().parse().unwrap();
                s.url = format!("http://127.0.0.1:{port}/ari");
                return s;
            }
            assert!(t0.elapsed().as_secs() < 30, "serve did not start: {text}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn over_ari_the_expanded_objects_are_pushed_in_dependency_order() {
    let server = Served::start();
    let client = Env::new();
    let file = conf("w2-trunks");
    let mut c = client.cmd();
    c.env("PJSIPCTL_PASSWORD", "wizpw").args([
        "--ari",
        &server.url,
        "--user",
        "wiz",
        "apply",
        "--accept-loss",
        &file,
    ]);
    let out = c.output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rank = |ty: &str| {
        ["auth", "aor", "endpoint", "identify", "registration"]
            .iter()
            .position(|t| *t == ty)
            .unwrap()
    };
    let order: Vec<usize> = stdout
        .lines()
        .map(|l| rank(l.split(' ').nth(1).unwrap()))
        .collect();
    assert_eq!(order.len(), 19, "{stdout}");
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{stdout}");
    // The server holds what the embedded apply writes (Asterisk's own row keeps an unset
    // callerid as <unknown>, the one deliberate difference).
    let direct = Env::new();
    direct.ok(&["apply", "--accept-loss", &file]);
    let strip = |rows: Vec<(String, String)>| -> Vec<(String, String)> {
        rows.into_iter()
            .map(|(k, v)| (k, v.replace("\"callerid\":\"<unknown>\",", "")))
            .collect()
    };
    assert_eq!(strip(server.env.rows()), strip(direct.rows()));
}

#[test]
fn extended_attributes_work_everywhere() {
    let env = Env::new();
    env.ok(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw",
        "@owner=ops",
        "@site=hq",
    ]);
    let rows = env.rows();
    assert!(
        rows[0].1.contains(r#""@site":"hq","@owner":"ops""#),
        "{rows:?}"
    );
    let shown: Value =
        serde_json::from_str(&env.ok(&["show", "endpoint", "e", "-o", "json"])).unwrap();
    let p = pairs(&shown);
    // Read back from astdb, Sorcery lists them in the row's reverse order.
    let at = p.iter().position(|(k, _)| k == "@owner").unwrap();
    assert_eq!(p[at + 1], ("@site".to_string(), "hq".to_string()));
    assert!(env.ok(&["show", "endpoint", "e"]).contains("@owner"));
    // An update keeps them (Sorcery copies the object through its objectset).
    env.ok(&["push", "endpoint", "e", "context=x"]);
    assert!(env
        .ok(&["show", "endpoint", "e", "-o", "json"])
        .contains("\"@site\""));
    // export → apply onto the same target changes nothing; onto a fresh one, the same rows.
    let text = env.ok(&["export", "endpoint"]);
    assert!(text.contains("@owner=ops\n"), "{text}");
    assert!(!text.contains("set_var=@"), "{text}");
    let path = env.dir.path().join("export.conf");
    std::fs::write(&path, &text).unwrap();
    let (code, out, err) = env.run(&["diff", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let fresh = Env::new();
    fresh.ok(&["apply", path.to_str().unwrap()]);
    let show = |e: &Env| e.ok(&["show", "endpoint", "e", "-o", "json"]);
    assert_eq!(show(&fresh), show(&env));
    // Over ARI to serve: PUT and GET carry them like any attribute.
    let server = Served::start();
    let mut c = env.cmd();
    c.env("PJSIPCTL_PASSWORD", "wizpw").args([
        "--ari",
        &server.url,
        "--user",
        "wiz",
        "push",
        "aor",
        "a",
        "@pjsip_wizard=w",
    ]);
    assert!(c.output().unwrap().status.success());
    assert!(server.env.rows()[0].1.contains(r#""@pjsip_wizard":"w""#));
}
