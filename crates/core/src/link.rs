//! Web links people type into the platform (official pages, evidence,
//! campaign content, page posts, warning pages, channels). One rule for all
//! of them: an absolute http:// or https:// address with a host. Anything
//! else ("javascript:", "data:", "vbscript:", ...) would be a script or a
//! file when shown as a link, so it is refused before it is stored.

use url::Url;

/// Longer links are refused before parsing (real page addresses are far shorter).
pub const MAX_LINK_CHARS: usize = 2000;

/// Schemes written without "/" that are not web links ("mailto:x@y.vn");
/// "host:8080" is a host and a port, not a scheme called "host".
const OPAQUE_SCHEMES: [&str; 10] =
    ["javascript", "data", "mailto", "tel", "sms", "file", "about", "blob", "vbscript", "intent"];

/// Whether a (lowercase) scheme name is one of the two web schemes.
pub fn is_web_scheme(name: &str) -> bool {
    name == "http" || name == "https"
}

/// Whether "name:" followed by `after` names a scheme, given that `name`
/// (lowercase) has scheme syntax: a web scheme, a known non-web scheme, or
/// anything followed by "/". Otherwise "name:" is a host and its port.
pub fn names_scheme(name: &str, after: &[u8]) -> bool {
    is_web_scheme(name) || after.starts_with(b"/") || OPAQUE_SCHEMES.contains(&name)
}

/// The scheme `text` starts with, lowercased, when it names one (see
/// [`names_scheme`]); `None` for "example.vn/x" and "example.vn:8080/x".
pub fn scheme_of(text: &str) -> Option<String> {
    let (name, after) = text.split_once(':')?;
    let syntax = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let name = name.to_ascii_lowercase();
    (syntax && names_scheme(&name, after.as_bytes())).then_some(name)
}

/// An absolute http(s) address with a host, as the `url` crate writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpUrl(Url);

/// Why a link was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("No link was entered.")]
    Empty,
    #[error("The link is longer than {MAX_LINK_CHARS} characters.")]
    TooLong,
    #[error("The link contains control characters.")]
    ControlCharacters,
    #[error("Only http:// and https:// links are accepted; this one uses \"{0}:\".")]
    UnsupportedScheme(String),
    #[error(
        "This is not a full web address; write it with http:// or https://, e.g. https://www.facebook.com/tentrang."
    )]
    NotALink,
}

impl UrlError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            UrlError::Empty => "Chưa nhập đường dẫn (link).".to_owned(),
            UrlError::TooLong => {
                format!("Đường dẫn dài quá {MAX_LINK_CHARS} ký tự. Hãy dùng địa chỉ ngắn gọn của trang.")
            }
            UrlError::ControlCharacters => "Đường dẫn chứa ký tự điều khiển không hợp lệ.".to_owned(),
            UrlError::UnsupportedScheme(scheme) => format!(
                "Chỉ nhận đường dẫn trang web (bắt đầu bằng http:// hoặc https://); đường dẫn này dùng giao thức «{scheme}:»."
            ),
            UrlError::NotALink => "Đường dẫn không hợp lệ: cần địa chỉ trang web đầy đủ, bắt đầu bằng http:// hoặc \
                 https://, ví dụ https://www.facebook.com/tentrang."
                .to_owned(),
        }
    }
}

impl HttpUrl {
    /// Reads a link; spaces around it are dropped. Only absolute http(s)
    /// addresses with a host pass.
    pub fn parse(input: &str) -> Result<HttpUrl, UrlError> {
        // Bounded before anything else looks at it.
        if input.len() > MAX_LINK_CHARS * 4 || input.chars().count() > MAX_LINK_CHARS {
            return Err(UrlError::TooLong);
        }
        let text = input.trim();
        if text.is_empty() {
            return Err(UrlError::Empty);
        }
        // Browsers drop tabs and newlines inside a link ("java\tscript:"); refuse them outright.
        if text.chars().any(char::is_control) {
            return Err(UrlError::ControlCharacters);
        }
        match scheme_of(text) {
            Some(scheme) if !is_web_scheme(&scheme) => return Err(UrlError::UnsupportedScheme(scheme)),
            // Written in full: "https://host"; not "https:host" or "https:///host", which browsers repair.
            Some(scheme) => {
                let rest = text.get(scheme.len() + 1..).unwrap_or_default();
                let host_start = rest.strip_prefix("//").and_then(|r| r.chars().next());
                if host_start.is_none_or(|c| c == '/' || c == '\\') {
                    return Err(UrlError::NotALink);
                }
            }
            None => return Err(UrlError::NotALink),
        }
        let url = Url::parse(text).map_err(|_| UrlError::NotALink)?;
        if !is_web_scheme(url.scheme()) {
            return Err(UrlError::UnsupportedScheme(url.scheme().to_owned()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(UrlError::NotALink);
        }
        Ok(HttpUrl(url))
    }

    /// Reads an optional link: blank is `None`.
    pub fn parse_optional(input: &str) -> Result<Option<HttpUrl>, UrlError> {
        if input.trim().is_empty() { Ok(None) } else { HttpUrl::parse(input).map(Some) }
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into()
    }
}

impl std::fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn web_links_pass_and_come_back_written_by_the_url_crate() {
        assert_eq!(
            HttpUrl::parse(" https://www.Facebook.com/ConganBacNinh ").unwrap().as_str(),
            "https://www.facebook.com/ConganBacNinh"
        );
        assert_eq!(HttpUrl::parse("HTTP://example.vn").unwrap().as_str(), "http://example.vn/");
    }

    #[test]
    fn scripts_data_and_hostless_links_are_refused() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://example.vn/x",
            "mailto:a@b.vn",
            "https://",
            "http:///x",
            "https:x.vn",
            "https:\\\\x.vn",
            "https:/\\x.vn",
            "www.facebook.com/page",
            "",
            "   ",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad:?} passed");
        }
        assert_eq!(HttpUrl::parse("JaVaScRiPt:alert(1)"), Err(UrlError::UnsupportedScheme("javascript".into())));
        assert!(HttpUrl::parse(&format!("https://x.vn/{}", "a".repeat(MAX_LINK_CHARS))).is_err());
    }

    #[test]
    fn host_and_port_is_no_scheme() {
        assert_eq!(scheme_of("example.vn:8080/x"), None);
        assert_eq!(scheme_of("HTTPS://x"), Some("https".into()));
        assert_eq!(scheme_of("intent:x"), Some("intent".into()));
        assert_eq!(scheme_of("chrome-extension://abc"), Some("chrome-extension".into()));
    }

    proptest! {
        #[test]
        fn every_accepted_link_is_http_or_https_with_a_host(input in "\\PC{0,40}|[a-zA-Z]{1,10}:[ -~]{0,30}|(https?|HTTPS?|javascript|data) ?:[ -~]{0,30}") {
            if let Ok(link) = HttpUrl::parse(&input) {
                prop_assert!(matches!(link.url().scheme(), "http" | "https"));
                prop_assert!(link.url().host_str().is_some_and(|h| !h.is_empty()));
                prop_assert!(link.as_str().starts_with("http://") || link.as_str().starts_with("https://"));
                // What is stored reads back to itself.
                prop_assert_eq!(HttpUrl::parse(link.as_str()).map(|l| l.into_string()), Ok(link.as_str().to_owned()));
            }
        }
    }
}
