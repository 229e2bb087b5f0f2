//! A bare HTTP/1.1 GET over a TCP stream: enough to read status lines and server-sent events
//! without an HTTP client crate.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A GET on a fresh connection; reads until `enough` says the text so far suffices, the
/// server closes, or 5 s pass. Returns the status code and the whole text read.
pub async fn get(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    enough: impl Fn(&str) -> bool,
) -> anyhow::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut read = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => read.extend_from_slice(&buf[..n]),
            }
            if enough(&String::from_utf8_lossy(&read)) {
                break;
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&read).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

pub fn sse_data(text: &str, id: u64) -> Option<Value> {
    let start = text.find(&format!("id: {id}\n"))?;
    let data = text[start..]
        .lines()
        .find_map(|l| l.strip_prefix("data: "))?;
    serde_json::from_str(data).ok()
}
