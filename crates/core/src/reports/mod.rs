//! Citizen reports ("phản ánh"): what a report is, how it moves from
//! received to closed, how it is tracked anonymously, and how long each kind
//! may take. No IO: random bytes and the clock are passed in.

pub mod attachment;
mod code;
mod identifiers;
pub mod similarity;

use chrono::{DateTime, Utc};

pub use code::{SECRET_LEN, TrackingCode, new_secret, secret_hash};
pub use identifiers::{Identifier, IdentifierKind, extract_identifiers};

pub use crate::category::Category;

use crate::macros::string_enum;
use crate::text::fold;

string_enum!(
    /// Where a report stands. The four closing states are honest about the
    /// outcome: "not ours" and "rejected" are not dressed up as resolved.
    Status {
        Received = "received" / "Đã tiếp nhận",
        Triaged = "triaged" / "Đã phân loại",
        Assigned = "assigned" / "Đã giao xử lý",
        InProgress = "in_progress" / "Đang xử lý",
        Resolved = "resolved" / "Đã giải quyết",
        NotOurs = "not_ours" / "Không thuộc thẩm quyền",
        Duplicate = "duplicate" / "Trùng phản ánh khác",
        Rejected = "rejected" / "Không tiếp nhận",
    }
);

impl Status {
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Resolved | Status::NotOurs | Status::Duplicate | Status::Rejected)
    }

    /// The statuses an officer may move a report to from this one. A closed
    /// report only moves again when the reporter reopens it.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Received => &[Triaged, Assigned, NotOurs, Duplicate, Rejected],
            Triaged => &[Assigned, InProgress, NotOurs, Duplicate, Rejected],
            Assigned => &[InProgress, Resolved, NotOurs, Duplicate, Rejected],
            InProgress => &[Resolved, NotOurs, Duplicate, Rejected],
            Resolved | NotOurs | Duplicate | Rejected => &[],
        }
    }

    pub fn can_move_to(self, to: Status) -> bool {
        self.next().contains(&to)
    }

    /// "open" or "closed", as Open311 GeoReport v2 reports a status.
    pub fn open311(self) -> &'static str {
        if self.is_closed() { "closed" } else { "open" }
    }

    /// What the reporter reads when an officer moves the report here without
    /// writing a message of their own.
    pub fn default_message_vi(self) -> &'static str {
        match self {
            Status::Received => "Phản ánh của bạn đã được tiếp nhận.",
            Status::Triaged => "Phản ánh đã được phân loại và sẽ được giao cho đơn vị phụ trách.",
            Status::Assigned => "Phản ánh đã được giao cho đơn vị phụ trách xử lý.",
            Status::InProgress => "Đơn vị phụ trách đang xác minh, xử lý phản ánh.",
            Status::Resolved => "Phản ánh đã được xử lý xong.",
            Status::NotOurs => "Nội dung này không thuộc thẩm quyền của lực lượng Công an; đã hướng dẫn nơi tiếp nhận.",
            Status::Duplicate => "Nội dung này đã được phản ánh trước đó và đang được xử lý trong phản ánh khác.",
            Status::Rejected => "Phản ánh không đủ thông tin hoặc không có căn cứ để xử lý.",
        }
    }
}

string_enum!(
    /// How a report came in.
    Channel {
        Web = "web" / "Trang web",
        Api = "api" / "Ứng dụng (API)",
        Open311 = "open311" / "Open311",
    }
);

/// Limits on what a citizen may send (the intake refuses more, clearly).
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
pub const MIN_DESCRIPTION_CHARS: usize = 10;
pub const MAX_LINKS: usize = 10;
pub const MAX_FIELD_CHARS: usize = 500;

/// The reporter's optional contact, stored only encrypted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

/// A report as a citizen sends it, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub category: String,
    pub description: String,
    pub links: Vec<String>,
    /// Phone numbers, bank accounts ("Vietcombank 0011…") and addresses
    /// involved, one per entry.
    pub identifiers: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub contact: Contact,
}

/// A report that passed every check.
#[derive(Debug, Clone)]
pub struct CheckedDraft {
    pub category: Category,
    pub description: String,
    pub links: Vec<String>,
    pub identifiers: Vec<Identifier>,
    pub location: Option<(f64, f64)>,
    pub contact: Contact,
}

/// Why a draft was refused, with a sentence for the citizen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DraftError {
    #[error("unknown category {0:?}")]
    Category(String),
    #[error("description too short")]
    TooShort,
    #[error("description too long")]
    TooLong,
    #[error("too many links")]
    TooManyLinks,
    #[error("field too long")]
    FieldTooLong,
    #[error("location outside Viet Nam")]
    Location,
    #[error("invalid phone number")]
    Phone,
    #[error("invalid e-mail address")]
    Email,
}

impl DraftError {
    pub fn message_vi(&self) -> String {
        match self {
            DraftError::Category(_) => "Hãy chọn loại vấn đề cần phản ánh.".into(),
            DraftError::TooShort => {
                format!("Hãy mô tả sự việc (ít nhất {MIN_DESCRIPTION_CHARS} ký tự): việc gì, ở đâu, khi nào.")
            }
            DraftError::TooLong => format!("Nội dung dài quá {MAX_DESCRIPTION_CHARS} ký tự; hãy rút gọn."),
            DraftError::TooManyLinks => format!("Chỉ gửi tối đa {MAX_LINKS} đường dẫn."),
            DraftError::FieldTooLong => format!("Mỗi thông tin bổ sung dài tối đa {MAX_FIELD_CHARS} ký tự."),
            DraftError::Location => "Vị trí không nằm trong lãnh thổ Việt Nam.".into(),
            DraftError::Phone => "Số điện thoại liên hệ không hợp lệ.".into(),
            DraftError::Email => "Địa chỉ e-mail liên hệ không hợp lệ.".into(),
        }
    }
}

/// Removes control characters (keeping line breaks) and trims. Markup is
/// left as typed: every view escapes it.
pub fn clean_text(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\n').collect::<String>().trim().to_string()
}

fn optional(s: Option<&String>) -> Result<Option<String>, DraftError> {
    match s.map(|s| clean_text(s)).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > MAX_FIELD_CHARS => Err(DraftError::FieldTooLong),
        other => Ok(other),
    }
}

impl Draft {
    pub fn check(&self) -> Result<CheckedDraft, DraftError> {
        let category =
            Category::parse(self.category.trim()).ok_or_else(|| DraftError::Category(self.category.clone()))?;
        let description = clean_text(&self.description);
        let chars = description.chars().count();
        if chars < MIN_DESCRIPTION_CHARS {
            return Err(DraftError::TooShort);
        }
        if chars > MAX_DESCRIPTION_CHARS {
            return Err(DraftError::TooLong);
        }
        let mut links = Vec::new();
        for l in &self.links {
            if let Some(l) = optional(Some(l))? {
                links.push(l);
            }
        }
        if links.len() > MAX_LINKS {
            return Err(DraftError::TooManyLinks);
        }
        let mut explicit = Vec::new();
        for i in &self.identifiers {
            if let Some(i) = optional(Some(i))? {
                explicit.push(i);
            }
        }
        if explicit.len() > MAX_LINKS * 2 {
            return Err(DraftError::TooManyLinks);
        }
        let location = match (self.lat, self.lon) {
            // Viet Nam's bounding box, generously.
            (Some(lat), Some(lon)) if (8.0..=24.0).contains(&lat) && (102.0..=118.0).contains(&lon) => Some((lat, lon)),
            (None, None) => None,
            _ => return Err(DraftError::Location),
        };
        let phone = match optional(self.contact.phone.as_ref())? {
            Some(p) => {
                Some(crate::scamcheck::PhoneNumber::parse(&p).map_err(|_| DraftError::Phone)?.e164().to_string())
            }
            None => None,
        };
        let email = match optional(self.contact.email.as_ref())? {
            Some(e) if is_email(&e) => Some(e.to_lowercase()),
            Some(_) => return Err(DraftError::Email),
            None => None,
        };
        let contact = Contact { name: optional(self.contact.name.as_ref())?, phone, email };
        let mut sources: Vec<&str> = links.iter().map(String::as_str).collect();
        sources.extend(explicit.iter().map(String::as_str));
        let identifiers = extract_identifiers(&description, &sources);
        Ok(CheckedDraft { category, description, links, identifiers, location, contact })
    }
}

/// A plain shape check: one '@', a dot in the domain, no spaces.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
        && !domain.contains('@')
}

/// True when the text reads as a complaint or denunciation ("khiếu nại",
/// "tố cáo"), which the programme document leaves to their own procedures.
/// The intake then explains where they go; it does not refuse the report.
pub fn looks_like_complaint(text: &str) -> bool {
    let t = fold(text);
    ["khieu nai", "to cao", "don thu"].iter().any(|w| t.contains(w))
}

/// When a report received at `at` becomes overdue.
pub fn due_at(category: Category, at: DateTime<Utc>) -> DateTime<Utc> {
    at + category.deadline()
}

/// A location rounded to about 1 km (0.01°) for everyone who is not
/// handling the report, as Ushahidi blurs locations.
pub fn blur(lat: f64, lon: f64) -> (f64, f64) {
    ((lat * 100.0).round() / 100.0, (lon * 100.0).round() / 100.0)
}

/// The nearest of `points` (id, lat, lon) to a location, by great-circle
/// distance: the commune a located report is routed to.
pub fn nearest<K: Copy>(points: &[(K, f64, f64)], lat: f64, lon: f64) -> Option<K> {
    let dist = |plat: f64, plon: f64| {
        let (p1, p2) = (lat.to_radians(), plat.to_radians());
        let dphi = p2 - p1;
        let dl = (plon - lon).to_radians();
        let a = (dphi / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * a.sqrt().asin()
    };
    points.iter().min_by(|a, b| dist(a.1, a.2).total_cmp(&dist(b.1, b.2))).map(|p| p.0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    fn draft(description: &str) -> Draft {
        Draft { category: "fraud".into(), description: description.into(), ..Default::default() }
    }

    #[test]
    fn closed_statuses_do_not_move_and_open_ones_can_close_honestly() {
        for s in Status::ALL {
            assert_eq!(s.is_closed(), s.next().is_empty(), "{s}");
            if !s.is_closed() {
                assert!(s.can_move_to(Status::NotOurs) && s.can_move_to(Status::Rejected), "{s}");
            }
        }
        assert!(!Status::Received.can_move_to(Status::Resolved), "a report is looked at before it is resolved");
        assert_eq!(Status::Duplicate.open311(), "closed");
        assert_eq!(Status::InProgress.open311(), "open");
    }

    #[test]
    fn a_draft_is_checked_and_its_identifiers_found() {
        let mut d =
            draft("Có người gọi từ số 0912 345 678 xưng công an, bắt chuyển tiền vào Vietcombank 0011001234567.");
        d.links = vec!["https://vietcombank-hotro.com/xac-minh".into()];
        d.contact.email = Some(" Dan@Example.VN ".into());
        d.contact.phone = Some("0987.654.321".into());
        let c = d.check().unwrap();
        assert_eq!(c.category, Category::Fraud);
        assert_eq!(c.contact.email.as_deref(), Some("dan@example.vn"));
        assert_eq!(c.contact.phone.as_deref(), Some("+84987654321"));
        let kinds: Vec<_> = c.identifiers.iter().map(|i| (i.kind, i.value.as_str())).collect();
        assert!(kinds.contains(&(IdentifierKind::Phone, "+84912345678")), "{kinds:?}");
        assert!(kinds.contains(&(IdentifierKind::BankAccount, "970436:0011001234567")), "{kinds:?}");
        assert!(kinds.contains(&(IdentifierKind::Url, "vietcombank-hotro.com")), "{kinds:?}");
    }

    #[test]
    fn bad_drafts_are_refused_with_a_reason() {
        assert_eq!(draft("ngắn").check().unwrap_err(), DraftError::TooShort);
        assert_eq!(draft(&"a".repeat(MAX_DESCRIPTION_CHARS + 1)).check().unwrap_err(), DraftError::TooLong);
        let mut d = draft("Một nội dung đủ dài để gửi.");
        d.category = "spam".into();
        assert!(matches!(d.check().unwrap_err(), DraftError::Category(_)));
        let mut d = draft("Một nội dung đủ dài để gửi.");
        d.lat = Some(48.85);
        d.lon = Some(2.35);
        assert_eq!(d.check().unwrap_err(), DraftError::Location);
        let mut d = draft("Một nội dung đủ dài để gửi.");
        d.contact.email = Some("không phải email".into());
        assert_eq!(d.check().unwrap_err(), DraftError::Email);
        for e in [DraftError::TooShort, DraftError::Phone, DraftError::Location] {
            assert!(!e.message_vi().is_empty());
        }
    }

    #[test]
    fn control_characters_go_and_markup_stays_for_escaping() {
        let c = draft("Trang <script>alert(1)</script>\u{0}\u{7} lừa đảo").check().unwrap();
        assert_eq!(c.description, "Trang <script>alert(1)</script> lừa đảo");
    }

    #[test]
    fn complaints_are_recognised_with_or_without_diacritics() {
        assert!(looks_like_complaint("Tôi muốn KHIẾU NẠI quyết định xử phạt"));
        assert!(looks_like_complaint("don to cao can bo xa"));
        assert!(!looks_like_complaint("Có trang web giả mạo ngân hàng"));
    }

    #[test]
    fn routing_picks_the_nearest_commune() {
        let communes = [(1, 21.27, 106.19), (2, 21.18, 106.07), (3, 21.40, 106.60)];
        assert_eq!(nearest(&communes, 21.19, 106.08), Some(2));
        assert_eq!(nearest(&communes, 21.39, 106.55), Some(3));
        assert_eq!(nearest::<i32>(&[], 21.0, 106.0), None);
        assert_eq!(blur(21.27345, 106.19456), (21.27, 106.19));
    }

    #[test]
    fn urgent_categories_are_due_sooner() {
        let at = DateTime::parse_from_rfc3339("2026-11-02T08:00:00Z").unwrap().with_timezone(&Utc);
        assert!(due_at(Category::ChildSafety, at) < due_at(Category::Fraud, at));
        assert!(due_at(Category::Fraud, at) < due_at(Category::Other, at));
    }

    proptest! {
        #[test]
        fn checking_never_panics_and_accepted_text_is_clean(
            description in "\\PC{0,300}", link in "\\PC{0,80}", phone in "[0-9+ .()-]{0,16}",
        ) {
            let d = Draft {
                category: "gambling".into(),
                description,
                links: vec![link],
                identifiers: vec![],
                lat: None,
                lon: None,
                contact: Contact { phone: Some(phone), ..Default::default() },
            };
            if let Ok(c) = d.check() {
                prop_assert!(!c.description.chars().any(|ch| ch.is_control() && ch != '\n'));
                prop_assert!(c.description.chars().count() >= MIN_DESCRIPTION_CHARS);
            }
        }
    }
}
