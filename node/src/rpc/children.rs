//! `plasma.v1.Children`: the children this chain hosts — registry, escrow, checkpoints and
//! open exits, as its committed state holds them.

use super::{amount, bad, internal, locked, RpcState};
use crate::store::StoreError;
use alloy_sol_types::SolValue;
use plasma_ledger::children::latest_cancellation;
use plasma_proto::v1 as pb;
use plasma_proto::v1::children_server::Children;
use tonic::{Request, Response, Status};

fn not_a_child(chain: u64) -> Status {
    Status::not_found(format!("chain {chain} is not a child of this chain"))
}

#[tonic::async_trait]
impl Children for RpcState {
    async fn list_children(
        &self,
        _: Request<pb::ListChildrenRequest>,
    ) -> Result<Response<pb::ListChildrenResponse>, Status> {
        let children = self
            .app
            .with_store(|s| -> Result<Vec<pb::ChildSummary>, StoreError> {
                let mut out = Vec::new();
                for chain in s.children()? {
                    let Some(record) = s.child(chain)? else { continue };
                    out.push(pb::ChildSummary {
                        chain_id: chain,
                        last_height: record.last_height,
                        frozen: record.frozen(),
                        escrow: s.child_escrow(chain)?.into_iter().map(locked).collect(),
                    });
                }
                Ok(out)
            })
            .map_err(internal)?;
        Ok(Response::new(pb::ListChildrenResponse { children }))
    }

    async fn get_child(
        &self,
        req: Request<pb::GetChildRequest>,
    ) -> Result<Response<pb::GetChildResponse>, Status> {
        let chain = req.into_inner().chain_id;
        let read = |s: &crate::store::Store| {
            Ok::<_, StoreError>((s.child(chain)?, s.child_escrow(chain)?, s.child_stakes(chain)?))
        };
        let (record, escrow, stakes) = self.app.with_store(read).map_err(internal)?;
        let record = record.ok_or_else(|| not_a_child(chain))?;
        Ok(Response::new(pb::GetChildResponse {
            epoch_length: record.params.epochLength,
            exit_period: record.params.exitPeriod,
            validators: record.validators().to_vec().abi_encode(),
            last_height: record.last_height,
            last_hash: record.last_hash.to_vec(),
            next_deposit_nonce: record.next_deposit_nonce,
            escrow: escrow.into_iter().map(locked).collect(),
            rollback_height: record.rollback_height,
            stakes: stakes.into_iter().map(locked).collect(),
            exit_bond: amount(record.params.exitBond),
            min_stake: amount(record.params.minStake),
            configurations: record.configurations.len() as u32,
            active_configuration: record.active,
            pending_configuration: record.pending,
            pending_validators: record
                .pending_set()
                .map(|s| s.to_vec().abi_encode())
                .unwrap_or_default(),
            registered_height: record.registered_at.height,
            registered_index: record.registered_at.index,
            stakes_height: record.stakes_ref.height,
            stakes_index: record.stakes_ref.index,
            staked: amount(record.staked),
            rollback_ref_height: record.rollback_ref.height,
            rollback_ref_index: record.rollback_ref.index,
            rollback_shown: record.rollback_shown,
        }))
    }

    async fn get_child_checkpoint(
        &self,
        req: Request<pb::GetChildCheckpointRequest>,
    ) -> Result<Response<pb::GetChildCheckpointResponse>, Status> {
        let r = req.into_inner();
        let accepted = self
            .app
            .with_store(|s| -> Result<_, StoreError> {
                Ok((s.child(r.chain_id)?.is_some(), s.child_checkpoint(r.chain_id, r.height)?))
            })
            .map_err(internal)?;
        match accepted {
            (false, _) => Err(not_a_child(r.chain_id)),
            (true, None) => Err(Status::not_found(format!(
                "no checkpoint of chain {} at height {}",
                r.chain_id, r.height
            ))),
            (true, Some((hash, at))) => Ok(Response::new(pb::GetChildCheckpointResponse {
                block_hash: hash.to_vec(),
                accepted_height: at.height,
                accepted_index: at.index,
            })),
        }
    }

    async fn child_exits(
        &self,
        req: Request<pb::ChildExitsRequest>,
    ) -> Result<Response<pb::ChildExitsResponse>, Status> {
        let chain = req.into_inner().chain_id;
        let (known, mut exits) = self
            .app
            .with_store(|s| {
                Ok::<_, StoreError>((s.child(chain)?.is_some(), s.active_child_exits(chain)?))
            })
            .map_err(internal)?;
        if !known {
            return Err(not_a_child(chain));
        }
        exits.sort_by_key(|e| {
            (e.record.exitableAt, e.record.utxoPos.blockHeight, e.record.utxoPos.txIndex)
        });
        let exits = exits
            .into_iter()
            .map(|e| {
                let r = e.record;
                pb::ChildExit {
                    exit_id: r.exitId.to_vec(),
                    height: r.utxoPos.blockHeight,
                    tx_index: r.utxoPos.txIndex,
                    output_index: r.utxoPos.outputIndex.into(),
                    owner: r.owner.to_vec(),
                    token: r.token.to_vec(),
                    amount: amount(r.amount),
                    exitable_at: r.exitableAt,
                }
            })
            .collect();
        Ok(Response::new(pb::ChildExitsResponse { exits }))
    }

    async fn get_exit_cancellation(
        &self,
        req: Request<pb::GetExitCancellationRequest>,
    ) -> Result<Response<pb::GetExitCancellationResponse>, Status> {
        let req = req.into_inner();
        let chain = req.chain_id;
        let exit_id: [u8; 32] = req.exit_id.as_slice().try_into().map_err(|_| {
            bad("exit_id", format!("{} bytes, an exit id is 32", req.exit_id.len()))
        })?;
        let exit_id = plasma_ledger::B256::from(exit_id);
        let (known, exit) = self
            .app
            .with_store(|s| {
                Ok::<_, StoreError>((s.child(chain)?.is_some(), s.child_exit(chain, &exit_id)?))
            })
            .map_err(internal)?;
        if !known {
            return Err(not_a_child(chain));
        }
        let latest = latest_cancellation(exit.as_ref()).ok_or_else(|| {
            Status::failed_precondition(format!(
                "exit {exit_id} of chain {chain} is queued, paid or challenged: it may not start again"
            ))
        })?;
        Ok(Response::new(pb::GetExitCancellationResponse {
            height: latest.height,
            index: latest.index,
        }))
    }
}
