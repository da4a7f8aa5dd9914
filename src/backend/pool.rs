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
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let (next, failed) = (AtomicUsize::new(0), AtomicBool::new(false));
    let out: std::sync::Mutex<Vec<Option<Result<T>>>> =
        std::sync::Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for w in workers.iter_mut() {
            let (next, failed, out, f) = (&next, &failed, &out, &f);
            s.spawn(move || loop {
                if failed.load(Ordering::SeqCst) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    break;
                }
                let r = f(w.as_mut(), i);
                if r.is_err() {
                    failed.store(true, Ordering::SeqCst);
                }
                out.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    let mut out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = out.iter().position(|r| matches!(r, Some(Err(_)))) {
        if let Some(Err(e)) = out.swap_remove(i) {
            return Err(e);
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::storage("a worker stopped"))))
        .collect()
}

/// A listing, with the objects that take one GET each (ARI's endpoints) read over the
/// workers' connections at once when there are several (`--jobs`).
pub fn list_with(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    ty: &'static TypeDef,
) -> Result<(Vec<Listed>, Coverage)> {
    if workers.len() > 1 {
        if let Some(ids) = backend.listed_ids(ty)? {
            let objects = parallel(workers, ids.len(), |w, i| w.listed_object(ty, &ids[i]))?;
            let items = ids
                .into_iter()
                .zip(objects)
                .map(|(id, object)| Listed { id, object })
                .collect();
            return Ok((items, Coverage::Complete));
        }
    }
    backend.list(ty)
}
