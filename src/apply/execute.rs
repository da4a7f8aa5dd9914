//! Carry out a collected plan: in one transaction (the embedded engine, realtime tables),
//! or change by change over ARI, rank after rank with `--jobs` connections.

use crate::apply::plan::{Action, Plan};
use crate::backend::{Backend, Op, Pushed};
use crate::error::Error;

/// What became of each change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Applied,
    Failed,
    NotRun,
}

/// How the plan is carried out.
pub struct Execution<'a> {
    /// One transaction for everything (the embedded engine); else change by change.
    pub transactional: bool,
    pub keep_going: bool,
    pub progress: &'a mut dyn FnMut(usize),
    /// Over a remote target: more than one connection, one worker each (`--jobs`). The
    /// changes of one type (and direction) run side by side; the next type starts only
    /// when they are all done, so nothing is pushed before what it references.
    pub workers: Vec<Box<dyn Backend + Send>>,
}

/// Run one change's operations; `k > 0` failing means the delete of a re-create was done.
fn run_change(
    backend: &mut dyn Backend,
    ops: &[Op],
    warnings: &mut Vec<String>,
    tick: &mut dyn FnMut(),
) -> std::result::Result<(), Error> {
    for (k, op) in ops.iter().enumerate() {
        let r = match op {
            Op::Push { ty, id, fields } => backend
                .push(ty, id, fields)
                .map(|p| warnings.extend(p.warnings)),
            Op::Delete { ty, id } => backend.delete(ty, id),
        };
        tick();
        if let Err(mut e) = r {
            if k > 0 {
                e.message = format!(
                    "{} (it was deleted, but creating it again failed)",
                    e.report()
                );
            }
            return Err(e);
        }
    }
    Ok(())
}

/// The plan's changes in runs that may go side by side: same type, same direction.
fn ranks(plan: &Plan) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=plan.changes.len() {
        let brk = i == plan.changes.len() || {
            let (a, b) = (&plan.changes[i - 1], &plan.changes[i]);
            !std::ptr::eq(a.ty, b.ty)
                || (a.action == Action::Delete) != (b.action == Action::Delete)
        };
        if brk {
            out.push(start..i);
            start = i;
        }
    }
    out
}

/// [`execute`] with one worker per connection, rank after rank.
fn execute_parallel(
    plan: &Plan,
    mut ex: Execution<'_>,
) -> (Vec<Status>, Vec<String>, Vec<(usize, Error)>) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    enum Msg {
        Tick,
        Done(usize, Vec<String>, std::result::Result<(), Error>),
    }
    let n = plan.changes.len();
    let mut status = vec![Status::NotRun; n];
    let mut warnings = Vec::new();
    let mut errors: Vec<(usize, Error)> = Vec::new();
    let mut done_ops = 0;
    let keep_going = ex.keep_going;
    let mut workers = std::mem::take(&mut ex.workers);
    let all_ops: Vec<Vec<Op>> = plan.changes.iter().map(Plan::ops_of).collect();
    for range in ranks(plan) {
        let next = AtomicUsize::new(range.start);
        let stop = AtomicBool::new(false);
        let (tx, rx) = std::sync::mpsc::channel::<Msg>();
        std::thread::scope(|s| {
            for w in workers.iter_mut() {
                let tx = tx.clone();
                let (next, stop, range, all_ops) = (&next, &stop, range.clone(), &all_ops);
                s.spawn(move || loop {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= range.end {
                        break;
                    }
                    let mut warns = Vec::new();
                    let tick_tx = tx.clone();
                    let r = run_change(w.as_mut(), &all_ops[i], &mut warns, &mut || {
                        let _ = tick_tx.send(Msg::Tick);
                    });
                    if r.is_err() && !keep_going {
                        stop.store(true, Ordering::SeqCst);
                    }
                    let _ = tx.send(Msg::Done(i, warns, r));
                });
            }
            drop(tx);
            for m in rx {
                match m {
                    Msg::Tick => {
                        done_ops += 1;
                        (ex.progress)(done_ops);
                    }
                    Msg::Done(i, w, r) => {
                        warnings.extend(w);
                        match r {
                            Ok(()) => status[i] = Status::Applied,
                            Err(e) => {
                                status[i] = Status::Failed;
                                errors.push((i, e));
                            }
                        }
                    }
                }
            }
        });
        if !errors.is_empty() && !keep_going {
            break;
        }
    }
    errors.sort_by_key(|(i, _)| *i);
    (status, warnings, errors)
}

/// Carry out the plan. Returns each change's status, the warnings the target gave and
/// the first error. In a transaction an error means nothing was applied.
pub fn execute(
    backend: &mut dyn Backend,
    plan: &Plan,
    ex: Execution<'_>,
) -> (Vec<Status>, Vec<String>, Vec<(usize, Error)>) {
    let n = plan.changes.len();
    let mut warnings = Vec::new();
    if ex.transactional {
        let ops: Vec<Op> = plan.changes.iter().flat_map(Plan::ops_of).collect();
        return match backend.batch(&ops, ex.progress) {
            Ok(results) => {
                warnings.extend(
                    results
                        .into_iter()
                        .flatten()
                        .flat_map(|p: Pushed| p.warnings),
                );
                (vec![Status::Applied; n], warnings, Vec::new())
            }
            Err(e) => (vec![Status::NotRun; n], warnings, vec![(0, e)]),
        };
    }
    if ex.workers.len() > 1 {
        return execute_parallel(plan, ex);
    }
    let mut status = vec![Status::NotRun; n];
    let mut errors = Vec::new();
    let mut done_ops = 0;
    for (i, c) in plan.changes.iter().enumerate() {
        let progress = &mut *ex.progress;
        let failed = run_change(backend, &Plan::ops_of(c), &mut warnings, &mut || {
            done_ops += 1;
            progress(done_ops);
        })
        .err();
        match failed {
            None => status[i] = Status::Applied,
            Some(e) => {
                status[i] = Status::Failed;
                errors.push((i, e));
                if !ex.keep_going {
                    break;
                }
            }
        }
    }
    (status, warnings, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::plan::{Action, Change};
    use crate::backend::{Coverage, Listed};
    use crate::engine;
    use crate::error::Result;
    use crate::model::{Attr, Objectset};
    use crate::schema::{find_type, TypeDef};

    /// A target that answers pushes from the engine, lists nothing, and fails on one id.
    struct Fake {
        log: Vec<String>,
        fail_on: &'static str,
    }

    impl Backend for Fake {
        fn describe(&self) -> String {
            "fake".into()
        }
        fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
            Err(Error::not_found(format!("{} {id}", ty.name)))
        }
        fn push(&mut self, ty: &'static TypeDef, id: &str, fields: &[Attr]) -> Result<Pushed> {
            if id == self.fail_on {
                return Err(Error::refused(format!("{} {id}: refused", ty.name)));
            }
            self.log.push(format!("push {} {id}", ty.name));
            let b =
                engine::build(ty, id, None, fields).map_err(|e| Error::invalid(e.to_string()))?;
            Ok(Pushed {
                objectset: b.object.objectset(),
                created: true,
                unchanged: false,
                warnings: Vec::new(),
            })
        }
        fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
            self.log.push(format!("delete {} {id}", ty.name));
            Ok(())
        }
        fn list(&mut self, _: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
            Ok((Vec::new(), Coverage::Unavailable("cannot list".into())))
        }
    }

    fn change(action: Action, id: &str) -> Change {
        Change {
            action,
            ty: find_type("aor").unwrap(),
            id: id.into(),
            origin: None,
            before: None,
            after: None,
            fields: vec![Attr::new("max_contacts", "1")],
            note: None,
        }
    }

    fn run(keep_going: bool, recreate_b: bool) -> (Vec<Status>, Vec<String>, Vec<(usize, Error)>) {
        let plan = Plan {
            changes: vec![
                change(Action::Create, "a"),
                change(
                    if recreate_b {
                        Action::Recreate
                    } else {
                        Action::Update
                    },
                    "b",
                ),
                change(Action::Create, "c"),
            ],
            ..Plan::default()
        };
        let mut fake = Fake {
            log: Vec::new(),
            fail_on: "b",
        };
        let mut ticks = 0;
        let mut tick = |n: usize| ticks = n;
        let ex = Execution {
            transactional: false,
            keep_going,
            progress: &mut tick,
            workers: Vec::new(),
        };
        let (st, _, errs) = execute(&mut fake, &plan, ex);
        (st, fake.log, errs)
    }

    #[test]
    fn generic_path_stops_at_the_first_failure() {
        let (st, log, errs) = run(false, false);
        assert_eq!(st, [Status::Applied, Status::Failed, Status::NotRun]);
        assert_eq!(log, ["push aor a"]);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 1);
    }

    #[test]
    fn keep_going_runs_the_rest() {
        let (st, log, errs) = run(true, false);
        assert_eq!(st, [Status::Applied, Status::Failed, Status::Applied]);
        assert_eq!(log, ["push aor a", "push aor c"]);
        assert_eq!(errs.len(), 1);
    }

    /// A worker of `--jobs`: pushes into a log shared by all workers, fails on one id.
    struct Shared {
        log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
        fail_on: &'static str,
    }

    impl Backend for Shared {
        fn describe(&self) -> String {
            "shared".into()
        }
        fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
            Err(Error::not_found(format!("{} {id}", ty.name)))
        }
        fn push(&mut self, ty: &'static TypeDef, id: &str, _: &[Attr]) -> Result<Pushed> {
            if id == self.fail_on {
                return Err(Error::refused(format!("{} {id}: refused", ty.name)));
            }
            self.log.lock().unwrap().push(format!("{} {id}", ty.name));
            Ok(Pushed {
                objectset: Vec::new(),
                created: true,
                unchanged: false,
                warnings: Vec::new(),
            })
        }
        fn delete(&mut self, _: &'static TypeDef, _: &str) -> Result<()> {
            Ok(())
        }
        fn list(&mut self, _: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
            Ok((Vec::new(), Coverage::Unavailable("no".into())))
        }
    }

    fn run_jobs(keep_going: bool, fail_on: &'static str) -> (Vec<Status>, Vec<String>, usize) {
        let ty = |n| find_type(n).unwrap();
        let mut changes = Vec::new();
        for t in ["auth", "aor", "endpoint"] {
            for i in 0..20 {
                let mut c = change(Action::Create, &format!("{t}{i}"));
                c.ty = ty(t);
                changes.push(c);
            }
        }
        let plan = Plan {
            changes,
            ..Plan::default()
        };
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let workers: Vec<Box<dyn Backend + Send>> = (0..4)
            .map(|_| {
                Box::new(Shared {
                    log: log.clone(),
                    fail_on,
                }) as Box<dyn Backend + Send>
            })
            .collect();
        let mut fake = Fake {
            log: Vec::new(),
            fail_on,
        };
        let mut ticks = 0;
        let mut tick = |n: usize| ticks = n;
        let (st, _, errs) = execute(
            &mut fake,
            &plan,
            Execution {
                transactional: false,
                keep_going,
                progress: &mut tick,
                workers,
            },
        );
        assert!(fake.log.is_empty(), "the main connection pushed");
        let log = log.lock().unwrap().clone();
        assert_eq!(ticks, log.len() + errs.len());
        (st, log, errs.len())
    }

    #[test]
    fn jobs_finish_each_type_before_the_next() {
        let (st, log, errs) = run_jobs(false, "none");
        assert_eq!(errs, 0);
        assert!(st.iter().all(|s| *s == Status::Applied));
        let rank = |l: &String| {
            ["auth", "aor", "endpoint"]
                .iter()
                .position(|t| l.starts_with(&format!("{t} ")))
                .unwrap()
        };
        assert!(
            log.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
            "{log:?}"
        );
        assert_eq!(log.len(), 60);
    }

    #[test]
    fn jobs_stop_after_a_failed_type_unless_keep_going() {
        let (st, log, errs) = run_jobs(false, "aor5");
        assert_eq!(errs, 1);
        assert_eq!(st[25], Status::Failed);
        assert!(
            st[40..].iter().all(|s| *s == Status::NotRun),
            "no endpoint after a failed aor"
        );
        assert!(!log.iter().any(|l| l.starts_with("endpoint")));
        // What is reported applied is exactly what was pushed.
        let applied = st.iter().filter(|s| **s == Status::Applied).count();
        assert_eq!(applied, log.len());
        let (st, log, errs) = run_jobs(true, "aor5");
        assert_eq!(errs, 1);
        assert_eq!(log.len(), 59);
        assert_eq!(st.iter().filter(|s| **s == Status::Applied).count(), 59);
    }

    #[test]
    fn a_half_done_recreate_says_so() {
        let (st, log, errs) = run(false, true);
        assert_eq!(st[1], Status::Failed);
        assert_eq!(log, ["push aor a", "delete aor b"]);
        assert!(errs[0]
            .1
            .message
            .contains("it was deleted, but creating it again failed"));
    }
}
