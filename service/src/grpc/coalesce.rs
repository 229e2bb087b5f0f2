//! Fewer, larger socket writes for plaintext gRPC connections. HTTP/2 (h2) copies a frame
//! into its 16 KiB write buffer only when the payload is small; on a connection that says it
//! supports vectored writes, "small" is 256 bytes, and every larger DATA frame is written
//! with a `writev` of its own. A hall event to a display is a few hundred bytes (the
//! announcement text), so 10,000 displays cost 10,000 `writev` calls per event.
//! [`Coalesced`] says it does not support vectored writes, which raises h2's limit to 1 KiB:
//! those frames are copied and written together, up to 16 KiB per call. Frames over 1 KiB
//! (snapshots, large answers) go as before; small unary answers were already copied.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tonic::transport::server::{Connected, TcpIncoming};

/// A connection that h2 writes to without vectored writes (so it copies frames up to 1 KiB
/// into its buffer and writes them in one call).
#[derive(Debug)]
pub struct Coalesced<T>(T);

/// The accepted connections of `incoming`, each [`Coalesced`].
pub fn incoming(
    incoming: TcpIncoming,
) -> impl Stream<Item = io::Result<Coalesced<TcpStream>>> + Send + 'static {
    incoming.map(|accepted| accepted.map(Coalesced))
}

impl<T: Connected> Connected for Coalesced<T> {
    type ConnectInfo = T::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.0.connect_info()
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Coalesced<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Coalesced<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    #[tokio::test]
    async fn it_passes_bytes_both_ways_unchanged_and_says_it_does_not_write_vectored() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let client = tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            stream.write_all(b"ping").await.expect("write");
            let mut answer = [0; 4];
            stream.read_exact(&mut answer).await.expect("read");
            answer
        });
        let mut accepted = incoming(TcpIncoming::from(listener));
        let mut server = accepted
            .next()
            .await
            .expect("a connection")
            .expect("accepted");
        assert!(!server.is_write_vectored());
        assert_eq!(server.connect_info().remote_addr(), client_addr(&server));
        let mut asked = [0; 4];
        server.read_exact(&mut asked).await.expect("read");
        assert_eq!(&asked, b"ping");
        server.write_all(b"pong").await.expect("write");
        server.flush().await.expect("flush");
        assert_eq!(&client.await.expect("client"), b"pong");
    }

    fn client_addr(server: &Coalesced<TcpStream>) -> Option<std::net::SocketAddr> {
        server.0.peer_addr().ok()
    }
}
