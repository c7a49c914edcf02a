//! Yearly evaluation, scoring, classification and ranking of units (Part 2,
//! III.7.2): "Hằng năm, lực lượng Công an các cấp tham mưu Ban Chỉ đạo cùng cấp
//! tổ chức kiểm tra, đánh giá, phân loại kết quả thực hiện đối với từng khu dân
//! cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục".
//!
//! - Criteria sets are versioned by year and unit kind; [`default_criteria`]
//!   draws one per kind from the targets of Part 2, II.2 (2.1–2.9) and the
//!   tasks of III.2–III.5. The provincial steering committee is to add cyber
//!   criteria to its existing scoring rules (III.7.2), so a set is data: the
//!   defaults are a starting point.
//! - A unit scores itself ([`EvaluationStatus::SelfAssessment`]), submits, and
//!   the level above approves or returns it.
//! - The total is weighted and normalised to 100: `100 × Σ wᵢ·pᵢ/mᵢ / Σ wᵢ`,
//!   kept in hundredths of a point ([`Total`]) so that ranking and bands use
//!   whole numbers.
//! - The document names no classification bands; [`Classification`] uses the
//!   usual five: Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 65, Trung bình ≥ 50, Yếu < 50.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::criteria::Bands;
use crate::Date;
use crate::macros::string_enum;
use crate::org::UnitId;
use crate::targets::TargetId;
use crate::text::fold;

string_enum!(
    /// The kinds of unit scored, each with its own criteria set.
    UnitKind {
        Village = "village" / "Thôn, tổ dân phố",
        Commune = "commune" / "Xã, phường",
        Agency = "agency" / "Cơ quan",
        Enterprise = "enterprise" / "Doanh nghiệp",
        School = "school" / "Cơ sở giáo dục",
    }
);

/// One criterion: up to `max_points` points, counted `weight` times; when
/// it reads one of the targets, the unit's score starts from that target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub code: String,
    pub title_vi: String,
    pub max_points: u32,
    pub weight: u32,
    #[serde(default)]
    pub target: Option<TargetId>,
}

/// The criteria for one kind of unit in one year, with the thresholds of
/// its classification bands. `version` counts the secretariat's saved
/// versions of the year (0: the document's default, never saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaSet {
    pub year: i32,
    pub kind: UnitKind,
    pub criteria: Vec<Criterion>,
    #[serde(default)]
    pub bands: Bands,
    #[serde(default)]
    pub version: i64,
}

/// Why a criteria set, a score or a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    #[error("the criteria set has no criteria")]
    NoCriteria,
    #[error("criterion {0} appears twice")]
    DuplicateCriterion(String),
    #[error("criterion {0} needs a maximum and a weight above zero")]
    ZeroMaxOrWeight(String),
    #[error("criterion {0} is not in the criteria set")]
    UnknownCriterion(String),
    #[error("criterion {code}: {points} points is more than the maximum {max}")]
    TooManyPoints { code: String, points: u32, max: u32 },
    #[error("evidence must be an http:// or https:// link: {0}")]
    BadEvidence(String),
    #[error("an evaluation cannot go from {from} to {to}")]
    BadTransition { from: EvaluationStatus, to: EvaluationStatus },
    #[error("only the level above can approve or return an evaluation")]
    NotLevelAbove,
    #[error("only the unit itself can edit or submit its evaluation")]
    NotTheUnit,
    #[error("criterion {0} needs a title")]
    NoTitle(String),
    #[error("the bands must fall from Excellent to Average, each between 1 and 100 points")]
    BadBands,
}

impl EvaluationError {
    pub fn message_vi(&self) -> String {
        match self {
            EvaluationError::NoCriteria => "Bộ tiêu chí chưa có tiêu chí nào.".into(),
            EvaluationError::DuplicateCriterion(c) => format!("Tiêu chí {c} bị trùng."),
            EvaluationError::ZeroMaxOrWeight(c) => format!("Tiêu chí {c} cần có điểm tối đa và trọng số lớn hơn 0."),
            EvaluationError::UnknownCriterion(c) => format!("Tiêu chí {c} không có trong bộ tiêu chí của năm."),
            EvaluationError::TooManyPoints { code, points, max } => {
                format!("Tiêu chí {code}: {points} điểm vượt quá điểm tối đa {max}.")
            }
            EvaluationError::BadEvidence(s) => {
                format!("Minh chứng phải là đường dẫn bắt đầu bằng http:// hoặc https://; «{s}» không hợp lệ.")
            }
            EvaluationError::BadTransition { from, to } => {
                format!("Không thể chuyển kết quả đánh giá từ «{}» sang «{}».", from.label_vi(), to.label_vi())
            }
            EvaluationError::NotLevelAbove => "Chỉ cấp trên mới được phê duyệt hoặc trả lại kết quả đánh giá.".into(),
            EvaluationError::NotTheUnit => "Chỉ đơn vị được đánh giá mới được sửa hoặc gửi kết quả tự đánh giá.".into(),
            EvaluationError::NoTitle(c) => format!("Tiêu chí {c} cần có nội dung."),
            EvaluationError::BadBands => {
                "Ngưỡng xếp loại phải giảm dần từ Xuất sắc đến Trung bình, mỗi ngưỡng từ 1 đến 100 điểm.".into()
            }
        }
    }
}

impl CriteriaSet {
    /// Every criterion has a unique code, a title, a maximum and a weight;
    /// the bands fall from Excellent to Average.
    pub fn validate(&self) -> Result<(), EvaluationError> {
        if self.criteria.is_empty() {
            return Err(EvaluationError::NoCriteria);
        }
        let mut seen = HashSet::new();
        for c in &self.criteria {
            if !seen.insert(c.code.as_str()) {
                return Err(EvaluationError::DuplicateCriterion(c.code.clone()));
            }
            if c.title_vi.trim().is_empty() {
                return Err(EvaluationError::NoTitle(c.code.clone()));
            }
            if c.max_points == 0 || c.weight == 0 {
                return Err(EvaluationError::ZeroMaxOrWeight(c.code.clone()));
            }
        }
        self.bands.validate()
    }

    pub fn criterion(&self, code: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.code == code)
    }
}

/// A default criterion; one coded like a target ("2.6", "2.9c") reads it.
fn c(code: &str, title_vi: &str, max_points: u32, weight: u32) -> Criterion {
    Criterion { code: code.into(), title_vi: title_vi.into(), max_points, weight, target: TargetId::from_code(code) }
}

/// The default criteria for a kind, from the document. Codes say where each
/// comes from: "2.x" a target of Part 2, II.2; "III.x" a task of Part 2, III;
/// "P3.n" a duty of item n of Part 3.
pub fn default_criteria(kind: UnitKind, year: i32) -> CriteriaSet {
    let criteria = match kind {
        UnitKind::Village => vec![
            c("2.6", "Tổ chức tuyên truyền qua hội nghị, loa truyền thanh, nhóm trên không gian mạng", 20, 2),
            c(
                "2.9",
                "Xây dựng hoặc tham gia mô hình trong phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
                20,
                2,
            ),
            c("2.9c", "Hộ dân có người tham gia mô hình (mục tiêu 80%)", 20, 1),
            c("2.3", "Cán bộ chủ chốt thôn, tổ dân phố được quán triệt, tập huấn", 10, 1),
            c("2.4", "Người đứng đầu mô hình, ban quản trị tổ, nhóm được tập huấn", 10, 1),
            c("III.2.2", "Sử dụng Zalo mini app Quy chế dân chủ công khai thông tin, gắn với tuyên truyền", 10, 1),
            c("P3.15", "Đưa nội dung phong trào vào hương ước, quy ước của cộng đồng dân cư", 10, 1),
        ],
        UnitKind::Commune => vec![
            c("2.1", "Cấp ủy có nghị quyết chuyên đề về xây dựng phong trào trên không gian mạng", 10, 2),
            c("2.2", "UBND xây dựng kế hoạch thực hiện phong trào hằng năm", 10, 2),
            c("2.3", "Cán bộ chủ chốt được quán triệt, tập huấn", 10, 1),
            c("2.5", "Báo cáo viên, tuyên truyền viên được cập nhật kiến thức, kỹ năng", 10, 1),
            c("2.6", "Thôn, tổ dân phố tổ chức tuyên truyền (mục tiêu 100%)", 10, 1),
            c("2.8", "Tranh thủ người có uy tín, ảnh hưởng trên không gian mạng (tối thiểu 80%)", 10, 1),
            c("2.9", "Xã, phường, thôn, tổ dân phố xây dựng hoặc tham gia mô hình", 20, 2),
            c("III.2.2", "Tiếp nhận, giải quyết kịp thời phản ánh của Nhân dân về ANTT trên không gian mạng", 10, 1),
            c("III.7.1", "Kiểm tra, hướng dẫn, sơ kết, tổng kết theo quy định", 10, 1),
        ],
        UnitKind::Agency => vec![
            c("2.2", "Xây dựng kế hoạch thực hiện phong trào hằng năm", 20, 2),
            c("2.3", "Cán bộ làm công tác xây dựng phong trào được tập huấn", 20, 1),
            c(
                "2.7",
                "Trang thông tin chính thống tuyên truyền phòng ngừa tội phạm, vi phạm pháp luật trên không gian mạng",
                20,
                1,
            ),
            c("2.9", "Xây dựng hoặc tham gia mô hình thông tin, tuyên truyền", 20, 2),
            c("III.5.2", "Duy trì nhóm thông tin tuyên truyền của cơ quan, lan tỏa thông tin tích cực", 20, 1),
        ],
        UnitKind::Enterprise => vec![
            c("2.2", "Xây dựng kế hoạch thực hiện phong trào hằng năm", 20, 2),
            c("2.3", "Cán bộ làm công tác xây dựng phong trào ở doanh nghiệp được tập huấn", 20, 1),
            c(
                "2.7",
                "Trang thông tin chính thống tuyên truyền phòng ngừa tội phạm, vi phạm pháp luật trên không gian mạng",
                20,
                1,
            ),
            c("2.9b", "Xây dựng hoặc tham gia mô hình thông tin, tuyên truyền tại doanh nghiệp", 20, 2),
            c("P3.9", "Phổ biến pháp luật về an ninh mạng, thủ đoạn của tội phạm cho người lao động", 20, 1),
        ],
        UnitKind::School => vec![
            c("2.2", "Xây dựng kế hoạch thực hiện phong trào hằng năm", 20, 2),
            c("2.3", "Cán bộ làm công tác xây dựng phong trào ở cơ sở giáo dục được tập huấn", 20, 1),
            c(
                "2.7",
                "Trang thông tin chính thống tuyên truyền phòng ngừa tội phạm, vi phạm pháp luật trên không gian mạng",
                20,
                1,
            ),
            c("2.9", "Xây dựng mô hình nhóm thông tin, tuyên truyền tại cơ sở giáo dục", 20, 2),
            c(
                "P3.6",
                "Tuyên truyền, giáo dục pháp luật về an ninh mạng cho cán bộ, giáo viên, học sinh, sinh viên",
                20,
                1,
            ),
        ],
    };
    CriteriaSet { year, kind, criteria, bands: Bands::default(), version: 0 }
}

/// The set in force for `kind` in `year`: the latest set of that kind whose
/// year is not after `year` (a set stays in force until a new one is issued).
pub fn set_for(sets: &[CriteriaSet], kind: UnitKind, year: i32) -> Option<&CriteriaSet> {
    sets.iter().filter(|s| s.kind == kind && s.year <= year).max_by_key(|s| s.year)
}

/// A checked evidence link (http or https only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EvidenceLink(String);

impl EvidenceLink {
    pub fn parse(input: &str) -> Result<Self, EvaluationError> {
        let text = input.trim();
        let bad = || EvaluationError::BadEvidence(text.to_owned());
        let url = crate::link::HttpUrl::parse(text).map_err(|_| bad())?;
        Ok(EvidenceLink(url.into_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The points given on one criterion, with the links that prove them and
/// the unit's note (why it gave other points than its target suggests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub criterion: String,
    pub points: u32,
    pub evidence: Vec<EvidenceLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A total in hundredths of a point out of 100 (8750 = 87,50 points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Total(pub u32);

impl Total {
    pub const MAX: Total = Total(10_000);

    pub fn points(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// "87,50" — Vietnamese decimal comma.
    pub fn to_vi(self) -> String {
        format!("{},{:02}", self.0 / 100, self.0 % 100)
    }
}

/// The weighted total of `scores` under `set`, normalised to 100. A criterion
/// without a score counts 0; a score for an unknown criterion, a duplicate or
/// points over the maximum are errors.
pub fn total(set: &CriteriaSet, scores: &[Score]) -> Result<Total, EvaluationError> {
    set.validate()?;
    let mut seen = HashSet::new();
    for s in scores {
        let crit = set.criterion(&s.criterion).ok_or_else(|| EvaluationError::UnknownCriterion(s.criterion.clone()))?;
        if !seen.insert(s.criterion.as_str()) {
            return Err(EvaluationError::DuplicateCriterion(s.criterion.clone()));
        }
        if s.points > crit.max_points {
            return Err(EvaluationError::TooManyPoints {
                code: crit.code.clone(),
                points: s.points,
                max: crit.max_points,
            });
        }
    }
    let points = |crit: &Criterion| scores.iter().find(|s| s.criterion == crit.code).map_or(0, |s| s.points);
    let weights: u128 = set.criteria.iter().map(|c| u128::from(c.weight)).sum();
    // Exact fraction Σ wᵢ·pᵢ/mᵢ over a common denominator, so the rounding is
    // done once and the same inputs always give the same hundredths.
    let exact = || -> Option<u128> {
        let (mut num, mut den): (u128, u128) = (0, 1);
        for crit in &set.criteria {
            let (n, d) = (u128::from(crit.weight) * u128::from(points(crit)), u128::from(crit.max_points));
            // num/den + n/d = (num·d + n·den) / (den·d), reduced to keep it small.
            num = num.checked_mul(d)?.checked_add(n.checked_mul(den)?)?;
            den = den.checked_mul(d)?;
            let g = gcd(num, den);
            (num, den) = (num / g, den / g);
        }
        let den = den.checked_mul(weights)?;
        // Round half up: 10000 hundredths = 100 points.
        Some(num.checked_mul(20_000)?.checked_add(den)? / den.checked_mul(2)?)
    };
    // Only sets with many unrelated maxima overflow u128; they get the float sum.
    let hundredths = exact().unwrap_or_else(|| {
        let sum: f64 =
            set.criteria.iter().map(|c| f64::from(c.weight) * f64::from(points(c)) / f64::from(c.max_points)).sum();
        (sum * 10_000.0 / weights as f64).round() as u128
    });
    Ok(Total(u32::try_from(hundredths.min(10_000)).unwrap_or(10_000)))
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

string_enum!(
    /// The classification bands (the document names none; these are the usual five).
    Classification {
        Excellent = "excellent" / "Xuất sắc",
        Good = "good" / "Tốt",
        Fair = "fair" / "Khá",
        Average = "average" / "Trung bình",
        Weak = "weak" / "Yếu",
    }
);

impl Classification {
    /// The lowest total of the band, in points.
    pub fn min_points(self) -> u32 {
        match self {
            Classification::Excellent => 90,
            Classification::Good => 80,
            Classification::Fair => 65,
            Classification::Average => 50,
            Classification::Weak => 0,
        }
    }

    pub fn of(total: Total) -> Classification {
        Classification::ALL.iter().copied().find(|c| total.0 >= c.min_points() * 100).unwrap_or(Classification::Weak)
    }
}

string_enum!(
    /// Where an evaluation stands.
    EvaluationStatus {
        SelfAssessment = "self_assessment" / "Tự đánh giá",
        Submitted = "submitted" / "Đã gửi cấp trên",
        Approved = "approved" / "Cấp trên đã phê duyệt",
        Returned = "returned" / "Cấp trên trả lại",
    }
);

/// Who acts on an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The unit being evaluated.
    Unit,
    /// The level above it (its steering committee, advised by the police).
    LevelAbove,
}

impl EvaluationStatus {
    /// Self-assessment → submitted → approved or returned; a returned
    /// evaluation is corrected and submitted again. Approved is final.
    pub fn can_become(self, to: EvaluationStatus) -> bool {
        use EvaluationStatus::*;
        matches!(
            (self, to),
            (SelfAssessment, Submitted) | (Submitted, Approved) | (Submitted, Returned) | (Returned, Submitted)
        )
    }

    /// Whether the unit may still change its scores.
    pub fn is_editable(self) -> bool {
        matches!(self, EvaluationStatus::SelfAssessment | EvaluationStatus::Returned)
    }

    /// The next status if `actor` may take this step.
    pub fn step(self, to: EvaluationStatus, actor: Actor) -> Result<EvaluationStatus, EvaluationError> {
        if !self.can_become(to) {
            return Err(EvaluationError::BadTransition { from: self, to });
        }
        match (to, actor) {
            (EvaluationStatus::Approved | EvaluationStatus::Returned, Actor::Unit) => {
                Err(EvaluationError::NotLevelAbove)
            }
            (EvaluationStatus::Submitted, Actor::LevelAbove) => Err(EvaluationError::NotTheUnit),
            _ => Ok(to),
        }
    }
}

/// One unit's evaluation for a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub unit: UnitId,
    pub unit_name: String,
    pub kind: UnitKind,
    pub year: i32,
    pub scores: Vec<Score>,
    pub status: EvaluationStatus,
    pub approved_on: Option<Date>,
    /// Why the level above returned it, if it did.
    pub return_note: Option<String>,
}

impl Evaluation {
    pub fn new(unit: UnitId, unit_name: impl Into<String>, kind: UnitKind, year: i32) -> Self {
        Evaluation {
            unit,
            unit_name: unit_name.into(),
            kind,
            year,
            scores: Vec::new(),
            status: EvaluationStatus::SelfAssessment,
            approved_on: None,
            return_note: None,
        }
    }

    /// Replaces the unit's scores while it may still edit them.
    pub fn set_scores(&mut self, set: &CriteriaSet, scores: Vec<Score>) -> Result<Total, EvaluationError> {
        if !self.status.is_editable() {
            return Err(EvaluationError::BadTransition { from: self.status, to: self.status });
        }
        let t = total(set, &scores)?;
        self.scores = scores;
        Ok(t)
    }

    pub fn submit(&mut self) -> Result<(), EvaluationError> {
        self.status = self.status.step(EvaluationStatus::Submitted, Actor::Unit)?;
        Ok(())
    }

    pub fn approve(&mut self, on: Date) -> Result<(), EvaluationError> {
        self.status = self.status.step(EvaluationStatus::Approved, Actor::LevelAbove)?;
        self.approved_on = Some(on);
        Ok(())
    }

    pub fn send_back(&mut self, note: impl Into<String>) -> Result<(), EvaluationError> {
        self.status = self.status.step(EvaluationStatus::Returned, Actor::LevelAbove)?;
        self.return_note = Some(note.into());
        Ok(())
    }
}

/// What the ranking needs of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankEntry {
    pub unit: UnitId,
    pub name: String,
    pub total: Total,
    pub approved_on: Option<Date>,
}

/// A ranked entry.
///
/// - `position` is 1, 2, 3, … in the order below, never shared.
/// - `competition_rank` is shared by equal totals and skips after a tie
///   ("1, 2, 2, 4"): the rank for announcing results.
/// - `dense_rank` is shared by equal totals without gaps ("1, 2, 2, 3").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub entry: RankEntry,
    pub position: usize,
    pub competition_rank: usize,
    pub dense_rank: usize,
    pub classification: Classification,
}

/// The ranking order: total (higher first), then approved earlier (an
/// unapproved entry after every approved one), then name (diacritics folded,
/// then exact), then unit id, so no two distinct entries are ever equal.
pub fn rank_order(a: &RankEntry, b: &RankEntry) -> Ordering {
    b.total
        .cmp(&a.total)
        .then_with(|| match (a.approved_on, b.approved_on) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| fold(&a.name).cmp(&fold(&b.name)))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.unit.cmp(&b.unit))
}

/// Ranks entries; the result does not depend on the input order.
pub fn rank(entries: &[RankEntry]) -> Vec<Ranked> {
    let mut sorted: Vec<&RankEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| rank_order(a, b));
    let mut out: Vec<Ranked> = Vec::with_capacity(sorted.len());
    for (i, e) in sorted.into_iter().enumerate() {
        let (competition_rank, dense_rank) = match out.last() {
            Some(prev) if prev.entry.total == e.total => (prev.competition_rank, prev.dense_rank),
            Some(prev) => (i + 1, prev.dense_rank + 1),
            None => (1, 1),
        };
        out.push(Ranked {
            entry: e.clone(),
            position: i + 1,
            competition_rank,
            dense_rank,
            classification: Classification::of(e.total),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::admin::ymd;
    use proptest::prelude::*;

    fn score(code: &str, points: u32) -> Score {
        Score { criterion: code.into(), points, evidence: vec![], note: None }
    }

    #[test]
    fn default_sets_are_valid() {
        for kind in UnitKind::ALL {
            let set = default_criteria(*kind, 2025);
            set.validate().unwrap();
            let full: Vec<Score> = set.criteria.iter().map(|c| score(&c.code, c.max_points)).collect();
            assert_eq!(total(&set, &full).unwrap(), Total::MAX, "{kind}");
            assert_eq!(total(&set, &[]).unwrap(), Total(0));
        }
    }

    #[test]
    fn sets_are_versioned_by_year() {
        let mut later = default_criteria(UnitKind::School, 2027);
        later.criteria.truncate(2);
        let sets = [default_criteria(UnitKind::School, 2024), later, default_criteria(UnitKind::Village, 2024)];
        assert_eq!(set_for(&sets, UnitKind::School, 2023), None);
        assert_eq!(set_for(&sets, UnitKind::School, 2026).unwrap().year, 2024);
        assert_eq!(set_for(&sets, UnitKind::School, 2030).unwrap().criteria.len(), 2);
        assert_eq!(set_for(&sets, UnitKind::Village, 2030).unwrap().kind, UnitKind::Village);
    }

    #[test]
    fn total_is_weighted_and_normalised() {
        let set = CriteriaSet {
            year: 2025,
            kind: UnitKind::Commune,
            criteria: vec![c("a", "A", 10, 2), c("b", "B", 3, 1)],
            bands: Bands::default(),
            version: 0,
        };
        // (2·10/10 + 1·1/3) / 3 = 7/9 = 77,777… → 77,78
        assert_eq!(total(&set, &[score("a", 10), score("b", 1)]).unwrap(), Total(7778));
        assert_eq!(Total(7778).to_vi(), "77,78");
        assert_eq!(
            total(&set, &[score("a", 11)]),
            Err(EvaluationError::TooManyPoints { code: "a".into(), points: 11, max: 10 })
        );
        assert!(matches!(total(&set, &[score("x", 1)]), Err(EvaluationError::UnknownCriterion(_))));
        assert!(matches!(total(&set, &[score("a", 1), score("a", 2)]), Err(EvaluationError::DuplicateCriterion(_))));
    }

    #[test]
    fn bands() {
        assert_eq!(Classification::of(Total(9000)), Classification::Excellent);
        assert_eq!(Classification::of(Total(8999)), Classification::Good);
        assert_eq!(Classification::of(Total(8000)), Classification::Good);
        assert_eq!(Classification::of(Total(6500)), Classification::Fair);
        assert_eq!(Classification::of(Total(5000)), Classification::Average);
        assert_eq!(Classification::of(Total(4999)), Classification::Weak);
        assert_eq!(Classification::Excellent.label_vi(), "Xuất sắc");
    }

    #[test]
    fn evidence_must_be_a_web_link() {
        assert!(EvidenceLink::parse(" https://congan.bacninh.gov.vn/a?b=1 ").is_ok());
        assert!(EvidenceLink::parse("http://example.vn").is_ok());
        for bad in ["javascript:alert(1)", "ftp://x.vn/a", "file:///etc/passwd", "not a link", "", "https://"] {
            let e = EvidenceLink::parse(bad).unwrap_err();
            assert!(e.message_vi().contains("http"), "{bad}");
        }
    }

    #[test]
    fn workflow_needs_the_right_actor() {
        let set = default_criteria(UnitKind::Village, 2025);
        let mut ev = Evaluation::new(UnitId(7), "Thôn Đông", UnitKind::Village, 2025);
        ev.set_scores(&set, vec![score("2.6", 20)]).unwrap();
        assert_eq!(
            ev.approve(ymd(2025, 12, 1)),
            Err(EvaluationError::BadTransition {
                from: EvaluationStatus::SelfAssessment,
                to: EvaluationStatus::Approved
            })
        );
        ev.submit().unwrap();
        assert!(ev.set_scores(&set, vec![]).is_err(), "no edits once submitted");
        ev.send_back("Thiếu minh chứng").unwrap();
        ev.set_scores(&set, vec![score("2.6", 18)]).unwrap();
        ev.submit().unwrap();
        ev.approve(ymd(2025, 12, 20)).unwrap();
        assert_eq!(ev.status, EvaluationStatus::Approved);
        assert!(ev.submit().is_err(), "approved is final");
        assert_eq!(
            EvaluationStatus::Submitted.step(EvaluationStatus::Approved, Actor::Unit),
            Err(EvaluationError::NotLevelAbove)
        );
        assert_eq!(
            EvaluationStatus::Returned.step(EvaluationStatus::Submitted, Actor::LevelAbove),
            Err(EvaluationError::NotTheUnit)
        );
    }

    fn entry(unit: i64, name: &str, total: u32, day: Option<u32>) -> RankEntry {
        RankEntry {
            unit: UnitId(unit),
            name: name.into(),
            total: Total(total),
            approved_on: day.map(|d| ymd(2025, 12, d)),
        }
    }

    #[test]
    fn ties_are_broken_deterministically() {
        let r = rank(&[
            entry(1, "Xã Bảo Đài", 8000, Some(10)),
            entry(2, "Xã An Lạc", 9100, None),
            entry(3, "Xã Cẩm Lý", 8000, Some(5)),
            entry(4, "Phường Đa Mai", 8000, Some(10)),
            entry(5, "Xã Yên Dũng", 7000, Some(1)),
        ]);
        let names: Vec<&str> = r.iter().map(|x| x.entry.name.as_str()).collect();
        assert_eq!(names, ["Xã An Lạc", "Xã Cẩm Lý", "Phường Đa Mai", "Xã Bảo Đài", "Xã Yên Dũng"]);
        let comp: Vec<usize> = r.iter().map(|x| x.competition_rank).collect();
        let dense: Vec<usize> = r.iter().map(|x| x.dense_rank).collect();
        assert_eq!(comp, [1, 2, 2, 2, 5]);
        assert_eq!(dense, [1, 2, 2, 2, 3]);
        assert_eq!(r[0].classification, Classification::Excellent);
    }

    fn rank_entry() -> impl Strategy<Value = RankEntry> {
        (0i64..6, "[ABĐÂa ]{0,3}", 0u32..=10_000, proptest::option::of(1u32..4))
            .prop_map(|(u, n, t, d)| entry(u, &n, t / 500 * 500, d))
    }

    proptest! {
        #[test]
        fn ranking_is_a_total_order_independent_of_input(
            entries in proptest::collection::vec(rank_entry(), 0..12),
            seed in any::<u64>(),
        ) {
            let mut shuffled = entries.clone();
            // A simple deterministic shuffle from the seed.
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(rank(&entries), rank(&shuffled));
            for a in &entries {
                for b in &entries {
                    let ab = rank_order(a, b);
                    prop_assert_eq!(ab, rank_order(b, a).reverse());
                    prop_assert_eq!(ab == Ordering::Equal, a == b);
                }
            }
            let r = rank(&entries);
            for w in r.windows(2) {
                prop_assert!(w[0].entry.total >= w[1].entry.total);
                prop_assert!(w[0].competition_rank <= w[1].competition_rank);
                prop_assert!(w[1].dense_rank - w[0].dense_rank <= 1);
            }
        }

        #[test]
        fn classification_is_monotone(a in 0u32..=10_000, b in 0u32..=10_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            let idx = |c: Classification| Classification::ALL.iter().position(|x| *x == c).unwrap();
            // ALL runs from best to worst, so a higher total never gets a later band.
            prop_assert!(idx(Classification::of(Total(hi))) <= idx(Classification::of(Total(lo))));
        }

        #[test]
        fn total_stays_within_0_and_100(points in proptest::collection::vec(0u32..=20, 7)) {
            let set = default_criteria(UnitKind::Village, 2025);
            let scores: Vec<Score> = set.criteria.iter().zip(&points)
                .map(|(c, p)| score(&c.code, (*p).min(c.max_points))).collect();
            let t = total(&set, &scores).unwrap();
            prop_assert!(t <= Total::MAX);
        }
    }
}
