//! MISP events in MISP's JSON format: `{"Event": {...}}`, a bare event, a
//! list of either, or a REST search answer `{"response": [...]}`. The
//! attributes of the event and of its objects are read; those of types
//! tracked here become indicators, the rest (hashes, IP addresses, …) are
//! passed over.

use serde_json::Value;

use super::{
    Collector, FeedCategory, FeedError, FeedFormat, FeedImport, FeedIndicator, Reason, bank_value, domain_value,
    indicator, json_text, parse_json, parse_time, phone_value, url_value,
};

pub(super) fn parse(text: &str) -> Result<FeedImport, FeedError> {
    let json = parse_json(text)?;
    let events = events(&json).ok_or(FeedError::WrongFormat(FeedFormat::Misp))?;
    let mut out = Collector::new();
    let mut position = 0;
    for event in events {
        let event_tags = tag_names(event);
        let event_date = json_text(event, "date").and_then(|d| parse_time(&d));
        let objects = event.get("Object").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let groups = std::iter::once((event, attributes(event))).chain(objects.iter().map(|o| (o, attributes(o))));
        for (holder, attributes) in groups {
            for attribute in attributes {
                out.next_row()?;
                position += 1;
                read_attribute(&mut out, position, attribute, holder, &event_tags, event_date);
            }
        }
    }
    Ok(out.finish())
}

/// The events in any of the accepted shapes; `None` when there are none.
fn events(json: &Value) -> Option<Vec<&Value>> {
    fn unwrap(v: &Value) -> Option<&Value> {
        match v.get("Event") {
            Some(event @ Value::Object(_)) => Some(event),
            Some(_) => None,
            None if v.get("Attribute").is_some() || v.get("Object").is_some() => Some(v),
            None => None,
        }
    }
    let list = match json {
        Value::Array(items) => items.as_slice(),
        Value::Object(map) => match map.get("response") {
            Some(Value::Array(items)) => items.as_slice(),
            _ => return unwrap(json).map(|e| vec![e]),
        },
        _ => return None,
    };
    let events: Vec<&Value> = list.iter().filter_map(unwrap).collect();
    // An empty list is an empty feed; a list of other things is not MISP.
    (events.len() == list.len()).then_some(events)
}

fn attributes(holder: &Value) -> &[Value] {
    holder.get("Attribute").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn tag_names(holder: &Value) -> Vec<String> {
    let tags = holder.get("Tag").and_then(Value::as_array).into_iter().flatten();
    tags.filter_map(|t| t.get("name").and_then(Value::as_str)).map(str::to_owned).collect()
}

fn read_attribute(
    out: &mut Collector,
    position: usize,
    attribute: &Value,
    holder: &Value,
    event_tags: &[String],
    event_date: Option<chrono::DateTime<chrono::Utc>>,
) {
    let text = |key: &str| attribute.get(key).and_then(Value::as_str);
    if attribute.get("deleted").and_then(Value::as_bool) == Some(true) {
        out.ignore();
        return;
    }
    let Some(raw) = text("value") else {
        match text("type") {
            Some(kind) if tracked(kind) => {
                out.skip(position, None, Reason::new("the attribute has no value", "Thuộc tính không có giá trị."))
            }
            _ => out.ignore(),
        }
        return;
    };
    let parsed = match text("type").unwrap_or("") {
        "url" | "link" => url_value(raw),
        "domain" | "hostname" => domain_value(raw),
        "phone-number" | "whois-registrant-phone" => phone_value(raw),
        "iban" | "bank-account-nr" => bank_value(raw),
        _ => {
            out.ignore();
            return;
        }
    };
    let value = match parsed {
        Ok(value) => value,
        Err(reason) => return out.skip(position, Some(raw), reason),
    };
    let attribute_tags = tag_names(attribute);
    let tags = attribute_tags.iter().chain(event_tags).map(String::as_str);
    let category = FeedCategory::from_tags(tags.chain(text("category")));
    // Attribute times first, then the object's, then the event's.
    let time = |key: &str| {
        [attribute, holder]
            .iter()
            .find_map(|h| json_text(h, key).filter(|t| !t.trim().is_empty()))
            .and_then(|t| parse_time(&t))
    };
    out.push(FeedIndicator {
        first_seen: time("first_seen").or(event_date),
        last_seen: time("last_seen").or_else(|| time("timestamp")),
        source_ref: text("uuid").map(str::to_owned),
        ..indicator(value, category)
    });
}

fn tracked(kind: &str) -> bool {
    matches!(
        kind,
        "url" | "link" | "domain" | "hostname" | "phone-number" | "whois-registrant-phone" | "iban" | "bank-account-nr"
    )
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    pub(in super::super) const SAMPLE: &str = r#"{
      "Event": {
        "id": "1234", "uuid": "5f1c6a2e-0b7c-4f3e-9a51-0c9d2a4e8b10", "info": "Lừa đảo giả danh ngân hàng",
        "date": "2024-01-10", "threat_level_id": "2", "analysis": "1",
        "Tag": [{"name": "tlp:clear"}, {"name": "misp-galaxy:financial-fraud=\"Phishing\""}],
        "Attribute": [
          {"type": "url", "category": "Network activity", "to_ids": true, "uuid": "a-1",
           "timestamp": "1705314151", "value": "https://vietcombank-xacthuc.top/login"},
          {"type": "domain", "category": "Network activity", "to_ids": false, "uuid": "a-2",
           "timestamp": 1705314151, "first_seen": "2024-01-12T08:00:00.000000+00:00", "value": "Shopee-Tri-An.vn"},
          {"type": "phone-number", "category": "Financial fraud", "uuid": "a-3", "timestamp": "1705314151",
           "value": "0912.345.678", "Tag": [{"name": "scam"}]},
          {"type": "bank-account-nr", "category": "Financial fraud", "uuid": "a-4", "value": "Vietcombank 0011001234567"},
          {"type": "iban", "category": "Financial fraud", "uuid": "a-5", "value": "970418:12345678"},
          {"type": "bank-account-nr", "category": "Financial fraud", "uuid": "a-6", "value": "0011001234567"},
          {"type": "ip-dst", "category": "Network activity", "value": "198.51.100.7"},
          {"type": "md5", "category": "Payload delivery", "value": "d41d8cd98f00b204e9800998ecf8427e"},
          {"type": "url", "deleted": true, "value": "http://deleted.example/"},
          {"type": "hostname", "value": "1.2.3.4"}
        ],
        "Object": [
          {"name": "url", "meta-category": "network", "first_seen": "2024-01-11T00:00:00Z",
           "Attribute": [
             {"type": "url", "object_relation": "url", "uuid": "o-1", "value": "http://nhan-qua-tet.online/app.apk",
              "category": "Payload delivery", "Tag": [{"name": "malware"}]},
             {"type": "text", "object_relation": "scheme", "value": "http"}
           ]},
          {"name": "empty"}
        ]
      }
    }"#;

    #[test]
    fn reads_event_and_object_attributes() {
        let import = FeedFormat::Misp.parse(SAMPLE.as_bytes()).unwrap();
        let got: Vec<(&str, String, FeedCategory)> =
            import.indicators.iter().map(|i| (i.value.kind(), i.value.canonical(), i.category)).collect();
        assert_eq!(
            got,
            [
                ("url", "https://vietcombank-xacthuc.top/login".to_owned(), FeedCategory::Phishing),
                ("domain", "shopee-tri-an.vn".to_owned(), FeedCategory::Phishing),
                ("phone", "+84912345678".to_owned(), FeedCategory::Fraud),
                ("bank_account", "970436:0011001234567".to_owned(), FeedCategory::Phishing),
                ("bank_account", "970418:12345678".to_owned(), FeedCategory::Phishing),
                ("url", "http://nhan-qua-tet.online/app.apk".to_owned(), FeedCategory::Malware),
            ]
        );
        let url = &import.indicators[0];
        assert_eq!(url.last_seen.unwrap().to_rfc3339(), "2024-01-15T10:22:31+00:00");
        assert_eq!(url.first_seen.unwrap().to_rfc3339(), "2024-01-10T00:00:00+00:00");
        assert_eq!(url.source_ref.as_deref(), Some("a-1"));
        let domain = &import.indicators[1];
        assert_eq!(domain.first_seen.unwrap().to_rfc3339(), "2024-01-12T08:00:00+00:00");
        assert_eq!(domain.last_seen.unwrap().to_rfc3339(), "2024-01-15T10:22:31+00:00");
        assert_eq!(import.indicators[5].first_seen.unwrap().to_rfc3339(), "2024-01-11T00:00:00+00:00");
        assert_eq!(import.ignored, 4);
        let skipped: Vec<(usize, Option<&str>)> =
            import.skipped.iter().map(|p| (p.position, p.value.as_deref())).collect();
        assert_eq!(skipped, [(6, Some("0011001234567")), (10, Some("1.2.3.4"))]);
        assert!(import.skipped[0].reason_vi.contains("tên ngân hàng"));
    }

    #[test]
    fn accepts_every_event_shape() {
        let event = r#"{"Attribute": [{"type": "domain", "value": "a-scam.vn"}]}"#;
        for shape in [
            event.to_owned(),
            format!(r#"{{"Event": {event}}}"#),
            format!(r#"[{{"Event": {event}}}, {{"Event": {event}}}]"#),
            format!(r#"{{"response": [{{"Event": {event}}}]}}"#),
        ] {
            let import = FeedFormat::Misp.parse(shape.as_bytes()).unwrap();
            assert!(!import.indicators.is_empty(), "{shape}");
            assert!(import.indicators.iter().all(|i| i.value.canonical() == "a-scam.vn"));
        }
        assert_eq!(FeedFormat::Misp.parse(b"[]").unwrap(), FeedImport::default());
        for bad in [r#"{"type": "bundle"}"#, r#"[{"Event": 1}]"#, r#"[{"url": "x"}]"#, "1", r#"{"Event": []}"#] {
            assert_eq!(FeedFormat::Misp.parse(bad.as_bytes()), Err(FeedError::WrongFormat(FeedFormat::Misp)), "{bad}");
        }
    }
}
