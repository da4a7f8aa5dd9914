//! Issue 3: the objects a real Asterisk 23.4.1 built from the sample pjsip.conf files
//! (tests/fixtures/conversions), reproduced by the embedded engine two ways:
//! - read statically through `config` wizards (v2, v4: files without templates), and
//! - pushed into astdb and read back (v1, v2, v4; v1's templates expanded here).
//!
//! This checks webrtc forcing (v4 web-mia), caller ID forms (v1), identify match and
//! registration (v2), and every other attribute of those objects.

use serde_json::Value;

use crate::common::{fixtures, Env};

fn conv() -> std::path::PathBuf {
    fixtures().join("conversions")
}

fn manifest(stem: &str) -> Value {
    let p = conv().join("expected").join(stem).join("MANIFEST.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn expected(stem: &str, file: &str) -> Value {
    let p = conv().join("expected").join(stem).join(file);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A minimal pjsip.conf expansion for the test inputs: `;` comments, `[name]`, `[name](!)`
/// templates and `[name](parents)` inheritance (parents' lines first). Returns
/// (section name, lines) for the non-template sections.
/// One section: name, whether it is a template, its lines.
type Section = (String, bool, Vec<(String, String)>);

fn expand(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut sections: Vec<Section> = Vec::new();
    for raw in text.lines() {
        let line = raw.split(';').next().unwrap().trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let (name, after) = rest.split_once(']').unwrap();
            let mut vars = Vec::new();
            let mut template = false;
            if let Some(opts) = after.strip_prefix('(') {
                for o in opts.trim_end_matches(')').split(',').map(str::trim) {
                    if o == "!" {
                        template = true;
                    } else {
                        let parent = sections
                            .iter()
                            .rev()
                            .find(|(n, _, _)| n == o)
                            .expect("parent defined first");
                        vars.extend(parent.2.clone());
                    }
                }
            }
            sections.push((name.to_string(), template, vars));
            continue;
        }
        let (k, v) = line.split_once('=').unwrap();
        sections
            .last_mut()
            .unwrap()
            .2
            .push((k.trim().to_string(), v.trim().to_string()));
    }
    sections
        .into_iter()
        .filter(|(_, t, _)| !*t)
        .map(|(n, _, v)| (n, v))
        .collect()
}

fn show(env: &Env, extra: &[&str], ty: &str, id: &str) -> Value {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(["show", ty, id, "-o", "json"]);
    serde_json::from_str(&env.ok(&args)).unwrap()
}

fn pushed_objects_match(stem: &str, conf: &str) {
    let env = Env::new();
    let text = std::fs::read_to_string(conv().join("conf").join(conf)).unwrap();
    let sections = expand(&text);
    let m = manifest(stem);
    let mut checked = 0;
    for o in m["objects"].as_array().unwrap() {
        let (ty, id) = (o["type"].as_str().unwrap(), o["id"].as_str().unwrap());
        let (_, vars) = sections
            .iter()
            .find(|(n, v)| {
                n == id
                    && v.iter()
                        .find(|(k, _)| k == "type")
                        .is_some_and(|(_, t)| t == ty)
            })
            .unwrap_or_else(|| panic!("{stem}: no section for {ty} {id}"));
        let mut args = vec!["push".to_string(), ty.to_string(), id.to_string()];
        args.extend(
            vars.iter()
                .filter(|(k, _)| k != "type")
                .map(|(k, v)| format!("{k}={v}")),
        );
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        env.ok(&a);
        assert_eq!(
            show(&env, &[], ty, id),
            expected(stem, o["file"].as_str().unwrap()),
            "{stem}: {ty} {id} through astdb"
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn v1_office_through_astdb_caller_id_forms() {
    pushed_objects_match("v1-office", "v1-office.conf");
}

#[test]
fn v2_provider_through_astdb_identify_and_registration() {
    pushed_objects_match("v2-provider", "v2-provider.conf");
}

#[test]
fn v4_webrtc_through_astdb_webrtc_forcing() {
    pushed_objects_match("v4-webrtc", "v4-webrtc.conf");
}

/// Every object of a file without templates, read the way Asterisk loads a static pjsip.conf.
fn static_objects_match(stem: &str, conf: &str) {
    let env = Env::new();
    let sorcery = env.dir.path().join("sorcery.conf");
    let mut text = String::from("[res_pjsip]\n");
    for t in ["endpoint", "auth", "aor", "domain_alias", "transport"] {
        text.push_str(&format!("{t}=config,{conf},criteria=type={t}\n"));
    }
    text.push_str(&format!(
        "global=config,{conf},criteria=type=global,single_object=yes,explicit_name=global\n"
    ));
    text.push_str(&format!(
        "[res_pjsip_endpoint_identifier_ip]\nidentify=config,{conf},criteria=type=identify\n"
    ));
    text.push_str(&format!("[res_pjsip_outbound_registration]\nregistration=config,{conf},criteria=type=registration\n"));
    std::fs::write(&sorcery, text).unwrap();
    let confdir = conv().join("conf");
    let extra = [
        "--sorcery",
        sorcery.to_str().unwrap(),
        "--confdir",
        confdir.to_str().unwrap(),
    ];
    let m = manifest(stem);
    let objs = m["objects"]
        .as_array()
        .unwrap()
        .iter()
        .chain(m["read_only_objects"].as_array().unwrap());
    for o in objs {
        let (ty, id) = (o["type"].as_str().unwrap(), o["id"].as_str().unwrap());
        assert_eq!(
            show(&env, &extra, ty, id),
            expected(stem, o["file"].as_str().unwrap()),
            "{stem}: static {ty} {id}"
        );
    }
    // Read-only: show and list work, writes are refused the way Asterisk refuses them.
    let mut list: Vec<&str> = extra.to_vec();
    list.extend(["list", "transports"]);
    assert!(env.ok(&list).contains("transport-udp"));
    let mut w: Vec<&str> = extra.to_vec();
    w.extend(["push", "transport", "transport-udp", "tos=0"]);
    let (code, _, err) = env.run(&w);
    // Read-only first, with delete's exit code (issue 12).
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("cannot update transport transport-udp"),
        "{err}"
    );
    let mut d: Vec<&str> = extra.to_vec();
    d.extend(["delete", "transport", "transport-udp", "--yes"]);
    let (code, _, err) = env.run(&d);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("Could not delete object with id 'transport-udp'"),
        "{err}"
    );
}

#[test]
fn v2_provider_static() {
    static_objects_match("v2-provider", "v2-provider.conf");
}

#[test]
fn v4_webrtc_static() {
    static_objects_match("v4-webrtc", "v4-webrtc.conf");
}

#[test]
fn static_sections_with_templates_are_built_as_asterisk_built_them() {
    // The config wizard reads the file with the full reader: templates, (+), #include.
    let env = Env::new();
    let sorcery = env.dir.path().join("sorcery.conf");
    let confdir = conv().join("conf");
    for (file, ty, id, expected) in [
        (
            "v1-office.conf",
            "endpoint",
            "101",
            "v1-office/endpoint__101.json",
        ),
        (
            "v3-templates.conf",
            "endpoint",
            "lobby",
            "v3-templates/endpoint__lobby.json",
        ),
        (
            "v3-templates.conf",
            "endpoint",
            "hd-bruno",
            "v3-templates/endpoint__hd-bruno.json",
        ),
    ] {
        std::fs::write(
            &sorcery,
            format!("[res_pjsip]\n{ty}=config,{file},criteria=type={ty}\n"),
        )
        .unwrap();
        let (code, out, err) = env.run(&[
            "--sorcery",
            sorcery.to_str().unwrap(),
            "--confdir",
            confdir.to_str().unwrap(),
            "show",
            ty,
            id,
            "-o",
            "json",
        ]);
        assert_eq!(code, 0, "{file} {id}: {err}");
        let got: serde_json::Value = serde_json::from_str(&out).unwrap();
        let want: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(conv().join("expected").join(expected)).unwrap(),
        )
        .unwrap();
        assert_eq!(got, want, "{file} {id}");
    }
}

#[test]
fn missing_static_file_is_explained() {
    let env = Env::new();
    let (code, _, err) = env.run(&[
        "--confdir",
        env.dir.path().to_str().unwrap(),
        "show",
        "global",
        "global",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("pjsip.conf cannot be read"), "{err}");
    let (code, _, err) = env.run(&[
        "--confdir",
        env.dir.path().to_str().unwrap(),
        "push",
        "global",
        "global",
        "user_agent=x",
    ]);
    assert_eq!(code, 6, "{err}");
}
