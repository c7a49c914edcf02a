//! The province's list for other provinces, banks and platforms: CSV, JSON
//! and STIX 2.1, each with a detached Ed25519 signature (`….sig`) and the
//! public key at a well-known address. The signing key is derived from the
//! field key, so the configuration holds one secret.

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use khienmang_core::scamcheck::feeds::{FeedFormat, FeedSigningKey, feed_csv, feed_json, sign, stix_bundle};

use crate::AppState;
use crate::access::IndicatorManage;
use crate::error::{WebError, WebResult};
use crate::kit::upload;

fn signing_key(state: &AppState) -> FeedSigningKey {
    FeedSigningKey::from_seed(state.reports.key.derive("khienmang feed signing key"))
}

/// `GET /.well-known/khienmang-feed-key`: the public key, base64.
pub async fn public_key(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], signing_key(&state).verifying_key().to_text())
        .into_response()
}

/// `GET /feeds/{file}`: indicators.csv, indicators.json, indicators.stix.json,
/// or any of them with `.sig` for its signature.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> WebResult<Response> {
    let (name, signature) = match file.strip_suffix(".sig") {
        Some(name) => (name, true),
        None => (file.as_str(), false),
    };
    let now = crate::access::now().utc();
    let list = state.store.scamcheck_public().feed_indicators(now).await?;
    let (body, mime) = match name {
        "indicators.csv" => (feed_csv(&list), "text/csv; charset=utf-8"),
        "indicators.json" => (feed_json(&list), "application/json"),
        "indicators.stix.json" => (stix_bundle(&list, now).to_string(), "application/stix+json;version=2.1"),
        _ => return Err(WebError::NotFound),
    };
    if signature {
        return Ok((
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            sign(body.as_bytes(), &signing_key(&state)),
        )
            .into_response());
    }
    Ok(([(header::CONTENT_TYPE, mime)], body).into_response())
}

/// `POST /scamcheck/feeds`: an analyst imports a feed file (fields `format`, `file`).
pub async fn import(
    m: IndicatorManage,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    let mp = mp.map_err(|_| upload::not_multipart("Tệp"))?;
    let upload = upload::read_intake(mp).await?;
    let format = upload.fields.0.iter().find(|(k, _)| k == "format").map(|(_, v)| v.as_str()).unwrap_or("");
    let format = FeedFormat::from_name(format).map_err(|e| WebError::BadRequest(e.message_vi()))?;
    let bytes = upload.non_empty_files().into_iter().next().map(|(_, b)| b).unwrap_or_default();
    let report = m.import_feed(format, &bytes).await?;
    Ok(axum::Json(report).into_response())
}
