//! The check API for mobile apps and other provinces' systems.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use khienmang_core::scamcheck::{Evidence, IndicatorEntry, MAX_QUERY_BYTES, Outcome, QrPayload, Query, Subject};
use serde::{Deserialize, Serialize};

use super::{bad, query_from_image};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::limit::{ClientAddr, LimitClass};

/// A verdict as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckOut {
    /// phone, bank_account, url, qr or unknown.
    pub kind: &'static str,
    /// The canonical value checked ("+84912345678", "970436:0011001234567", a canonical URL).
    pub normalized: Option<String>,
    /// scam, suspicious, official, unknown or disputed.
    pub verdict: &'static str,
    pub verdict_label: &'static str,
    /// What is known: `reports` always; `first_seen`, `last_seen`,
    /// `category`, `expires`, `imitates`, `official_owner`, `technique` and
    /// `matched` when they are known, absent otherwise.
    #[schema(value_type = Object)]
    pub evidence: Evidence,
    pub advice: &'static str,
    /// What a QR code held, when one was checked.
    #[schema(value_type = Option<Object>)]
    pub qr: Option<serde_json::Value>,
}

/// A verdict is 340 to 550 bytes of JSON (measured for a phone number, an
/// account, an unknown link, a look-alike and an official site): written
/// into a buffer of 1 KB from the start, where axum's `Json` starts at 128
/// bytes and grows.
impl IntoResponse for CheckOut {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(1024);
        match serde_json::to_writer(&mut body, &self) {
            Ok(()) => ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response(),
            Err(e) => WebError::Internal(e.to_string()).into_response(),
        }
    }
}

pub fn check_out(query: &Query, outcome: &Outcome) -> CheckOut {
    CheckOut {
        kind: query.kind.as_str(),
        normalized: query.subject.as_ref().map(Subject::normalized),
        verdict: outcome.verdict.as_str(),
        verdict_label: outcome.verdict.label_vi(),
        evidence: outcome.evidence.clone(),
        advice: outcome.advice_vi,
        qr: query.qr.as_ref().map(qr_json),
    }
}

/// The fields of a QR code, as `khienmang scamcheck parse-qr` prints them.
pub fn qr_json(payload: &QrPayload) -> serde_json::Value {
    use serde_json::json;
    match payload {
        QrPayload::VietQr { bin, account, bank, service, amount, purpose, name } => json!({
            "type": "vietqr", "bin": bin, "account": account, "bank": bank.map(|b| b.short_name),
            "service": match service { khienmang_core::scamcheck::TransferTo::Account => "account", _ => "card" },
            "amount": amount, "purpose": purpose, "name": name,
        }),
        QrPayload::Url(u) => json!({"type": "url", "url": u.as_str()}),
        QrPayload::Phone(p) => json!({"type": "phone", "phone": p.e164()}),
        QrPayload::Text(t) => json!({"type": "text", "text": t}),
    }
}

#[derive(Debug, Deserialize)]
pub struct CheckQuery {
    pub q: String,
}

#[utoipa::path(get, path = "/api/v1/check",
    params(("q" = String, Query, description = "A phone number, a bank and account number, a link, or a QR code's text")),
    responses((status = 200, body = CheckOut), (status = 400, description = "Not a phone, account, link or QR code")))]
pub async fn check(State(state): State<AppState>, UrlQuery(q): UrlQuery<CheckQuery>) -> WebResult<CheckOut> {
    checked(&state, &q.q)
}

/// The answer to one text ([`super::fast_path`] answers most checks with it).
pub fn checked(state: &AppState, text: &str) -> WebResult<CheckOut> {
    let query = Query::detect(text).map_err(bad)?;
    let outcome = state.scamcheck.check(&query);
    Ok(check_out(&query, &outcome))
}

#[utoipa::path(post, path = "/api/v1/check",
    request_body(content = Vec<u8>, content_type = "image/png", description = "A PNG or JPEG photo of a QR code"),
    responses((status = 200, body = CheckOut), (status = 400, description = "No readable QR code")))]
pub async fn check_image(State(state): State<AppState>, body: Bytes) -> WebResult<CheckOut> {
    let query = query_from_image(&state.scamcheck, body).await?;
    let outcome = state.scamcheck.check(&query);
    Ok(check_out(&query, &outcome))
}

/// Texts to check in one request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BatchIn {
    /// Up to [`MAX_BATCH`] texts, each as `q` of `GET /api/v1/check`.
    pub q: Vec<String>,
}

/// The answers, in the order of the texts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchOut {
    pub results: Vec<BatchItem>,
}

/// A verdict, or why the text could not be checked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum BatchItem {
    Checked(Box<CheckOut>),
    Refused {
        /// What the text is not, in Vietnamese (as the 422 of a single check).
        error: String,
    },
}

/// Texts per batch: a call log or a list of accounts, not a copy of the index.
pub const MAX_BATCH: usize = 1000;

/// The largest batch body: [`MAX_BATCH`] texts of the longest length, each
/// quoted and followed by a comma, inside `{"q": [...]}` with some spaces.
/// Escapes count as written. Anything longer is refused before it is
/// parsed (the server-wide limit, for uploads, is 25 MB).
pub const MAX_BATCH_BYTES: usize = MAX_BATCH * (MAX_QUERY_BYTES + 3) + 64;

#[utoipa::path(post, path = "/api/v1/check/batch", request_body = BatchIn,
    responses((status = 200, body = BatchOut), (status = 413, description = "A body over 8,195,064 bytes"),
        (status = 422, description = "More than 1,000 texts, or not a JSON object with `q`")))]
pub async fn check_batch(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> WebResult<Json<BatchOut>> {
    let input = read_batch(&headers, body).await?;
    if input.q.len() > MAX_BATCH {
        return Err(WebError::BadRequest(format!(
            "Mỗi lần chỉ kiểm tra được tối đa {MAX_BATCH} mục; đã gửi {} mục.",
            input.q.len()
        )));
    }
    // Each text is a check: the route's limit counted the request, the rest count here.
    let more = u32::try_from(input.q.len().saturating_sub(1)).unwrap_or(u32::MAX);
    state.limits.check_n(LimitClass::Check, client, more)?;
    // Each text's place among the queries, or why it is not one.
    let mut queries = Vec::with_capacity(input.q.len());
    let mut slots: Vec<Result<usize, String>> = Vec::with_capacity(input.q.len());
    for text in &input.q {
        slots.push(match Query::detect(text) {
            Ok(query) => {
                queries.push(query);
                Ok(queries.len() - 1)
            }
            Err(e) => Err(e.message_vi()),
        });
    }
    let outcomes = state.scamcheck.check_many(&queries);
    let results = slots
        .into_iter()
        .map(|slot| match slot {
            Ok(i) => BatchItem::Checked(Box::new(check_out(&queries[i], &outcomes[i]))),
            Err(error) => BatchItem::Refused { error },
        })
        .collect();
    Ok(Json(BatchOut { results }))
}

/// The batch as sent, read up to [`MAX_BATCH_BYTES`]: a longer body is
/// refused by its declared length, or as soon as it passes the limit.
async fn read_batch(headers: &HeaderMap, body: Body) -> WebResult<BatchIn> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.starts_with("application/json") {
        return Err(WebError::Unsupported("Nội dung phải là JSON (Content-Type: application/json).".into()));
    }
    let too_large = || {
        WebError::TooLarge(format!(
            "Nội dung gửi lên quá lớn: mỗi lần tối đa {MAX_BATCH} mục, mỗi mục tối đa {} KB.",
            MAX_QUERY_BYTES / 1024
        ))
    };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BATCH_BYTES as u64) {
        return Err(too_large());
    }
    // Grown as the body comes: a declared length costs nothing until it is sent.
    let mut bytes = Vec::with_capacity(declared.map_or(0, |n| n as usize).min(64 * 1024));
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| WebError::BadRequest("Không đọc được nội dung gửi lên.".into()))?;
        if bytes.len() + chunk.len() > MAX_BATCH_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&bytes)
        .map_err(|_| WebError::BadRequest("Nội dung phải là JSON dạng {\"q\": [\"văn bản 1\", \"văn bản 2\"]}.".into()))
}

/// The answer to a private lookup.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PrefixOut {
    pub prefix: String,
    /// Every listed key's full SHA-256 under the prefix, with its verdict.
    pub hashes: Vec<PrefixHash>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PrefixHash {
    pub sha256: String,
    pub verdict: String,
}

#[utoipa::path(get, path = "/api/v1/check/prefix/{hex8}",
    params(("hex8" = String, Path, description = "The first 4 bytes (8 hex digits) of SHA-256 of the key: \
        \"tel:+84912345678\", \"bank:970436:0011001234567\" or a Safe Browsing expression such as \"evil.example/\"")),
    responses((status = 200, body = PrefixOut), (status = 400, description = "Not 8 hex digits")))]
pub async fn prefix(State(state): State<AppState>, Path(hex8): Path<String>) -> WebResult<Json<PrefixOut>> {
    let mut prefix = [0u8; 4];
    hex::decode_to_slice(hex8.trim(), &mut prefix)
        .map_err(|_| WebError::BadRequest("Tiền tố phải gồm đúng 8 chữ số thập lục phân.".into()))?;
    let today = IndicatorEntry::day(crate::org::today());
    let hashes = state.scamcheck.live.read(|index| {
        index
            .with_prefix(prefix)
            .into_iter()
            .map(|(hash, e)| {
                let verdict = match e.state {
                    khienmang_core::scamcheck::IndicatorState::Official => "official",
                    khienmang_core::scamcheck::IndicatorState::Disputed => "disputed",
                    khienmang_core::scamcheck::IndicatorState::Verified if !e.is_expired(today) => "scam",
                    _ => "suspicious",
                };
                PrefixHash { sha256: hex::encode(hash), verdict: verdict.into() }
            })
            .collect()
    });
    Ok(Json(PrefixOut { prefix: hex::encode(prefix), hashes }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_limit_fits_a_full_batch_of_the_longest_texts() {
        let longest = "a".repeat(MAX_QUERY_BYTES);
        let body = serde_json::json!({ "q": vec![longest; MAX_BATCH] }).to_string();
        assert!(body.len() <= MAX_BATCH_BYTES, "{} > {MAX_BATCH_BYTES}", body.len());
        assert_eq!(MAX_BATCH_BYTES, 8_195_064, "the limit quoted in the API description");
    }
}
