//! One error type for the web layer. Internal detail is logged, never shown;
//! users read a translated message.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use khienmang_core::auth::AccountRefusal;
use khienmang_store::StoreError;

/// The page a refused or failed request shows: standalone (no staff
/// chrome), escaped by the template.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    code: u16,
    message: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not logged in.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Logged in, but the role lacks the capability.
    #[error("forbidden")]
    Forbidden,
    /// Logged in and allowed in general, but not this change; the message
    /// (in Vietnamese) says why.
    #[error("refused: {0}")]
    Refused(String),
    /// Absent, or outside the session's subtree (the two look the same).
    #[error("not found")]
    NotFound,
    /// A change to an account the rules refuse; its key names it in the API.
    #[error("account: {}", .0.key())]
    Account(AccountRefusal),
    /// Bad input; the message is already in Vietnamese.
    #[error("{0}")]
    BadRequest(String),
    #[error("too many attempts")]
    TooManyAttempts(String),
    /// The body is larger than the route accepts.
    #[error("payload too large")]
    TooLarge(String),
    /// The body is in a format the route does not read.
    #[error("unsupported media type")]
    Unsupported(String),
    /// Every slot for heavy work is taken; the client should retry later.
    #[error("busy")]
    Busy(String),
    #[error("internal: {0}")]
    Internal(String),
    /// A cookie-authenticated change without the session's CSRF token.
    #[error("csrf")]
    Csrf,
    /// The browser should go elsewhere (e.g. login).
    #[error("redirect")]
    Redirect(String),
}

/// A field refused by core's checks: its message, beside the field.
impl From<khienmang_core::movement::InputError> for WebError {
    fn from(e: khienmang_core::movement::InputError) -> Self {
        WebError::BadRequest(e.message_vi())
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Invalid(m) => WebError::BadRequest(m),
            StoreError::Op(op) => WebError::BadRequest(op.message_vi()),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Refused(_) | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Account(r) if r.is_right() => StatusCode::FORBIDDEN,
            WebError::Account(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::BadRequest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Redirect(_) => StatusCode::SEE_OTHER,
        }
    }

    /// The heading of the HTML error page.
    pub fn title_vi(&self) -> &'static str {
        match self {
            WebError::Unauthenticated => "Cần đăng nhập",
            WebError::Forbidden | WebError::Refused(_) | WebError::Csrf => "Không được phép",
            WebError::Account(r) if r.is_right() => "Không được phép",
            WebError::Account(_) => "Dữ liệu chưa hợp lệ",
            WebError::NotFound => "Không tìm thấy",
            WebError::BadRequest(_) | WebError::Unsupported(_) => "Dữ liệu chưa hợp lệ",
            WebError::TooLarge(_) => "Nội dung quá lớn",
            WebError::TooManyAttempts(_) => "Tạm khóa",
            WebError::Busy(_) => "Hệ thống đang bận",
            WebError::Internal(_) => "Lỗi hệ thống",
            WebError::Redirect(_) => "",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            WebError::Unauthenticated => "Vui lòng đăng nhập.".into(),
            WebError::Forbidden => "Tài khoản của bạn không có quyền thực hiện việc này.".into(),
            WebError::NotFound => "Không tìm thấy (hoặc nằm ngoài phạm vi quản lý của bạn).".into(),
            WebError::Account(r) => r.message_vi().into(),
            WebError::BadRequest(m)
            | WebError::Refused(m)
            | WebError::TooManyAttempts(m)
            | WebError::TooLarge(m)
            | WebError::Unsupported(m)
            | WebError::Busy(m) => m.clone(),
            WebError::Internal(_) => "Đã có lỗi hệ thống. Vui lòng thử lại sau.".into(),
            WebError::Csrf => {
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi thử lại.".into()
            }
            WebError::Redirect(_) => String::new(),
        }
    }
}

/// Errors answer in JSON under /api and as a short HTML page elsewhere; the
/// choice is made by [`crate::security`] which knows the path.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        if let WebError::Redirect(to) = &self {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, to.clone())]).into_response();
        }
        let status = self.status();
        let message = self.message_vi();
        let mut response = (
            status,
            Html(
                ErrorPage { title: self.title_vi(), code: status.as_u16(), message: &message }
                    .render()
                    .unwrap_or_else(|_| message.clone()),
            ),
        )
            .into_response();
        if let WebError::Busy(_) = &self {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("10"));
        }
        response.extensions_mut().insert(ErrorMessage(message));
        if let WebError::Account(r) = &self {
            response.extensions_mut().insert(ErrorKey(r.key()));
        }
        response
    }
}

/// A page in place of the framework's own refusals (a path's id that is not
/// a number, a query that does not parse, a method the route does not take):
/// these come as bare text, and a person should read what happened and find
/// the way home. The status stays; the API keeps its own answers.
pub fn readable_page(res: Response) -> Response {
    let status = res.status();
    // The framework's refusals are bare text (or empty); pages and the
    // answers of an API of its own format (Open311's JSON and XML) stay.
    let bare = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("text/plain"));
    if !status.is_client_error() || !bare || res.extensions().get::<ErrorMessage>().is_some() {
        return res;
    }
    let error = match status {
        StatusCode::NOT_FOUND => WebError::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge("Nội dung gửi lên quá lớn.".into()),
        StatusCode::METHOD_NOT_ALLOWED => WebError::BadRequest(
            "Địa chỉ này chỉ nhận dữ liệu gửi từ biểu mẫu của hệ thống. Hãy mở lại trang trước.".into(),
        ),
        _ => WebError::BadRequest(
            "Địa chỉ hoặc nội dung gửi lên không hợp lệ. Hãy quay lại trang trước rồi thử lại.".into(),
        ),
    };
    let mut page = error.into_response();
    *page.status_mut() = status;
    if let Some(allow) = res.headers().get(header::ALLOW) {
        page.headers_mut().insert(header::ALLOW, allow.clone());
    }
    page
}

/// Carried on error responses so the API layer can rewrite them as JSON.
#[derive(Clone)]
pub struct ErrorMessage(pub String);

/// Carried on error responses whose API answer names the refusal by its
/// own key (`{"error": "password_change_required"}`) rather than the status.
#[derive(Clone, Copy)]
pub struct ErrorKey(pub &'static str);

pub type WebResult<T> = Result<T, WebError>;

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use axum::response::IntoResponse;

    use super::WebError;

    #[tokio::test]
    async fn the_error_page_shows_the_message_as_text_never_as_markup() {
        let response = WebError::BadRequest("Tên <script>alert(1)</script> & \"x\"".into()).into_response();
        assert_eq!(response.status(), 422);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("the page is small");
        let page = String::from_utf8(body.to_vec()).expect("the page is UTF-8");
        assert!(page.contains("Tên &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;x&#34;"), "{page}");
        assert!(!page.contains("<script>"));
    }
}
