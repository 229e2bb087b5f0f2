//! A tower layer around the gRPC server: reads `authorization: Bearer <token>`, finds the
//! token's [`Principal`] and puts it in the request extensions, or answers at once
//! (trailers-only): UNAUTHENTICATED without a token or with an unknown one,
//! PERMISSION_DENIED when the method table does not let the token's role call the method.
//! Open methods (health, reflection) pass untouched. Without keys (access control off)
//! every call passes.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::Status;
use tower::{Layer, Service};

use super::methods::{self, Rule};
use super::{Keys, Principal};

/// Wraps each gRPC service with [`Auth`].
#[derive(Clone)]
pub struct AuthLayer {
    keys: Option<Arc<Keys>>,
}

impl AuthLayer {
    /// `None`: access control off.
    pub fn new(keys: Option<Arc<Keys>>) -> Self {
        Self { keys }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth {
            inner,
            keys: self.keys.clone(),
        }
    }
}

/// Checks one gRPC call's token.
#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    keys: Option<Arc<Keys>>,
}

/// The token of an `authorization` header value: `Bearer <token>` (the scheme in any case).
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The principal allowed to call `path` with the request's `authorization` header, or the
/// status that refuses it.
pub fn admit(
    keys: &Keys,
    path: &str,
    authorization: Option<&http::HeaderValue>,
) -> Result<Option<Arc<Principal>>, Status> {
    let rule = methods::rule(path);
    if rule == Rule::Open {
        return Ok(None);
    }
    let Some(value) = authorization else {
        return Err(Status::unauthenticated(
            "no token: send the metadata `authorization: Bearer <token>`",
        ));
    };
    let token = value.to_str().ok().and_then(bearer).ok_or_else(|| {
        Status::unauthenticated("malformed authorization metadata: expected `Bearer <token>`")
    })?;
    let principal = keys
        .find(token)
        .ok_or_else(|| Status::unauthenticated("unknown token"))?;
    if !rule.allows(principal.role) {
        return Err(Status::permission_denied(format!(
            "token '{}' ({}) may not call {}",
            principal.name,
            principal.role,
            methods::short(path)
        )));
    }
    Ok(Some(principal))
}

impl<S, B, R> Service<http::Request<B>> for Auth<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
    R: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        if let Some(keys) = &self.keys {
            let admitted = admit(
                keys,
                request.uri().path(),
                request.headers().get(http::header::AUTHORIZATION),
            );
            match admitted {
                Ok(Some(principal)) => {
                    request.extensions_mut().insert(principal);
                }
                Ok(None) => {}
                Err(status) => {
                    tracing::info!(
                        method = %request.uri().path(),
                        code = ?status.code(),
                        reason = %status.message(),
                        "call refused"
                    );
                    return Box::pin(async move { Ok(status.into_http()) });
                }
            }
        }
        Box::pin(self.inner.call(request))
    }
}
