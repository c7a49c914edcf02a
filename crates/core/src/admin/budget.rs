//! The programme's budget (Part 2, IV): the document's plan by level, the six
//! spending lines 2.1–2.6, the four stages an amount goes through, the move of
//! the district share after the district level ended, and plan-against-actual
//! variance. Amounts are whole đồng (`i64`).
//!
//! # Re-homing the district share
//!
//! The document plans 4.235.100.000 đ for district budgets, but the district
//! level ended on 1 July 2025 ([`DISTRICT_LEVEL_END`]). The rule used here:
//!
//! - A district amount is spread evenly over the days of its span
//!   ([`BudgetEntry::from`]..=[`BudgetEntry::to`]). The part for days before
//!   1/7/2025 stays at district level; the part for days from 1/7/2025 on moves
//!   to the level that took the district's work over ([`successor_level`]):
//!   the province for online contests (line 2.4: contests are run by the
//!   provincial steering committee, III.7.4), the communes for every other line
//!   and for amounts without a line.
//! - The moved part is a separate row, marked [`BudgetRow::rehomed_from`] =
//!   district, so a report can show "chuyển từ cấp huyện" on its own line.
//! - The split is in whole đồng: the part kept is rounded down and the moved
//!   part is the rest, so every total is exactly what was entered (and the
//!   document's 37.782.328.000 đ stays 37.782.328.000 đ).
//!
//! The document's plan itself ([`DOCUMENT_PLAN`]) is a level total for the
//! whole programme (1/9/2024–31/12/2030); [`document_plan_rows`] re-homes it
//! with the same rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::phases::{PROGRAMME_END, PROGRAMME_START};
use super::ymd;
use crate::Date;
use crate::macros::string_enum;

/// The day the district level stopped existing (Vietnam's 2025 reform).
pub const DISTRICT_LEVEL_END: Date = ymd(2025, 7, 1);

string_enum!(
    /// The budget level that pays ("ngân sách cấp ...").
    BudgetLevel {
        Province = "province" / "Cấp tỉnh",
        District = "district" / "Cấp huyện",
        Commune = "commune" / "Cấp xã",
    }
);

string_enum!(
    /// The spending lines of Part 2, IV.2 ("Các nội dung chi thực hiện Đề án").
    SpendingLine {
        Initiatives = "initiatives" / "Xây dựng và duy trì hoạt động của các mô hình trong phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        OutreachProducts = "outreach_products" / "Thiết kế các sản phẩm tuyên truyền, xây dựng tin, bài, phóng sự, video clip phục vụ tuyên truyền trên không gian mạng",
        Conferences = "conferences" / "Tổ chức hội nghị sơ kết, tổng kết, tuyên truyền, triển khai công tác xây dựng, khảo sát, đánh giá phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        Contests = "contests" / "Kinh phí tổ chức các cuộc thi trực tuyến trong xây dựng phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        Equipment = "equipment" / "Mua sắm phương tiện, công cụ, ứng dụng xây dựng phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        Other = "other" / "Các khoản, mục, chế độ được chi khác theo quy định của pháp luật",
    }
);

impl SpendingLine {
    /// The number in the document: "2.1" … "2.6".
    pub fn code(self) -> &'static str {
        match self {
            SpendingLine::Initiatives => "2.1",
            SpendingLine::OutreachProducts => "2.2",
            SpendingLine::Conferences => "2.3",
            SpendingLine::Contests => "2.4",
            SpendingLine::Equipment => "2.5",
            SpendingLine::Other => "2.6",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        SpendingLine::ALL.iter().copied().find(|l| l.code() == code)
    }
}

string_enum!(
    /// The stages of an amount: the yearly estimate (IV.3), the allocation,
    /// the spending, the settlement.
    Stage {
        Estimate = "estimate" / "Dự toán",
        Allocation = "allocation" / "Phân bổ",
        Spending = "spending" / "Thực chi",
        Settlement = "settlement" / "Quyết toán",
    }
);

/// The document's budget by level (Part 2, IV.1), in đồng.
pub const DOCUMENT_PLAN: [(BudgetLevel, i64); 3] = [
    (BudgetLevel::Province, 5_015_728_000),
    (BudgetLevel::District, 4_235_100_000),
    (BudgetLevel::Commune, 28_531_500_000),
];

/// The document's total (Part 2, IV.1): 37.782.328.000 đ.
pub const DOCUMENT_TOTAL: i64 = 37_782_328_000;

/// Where a district amount goes from [`DISTRICT_LEVEL_END`] on: see the module
/// documentation.
pub fn successor_level(line: Option<SpendingLine>) -> BudgetLevel {
    match line {
        Some(SpendingLine::Contests) => BudgetLevel::Province,
        _ => BudgetLevel::Commune,
    }
}

/// Why an amount cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    #[error("the amount must not be negative")]
    Negative,
    #[error("the span ends before it starts")]
    EmptySpan,
    #[error("the span crosses a year boundary; record one entry per year")]
    CrossesYear,
}

impl BudgetError {
    pub fn message_vi(&self) -> String {
        match self {
            BudgetError::Negative => "Số tiền không được âm.".into(),
            BudgetError::EmptySpan => "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.".into(),
            BudgetError::CrossesYear => "Mỗi khoản chỉ thuộc một năm; hãy nhập riêng cho từng năm.".into(),
        }
    }
}

/// One recorded amount: a level, a line (if known), a stage and the days it
/// covers (one day for a payment, the year for a yearly estimate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetEntry {
    pub level: BudgetLevel,
    pub line: Option<SpendingLine>,
    pub stage: Stage,
    pub amount: i64,
    pub from: Date,
    /// Inclusive.
    pub to: Date,
}

impl BudgetEntry {
    pub fn new(
        level: BudgetLevel,
        line: Option<SpendingLine>,
        stage: Stage,
        amount: i64,
        from: Date,
        to: Date,
    ) -> Result<Self, BudgetError> {
        if amount < 0 {
            return Err(BudgetError::Negative);
        }
        if to < from {
            return Err(BudgetError::EmptySpan);
        }
        if chrono::Datelike::year(&from) != chrono::Datelike::year(&to) {
            return Err(BudgetError::CrossesYear);
        }
        Ok(BudgetEntry { level, line, stage, amount, from, to })
    }

    /// An amount for a whole calendar year.
    pub fn for_year(
        level: BudgetLevel,
        line: Option<SpendingLine>,
        stage: Stage,
        amount: i64,
        year: i32,
    ) -> Result<Self, BudgetError> {
        BudgetEntry::new(level, line, stage, amount, ymd(year, 1, 1), ymd(year, 12, 31))
    }

    pub fn year(&self) -> i32 {
        chrono::Datelike::year(&self.from)
    }
}

/// A total after re-homing. Rows with the same key are added up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetRow {
    /// The level the amount belongs to now.
    pub level: BudgetLevel,
    /// `Some(District)` for the part moved from the district level.
    pub rehomed_from: Option<BudgetLevel>,
    pub line: Option<SpendingLine>,
    pub stage: Stage,
    pub year: i32,
    pub amount: i64,
}

impl BudgetRow {
    /// "Cấp xã", or "Cấp xã (chuyển từ cấp huyện)" for a re-homed part.
    pub fn level_label_vi(&self) -> String {
        match self.rehomed_from {
            Some(from) => format!("{} (chuyển từ {})", self.level.label_vi(), from.label_vi().to_lowercase()),
            None => self.level.label_vi().to_owned(),
        }
    }
}

/// Splits `amount` spread over `from..=to` at `cutoff`: (part before, part
/// from `cutoff` on). The parts add up to `amount` exactly.
fn split_at(amount: i64, from: Date, to: Date, cutoff: Date) -> (i64, i64) {
    if to < cutoff {
        return (amount, 0);
    }
    if from >= cutoff {
        return (0, amount);
    }
    let days = (to - from).num_days() + 1;
    let before_days = (cutoff - from).num_days();
    // i128 so that a large amount times a day count cannot overflow.
    let before = i128::from(amount) * i128::from(before_days) / i128::from(days);
    let before = i64::try_from(before).unwrap_or(amount);
    (before, amount - before)
}

type RowKey = (BudgetLevel, Option<BudgetLevel>, Option<SpendingLine>, Stage, i32);

/// The position of `x` in `all`: the document's order, used to sort rows.
fn pos<T: PartialEq>(all: &[T], x: &T) -> usize {
    all.iter().position(|a| a == x).unwrap_or(all.len())
}

/// Sorts rows in the document's order of levels, lines and stages.
type RowOrder = (usize, usize, usize, usize, i32);

fn key_order(k: &RowKey) -> RowOrder {
    (
        pos(BudgetLevel::ALL, &k.0),
        k.1.map_or(0, |l| pos(BudgetLevel::ALL, &l) + 1),
        k.2.map_or(0, |l| pos(SpendingLine::ALL, &l) + 1),
        pos(Stage::ALL, &k.3),
        k.4,
    )
}

/// Re-homes district amounts at `cutoff` (normally [`DISTRICT_LEVEL_END`]) and
/// adds rows up by level, origin, line, stage and year, in that order. The sum
/// of the rows equals the sum of the entries, for every line, stage and year.
pub fn rehome(entries: &[BudgetEntry], cutoff: Date) -> Vec<BudgetRow> {
    let mut sums: BTreeMap<RowOrder, (RowKey, i64)> = BTreeMap::new();
    let mut add = |key: RowKey, amount: i64| {
        if amount == 0 {
            return;
        }
        let slot = sums.entry(key_order(&key)).or_insert((key, 0));
        slot.1 = slot.1.saturating_add(amount);
    };
    for e in entries {
        let year = e.year();
        if e.level == BudgetLevel::District {
            let (kept, moved) = split_at(e.amount, e.from, e.to, cutoff);
            add((BudgetLevel::District, None, e.line, e.stage, year), kept);
            add((successor_level(e.line), Some(BudgetLevel::District), e.line, e.stage, year), moved);
        } else {
            add((e.level, None, e.line, e.stage, year), e.amount);
        }
    }
    sums.into_values()
        .map(|((level, rehomed_from, line, stage, year), amount)| BudgetRow {
            level,
            rehomed_from,
            line,
            stage,
            year,
            amount,
        })
        .collect()
}

/// A row of the document's plan after re-homing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub level: BudgetLevel,
    pub rehomed_from: Option<BudgetLevel>,
    pub amount: i64,
}

/// The document's plan with the district share re-homed at `cutoff`, spread
/// over the programme's days (1/9/2024–31/12/2030). The rows add up to
/// [`DOCUMENT_TOTAL`].
pub fn document_plan_rows(cutoff: Date) -> Vec<PlanRow> {
    let mut rows = Vec::new();
    let mut moved = 0;
    for (level, amount) in DOCUMENT_PLAN {
        if level == BudgetLevel::District {
            let (kept, m) = split_at(amount, PROGRAMME_START, PROGRAMME_END, cutoff);
            rows.push(PlanRow { level, rehomed_from: None, amount: kept });
            moved = m;
        } else {
            rows.push(PlanRow { level, rehomed_from: None, amount });
        }
    }
    // The plan has no lines, so the moved part goes to the communes.
    rows.push(PlanRow { level: successor_level(None), rehomed_from: Some(BudgetLevel::District), amount: moved });
    rows
}

/// How to group a variance table; a `false` field is added up over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupBy {
    pub level: bool,
    pub line: bool,
    pub year: bool,
}

/// The key of a variance row; `None` where that field is added up over (or,
/// for `line`, for amounts without a line when grouping by line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VarianceKey {
    pub level: Option<BudgetLevel>,
    pub line: Option<SpendingLine>,
    pub year: Option<i32>,
}

/// Planned (estimate), allocated, spent and settled amounts for one key, with
/// the rates between consecutive stages. A rate is `None` when its base is
/// zero (nothing planned, allocated or spent), never a division by zero; it
/// can exceed 1 (more spent than allocated is a finding, not an error).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variance {
    pub key: VarianceKey,
    pub planned: i64,
    pub allocated: i64,
    pub spent: i64,
    pub settled: i64,
    /// allocated / planned
    pub allocation_rate: Option<f64>,
    /// spent / allocated
    pub spending_rate: Option<f64>,
    /// settled / spent
    pub settlement_rate: Option<f64>,
    /// allocated − planned, spent − allocated, settled − spent
    pub allocation_gap: i64,
    pub spending_gap: i64,
    pub settlement_gap: i64,
}

/// `part / base`, `None` when `base` is zero.
pub fn rate(part: i64, base: i64) -> Option<f64> {
    if base == 0 { None } else { Some(part as f64 / base as f64) }
}

/// The variance table of re-homed rows, grouped as asked, sorted by key.
pub fn variance(rows: &[BudgetRow], by: GroupBy) -> Vec<Variance> {
    type Order = (Option<usize>, Option<usize>, Option<i32>);
    let mut sums: BTreeMap<Order, (VarianceKey, [i64; 4])> = BTreeMap::new();
    for r in rows {
        let key = VarianceKey {
            level: by.level.then_some(r.level),
            line: if by.line { r.line } else { None },
            year: by.year.then_some(r.year),
        };
        let order =
            (key.level.map(|l| pos(BudgetLevel::ALL, &l)), key.line.map(|l| pos(SpendingLine::ALL, &l)), key.year);
        let (_, slot) = sums.entry(order).or_insert((key, [0; 4]));
        let i = match r.stage {
            Stage::Estimate => 0,
            Stage::Allocation => 1,
            Stage::Spending => 2,
            Stage::Settlement => 3,
        };
        slot[i] = slot[i].saturating_add(r.amount);
    }
    sums.into_values()
        .map(|(key, [planned, allocated, spent, settled])| Variance {
            key,
            planned,
            allocated,
            spent,
            settled,
            allocation_rate: rate(allocated, planned),
            spending_rate: rate(spent, allocated),
            settlement_rate: rate(settled, spent),
            allocation_gap: allocated - planned,
            spending_gap: spent - allocated,
            settlement_gap: settled - spent,
        })
        .collect()
}

/// 37782328000 → "37.782.328.000": Vietnamese digit grouping with dots
/// ([`crate::display::number`], the one helper every page uses).
pub fn format_thousands(n: i64) -> String {
    crate::display::number(n)
}

/// 37782328000 → "37.782.328.000 đ" ([`crate::display::money`]).
pub fn format_dong(n: i64) -> String {
    crate::display::money(n)
}

/// An amount as people write it, in whole đồng: "12.500.000",
/// "12 500 000", "12,500,000", "12500000" or "12.500.000 đ" → 12500000.
/// Anything that is not a whole non-negative number ("12,5 tỷ", "1,5",
/// "-5", "1e9") is `None`, for the form to refuse beside the field: groups
/// after the first have exactly three digits, so a decimal comma is never
/// read as a thousands separator. The entry and its correction read
/// amounts the same way.
pub fn parse_dong(s: &str) -> Option<i64> {
    // Bounded before reading: no amount needs more than a few dozen characters.
    if s.len() > 64 {
        return None;
    }
    let s = s.trim();
    let s = s.strip_suffix('đ').unwrap_or(s).trim_end();
    let groups: Vec<&str> = s.split(['.', ',', ' ', '\u{a0}']).collect();
    if groups.iter().any(|g| g.is_empty() || !g.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    groups.concat().parse().ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_as_people_write_them() {
        assert_eq!(parse_dong("12.500.000"), Some(12_500_000));
        assert_eq!(parse_dong("12 500 000"), Some(12_500_000));
        assert_eq!(parse_dong("1 250 000 000 đ"), Some(1_250_000_000));
        assert_eq!(parse_dong("37782328000"), Some(37_782_328_000));
        assert_eq!(parse_dong("-5"), None);
        assert_eq!(parse_dong("12,5 tỷ"), None);
        assert_eq!(parse_dong("1e9"), None);
        assert_eq!(parse_dong(""), None);
        assert_eq!(parse_dong(&"9".repeat(80)), None);
        assert_eq!(parse_dong("12,500,000"), Some(12_500_000));
        assert_eq!(parse_dong("1,5"), None, "a decimal comma is not a thousands separator");
        assert_eq!(parse_dong("12.5000"), None);
    }

    proptest! {
        #[test]
        fn formatted_amounts_read_back(n in 0_i64..=i64::MAX / 10) {
            prop_assert_eq!(parse_dong(&format_thousands(n)), Some(n));
            prop_assert_eq!(parse_dong(&format_dong(n)), Some(n));
        }

        #[test]
        fn reading_an_amount_never_panics(s in "\\PC*") {
            let _ = parse_dong(&s);
        }
    }

    #[test]
    fn document_plan_adds_up() {
        let sum: i64 = DOCUMENT_PLAN.iter().map(|(_, a)| a).sum();
        assert_eq!(sum, DOCUMENT_TOTAL);
        assert_eq!(format_dong(DOCUMENT_TOTAL), "37.782.328.000 đ");
    }

    #[test]
    fn lines_carry_the_document_numbers_and_titles() {
        let codes: Vec<_> = SpendingLine::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]);
        assert_eq!(SpendingLine::from_code("2.4"), Some(SpendingLine::Contests));
        assert!(SpendingLine::Other.label_vi().starts_with("Các khoản, mục, chế độ"));
    }

    #[test]
    fn formats_dong() {
        assert_eq!(format_dong(0), "0 đ");
        assert_eq!(format_dong(999), "999 đ");
        assert_eq!(format_dong(1000), "1.000 đ");
        assert_eq!(format_dong(-1_234_567), "-1.234.567 đ");
        assert_eq!(format_thousands(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn document_plan_rehomed_keeps_the_total() {
        let rows = document_plan_rows(DISTRICT_LEVEL_END);
        assert_eq!(rows.iter().map(|r| r.amount).sum::<i64>(), DOCUMENT_TOTAL);
        let moved = rows.iter().find(|r| r.rehomed_from.is_some()).unwrap();
        assert_eq!(moved.level, BudgetLevel::Commune);
        let kept = rows.iter().find(|r| r.level == BudgetLevel::District).unwrap();
        assert_eq!(kept.amount + moved.amount, 4_235_100_000);
        // 303 of the programme's 2.313 days fall before 1/7/2025.
        assert_eq!(kept.amount, 4_235_100_000 * 303 / 2313);
    }

    #[test]
    fn district_amounts_move_at_the_cutoff() {
        let e = |line, from, to, amount| {
            BudgetEntry::new(BudgetLevel::District, line, Stage::Spending, amount, from, to).unwrap()
        };
        let rows = rehome(
            &[
                e(Some(SpendingLine::Initiatives), ymd(2025, 3, 1), ymd(2025, 3, 1), 100),
                e(Some(SpendingLine::Initiatives), ymd(2025, 8, 1), ymd(2025, 8, 1), 200),
                e(Some(SpendingLine::Contests), ymd(2025, 9, 1), ymd(2025, 9, 1), 50),
                // The whole of 2025: 181 of 365 days are before 1 July.
                e(None, ymd(2025, 1, 1), ymd(2025, 12, 31), 365),
            ],
            DISTRICT_LEVEL_END,
        );
        let find = |level, from, line| {
            rows.iter().find(|r| r.level == level && r.rehomed_from == from && r.line == line).map(|r| r.amount)
        };
        let d = Some(BudgetLevel::District);
        assert_eq!(find(BudgetLevel::District, None, Some(SpendingLine::Initiatives)), Some(100));
        assert_eq!(find(BudgetLevel::Commune, d, Some(SpendingLine::Initiatives)), Some(200));
        assert_eq!(find(BudgetLevel::Province, d, Some(SpendingLine::Contests)), Some(50));
        assert_eq!(find(BudgetLevel::District, None, None), Some(181));
        assert_eq!(find(BudgetLevel::Commune, d, None), Some(184));
        let moved = rows.iter().find(|r| r.rehomed_from.is_some() && r.level == BudgetLevel::Commune).unwrap();
        assert_eq!(moved.level_label_vi(), "Cấp xã (chuyển từ cấp huyện)");
    }

    #[test]
    fn entries_are_checked() {
        let d = ymd(2025, 1, 1);
        let l = BudgetLevel::Province;
        assert_eq!(BudgetEntry::new(l, None, Stage::Estimate, -1, d, d), Err(BudgetError::Negative));
        assert_eq!(BudgetEntry::new(l, None, Stage::Estimate, 1, d, ymd(2024, 12, 31)), Err(BudgetError::EmptySpan));
        assert_eq!(BudgetEntry::new(l, None, Stage::Estimate, 1, d, ymd(2026, 1, 1)), Err(BudgetError::CrossesYear));
        assert!(BudgetError::CrossesYear.message_vi().contains("năm"));
    }

    #[test]
    fn variance_rates_never_divide_by_zero() {
        let y = |level, stage, amount, year| BudgetEntry::for_year(level, None, stage, amount, year).unwrap();
        let rows = rehome(
            &[
                y(BudgetLevel::Province, Stage::Estimate, 1000, 2025),
                y(BudgetLevel::Province, Stage::Allocation, 800, 2025),
                y(BudgetLevel::Province, Stage::Spending, 900, 2025),
                // Spent without any estimate or allocation.
                y(BudgetLevel::Commune, Stage::Spending, 10, 2026),
            ],
            DISTRICT_LEVEL_END,
        );
        let v = variance(&rows, GroupBy { level: true, line: false, year: true });
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].allocation_rate, Some(0.8));
        assert_eq!(v[0].spending_rate, Some(1.125));
        assert_eq!(v[0].settlement_rate, Some(0.0));
        assert_eq!(v[0].spending_gap, 100);
        assert_eq!((v[1].allocation_rate, v[1].spending_rate), (None, None));
        let all = variance(&rows, GroupBy::default());
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].spent, 910);
    }

    fn entry() -> impl Strategy<Value = BudgetEntry> {
        (
            0usize..3,
            proptest::option::of(0usize..6),
            0usize..4,
            0i64..10_000_000_000,
            2024i32..2031,
            0u32..365,
            0u32..365,
        )
            .prop_map(|(level, line, stage, amount, year, a, b)| {
                let start = ymd(year, 1, 1);
                let d = |n: u32| start + chrono::Days::new(u64::from(n.min(364)));
                let (from, to) = (d(a.min(b)), d(a.max(b)));
                BudgetEntry::new(
                    BudgetLevel::ALL[level],
                    line.map(|l| SpendingLine::ALL[l]),
                    Stage::ALL[stage],
                    amount,
                    from,
                    to,
                )
                .unwrap()
            })
    }

    proptest! {
        #[test]
        fn rehoming_preserves_totals(entries in proptest::collection::vec(entry(), 0..40), cut in 0u32..3000) {
            let cutoff = ymd(2024, 1, 1) + chrono::Days::new(u64::from(cut));
            let rows = rehome(&entries, cutoff);
            for stage in Stage::ALL {
                for year in 2024..2031 {
                    let want: i64 = entries.iter().filter(|e| e.stage == *stage && e.year() == year).map(|e| e.amount).sum();
                    let got: i64 = rows.iter().filter(|r| r.stage == *stage && r.year == year).map(|r| r.amount).sum();
                    prop_assert_eq!(want, got);
                }
            }
            // Nothing stays at district level from the cutoff on, and only district amounts move.
            for r in &rows {
                prop_assert!(r.amount > 0);
                prop_assert!(r.rehomed_from.is_none() || r.rehomed_from == Some(BudgetLevel::District));
                prop_assert!(r.rehomed_from.is_none() || r.level != BudgetLevel::District);
            }
            let plan = document_plan_rows(cutoff);
            prop_assert_eq!(plan.iter().map(|r| r.amount).sum::<i64>(), DOCUMENT_TOTAL);
        }
    }
}
