//! The gRPC contract of queuecall, generated from `queuecall/v1/*.proto`.

/// Package `queuecall.v1`.
pub mod v1 {
    #![allow(clippy::all, clippy::pedantic, missing_docs)]
    tonic::include_proto!("queuecall.v1");
}

/// Encoded `FileDescriptorSet` of every queuecall proto, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/queuecall_descriptor.bin"));
