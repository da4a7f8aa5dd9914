use super::*;

fn opts() -> Options {
    Options {
        confdir: PathBuf::from("/nonexistent"),
        allow_exec: false,
    }
}

fn read(text: &str) -> Config {
    read_str(text, "t.conf", &opts())
}

fn vars(c: &Config, i: usize) -> Vec<(String, String)> {
    c.sections[i]
        .vars
        .iter()
        .map(|v| (v.name.clone(), v.value.clone()))
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn errors(c: &Config) -> Vec<String> {
    c.diags
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn filters_regcomp_refuses_are_asterisks_refusals_the_others_pjsipctls() {
    // regcomp refuses it: Asterisk logs it, finds nothing, and refuses the file there.
    let c = read("[a]\ntype=aor\n[a](+type=a{1)\nx=1\n");
    let w: Vec<String> = c.diags.iter().map(|d| d.to_string()).collect();
    assert!(
        w[0].starts_with("t.conf:3: Regular expression 'a{1' failed to compile: Unmatched \\{"),
        "{w:?}"
    );
    assert!(errors(&c)[0].contains("does not exist"), "{w:?}");
    // regcomp accepts a GNU escape, which pjsipctl refuses rather than read otherwise.
    let e = errors(&read("[a]\ntype=aor\n[a](+type=\\wor)\nx=1\n"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("t.conf:3: pjsipctl refuses the filter expression '\\wor': '\\w' is")
            && e[0].ends_with("pjsipctl stops reading t.conf here"),
        "{e:?}"
    );
    // And a plain filter matches.
    let c = read("[a]\ntype=aor\n[a](+type=^a.r$)\nx=1\n");
    assert!(c.diags.is_empty(), "{:?}", c.diags);
    assert_eq!(vars(&c, 0), pairs(&[("type", "aor"), ("x", "1")]));
}

#[test]
fn sections_variables_and_origins() {
    let c = read("; head\n[a]\ntype = aor\n max_contacts=>2 \n\n[b]\nx=1=2\n");
    assert_eq!(c.sections.len(), 2);
    assert_eq!(
        vars(&c, 0),
        pairs(&[("type", "aor"), ("max_contacts", "2")])
    );
    assert_eq!(vars(&c, 1), pairs(&[("x", "1=2")]));
    assert_eq!(c.sections[0].origin.to_string(), "t.conf:2");
    assert_eq!(c.sections[0].vars[1].origin.line, 4);
    assert!(c.diags.is_empty(), "{:?}", c.diags);
}

#[test]
fn comments_escapes_and_quotes() {
    let c = read("[a]\np=Sp\\;ce ; comment\nq=\"x;y\"\nr=a\\\\;b\ns=;---\n;--- not a block\nt=1\n");
    assert_eq!(
        vars(&c, 0),
        pairs(&[
            ("p", "Sp;ce"),
            ("q", "\"x"),
            ("r", "a\\;b"),
            ("s", ""),
            ("t", "1")
        ])
    );
}

#[test]
fn block_comments_nest_and_span_lines() {
    let text = "[a]\nx=1 ;-- inline --; y=2\n;-- outer\n[hidden]\n;-- inner --;\nz=3\n--;\nw=4 ;-- open\nstill comment\n--; v=5\n";
    let c = read(text);
    assert_eq!(c.sections.len(), 1);
    // The line that closes a block comment is read from just after the '--;'.
    assert_eq!(
        vars(&c, 0),
        pairs(&[("x", "1  y=2"), ("w", "4"), ("v", "5")])
    );
    assert!(c.diags.is_empty(), "{:?}", c.diags);
}

#[test]
fn inheritance_cannot_multiply_settings_without_bound() {
    let many = |base: &str, n: usize| vec![base; n].join(",");
    let text = format!(
        "[a](!)\nx=1\n[b](!,{})\n[c](!,{})\n[d](!,{})\n",
        many("a", 2000),
        many("b", 2000),
        many("c", 2000)
    );
    let t = std::time::Instant::now();
    let c = read(&text);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        t.elapsed()
    );
    let e = errors(&c);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("t.conf:4: this section would hold more than 10000 settings")
            && e[0].ends_with("pjsipctl stops reading t.conf here"),
        "{e:?}"
    );
}

#[test]
fn unterminated_block_comment_is_reported() {
    let c = read("[a]\nx=1\n;-- never closed\n[b]\ny=2\n");
    assert_eq!(c.sections.len(), 1);
    let w: Vec<String> = c.diags.iter().map(|d| d.to_string()).collect();
    assert!(
        w[0].starts_with("t.conf:3: unterminated block comment"),
        "{w:?}"
    );
    assert_eq!(c.diags[0].level, Level::Error);
}

#[test]
fn stray_block_comment_end_hides_the_rest() {
    let c = read("[a]\nx=1 --;\ny=2\n");
    assert_eq!(vars(&c, 0), pairs(&[("x", "1 --;")]));
    assert_eq!(errors(&c).len(), 1);
}

#[test]
fn templates_and_multiple_inheritance() {
    let c = read(
            "[t1](!)\ntype=endpoint\ncontext=a\nallow=ulaw\n[t2](!,t1)\ncontext=b\n[mix](!)\nallow=vp8\n[x](t2,mix)\ncontext=c\n",
        );
    let x = c.sections.iter().position(|s| s.name == "x").unwrap();
    assert!(c.sections[0].template && c.sections[1].template && !c.sections[x].template);
    assert_eq!(
        vars(&c, x),
        pairs(&[
            ("type", "endpoint"),
            ("context", "a"),
            ("allow", "ulaw"),
            ("context", "b"),
            ("allow", "vp8"),
            ("context", "c")
        ])
    );
    let names: Vec<&str> = c.sections[x].inherits.iter().map(|n| &**n).collect();
    assert_eq!(names, ["t2", "mix"]);
    assert!(c.sections[x].vars[0].inherited && !c.sections[x].vars[5].inherited);
    assert_eq!(c.sections[x].vars[0].origin.line, 2);
}

#[test]
fn inheritance_names_are_case_insensitive_and_not_trimmed() {
    let c = read("[Base](!)\na=1\n[x](BASE)\n");
    assert_eq!(vars(&c, 1), pairs(&[("a", "1")]));
    let c = read("[b1](!)\na=1\n[b2](!)\nb=2\n[x](b1, b2)\n");
    assert_eq!(errors(&c).len(), 1);
    assert!(
        errors(&c)[0].contains("category ' b2' does not exist"),
        "{:?}",
        errors(&c)
    );
}

#[test]
fn missing_template_is_an_error() {
    let c = read("[x](later)\na=1\n[later](!)\n");
    assert!(errors(&c)[0]
        .starts_with("t.conf:1: Inheritance requested, but category 'later' does not exist"));
    assert!(c.sections.is_empty());
}

#[test]
fn append_goes_to_the_first_non_template_section() {
    let c = read("[x](!)\nt=0\n[x]\ntype=auth\n[x]\ntype=aor\n[X](+)\nmore=1\n");
    assert_eq!(c.sections.len(), 3);
    assert_eq!(vars(&c, 1), pairs(&[("type", "auth"), ("more", "1")]));
    assert_eq!(c.sections[1].appended_at[0].line, 7);
}

#[test]
fn append_with_a_filter_picks_by_type() {
    let c = read(
        "[x]\ntype=auth\n[x]\ntype=endpoint\n[x](+type=endpoint)\ncontext=a\n[x](+type=^aor$)\n",
    );
    assert_eq!(
        vars(&c, 1),
        pairs(&[("type", "endpoint"), ("context", "a")])
    );
    assert!(
        errors(&c)[0].contains("category 'x' matching 'type=^aor$' does not exist"),
        "{:?}",
        errors(&c)
    );
}

/// Sections as (name, vars).
type Named = Vec<(String, Vec<(String, String)>)>;

/// The non-template sections a streamed read hands over.
fn streamed(text: &str, confdir: &Path) -> Option<Named> {
    let mut got = Vec::new();
    let o = Options {
        confdir: confdir.to_path_buf(),
        allow_exec: false,
    };
    let end = stream(
        &mut text.as_bytes(),
        text.len(),
        "t.conf",
        None,
        &o,
        &mut |mut s: Section, shared| {
            unshare(&mut s, shared);
            let v = s.vars.iter().map(|v| (v.name.clone(), v.value.clone()));
            got.push((s.name.clone(), v.collect()));
        },
    );
    matches!(end, Streamed::Done { .. }).then_some(got)
}

fn whole(text: &str, confdir: &Path) -> Named {
    let o = Options {
        confdir: confdir.to_path_buf(),
        allow_exec: false,
    };
    let c = read_str(text, "t.conf", &o);
    c.sections
        .iter()
        .filter(|s| !s.template)
        .map(|s| {
            let v = s.vars.iter().map(|v| (v.name.clone(), v.value.clone()));
            (s.name.clone(), v.collect())
        })
        .collect()
}

#[test]
fn streaming_hands_over_what_a_whole_read_gives() {
    let dir = tempfile::tempdir().unwrap();
    // An included file's first lines join the section open before the #include, and the
    // including file goes on writing to it afterwards.
    std::fs::write(
        dir.path().join("inc.conf"),
        "inc=1\n[y](t)\nz=1\n[t2](!)\nq=1\n",
    )
    .unwrap();
    let text =
        "[t](!)\ntype=aor\n[a](t)\nmax_contacts=1\n[x]\ntype=auth\n#include inc.conf\nlate=1\n\
                    [w](t2)\n[w](+)\nmore=1\n[b](t)\nm+=2\n";
    let got = streamed(text, dir.path()).expect("no revisit");
    assert_eq!(got, whole(text, dir.path()));
    let x = got.iter().find(|(n, _)| n == "x").unwrap();
    assert_eq!(x.1.last().unwrap(), &("late".to_string(), "1".to_string()));
}

#[test]
fn streamed_sections_sharing_a_template_read_as_a_whole_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // [i] inherits [t2] in an included file, then the including file adds to [t2].
    std::fs::write(d.join("inc.conf"), "[i](t2)\n").unwrap();
    // Also `+=` on an inherited setting, two templates, an addition after inheriting, a
    // filter on an inherited setting, a template inheriting a template.
    let text = "[t](!)\ntype=aor\nmailboxes=1\n[a](t)\nmailboxes+=2\n[b](t)\ncontact+=x\n\
                [t2](!)\ntype=aor\n#include inc.conf\nmax_contacts=3\n[c](t2)\n\
                [u](!)\nqualify_frequency=9\n[e](t,u)\n[e](t,+)\nlate=1\n[f](t)\n\
                [f](+type=aor)\nmore=1\n[v](t,!)\nx=1\n[g](v)\ny=2\n[h](v,u)\n[h](+mailboxes=1)\nz=3\n";
    let got = streamed(text, d).expect("no revisit");
    assert_eq!(got, whole(text, d));
    let vars = |name: &str| got.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
    assert_eq!(vars("a")[1], pair("mailboxes", "12"));
    assert_eq!(vars("b").len(), 3);
    assert_eq!(vars("i"), [pair("type", "aor")]);
    assert_eq!(vars("c"), [pair("type", "aor"), pair("max_contacts", "3")]);
    assert_eq!(vars("e").len(), 2 + 1 + 2 + 1);
    assert_eq!(vars("f").last().unwrap(), &pair("more", "1"));
    assert_eq!(
        vars("g"),
        [
            pair("type", "aor"),
            pair("mailboxes", "1"),
            pair("x", "1"),
            pair("y", "2")
        ]
    );
    assert_eq!(vars("h").last().unwrap(), &pair("z", "3"));
}

#[test]
fn streaming_asks_for_a_whole_read_when_the_file_looks_back() {
    let d = Path::new("/nonexistent");
    // Adding to, or inheriting from, a section already handed over.
    assert!(streamed("[a]\ntype=aor\n[b]\ntype=aor\n[a](+)\nx=1\n", d).is_none());
    assert!(streamed("[a]\ntype=aor\n[b]\ntype=aor\n[c](a)\n", d).is_none());
    assert!(streamed("[a]\ntype=aor\n[b]\n[c]()\n", d).is_none());
    // Errors are still reported as a whole read reports them.
    let o = opts();
    let end = stream(
        &mut &b"[a](nope)\n"[..],
        10,
        "t.conf",
        None,
        &o,
        &mut |_, _| {},
    );
    let Streamed::Done { diags, .. } = end else {
        panic!("{end:?}")
    };
    assert!(
        diags[0].message.contains("Inheritance requested"),
        "{diags:?}"
    );
}

#[test]
fn append_without_base_is_an_error() {
    let c = read("[lobby](+)\nallow=g722\n");
    assert!(
        errors(&c)[0].starts_with("t.conf:1: Category addition requested, but category 'lobby'")
    );
}

#[test]
fn plus_equals_appends_text_to_the_last_value() {
    let c = read("[t](!)\nmailboxes=1@a\n[x](t)\nmailboxes+=,2@a\nnew+=v\nmailboxes += x\n");
    assert_eq!(
        vars(&c, 1),
        pairs(&[("mailboxes", "1@a,2@a x"), ("new", "v")])
    );
    assert!(c.sections[1].vars[0].inherited);
    assert_eq!(c.sections[1].vars[0].appended.len(), 2);
    // The inherited template keeps its value.
    assert_eq!(vars(&c, 0), pairs(&[("mailboxes", "1@a")]));
}

#[test]
fn plus_equals_updates_the_last_case_insensitive_match() {
    // ast_variable_update picks the later M=1, which takes the exact name.
    let c = read("[x]\nm=1\nM=1\nm+=2 \n");
    assert_eq!(vars(&c, 0), pairs(&[("m", "1"), ("m", "12")]));
    // Many additions to one value: each is appended in place.
    let mut text = String::from("[y]\nv=a\n");
    for _ in 0..20_000 {
        text.push_str("v += bc \n");
    }
    let c = read(&text);
    assert!(c.sections[0].vars[0].value.starts_with("a bc bc"));
    assert_eq!(c.sections[0].vars[0].value.len(), 1 + 3 * 20_000);
    assert_eq!(c.sections[0].vars[0].appended.len(), 20_000);
}

#[test]
fn leading_backslash_escapes_the_first_character() {
    let c = read("[a]\n\\=x=1\n\\[y]=2\n");
    assert_eq!(vars(&c, 0), pairs(&[("=x", "1"), ("[y]", "2")]));
    let c = read("[a]\n\\ x=1\n");
    assert!(errors(&c)[0].contains("Invalid escape"));
}

#[test]
fn bom_crlf_and_blanks() {
    let c = read("\u{feff}[a]\r\ntype=aor\r\n\tmax_contacts = 1 \r\n");
    assert_eq!(
        vars(&c, 0),
        pairs(&[("type", "aor"), ("max_contacts", "1")])
    );
    assert_eq!(c.sections[0].name, "a");
}

#[test]
fn long_lines_are_skipped() {
    let ok = "x".repeat(MAX_LINE - 3);
    let long = "y".repeat(MAX_LINE - 2);
    let c = read(&format!("[a]\na={ok}\nb={long}\nc=1\n"));
    assert_eq!(c.sections[0].vars.len(), 2);
    assert_eq!(c.sections[0].vars[1].name, "c");
    assert_eq!(c.diags[0].origin.as_ref().unwrap().line, 3);
    assert_eq!(c.diags[0].level, Level::Error);
}

#[test]
fn lines_asterisk_skips_or_refuses() {
    let c = read("x=1\n");
    assert!(errors(&c)[0].contains("No category context"));
    let c = read("[a]\njunk\n=v\n#bogus\n#include\n[b\n");
    let all: Vec<String> = c.diags.iter().map(|d| d.to_string()).collect();
    assert!(all[0].contains("No '='"), "{all:?}");
    assert!(all[1].contains("No variable name"), "{all:?}");
    assert!(all[2].contains("Unknown directive '#bogus'"), "{all:?}");
    assert!(all[3].contains("needs an argument"), "{all:?}");
    assert!(all[4].contains("no closing ']'"), "{all:?}");
}

#[test]
fn space_before_options_is_reported() {
    let c = read("[t] (!)\ntype=endpoint\n");
    assert!(!c.sections[0].template);
    assert!(
        c.diags[0].message.contains("not a template"),
        "{:?}",
        c.diags
    );
}

#[test]
fn includes_resolve_in_the_config_directory() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(
        d.path().join("main.conf"),
        "[a]\nx=1\n#include \"sub/one.conf\"\ny=2\n#tryinclude <nope.conf>\n",
    )
    .unwrap();
    // Nested includes are relative to the config directory too, not to sub/.
    std::fs::write(
        d.path().join("sub/one.conf"),
        "z=0\n[b]\nx=2\n#include two.conf\n",
    )
    .unwrap();
    std::fs::write(d.path().join("two.conf"), "\u{feff}[c]\r\nx=3\r\n").unwrap();
    let o = Options {
        confdir: d.path().to_path_buf(),
        allow_exec: false,
    };
    let c = read_file(&d.path().join("main.conf"), &o).unwrap();
    let names: Vec<&str> = c.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    // The included file's first line joins the includer's current section; lines after
    // the #include go on in the includer's own current section.
    assert_eq!(vars(&c, 0), pairs(&[("x", "1"), ("z", "0"), ("y", "2")]));
    assert_eq!(c.files.len(), 3);
    assert!(c.sections[1].origin.to_string().ends_with("sub/one.conf:2"));
    assert_eq!(c.diags.len(), 1, "{:?}", c.diags);
    assert_eq!(c.diags[0].level, Level::Note);
}

#[test]
fn include_errors() {
    let d = tempfile::tempdir().unwrap();
    let o = Options {
        confdir: d.path().to_path_buf(),
        allow_exec: false,
    };
    std::fs::write(d.path().join("a.conf"), "[a]\n#include b.conf\n").unwrap();
    std::fs::write(d.path().join("b.conf"), "[b]\n#include a.conf\n").unwrap();
    let c = read_file(&d.path().join("a.conf"), &o).unwrap();
    assert!(
        errors(&c)[0].contains("include cycle: a.conf -> b.conf -> a.conf"),
        "{:?}",
        errors(&c)
    );
    std::fs::write(d.path().join("m.conf"), "[a]\n#include missing.conf\n").unwrap();
    let c = read_file(&d.path().join("m.conf"), &o).unwrap();
    assert!(errors(&c)[0].contains("'missing.conf' was listed as a #include but it does not exist"));
    // Eleven levels: the main file plus 10 includes load, the 11th include is refused.
    for i in 0..12 {
        std::fs::write(
            d.path().join(format!("l{i}.conf")),
            format!("[s{i}]\n#include l{}.conf\n", i + 1),
        )
        .unwrap();
    }
    let c = read_file(&d.path().join("l0.conf"), &o).unwrap();
    assert_eq!(c.sections.len(), 11);
    assert!(
        errors(&c)[0].contains("Maximum Include level (10) exceeded"),
        "{:?}",
        errors(&c)
    );
}

#[test]
fn bom_of_a_second_globbed_file_is_kept() {
    let d = tempfile::tempdir().unwrap();
    let o = Options {
        confdir: d.path().to_path_buf(),
        allow_exec: false,
    };
    std::fs::create_dir(d.path().join("u")).unwrap();
    std::fs::write(d.path().join("u/a.conf"), "\u{feff}[a]\nx=1\n").unwrap();
    std::fs::write(d.path().join("u/b.conf"), "\u{feff}[b]\ny=2\n").unwrap();
    std::fs::write(d.path().join("main.conf"), "#include u/*.conf\n").unwrap();
    let c = read_file(&d.path().join("main.conf"), &o).unwrap();
    assert_eq!(c.sections.len(), 1);
    assert_eq!(vars(&c, 0), pairs(&[("x", "1"), ("y", "2")]));
    assert!(
        c.diags[0].message.contains("this section header is lost"),
        "{:?}",
        c.diags
    );
}

#[test]
fn globbed_includes_in_order() {
    let d = tempfile::tempdir().unwrap();
    let o = Options {
        confdir: d.path().to_path_buf(),
        allow_exec: false,
    };
    std::fs::create_dir(d.path().join("users")).unwrap();
    std::fs::write(d.path().join("users/b.conf"), "[b]\n").unwrap();
    std::fs::write(d.path().join("users/a.conf"), "[a]\n").unwrap();
    std::fs::write(
        d.path().join("main.conf"),
        "#include users/*.conf\n#include users/none-*.conf\n",
    )
    .unwrap();
    let c = read_file(&d.path().join("main.conf"), &o).unwrap();
    let names: Vec<&str> = c.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(errors(&c)[0].contains("none-*.conf"));
}

#[test]
fn exec_needs_permission() {
    let c = read("[a]\n#exec /bin/echo x=1\n");
    assert!(errors(&c)[0].contains("--allow-exec"));
    let o = Options {
        confdir: PathBuf::from("."),
        allow_exec: true,
    };
    let c = read_str("[a]\n#exec printf 'x=1\\n[b]\\ny=2\\n'\n", "t.conf", &o);
    assert_eq!(vars(&c, 0), pairs(&[("x", "1")]));
    assert_eq!(vars(&c, 1), pairs(&[("y", "2")]));
}

#[test]
fn a_line_ends_at_its_first_nul_and_its_semicolons_before_it_count() {
    // Every place for a NUL and a ';' in lines of up to 20 bytes, against the byte by byte answer.
    for len in 0..20 {
        for nul in 0..=len {
            for semi in 0..=len {
                let mut b = vec![b'x'; len];
                if semi < len {
                    b[semi] = b';';
                }
                if nul < len {
                    b[nul] = 0;
                }
                let end = b.iter().position(|&c| c == 0).unwrap_or(len);
                let want = (end, b[..end].contains(&b';'));
                assert_eq!(lines::strlen_and_semicolon(&b), want, "{b:?}");
            }
        }
    }
}
