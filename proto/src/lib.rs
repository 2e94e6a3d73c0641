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

    /// Clients of every service over `channel`.
    pub fn new(channel: tonic::transport::Channel) -> Self {
        Self {
            node: v1::node_client::NodeClient::new(channel.clone()),
            chain: v1::chain_client::ChainClient::new(channel.clone()),
            bridge: v1::bridge_client::BridgeClient::new(channel.clone()),
            children: v1::children_client::ChildrenClient::new(channel),
        }
    }
}
