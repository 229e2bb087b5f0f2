//! Runs the built `queuecallctl` against a fake service's address and captures what it did.

use std::net::SocketAddr;

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

pub async fn ctl(addr: SocketAddr, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_queuecallctl"))
        .env_remove("QUEUECALL_BRANCH")
        .args(["--server", &addr.to_string()])
        .args(args)
        .output()
        .await
        .unwrap();
    Run {
        status: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}
