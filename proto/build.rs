//! Compiles `queuecall/v1/*.proto` with the pure-Rust `protox` compiler (no `protoc` needed)
//! and writes the file descriptor set used by gRPC reflection.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "queuecall/v1/queue.proto",
        "queuecall/v1/display.proto",
        "queuecall/v1/appointment.proto",
        "queuecall/v1/admin.proto",
        "queuecall/v1/history.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    let fds = protox::compile(protos, ["."])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptor_path = out_dir.join("queuecall_descriptor.bin");
    std::fs::write(&descriptor_path, prost::Message::encode_to_vec(&fds))?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
