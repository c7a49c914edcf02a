//! The one reader of `application/x-www-form-urlencoded` bodies, and what a
//! form page needs to be shown again after a refusal.
//!
//! Every form body is read here, bounded to [`MAX_FORM_BYTES`], and decoded
//! by `form_urlencoded` (the URL standard's parser): as name/value pairs
//! ([`Fields`]), as a typed struct ([`Form`], through `serde_urlencoded`),
//! or strictly, refusing bytes that are not UTF-8 ([`decode_strict`], for
//! Open311 clients that are not browsers). A refused change is shown on its
//! page again with what was typed and the reason beside the form it came
//! from ([`Refusal`], [`refused`]).

use std::borrow::Cow;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::WebError;

/// The largest form body read: forms carry typed text, never files (those
/// come as multipart, [`crate::kit::upload`]).
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

const URLENCODED: &str = "application/x-www-form-urlencoded";

/// Whether the request says its body is a urlencoded form.
pub fn is_urlencoded(content_type: &str) -> bool {
    content_type.starts_with(URLENCODED)
}

/// A form body's (name, value) pairs in order, '+' read as a space and
/// percent-escapes decoded; bytes that are not UTF-8 become U+FFFD (a
/// browser sends UTF-8 from our pages).
pub fn decode(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The same pairs, or `None` when any byte, raw or percent-encoded, is not
/// UTF-8: for clients that are not browsers, refused rather than guessed.
pub fn decode_strict(body: &[u8]) -> Option<Vec<(String, String)>> {
    std::str::from_utf8(body).ok()?;
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &pair[pair.len()..]),
            };
            Some((decode_part(name)?, decode_part(value)?))
        })
        .collect()
}

/// One name or value: '+' is a space, then percent-decoding; an escape that
/// is not one ("100%", "%zz") stays as typed.
fn decode_part(part: &[u8]) -> Option<String> {
    let spaced: Vec<u8> = part.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_encoding::percent_decode(&spaced).decode_utf8().ok().map(Cow::into_owned)
}

/// The body of a form request, at most `limit` bytes.
async fn body<S: Send + Sync>(req: Request, state: &S, limit: usize) -> Result<Bytes, Response> {
    let bytes = Bytes::from_request(req, state).await.map_err(IntoResponse::into_response)?;
    if bytes.len() > limit {
        return Err(WebError::TooLarge("Nội dung gửi lên quá lớn.".into()).into_response());
    }
    Ok(bytes)
}

/// A urlencoded form body read as name/value pairs (checkbox groups repeat
/// a name). Never refused for its content type, so that a request outside
/// the scope gets the same 404 whatever it sends.
#[derive(Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let unreadable = || WebError::BadRequest("Không đọc được nội dung biểu mẫu.".into());
        let bytes = body(req, state, MAX_FORM_BYTES).await.map_err(|_| unreadable())?;
        Ok(Fields(decode(&bytes)))
    }
}

impl Fields {
    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("")
    }

    /// Every non-empty value of `name`, trimmed (a checkbox group).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect()
    }

    /// The first value of `name` as typed, untrimmed (a password); empty when absent.
    pub fn raw(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn has(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
}

/// A urlencoded form body as the struct `T`. Refused as axum's own form
/// reader refuses (another content type 415, a body past the bound 413, a
/// missing or malformed field 422), but as a page in Vietnamese naming the
/// field, never the framework's own text.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !is_urlencoded(content_type) {
            return Err(WebError::Unsupported("Biểu mẫu phải được gửi từ trang của hệ thống.".into()));
        }
        let bytes = body(req, state, MAX_FORM_BYTES)
            .await
            .map_err(|_| WebError::TooLarge("Nội dung gửi lên quá lớn.".into()))?;
        T::deserialize(serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes)))
            .map(Form)
            .map_err(|e| WebError::BadRequest(refusal_vi(&e.to_string())))
    }
}

/// What a user reads when a form's field is missing or not of its kind:
/// the field's name, from the decoder's message ("missing field `unit`").
fn refusal_vi(decoder: &str) -> String {
    let field = decoder.split('`').nth(1).filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match field {
        Some(f) if decoder.starts_with("missing field") => {
            format!("Chưa điền mục «{f}». Hãy quay lại biểu mẫu, điền đủ các mục rồi gửi lại.")
        }
        _ => "Có mục trong biểu mẫu chưa đúng dạng (ví dụ: cần chọn từ danh sách, hoặc nhập số). \
              Hãy quay lại biểu mẫu, kiểm tra rồi gửi lại."
            .into(),
    }
}

/// An option of a select, marked when it is the value entered.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Opt {
        let value = value.into();
        let selected = value == current;
        Opt { value, label: label.into(), selected }
    }
}

/// A checkbox of a group, with its own id for its label.
pub struct Check {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A refused change, shown next to the form (the page's section) it came from.
pub struct FormError {
    pub section: &'static str,
    pub message: String,
}

impl FormError {
    /// A refusal of the input becomes a message beside the form; any other
    /// error (not found, forbidden, internal) stays an error.
    pub fn of(section: &'static str, e: WebError) -> Result<FormError, WebError> {
        match e {
            WebError::BadRequest(message) => Ok(FormError { section, message }),
            // A right refused (a role not offered, a unit outside the
            // picker) is no typing mistake: it stays an error.
            WebError::Account(r) if !r.is_right() => Ok(FormError { section, message: r.message_vi().into() }),
            other => Err(other),
        }
    }
}

/// A refused form shown again: its message next to the section it came from,
/// and what was typed, so nothing has to be typed twice.
#[derive(Default)]
pub struct Refusal {
    pub error: Option<FormError>,
    pub entered: Fields,
}

impl Refusal {
    pub fn error_for(&self, section: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.section == section).map(|e| e.message.as_str())
    }

    pub fn entered(&self, name: &str) -> &str {
        self.entered.get(name)
    }
}

/// After a saved change: back to the page that shows it (303, so a reload
/// does not post again).
pub fn see_other(to: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

/// A page shown again after a refused change: 422, the message on it.
pub fn refused(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn both_decoders_read_the_same_pairs() {
        let body =
            b"service_code=fraud&description=L%E1%BB%ABa+%C4%91%E1%BA%A3o&attribute%5Bcommune%5D=07210&x&&n=100%&m=%zz";
        let strict = decode_strict(body).unwrap();
        assert_eq!(strict, decode(body));
        assert_eq!(strict[1], ("description".into(), "Lừa đảo".into()));
        assert_eq!(strict[2], ("attribute[commune]".into(), "07210".into()));
        assert_eq!(strict[3], ("x".into(), String::new()));
        assert_eq!(strict[4], ("n".into(), "100%".into()));
        assert_eq!(strict[5], ("m".into(), "%zz".into()));
    }

    #[test]
    fn the_strict_decoder_refuses_what_is_not_utf8() {
        assert!(decode_strict(b"description=%FF%FE").is_none(), "percent-encoded");
        assert!(decode_strict(b"description=\xff\xfe").is_none(), "raw");
        assert_eq!(decode(b"description=%FF").len(), 1, "the lenient one replaces");
    }
}
