//! Values as people read them, on every page and in every office file:
//! dates `dd/mm/yyyy`, instants in Viet Nam time `dd/mm/yyyy HH:MM`, months
//! "Tháng 1/2026" / "January 2026", numbers `1.234.567`, money `1.234.567 đ`,
//! decimals with the language's mark ("54,9" / "54.9"), and a unit's type
//! joined to its name without saying the type twice. Machine interfaces (the
//! JSON API, Open311, feeds, STIX) keep ISO and never call these.

use chrono::{Datelike, FixedOffset};

use crate::Date;
use crate::time::{Timestamp, VIETNAM_UTC_OFFSET_HOURS};

/// The two languages a reader may ask for. The web layer's language maps
/// onto this one; core needs it only to choose a decimal mark or a month's
/// name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Vietnamese,
    English,
}

/// A value people read by name (a status, a category, a role, a level…).
/// Its Vietnamese label, which the programme's documents use, is also the
/// key the web layer translates it by, as gettext keys a message by its
/// source text: one translation for one wording, wherever it appears.
pub trait Label: Copy + 'static {
    /// Every value of the kind, for the translation tables' tests.
    const VALUES: &'static [Self];
    fn vi(self) -> &'static str;
}

/// `07/12/2026`.
pub fn date(d: Date) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// An instant in Viet Nam time: `08/12/2026 06:21`.
pub fn time(t: Timestamp) -> String {
    let offset = i32::try_from(VIETNAM_UTC_OFFSET_HOURS * 3600).unwrap_or(7 * 3600);
    match FixedOffset::east_opt(offset) {
        Some(tz) => t.utc().with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string(),
        None => t.stored(),
    }
}

/// A stored instant (RFC 3339) or a stored date (`yyyy-mm-dd`) as people
/// read it; text that is neither is shown as it is rather than lost.
pub fn stored(s: &str) -> String {
    if let Ok(t) = Timestamp::parse_stored(s) {
        return time(t);
    }
    // SQLite's `datetime('now')` shape, without the `T` and offset: UTC.
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return time(Timestamp::from_utc(t.and_utc()));
    }
    match Date::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => date(d),
        Err(_) => s.to_string(),
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "Tháng 1/2026" / "January 2026". A month outside 1–12 is shown as
/// numbers rather than invented.
pub fn month(year: i32, month: u32, lang: Language) -> String {
    match (lang, MONTHS_EN.get(month.wrapping_sub(1) as usize)) {
        (Language::English, Some(name)) => format!("{name} {year}"),
        (Language::English, None) => format!("{month}/{year}"),
        (Language::Vietnamese, _) => format!("Tháng {month}/{year}"),
    }
}

/// A month key as stored or grouped (`2026-01`) as people read it; anything
/// else is returned unchanged.
pub fn month_key(key: &str, lang: Language) -> String {
    let parsed = key.split_once('-').and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
    match parsed {
        Some((y, m)) if key.len() == 7 && (1..=12).contains(&m) => month(y, m, lang),
        _ => key.to_string(),
    }
}

/// The month a date falls in, as [`month`] says it.
pub fn month_of(d: Date, lang: Language) -> String {
    month(d.year(), d.month(), lang)
}

/// `1.234.567`: digits grouped by three with dots, as Vietnamese offices
/// write them (also in English pages: the figures are the same documents').
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Money in whole đồng: `1.234.567 đ`.
pub fn money(dong: i64) -> String {
    format!("{} đ", number(dong))
}

/// A decimal with `places` digits after the language's mark: "54,9" in
/// Vietnamese, "54.9" in English.
pub fn decimal(x: f64, places: usize, lang: Language) -> String {
    let text = format!("{x:.places$}");
    match lang {
        Language::Vietnamese => text.replace('.', ","),
        Language::English => text,
    }
}

/// A time taken, in seconds with one decimal: "54,9 giây" / "54.9 seconds";
/// from a minute on, minutes first ("2 phút 5,0 giây" / "2 min 5.0 s").
pub fn seconds(ms: u64, lang: Language) -> String {
    let minutes = ms / 60_000;
    // Tenths, rounded half up, so 54 950 ms reads 55,0 rather than 54,9.
    let tenths = (ms % 60_000 + 50) / 100;
    let (minutes, tenths) = if tenths >= 600 { (minutes + 1, tenths - 600) } else { (minutes, tenths) };
    let secs = format!("{}{}{}", tenths / 10, if lang == Language::Vietnamese { ',' } else { '.' }, tenths % 10);
    match (lang, minutes) {
        (Language::Vietnamese, 0) => format!("{secs} giây"),
        (Language::Vietnamese, m) => format!("{m} phút {secs} giây"),
        (Language::English, 0) => format!("{secs} seconds"),
        (Language::English, m) => format!("{m} min {secs} s"),
    }
}

/// A unit's name with its type in front, never twice: ("Phường", "Bắc
/// Giang") and ("Phường", "Phường Bắc Giang") both give "Phường Bắc Giang".
/// Compared without case or diacritics, so "phường" and "Phuong" count as
/// the type already said.
pub fn unit_name(type_label: &str, name: &str) -> String {
    let name = name.trim();
    let kind = type_label.trim();
    if kind.is_empty() || name.is_empty() {
        return if name.is_empty() { kind.to_string() } else { name.to_string() };
    }
    let folded_kind = crate::text::fold(kind);
    let folded_name = crate::text::fold(name);
    let starts =
        folded_name.strip_prefix(folded_kind.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(' '));
    if starts { name.to_string() } else { format!("{kind} {name}") }
}

/// A phone number as people write it: "0912 345 678" (4-3-3), a landline
/// "024 3825 1234" (3-4-4); anything else is returned as given.
pub fn phone_grouped(national: &str) -> String {
    let digits = national.chars().all(|c| c.is_ascii_digit());
    match national.len() {
        10 if digits && national.starts_with('0') => {
            format!("{} {} {}", &national[..4], &national[4..7], &national[7..])
        }
        11 if digits && national.starts_with("02") => {
            format!("{} {} {}", &national[..3], &national[3..7], &national[7..])
        }
        _ => national.to_string(),
    }
}

/// An identifier as it is stored or keyed (`tel:+84912345678`,
/// `bank:970422:0988776655`, `970422:0988776655`, `host.vn/`) as a person
/// reads it: "0912 345 678", "MB · 0988776655", "host.vn".
pub fn identifier(stored: &str) -> String {
    use crate::scamcheck::{Bank, PhoneNumber};
    let text = stored.trim();
    // Reports keep a phone as "+84…", indicators as "tel:+84…".
    let phone = text.strip_prefix("tel:").or_else(|| text.starts_with("+84").then_some(text));
    if let Some(phone) = phone {
        return match PhoneNumber::parse(phone) {
            Ok(p) => p.national().map_or_else(|| p.e164().to_owned(), |n| phone_grouped(&n)),
            Err(_) => phone.to_string(),
        };
    }
    let account = text.strip_prefix("bank:").unwrap_or(text);
    if let Some((bin, number)) = account.split_once(':')
        && bin.len() == 6
        && bin.chars().all(|c| c.is_ascii_digit())
    {
        return match Bank::by_bin(bin) {
            Some(bank) => format!("{} · {number}", bank.short_name),
            None => format!("BIN {bin} · {number}"),
        };
    }
    // A whole site is keyed "host/": people write the host alone.
    match text.strip_suffix('/') {
        Some(host) if !host.contains('/') => host.to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dates_and_times_read_as_in_viet_nam() {
        let d = Date::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(date(d), "05/01/2026");
        // 17:30 UTC is already the next morning in Viet Nam.
        let t = Timestamp::parse_stored("2026-12-07T17:30:00Z").unwrap();
        assert_eq!(time(t), "08/12/2026 00:30");
        assert_eq!(stored("2026-12-07T17:30:00Z"), "08/12/2026 00:30");
        assert_eq!(stored("2026-12-07 17:30:00"), "08/12/2026 00:30");
        assert_eq!(stored("2026-12-07"), "07/12/2026");
        assert_eq!(stored("không rõ"), "không rõ");
    }

    #[test]
    fn months_read_in_both_languages() {
        assert_eq!(month(2026, 1, Language::Vietnamese), "Tháng 1/2026");
        assert_eq!(month(2026, 1, Language::English), "January 2026");
        assert_eq!(month_key("2026-12", Language::English), "December 2026");
        assert_eq!(month_key("2026-13", Language::Vietnamese), "2026-13");
        assert_eq!(month_key("abc", Language::Vietnamese), "abc");
        assert_eq!(month_of(Date::from_ymd_opt(2027, 10, 31).unwrap(), Language::Vietnamese), "Tháng 10/2027");
    }

    #[test]
    fn money_and_numbers_group_by_three() {
        assert_eq!(money(37_782_328_000), "37.782.328.000 đ");
        assert_eq!(money(0), "0 đ");
        assert_eq!(number(-1000), "-1.000");
        assert_eq!(number(999), "999");
        assert_eq!(number(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn times_taken_read_with_the_languages_mark() {
        assert_eq!(seconds(54_900, Language::Vietnamese), "54,9 giây");
        assert_eq!(seconds(54_900, Language::English), "54.9 seconds");
        assert_eq!(seconds(125_040, Language::Vietnamese), "2 phút 5,0 giây");
        // Rounding up to a whole minute carries into the minutes.
        assert_eq!(seconds(59_970, Language::English), "1 min 0.0 s");
        assert_eq!(decimal(72.456, 1, Language::Vietnamese), "72,5");
    }

    #[test]
    fn unit_types_are_never_said_twice() {
        assert_eq!(unit_name("Phường", "Phường Bắc Giang"), "Phường Bắc Giang");
        assert_eq!(unit_name("Phường", "Bắc Giang"), "Phường Bắc Giang");
        assert_eq!(unit_name("Xã", "xã Tân Dĩnh"), "xã Tân Dĩnh");
        // A name that merely begins with the same letters still gets its type.
        assert_eq!(unit_name("Xã", "Xương Giang"), "Xã Xương Giang");
        assert_eq!(unit_name("", "Bắc Ninh"), "Bắc Ninh");
    }

    #[test]
    fn identifiers_read_without_their_codes() {
        assert_eq!(identifier("tel:+84912345678"), "0912 345 678");
        assert_eq!(identifier("tel:+84856123789"), "0856 123 789");
        assert_eq!(identifier("+84856123789"), "0856 123 789");
        let mb = identifier("970422:0988776655");
        assert!(mb.ends_with(" · 0988776655") && !mb.contains("970422"), "{mb}");
        assert_eq!(identifier("bank:970422:0988776655"), mb);
        assert_eq!(identifier("bank:123456:42"), "BIN 123456 · 42");
        assert_eq!(identifier("lua-dao.example.vn/"), "lua-dao.example.vn");
        assert_eq!(identifier("https://a.vn/x/"), "https://a.vn/x/");
        assert_eq!(phone_grouped("02438251234"), "024 3825 1234");
        assert_eq!(phone_grouped("1900"), "1900");
    }

    proptest! {
        /// Grouping only adds dots: removing them gives back the digits, and
        /// every group after the first has three.
        #[test]
        fn money_round_trips_its_digits(n in any::<i64>()) {
            let shown = money(n);
            let body = shown.strip_suffix(" đ").unwrap();
            let digits: String = body.chars().filter(|c| *c != '.').collect();
            prop_assert_eq!(digits.parse::<i64>().unwrap(), n);
            let groups: Vec<&str> = body.trim_start_matches('-').split('.').collect();
            prop_assert!(groups[0].len() <= 3 && !groups[0].is_empty());
            prop_assert!(groups[1..].iter().all(|g| g.len() == 3));
        }

        /// Any instant reads back as the Viet Nam date of that instant.
        #[test]
        fn a_time_shows_the_vietnam_date(secs in 0i64..4_102_444_800) {
            let t = Timestamp::from_utc(chrono::DateTime::from_timestamp(secs, 0).unwrap());
            prop_assert!(time(t).starts_with(&date(t.vietnam_date())));
        }

        /// A unit's type appears at most once at the front, whatever the name.
        #[test]
        fn joining_is_idempotent(name in "[A-Za-zĐđăâêôơư ]{1,20}") {
            let once = unit_name("Phường", &name);
            prop_assert_eq!(unit_name("Phường", &once), once.clone());
        }
    }
}
