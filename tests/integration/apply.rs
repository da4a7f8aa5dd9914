//! Issue 5: converting pjsip.conf into pushed objects (`apply`), comparing (`diff`) and
//! writing them back (`export`), on the embedded engine.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::{fixtures, report, routed, Env};

fn conv_dir() -> PathBuf {
    fixtures().join("conversions")
}

fn own(name: &str) -> String {
    fixtures().join("apply").join(name).display().to_string()
}

fn show_json(env: &Env, ty: &str, id: &str) -> Value {
    serde_json::from_str(&env.ok(&["show", ty, id, "-o", "json"])).unwrap()
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let p = env.dir.path().join(name);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Every stored object of every type, as `list -o json` gives them.
fn everything(env: &Env) -> Value {
    serde_json::from_str(&env.ok(&["list", "-o", "json"])).unwrap()
}

fn run_stdin(env: &Env, args: &[&str], input: &str) -> (i32, String, String) {
    let out = env
        .cmd()
        .args(args)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ------------------------------------------------------------------ the recorded conversions

#[test]
fn conversions_match_what_asterisk_built() {
    for stem in ["v1-office", "v2-provider", "v3-templates", "v4-webrtc"] {
        let env = Env::with_unset_confdir();
        let conf = conv_dir().join("conf").join(format!("{stem}.conf"));
        let (code, _, err) = env.run(&["apply", conf.to_str().unwrap()]);
        assert_eq!(code, 0, "{stem}: {err}");
        let dir = conv_dir().join("expected").join(stem);
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("MANIFEST.json")).unwrap())
                .unwrap();
        let mut pushable = 0;
        for o in manifest["objects"].as_array().unwrap() {
            if o["pushable"] != true {
                continue;
            }
            pushable += 1;
            let (ty, id) = (o["type"].as_str().unwrap(), o["id"].as_str().unwrap());
            let mut expected: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(o["file"].as_str().unwrap())).unwrap(),
            )
            .unwrap();
            // The deliberate difference (CONVERSION.md item 4): an unset callerid stays out of
            // the row and reads back as "<unknown>". Every endpoint here sets one anyway.
            for a in expected.as_array_mut().unwrap() {
                if a["attribute"] == "callerid" {
                    assert_ne!(a["value"], "<unknown>", "{stem} {ty} {id}");
                }
            }
            assert_eq!(show_json(&env, ty, id), expected, "{stem}: {ty} {id}");
        }
        // Nothing more was stored than Asterisk built, and the read-only objects were left alone.
        assert_eq!(env.rows().len(), pushable, "{stem}");
        // Listed on one line (each with -v).
        let line = err
            .lines()
            .find(|l| l.contains(" in the static file ("))
            .unwrap_or_default();
        for o in manifest["read_only_objects"].as_array().unwrap() {
            let id = o["id"].as_str().unwrap();
            assert!(
                line.contains(&format!("({id},"))
                    || line.contains(&format!(" {id},"))
                    || line.contains(&format!(" {id})"))
                    || line.contains(&format!("({id})")),
                "{err}"
            );
        }
        // Origins follow the file (v3 reads an include).
        if stem == "v3-templates" {
            assert!(err.contains("read 2 files"), "{err}");
        }
    }
}

#[test]
fn conversion_origins_match_the_manifest() {
    let env = Env::with_unset_confdir();
    env.init_db();
    let conf = conv_dir().join("conf/v3-templates.conf");
    let out = env.ok(&["apply", "--dry-run", conf.to_str().unwrap()]);
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(conv_dir().join("expected/v3-templates/MANIFEST.json")).unwrap(),
    )
    .unwrap();
    for o in manifest["objects"].as_array().unwrap() {
        let line = format!(
            "+ {} {}  (",
            o["type"].as_str().unwrap(),
            o["id"].as_str().unwrap()
        );
        let at = out.find(&line).unwrap_or_else(|| panic!("{line} in {out}"));
        let rest = &out[at + line.len()..];
        let origin = &rest[..rest.find(')').unwrap()];
        assert!(
            origin.ends_with(o["defined_at"].as_str().unwrap()),
            "{origin} vs {}",
            o["defined_at"]
        );
    }
}

// ------------------------------------------------------------------ real-looking configs

/// Fields of a section after inheritance, written out by hand: the independent oracle.
struct Obj {
    ty: &'static str,
    id: &'static str,
    fields: Vec<String>,
}

fn f(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn cat(parts: &[&[&str]]) -> Vec<String> {
    parts.iter().flat_map(|p| f(p)).collect()
}

/// Apply the file in one env, push the hand-flattened fields in another, compare everything.
fn same_as_pushed(file: &str, objects: &[Obj]) -> String {
    let applied = Env::with_unset_confdir();
    let (code, _, err) = applied.run(&["apply", file]);
    assert_eq!(code, 0, "{err}");
    let pushed = Env::new();
    for o in objects {
        let mut args = vec!["push".to_string(), o.ty.into(), o.id.into()];
        for field in &o.fields {
            args.push("-f".into());
            args.push(field.clone());
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        pushed.ok(&a);
    }
    assert_eq!(everything(&applied), everything(&pushed));
    assert_eq!(applied.rows(), pushed.rows());
    err
}

#[test]
fn multi_tenant_pbx_with_glob_include() {
    let base: &[&str] = &[
        "disallow=all",
        "allow=g722,ulaw",
        "direct_media=no",
        "rtp_symmetric=yes",
        "force_rport=yes",
        "rewrite_contact=yes",
        "dtmf_mode=rfc4733",
        "device_state_busy_at=1",
    ];
    let acme: &[&str] = &[
        "context=acme-internal",
        "subscribe_context=acme-hints",
        "call_group=1",
        "pickup_group=1",
        "language=en",
        "tenantid=acme",
    ];
    let globex: &[&str] = &[
        "context=globex-internal",
        "call_group=2",
        "pickup_group=2",
        "named_pickup_group=globex-floor",
        "language=de",
        "tenantid=globex",
        "tos_audio=ef",
        "tos_video=af41",
        "cos_audio=5",
    ];
    let aor: &[&str] = &[
        "max_contacts=1",
        "remove_existing=yes",
        "qualify_frequency=30",
    ];
    let objects = vec![
        Obj {
            ty: "auth",
            id: "acme-1000",
            fields: f(&[
                "auth_type=userpass",
                "username=acme-1000",
                "password=Rec3ption;acme",
            ]),
        },
        Obj {
            ty: "aor",
            id: "acme-1000",
            fields: f(aor),
        },
        Obj {
            ty: "endpoint",
            id: "acme-1000",
            fields: cat(&[
                base,
                acme,
                &[
                    "auth=acme-1000",
                    "aors=acme-1000",
                    "callerid=\"Acme Reception\" <1000>",
                    "mailboxes=1000@acme",
                    "pickup_group=1,2",
                ],
            ]),
        },
        Obj {
            ty: "auth",
            id: "acme-1001",
            fields: f(&[
                "auth_type=userpass",
                "username=acme-1001",
                "password=desk-1001-Q",
            ]),
        },
        Obj {
            ty: "aor",
            id: "acme-1001",
            fields: cat(&[aor, &["max_contacts=2", "remove_existing=no"]]),
        },
        Obj {
            ty: "endpoint",
            id: "acme-1001",
            fields: cat(&[
                base,
                acme,
                &[
                    "auth=acme-1001",
                    "aors=acme-1001",
                    "callerid=\"Alice Archer\" <1001>",
                    "mailboxes=1001@acme,1000@acme",
                ],
            ]),
        },
        Obj {
            ty: "auth",
            id: "acme-1002",
            fields: f(&[
                "auth_type=userpass",
                "username=acme-1002",
                "password=desk-1002-Z",
            ]),
        },
        Obj {
            ty: "aor",
            id: "acme-1002",
            fields: f(aor),
        },
        Obj {
            ty: "endpoint",
            id: "acme-1002",
            fields: cat(&[
                base,
                acme,
                &[
                    "auth=acme-1002",
                    "aors=acme-1002",
                    "callerid=Bob Brown <1002>",
                    "mailboxes=1002@acme",
                    "disallow=all",
                    "allow=ulaw",
                ],
            ]),
        },
        Obj {
            ty: "auth",
            id: "globex-2001",
            fields: f(&[
                "auth_type=userpass",
                "username=globex-2001",
                "password=Gx-2001-pass",
            ]),
        },
        Obj {
            ty: "aor",
            id: "globex-2001",
            fields: f(aor),
        },
        Obj {
            ty: "endpoint",
            id: "globex-2001",
            fields: cat(&[
                base,
                globex,
                &[
                    "auth=globex-2001",
                    "aors=globex-2001",
                    "callerid=\"Greta Grün\" <2001>",
                    "mailboxes=2001@globex",
                ],
            ]),
        },
        Obj {
            ty: "auth",
            id: "globex-2002",
            fields: f(&[
                "auth_type=userpass",
                "username=globex-2002",
                "password=Gx-2002-pass",
            ]),
        },
        Obj {
            ty: "aor",
            id: "globex-2002",
            fields: cat(&[aor, &["qualify_frequency=0"]]),
        },
        Obj {
            ty: "endpoint",
            id: "globex-2002",
            fields: cat(&[
                base,
                globex,
                &[
                    "auth=globex-2002",
                    "aors=globex-2002",
                    "callerid=\"Hans Hof\" <2002>",
                    "mailboxes=2002@globex",
                    "language=en",
                ],
            ]),
        },
    ];
    let err = same_as_pushed(&own("pbx.conf"), &objects);
    assert!(err.contains("read 3 files"), "{err}");
    // The second globbed file keeps its BOM (Asterisk's line counter runs on): said, harmless here.
    assert!(
        err.contains("globex.conf:1: a UTF-8 byte order mark Asterisk does not drop here"),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.contains(" in the static file (") && l.contains("global")),
        "{err}"
    );
}

#[test]
fn itsp_trunk_with_identify_and_registration() {
    let objects = vec![
        Obj {
            ty: "auth",
            id: "itsp-auth",
            fields: f(&[
                "auth_type=userpass",
                "username=4420700123",
                "password=tr!nk-Secret#9",
                "realm=sip.itsp.example",
            ]),
        },
        Obj {
            ty: "aor",
            id: "itsp",
            fields: f(&[
                "contact=sip:sip.itsp.example:5060",
                "qualify_frequency=60",
                "qualify_timeout=2.5",
            ]),
        },
        Obj {
            ty: "endpoint",
            id: "itsp",
            fields: f(&[
                "transport=transport-udp",
                "context=from-itsp",
                "disallow=all",
                "allow=alaw,g729",
                "outbound_auth=itsp-auth",
                "aors=itsp",
                "from_user=4420700123",
                "from_domain=sip.itsp.example",
                "callerid=\"Main Line\" <+4420700123>",
                "identify_by=ip",
                "direct_media=no",
                "rtp_symmetric=yes",
                "force_rport=yes",
                "trust_id_inbound=yes",
                "send_pai=yes",
                "send_rpid=yes",
                "rtp_timeout=120",
                "timers=no",
                "100rel=no",
                "rtp_timeout=60",
                "rtp_timeout_hold=600",
            ]),
        },
        Obj {
            ty: "identify",
            id: "itsp-identify-a",
            fields: f(&["endpoint=itsp", "match=203.0.113.10"]),
        },
        Obj {
            ty: "identify",
            id: "itsp-identify-b",
            fields: f(&["endpoint=itsp", "match=203.0.113.64/27"]),
        },
        Obj {
            ty: "registration",
            id: "itsp-reg",
            fields: f(&[
                "transport=transport-udp",
                "outbound_auth=itsp-auth",
                "server_uri=sip:sip.itsp.example",
                "client_uri=sip:4420700123@sip.itsp.example",
                "contact_user=4420700123",
                "retry_interval=30",
                "forbidden_retry_interval=300",
                "expiration=600",
                "max_retries=100",
                "line=yes",
                "endpoint=itsp",
            ]),
        },
    ];
    same_as_pushed(&own("itsp.conf"), &objects);
}

#[test]
fn webrtc_template_chain() {
    let client: &[&str] = &[
        "transport=transport-wss",
        "webrtc=yes",
        "dtls_auto_generate_cert=yes",
        "context=web",
        "disallow=all",
        "allow=opus,g722,ulaw",
        "allow=vp8,h264",
        "max_audio_streams=1",
        "max_video_streams=2",
    ];
    let objects = vec![
        Obj {
            ty: "auth",
            id: "agent-7",
            fields: f(&[
                "auth_type=userpass",
                "username=agent-7",
                "password=Ag7-browser",
            ]),
        },
        Obj {
            ty: "aor",
            id: "agent-7",
            fields: f(&[
                "max_contacts=5",
                "remove_existing=yes",
                "qualify_frequency=0",
            ]),
        },
        Obj {
            ty: "endpoint",
            id: "agent-7",
            fields: cat(&[
                client,
                &[
                    "context=agents",
                    "named_call_group=agents",
                    "named_pickup_group=agents",
                    "device_state_busy_at=1",
                ],
                &[
                    "auth=agent-7",
                    "aors=agent-7",
                    "callerid=\"Agent Seven\" <7007>",
                    "disallow=h264",
                ],
            ]),
        },
        Obj {
            ty: "auth",
            id: "kiosk",
            fields: f(&[
                "auth_type=userpass",
                "username=kiosk",
                "password=K1osk-lobby",
            ]),
        },
        Obj {
            ty: "aor",
            id: "kiosk",
            fields: f(&[
                "max_contacts=5",
                "remove_existing=yes",
                "qualify_frequency=0",
                "max_contacts=1",
            ]),
        },
        Obj {
            ty: "endpoint",
            id: "kiosk",
            fields: cat(&[
                client,
                &[
                    "auth=kiosk",
                    "aors=kiosk",
                    "callerid=Lobby Kiosk <7100>",
                    "max_video_streams=1",
                ],
            ]),
        },
    ];
    same_as_pushed(&own("webrtc.conf"), &objects);
    let env = Env::new();
    env.ok(&["apply", &own("webrtc.conf")]);
    let ep = show_json(&env, "endpoint", "agent-7");
    let get = |k: &str| {
        ep.as_array()
            .unwrap()
            .iter()
            .find(|a| a["attribute"] == k)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(get("allow"), "(opus|g722|ulaw|vp8)");
    assert_eq!(get("media_encryption"), "dtls");
    assert_eq!(get("context"), "agents");
}

#[test]
fn stdin_and_confdir() {
    let env = Env::new();
    write(
        &env,
        "conf/extra/phones.conf",
        "[p1]\ntype=aor\nmax_contacts=3\n",
    );
    let text = "[p0]\ntype=aor\n#include \"extra/phones.conf\"\n";
    // From stdin, relative includes resolve in --confdir.
    let confdir = env.dir.path().join("conf");
    let (code, out, err) = run_stdin(
        &env,
        &["apply", "-", "--confdir", confdir.to_str().unwrap()],
        text,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert_eq!(report(&err), "created aor p0\ncreated aor p1\n");
    // Without it they resolve in the default config directory, where the file is missing.
    let env2 = Env::new();
    let (code, _, err) = run_stdin(&env2, &["apply", "-"], text);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("<stdin>:3: The file 'extra/phones.conf' was listed as a #include but it does not exist"), "{err}");
    assert!(env2.rows().is_empty());
    // A file's includes resolve in its own folder, or in --confdir when given.
    let env3 = Env::with_unset_confdir();
    let main = write(&env3, "elsewhere/main.conf", text);
    let (code, _, err) = env3.run(&["apply", &main]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("elsewhere/extra/phones.conf"), "{err}");
    let (code, out, err) = env3.run(&["apply", "--confdir", confdir.to_str().unwrap(), &main]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert_eq!(report(&err), "created aor p0\ncreated aor p1\n");
}

// ------------------------------------------------------------------ what Asterisk would ignore or refuse

fn refused(env: &Env, text: &str, needle: &str) {
    let file = write(env, "bad.conf", text);
    let before = env.snapshot();
    let (code, out, err) = env.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains(needle), "missing {needle:?} in {err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn include_cycle_is_refused() {
    let env = Env::new();
    write(&env, "b.conf", "[b]\ntype=aor\n#include bad.conf\n");
    refused(
        &env,
        "[a]\ntype=aor\n#include b.conf\n",
        "b.conf:3: include cycle: bad.conf -> b.conf -> bad.conf",
    );
}

#[test]
fn missing_include_is_refused_and_missing_tryinclude_is_not() {
    let env = Env::new();
    refused(
        &env,
        "[a]\ntype=aor\n#include \"nope.conf\"\n",
        "bad.conf:3: The file 'nope.conf' was listed as a #include but it does not exist",
    );
    let file = write(&env, "ok.conf", "[a]\ntype=aor\n#tryinclude <nope.conf>\n");
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("ok.conf:3: #tryinclude <nope.conf>: no such file"),
        "{err}"
    );
}

#[test]
fn wrong_case_type_is_reported_not_converted() {
    let env = Env::new();
    let file = write(
        &env,
        "p.conf",
        "[6001]\ntype=Endpoint\nallow=ulaw\n\n[6001]\ntype=aor\n",
    );
    let (code, out, err) = env.run(&["apply", &file]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report(&err), "created aor 6001\n");
    assert_eq!(out, "");
    assert!(err.contains("p.conf:1: [6001] type=Endpoint matches no type: Asterisk compares it exactly and ignores the section (write type=endpoint)"), "{err}");
    assert!(err.contains("1 skipped"), "{err}");
}

#[test]
fn append_without_base_is_refused() {
    let env = Env::new();
    refused(
        &env,
        "[a]\ntype=aor\n\n[lobby](+)\nallow=g722\n",
        "bad.conf:4: Category addition requested, but category 'lobby' does not exist",
    );
}

#[test]
fn unterminated_block_comment_is_refused() {
    // Asterisk ignores everything after it; applied with --prune that would delete the stored
    // objects the comment hides, so it is an error, not a warning.
    let env = Env::new();
    env.ok(&["push", "aor", "b", "max_contacts=1"]);
    let file = write(
        &env,
        "c.conf",
        "[a]\ntype=aor\n;-- old phones\n[b]\ntype=aor\n",
    );
    let before = env.snapshot();
    let (code, out, err) = env.run(&["apply", "--prune", "--yes", &file]);
    assert_eq!(code, 4, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("c.conf:3: unterminated block comment") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before);
}

#[test]
fn duplicate_ids_are_refused() {
    let env = Env::new();
    env.ok(&["push", "aor", "keep", "max_contacts=1"]);
    refused(
        &env,
        "[x]\ntype=aor\n\n[x]\ntype=aor\nmax_contacts=2\n",
        "bad.conf:4: aor x: duplicate object (also defined at",
    );
}

#[test]
fn exec_runs_only_when_allowed() {
    let env = Env::new();
    refused(
        &env,
        "[a]\ntype=aor\n#exec /bin/echo max_contacts=2\n",
        "bad.conf:3: #exec /bin/echo max_contacts=2: not run",
    );
    let file = write(
        &env,
        "e.conf",
        "[a]\ntype=aor\n#exec /bin/echo max_contacts=2\n",
    );
    env.ok(&["apply", "--allow-exec", &file]);
    assert!(show_json(&env, "aor", "a")
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["attribute"] == "max_contacts" && a["value"] == "2"));
}

#[test]
fn every_problem_is_reported_at_once_and_nothing_is_written() {
    let env = Env::new();
    env.ok(&["push", "aor", "keep", "max_contacts=1"]);
    let text = "[phone](!)\ntype=endpoint\nallow=ulaw\n\n[good]\ntype=aor\n\n[e1](phone)\ndtmf_mode=rfc2833\n\n[e2](phone)\nCALL_GROUP=1\nbogus=yes\n\n[a1]\ntype=auth\nusername=a1\n\n[r1]\ntype=registration\nserver_uri=sip:x.example\nclient_uri=sip:me@x.example\n";
    let file = write(&env, "bad.conf", text);
    let before = env.snapshot();
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    for needle in [
        "bad.conf:9: endpoint e1: dtmf_mode=rfc2833: ",
        "rfc4733, inband, info",
        "bad.conf:12: endpoint e2: CALL_GROUP=1: Asterisk's handler only accepts the name in lower case",
        "bad.conf:13: endpoint e2: endpoint has no attribute 'bogus'",
        "bad.conf:15: auth a1: password: ",
        "4 problems in",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
    assert_eq!(
        env.snapshot(),
        before,
        "the astdb file must be byte-identical"
    );
    // diff refuses the same file with the same exit code.
    let (code, _, _) = env.run(&["diff", &file]);
    assert_eq!(code, 4);
}

#[test]
fn astdb_traps_are_refused_with_the_alternative() {
    let env = Env::new();
    let text = "[ep]\ntype=endpoint\nallow=ulaw\nset_var=GREETING=hello\ndeny=0.0.0.0/0\npermit=10.0.0.0/8\n\n[trunk]\ntype=aor\ncontact=sip:a@192.0.2.1\ncontact=sip:b@192.0.2.2\n\n[id]\ntype=identify\nendpoint=ep\nmatch=192.0.2.1,192.0.2.2\n\n[mute]\ntype=endpoint\ndisallow=all\n";
    let file = write(&env, "t.conf", text);
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    for needle in [
        "t.conf:1: endpoint ep: set_var is lost through astdb",
        "t.conf:1: endpoint ep: deny/permit rules are stored as a reference to an ACL named 'deny/permit'",
        "define a named ACL in acl.conf",
        "t.conf:8: aor trunk: only one of its 2 contacts survives astdb: contact=",
        "use one aor per static contact",
        "t.conf:13: identify id: only one of its 2 match entries survives astdb: match=",
        "t.conf:18: endpoint mute has no codec",
        "(or --force to push it anyway)",
        "(or --accept-loss to push it anyway)",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
    assert!(env.rows().is_empty());
    // --accept-loss covers the losses, not the endpoint Asterisk could not load.
    let (code, _, err) = env.run(&["apply", "--accept-loss", &file]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("1 problem in"), "{err}");
    let text = text.replace("disallow=all\n", "allow=alaw\n");
    let file = write(&env, "t.conf", &text);
    let (code, _, applied) = env.run(&["apply", "--accept-loss", &file]);
    assert_eq!(code, 0, "{applied}");
    // What astdb holds is what the plan expected: a second run changes nothing.
    let (code, out, err) = env.run(&["diff", &file]);
    assert_eq!(code, 0, "{out}{err}");
    let aor = show_json(&env, "aor", "trunk");
    let contacts: Vec<&Value> = aor
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["attribute"] == "contact")
        .collect();
    assert_eq!(contacts.len(), 1);
    // The warning names the contact astdb really gives back (not the last one written).
    let survivor = contacts[0]["value"].as_str().unwrap();
    let named =
        format!("aor trunk: only one of its 2 contacts survives astdb: contact={survivor} ");
    assert!(applied.contains(&named), "missing {named:?} in {applied}");
}

/// The traps are judged apart from the writing, a batch of objects at a time: in a file of
/// many batches, traps early, in the middle and in the last (short) batch are all reported, in
/// file order, and the refused apply leaves nothing behind.
#[test]
fn traps_across_many_objects_are_all_found_in_file_order() {
    let env = Env::new();
    let mut text = String::new();
    let trapped = [3, 700, 1499];
    for i in 0..1500 {
        text.push_str(&format!("[a{i}]\ntype=aor\nmax_contacts=1\n"));
        if trapped.contains(&i) {
            text.push_str("contact=sip:x@192.0.2.1\ncontact=sip:y@192.0.2.2\n");
        }
    }
    let file = write(&env, "many.conf", &text);
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    let found: Vec<usize> = trapped
        .iter()
        .map(|i| {
            let needle = format!("aor a{i}: only one of its 2 contacts survives astdb");
            err.find(&needle)
                .unwrap_or_else(|| panic!("missing {needle:?} in {err}"))
        })
        .collect();
    assert!(found.windows(2).all(|w| w[0] < w[1]), "{err}");
    assert!(env.rows().is_empty());
    // Accepted, every object is stored, the trapped ones with their surviving contact.
    let (code, _, err) = env.run(&["apply", "--accept-loss", &file]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(env.rows().len(), 1500);
}

// ------------------------------------------------------------------ plan, diff, idempotence

const SMALL: &str = "[a1]\ntype=auth\nusername=a1\npassword=s3cret\n\n[a1]\ntype=aor\nmax_contacts=1\n\n[a1]\ntype=endpoint\nallow=ulaw\nauth=a1\naors=a1\ncallerid=Ann <100>\n";

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let env = Env::new();
    env.init_db();
    write(&env, "pbx.conf", SMALL);
    let (code, out, err) = env.run(&["apply", "--dry-run", "pbx.conf"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "+ auth a1  (pbx.conf:1)\n    password = ********\n    username = a1\n\
         + aor a1  (pbx.conf:6)\n    max_contacts = 1\n\
         + endpoint a1  (pbx.conf:10)\n    allow = (ulaw)\n    aors = a1\n    auth = a1\n    callerid = \"Ann\" <100>\n"
    );
    assert!(err.contains("dry run, nothing written: would be 3 created, 0 updated, 0 unchanged, 0 deleted, 0 skipped"), "{err}");
    assert!(!env.db().exists() || env.rows().is_empty());
    env.ok(&["apply", "pbx.conf"]);
    // An update shows attribute-level changes on normalized values, secrets masked.
    write(
        &env,
        "pbx.conf",
        &SMALL
            .replace("s3cret", "n3w")
            .replace("allow=ulaw", "allow=g722,ulaw\ncontext=sales")
            .replace("max_contacts=1", "max_contacts=01"),
    );
    // Every dry run of an update leaves the file as it was, byte for byte and untouched.
    let (bytes, mtime) = (
        env.snapshot(),
        std::fs::metadata(env.db()).unwrap().modified().unwrap(),
    );
    let dry = |args: &[&str]| {
        let out = env.ok(args);
        assert_eq!(env.snapshot(), bytes, "{args:?} wrote");
        assert_eq!(
            std::fs::metadata(env.db()).unwrap().modified().unwrap(),
            mtime,
            "{args:?} touched the file"
        );
        out
    };
    let out = dry(&["apply", "-n", "pbx.conf"]);
    assert_eq!(
        out,
        "~ auth a1  (pbx.conf:1)\n    password: ******** -> ********\n\
         ~ endpoint a1  (pbx.conf:10)\n    allow: (ulaw) -> (g722|ulaw)\n    context: default -> sales\n"
    );
    let out = dry(&["apply", "-n", "--show-secrets", "pbx.conf"]);
    assert!(out.contains("    password: s3cret -> n3w\n"), "{out}");
    // Deletes and creates in the plan too (--prune deletes within the file's types).
    write(
        &env,
        "less.conf",
        "[a1]\ntype=aor\nmax_contacts=2\n\n[b1]\ntype=endpoint\nallow=ulaw\n",
    );
    let out = dry(&["apply", "-n", "--prune", "less.conf"]);
    assert!(
        out.contains("- endpoint a1") && out.contains("~ aor a1") && out.contains("+ endpoint b1"),
        "{out}"
    );
    let j: Value =
        serde_json::from_str(&dry(&["apply", "-n", "--prune", "-o", "json", "less.conf"])).unwrap();
    assert_eq!(j["summary"]["delete"], 1, "{j}");
    let j: Value = serde_json::from_str(&dry(&["apply", "-n", "-o", "json", "pbx.conf"])).unwrap();
    assert_eq!(j["summary"]["update"], 2);
    assert_eq!(j["summary"]["unchanged"], 1);
    assert_eq!(
        j["changes"][1]["attributes"][1],
        serde_json::json!({"attribute": "context", "old": "default", "new": "sales"})
    );
}

#[test]
fn second_apply_changes_nothing_and_keeps_the_file_bytes() {
    let env = Env::new();
    let conf = conv_dir().join("conf/v1-office.conf");
    env.ok(&["apply", conf.to_str().unwrap()]);
    let before = env.snapshot();
    let mtime = std::fs::metadata(env.db()).unwrap().modified().unwrap();
    let (code, out, err) = env.run(&["apply", conf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("is up to date: 0 created, 0 updated, 16 unchanged, 0 deleted, 2 skipped"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before);
    assert_eq!(
        std::fs::metadata(env.db()).unwrap().modified().unwrap(),
        mtime
    );
}

#[test]
fn diff_exit_codes() {
    let env = Env::new();
    env.init_db();
    write(&env, "pbx.conf", SMALL);
    let file = "pbx.conf".to_string();
    let (code, out, _) = env.run(&["diff", &file]);
    assert_eq!(code, 1);
    assert!(out.starts_with("+ auth a1"), "{out}");
    env.ok(&["apply", &file]);
    let (code, out, err) = env.run(&["diff", &file]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    env.ok(&["push", "endpoint", "a1", "context=elsewhere"]);
    let (code, out, _) = env.run(&["diff", &file]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "~ endpoint a1  (pbx.conf:10)\n    context: elsewhere -> default\n"
    );
    // An extra object only counts with --prune.
    env.ok(&["apply", &file]);
    env.ok(&["push", "aor", "extra", "max_contacts=1"]);
    assert_eq!(env.run(&["diff", &file]).0, 0);
    let (code, out, _) = env.run(&["diff", "--prune", &file]);
    assert_eq!((code, out.as_str()), (1, "- aor extra\n"));
    // Errors are 2 and above.
    assert_eq!(env.run(&["diff", "missing.conf"]).0, 2);
    let bad = write(&env, "bad.conf", "[x]\ntype=aor\nmax_contacts=lots\n");
    assert_eq!(env.run(&["diff", &bad]).0, 4);
}

#[test]
fn update_resets_what_the_file_leaves_at_default_and_replaces_codecs() {
    let env = Env::new();
    env.ok(&[
        "push",
        "endpoint",
        "e",
        "allow=ulaw,alaw",
        "language=fr",
        "mailboxes=9@x",
        "context=old",
    ]);
    let file = write(
        &env,
        "e.conf",
        "[e]\ntype=endpoint\nallow=g722\ncontext=new\n",
    );
    let (code, out, _) = env.run(&["diff", "e.conf"]);
    assert_eq!(code, 1);
    assert_eq!(out, "~ endpoint e  (e.conf:1)\n    allow: (ulaw|alaw) -> (g722)\n    context: old -> new\n    language: fr -> \"\"\n    mailboxes: 9@x -> \"\"\n");
    env.ok(&["apply", &file]);
    let fresh = Env::new();
    fresh.ok(&["apply", &file]);
    assert_eq!(everything(&env), everything(&fresh));
}

#[test]
fn what_an_update_cannot_remove_is_deleted_and_created_again() {
    let env = Env::new();
    // A stored named ACL cannot be taken away by a merge.
    env.ok(&["push", "endpoint", "e", "allow=ulaw", "acl=office"]);
    let file = write(&env, "e.conf", "[e]\ntype=endpoint\nallow=ulaw\n");
    let out = env.ok(&["apply", "-n", "e.conf"]);
    assert!(out.starts_with("~ endpoint e  (e.conf:1)  [delete and create again: an update only adds to what is stored (acl)]"), "{out}");
    let (_, out, err) = env.run(&["apply", &file]);
    assert_eq!(
        (out.as_str(), report(&err).as_str()),
        ("", "re-created endpoint e\n")
    );
    assert_eq!(env.run(&["diff", &file]).0, 0);
}

#[test]
fn prune_deletes_only_with_confirmation_and_in_reverse_order() {
    let env = Env::new();
    let file = write(&env, "pbx.conf", SMALL);
    env.ok(&["apply", &file]);
    for (ty, id, f) in [
        ("auth", "gone", "password=x"),
        ("aor", "gone", "max_contacts=1"),
        ("endpoint", "gone", "allow=ulaw"),
    ] {
        let mut args = vec!["push", ty, id, f];
        if ty == "auth" {
            args.push("username=gone");
        }
        env.ok(&args);
    }
    // A type the file does not hold is never pruned.
    env.ok(&[
        "push",
        "domain_alias",
        "example.com",
        "domain=pbx.example.com",
    ]);
    let before = env.snapshot();
    let (code, _, err) = env.run(&["apply", "--prune", &file]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("delete 3 objects from astdb") && err.contains("pass --yes"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before);
    let out = env.ok(&["apply", "--prune", "--dry-run", &file]);
    assert_eq!(out, "- endpoint gone\n- aor gone\n- auth gone\n");
    let (code, out, err) = env.run(&["apply", "--prune", "--yes", &file]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        report(&err),
        "deleted endpoint gone\ndeleted aor gone\ndeleted auth gone\n"
    );
    assert_eq!(out, "");
    assert!(
        err.contains("0 created, 0 updated, 3 unchanged, 3 deleted, 0 skipped"),
        "{err}"
    );
    let keys: Vec<String> = env.rows().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "/ps_aors/aor/a1",
            "/ps_auths/auth/a1",
            "/ps_domain_aliases/domain_alias/example.com",
            "/ps_endpoints/endpoint/a1"
        ]
    );
}

#[test]
fn a_failure_while_writing_rolls_everything_back() {
    // A real storage failure mid-write: a trigger that fails the insert of endpoint t, but only
    // once the file's aors are already in the transaction (so the failure cannot come first).
    let file_text =
        "[a1]\ntype=aor\n[a2]\ntype=aor\n[a3]\ntype=aor\n\n[t]\ntype=endpoint\nallow=ulaw\n\n\
                     [z]\ntype=aor\n";
    for whole in [false, true] {
        let env = Env::new();
        env.ok(&["push", "aor", "keep", "max_contacts=1"]);
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute_batch(
            "CREATE TRIGGER fail_t BEFORE INSERT ON astdb \
             WHEN NEW.key = '/ps_endpoints/endpoint/t' \
              AND (SELECT count(*) FROM astdb WHERE key GLOB '/ps_aors/aor/a[123]') = 3 \
             BEGIN SELECT RAISE(ABORT, 'injected disk failure'); END;",
        )
        .unwrap();
        drop(conn);
        let file = write(&env, "t.conf", file_text);
        let before = env.rows();
        let apply = routed(&["apply", &file], whole);
        let apply: Vec<&str> = apply.iter().map(String::as_str).collect();
        let (code, out, err) = env.run(&apply);
        assert_eq!(code, 5, "read whole: {whole}: {err}");
        assert!(
            err.contains("injected disk failure") && err.contains("nothing was written"),
            "read whole: {whole}: {err}"
        );
        assert!(!out.contains("created aor a1"), "{out}");
        // The aors written before the failure are gone with it.
        assert_eq!(env.rows(), before, "read whole: {whole}");
        // Without the trigger the same apply goes through (the failure was the trigger's).
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute_batch("DROP TRIGGER fail_t").unwrap();
        drop(conn);
        let (code, _, err) = env.run(&apply);
        assert_eq!(code, 0, "{err}");
        assert_eq!(env.rows().len(), 6);
    }

    // A refusal mid-way (a type this sorcery.conf keeps in pjsip.conf) writes nothing either.
    let env = Env::new();
    env.ok(&["push", "aor", "keep", "max_contacts=1"]);
    // identify is stored in pjsip.conf by this sorcery.conf, so its push is refused mid-way.
    let sorcery = write(
        &env,
        "sorcery.conf",
        "[res_pjsip]\naor=astdb,ps_aors\nendpoint=astdb,ps_endpoints\n",
    );
    let file = write(&env, "t.conf", "[t]\ntype=aor\nmax_contacts=4\n\n[t]\ntype=endpoint\nallow=ulaw\n\n[t-id]\ntype=identify\nendpoint=t\nmatch=192.0.2.9\n");
    let before = env.snapshot();
    let (code, out, err) = env.run(&["--sorcery", &sorcery, "apply", &file]);
    assert_eq!(code, 6, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("cannot push identify t-id") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before);
}

#[test]
fn many_objects_convert_quickly_and_reapply_writes_nothing() {
    let users = |count: usize| {
        let mut text = String::from("[phone](!)\ntype=endpoint\ncontext=internal\ndisallow=all\nallow=g722,ulaw\n\n[pa](!)\ntype=auth\nauth_type=userpass\n\n[po](!)\ntype=aor\nmax_contacts=1\n\n");
        for i in 0..count {
            let n = 10000 + i;
            text.push_str(&format!(
                "[{n}](pa)\nusername={n}\npassword=pw{n}\n[{n}](po)\n[{n}](phone)\nauth={n}\naors={n}\ncallerid=\"User {n}\" <{n}>\n\n"
            ));
        }
        text
    };
    // Four times the objects may take about four times as long, not sixteen: measured against
    // a quarter of the file on this machine (best of two each), so a slow or loaded machine
    // scales both; below 2 s either way nothing is judged (start-up dominates).
    let timed = |count: usize| {
        let mut best = None;
        for _ in 0..2 {
            let env = Env::new();
            let file = write(&env, "users.conf", &users(count));
            let t = std::time::Instant::now();
            let (code, _, err) = env.run(&["-q", "apply", &file]);
            let took = t.elapsed();
            assert_eq!(code, 0, "{err}");
            assert_eq!(env.rows().len(), 3 * count);
            best = Some(best.map_or(took, |b: std::time::Duration| b.min(took)));
        }
        best.unwrap()
    };
    let (quarter, whole) = (timed(250), timed(1000));
    assert!(
        whole < std::time::Duration::from_secs(2) || whole < quarter * 8,
        "1000 users took {whole:?}, 250 took {quarter:?}"
    );
    let env = Env::new();
    let file = write(&env, "users.conf", &users(1000));
    env.ok(&["-q", "apply", &file]);
    let before = env.snapshot();
    let (code, out, err) = env.run(&["apply", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    // No progress bar in a pipe.
    assert!(!err.contains('\r') && !err.contains("applying to"), "{err}");
    assert_eq!(env.snapshot(), before);
}

// ------------------------------------------------------------------ export

#[test]
fn export_withholds_secrets_unless_asked() {
    let env = Env::new();
    let file = write(&env, "pbx.conf", SMALL);
    env.ok(&["apply", &file]);
    let out = env.ok(&["export", "auth"]);
    assert!(out.contains("[a1]\ntype=auth\n;password=  ; secret withheld: run with --show-secrets to include it\nusername=a1\n"), "{out}");
    assert!(out.contains("; Secrets are withheld"), "{out}");
    assert!(!out.contains("s3cret"));
    // Such a file cannot recreate the auth: apply refuses it rather than clearing the password.
    let partial = write(&env, "partial.conf", &out);
    let before = env.snapshot();
    let (code, _, err) = env.run(&["apply", &partial]);
    assert_eq!(code, 4);
    assert!(err.contains("auth a1: password: "), "{err}");
    assert_eq!(env.snapshot(), before);
    let out = env.ok(&["--show-secrets", "export"]);
    assert!(out.contains("password=s3cret\n"), "{out}");
    assert!(out.contains("[a1]\ntype=endpoint\ndisallow=all\nallow=ulaw\naors=a1\nauth=a1\ncallerid=\"Ann\" <100>\n"), "{out}");
}

#[test]
fn export_all_applies_back_unchanged() {
    let env = Env::new();
    let conf = conv_dir().join("conf/v2-provider.conf");
    env.ok(&["apply", conf.to_str().unwrap()]);
    env.ok(&["push", "endpoint", "nocid", "allow=ulaw"]);
    let out = env.ok(&["--show-secrets", "export", "--all"]);
    assert!(
        out.contains(";callerid=<unknown>  ; the default: not written"),
        "{out}"
    );
    let exported = write(&env, "all.conf", &out);
    let (code, out, err) = env.run(&["diff", &exported]);
    assert_eq!(code, 0, "{out}{err}");
}

fn roundtrip(text: &str) {
    let env = Env::new();
    let file = write(&env, "gen.conf", text);
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 0, "{err}\n{text}");
    let exported = env.ok(&["--show-secrets", "export"]);
    let exp_file = write(&env, "export.conf", &exported);
    let before = env.snapshot();
    let (code, out, err) = env.run(&["diff", &exp_file]);
    assert_eq!(
        code, 0,
        "diff of the export: {out}{err}\n{text}\n{exported}"
    );
    let (code, out, err) = env.run(&["apply", &exp_file]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(env.snapshot(), before);
    // And the export alone recreates the same objects elsewhere.
    let other = Env::new();
    other.ok(&["apply", &exp_file]);
    assert_eq!(everything(&other), everything(&env));
}

mod generated {
    use proptest::prelude::*;

    fn token() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9-]{0,8}"
    }

    /// One phone (auth, aor, endpoint) named `{ID}`, replaced by its position.
    fn user() -> impl Strategy<Value = String> {
        (
            (token(), "[A-Za-z0-9!#;=-]{1,12}"),
            (proptest::sample::subsequence(vec!["ulaw", "alaw", "g722", "opus", "g729", "gsm"], 1..4), prop::bool::ANY),
            (prop::option::of(("[A-Z][a-z]{1,6}( [A-Z][a-z]{1,6})?", 100u32..9999)), prop::sample::select(vec!["rfc4733", "inband", "info", "auto"])),
            (1u32..6, prop::sample::select(vec![0u32, 30, 60, 120]), prop::bool::ANY, prop::option::of("[0-9]{3,4}@[a-z]{3,6}")),
            (prop::option::of(prop::sample::select(vec!["1", "1,3", "2-4"])), prop::option::of(prop::sample::select(vec!["en", "de", "sv"]))),
        )
            .prop_map(|((ctx, pw), (codecs, templ), (cid, dtmf), (maxc, qf, dm, mbox), (grp, lang))| {
                let id = "{ID}";
                let mut s = format!("[{id}]\ntype=auth\nusername={id}\npassword={}\n\n", pw.replace(';', "\\;"));
                s.push_str(&format!("[{id}]\ntype=aor\nmax_contacts={maxc}\nqualify_frequency={qf}\n\n"));
                s.push_str(&if templ { format!("[{id}](tmpl)\n") } else { format!("[{id}]\ntype=endpoint\n") });
                s.push_str(&format!("context={ctx}\ndisallow=all\nallow={}\nauth={id}\naors={id}\ndtmf_mode={dtmf}\n", codecs.join(",")));
                if let Some((name, num)) = cid {
                    s.push_str(&format!("callerid=\"{name}\" <{num}>\n"));
                }
                if dm {
                    s.push_str("direct_media=no\n");
                }
                if let Some(m) = mbox {
                    s.push_str(&format!("mailboxes={m}\n"));
                }
                if let Some(g) = grp {
                    s.push_str(&format!("call_group={g}\npickup_group={g}\n"));
                }
                if let Some(l) = lang {
                    s.push_str(&format!("language={l}\n"));
                }
                s.push('\n');
                s
            })
    }

    fn trunk() -> impl Strategy<Value = String> {
        (1u8..250, prop::bool::ANY, 0u32..3).prop_map(|(host, reg, retries)| {
            let mut s = format!(
                "[trunk]\ntype=aor\ncontact=sip:192.0.2.{host}:5060\n\n[trunk]\ntype=endpoint\nallow=alaw\naors=trunk\ncontext=from-trunk\nidentify_by=ip\n\n[trunk-id]\ntype=identify\nendpoint=trunk\nmatch=192.0.2.{host}\n\n"
            );
            if reg {
                s.push_str(&format!(
                    "[trunk-auth]\ntype=auth\nusername=acct\npassword=p\n\n[trunk-reg]\ntype=registration\nserver_uri=sip:192.0.2.{host}\nclient_uri=sip:acct@192.0.2.{host}\noutbound_auth=trunk-auth\nmax_retries={retries}\n\n"
                ));
            }
            s
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn export_then_apply_is_a_no_op(
            users in proptest::collection::vec(user(), 1..4),
            trunk in prop::option::of(trunk()),
        ) {
            let mut text = String::from("[tmpl](!)\ntype=endpoint\nrtp_symmetric=yes\nforce_rport=no\n\n");
            for (i, u) in users.iter().enumerate() {
                text.push_str(&u.replace("{ID}", &format!("u{}", 100 + i)));
            }
            if let Some(t) = trunk {
                text.push_str(&t);
            }
            super::roundtrip(&text);
        }
    }
}

#[test]
fn roundtrip_of_the_recorded_conversions() {
    for stem in ["v1-office", "v2-provider", "v4-webrtc"] {
        roundtrip(
            &std::fs::read_to_string(conv_dir().join("conf").join(format!("{stem}.conf"))).unwrap(),
        );
    }
}

// ------------------------------------------------------------------ the one-pass apply

/// `apply FILE` on a database holding `seed`, as the file is read and read whole first
/// (`--allow-exec`; see common::routed): the same report, the same rows.
fn both_routes_agree(seed: &str, file: &str) {
    let (one, whole) = (Env::with_unset_confdir(), Env::with_unset_confdir());
    for env in [&one, &whole] {
        env.init_db();
        if !seed.is_empty() {
            let s = write(env, "seed.conf", seed);
            env.ok(&["apply", &s]);
        }
    }
    let a = one.run(&["apply", file]);
    let b = whole.run(&["apply", "--allow-exec", file]);
    assert_eq!(a, b, "{file}");
    assert_eq!(one.rows(), whole.rows(), "{file}");
}

#[test]
fn apply_as_the_file_is_read_and_read_whole_agree() {
    let mut files: Vec<String> = ["v1-office", "v2-provider", "v3-templates", "v4-webrtc"]
        .iter()
        .map(|s| {
            conv_dir()
                .join("conf")
                .join(format!("{s}.conf"))
                .display()
                .to_string()
        })
        .collect();
    files.extend(["pbx.conf", "itsp.conf", "webrtc.conf"].map(own));
    for f in &files {
        // ([itsp](+type=endpoint) adds to a section handed over long before: read whole.)
        both_routes_agree("", f);
    }
    // Updates, a re-create and unchanged objects next to new ones.
    let seed = "[a]\ntype=aor\nmax_contacts=1\ncontact=sip:a@192.0.2.1\n\n[b]\ntype=aor\nmax_contacts=2\n\n\
                [e](!)\ntype=endpoint\nallow=ulaw\n[x](e)\ncontext=old\n";
    let env = Env::new();
    let file = write(
        &env,
        "next.conf",
        "[a]\ntype=aor\nmax_contacts=1\n\n[b]\ntype=aor\nmax_contacts=2\n\n[c]\ntype=aor\n\n\
         [e](!)\ntype=endpoint\nallow=ulaw\n[x](e)\ncontext=new\nallow=alaw\n",
    );
    both_routes_agree(seed, &file);
    // A refused file: the same problems, nothing written by either.
    let bad = write(
        &env,
        "bad.conf",
        "[x]\ntype=endpoint\nallow=ulaw\nbogus=1\n[a](nope)\n",
    );
    both_routes_agree(seed, &bad);
}

/// `diff` and `apply --dry-run` (each also with `--prune`) of `file` against a database
/// holding `seed`: compared as the file is read and read whole first (common::routed),
/// they print the same and exit the same.
fn both_diffs_agree(env: &Env, seed: &str, file: &str) {
    let db = env
        .dir
        .path()
        .join(format!("cmp-{}.sqlite3", env.rows().len() + seed.len()));
    let _ = std::fs::remove_file(&db);
    let db = db.to_str().unwrap();
    if !seed.is_empty() {
        let s = write(env, "seed.conf", seed);
        env.ok(&["--db", db, "apply", &s]);
    } else {
        crate::common::init_db(std::path::Path::new(db));
    }
    let cases: [&[&str]; 6] = [
        &["diff"],
        &["diff", "--prune"],
        &["apply", "--dry-run"],
        &["apply", "--dry-run", "--prune"],
        &["-o", "json", "diff", "--prune"],
        &["-o", "json", "apply", "--dry-run"],
    ];
    for extra in cases {
        let mut args = vec!["--db", db];
        args.extend(extra);
        args.push(file);
        let whole = routed(&args, true);
        let whole: Vec<&str> = whole.iter().map(String::as_str).collect();
        assert_eq!(env.run(&args), env.run(&whole), "{args:?}");
    }
}

#[test]
fn diff_and_dry_run_as_the_file_is_read_and_read_whole_agree() {
    let env = Env::with_unset_confdir();
    let mut files: Vec<String> = ["v1-office", "v2-provider", "v3-templates", "v4-webrtc"]
        .iter()
        .map(|s| {
            conv_dir()
                .join("conf")
                .join(format!("{s}.conf"))
                .display()
                .to_string()
        })
        .collect();
    files.extend(["pbx.conf", "itsp.conf", "webrtc.conf"].map(own));
    let seed = std::fs::read_to_string(&files[0]).unwrap();
    for f in &files {
        both_diffs_agree(&env, "", f);
        both_diffs_agree(&env, &seed, f);
    }
    // Updates, a re-create, an extra stored object, a trap warning and a refused file.
    let seed = "[a]\ntype=aor\nmax_contacts=1\ncontact=sip:a@192.0.2.1\n\n[b]\ntype=aor\nmax_contacts=2\n\n\
                [gone]\ntype=aor\n\n[e](!)\ntype=endpoint\nallow=ulaw\n[x](e)\ncontext=old\n";
    let next = write(
        &env,
        "next.conf",
        "[a]\ntype=aor\nmax_contacts=1\n\n[b]\ntype=aor\nmax_contacts=2\n\n[c]\ntype=aor\n\n\
         [e](!)\ntype=endpoint\nallow=ulaw\n[x](e)\ncontext=new\nallow=alaw\nset_var=A=1\n",
    );
    both_diffs_agree(&env, seed, &next);
    let bad = write(
        &env,
        "bad.conf",
        "[x]\ntype=endpoint\nallow=ulaw\nbogus=1\n[y]\ntype=aor\n",
    );
    both_diffs_agree(&env, seed, &bad);
}

#[test]
fn sections_completed_later_in_the_file_are_applied_whole() {
    let env = Env::new();
    // The included file's first lines and the line after the #include belong to [x].
    write(&env, "inc.conf", "max_contacts=4\n[y]\ntype=aor\n");
    let file = write(
        &env,
        "main.conf",
        "[x]\ntype=aor\n#include inc.conf\nremove_existing=yes\n[b]\ntype=aor\n",
    );
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        report(&err),
        "created aor x\ncreated aor y\ncreated aor b\n"
    );
    // [a](+) adds to a section two headers back: the reader hands the file over, and it is
    // read whole.
    let file = write(
        &env,
        "plus.conf",
        "[a]\ntype=aor\n[c]\ntype=aor\n[a](+)\nmax_contacts=3\n",
    );
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report(&err), "created aor a\ncreated aor c\n");
    let get = |id: &str, attr: &str| {
        show_json(&env, "aor", id)
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["attribute"] == attr)
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(get("a", "max_contacts"), "3");
    assert_eq!(get("x", "max_contacts"), "4");
    assert_eq!(get("x", "remove_existing"), "true");
}

#[test]
fn a_refused_apply_creates_no_database() {
    let env = Env::new();
    let file = write(&env, "bad.conf", "[x]\ntype=aor\nbogus=1\n");
    let (code, _, err) = env.run(&["apply", &file]);
    assert_eq!(code, 4, "{err}");
    assert!(
        !env.db().exists(),
        "a refused apply left {}",
        env.db().display()
    );
}
