//! The check API for mobile apps and other provinces' systems.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use khienmang_core::scamcheck::{Evidence, IndicatorEntry, Outcome, QrPayload, Query, Subject};
use serde::{Deserialize, Serialize};

use super::{bad, query_from_image};
use crate::AppState;
use crate::error::{WebError, WebResult};

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
    let query = Query::detect(&q.q).map_err(bad)?;
    let outcome = state.scamcheck.check(&query);
    Ok(check_out(&query, &outcome))
}

#[utoipa::path(post, path = "/api/v1/check",
    request_body(content = Vec<u8>, content_type = "image/png", description = "A PNG or JPEG photo of a QR code"),
    responses((status = 200, body = CheckOut), (status = 400, description = "No readable QR code")))]
pub async fn check_image(State(state): State<AppState>, body: Bytes) -> WebResult<CheckOut> {
    let query = query_from_image(&body)?;
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

#[utoipa::path(post, path = "/api/v1/check/batch", request_body = BatchIn,
    responses((status = 200, body = BatchOut), (status = 422, description = "More than 1,000 texts")))]
pub async fn check_batch(State(state): State<AppState>, Json(input): Json<BatchIn>) -> WebResult<Json<BatchOut>> {
    if input.q.len() > MAX_BATCH {
        return Err(WebError::BadRequest(format!(
            "Mỗi lần chỉ kiểm tra được tối đa {MAX_BATCH} mục; đã gửi {} mục.",
            input.q.len()
        )));
    }
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
