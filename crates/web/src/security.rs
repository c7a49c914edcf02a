//! Middleware: session loading, CSRF protection, security headers, JSON
//! errors for the API, metrics and request logs.

use std::time::Instant;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::access::{Identity, RequestLang, Via};
use crate::error::{ErrorKey, ErrorMessage, WebError};
use crate::i18n::Lang;
use crate::kit::upload::MAX_BODY;
use khienmang_core::secret;

pub const SESSION_COOKIE: &str = "km_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The content security policy: no inline script, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Two layers of our own, not one per concern: each layer boxes a future and
/// clones the services under it on every request, which shows on requests
/// as small as a scam check (in one run, the check with no layer at all
/// answered 13% more requests than with the five we had).
pub fn layers(router: Router<AppState>, state: AppState) -> Router<AppState> {
    router
        .layer(from_fn_with_state(state, session_then_csrf))
        .layer(from_fn(respond))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(TraceLayer::new_for_http())
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

async fn session_then_csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match load_session(&state, req).await {
        Ok(req) => csrf_guard(req, next).await,
        Err(refusal) => refusal,
    }
}

/// Puts the language and, for a live session or bearer token, the
/// [`Identity`] into the request.
async fn load_session(state: &AppState, mut req: Request) -> Result<Request, Response> {
    let lang = cookie(req.headers(), "lang").map(|l| Lang::parse(&l)).unwrap_or_default();
    req.extensions_mut().insert(RequestLang(lang));
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| (t.trim().to_string(), Via::Bearer));
    let found = bearer.or_else(|| cookie(req.headers(), SESSION_COOKIE).map(|t| (t, Via::Cookie)));
    if let Some((token, via)) = found {
        let token_hash = secret::token_hash(&token);
        let now = crate::access::now().utc();
        match state.store.session(&token_hash, now).await {
            Ok(Some(s)) => {
                // Use keeps a session alive; 30 idle minutes end it.
                if let Err(e) = state.store.touch_session(&token_hash, &s, now).await {
                    return Err(WebError::from(e).into_response());
                }
                req.extensions_mut().insert(Identity {
                    user: s.user,
                    token_hash,
                    csrf_token: s.csrf_token,
                    via,
                    second_factor_done: s.second_factor_done,
                });
            }
            Ok(None) => {}
            Err(e) => return Err(WebError::from(e).into_response()),
        }
    }
    Ok(req)
}

/// Cookie-authenticated changes must come from our own pages: the Origin
/// (when sent) must be this host, and the session's CSRF token must be in
/// the `X-CSRF-Token` header (htmx) or the form's `csrf` field.
async fn csrf_guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if let (Some(origin), Some(host)) = (req.headers().get(header::ORIGIN), req.headers().get(header::HOST)) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        if origin_host != host {
            return WebError::Forbidden.into_response();
        }
    }
    let Some(id) = req.extensions().get::<Identity>().cloned() else { return next.run(req).await };
    if id.via == Via::Bearer {
        return next.run(req).await;
    }
    let header_token = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    if header_token.is_some_and(|t| secret::same(&id.csrf_token, &t)) {
        return next.run(req).await;
    }
    // Look for the form field; the body is put back for the handler.
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return WebError::BadRequest("Tệp quá lớn.".into()).into_response();
    };
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let form_token = if crate::kit::form::is_urlencoded(content_type) {
        crate::kit::form::decode(&bytes).into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v)
    } else if content_type.starts_with("multipart/form-data") {
        multipart_field(content_type, bytes.clone(), "csrf").await
    } else {
        None
    };
    if !form_token.is_some_and(|t| secret::same(&id.csrf_token, &t)) {
        return WebError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

async fn multipart_field(content_type: &str, bytes: axum::body::Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Not among `http`'s named headers.
const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: HeaderName = HeaderName::from_static("cross-origin-opener-policy");

/// Around every handler: errors under /api as JSON, a login redirect for
/// browsers, the security headers, and the request's metrics.
async fn respond(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(metrics::SharedString::const_str("other"), |p| p.as_str().to_string().into());
    let method = method_label(req.method());
    let is_api = req.uri().path().starts_with("/api/");
    let wants_html = req.headers().get("hx-request").is_none();
    // Kept only where a login redirect may need it (not on every API call);
    // the login page's own refusals are pages that say why.
    let is_login = req.uri().path() == "/login";
    let next_path = (!is_api && wants_html && !is_login)
        .then(|| req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default());
    let res = next.run(req).await;
    let res = if is_api { res } else { crate::error::readable_page(res) };
    finish(api_errors(res, is_api, next_path), method, route, start)
}

/// The end of every answer, routed or not: the security headers and the
/// request's metrics.
pub(crate) fn finish(
    mut res: Response,
    method: metrics::SharedString,
    route: metrics::SharedString,
    start: Instant,
) -> Response {
    add_security_headers(&mut res);
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// The headers of pages and files.
static PAGE_HEADERS: [(HeaderName, &str); 7] = [
    (header::CONTENT_SECURITY_POLICY, CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "same-origin"),
    (PERMISSIONS_POLICY, "camera=(self), geolocation=(self), microphone=()"),
    (CROSS_ORIGIN_OPENER_POLICY, "same-origin"),
    (header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"),
];

/// The headers of JSON answers, as OWASP's REST guidance has them: opened
/// as a page, such an answer may load nothing and be framed nowhere. The
/// referrer, permissions and opener policies concern documents, so they are
/// left out: 256 bytes fewer on each answer (a scam check's headers went
/// from 541 to 285 bytes).
static JSON_HEADERS: [(HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"),
];

fn add_security_headers(res: &mut Response) {
    let is_json =
        res.headers().get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    let h = res.headers_mut();
    // Named headers, not strings: a string name is parsed again on every response.
    let headers: &[(HeaderName, &str)] = if is_json { &JSON_HEADERS } else { &PAGE_HEADERS };
    for (name, value) in headers {
        h.insert(name.clone(), HeaderValue::from_static(value));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // The rest of a body too large to read is not read: the connection
    // cannot carry another request, and the client must know not to reuse it.
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
}

/// Under /api errors become `{"error": ..., "message": ...}`; elsewhere an
/// unauthenticated browser is sent to the login page.
pub(crate) fn api_errors(res: Response, is_api: bool, next_path: Option<String>) -> Response {
    let status = res.status();
    if is_api && (status.is_client_error() || status.is_server_error()) {
        let message = res.extensions().get::<ErrorMessage>().map(|m| m.0.clone()).unwrap_or_default();
        let key = match res.extensions().get::<ErrorKey>() {
            Some(k) => k.0.to_string(),
            None => status.canonical_reason().unwrap_or("error").to_lowercase().replace(' ', "_"),
        };
        let body = serde_json::json!({
            "error": key,
            "message": message,
        });
        let mut out = (status, axum::Json(body)).into_response();
        if let Some(v) = res.headers().get(header::RETRY_AFTER) {
            out.headers_mut().insert(header::RETRY_AFTER, v.clone());
        }
        return out;
    }
    if let Some(next_path) = next_path.filter(|_| status == StatusCode::UNAUTHORIZED) {
        let to = format!("/login?next={}", form_urlencoded::byte_serialize(next_path.as_bytes()).collect::<String>());
        return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    }
    res
}

/// The methods the routes answer, without an allocation each.
fn method_label(method: &Method) -> metrics::SharedString {
    match *method {
        Method::GET => "GET".into(),
        Method::POST => "POST".into(),
        Method::DELETE => "DELETE".into(),
        ref other => other.to_string().into(),
    }
}
