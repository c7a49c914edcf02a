//! STIX 2.1 bundles: the `indicator` objects whose pattern is one of the
//! simple equality forms below are read; other objects are passed over.
//!
//! ```text
//! [url:value = 'http://example.com/']
//! [domain-name:value = 'example.com']
//! [x-khienmang-phone:value = '+84912345678']
//! [x-khienmang-bank-account:value = '970436:0011001234567']
//! [url:value = 'a' OR url:value = 'b']      (also [..] OR [..])
//! ```
//!
//! STIX has no object for phone numbers or bank accounts, so this project
//! uses the two custom object types above (STIX 2.1 §11.1: "x-" prefix,
//! lowercase, hyphens) with a single `value` property.

use serde_json::Value;

use super::{
    Collector, FeedCategory, FeedError, FeedFormat, FeedImport, Reason, bank_value, domain_value, indicator,
    parse_json, parse_time, phone_value, url_value,
};

/// The custom object type for phone numbers in patterns and observables.
pub(super) const PHONE_TYPE: &str = "x-khienmang-phone";
/// The custom object type for bank accounts ("BIN:number").
pub(super) const BANK_ACCOUNT_TYPE: &str = "x-khienmang-bank-account";
/// Longest pattern read; longer ones are not the simple forms taken here.
const MAX_PATTERN_BYTES: usize = 64 * 1024;

pub(super) fn parse(text: &str) -> Result<FeedImport, FeedError> {
    let json = parse_json(text)?;
    let objects = match (json.get("type").and_then(Value::as_str), json.get("objects")) {
        (Some("bundle"), Some(Value::Array(objects))) => objects.as_slice(),
        // A bundle may leave out "objects" when it has none.
        (Some("bundle"), None) => &[],
        _ => return Err(FeedError::WrongFormat(FeedFormat::Stix)),
    };
    let mut out = Collector::new();
    for (i, object) in objects.iter().enumerate() {
        out.next_row()?;
        let position = i + 1;
        if object.get("type").and_then(Value::as_str) != Some("indicator") {
            out.ignore();
            continue;
        }
        let text_field = |key: &str| object.get(key).and_then(Value::as_str);
        if object.get("revoked").and_then(Value::as_bool) == Some(true) {
            let reason =
                Reason::new("the indicator was revoked by its producer", "Chỉ báo đã bị bên cung cấp thu hồi.");
            out.skip(position, text_field("id"), reason);
            continue;
        }
        let pattern = text_field("pattern").unwrap_or("");
        if text_field("pattern_type") != Some("stix") {
            let reason = Reason::new(
                "unsupported pattern type: only STIX patterns are read",
                "Loại mẫu (pattern_type) không được hỗ trợ: chỉ đọc mẫu STIX.",
            );
            out.skip(position, Some(pattern), reason);
            continue;
        }
        let comparisons = match parse_pattern(pattern) {
            Some(comparisons) => comparisons,
            None => {
                let reason = Reason::new(
                    "unsupported pattern: only [url:value = '…'], [domain-name:value = '…'], [x-khienmang-phone:value = '…'] and [x-khienmang-bank-account:value = '…'], joined by OR, are read",
                    "Mẫu (pattern) không được hỗ trợ: chỉ đọc dạng [url:value = '…'], [domain-name:value = '…'], [x-khienmang-phone:value = '…'] và [x-khienmang-bank-account:value = '…'], nối bằng OR.",
                );
                out.skip(position, Some(pattern), reason);
                continue;
            }
        };
        let valid_until = match text_field("valid_until") {
            None => None,
            Some(t) => match parse_time(t) {
                Some(t) => Some(t),
                None => {
                    let reason =
                        Reason::new("valid_until is not a time", "Trường valid_until không phải thời điểm hợp lệ.");
                    out.skip(position, Some(t), reason);
                    continue;
                }
            },
        };
        let labels = object.get("labels").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
        let types = object.get("indicator_types").and_then(Value::as_array).into_iter().flatten();
        let category = FeedCategory::from_tags(labels.chain(types.filter_map(Value::as_str)));
        let first_seen = text_field("valid_from").or(text_field("created")).and_then(parse_time);
        let last_seen = text_field("modified").and_then(parse_time);
        let confidence = object.get("confidence").and_then(Value::as_u64).filter(|c| *c <= 100).map(|c| c as u8);
        for (object_type, value) in comparisons {
            let parsed = match object_type {
                ObjectType::Url => url_value(&value),
                ObjectType::DomainName => domain_value(&value),
                ObjectType::Phone => phone_value(&value),
                ObjectType::BankAccount => bank_value(&value),
            };
            match parsed {
                Ok(value) => out.push(super::FeedIndicator {
                    first_seen,
                    last_seen,
                    valid_until,
                    source_ref: text_field("id").map(str::to_owned),
                    confidence,
                    ..indicator(value, category)
                }),
                Err(reason) => out.skip(position, Some(&value), reason),
            }
        }
    }
    Ok(out.finish())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ObjectType {
    Url,
    DomainName,
    Phone,
    BankAccount,
}

impl ObjectType {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "url" => Some(ObjectType::Url),
            "domain-name" => Some(ObjectType::DomainName),
            PHONE_TYPE => Some(ObjectType::Phone),
            BANK_ACCOUNT_TYPE => Some(ObjectType::BankAccount),
            _ => None,
        }
    }
}

/// The pattern for one value, with `'` and `\` escaped as STIX requires.
pub(super) fn equality_pattern(object_type: &str, value: &str) -> String {
    format!("[{object_type}:value = '{}']", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Reads `[t:value = 's' OR …] OR [ … ]`; `None` for anything else
/// (AND, other operators or properties, qualifiers, unknown object types).
fn parse_pattern(pattern: &str) -> Option<Vec<(ObjectType, String)>> {
    if pattern.len() > MAX_PATTERN_BYTES {
        return None;
    }
    let mut cursor = Cursor { rest: pattern };
    let mut found = Vec::new();
    loop {
        cursor.expect("[")?;
        loop {
            let object_type = ObjectType::from_name(cursor.object_type()?)?;
            cursor.expect(":")?;
            cursor.keyword("value")?;
            cursor.expect("=")?;
            found.push((object_type, cursor.string()?));
            if cursor.expect("]").is_some() {
                break;
            }
            cursor.keyword("OR")?;
        }
        if cursor.at_end() {
            return Some(found);
        }
        cursor.keyword("OR")?;
    }
}

struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn at_end(&mut self) -> bool {
        self.skip_space();
        self.rest.is_empty()
    }

    fn expect(&mut self, token: &str) -> Option<()> {
        self.skip_space();
        self.rest = self.rest.strip_prefix(token)?;
        Some(())
    }

    /// A whole word: "OR" must not be the start of "ORDER".
    fn keyword(&mut self, word: &str) -> Option<()> {
        self.skip_space();
        let after = self.rest.strip_prefix(word)?;
        if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        self.rest = after;
        Some(())
    }

    fn object_type(&mut self) -> Option<&'a str> {
        self.skip_space();
        let end = self.rest.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))?;
        let (name, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(name).filter(|n| !n.is_empty())
    }

    /// A quoted string: `\'` is a quote and `\\` a backslash; any other
    /// escape is invalid in STIX patterns.
    fn string(&mut self) -> Option<String> {
        self.skip_space();
        let body = self.rest.strip_prefix('\'')?;
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\'' => {
                    self.rest = &body[i + 1..];
                    return Some(out);
                }
                '\\' => match chars.next()? {
                    (_, c @ ('\'' | '\\')) => out.push(c),
                    _ => return None,
                },
                c => out.push(c),
            }
        }
        None
    }
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    pub(in super::super) const SAMPLE: &str = r#"{
      "type": "bundle",
      "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
      "objects": [
        {"type": "identity", "spec_version": "2.1", "id": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
         "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "CERT", "identity_class": "organization"},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created": "2024-01-15T10:22:31.000Z", "modified": "2024-01-16T08:00:00.000Z",
         "name": "Phishing page", "indicator_types": ["malicious-activity"], "labels": ["phishing"],
         "pattern": "[url:value = 'https://vietcombank-xacthuc.top/login']", "pattern_type": "stix",
         "valid_from": "2024-01-15T10:22:31Z", "valid_until": "2024-04-15T10:22:31Z", "confidence": 85},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--a1",
         "created": "2024-01-15T10:22:31.000Z", "modified": "2024-01-15T10:22:31.000Z",
         "pattern": "[domain-name:value = 'shopee-tri-an.vn' OR domain-name:value = 'x\\'y.com'] OR [x-khienmang-phone:value = '0912 345 678']",
         "pattern_type": "stix", "valid_from": "2024-01-15T10:22:31Z", "labels": ["fraud"]},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--a2", "created": "2024-01-15T10:22:31.000Z",
         "modified": "2024-01-15T10:22:31.000Z", "pattern_type": "stix", "valid_from": "2024-01-15T10:22:31Z",
         "pattern": "[x-khienmang-bank-account:value = '970436:0011001234567']"},
        {"type": "indicator", "id": "indicator--a3", "pattern_type": "stix", "valid_from": "2024-01-15T10:22:31Z",
         "pattern": "[ipv4-addr:value = '198.51.100.1']"},
        {"type": "indicator", "id": "indicator--a4", "pattern_type": "snort", "pattern": "alert tcp any any -> any any"},
        {"type": "indicator", "id": "indicator--a5", "pattern_type": "stix", "revoked": true,
         "pattern": "[url:value = 'http://old.example/']"},
        {"type": "indicator", "id": "indicator--a6", "pattern_type": "stix",
         "pattern": "[url:value = 'http://a.example/' AND url:value = 'http://b.example/']"},
        {"type": "malware", "id": "malware--1", "name": "x", "is_family": false},
        "not an object"
      ]
    }"#;

    #[test]
    fn reads_indicators() {
        let import = FeedFormat::Stix.parse(SAMPLE.as_bytes()).unwrap();
        let got: Vec<(&str, String)> =
            import.indicators.iter().map(|i| (i.value.kind(), i.value.canonical())).collect();
        assert_eq!(
            got,
            [
                ("url", "https://vietcombank-xacthuc.top/login".to_owned()),
                ("domain", "shopee-tri-an.vn".to_owned()),
                ("phone", "+84912345678".to_owned()),
                ("bank_account", "970436:0011001234567".to_owned()),
            ]
        );
        let url = &import.indicators[0];
        assert_eq!(url.category, FeedCategory::Phishing);
        assert_eq!(url.first_seen.unwrap().to_rfc3339(), "2024-01-15T10:22:31+00:00");
        assert_eq!(url.last_seen.unwrap().to_rfc3339(), "2024-01-16T08:00:00+00:00");
        assert_eq!(url.valid_until.unwrap().to_rfc3339(), "2024-04-15T10:22:31+00:00");
        assert_eq!(url.confidence, Some(85));
        assert_eq!(url.source_ref.as_deref(), Some("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
        assert_eq!(import.indicators[1].category, FeedCategory::Fraud);
        assert_eq!(import.indicators[3].category, FeedCategory::Other);
        assert_eq!(import.ignored, 3);
        let skipped: Vec<(usize, &str)> =
            import.skipped.iter().map(|p| (p.position, p.reason_en.split(':').next().unwrap())).collect();
        assert_eq!(
            skipped,
            [
                (3, "invalid domain name"),
                (5, "unsupported pattern"),
                (6, "unsupported pattern type"),
                (7, "the indicator was revoked by its producer"),
                (8, "unsupported pattern"),
            ]
        );
        assert_eq!(import.skipped[0].value.as_deref(), Some("x'y.com"));
    }

    #[test]
    fn must_be_a_bundle() {
        for bad in [r#"{"type": "indicator"}"#, r#"{"objects": []}"#, r#"{"type": "bundle", "objects": {}}"#, "[]"] {
            assert_eq!(FeedFormat::Stix.parse(bad.as_bytes()), Err(FeedError::WrongFormat(FeedFormat::Stix)), "{bad}");
        }
        assert_eq!(FeedFormat::Stix.parse(br#"{"type": "bundle", "id": "bundle--1"}"#).unwrap(), FeedImport::default());
    }

    #[test]
    fn patterns() {
        let p =
            |s: &str| parse_pattern(s).map(|v| v.into_iter().map(|(t, s)| format!("{t:?}={s}")).collect::<Vec<_>>());
        assert_eq!(p("[url:value = 'http://a/']").unwrap(), ["Url=http://a/"]);
        assert_eq!(p("  [ url:value='a\\'b\\\\c' ]  ").unwrap(), ["Url=a'b\\c"]);
        assert_eq!(p("[url:value = 'a' OR domain-name:value = 'b']").unwrap(), ["Url=a", "DomainName=b"]);
        assert_eq!(p("[url:value = 'a'] OR [url:value = 'b']").unwrap(), ["Url=a", "Url=b"]);
        assert_eq!(p("[url:value = ']OR['] ").unwrap(), ["Url=]OR["]);
        for bad in [
            "",
            "[]",
            "url:value = 'a'",
            "[url:value = 'a'",
            "[url:value = 'a]",
            "[url:value != 'a']",
            "[url:value LIKE 'a%']",
            "[url:value = 'a\\n']",
            "[URL:value = 'a']",
            "[url:name = 'a']",
            "[url:value = 'a' AND url:value = 'b']",
            "[url:value = 'a'] AND [url:value = 'b']",
            "[url:value = 'a'] WITHIN 5 SECONDS",
            "[url:value = 'a' ORx url:value = 'b']",
            "[url:value = 'a'] OR",
            "[file:hashes.'SHA-256' = 'ab']",
            "[x-khienmang-phone:value = 12]",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn escaping_round_trips(value in "\\PC{0,40}") {
            let pattern = equality_pattern("url", &value);
            prop_assert_eq!(parse_pattern(&pattern), Some(vec![(ObjectType::Url, value)]));
        }

        #[test]
        fn patterns_never_panic(pattern in "[\\[\\]'\\\\ a-z:=OR-]{0,60}") {
            let _ = parse_pattern(&pattern);
        }
    }
}
