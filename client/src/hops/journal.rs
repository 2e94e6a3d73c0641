//! What a multi-hop transfer has done so far.

use crate::error::{Error, Result};
use crate::keys::{read, write, FileError};
use crate::util::parse_utxo;
use plasma_ledger::UtxoPos;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What a multi-hop transfer has done so far, kept in a file (or only in memory).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    /// The transfer this journal belongs to (a resume must ask for the same one).
    pub transfer: String,
    /// Steps taken: name → value (a nonce, a transaction hash, an output position, …).
    pub steps: BTreeMap<String, String>,
    #[serde(skip)]
    path: Option<PathBuf>,
}

impl Journal {
    /// The journal at `path` for `transfer`: resumed if the file holds the same transfer,
    /// new if there is no file; an error if the file holds another one.
    pub fn open(path: Option<PathBuf>, transfer: String) -> Result<Self> {
        let Some(p) = path else { return Ok(Self { transfer, ..Default::default() }) };
        if !p.exists() {
            return Ok(Self { transfer, steps: BTreeMap::new(), path: Some(p) });
        }
        let mut j: Journal =
            serde_json::from_str(&read(&p)?).map_err(|e| FileError::invalid(&p, e))?;
        if j.transfer != transfer {
            return Err(Error::OtherTransfer { file: p, recorded: j.transfer });
        }
        j.path = Some(p);
        Ok(j)
    }

    /// The value recorded for `step`.
    pub(crate) fn get(&self, step: &str) -> Option<&String> {
        self.steps.get(step)
    }

    /// The output position recorded for `step`.
    pub(crate) fn position(&self, step: &str) -> Result<Option<UtxoPos>> {
        Ok(self.get(step).map(|p| parse_utxo(p)).transpose()?)
    }

    /// The set of positions recorded for `step` (empty if none).
    pub(crate) fn positions(&self, step: &str) -> BTreeSet<String> {
        let listed = self.get(step).map(|t| t.split(',').filter(|s| !s.is_empty()));
        listed.into_iter().flatten().map(str::to_string).collect()
    }

    /// Records `value` for `step`, and saves the journal if it has a file.
    pub(crate) fn record(&mut self, step: &str, value: impl ToString) -> Result<()> {
        self.steps.insert(step.to_string(), value.to_string());
        if let Some(p) = &self.path {
            let text = serde_json::to_string_pretty(self).map_err(|e| FileError::invalid(p, e))?;
            write(p, &text)?;
        }
        Ok(())
    }

    /// Records a set of positions for `step`.
    pub(crate) fn record_positions(&mut self, step: &str, set: &BTreeSet<String>) -> Result<()> {
        self.record(step, set.iter().cloned().collect::<Vec<_>>().join(","))
    }
}
