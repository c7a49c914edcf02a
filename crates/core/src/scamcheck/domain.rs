//! Domain names measured against the Public Suffix List, which the `psl`
//! crate compiles in (so there is no list file to load or keep fresh here:
//! updating the crate updates the list).

use std::fmt;

use super::url::{CanonicalUrl, UrlError};

/// Longest name DNS allows, and longest label.
const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

/// A lowercase ASCII (punycode) domain name with its public suffix and
/// registrable domain: "dichvucong.gov.vn" has suffix "gov.vn" and is its own
/// registrable domain; "www.chinhphu.vn" has suffix "vn" and registrable
/// domain "chinhphu.vn".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Domain {
    name: String,
    suffix: String,
    registrable: Option<String>,
}

/// Why a domain name was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error("{0} is an IP address, not a domain name.")]
    IpAddress(String),
    #[error("\"{0}\" is not a valid domain name.")]
    InvalidName(String),
}

impl DomainError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            DomainError::Url(e) => e.message_vi(),
            DomainError::IpAddress(ip) => format!("{ip} là địa chỉ IP, không phải tên miền."),
            DomainError::InvalidName(name) => format!(
                "«{name}» không phải là tên miền hợp lệ. Tên miền chỉ gồm chữ cái, chữ số, dấu gạch ngang và dấu chấm."
            ),
        }
    }
}

impl Domain {
    /// Accepts a bare name ("Chinhphu.vn.") or a whole link ("https://www.chinhphu.vn/abc").
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Self::from_url(&CanonicalUrl::parse(input)?)
    }

    /// The domain a canonical URL points to.
    pub fn from_url(url: &CanonicalUrl) -> Result<Self, DomainError> {
        let name = url.host();
        if url.is_ip() {
            return Err(DomainError::IpAddress(name.to_owned()));
        }
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= MAX_LABEL
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        };
        if name.len() > MAX_NAME || !name.split('.').all(label_ok) {
            return Err(DomainError::InvalidName(name.to_owned()));
        }
        let as_text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let suffix = psl::suffix(name.as_bytes()).map_or_else(|| name.to_owned(), |s| as_text(s.as_bytes()));
        let registrable = psl::domain(name.as_bytes()).map(|d| as_text(d.as_bytes()));
        Ok(Domain { name: name.to_owned(), suffix, registrable })
    }

    /// The whole name, ASCII, e.g. "xn--vietcombnk-…" for an IDN.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The name as people read it, IDN labels decoded.
    pub fn to_unicode(&self) -> String {
        idna::domain_to_unicode(&self.name).0
    }

    /// The public suffix: "com.vn", "gov.vn", "vn", "github.io".
    pub fn suffix(&self) -> &str {
        &self.suffix
    }

    /// The registrable domain (eTLD+1), `None` when the name is itself a
    /// public suffix ("com.vn").
    pub fn registrable(&self) -> Option<&str> {
        self.registrable.as_deref()
    }

    /// The registrable domain's own label: "vietcombank" for "ebank.vietcombank.com.vn".
    pub fn registrable_label(&self) -> Option<&str> {
        let registrable = self.registrable.as_deref()?;
        registrable.strip_suffix(&self.suffix)?.strip_suffix('.')
    }

    /// The labels left of the registrable domain: "ebank" for "ebank.vietcombank.com.vn".
    pub fn subdomain(&self) -> Option<&str> {
        let registrable = self.registrable.as_deref()?;
        self.name.strip_suffix(registrable)?.strip_suffix('.')
    }

    /// Registered under gov.vn, which only Vietnamese state bodies can obtain.
    pub fn is_gov_vn(&self) -> bool {
        self.suffix == "gov.vn" && self.registrable.is_some()
    }

    /// Whether any label is an IDN ("xn--…").
    pub fn is_idn(&self) -> bool {
        self.name.split('.').any(|label| label.starts_with("xn--"))
    }

    /// `self` is `other` or one of its subdomains (`other` is an ASCII name).
    pub fn is_within(&self, other: &str) -> bool {
        self.name == other || self.name.strip_suffix(other).is_some_and(|head| head.ends_with('.') && !other.is_empty())
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn registrable_domains() {
        let gov = Domain::parse("chinhphu.gov.vn").unwrap();
        assert_eq!(gov.registrable(), Some("chinhphu.gov.vn"));
        assert_eq!(gov.suffix(), "gov.vn");
        assert!(gov.is_gov_vn());
        let portal = Domain::parse("https://xacthuc.DichVuCong.gov.vn./ho-so?x=1").unwrap();
        assert_eq!(portal.as_str(), "xacthuc.dichvucong.gov.vn");
        assert_eq!(portal.registrable(), Some("dichvucong.gov.vn"));
        assert_eq!(portal.subdomain(), Some("xacthuc"));
        assert_eq!(portal.registrable_label(), Some("dichvucong"));
        assert!(portal.is_gov_vn());
        assert!(portal.is_within("dichvucong.gov.vn"));
        assert!(!portal.is_within("congdichvucong.gov.vn"));
        let vcb = Domain::parse("ebank.vietcombank.com.vn").unwrap();
        assert_eq!((vcb.suffix(), vcb.registrable()), ("com.vn", Some("vietcombank.com.vn")));
        assert!(!vcb.is_gov_vn());
        let chinhphu = Domain::parse("www.chinhphu.vn").unwrap();
        assert_eq!((chinhphu.suffix(), chinhphu.registrable()), ("vn", Some("chinhphu.vn")));
        assert!(!chinhphu.is_gov_vn());
        // Private suffixes count: each github.io site is its own registrable domain.
        let pages = Domain::parse("vcb-login.github.io").unwrap();
        assert_eq!(pages.registrable(), Some("vcb-login.github.io"));
        let phish = Domain::parse("vietcombank.com.vn.login-secure.xyz").unwrap();
        assert_eq!(phish.registrable(), Some("login-secure.xyz"));
        assert_eq!(phish.subdomain(), Some("vietcombank.com.vn"));
        let bare = Domain::parse("com.vn").unwrap();
        assert_eq!((bare.registrable(), bare.subdomain(), bare.is_gov_vn()), (None, None, false));
        assert!(!Domain::parse("gov.vn").unwrap().is_gov_vn());
    }

    #[test]
    fn idn_names() {
        let idn = Domain::parse("vietcombаnk.com").unwrap(); // Cyrillic а
        assert!(idn.is_idn());
        assert!(idn.as_str().starts_with("xn--"));
        assert_eq!(idn.to_unicode(), "vietcombаnk.com");
        assert_eq!(idn.registrable_label(), Some(idn.as_str().trim_end_matches(".com")));
    }

    #[test]
    fn refusals() {
        assert!(matches!(Domain::parse("http://1.2.3.4/"), Err(DomainError::IpAddress(_))));
        assert!(matches!(Domain::parse("exa mple.com"), Err(DomainError::InvalidName(_))));
        assert!(matches!(Domain::parse(""), Err(DomainError::Url(UrlError::Empty))));
        let long = format!("{}.com", "a".repeat(64));
        assert!(matches!(Domain::parse(&long), Err(DomainError::InvalidName(_))));
        for e in [DomainError::IpAddress("1.2.3.4".into()), DomainError::InvalidName("x y".into())] {
            assert!(!e.message_vi().is_empty() && e.message_vi() != e.to_string());
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            if let Ok(d) = Domain::parse(&s) {
                let _ = (d.registrable_label(), d.subdomain(), d.to_unicode(), d.is_gov_vn());
            }
        }
    }
}
