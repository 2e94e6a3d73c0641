//! Compiles `plasma/v1/*.proto` with protox (no system protoc) into tonic code and a file
//! descriptor set for server reflection.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "plasma/v1/node.proto",
        "plasma/v1/chain.proto",
        "plasma/v1/bridge.proto",
        "plasma/v1/children.proto",
    ];
    for f in files {
        println!("cargo:rerun-if-changed={f}");
    }
    let fds = protox::compile(files, ["."])?;
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("plasma_descriptor.bin"), prost::Message::encode_to_vec(&fds))?;
    tonic_build::configure().compile_fds(fds)?;
    Ok(())
}
