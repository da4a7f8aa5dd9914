//! Reads spread over the `--jobs` connections to a remote target.

use crate::backend::{Backend, Coverage, Listed};
use crate::error::{Error, Result};
use crate::model::Objectset;
use crate::schema::TypeDef;

/// GET each (type, id) over the workers' connections at once; the answers in input order.
pub fn get_parallel(
    workers: &mut [Box<dyn Backend + Send>],
    need: &[(&'static TypeDef, String)],
) -> Vec<Result<Objectset>> {
    parallel(workers, need.len(), |w, i| Ok(w.get(need[i].0, &need[i].1)))
        .expect("a GET's failure is its answer")
}

/// `f(worker, i)` for every i below `n`, spread over the workers' connections (one thread
/// each); the answers in input order. After a failure no worker starts another item, and
/// the failure of the lowest item is returned.
pub fn parallel<T: Send>(
    workers: &mut [Box<dyn Backend + Send>],
    n: usize,
    f: impl Fn(&mut dyn Backend, usize) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let mut out = spread(workers, 0..n, &f);
    if let Some(i) = out.iter().position(|r| matches!(r, Some(Err(_)))) {
        if let Some(Err(e)) = out.swap_remove(i) {
            return Err(e);
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::storage("a worker stopped"))))
        .collect()
}

/// Items a chunked read holds at once: enough to keep every connection busy between the
/// chunks' hand-overs, few enough that memory stays flat whatever the count.
pub const CHUNK: usize = 256;

/// `f(worker, i)` for every i below `n`, handed to `each` in input order as they come:
/// over the workers' connections (one thread each for the whole read, at most [`CHUNK`]
/// answers ahead of the one handed over), or one after the other on `backend` when there
/// are no workers. A failure ends it as one connection would: the items before it are
/// handed over, then it is returned.
pub fn each_chunk<T: Send>(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    n: usize,
    f: impl Fn(&mut dyn Backend, usize) -> Result<T> + Sync,
    each: &mut dyn FnMut(usize, T) -> Result<()>,
) -> Result<()> {
    use std::collections::VecDeque;
    use std::sync::{Condvar, Mutex};
    if workers.len() <= 1 {
        for i in 0..n {
            each(i, f(backend, i)?)?;
        }
        return Ok(());
    }
    /// The answers not handed over yet (from index `base`), and the next index to take.
    struct State<T> {
        base: usize,
        next: usize,
        ready: VecDeque<Option<Result<T>>>,
        /// A failure was answered, or the hand-over stopped: no item is started.
        stop: bool,
        /// A worker panicked: its answer never comes (the panic is raised when it is joined).
        lost: bool,
    }
    let state = Mutex::new(State {
        base: 0,
        next: 0,
        ready: VecDeque::new(),
        stop: false,
        lost: false,
    });
    /// Says a worker's panic to the hand-over, which would otherwise wait for its answer.
    struct Lost<'a, F: Fn()>(&'a F);
    impl<F: Fn()> Drop for Lost<'_, F> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                (self.0)();
            }
        }
    }
    let moved = Condvar::new();
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|s| {
        for w in workers.iter_mut() {
            let (f, moved, lock) = (&f, &moved, &lock);
            s.spawn(move || {
                let lose = || {
                    let mut st = lock();
                    (st.stop, st.lost) = (true, true);
                    moved.notify_all();
                };
                let _lost = Lost(&lose);
                loop {
                    let i = {
                        let mut st = lock();
                        while !st.stop && st.next < n && st.next >= st.base + CHUNK {
                            st = moved.wait(st).unwrap_or_else(|e| e.into_inner());
                        }
                        if st.stop || st.next >= n {
                            break;
                        }
                        st.next += 1;
                        st.ready.push_back(None);
                        st.next - 1
                    };
                    // Indices are taken in increasing order and a started item is finished, so
                    // every answer before the lowest failure comes.
                    let r = f(w.as_mut(), i);
                    let mut st = lock();
                    st.stop |= r.is_err();
                    let at = i - st.base;
                    st.ready[at] = Some(r);
                    moved.notify_all();
                }
            });
        }
        let handed = (|| {
            for i in 0..n {
                let r = {
                    let mut st = lock();
                    loop {
                        if let Some(Some(_)) = st.ready.front() {
                            break;
                        }
                        if st.lost || (st.stop && st.next <= i) {
                            return Err(Error::storage("a worker stopped"));
                        }
                        st = moved.wait(st).unwrap_or_else(|e| e.into_inner());
                    }
                    let r = st.ready.pop_front().flatten().expect("an answer");
                    st.base += 1;
                    moved.notify_all();
                    r
                };
                each(i, r?)?;
            }
            Ok(())
        })();
        if handed.is_err() {
            lock().stop = true;
            moved.notify_all();
        }
        handed
    })
}

/// `f` over the items of `range`, one thread per worker; each item's answer, `None` for
/// those not started after a failure.
fn spread<T: Send>(
    workers: &mut [Box<dyn Backend + Send>],
    range: std::ops::Range<usize>,
    f: &(impl Fn(&mut dyn Backend, usize) -> Result<T> + Sync),
) -> Vec<Option<Result<T>>> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let (next, failed) = (AtomicUsize::new(range.start), AtomicBool::new(false));
    let out: std::sync::Mutex<Vec<Option<Result<T>>>> =
        std::sync::Mutex::new(range.clone().map(|_| None).collect());
    std::thread::scope(|s| {
        for w in workers.iter_mut() {
            let (next, failed, out, range) = (&next, &failed, &out, &range);
            s.spawn(move || loop {
                if failed.load(Ordering::SeqCst) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= range.end {
                    break;
                }
                let r = f(w.as_mut(), i);
                if r.is_err() {
                    failed.store(true, Ordering::SeqCst);
                }
                out.lock().unwrap_or_else(|e| e.into_inner())[i - range.start] = Some(r);
            });
        }
    });
    out.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// A listing handed over one object at a time, in id order: the objects that take one GET
/// each (ARI's endpoints) read [`CHUNK`] at a time over the workers' connections when there
/// are several (`--jobs`), so only one chunk is held.
pub fn each_listed(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    ty: &'static TypeDef,
    f: &mut dyn FnMut(Listed) -> Result<()>,
) -> Result<Coverage> {
    match backend.listed_ids(ty)? {
        Some(ids) => {
            each_chunk(
                backend,
                workers,
                ids.len(),
                |w, i| w.listed_object(ty, &ids[i]),
                &mut |i, object| {
                    f(Listed {
                        id: ids[i].clone(),
                        object,
                    })
                },
            )?;
            Ok(Coverage::Complete)
        }
        None => backend.each(ty, f),
    }
}
