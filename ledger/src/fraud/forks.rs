//! Forks, and who a fraud proof takes the stake of.
//!
//! A proof of an invalid block convicts the validators who certified its anchor: an honest
//! validator checks every block before it precommits and certifies only its own decided chain,
//! so it never signs a history holding an invalid block.
//!
//! A fork — two blocks certified for one height — is different. Under Tendermint's locking
//! rules an honest validator precommits at most one block per round, but it may precommit
//! block A in round r and block B in a later round r' of the same height: once it sees more
//! than two thirds prevote B in r', it precommits B whatever it locked on before. So when a
//! faulty third splits the honest validators across rounds (amnesia), two certificates of one
//! height, from different rounds, may both carry an honest validator's signature. Telling the
//! amnesiac from the honest takes the prevotes that justified each precommit, which a
//! certificate does not carry. Likewise an honest validator that precommitted B in some round
//! and then saw A decided follows A, and signs every later block whose history holds A: the
//! certificate of B and a checkpoint over a history holding A (a history equivocation), or two
//! checkpoints over histories that disagree below them (conflicting checkpoints), may share
//! honest signers.
//!
//! Hence the rule, which never reaches an honest validator: two precommits for different
//! blocks at one height *and round* are equivocation, and whoever signed both certificates
//! loses its stake (quorum intersection puts over a third of the power there). Every other
//! fork still freezes the chain and rolls it back to the height where its sides part — exits
//! stay safe — but takes no stake: the proof shows that more than a third is faulty, not who.

use super::{FraudError, FraudKind, FraudVerdict};
use crate::certificate::{ValidatorSet, VoteDomain};
use crate::types::{CommitCertificate, FraudKind as SolFraudKind};

/// Equivocation: two valid certificates for different blocks at one height, both in the
/// chain's vote domain `domain` (what its validators signed on another chain or deployment is
/// no equivocation here). The chain rolls
/// back to that height. Of the same round, everyone who signed both is a culprit; of different
/// rounds, nobody is (see the [module](self) on why an honest validator may sign both). No
/// chain has a block at height 0: certificates there prove nothing (a verdict of 0 would set a
/// rollback to nothing, unfreezing the chain).
pub fn verify_equivocation(
    set: &ValidatorSet,
    domain: &VoteDomain,
    a: &CommitCertificate,
    b: &CommitCertificate,
) -> Result<FraudVerdict, FraudError> {
    if a.height == 0 || a.height != b.height || a.blockHash == b.blockHash {
        return Err(FraudError::NotConflicting);
    }
    set.verify_certificate(domain, a)?;
    set.verify_certificate(domain, b)?;
    let culprits = signed_both_in_one_round(set, a, b)?;
    Ok(FraudVerdict { kind: FraudKind::Equivocation, height: a.height, culprits })
}

/// Indexes in `set` of the validators who signed both `a` and `b` when the two are of one
/// round; none when they are of different rounds. The certificates are not verified here.
pub fn signed_both_in_one_round(
    set: &ValidatorSet,
    a: &CommitCertificate,
    b: &CommitCertificate,
) -> Result<Vec<usize>, FraudError> {
    let (signed_a, signed_b) = (set.signers(&a.signerBitmap)?, set.signers(&b.signerBitmap)?);
    if a.round != b.round {
        return Ok(Vec::new());
    }
    Ok(signed_a.into_iter().filter(|i| signed_b.contains(i)).collect())
}

/// Whether a proof of `kind` (`FraudProof.kind`) takes the stake of who certified its anchor:
/// every kind but the forks (equivocation, which convicts by its two certificates, conflicting
/// checkpoints and history equivocation, which convict nobody: see the [module](self)).
pub fn convicts_anchor(kind: u8) -> bool {
    let forks = [
        SolFraudKind::Equivocation,
        SolFraudKind::ConflictingCheckpoints,
        SolFraudKind::HistoryEquivocation,
    ];
    !forks.iter().any(|k| *k as u8 == kind)
}

/// Indexes in `set` of the validators a proven fraud of `kind` takes the stake of, given its
/// verdict and who signed its anchor (`anchor_signers`).
pub fn convicted(kind: u8, verdict: &FraudVerdict, anchor_signers: &[usize]) -> Vec<usize> {
    match verdict.kind {
        FraudKind::Equivocation => verdict.culprits.clone(),
        _ if convicts_anchor(kind) => anchor_signers.to_vec(),
        _ => Vec::new(),
    }
}
