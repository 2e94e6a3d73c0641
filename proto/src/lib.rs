//! The node's gRPC API, generated from `plasma/v1/*.proto`.

#![allow(missing_docs, unreachable_pub, clippy::all)] // generated code

/// `package plasma.v1`.
pub mod v1 {
    tonic::include_proto!("plasma.v1");
}

/// The encoded file descriptor set, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/plasma_descriptor.bin"));

/// One connection to a node, with a client for each of its services.
#[derive(Debug, Clone)]
pub struct Client {
    /// `plasma.v1.Node`: status, peers, validator sets, admin.
    pub node: v1::node_client::NodeClient<tonic::transport::Channel>,
    /// `plasma.v1.Chain`: blocks, transactions, outputs, submission.
    pub chain: v1::chain_client::ChainClient<tonic::transport::Channel>,
    /// `plasma.v1.Bridge`: the parent's record of the chain, exits, alerts.
    pub bridge: v1::bridge_client::BridgeClient<tonic::transport::Channel>,
    /// `plasma.v1.Children`: the children the chain hosts.
    pub children: v1::children_client::ChildrenClient<tonic::transport::Channel>,
}

impl Client {
    /// Connects to the node's API at `url` (`http://host:port`).
    pub async fn connect(url: impl Into<String>) -> Result<Self, tonic::transport::Error> {
        let channel = tonic::transport::Endpoint::from_shared(url.into())?.connect().await?;
        Ok(Self::new(channel))
    }

    /// Connects to the node's API at `url`, giving it `timeout` to connect and to answer each
    /// call: a node that accepts and never answers fails the call instead of holding its caller.
    pub async fn connect_bounded(
        url: impl Into<String>,
        timeout: std::time::Duration,
    ) -> Result<Self, tonic::transport::Error> {
        let endpoint = tonic::transport::Endpoint::from_shared(url.into())?;
        let channel = endpoint.connect_timeout(timeout).timeout(timeout).connect().await?;
        Ok(Self::new(channel))
    }

    /// Connects to the node's API at `url` once it answers, trying every 100 ms for at most
    /// `within` (a node just started takes a moment to listen); the last error after that.
    pub async fn connect_within(
        url: impl Into<String>,
        within: std::time::Duration,
    ) -> Result<Self, tonic::transport::Error> {
        let url = url.into();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match Self::connect(url.clone()).await {
                Ok(client) => return Ok(client),
                Err(e) if tokio::time::Instant::now() >= deadline => return Err(e),
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
    }

    /// Clients of every service over `channel`.
    pub fn new(channel: tonic::transport::Channel) -> Self {
        Self {
            node: v1::node_client::NodeClient::new(channel.clone()),
            chain: v1::chain_client::ChainClient::new(channel.clone()),
            bridge: v1::bridge_client::BridgeClient::new(channel.clone()),
            children: v1::children_client::ChildrenClient::new(channel),
        }
    }

    /// Waits until the node has committed block `height`, asking its status every 100 ms;
    /// returns the node's height. An error in between counts as "not yet" (the node may be
    /// restarting); after `timeout`, `DeadlineExceeded` says how far it got.
    pub async fn wait_height(
        &mut self,
        height: u64,
        timeout: std::time::Duration,
    ) -> Result<u64, tonic::Status> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let last = match self.node.status(v1::StatusRequest {}).await {
                Ok(s) if s.get_ref().height >= height => return Ok(s.into_inner().height),
                Ok(s) => format!("it is at {}", s.into_inner().height),
                Err(e) => e.message().to_string(),
            };
            if tokio::time::Instant::now() >= deadline {
                return Err(tonic::Status::deadline_exceeded(format!(
                    "the node did not reach block {height} within {timeout:?}: {last}"
                )));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}
