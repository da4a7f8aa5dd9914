//! A live Asterisk over ARI push configuration (not yet written: see issue 4).

use crate::backend::Backend;
use crate::cli::Global;
use crate::error::{Error, Result};
use crate::output::Out;

pub fn open(_g: &Global, _out: &Out) -> Result<Box<dyn Backend>> {
    Err(Error::usage(
        "the ARI backend is not available in this build yet",
    ))
}
