//! URL canonicalisation and lookup expressions exactly as Google Safe Browsing
//! (v4, "URLs and Hashing") defines them, so that hashes computed here match
//! threat lists built the same way and one link written many ways is one key.
//!
//! Deliberately not a WHATWG parse (the `url` crate): Safe Browsing keeps
//! things a browser would reject (spaces, control bytes, "%" in the host) and
//! unescapes the whole URL repeatedly before splitting it. The `url` crate is
//! used only for what it does exactly as wanted: reading IPv4 addresses in
//! every legal form ("3279880203", "0x7f.1", "0300.0250.0.1").

use std::fmt;

use percent_encoding::{AsciiSet, CONTROLS, percent_encode};
use sha2::{Digest, Sha256};

/// Input longer than this is refused before any work (links in QR codes and
/// messages are far shorter; this bounds the repeated unescaping).
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Bytes re-escaped in the canonical form: <= 0x20, 0x7F, '#', '%'
/// (`percent_encode` always escapes bytes >= 0x80).
const ESCAPED: &AsciiSet = &CONTROLS.add(b' ').add(b'#').add(b'%');

/// No name in the DNS is longer, in ASCII or in Unicode (each character
/// takes at least one letter of the ASCII form). A longer host is kept byte
/// for byte, as an invalid IDN is: converting it could take milliseconds,
/// since decoding punycode is quadratic in the length of a label.
const MAX_NAME_CHARS: usize = 253;

/// At most this many host suffixes and path prefixes are looked up.
const MAX_HOST_COMPONENTS: usize = 5;
const MAX_PATH_PREFIXES: usize = 4;

/// A URL in Safe Browsing canonical form, e.g. "http://www.google.com/".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CanonicalUrl {
    text: String,
    scheme: String,
    host: String,
    path: String,
    query: Option<String>,
    is_ip: bool,
}

/// One host-suffix/path-prefix expression ("b.c/1/") to hash and look up.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LookupExpression(String);

/// Why a URL could not be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("No web address was entered.")]
    Empty,
    #[error("The web address is too long (more than {limit} bytes).")]
    TooLong { limit: usize },
    #[error("Only web addresses (http:// or https://) can be checked; this one uses \"{0}:\".")]
    UnsupportedScheme(String),
    #[error("The web address has no host name or IP address.")]
    MissingHost,
}

impl UrlError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            UrlError::Empty => "Chưa nhập địa chỉ trang web.".to_owned(),
            UrlError::TooLong { limit } => format!("Địa chỉ trang web quá dài (vượt quá {limit} byte)."),
            UrlError::UnsupportedScheme(scheme) => format!(
                "Chỉ kiểm tra được địa chỉ trang web (bắt đầu bằng http:// hoặc https://); địa chỉ này dùng giao thức «{scheme}:»."
            ),
            UrlError::MissingHost => "Địa chỉ trang web không có tên miền hoặc địa chỉ IP.".to_owned(),
        }
    }
}

impl CanonicalUrl {
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        Self::parse_bytes(input.as_bytes())
    }

    /// As [`CanonicalUrl::parse`], for URLs that are not valid UTF-8 (raw
    /// bytes from a QR code or a message).
    pub fn parse_bytes(input: &[u8]) -> Result<Self, UrlError> {
        if input.len() > MAX_URL_BYTES {
            return Err(UrlError::TooLong { limit: MAX_URL_BYTES });
        }
        // Surrounding spaces go; tab, CR and LF go wherever they are (not
        // their escapes, which are decoded later and kept).
        let mut raw: Vec<u8> =
            input.trim_ascii().iter().copied().filter(|b| !matches!(b, b'\t' | b'\r' | b'\n')).collect();
        // The fragment is cut at the first literal '#' before unescaping, so
        // "%23" stays part of the path or host.
        if let Some(hash) = raw.iter().position(|&b| b == b'#') {
            raw.truncate(hash);
        }
        if raw.is_empty() {
            return Err(UrlError::Empty);
        }
        let url = unescape_fully(raw);
        let (scheme, rest) = split_scheme(&url)?;
        let authority_end = rest.iter().position(|&b| b == b'/' || b == b'?').unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (path, query) = match tail.iter().position(|&b| b == b'?') {
            Some(q) => (&tail[..q], Some(&tail[q + 1..])),
            None => (tail, None),
        };
        let (host, is_ip) = canonical_host(authority)?;
        let path = escape(&canonical_path(path));
        let query = query.map(escape);
        let mut text = format!("{scheme}://{host}{path}");
        if let Some(query) = &query {
            text.push('?');
            text.push_str(query);
        }
        // Escaping can triple a byte: the canonical form must also be short
        // enough to be read again (the fuzzer found one that was not).
        if text.len() > MAX_URL_BYTES {
            return Err(UrlError::TooLong { limit: MAX_URL_BYTES });
        }
        Ok(CanonicalUrl { text, scheme: scheme.to_owned(), host, path, query, is_ip })
    }

    /// The canonical URL, e.g. "http://host%23.com/~a!b@c%23d".
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// "http" or "https".
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Lowercase, punycode, dotted-decimal for IPv4, without port or user.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Starts with "/".
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Without the "?"; `Some("")` for a URL ending in "?".
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    pub fn is_ip(&self) -> bool {
        self.is_ip
    }

    /// The host-suffix × path-prefix expressions a Safe Browsing client looks
    /// up for this URL: hosts first as written, then up to four suffixes made
    /// from the last five components (never the bare top-level domain, none
    /// for an IP address); for each host the path with query, the path
    /// without it, then up to four prefixes from "/" down.
    pub fn expressions(&self) -> Vec<LookupExpression> {
        let paths = self.path_prefixes();
        self.host_suffixes()
            .iter()
            .flat_map(|host| paths.iter().map(move |path| LookupExpression(format!("{host}{path}"))))
            .collect()
    }

    fn host_suffixes(&self) -> Vec<String> {
        let mut hosts = vec![self.host.clone()];
        if self.is_ip {
            return hosts;
        }
        let components: Vec<&str> = self.host.split('.').collect();
        let n = components.len();
        for k in (2..=MAX_HOST_COMPONENTS.min(n.saturating_sub(1))).rev() {
            hosts.push(components[n - k..].join("."));
        }
        hosts
    }

    fn path_prefixes(&self) -> Vec<String> {
        let mut paths = Vec::new();
        if let Some(query) = self.query.as_deref().filter(|q| !q.is_empty()) {
            paths.push(format!("{}?{query}", self.path));
        }
        paths.push(self.path.clone());
        // The directories above the last component: "/1/2.html" → "/", "/1/".
        let dirs = self.path.rfind('/').and_then(|slash| self.path.get(1..slash)).unwrap_or("");
        let mut prefix = String::from("/");
        let components = dirs.split('/').filter(|c| !c.is_empty());
        for component in std::iter::once("").chain(components).take(MAX_PATH_PREFIXES) {
            if !component.is_empty() {
                prefix.push_str(component);
                prefix.push('/');
            }
            if !paths.contains(&prefix) {
                paths.push(prefix.clone());
            }
        }
        paths
    }
}

impl fmt::Display for CanonicalUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl LookupExpression {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// SHA-256 of the expression, the full hash Safe Browsing compares.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }

    /// The first 4 bytes of [`LookupExpression::sha256`], the prefix sent to
    /// or matched against a hash-prefix list.
    pub fn prefix4(&self) -> [u8; 4] {
        let hash = self.sha256();
        [hash[0], hash[1], hash[2], hash[3]]
    }
}

impl fmt::Display for LookupExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Percent-decodes until no escape is left ("%2541" → "%41" → "A"), in one
/// pass rather than a round per level of nesting (quadratic on inputs such
/// as "%252525…41"). Escapes never overlap (`%` is not a hex digit), so the
/// result does not depend on the order of decoding; and decoding a byte can
/// only complete a new escape at the end of what is decoded so far.
fn unescape_fully(bytes: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for byte in bytes {
        out.push(byte);
        while let [.., b'%', hi, lo] = out[..]
            && let (Some(hi), Some(lo)) = (hex_digit(hi), hex_digit(lo))
        {
            out.truncate(out.len() - 3);
            out.push(hi << 4 | lo);
        }
    }
    out
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn escape(bytes: &[u8]) -> String {
    percent_encode(bytes, ESCAPED).to_string()
}

/// Splits off the scheme; a URL without one is taken as "http". "host:8080"
/// is a host with a port, not a scheme called "host".
fn split_scheme(url: &[u8]) -> Result<(&'static str, &[u8]), UrlError> {
    let default = Ok(("http", url));
    let Some(colon) = url.iter().position(|&b| b == b':') else { return default };
    let (name, after) = (&url[..colon], &url[colon + 1..]);
    let is_scheme_syntax = name.first().is_some_and(u8::is_ascii_alphabetic)
        && name.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !is_scheme_syntax {
        return default;
    }
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    // The scheme rule shared with every link field.
    if !crate::link::names_scheme(&name, after) {
        return default;
    }
    let scheme = match name.as_str() {
        "http" => "http",
        "https" => "https",
        _ => return Err(UrlError::UnsupportedScheme(name)),
    };
    // "http:////host" and "http:host" still name the host, as in browsers.
    let start = after.iter().position(|&b| b != b'/').unwrap_or(after.len());
    Ok((scheme, &after[start..]))
}

/// Returns the escaped canonical host and whether it is an IP address.
fn canonical_host(authority: &[u8]) -> Result<(String, bool), UrlError> {
    // "user:password@" is dropped: in "https://bank.vn@evil.com/" the host is evil.com.
    let authority = match authority.iter().rposition(|&b| b == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    // An IPv6 literal; anything else in brackets is an ordinary (odd) name.
    if authority.starts_with(b"[")
        && let Some(end) = authority.iter().position(|&b| b == b']')
        && let Ok(literal) = std::str::from_utf8(&authority[..=end])
        && let Ok(url::Host::Ipv6(ip)) = url::Host::parse(literal)
    {
        return Ok((format!("[{ip}]"), true));
    }
    // The port is not part of the canonical form.
    let host = match authority.iter().position(|&b| b == b':') {
        Some(colon) => &authority[..colon],
        None => authority,
    };
    // Dots first: the length that decides on IDNA must be the canonical
    // host's, or the canonical form would read differently when parsed again.
    let mut host = collapse_dots(host);
    if let Ok(text) = std::str::from_utf8(&host)
        && !text.is_ascii()
        && text.chars().count() <= MAX_NAME_CHARS
        && let Ok(ascii) = idna::domain_to_ascii(text)
        // Full-width forms map to ASCII delimiters ("％４１" → "%41",
        // "：" → ":"); such a result would read differently once
        // canonical, so it is not taken as a name.
        && !ascii.bytes().any(|b| b":/?@[]\\%#".contains(&b))
    {
        // Again: IDNA reads full-width dots as dots ("a。。b").
        host = collapse_dots(ascii.as_bytes());
    }
    // Otherwise (ASCII, or not a valid IDN: control characters, invalid
    // mappings) the host is kept byte for byte and escaped, as Safe Browsing does.
    if host.is_empty() {
        return Err(UrlError::MissingHost);
    }
    if host.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'.')
        && let Ok(text) = std::str::from_utf8(&host)
        && let Ok(url::Host::Ipv4(ip)) = url::Host::parse(text)
    {
        return Ok((ip.to_string(), true));
    }
    host.make_ascii_lowercase();
    Ok((escape(&host), false))
}

/// Trims leading and trailing dots and replaces runs of dots with one.
fn collapse_dots(host: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(host.len());
    for &b in host {
        if b == b'.' && (out.is_empty() || out.last() == Some(&b'.')) {
            continue;
        }
        out.push(b);
    }
    if out.last() == Some(&b'.') {
        out.pop();
    }
    out
}

/// Resolves "." and ".." segments and collapses runs of slashes. A path
/// ending in a directory ("/a/", "/a/.", "/a/b/..") keeps its final slash.
fn canonical_path(path: &[u8]) -> Vec<u8> {
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut ends_in_dir = false;
    // The part before the first '/' is empty: the path always starts with one.
    for segment in path.split(|&b| b == b'/').skip(1) {
        ends_in_dir = true;
        match segment {
            b"" | b"." => {}
            b".." => {
                kept.pop();
            }
            name => {
                kept.push(name);
                ends_in_dir = false;
            }
        }
    }
    let mut out = vec![b'/'];
    out.extend(kept.join(&b'/'));
    if ends_in_dir && !kept.is_empty() {
        out.push(b'/');
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    fn canon(input: &[u8]) -> String {
        CanonicalUrl::parse_bytes(input).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(input))).text
    }

    #[test]
    fn escapes_nested_to_the_length_limit_decode() {
        let url = format!("http://host/%{}41", "25".repeat((MAX_URL_BYTES - 20) / 2));
        assert_eq!(CanonicalUrl::parse(&url).unwrap().as_str(), "http://host/A");
    }

    /// Every canonicalisation example published with the Safe Browsing v4
    /// "URLs and Hashing" documentation, in its order.
    #[test]
    fn google_canonicalization_examples() {
        let cases: [(&[u8], &str); 33] = [
            (b"http://host/%25%32%35", "http://host/%25"),
            (b"http://host/%25%32%35%25%32%35", "http://host/%25%25"),
            (b"http://host/%2525252525252525", "http://host/%25"),
            (b"http://host/asdf%25%32%35asd", "http://host/asdf%25asd"),
            (b"http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"),
            (b"http://www.google.com/", "http://www.google.com/"),
            (
                b"http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/",
                "http://168.188.99.26/.secure/www.ebay.com/",
            ),
            (
                b"http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
                "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
            ),
            (
                b"http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B",
                "http://host%23.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+",
            ),
            (b"http://3279880203/blah", "http://195.127.0.11/blah"),
            (b"http://www.google.com/blah/..", "http://www.google.com/"),
            (b"www.google.com/", "http://www.google.com/"),
            (b"www.google.com", "http://www.google.com/"),
            (b"http://www.evil.com/blah#frag", "http://www.evil.com/blah"),
            (b"http://www.GOOgle.com/", "http://www.google.com/"),
            (b"http://www.google.com.../", "http://www.google.com/"),
            (b"http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"),
            (b"http://www.google.com/q?", "http://www.google.com/q?"),
            (b"http://www.google.com/q?r?", "http://www.google.com/q?r?"),
            (b"http://www.google.com/q?r?s", "http://www.google.com/q?r?s"),
            (b"http://evil.com/foo#bar#baz", "http://evil.com/foo"),
            (b"http://evil.com/foo;", "http://evil.com/foo;"),
            (b"http://evil.com/foo?bar;", "http://evil.com/foo?bar;"),
            (b"http://\x01\x80.com/", "http://%01%80.com/"),
            (b"http://notrailingslash.com", "http://notrailingslash.com/"),
            (b"http://www.gotaport.com:1234/", "http://www.gotaport.com/"),
            (b"  http://www.google.com/  ", "http://www.google.com/"),
            (b"http:// leadingspace.com/", "http://%20leadingspace.com/"),
            (b"http://%20leadingspace.com/", "http://%20leadingspace.com/"),
            (b"%20leadingspace.com/", "http://%20leadingspace.com/"),
            (b"https://www.securesite.com/", "https://www.securesite.com/"),
            (b"http://host.com/ab%23cd", "http://host.com/ab%23cd"),
            (b"http://host.com//twoslashes?more//slashes", "http://host.com/twoslashes?more//slashes"),
        ];
        for (input, expected) in cases {
            assert_eq!(canon(input), expected, "{}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn ip_addresses_in_every_form() {
        for input in [
            "http://195.127.0.11/",
            "http://0xc37f000b/",
            "http://0303.0177.0.013/",
            "http://195.8323083/",
            "http://195.127.11/",
            "http://0xc3.0x7f.0.11/",
        ] {
            let url = CanonicalUrl::parse(input).unwrap();
            assert_eq!(url.as_str(), "http://195.127.0.11/", "{input}");
            assert!(url.is_ip());
        }
        let v6 = CanonicalUrl::parse("http://[2001:DB8::1]:8080/a").unwrap();
        assert_eq!(v6.as_str(), "http://[2001:db8::1]/a");
        assert_eq!(CanonicalUrl::parse("http://[zz]/").unwrap().host(), "[zz]");
        // Not an address: stays a (strange) host name.
        assert_eq!(CanonicalUrl::parse("http://1.2.3.256/").unwrap().host(), "1.2.3.256");
    }

    #[test]
    fn hosts_phishers_like() {
        let url = CanonicalUrl::parse("https://vietcombank.com.vn@evil.example/login").unwrap();
        assert_eq!(url.as_str(), "https://evil.example/login");
        let idn = CanonicalUrl::parse("http://vietcombаnk.com/").unwrap(); // Cyrillic а
        assert!(idn.host().starts_with("xn--"), "{}", idn.host());
        assert_eq!(CanonicalUrl::parse("http://Bücher.example/").unwrap().host(), "xn--bcher-kva.example");
        // Longer than any DNS name: no IDNA, the bytes are escaped.
        let long = CanonicalUrl::parse(&format!("http://xn--{}.bücher.example/", "b".repeat(300))).unwrap();
        assert!(long.host().ends_with(".b%C3%BCcher.example"), "{}", long.host());
        // At the limit only once its dots are collapsed: read the same twice
        // (found by the URL fuzz target).
        let edge = CanonicalUrl::parse(&format!("http://ü{}..b/", "a".repeat(250))).unwrap();
        assert_eq!(CanonicalUrl::parse(edge.as_str()).unwrap(), edge);
        assert_eq!(CanonicalUrl::parse("HTTPS://WWW.Example.COM:443").unwrap().as_str(), "https://www.example.com/");
        assert_eq!(CanonicalUrl::parse("http:///www.example.com/a").unwrap().as_str(), "http://www.example.com/a");
        assert_eq!(CanonicalUrl::parse("localhost:8080/x").unwrap().as_str(), "http://localhost/x");
        assert_eq!(CanonicalUrl::parse("http://a.b/%2e%2e/x/./y/../z").unwrap().path(), "/x/z");
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(CanonicalUrl::parse("   "), Err(UrlError::Empty));
        assert_eq!(CanonicalUrl::parse("#top"), Err(UrlError::Empty));
        assert_eq!(CanonicalUrl::parse("javascript:alert(1)"), Err(UrlError::UnsupportedScheme("javascript".into())));
        assert_eq!(CanonicalUrl::parse("ftp://files.example/"), Err(UrlError::UnsupportedScheme("ftp".into())));
        assert_eq!(CanonicalUrl::parse("http://.../x"), Err(UrlError::MissingHost));
        assert_eq!(CanonicalUrl::parse("http:///"), Err(UrlError::MissingHost));
        let long = format!("http://a.example/{}", "x".repeat(MAX_URL_BYTES));
        assert_eq!(CanonicalUrl::parse(&long), Err(UrlError::TooLong { limit: MAX_URL_BYTES }));
        // Short enough as typed, too long once its control bytes are escaped.
        let escaped_long = [b"http://a.example/".as_slice(), &[0x01; 3000]].concat();
        assert_eq!(CanonicalUrl::parse_bytes(&escaped_long), Err(UrlError::TooLong { limit: MAX_URL_BYTES }));
        let escaped_fits = [b"http://a.example/".as_slice(), &[0x01; 2000]].concat();
        let url = CanonicalUrl::parse_bytes(&escaped_fits).unwrap();
        assert_eq!(CanonicalUrl::parse(url.as_str()).unwrap(), url);
        for e in [
            UrlError::Empty,
            UrlError::TooLong { limit: 1 },
            UrlError::UnsupportedScheme("x".into()),
            UrlError::MissingHost,
        ] {
            assert!(!e.message_vi().is_empty() && e.message_vi() != e.to_string());
        }
    }

    fn expressions(url: &str) -> Vec<String> {
        CanonicalUrl::parse(url).unwrap().expressions().iter().map(|e| e.as_str().to_owned()).collect()
    }

    /// The lookup examples of the same documentation, in its order.
    #[test]
    fn google_expression_examples() {
        assert_eq!(
            expressions("http://a.b.c/1/2.html?param=1"),
            [
                "a.b.c/1/2.html?param=1",
                "a.b.c/1/2.html",
                "a.b.c/",
                "a.b.c/1/",
                "b.c/1/2.html?param=1",
                "b.c/1/2.html",
                "b.c/",
                "b.c/1/",
            ]
        );
        assert_eq!(
            expressions("http://a.b.c.d.e.f.g/1.html"),
            [
                "a.b.c.d.e.f.g/1.html",
                "a.b.c.d.e.f.g/",
                "c.d.e.f.g/1.html",
                "c.d.e.f.g/",
                "d.e.f.g/1.html",
                "d.e.f.g/",
                "e.f.g/1.html",
                "e.f.g/",
                "f.g/1.html",
                "f.g/",
            ]
        );
        assert_eq!(expressions("http://1.2.3.4/1/"), ["1.2.3.4/1/", "1.2.3.4/"]);
    }

    #[test]
    fn expression_limits() {
        // At most four path prefixes, counted from "/".
        assert_eq!(
            expressions("http://example.com/a/b/c/d/e/f.html"),
            [
                "example.com/a/b/c/d/e/f.html",
                "example.com/",
                "example.com/a/",
                "example.com/a/b/",
                "example.com/a/b/c/",
            ]
        );
        // A two-label host has no suffix to add; an empty query adds nothing.
        assert_eq!(expressions("http://example.com/q?"), ["example.com/q", "example.com/"]);
    }

    #[test]
    fn hashes() {
        let url = CanonicalUrl::parse("http://abc/").unwrap();
        let e = &url.expressions()[0];
        assert_eq!(e.as_str(), "abc/");
        assert_eq!(hex::encode(e.sha256()), hex::encode(Sha256::digest(b"abc/")));
        assert_eq!(e.prefix4(), e.sha256()[..4]);
        // SHA-256("abc") is the FIPS 180-2 test vector ba7816bf…
        assert_eq!(hex::encode(LookupExpression("abc".into()).prefix4()), "ba7816bf");
    }

    proptest! {
        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = CanonicalUrl::parse_bytes(&bytes);
        }

        /// The one pass decodes as decoding round after round until nothing changes
        /// (which, nested to the length limit, took thousands of rounds).
        #[test]
        fn unescaping_in_one_pass_equals_rounds(s in "(%|2|5|4|1|a|F|g|/){0,40}") {
            let mut rounds = s.clone().into_bytes();
            loop {
                let decoded: Vec<u8> = percent_encoding::percent_decode(&rounds).collect();
                if decoded == rounds {
                    break;
                }
                rounds = decoded;
            }
            prop_assert_eq!(unescape_fully(s.into_bytes()), rounds);
        }

        #[test]
        fn canonicalisation_is_idempotent(bytes in prop::collection::vec(any::<u8>(), 0..120)) {
            if let Ok(url) = CanonicalUrl::parse_bytes(&bytes) {
                let again = CanonicalUrl::parse(url.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), url.as_str());
                prop_assert_eq!(again.expressions(), url.expressions());
            }
        }

        #[test]
        fn url_like_inputs_are_idempotent(
            s in "(https?://)?[a-zA-Z0-9.%@:\\[\\]-]{0,20}(/[a-zA-Z0-9.%#?/ -]{0,30})?",
        ) {
            if let Ok(url) = CanonicalUrl::parse(&s) {
                let again = CanonicalUrl::parse(url.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), url.as_str());
            }
        }
    }
}
