//! Rebuilds the crate when a migration is added under `migrations/`: `sqlx::migrate!` embeds
//! the files it finds at compile time, and cargo does not watch the directory by itself.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
