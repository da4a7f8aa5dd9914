//! Objects read before their turn to be printed (over ARI, endpoints read for what they
//! reference before the auths and aors are listed), kept on disk until then so that memory
//! does not grow with their number.

use std::io::{BufRead, BufReader, BufWriter, Seek, Write};

use crate::backend::Listed;
use crate::error::{Error, Result};
use crate::model::Attr;

pub struct Spool {
    file: BufWriter<std::fs::File>,
    pub len: usize,
}

#[derive(serde::Serialize)]
struct Out<'a> {
    id: &'a str,
    object: std::result::Result<Vec<(&'a str, &'a str)>, &'a str>,
}

#[derive(serde::Deserialize)]
struct In {
    id: String,
    object: std::result::Result<Vec<(String, String)>, String>,
}

fn spool_err(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::storage("cannot spool the objects read ahead to a temporary file").because(e)
}

impl Spool {
    pub fn new() -> Result<Spool> {
        Ok(Spool {
            file: BufWriter::new(tempfile::tempfile().map_err(spool_err)?),
            len: 0,
        })
    }

    pub fn push(&mut self, l: &Listed) -> Result<()> {
        let line = Out {
            id: &l.id,
            object: match &l.object {
                Ok(set) => Ok(set
                    .iter()
                    .map(|a| (a.attribute.as_str(), a.value.as_str()))
                    .collect()),
                Err(why) => Err(why.as_str()),
            },
        };
        serde_json::to_writer(&mut self.file, &line).map_err(spool_err)?;
        self.file.write_all(b"\n").map_err(spool_err)?;
        self.len += 1;
        Ok(())
    }

    /// Each object in the order it was pushed.
    pub fn replay(self, f: &mut dyn FnMut(Listed) -> Result<()>) -> Result<()> {
        let mut file = self
            .file
            .into_inner()
            .map_err(|e| spool_err(e.into_error()))?;
        file.rewind().map_err(spool_err)?;
        for line in BufReader::new(file).lines() {
            let l: In = serde_json::from_str(&line.map_err(spool_err)?).map_err(spool_err)?;
            f(Listed {
                id: l.id,
                object: l
                    .object
                    .map(|set| set.into_iter().map(|(a, v)| Attr::new(a, v)).collect()),
            })?;
        }
        Ok(())
    }
}
