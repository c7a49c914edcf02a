//! The project's own list, for others to take: a STIX 2.1 bundle, and a
//! plain CSV or JSON feed that [`super::sign`] signs.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::stix::{BANK_ACCOUNT_TYPE, PHONE_TYPE, equality_pattern};

/// The producer named in every bundle.
pub const PRODUCER_NAME: &str =
    "Ban Chỉ đạo phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng / Khiên Mạng";

/// Mixed into every id, so that ids are this project's own: the same
/// indicator keeps the same id from one export to the next.
const ID_NAMESPACE: &[u8; 16] = &0xbd464cdd_b97c_442b_af8b_1c0efd8cb9fbu128.to_be_bytes();
/// The identity never changes, so its timestamps are fixed.
const IDENTITY_CREATED: &str = "2025-01-01T00:00:00.000Z";
/// STIX 2.1's predefined TLP:WHITE marking (§7.2.1.4): the feed is public.
const TLP_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";

/// What an exported indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Phone,
    BankAccount,
    Url,
    Domain,
}

impl ExportKind {
    /// "phone", "bank_account", "url", "domain".
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Phone => "phone",
            ExportKind::BankAccount => "bank_account",
            ExportKind::Url => "url",
            ExportKind::Domain => "domain",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [ExportKind::Phone, ExportKind::BankAccount, ExportKind::Url, ExportKind::Domain]
            .into_iter()
            .find(|k| k.as_str() == name)
    }

    fn stix_type(self) -> &'static str {
        match self {
            ExportKind::Phone => PHONE_TYPE,
            ExportKind::BankAccount => BANK_ACCOUNT_TYPE,
            ExportKind::Url => "url",
            ExportKind::Domain => "domain-name",
        }
    }
}

/// How sure the project is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportState {
    /// Confirmed as a scam.
    Scam,
    /// Reported, not yet confirmed.
    Suspicious,
}

impl ExportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportState::Scam => "scam",
            ExportState::Suspicious => "suspicious",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [ExportState::Scam, ExportState::Suspicious].into_iter().find(|s| s.as_str() == name)
    }

    /// STIX 2.1 indicator-type-ov.
    fn indicator_type(self) -> &'static str {
        match self {
            ExportState::Scam => "malicious-activity",
            ExportState::Suspicious => "anomalous-activity",
        }
    }
}

/// One entry of the exported list. `value` is the canonical text of its
/// kind (E.164, "BIN:number", canonical URL, ASCII domain name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportIndicator {
    pub kind: ExportKind,
    pub value: String,
    pub state: ExportState,
    /// The report category ("fraud", "black_market_lending", …).
    pub category: String,
    pub reports: u32,
    #[serde(serialize_with = "rfc3339")]
    pub first_seen: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub last_seen: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339_opt")]
    pub valid_until: Option<DateTime<Utc>>,
}

impl ExportIndicator {
    /// "phone:+84912345678", what the STIX id is derived from.
    fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.value)
    }
}

fn seconds(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// STIX wants millisecond precision on created and modified.
fn millis(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&seconds(t))
}

fn rfc3339_opt<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&seconds(t)),
        None => s.serialize_none(),
    }
}

/// `type--UUID` from a SHA-256 of the name, marked as version 4: STIX 2.1
/// (§2.9) recommends UUIDv4 for these objects, and the validator warns on
/// anything else, while a hash keeps the id stable across exports.
fn stix_id(object_type: &str, name: &str) -> String {
    let hash = Sha256::new().chain_update(ID_NAMESPACE).chain_update(name.as_bytes()).finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    format!("{object_type}--{}", uuid::Builder::from_random_bytes(bytes).into_uuid())
}

/// A STIX 2.1 bundle: the producer's `identity`, then one `indicator` per
/// entry. Indicator ids are derived from the kind and value, so re-exports
/// update rather than duplicate; `created`/`valid_from` are the first
/// report, `modified` the last. Phones and bank accounts use the custom
/// patterns `[x-khienmang-phone:value = '…']` and
/// `[x-khienmang-bank-account:value = '…']`.
pub fn stix_bundle(indicators: &[ExportIndicator], now: DateTime<Utc>) -> Value {
    let identity_id = stix_id("identity", "khienmang");
    let identity = json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id,
        "created": IDENTITY_CREATED,
        "modified": IDENTITY_CREATED,
        "name": PRODUCER_NAME,
        "identity_class": "organization",
    });
    let mut objects = vec![identity];
    let mut digest = Sha256::new();
    for indicator in indicators {
        let key = indicator.key();
        digest.update(key.as_bytes());
        digest.update(b"\n");
        // valid_until must come after valid_from; an entry that expired the
        // moment it was first seen starts a millisecond earlier.
        let valid_from = match indicator.valid_until {
            Some(until) if until <= indicator.first_seen => {
                until.checked_sub_signed(chrono::Duration::milliseconds(1)).unwrap_or(until)
            }
            _ => indicator.first_seen,
        };
        let modified = indicator.last_seen.max(indicator.first_seen);
        let category = indicator.category.trim();
        let labels: Vec<&str> = [category, indicator.state.as_str()].into_iter().filter(|l| !l.is_empty()).collect();
        let mut object = json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": stix_id("indicator", &key),
            "created_by_ref": identity_id,
            "created": millis(&indicator.first_seen),
            "modified": millis(&modified),
            "name": format!("{}: {}", indicator.kind.as_str(), indicator.value),
            "description": format!(
                "{} report(s) to Khiên Mạng; {}, category {}.",
                indicator.reports,
                indicator.state.as_str(),
                indicator.category
            ),
            "indicator_types": [indicator.state.indicator_type()],
            "pattern": equality_pattern(indicator.kind.stix_type(), &indicator.value),
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": millis(&valid_from),
            "labels": labels,
            "object_marking_refs": [TLP_WHITE],
        });
        if let (Some(until), Value::Object(map)) = (indicator.valid_until, &mut object) {
            map.insert("valid_until".to_owned(), Value::String(millis(&until)));
        }
        objects.push(object);
    }
    // The bundle id changes with the time and the content, not between two
    // identical exports made at the same instant.
    digest.update(millis(&now).as_bytes());
    let bundle_id = stix_id("bundle", &hex::encode(digest.finalize()));
    json!({ "type": "bundle", "id": bundle_id, "objects": objects })
}

/// The CSV feed: header `kind,value,state,category,reports,first_seen,
/// last_seen,valid_until`, CRLF line ends and RFC 4180 quoting, times in
/// RFC 3339 UTC to the second, `valid_until` empty when the entry does not
/// expire. Values are written as they are: a phone starts with "+", which
/// spreadsheets may take for a formula, so open the file as text there.
pub fn feed_csv(indicators: &[ExportIndicator]) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let header = ["kind", "value", "state", "category", "reports", "first_seen", "last_seen", "valid_until"];
    // Writing into memory cannot fail; the results are checked all the same
    // and a failure gives an empty (and so unverifiable) body rather than a
    // partial one.
    let mut ok = writer.write_record(header).is_ok();
    for i in indicators {
        let reports = i.reports.to_string();
        let (first, last) = (seconds(&i.first_seen), seconds(&i.last_seen));
        let until = i.valid_until.as_ref().map(seconds).unwrap_or_default();
        let row = [i.kind.as_str(), &i.value, i.state.as_str(), &i.category, &reports, &first, &last, &until];
        ok &= writer.write_record(row).is_ok();
    }
    match writer.into_inner() {
        Ok(bytes) if ok => String::from_utf8(bytes).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The JSON feed: `{"version": 1, "count": n, "indicators": [{"kind",
/// "value", "state", "category", "reports", "first_seen", "last_seen",
/// "valid_until"}]}`, times as in [`feed_csv`], `valid_until` null when the
/// entry does not expire.
pub fn feed_json(indicators: &[ExportIndicator]) -> String {
    json!({ "version": 1, "count": indicators.len(), "indicators": indicators }).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::super::{FeedFormat, FeedValue};
    use super::*;
    use crate::scamcheck::{BANKS, BankAccount, CanonicalUrl, Domain, PhoneNumber};
    use chrono::TimeZone;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, day, 10, 22, 31).unwrap()
    }

    fn entry(kind: ExportKind, value: &str) -> ExportIndicator {
        ExportIndicator {
            kind,
            value: value.to_owned(),
            state: ExportState::Scam,
            category: "fraud".to_owned(),
            reports: 3,
            first_seen: at(10),
            last_seen: at(15),
            valid_until: Some(at(30)),
        }
    }

    fn sample() -> Vec<ExportIndicator> {
        vec![
            entry(ExportKind::Phone, "+84912345678"),
            ExportIndicator {
                state: ExportState::Suspicious,
                valid_until: None,
                ..entry(ExportKind::BankAccount, "970436:0011001234567")
            },
            entry(ExportKind::Url, "https://vietcombank-xacthuc.top/it's\\here?a=1,2"),
            ExportIndicator {
                category: "black_market_lending".into(),
                ..entry(ExportKind::Domain, "vay-nhanh-24h.online")
            },
        ]
    }

    #[test]
    fn bundle_shape() {
        let bundle = stix_bundle(&sample(), at(20));
        assert_eq!(bundle["type"], "bundle");
        assert!(bundle["id"].as_str().unwrap().starts_with("bundle--"));
        let objects = bundle["objects"].as_array().unwrap();
        assert_eq!(objects.len(), 5);
        let identity = &objects[0];
        assert_eq!(
            (identity["type"].as_str(), identity["identity_class"].as_str()),
            (Some("identity"), Some("organization"))
        );
        assert_eq!(identity["name"], PRODUCER_NAME);
        let phone = &objects[1];
        assert_eq!(phone["pattern"], "[x-khienmang-phone:value = '+84912345678']");
        assert_eq!(phone["created_by_ref"], identity["id"]);
        assert_eq!(phone["created"], "2024-01-10T10:22:31.000Z");
        assert_eq!(phone["modified"], "2024-01-15T10:22:31.000Z");
        assert_eq!(phone["valid_from"], "2024-01-10T10:22:31.000Z");
        assert_eq!(phone["valid_until"], "2024-01-30T10:22:31.000Z");
        assert_eq!(phone["indicator_types"], json!(["malicious-activity"]));
        assert_eq!(phone["labels"], json!(["fraud", "scam"]));
        let account = &objects[2];
        assert_eq!(account["pattern"], "[x-khienmang-bank-account:value = '970436:0011001234567']");
        assert_eq!(account["indicator_types"], json!(["anomalous-activity"]));
        assert!(account.get("valid_until").is_none());
        assert_eq!(objects[3]["pattern"], r"[url:value = 'https://vietcombank-xacthuc.top/it\'s\\here?a=1,2']");
        assert_eq!(objects[4]["pattern"], "[domain-name:value = 'vay-nhanh-24h.online']");
        // Ids depend on the indicator only; the bundle id on time and content.
        let again = stix_bundle(&sample()[1..], at(21));
        assert_eq!(again["objects"][1]["id"], account["id"]);
        assert_eq!(again["objects"][0]["id"], identity["id"]);
        assert_ne!(again["id"], bundle["id"]);
        assert_eq!(stix_bundle(&sample(), at(20)), bundle);
        let ids: BTreeSet<&str> = objects.iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), objects.len());
        for id in ids {
            let uuid = uuid::Uuid::parse_str(id.split_once("--").unwrap().1).unwrap();
            assert_eq!((uuid.get_version_num(), uuid.get_variant()), (4, uuid::Variant::RFC4122), "{id}");
        }
    }

    #[test]
    fn expired_at_first_sight_still_valid_stix() {
        let e = ExportIndicator { valid_until: Some(at(10)), ..entry(ExportKind::Domain, "a-scam.vn") };
        let bundle = stix_bundle(&[e], at(20));
        let indicator = &bundle["objects"][1];
        assert_eq!(indicator["valid_from"], "2024-01-10T10:22:30.999Z");
        assert_eq!(indicator["valid_until"], "2024-01-10T10:22:31.000Z");
    }

    #[test]
    fn bundle_round_trips_through_the_importer() {
        let text = stix_bundle(&sample(), at(20)).to_string();
        let import = FeedFormat::Stix.parse(text.as_bytes()).unwrap();
        assert!(import.skipped.is_empty(), "{:?}", import.skipped);
        assert_eq!(import.ignored, 1);
        let got: Vec<(&str, String)> =
            import.indicators.iter().map(|i| (i.value.kind(), i.value.canonical())).collect();
        let want: Vec<(&str, String)> = sample().iter().map(|e| (e.kind.as_str(), e.value.clone())).collect();
        assert_eq!(got, want);
        let phone = &import.indicators[0];
        assert_eq!((phone.first_seen, phone.last_seen, phone.valid_until), (Some(at(10)), Some(at(15)), Some(at(30))));
        assert_eq!(phone.category, super::super::FeedCategory::Fraud);
        assert_eq!(import.indicators[1].valid_until, None);
    }

    #[test]
    fn csv_feed() {
        let csv = feed_csv(&sample());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "kind,value,state,category,reports,first_seen,last_seen,valid_until");
        assert_eq!(
            lines[1],
            "phone,+84912345678,scam,fraud,3,2024-01-10T10:22:31Z,2024-01-15T10:22:31Z,2024-01-30T10:22:31Z"
        );
        assert_eq!(
            lines[2],
            "bank_account,970436:0011001234567,suspicious,fraud,3,2024-01-10T10:22:31Z,2024-01-15T10:22:31Z,"
        );
        assert!(lines[3].starts_with("url,\"https://vietcombank-xacthuc.top/it's\\here?a=1,2\",scam,"));
        assert_eq!((lines.len(), lines[5]), (6, ""));
        // Read back with the csv crate: the same fields.
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let values: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
        assert_eq!(values, sample().iter().map(|e| e.value.clone()).collect::<Vec<_>>());
        assert_eq!(feed_csv(&[]), "kind,value,state,category,reports,first_seen,last_seen,valid_until\r\n");
    }

    #[test]
    fn json_feed() {
        let json: Value = serde_json::from_str(&feed_json(&sample())).unwrap();
        assert_eq!((json["version"].as_u64(), json["count"].as_u64()), (Some(1), Some(4)));
        let first = &json["indicators"][0];
        assert_eq!(
            *first,
            json!({
                "kind": "phone", "value": "+84912345678", "state": "scam", "category": "fraud", "reports": 3,
                "first_seen": "2024-01-10T10:22:31Z", "last_seen": "2024-01-15T10:22:31Z",
                "valid_until": "2024-01-30T10:22:31Z"
            })
        );
        assert_eq!(json["indicators"][1]["valid_until"], Value::Null);
        assert_eq!(json["indicators"][1]["kind"], "bank_account");
    }

    #[test]
    fn names() {
        for kind in [ExportKind::Phone, ExportKind::BankAccount, ExportKind::Url, ExportKind::Domain] {
            assert_eq!(ExportKind::from_name(kind.as_str()), Some(kind));
        }
        for state in [ExportState::Scam, ExportState::Suspicious] {
            assert_eq!(ExportState::from_name(state.as_str()), Some(state));
        }
        assert_eq!((ExportKind::from_name("ip"), ExportState::from_name("safe")), (None, None));
    }

    const MOBILE_PREFIXES: [&str; 12] = ["90", "91", "93", "94", "96", "97", "98", "86", "32", "70", "83", "56"];

    fn values() -> impl Strategy<Value = FeedValue> {
        let phone = (prop::sample::select(MOBILE_PREFIXES.to_vec()), "[0-9]{7}")
            .prop_filter_map("allocated", |(p, rest)| PhoneNumber::parse(&format!("0{p}{rest}")).ok())
            .prop_map(FeedValue::Phone);
        let account = (prop::sample::select(BANKS.iter().map(|b| b.bin).collect::<Vec<_>>()), "[0-9]{6,19}")
            .prop_map(|(bin, n)| FeedValue::BankAccount(BankAccount::parse(bin, &n).unwrap()));
        let tlds = vec!["vn", "com.vn", "com", "xyz", "top", "online", "gov.vn", "github.io"];
        let domain = ("[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\\.[a-z0-9]{1,10}){0,2}", prop::sample::select(tlds))
            .prop_filter_map("valid", |(name, tld)| Domain::parse(&format!("{name}.{tld}")).ok());
        let url = (domain.clone(), "(/[a-zA-Z0-9._~!$&'()*+,;=:@\\\\-]{0,12}){0,3}", "(\\?[a-z0-9=&']{0,10})?")
            .prop_filter_map("valid", |(d, path, query)| {
                CanonicalUrl::parse(&format!("https://{d}{path}{query}")).ok()
            });
        prop_oneof![phone, account, domain.prop_map(FeedValue::Domain), url.prop_map(FeedValue::Url)]
    }

    proptest! {
        #[test]
        fn export_import_round_trip(values in prop::collection::vec(values(), 0..12)) {
            let entries: Vec<ExportIndicator> = values
                .iter()
                .map(|v| entry(ExportKind::from_name(v.kind()).unwrap(), &v.canonical()))
                .collect();
            let text = stix_bundle(&entries, at(20)).to_string();
            let import = FeedFormat::Stix.parse(text.as_bytes()).unwrap();
            prop_assert!(import.skipped.is_empty(), "{:?}", import.skipped);
            let got: Vec<&FeedValue> = import.indicators.iter().map(|i| &i.value).collect();
            prop_assert_eq!(got, values.iter().collect::<Vec<_>>());
        }
    }
}
