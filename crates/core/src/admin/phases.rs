//! The programme's two phases and its two reviews (Part 2, I.4):
//!
//! > 4.1. Giai đoạn I: Từ tháng 9/2024 đến hết tháng 9/2027, sơ kết giai đoạn I
//! > vào tháng 10/2027.
//! >
//! > 4.2. Giai đoạn II: Từ tháng 10/2027 đến hết năm 2030. Tổng kết Đề án vào đầu
//! > năm 2031. Từ năm 2031 đi vào hoạt động thường xuyên.
//!
//! "Đầu năm 2031" (early 2031) has no exact end in the document; this module
//! reads it as the first quarter of 2031 ([`ReviewKind::Final`]'s window).

use super::ymd;
use crate::Date;
use crate::macros::string_enum;

/// The first day of the programme (September 2024).
pub const PROGRAMME_START: Date = ymd(2024, 9, 1);
/// The last day of the programme (end of 2030).
pub const PROGRAMME_END: Date = ymd(2030, 12, 31);
/// From 2031 the movement runs as regular work ("hoạt động thường xuyên").
pub const REGULAR_FROM: Date = ymd(2031, 1, 1);

string_enum!(
    /// A phase of the programme.
    Phase {
        One = "phase_1" / "Giai đoạn I",
        Two = "phase_2" / "Giai đoạn II",
    }
);

impl Phase {
    /// First day of the phase.
    pub fn start(self) -> Date {
        match self {
            Phase::One => PROGRAMME_START,
            Phase::Two => ymd(2027, 10, 1),
        }
    }

    /// Last day of the phase (inclusive).
    pub fn end(self) -> Date {
        match self {
            Phase::One => ymd(2027, 9, 30),
            Phase::Two => PROGRAMME_END,
        }
    }

    /// The review that closes the phase.
    pub fn review(self) -> ReviewKind {
        match self {
            Phase::One => ReviewKind::Interim,
            Phase::Two => ReviewKind::Final,
        }
    }

    /// The document's own words for the phase.
    pub fn wording_vi(self) -> &'static str {
        match self {
            Phase::One => "Giai đoạn I: Từ tháng 9/2024 đến hết tháng 9/2027, sơ kết giai đoạn I vào tháng 10/2027.",
            Phase::Two => {
                "Giai đoạn II: Từ tháng 10/2027 đến hết năm 2030. Tổng kết Đề án vào đầu năm 2031. \
                 Từ năm 2031 đi vào hoạt động thường xuyên."
            }
        }
    }
}

/// The phase a date falls in; `None` before September 2024 and from 2031 on.
pub fn phase_on(date: Date) -> Option<Phase> {
    Phase::ALL.iter().copied().find(|p| p.start() <= date && date <= p.end())
}

string_enum!(
    /// The two reviews the document requires.
    ReviewKind {
        Interim = "interim" / "Sơ kết giai đoạn I",
        Final = "final" / "Tổng kết Đề án",
    }
);

impl ReviewKind {
    /// The window in which the review is held: October 2027 for the interim
    /// review, early 2031 (read as January–March) for the final one.
    pub fn window(self) -> (Date, Date) {
        match self {
            ReviewKind::Interim => (ymd(2027, 10, 1), ymd(2027, 10, 31)),
            ReviewKind::Final => (ymd(2031, 1, 1), ymd(2031, 3, 31)),
        }
    }

    /// The period the review reports on: phase I for the interim review, the
    /// whole programme for the final one.
    pub fn period(self) -> (Date, Date) {
        match self {
            ReviewKind::Interim => (Phase::One.start(), Phase::One.end()),
            ReviewKind::Final => (PROGRAMME_START, PROGRAMME_END),
        }
    }

    /// The document's words for when the review is held.
    pub fn wording_vi(self) -> &'static str {
        match self {
            ReviewKind::Interim => "sơ kết giai đoạn I vào tháng 10/2027",
            ReviewKind::Final => "Tổng kết Đề án vào đầu năm 2031",
        }
    }

    /// The default subject line of the review report.
    pub fn subject_vi(self) -> &'static str {
        match self {
            ReviewKind::Interim => {
                "Sơ kết giai đoạn I (2024 - 2027) thực hiện Đề án “Xây dựng phong trào toàn dân \
                 bảo vệ an ninh Tổ quốc trên không gian mạng, giai đoạn 2024-2030”"
            }
            ReviewKind::Final => {
                "Tổng kết thực hiện Đề án “Xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc \
                 trên không gian mạng, giai đoạn 2024-2030”"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn phases_follow_the_document() {
        assert_eq!(phase_on(ymd(2024, 8, 31)), None);
        assert_eq!(phase_on(ymd(2024, 9, 1)), Some(Phase::One));
        assert_eq!(phase_on(ymd(2027, 9, 30)), Some(Phase::One));
        assert_eq!(phase_on(ymd(2027, 10, 1)), Some(Phase::Two));
        assert_eq!(phase_on(ymd(2030, 12, 31)), Some(Phase::Two));
        assert_eq!(phase_on(REGULAR_FROM), None);
        // The phases touch without a gap.
        assert_eq!(Phase::One.end().succ_opt(), Some(Phase::Two.start()));
    }

    #[test]
    fn reviews_close_their_phase() {
        assert_eq!(Phase::One.review(), ReviewKind::Interim);
        assert_eq!(ReviewKind::Interim.window(), (ymd(2027, 10, 1), ymd(2027, 10, 31)));
        assert_eq!(ReviewKind::Interim.period().1, Phase::One.end());
        let (from, to) = ReviewKind::Final.window();
        assert!(from > PROGRAMME_END && from <= to);
        assert_eq!(ReviewKind::Final.period(), (PROGRAMME_START, PROGRAMME_END));
        assert!(Phase::Two.wording_vi().contains("đầu năm 2031"));
        // Neither review is held inside the period it reviews.
        for kind in ReviewKind::ALL {
            assert!(kind.window().0 > kind.period().1);
        }
    }
}
