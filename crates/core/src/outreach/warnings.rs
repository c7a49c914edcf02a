//! The public warnings feed ("cảnh báo"): short notices of current scam
//! tactics that the provincial police publish for citizens (SPEC M7), as a
//! web page, an Atom 1.0 feed and an RSS 2.0 feed, with the Open Graph data
//! that makes a shared link show a proper card on Zalo and Facebook.
//!
//! The XML is written by the `atom_syndication` and `rss` crates, so
//! escaping and date formats follow the specifications rather than string
//! templates.

use std::collections::BTreeMap;

use atom_syndication as atom;
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::reports::Category;
use crate::text::fold;

/// A title longer than this does not fit a notification or a share card.
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_SUMMARY_CHARS: usize = 500;
pub const MAX_SLUG_CHARS: usize = 100;
/// Open Graph descriptions are cut near this length; longer ones are cut
/// by the apps anyway, often mid-word.
pub const OG_DESCRIPTION_CHARS: usize = 200;

/// A published warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub id: i64,
    /// The last part of the page's address ("gia-danh-cong-an-goi-dien").
    pub slug: String,
    pub title: String,
    /// One or two sentences: what the trick is and what to do.
    pub summary: String,
    /// Plain text; blank lines separate paragraphs.
    pub body: String,
    /// The same categories as citizen reports (fraud, black-market
    /// lending, gambling…), so a warning and the reports behind it match.
    pub category: Category,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The absolute address of the warning's own page (built by the web
    /// layer from the slug): the feed entry's link and the og:url.
    pub link: String,
}

/// Why a warning cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarningError {
    #[error("the warning needs a title")]
    NoTitle,
    #[error("the title is too long")]
    TitleTooLong,
    #[error("the warning needs a summary")]
    NoSummary,
    #[error("the summary is too long")]
    SummaryTooLong,
    #[error("the warning needs a body")]
    NoBody,
    #[error("the slug {0:?} is not lowercase letters, digits and dashes")]
    BadSlug(String),
    #[error("the link {0:?} is not an absolute http(s) address")]
    BadLink(String),
    #[error("the warning is updated before it is published")]
    UpdatedBeforePublished,
}

impl WarningError {
    pub fn message_vi(&self) -> String {
        match self {
            WarningError::NoTitle => "Cần nhập tiêu đề cảnh báo.".into(),
            WarningError::TitleTooLong => format!("Tiêu đề dài tối đa {MAX_TITLE_CHARS} ký tự."),
            WarningError::NoSummary => "Cần nhập tóm tắt cảnh báo.".into(),
            WarningError::SummaryTooLong => format!("Phần tóm tắt dài tối đa {MAX_SUMMARY_CHARS} ký tự."),
            WarningError::NoBody => "Cần nhập nội dung cảnh báo.".into(),
            WarningError::BadSlug(_) => {
                "Đường dẫn rút gọn chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang.".into()
            }
            WarningError::BadLink(_) => "Địa chỉ trang cảnh báo phải là địa chỉ http(s) đầy đủ.".into(),
            WarningError::UpdatedBeforePublished => "Thời điểm cập nhật không thể trước thời điểm đăng.".into(),
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_CHARS
        && s.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn absolute_http(link: &str) -> Option<crate::link::HttpUrl> {
    crate::link::HttpUrl::parse(link).ok()
}

impl Warning {
    pub fn validate(&self) -> Result<(), WarningError> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(WarningError::NoTitle);
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(WarningError::TitleTooLong);
        }
        let summary = self.summary.trim();
        if summary.is_empty() {
            return Err(WarningError::NoSummary);
        }
        if summary.chars().count() > MAX_SUMMARY_CHARS {
            return Err(WarningError::SummaryTooLong);
        }
        if self.body.trim().is_empty() {
            return Err(WarningError::NoBody);
        }
        if !is_slug(&self.slug) {
            return Err(WarningError::BadSlug(self.slug.clone()));
        }
        // Stored warnings have no link yet: the web layer builds it from the slug.
        if !self.link.is_empty() && absolute_http(&self.link).is_none() {
            return Err(WarningError::BadLink(self.link.clone()));
        }
        if self.updated_at < self.published_at {
            return Err(WarningError::UpdatedBeforePublished);
        }
        Ok(())
    }
}

/// A slug from a Vietnamese title: "Cảnh báo: giả danh Công an gọi điện!"
/// → "canh-bao-gia-danh-cong-an-goi-dien". Diacritics are dropped (đ → d)
/// because a link is shared in places that mangle non-ASCII addresses; cut
/// at a dash so no word is broken.
pub fn slugify(title: &str) -> String {
    let folded = fold(title);
    let mut slug = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.len() > MAX_SLUG_CHARS {
        let cut = slug[..=MAX_SLUG_CHARS].rfind('-').unwrap_or(MAX_SLUG_CHARS);
        slug.truncate(cut);
    }
    if slug.is_empty() { "canh-bao".to_owned() } else { slug }
}

/// What the warnings page and the feeds show at `now`: published ones
/// (scheduled warnings stay hidden until their time), most recently
/// updated first, at most `limit`.
pub fn public_feed(warnings: &[Warning], now: DateTime<Utc>, limit: usize) -> Vec<&Warning> {
    let mut out: Vec<&Warning> = warnings.iter().filter(|w| w.published_at <= now).collect();
    out.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then_with(|| b.id.cmp(&a.id)));
    out.truncate(limit);
    out
}

/// The feed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedMeta {
    /// "Cảnh báo lừa đảo trên không gian mạng – Công an tỉnh Bắc Ninh".
    pub title: String,
    pub subtitle: String,
    /// The warnings page (absolute).
    pub home_url: String,
    /// Where the Atom feed is served (absolute): its `rel="self"`.
    pub atom_url: String,
    /// Where the RSS feed is served (absolute).
    pub rss_url: String,
    /// The publisher, e.g. "Công an tỉnh Bắc Ninh".
    pub author: String,
    /// The time of the latest change when there are no warnings at all.
    pub generated_at: DateTime<Utc>,
}

/// Why a feed could not be written (the XML writer failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("feed could not be written: {0}")]
pub struct FeedError(String);

fn fixed(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

/// A permanent entry id that survives a change of slug or of domain
/// spelling: a tag URI (RFC 4151) on the site's host and the warning's id.
fn entry_id(meta: &FeedMeta, w: &Warning) -> String {
    let host = absolute_http(&meta.home_url)
        .and_then(|u| u.url().host_str().map(str::to_owned))
        .unwrap_or_else(|| "khienmang.invalid".to_owned());
    format!("tag:{host},2024:canh-bao/{}", w.id)
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The body as HTML: each paragraph escaped and wrapped, line breaks kept.
/// Nothing typed by an editor becomes markup.
pub fn body_html(body: &str) -> String {
    body.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect()
}

fn latest(meta: &FeedMeta, warnings: &[&Warning]) -> DateTime<Utc> {
    warnings.iter().map(|w| w.updated_at).max().unwrap_or(meta.generated_at)
}

/// An Atom 1.0 document (RFC 4287) of the given warnings, in the order
/// given (pass [`public_feed`]'s result).
pub fn atom_feed(meta: &FeedMeta, warnings: &[&Warning]) -> Result<String, FeedError> {
    let link = |href: &str, rel: &str, mime: &str| atom::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime.to_owned()),
        ..Default::default()
    };
    let entries = warnings
        .iter()
        .map(|w| atom::Entry {
            title: atom::Text::plain(w.title.trim()),
            id: entry_id(meta, w),
            updated: fixed(w.updated_at),
            published: Some(fixed(w.published_at)),
            links: vec![link(&w.link, "alternate", "text/html")],
            categories: vec![atom::Category {
                term: w.category.as_str().to_owned(),
                scheme: None,
                label: Some(w.category.label_vi().to_owned()),
            }],
            summary: Some(atom::Text::plain(w.summary.trim())),
            content: Some(atom::Content {
                value: Some(body_html(&w.body)),
                content_type: Some("html".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let feed = atom::Feed {
        title: atom::Text::plain(meta.title.trim()),
        id: meta.atom_url.clone(),
        updated: fixed(latest(meta, warnings)),
        // An author on the feed covers every entry, as RFC 4287 requires.
        authors: vec![atom::Person {
            name: meta.author.clone(),
            uri: Some(meta.home_url.clone()),
            ..Default::default()
        }],
        links: vec![
            link(&meta.atom_url, "self", "application/atom+xml"),
            link(&meta.home_url, "alternate", "text/html"),
        ],
        subtitle: Some(atom::Text::plain(meta.subtitle.trim())),
        lang: Some("vi".to_owned()),
        entries,
        ..Default::default()
    };
    let bytes = feed.write_to(Vec::new()).map_err(|e| FeedError(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| FeedError(e.to_string()))
}

/// An RSS 2.0 document of the given warnings, with the `atom:link
/// rel="self"` that feed validators ask for.
pub fn rss_feed(meta: &FeedMeta, warnings: &[&Warning]) -> Result<String, FeedError> {
    let items = warnings
        .iter()
        .map(|w| rss::Item {
            title: Some(w.title.trim().to_owned()),
            link: Some(w.link.clone()),
            description: Some(w.summary.trim().to_owned()),
            content: Some(body_html(&w.body)),
            categories: vec![rss::Category { name: w.category.label_vi().to_owned(), domain: None }],
            guid: Some(rss::Guid { value: entry_id(meta, w), permalink: false }),
            pub_date: Some(w.published_at.to_rfc2822()),
            ..Default::default()
        })
        .collect();
    let self_link = rss::extension::Extension {
        name: "atom:link".to_owned(),
        attrs: BTreeMap::from([
            ("href".to_owned(), meta.rss_url.clone()),
            ("rel".to_owned(), "self".to_owned()),
            ("type".to_owned(), "application/rss+xml".to_owned()),
        ]),
        ..Default::default()
    };
    let channel = rss::Channel {
        title: meta.title.trim().to_owned(),
        link: meta.home_url.clone(),
        description: meta.subtitle.trim().to_owned(),
        language: Some("vi".to_owned()),
        last_build_date: Some(latest(meta, warnings).to_rfc2822()),
        items,
        extensions: BTreeMap::from([("atom".to_owned(), BTreeMap::from([("link".to_owned(), vec![self_link])]))]),
        namespaces: BTreeMap::from([("atom".to_owned(), "http://www.w3.org/2005/Atom".to_owned())]),
        ..Default::default()
    };
    let bytes = channel.write_to(Vec::new()).map_err(|e| FeedError(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| FeedError(e.to_string()))
}

/// The Open Graph data of a warning's share page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenGraph {
    pub title: String,
    pub description: String,
    pub url: String,
    /// Always "article".
    pub kind: String,
    pub image: Option<String>,
    pub site_name: String,
    pub locale: String,
    pub published_time: String,
    pub modified_time: String,
    pub section: String,
}

impl OpenGraph {
    /// `(property, content)` pairs for `<meta property=… content=…>`, in
    /// the usual order; the template escapes the content.
    pub fn meta_tags(&self) -> Vec<(&'static str, String)> {
        let mut tags = vec![
            ("og:title", self.title.clone()),
            ("og:description", self.description.clone()),
            ("og:url", self.url.clone()),
            ("og:type", self.kind.clone()),
        ];
        if let Some(image) = &self.image {
            tags.push(("og:image", image.clone()));
        }
        tags.extend([
            ("og:site_name", self.site_name.clone()),
            ("og:locale", self.locale.clone()),
            ("article:published_time", self.published_time.clone()),
            ("article:modified_time", self.modified_time.clone()),
            ("article:section", self.section.clone()),
        ]);
        tags
    }
}

/// Shortens text to at most `max` characters (not bytes, so a Vietnamese
/// letter is never split), cutting at a word boundary and ending with "…".
/// Whitespace runs, line breaks included, become single spaces.
pub fn truncate_at_word(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() <= max {
        return joined;
    }
    if max == 0 {
        return String::new();
    }
    // Room for the ellipsis.
    let budget = max - 1;
    let mut out = String::new();
    for w in &words {
        let extra = if out.is_empty() { 0 } else { 1 } + w.chars().count();
        if out.chars().count() + extra > budget {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        // One word longer than the budget: cut it, there is no boundary.
        out = joined.chars().take(budget).collect();
    }
    while out.ends_with([',', ';', ':', '.', '-', '–']) {
        out.pop();
    }
    out.push('…');
    out
}

/// The share card of a warning. `image` is the card picture (an absolute
/// URL; the site's default when the warning has none).
pub fn open_graph(w: &Warning, site_name: &str, image: Option<&str>) -> OpenGraph {
    let description = if w.summary.trim().is_empty() { &w.body } else { &w.summary };
    OpenGraph {
        title: w.title.trim().to_owned(),
        description: truncate_at_word(description, OG_DESCRIPTION_CHARS),
        url: w.link.clone(),
        kind: "article".to_owned(),
        image: image.map(str::to_owned),
        site_name: site_name.to_owned(),
        locale: "vi_VN".to_owned(),
        published_time: w.published_at.to_rfc3339(),
        modified_time: w.updated_at.to_rfc3339(),
        section: w.category.label_vi().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, d, h, 0, 0).unwrap()
    }

    fn warning(id: i64, title: &str, published: DateTime<Utc>) -> Warning {
        let slug = slugify(title);
        Warning {
            id,
            link: format!("https://khienmang.bacninh.gov.vn/canh-bao/{slug}"),
            slug,
            title: title.into(),
            summary: "Đối tượng gọi điện xưng là công an, yêu cầu chuyển tiền để \"xác minh\". Công an không làm việc qua điện thoại."
                .into(),
            body: "Thủ đoạn: gọi điện, gửi giấy triệu tập giả qua Zalo.\n\nCách phòng tránh: không chuyển tiền; gọi 113 hoặc đến trụ sở Công an xã."
                .into(),
            category: Category::Fraud,
            published_at: published,
            updated_at: published,
        }
    }

    fn meta() -> FeedMeta {
        FeedMeta {
            title: "Cảnh báo lừa đảo trên không gian mạng".into(),
            subtitle: "Công an tỉnh Bắc Ninh cảnh báo các thủ đoạn lừa đảo mới".into(),
            home_url: "https://khienmang.bacninh.gov.vn/canh-bao".into(),
            atom_url: "https://khienmang.bacninh.gov.vn/canh-bao/atom.xml".into(),
            rss_url: "https://khienmang.bacninh.gov.vn/canh-bao/rss.xml".into(),
            author: "Công an tỉnh Bắc Ninh".into(),
            generated_at: at(1, 0),
        }
    }

    #[test]
    fn slugs_drop_diacritics_and_punctuation() {
        assert_eq!(slugify("Cảnh báo: giả danh Công an gọi điện!"), "canh-bao-gia-danh-cong-an-goi-dien");
        assert_eq!(slugify("Đừng bấm vào đường link lạ"), "dung-bam-vao-duong-link-la");
        assert_eq!(slugify("  ---  "), "canh-bao");
        let long = slugify(&"lừa đảo ".repeat(40));
        let full = "lua-dao-".repeat(40);
        assert!(long.len() <= MAX_SLUG_CHARS, "{long}");
        assert!(full.starts_with(&format!("{long}-")), "cut between words: {long}");
    }

    #[test]
    fn warnings_are_validated() {
        let w = warning(1, "Giả danh công an", at(2, 1));
        w.validate().unwrap();
        let bad = Warning { slug: "Gia Danh".into(), ..w.clone() };
        assert!(matches!(bad.validate(), Err(WarningError::BadSlug(_))));
        let bad = Warning { link: "/canh-bao/x".into(), ..w.clone() };
        assert_eq!(bad.validate().unwrap_err().message_vi(), "Địa chỉ trang cảnh báo phải là địa chỉ http(s) đầy đủ.");
        let bad = Warning { link: "javascript:alert(1)".into(), ..w.clone() };
        assert!(matches!(bad.validate(), Err(WarningError::BadLink(_))));
        // Not yet linked (as stored): the page's address is built later.
        Warning { link: String::new(), ..w.clone() }.validate().unwrap();
        let bad = Warning { updated_at: at(1, 0), ..w.clone() };
        assert_eq!(bad.validate(), Err(WarningError::UpdatedBeforePublished));
        let bad = Warning { title: " ".into(), ..w.clone() };
        assert_eq!(bad.validate(), Err(WarningError::NoTitle));
        let bad = Warning { summary: "x".repeat(501), ..w };
        assert_eq!(bad.validate(), Err(WarningError::SummaryTooLong));
    }

    #[test]
    fn scheduled_warnings_stay_out_of_the_feed() {
        let mut a = warning(1, "Một", at(1, 0));
        a.updated_at = at(5, 0);
        let b = warning(2, "Hai", at(3, 0));
        let later = warning(3, "Ba", at(20, 0));
        let all = [a, b, later];
        let feed = public_feed(&all, at(10, 0), 10);
        assert_eq!(feed.iter().map(|w| w.id).collect::<Vec<_>>(), [1, 2], "newest update first, no future ones");
        assert_eq!(public_feed(&all, at(10, 0), 1).len(), 1);
    }

    #[test]
    fn atom_feed_is_valid_and_reads_back() {
        let mut w = warning(7, "Giả danh Công an <gọi điện> & \"triệu tập\"", at(2, 1));
        w.updated_at = at(3, 4);
        let other = warning(8, "Vay tiền qua ứng dụng", at(1, 1));
        let xml = atom_feed(&meta(), &[&w, &other]).unwrap();
        assert!(xml.starts_with("<?xml"));
        assert!(xml.contains(r#"xmlns="http://www.w3.org/2005/Atom""#));
        assert!(!xml.contains("<gọi điện>"), "titles are escaped");
        let feed = atom::Feed::from_str(&xml).unwrap();
        assert_eq!(feed.title.as_str(), "Cảnh báo lừa đảo trên không gian mạng");
        assert_eq!(feed.updated, at(3, 4).fixed_offset(), "the latest update");
        assert_eq!(feed.authors[0].name, "Công an tỉnh Bắc Ninh");
        assert!(feed.links.iter().any(|l| l.rel == "self" && l.href.ends_with("atom.xml")));
        let e = &feed.entries[0];
        assert_eq!(e.title.as_str(), w.title);
        assert_eq!(e.id, "tag:khienmang.bacninh.gov.vn,2024:canh-bao/7");
        assert_eq!(e.published, Some(at(2, 1).fixed_offset()));
        assert_eq!(e.links[0].href, w.link);
        assert_eq!(e.categories[0].term, "fraud");
        assert_eq!(e.categories[0].label.as_deref(), Some("Lừa đảo chiếm đoạt tài sản"));
        let content = e.content.as_ref().unwrap();
        assert_eq!(content.content_type.as_deref(), Some("html"));
        assert!(content.value.as_deref().unwrap().starts_with("<p>Thủ đoạn"));
        assert_eq!(feed.entries.len(), 2);
    }

    #[test]
    fn an_empty_atom_feed_is_still_valid() {
        let xml = atom_feed(&meta(), &[]).unwrap();
        let feed = atom::Feed::from_str(&xml).unwrap();
        assert_eq!(feed.updated, at(1, 0).fixed_offset());
        assert!(feed.entries.is_empty());
    }

    #[test]
    fn rss_feed_is_valid_and_reads_back() {
        let w = warning(7, "Cờ bạc <online> & cá độ", at(2, 1));
        let xml = rss_feed(&meta(), &[&w]).unwrap();
        assert!(xml.contains(r#"<rss version="2.0""#));
        assert!(xml.contains(r#"xmlns:atom="http://www.w3.org/2005/Atom""#));
        assert!(xml.contains(r#"rel="self""#) && xml.contains("rss.xml"));
        assert!(!xml.contains("<online>"));
        let channel = rss::Channel::from_str(&xml).unwrap();
        assert_eq!(channel.language.as_deref(), Some("vi"));
        let item = &channel.items[0];
        assert_eq!(item.title.as_deref(), Some(w.title.as_str()));
        assert_eq!(item.link.as_deref(), Some(w.link.as_str()));
        assert_eq!(item.pub_date.as_deref(), Some("Mon, 2 Jun 2025 01:00:00 +0000"));
        let guid = item.guid.as_ref().unwrap();
        assert!(!guid.permalink && guid.value.ends_with("/7"));
        assert_eq!(item.categories[0].name, "Lừa đảo chiếm đoạt tài sản");
        assert!(item.content.as_deref().unwrap().contains("<p>Cách phòng tránh"));
    }

    #[test]
    fn body_html_escapes_and_keeps_paragraphs() {
        let html = body_html("Dòng 1\ndòng 2 <script>x</script>\r\n\r\n\r\nĐoạn 2 & hết");
        assert_eq!(html, "<p>Dòng 1<br>dòng 2 &lt;script&gt;x&lt;/script&gt;</p><p>Đoạn 2 &amp; hết</p>");
    }

    #[test]
    fn open_graph_card() {
        let mut w = warning(1, "Giả danh công an", at(2, 1));
        w.summary = format!("{} kết thúc", "Cảnh giác với cuộc gọi lạ,".repeat(12));
        let og = open_graph(&w, "Khiên Mạng Bắc Ninh", Some("https://khienmang.bacninh.gov.vn/og.png"));
        assert!(og.description.chars().count() <= OG_DESCRIPTION_CHARS);
        assert!(og.description.ends_with('…'));
        assert!(!og.description.ends_with(",…"), "no dangling comma: {}", og.description);
        let tags = og.meta_tags();
        let get = |p: &str| tags.iter().find(|(k, _)| *k == p).map(|(_, v)| v.as_str());
        assert_eq!(get("og:type"), Some("article"));
        assert_eq!(get("og:url"), Some(w.link.as_str()));
        assert_eq!(get("og:image"), Some("https://khienmang.bacninh.gov.vn/og.png"));
        assert_eq!(get("og:locale"), Some("vi_VN"));
        assert_eq!(get("article:section"), Some("Lừa đảo chiếm đoạt tài sản"));
        let no_image = open_graph(&w, "x", None);
        assert!(!no_image.meta_tags().iter().any(|(k, _)| *k == "og:image"));
    }

    #[test]
    fn truncation_respects_words_and_letters() {
        assert_eq!(truncate_at_word("Ngắn gọn", 200), "Ngắn gọn");
        assert_eq!(truncate_at_word("Không  chuyển\ntiền", 200), "Không chuyển tiền");
        assert_eq!(truncate_at_word("Không chuyển tiền cho người lạ", 16), "Không chuyển…");
        assert_eq!(truncate_at_word("Ảaaaaaaaaaaaaaaaaaaaaa", 5), "Ảaaa…");
        assert_eq!(truncate_at_word("abc", 0), "");
    }

    proptest! {
        #[test]
        fn truncation_is_short_and_a_prefix(s in "[a-zđăâêôơưạảấầẩẫậ ,.\n]{0,300}", max in 1usize..250) {
            let out = truncate_at_word(&s, max);
            prop_assert!(out.chars().count() <= max);
            let norm = s.split_whitespace().collect::<Vec<_>>().join(" ");
            let body = out.strip_suffix('…').unwrap_or(&out);
            prop_assert!(norm.starts_with(body), "{:?} / {:?}", out, norm);
            // Cut at a word boundary unless a single word had to be cut.
            if out.ends_with('…') && body.contains(' ') {
                let rest = &norm[body.len()..];
                prop_assert!(rest.starts_with([' ', ',', ';', ':', '.', '-', '–']), "{:?} then {:?}", body, rest);
            }
        }

        #[test]
        fn slugs_are_always_valid(s in "\\PC{0,150}") {
            prop_assert!(is_slug(&slugify(&s)));
        }

        #[test]
        fn any_text_survives_both_feeds(title in "\\PC{1,60}", body in "\\PC{1,200}") {
            // A warning always has a title (the form refuses a blank one).
            prop_assume!(!title.trim().is_empty());
            let mut w = warning(1, "x", at(2, 1));
            w.title = title.clone();
            w.body = body;
            let atom_xml = atom_feed(&meta(), &[&w]).unwrap();
            let feed = atom::Feed::from_str(&atom_xml).unwrap();
            prop_assert_eq!(feed.entries[0].title.as_str(), title.trim());
            let rss_xml = rss_feed(&meta(), &[&w]).unwrap();
            let channel = rss::Channel::from_str(&rss_xml).unwrap();
            prop_assert_eq!(channel.items[0].title.as_deref(), Some(title.trim()));
        }
    }
}
