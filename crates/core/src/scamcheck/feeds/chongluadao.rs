//! chongluadao's blacklist: a JSON array of objects with a "url", which may
//! carry wildcards. "*.example.com" (any subdomain) and "example.com/*" (any
//! path) stand for the whole domain; "example.com/abc/*" for everything
//! under /abc/, which the URL "http://example.com/abc/" covers because
//! lookups try every path prefix.

use serde_json::Value;

use super::{
    Collector, FeedCategory, FeedError, FeedFormat, FeedImport, FeedValue, Reason, domain_value, indicator, json_text,
    parse_json, parse_time, url_value,
};

pub(super) fn parse(text: &str) -> Result<FeedImport, FeedError> {
    let json = parse_json(text)?;
    let Value::Array(items) = json else { return Err(FeedError::WrongFormat(FeedFormat::ChongLuaDao)) };
    let mut out = Collector::new();
    for (i, item) in items.iter().enumerate() {
        out.next_row()?;
        let position = i + 1;
        let Some(raw) = item.get("url").and_then(Value::as_str) else {
            out.skip(
                position,
                None,
                Reason::new("the entry has no \"url\" text", "Mục này không có trường «url» dạng văn bản."),
            );
            continue;
        };
        match wildcard_value(raw) {
            Ok(value) => {
                // The list is of scam sites (its name means "against fraud").
                let mut found = indicator(value, FeedCategory::Fraud);
                let time = |keys: &[&str]| keys.iter().find_map(|k| json_text(item, k)).and_then(|t| parse_time(&t));
                found.first_seen = time(&["created_at", "createdAt", "date"]);
                found.last_seen = time(&["updated_at", "updatedAt"]);
                found.source_ref = ["_id", "id"].iter().find_map(|k| json_text(item, k)).map(|id| id.into_owned());
                out.push(found);
            }
            Err(reason) => out.skip(position, Some(raw), reason),
        }
    }
    Ok(out.finish())
}

fn wildcard_value(raw: &str) -> Result<FeedValue, Reason> {
    let text = raw.trim();
    if !text.contains('*') {
        return url_value(text);
    }
    let unsupported = || {
        Reason::new(
            "unsupported wildcard: only \"*.\" before the domain and \"/*\" at the end of the path are understood",
            "Ký tự đại diện không được hỗ trợ: chỉ hiểu «*.» trước tên miền và «/*» ở cuối đường dẫn.",
        )
    };
    let lower = text.to_ascii_lowercase();
    let scheme_len = ["http://", "https://"].iter().find(|s| lower.starts_with(*s)).map_or(0, |s| s.len());
    let (scheme, rest) = text.split_at(scheme_len);
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let any_subdomain = host.strip_prefix("*.");
    let host = any_subdomain.unwrap_or(host);
    if host.contains('*') {
        return Err(unsupported());
    }
    let any_path = matches!(tail, "" | "/" | "/*" | "*" | "/*/*");
    if any_subdomain.is_some() || any_path {
        if !any_path {
            // "*.example.com/abc": a path on every subdomain is not a thing we match.
            return Err(unsupported());
        }
        return domain_value(host);
    }
    // Only a trailing "/*" on a path: everything under that directory.
    match tail.strip_suffix('*') {
        Some(dir) if dir.ends_with('/') && !dir.contains('*') && !dir.contains('?') => {
            url_value(&format!("{scheme}{host}{dir}"))
        }
        _ => Err(unsupported()),
    }
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    pub(in super::super) const SAMPLE: &str = r#"[
        {"url": "https://*.vietcombank-hotro.com/*", "_id": "65a4f0c2e1b2", "created_at": "2024-01-15T10:22:31.000Z"},
        {"url": "*.shopee-tri-an.vn", "type": "scam"},
        {"url": "http://nhan-qua-tet.online/*"},
        {"url": "https://dichvucong-gov.vn/nop-phat/*", "id": 42},
        {"url": "https://zalo-xac-minh.xyz/login.php?u=1"},
        {"url": "https://*.abc.*.com/"},
        {"url": "http://a.com/*/x"},
        {"link": "http://no-url.com"},
        {"url": 5},
        {"url": "*.1.2.3.4"}
    ]"#;

    #[test]
    fn wildcards_become_domains_or_prefixes() {
        let import = FeedFormat::ChongLuaDao.parse(SAMPLE.as_bytes()).unwrap();
        let got: Vec<(&str, String)> =
            import.indicators.iter().map(|i| (i.value.kind(), i.value.canonical())).collect();
        assert_eq!(
            got,
            [
                ("domain", "vietcombank-hotro.com".to_owned()),
                ("domain", "shopee-tri-an.vn".to_owned()),
                ("domain", "nhan-qua-tet.online".to_owned()),
                ("url", "https://dichvucong-gov.vn/nop-phat/".to_owned()),
                ("url", "https://zalo-xac-minh.xyz/login.php?u=1".to_owned()),
            ]
        );
        let first = &import.indicators[0];
        assert_eq!(first.category, FeedCategory::Fraud);
        assert_eq!(first.source_ref.as_deref(), Some("65a4f0c2e1b2"));
        assert_eq!(first.first_seen.unwrap().to_rfc3339(), "2024-01-15T10:22:31+00:00");
        assert_eq!(import.indicators[3].source_ref.as_deref(), Some("42"));
        let positions: Vec<usize> = import.skipped.iter().map(|p| p.position).collect();
        assert_eq!(positions, [6, 7, 8, 9, 10]);
        assert!(import.skipped[0].reason_en.starts_with("unsupported wildcard"));
        assert!(import.skipped[2].reason_vi.contains("url"));
        assert!(import.skipped[4].reason_en.contains("IP address"));
    }

    #[test]
    fn must_be_an_array() {
        for bad in [r#"{"url": "http://a.com/"}"#, "\"x\"", "null"] {
            assert_eq!(
                FeedFormat::ChongLuaDao.parse(bad.as_bytes()),
                Err(FeedError::WrongFormat(FeedFormat::ChongLuaDao))
            );
        }
        assert!(matches!(FeedFormat::ChongLuaDao.parse(b"[{\"url\": "), Err(FeedError::InvalidJson(_))));
        assert_eq!(FeedFormat::ChongLuaDao.parse(b"[]").unwrap(), FeedImport::default());
        // Deep nesting is refused by the JSON reader's recursion limit, not by a stack overflow.
        let deep = "[".repeat(100_000);
        assert!(matches!(FeedFormat::ChongLuaDao.parse(deep.as_bytes()), Err(FeedError::InvalidJson(_))));
    }
}
