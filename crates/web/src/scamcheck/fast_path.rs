//! `GET /api/v1/check?q=…` answered in front of the router. It is the one
//! call that apps and other provinces' systems make at volume, and through
//! the router each answer paid for route matching, three boxed middleware
//! futures, a trace span and a session lookup it never needs (the answer
//! does not depend on who asks). Here it takes the same steps as the routed
//! handler, with the same functions: the client's hourly limit, the check,
//! JSON errors under /api, the security headers and the request metrics. A
//! request of any other shape (another parameter, `q` twice or missing)
//! goes through the router, which answers it as it always has; a test
//! holds the two answers equal (`scamcheck::the_check_in_front_of_the_router_answers_as_the_router_does`).

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::{Ready, ready};
use std::net::SocketAddr;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::future::RouteFuture;
use futures_util::future::Either;
use tower::Service;

use super::api;
use crate::AppState;
use crate::limit::{ClientAddr, LimitClass};
use crate::security;

const PATH: &str = "/api/v1/check";

/// The router with the check's GET in front of it.
#[derive(Clone)]
pub struct CheckFirst {
    pub router: Router,
    pub state: AppState,
}

impl Service<Request> for CheckFirst {
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, RouteFuture<Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        match only_q(&req) {
            Some(q) => Either::Left(ready(Ok(answer(&self.state, &req, &q)))),
            None => Either::Right(self.router.call(req)),
        }
    }
}

/// The text of a check whose only parameter is one `q`.
fn only_q(req: &Request) -> Option<Cow<'_, str>> {
    if req.method() != Method::GET || req.uri().path() != PATH {
        return None;
    }
    let mut q = None;
    for (name, value) in form_urlencoded::parse(req.uri().query()?.as_bytes()) {
        if name != "q" || q.is_some() {
            return None;
        }
        q = Some(value);
    }
    q
}

fn answer(state: &AppState, req: &Request, q: &str) -> Response {
    let start = Instant::now();
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = ClientAddr::of(peer, req.headers(), &state.config.limits.trusted_proxies);
    let res = match state.limits.check(LimitClass::Check, client).and_then(|()| api::checked(state, q)) {
        Ok(out) => out.into_response(),
        Err(e) => e.into_response(),
    };
    let mut res = security::api_errors(res, true, None);
    // As the router's routes do (hyper would write the same from the body).
    if let Some(len) = axum::body::HttpBody::size_hint(res.body()).exact() {
        res.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    security::finish(res, metrics::SharedString::const_str("GET"), metrics::SharedString::const_str(PATH), start)
}
