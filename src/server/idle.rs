//! Connections that go quiet are closed, as Asterisk's http server does after
//! `session_inactivity` (30 s by default): a client that opens a connection and never
//! finishes its request cannot hold it, and a task of the server, forever.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// Asterisk's default session_inactivity.
pub const INACTIVITY: Duration = Duration::from_secs(30);

pub struct Listener(pub TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Quiet;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Quiet, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    return (
                        Quiet {
                            stream,
                            deadline: Box::pin(tokio::time::sleep(INACTIVITY)),
                        },
                        addr,
                    )
                }
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// A connection whose pending read fails once no byte went either way for INACTIVITY.
pub struct Quiet {
    stream: TcpStream,
    deadline: Pin<Box<Sleep>>,
}

impl Quiet {
    fn active(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + INACTIVITY);
    }
}

impl AsyncRead for Quiet {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.active();
                }
                Poll::Ready(r)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no data within the session inactivity timeout",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Quiet {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.active();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
