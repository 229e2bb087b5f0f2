//! [`Server`]: where a client connects and how it proves who it is: the endpoint, the
//! access token sent as `authorization: Bearer <token>` on every call
//! (`queuecallctl --token`, `QUEUECALL_TOKEN`), and for an `https://` endpoint the CA
//! certificate (PEM) that signed the service's certificate (`--ca-cert`). Every client
//! connects from one; a plain `&str` endpoint is a `Server` without token or CA.

use std::fmt;

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use super::{chain, endpoint_uri};
use crate::error::ClientError;

/// A channel whose calls carry the [`Server`]'s token.
pub type Connection = InterceptedService<Channel, Credentials>;

/// A service to connect to.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Server {
    /// `http://host:port`, `https://host:port` or `host:port` (http).
    pub endpoint: String,
    /// The access token; none: calls go without one.
    pub token: Option<String>,
    /// PEM of the CA that signed an https service's certificate.
    pub ca_cert: Option<Vec<u8>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("endpoint", &self.endpoint)
            .field("token", &self.token.as_ref().map(|_| "****"))
            .field("ca_cert", &self.ca_cert.as_ref().map(Vec::len))
            .finish()
    }
}

impl Server {
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            ..Self::default()
        }
    }

    /// Calls carry `token` (an empty one is none).
    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token.filter(|t| !t.trim().is_empty());
        self
    }

    /// An https endpoint is trusted when its certificate is signed by this CA (PEM).
    pub fn with_ca_cert(mut self, pem: Option<Vec<u8>>) -> Self {
        self.ca_cert = pem;
        self
    }

    /// The endpoint, with TLS for `https://` (a caller that builds its own channels adds
    /// the credentials with [`Server::wrap`]).
    pub fn endpoint(&self) -> Result<Endpoint, ClientError> {
        let uri = endpoint_uri(&self.endpoint)?;
        let mut endpoint = Endpoint::from_shared(uri.clone()).map_err(|err| {
            ClientError::Connect(format!("bad endpoint '{uri}': {}", chain(&err)))
        })?;
        if uri.starts_with("https://") {
            let mut tls = ClientTlsConfig::new().with_enabled_roots();
            if let Some(pem) = &self.ca_cert {
                tls = tls.ca_certificate(Certificate::from_pem(pem));
            }
            endpoint = endpoint.tls_config(tls).map_err(|err| {
                ClientError::Connect(format!("TLS set-up for '{uri}': {}", chain(&err)))
            })?;
        } else if self.ca_cert.is_some() {
            return Err(ClientError::InvalidArgument(format!(
                "ca-cert: given for '{uri}', which is not https://"
            )));
        }
        Ok(endpoint)
    }

    /// What every call of a connection to this server carries.
    pub fn credentials(&self) -> Result<Credentials, ClientError> {
        match &self.token {
            None => Ok(Credentials(None)),
            Some(token) => format!("Bearer {}", token.trim())
                .parse()
                .map(|value| Credentials(Some(value)))
                .map_err(|_| {
                    ClientError::InvalidArgument(
                        "token: must be printable ASCII without spaces".to_owned(),
                    )
                }),
        }
    }

    /// `channel` with this server's credentials.
    pub fn wrap(&self, channel: Channel) -> Result<Connection, ClientError> {
        Ok(InterceptedService::new(channel, self.credentials()?))
    }
}

impl From<&str> for Server {
    fn from(endpoint: &str) -> Self {
        Self::new(endpoint)
    }
}

impl From<String> for Server {
    fn from(endpoint: String) -> Self {
        Self::new(endpoint)
    }
}

impl From<&String> for Server {
    fn from(endpoint: &String) -> Self {
        Self::new(endpoint.as_str())
    }
}

impl From<&Server> for Server {
    fn from(server: &Server) -> Self {
        server.clone()
    }
}

/// Adds `authorization: Bearer <token>` to every call (nothing without a token).
#[derive(Clone)]
pub struct Credentials(Option<MetadataValue<Ascii>>);

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Credentials(Bearer ****)"
        } else {
            "Credentials(none)"
        })
    }
}

impl Interceptor for Credentials {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}
