//! rust-embed resolves `web/dist` when the crate compiles; if the folder is missing then, debug builds never
//! find it later (even after the web app is built). Creating the empty folder keeps the path resolvable.

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
    if let Err(error) = std::fs::create_dir_all(&dist) {
        println!("cargo:warning=cannot create {}: {error}", dist.display());
    }
    println!("cargo:rerun-if-changed=../../web/dist");
}
