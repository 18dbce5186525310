//! [`Connection`]: the byte stream under the IMAP session, plain or TLS.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};

use super::{ImapError, ImapOptions};

/// A TCP connection to the server, in the clear or under TLS.
#[derive(Debug)]
pub(crate) enum Connection {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Connection {
    /// Opens TCP to the server.
    pub(crate) async fn tcp(options: &ImapOptions) -> Result<TcpStream, ImapError> {
        let stream = TcpStream::connect((options.host.as_str(), options.port))
            .await
            .map_err(|e| ImapError::Connection {
                server: server(options),
                step: "connect",
                reason: e.to_string(),
            })?;
        // Commands are small and answered one at a time.
        let _ = stream.set_nodelay(true);
        Ok(stream)
    }

    /// Wraps `stream` in TLS, checking the certificate against the
    /// platform's roots and [`ImapOptions::extra_roots`].
    pub(crate) async fn tls(options: &ImapOptions, stream: TcpStream) -> Result<Self, ImapError> {
        let fail = |reason: String| ImapError::Tls {
            server: server(options),
            reason,
        };
        let provider = Arc::new(aws_lc_rs::default_provider());
        let roots = options
            .extra_roots
            .iter()
            .map(|der| CertificateDer::from(der.clone()));
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
                .map_err(|e| fail(e.to_string()))?;
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let name = ServerName::try_from(options.host.clone()).map_err(|e| fail(e.to_string()))?;
        let tls = TlsConnector::from(Arc::new(config))
            .connect(name, stream)
            .await
            .map_err(|e| fail(e.to_string()))?;
        Ok(Self::Tls(Box::new(tls)))
    }
}

/// `host:port`, as errors name the server.
pub(crate) fn server(options: &ImapOptions) -> String {
    format!("{}:{}", options.host, options.port)
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
