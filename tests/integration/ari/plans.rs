//! Issue 14: over ARI, `diff` and `apply --dry-run` compare in one pass, as on the embedded
//! engine: the file read as it goes, each change rendered as it comes. What they print is
//! what the previous pjsipctl, which read the whole file and collected the plan first,
//! printed against the same target: fixtures/plans/ari-* (stdout; stderr in `.err`; the test's
//! folder written `DIR`, the target's URL `URL`), written by that binary (main at a212125) with this test.

use super::{run_cmd, Serve, PASSWORD, USER};
use crate::common::{fixtures, Env};

#[test]
fn plans_over_ari_are_byte_identical_to_the_collected_ones() {
    let env = Env::new();
    let serve = Serve::start();
    // The database of streaming.rs (in serve's astdb): among others an endpoint serve lists
    // but cannot read, which --prune cannot delete.
    crate::streaming::fill(&serve.env);
    let dir = fixtures().join("plans");
    let conf = env.dir.path().join("next.conf");
    std::fs::copy(dir.join("ari-next.conf"), &conf).unwrap();
    // A password file others can read: opening the target warns, after the file's notes.
    let pw = env.dir.path().join("password");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let (url, here) = (serve.url(), env.dir.path().display().to_string());
    let f = conf.to_str().unwrap();
    // The astdb fixtures' comparisons, then some only these fixtures pin.
    let more: [(&str, &[&str], i32); 3] = [
        (
            "dry-run-prune.txt",
            &["apply", "--dry-run", "--prune", "--accept-loss"],
            0,
        ),
        // Refused (set_var): the one pass hands over, and the collected run refuses.
        ("diff-refused.txt", &["diff", "--prune"], 4),
        (
            "dry-run-refused.json",
            &["apply", "--dry-run", "-o", "json"],
            4,
        ),
    ];
    let cases = crate::streaming::PLAN_CASES.iter().chain(&more);
    for jobs in ["1", "8"] {
        for &(name, args, exit) in cases.clone() {
            let mut args = args.to_vec();
            let at = args
                .iter()
                .position(|a| ["diff", "apply"].contains(a))
                .unwrap();
            args.splice(at + 1..at + 1, ["--jobs", jobs]);
            args.push(f);
            let mut c = env.cmd();
            c.args([
                "--ari",
                &url,
                "--user",
                USER,
                "--password-file",
                pw.to_str().unwrap(),
            ]);
            let (code, out, err) = run_cmd(c, &args);
            let norm = |s: &str| s.replace(&url, "URL").replace(&here, "DIR");
            let (out, err) = (norm(&out), norm(&err));
            assert_eq!(code, exit, "{args:?}: {err}");
            let want =
                |ext: &str| std::fs::read_to_string(dir.join(format!("ari-{name}{ext}"))).unwrap();
            assert!(
                out == want(""),
                "{args:?}: stdout differs from ari-{name}:\n{out}"
            );
            assert!(
                err == want(".err"),
                "{args:?}: stderr differs from ari-{name}.err:\n{err}"
            );
        }
    }
}
