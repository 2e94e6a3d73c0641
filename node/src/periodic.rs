//! Periodic tasks against a parent: one round every poll, forever, with quiet retries.

use tracing::{info, warn};

/// The log discipline of a periodic task: the first failure of a run of failures is logged
/// (the ones after it stay quiet), and so is the recovery.
#[derive(Debug)]
pub struct Quiet {
    what: &'static str,
    failing: bool,
}

impl Quiet {
    /// A task whose failures read as `what` ("cannot read the parent's deposits").
    pub fn new(what: &'static str) -> Self {
        Self { what, failing: false }
    }

    /// The round's value if it succeeded; its failure logged if it is the first of a run.
    pub fn outcome<T>(&mut self, round: eyre::Result<T>) -> Option<T> {
        match round {
            Ok(value) => {
                if self.failing {
                    info!("{}: working again", self.what);
                    self.failing = false;
                }
                Some(value)
            }
            Err(e) => {
                if !self.failing {
                    warn!(error = %e, "{}; retrying", self.what);
                }
                self.failing = true;
                None
            }
        }
    }
}
