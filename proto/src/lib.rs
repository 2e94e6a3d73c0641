//! The node's gRPC API, generated from `plasma/v1/*.proto`.

#![allow(missing_docs, unreachable_pub, clippy::all)] // generated code

/// `package plasma.v1`.
pub mod v1 {
    tonic::include_proto!("plasma.v1");
}

/// The encoded file descriptor set, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/plasma_descriptor.bin"));
