//! A TCP relay in front of a listener whose "network" can go down and come back on the same
//! address, to cut a browser's connections as a network blip would.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP relay in front of the HTTP listener whose "network" can go down (every connection
/// cut, new ones closed at once) and come back, on the same address.
pub struct Network {
    pub addr: SocketAddr,
    /// (up, epoch): a connection ends when the epoch moves on.
    state: Arc<watch::Sender<(bool, u64)>>,
    relay: tokio::task::JoinHandle<()>,
}

impl Network {
    pub async fn start(target: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(watch::channel((true, 0u64)).0);
        let relay_state = Arc::clone(&state);
        let relay = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (up, epoch) = *relay_state.borrow();
                if !up {
                    continue; // dropped: the browser sees the connection fail
                }
                let mut cut = relay_state.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.wait_for(|(_, now)| *now != epoch) => {}
                    }
                });
            }
        });
        Ok(Self { addr, state, relay })
    }

    pub fn down(&self) {
        self.state.send_modify(|(up, epoch)| {
            *up = false;
            *epoch += 1;
        });
    }

    pub fn up(&self) {
        self.state.send_modify(|(up, _)| *up = true);
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        self.relay.abort();
        self.down();
    }
}
