//! `plasma.v1.Node`: what the node is, its peers and validator sets, its settings.

use super::{bad, RpcState};
use plasma_proto::v1 as pb;
use plasma_proto::v1::node_server::Node;
use tonic::{Request, Response, Status};

fn validators(set: &plasma_ledger::certificate::ValidatorSet) -> Vec<pb::Validator> {
    set.validators()
        .iter()
        .map(|v| pb::Validator {
            operator: v.operator.to_vec(),
            bls_pubkey: v.blsPubkey.to_vec(),
            power: v.power,
        })
        .collect()
}

#[tonic::async_trait]
impl Node for RpcState {
    async fn status(
        &self,
        _: Request<pb::StatusRequest>,
    ) -> Result<Response<pb::StatusResponse>, Status> {
        let (height, hash, time) = self.app.with_store(|s| {
            let head = s.head().clone();
            let time = s.block(head.height).ok().flatten().map_or(0, |b| b.header.timestamp);
            (head.height, head.hash, time)
        });
        let domain = self.app.domain();
        let set = self.validators.at(height + 1);
        let peers = self.peers.read().map_or(0, |p| p.len() as u32);
        Ok(Response::new(pb::StatusResponse {
            chain_id: domain.chain_id,
            root_chain_id: domain.root_chain_id,
            root_contract: domain.root_contract.to_vec(),
            parent_chain_ids: domain.parents().to_vec(),
            height,
            last_block_hash: hash.to_vec(),
            last_block_time: time,
            peers,
            validators: validators(set.ledger()),
            validator_set_hash: set.ledger().hash().to_vec(),
            role: if set.index_of(&self.address).is_some() { "validator" } else { "full" }.into(),
            moniker: self.moniker.clone(),
            mempool_size: self.mempool.len() as u32,
        }))
    }

    async fn peers(
        &self,
        _: Request<pb::PeersRequest>,
    ) -> Result<Response<pb::PeersResponse>, Status> {
        let peers = self.peers.read().map(|p| p.clone()).unwrap_or_default();
        Ok(Response::new(pb::PeersResponse { peers }))
    }

    async fn validator_set(
        &self,
        req: Request<pb::ValidatorSetRequest>,
    ) -> Result<Response<pb::ValidatorSetResponse>, Status> {
        let next = self.app.with_store(|s| s.head().height) + 1;
        let height = match req.into_inner().height {
            0 => next,
            h if h > next => {
                return Err(bad("height", format!("{h} is beyond the next block ({next})")))
            }
            h => h,
        };
        let set = self.validators.at(height);
        let set = set.ledger();
        Ok(Response::new(pb::ValidatorSetResponse {
            height,
            validators: validators(set),
            validator_set_hash: set.hash().to_vec(),
            total_power: u64::try_from(set.total_power()).unwrap_or(u64::MAX),
        }))
    }

    async fn config(
        &self,
        req: Request<pb::ConfigRequest>,
    ) -> Result<Response<pb::ConfigResponse>, Status> {
        self.authorize(&req)?;
        Ok(Response::new(pb::ConfigResponse { toml: self.config_toml.clone() }))
    }

    async fn set_log_level(
        &self,
        req: Request<pb::SetLogLevelRequest>,
    ) -> Result<Response<pb::SetLogLevelResponse>, Status> {
        self.authorize(&req)?;
        let filter = req.into_inner().filter;
        let log = self
            .log
            .as_ref()
            .ok_or_else(|| Status::unimplemented("this process does not own its log filter"))?;
        let previous = log(&filter).map_err(|e| bad("filter", e))?;
        tracing::info!(%filter, %previous, "log filter replaced");
        Ok(Response::new(pb::SetLogLevelResponse { previous }))
    }

    async fn shutdown(
        &self,
        req: Request<pb::ShutdownRequest>,
    ) -> Result<Response<pb::ShutdownResponse>, Status> {
        self.authorize(&req)?;
        // Stop once this answer had time to leave: stopping at once can cut the connection
        // before the caller learns that its request was accepted.
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            shutdown.notify_one();
        });
        Ok(Response::new(pb::ShutdownResponse {}))
    }
}
