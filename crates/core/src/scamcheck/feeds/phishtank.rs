//! PhishTank's CSV dump (`online-valid.csv`): one row per reported page,
//! of which only those the community verified as phishing are taken.

use super::{Collector, FeedCategory, FeedError, FeedFormat, FeedImport, indicator, parse_time, url_value};

const HEADER: [&str; 8] =
    ["phish_id", "url", "phish_detail_url", "submission_time", "verified", "verification_time", "online", "target"];

pub(super) fn parse(text: &str) -> Result<FeedImport, FeedError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => return Err(FeedError::WrongFormat(FeedFormat::PhishTank)),
    };
    let header: Vec<&str> = header.iter().map(str::trim).collect();
    // Columns are found by name, so a reordered export still reads.
    if !HEADER.iter().all(|name| header.contains(name)) {
        return Err(FeedError::WrongFormat(FeedFormat::PhishTank));
    }
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (id, url, detail, submitted, verified, verified_at) = (
        column("phish_id"),
        column("url"),
        column("phish_detail_url"),
        column("submission_time"),
        column("verified"),
        column("verification_time"),
    );
    let mut out = Collector::new();
    for record in records {
        out.next_row()?;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                out.skip(line, None, super::Reason::new("unreadable CSV row", "Dòng CSV không đọc được."));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        if !field(verified).eq_ignore_ascii_case("yes") {
            out.ignore();
            continue;
        }
        let raw = field(url);
        match url_value(raw) {
            Ok(value) => {
                let mut found = indicator(value, FeedCategory::Phishing);
                found.first_seen = parse_time(field(submitted));
                found.last_seen = parse_time(field(verified_at));
                let source =
                    Some(field(detail)).filter(|d| !d.is_empty()).or(Some(field(id)).filter(|i| !i.is_empty()));
                found.source_ref = source.map(str::to_owned);
                out.push(found);
            }
            Err(reason) => out.skip(line, Some(raw), reason),
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::super::FeedValue;
    use super::*;

    pub(in super::super) const SAMPLE: &str = "\u{feff}phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target
8412345,https://vietcombank-xacthuc.top/login?id=1,http://www.phishtank.com/phish_detail.php?phish_id=8412345,2024-01-15T10:22:31+00:00,yes,2024-01-15T10:40:02+00:00,yes,Other
8412346,\"http://example-shop.xyz/a,b\",http://www.phishtank.com/phish_detail.php?phish_id=8412346,2024-01-15T11:00:00+00:00,no,,yes,Other
8412347,javascript:alert(1),http://www.phishtank.com/phish_detail.php?phish_id=8412347,2024-01-15T11:00:00+00:00,yes,2024-01-15T12:00:00+00:00,yes,Other
8412348,http://MBBANK-hotro.com:8080/./a/../b/,,2024-01-16T01:02:03+00:00,yes,not a time,no,MB Bank
";

    #[test]
    fn reads_verified_rows() {
        let import = FeedFormat::PhishTank.parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(import.indicators.len(), 2);
        assert_eq!(import.ignored, 1);
        let first = &import.indicators[0];
        assert_eq!(
            first.value,
            FeedValue::Url(
                crate::scamcheck::CanonicalUrl::parse("https://vietcombank-xacthuc.top/login?id=1").unwrap()
            )
        );
        assert_eq!(first.category, FeedCategory::Phishing);
        assert_eq!(first.first_seen.unwrap().to_rfc3339(), "2024-01-15T10:22:31+00:00");
        assert_eq!(first.last_seen.unwrap().to_rfc3339(), "2024-01-15T10:40:02+00:00");
        assert_eq!(first.source_ref.as_deref(), Some("http://www.phishtank.com/phish_detail.php?phish_id=8412345"));
        let second = &import.indicators[1];
        assert_eq!(second.value.canonical(), "http://mbbank-hotro.com/b/");
        assert_eq!(second.source_ref.as_deref(), Some("8412348"));
        assert_eq!(second.last_seen, None);
        assert_eq!(import.skipped.len(), 1);
        let problem = &import.skipped[0];
        assert_eq!((problem.position, problem.value.as_deref()), (4, Some("javascript:alert(1)")));
        assert!(problem.reason_en.starts_with("invalid web address"));
        assert!(problem.reason_vi.starts_with("Địa chỉ trang web không hợp lệ"));
    }

    #[test]
    fn needs_the_header() {
        for bad in
            ["", "phish_id,url\n1,http://a.com/", "8412345,https://a.com/,x,2024-01-15T10:22:31+00:00,yes,,yes,Other\n"]
        {
            assert_eq!(FeedFormat::PhishTank.parse(bad.as_bytes()), Err(FeedError::WrongFormat(FeedFormat::PhishTank)));
        }
        let header_only = "phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target\n";
        assert_eq!(FeedFormat::PhishTank.parse(header_only.as_bytes()).unwrap(), FeedImport::default());
    }

    #[test]
    fn short_rows_are_not_verified() {
        let text =
            "phish_id,url,phish_detail_url,submission_time,verified,verification_time,online,target\n1,http://a.com/\n";
        let import = FeedFormat::PhishTank.parse(text.as_bytes()).unwrap();
        assert_eq!((import.indicators.len(), import.ignored), (0, 1));
    }
}
