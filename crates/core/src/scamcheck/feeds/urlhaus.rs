//! abuse.ch URLhaus CSV dumps: a block of '#' comment lines, the last of
//! which names the columns, then one quoted row per malware URL.

use super::{Collector, FeedCategory, FeedError, FeedFormat, FeedImport, Reason, indicator, parse_time, url_value};

const COLUMNS: [&str; 9] =
    ["id", "dateadded", "url", "url_status", "last_online", "threat", "tags", "urlhaus_link", "reporter"];

pub(super) fn parse(text: &str) -> Result<FeedImport, FeedError> {
    // The header is itself a comment: "# id,dateadded,url,…".
    let header: Vec<&str> = text
        .lines()
        .take_while(|line| line.starts_with('#') || line.trim().is_empty())
        .filter_map(|line| line.strip_prefix('#'))
        .map(str::trim)
        .find(|line| line.starts_with("id,"))
        .map(|line| line.split(',').map(str::trim).collect())
        .unwrap_or_default();
    if !COLUMNS.iter().all(|name| header.contains(name)) {
        return Err(FeedError::WrongFormat(FeedFormat::UrlHaus));
    }
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (id, added, url, last_online, threat, tags, link) = (
        column("id"),
        column("dateadded"),
        column("url"),
        column("last_online"),
        column("threat"),
        column("tags"),
        column("urlhaus_link"),
    );
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(text.as_bytes());
    let mut out = Collector::new();
    for record in reader.records() {
        out.next_row()?;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                out.skip(line, None, Reason::new("unreadable CSV row", "Dòng CSV không đọc được."));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let raw = field(url);
        match url_value(raw) {
            Ok(value) => {
                // Every URLhaus entry distributes malware; the threat and tags
                // only refine it ("malware_download", "Mozi", "elf").
                let category = FeedCategory::from_tags([field(threat), field(tags)]);
                let category = if category == FeedCategory::Other { FeedCategory::Malware } else { category };
                let mut found = indicator(value, category);
                // URLhaus times are UTC without a zone: "2024-01-15 09:56:07".
                found.first_seen = parse_time(field(added));
                found.last_seen = parse_time(field(last_online));
                let source = [field(link), field(id)].into_iter().find(|s| !s.is_empty());
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

    use super::*;

    pub(in super::super) const SAMPLE: &str = r#"################################################################
# abuse.ch URLhaus Database Dump (CSV - online URLs only)      #
# Last updated: 2024-01-15 10:00:07 (UTC)                      #
#                                                              #
# Terms Of Use: https://urlhaus.abuse.ch/api/                  #
# For questions please contact urlhaus [at] abuse.ch           #
################################################################
#
# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
"2745233","2024-01-15 09:56:07","http://117.202.71.8:43690/Mozi.m","online","2024-01-15 09:56:07","malware_download","32-bit,elf,mips,Mozi","https://urlhaus.abuse.ch/url/2745233/","geenensp"
"2745232","2024-01-15 09:51:04","https://cdn-tai-app.vn-dichvucong.xyz/VNeID.apk","online","","malware_download","apk,android,#banking","https://urlhaus.abuse.ch/url/2745232/","anonymous"
"2745231","2024-01-15 09:50:00","mailto:x@example.com","online","","malware_download","","https://urlhaus.abuse.ch/url/2745231/","anonymous"
"#;

    #[test]
    fn reads_rows_under_the_comment_header() {
        let import = FeedFormat::UrlHaus.parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(import.indicators.len(), 2);
        let first = &import.indicators[0];
        assert_eq!(first.value.canonical(), "http://117.202.71.8/Mozi.m");
        assert_eq!(first.category, FeedCategory::Malware);
        assert_eq!(first.first_seen.unwrap().to_rfc3339(), "2024-01-15T09:56:07+00:00");
        assert_eq!(first.last_seen, first.first_seen);
        assert_eq!(first.source_ref.as_deref(), Some("https://urlhaus.abuse.ch/url/2745233/"));
        let apk = &import.indicators[1];
        assert_eq!(apk.value.canonical(), "https://cdn-tai-app.vn-dichvucong.xyz/VNeID.apk");
        assert_eq!(apk.last_seen, None);
        assert_eq!(import.skipped.len(), 1);
        assert_eq!(import.skipped[0].position, 12);
        assert!(import.skipped[0].reason_en.contains("mailto"));
    }

    #[test]
    fn needs_the_header_comment() {
        let no_header =
            "\"1\",\"2024-01-15 09:56:07\",\"http://a.com/\",\"online\",\"\",\"malware_download\",\"\",\"x\",\"y\"\n";
        let partial = "# id,dateadded,url\n\"1\",\"2024-01-15 09:56:07\",\"http://a.com/\"\n";
        let late = "\"1\",\"x\"\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n";
        for bad in ["", no_header, partial, late] {
            assert_eq!(FeedFormat::UrlHaus.parse(bad.as_bytes()), Err(FeedError::WrongFormat(FeedFormat::UrlHaus)));
        }
    }

    #[test]
    fn windows_line_ends_and_blank_lines() {
        let text = SAMPLE.replace('\n', "\r\n") + "\r\n\r\n";
        let import = FeedFormat::UrlHaus.parse(text.as_bytes()).unwrap();
        assert_eq!((import.indicators.len(), import.skipped.len()), (2, 1));
    }
}
