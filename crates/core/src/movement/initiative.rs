//! An initiative's classifications (document I.1.3.3), its three criteria
//! (I.1.3.1) and its dated lifecycle: proposed → active → exemplary →
//! replicated, or at any point ended or dissolved ("kết thúc, thanh loại",
//! the words of the province's guidance on initiatives).

use serde::{Deserialize, Serialize};

use crate::Date;
use crate::macros::string_enum;

string_enum!(
    /// By who takes part (I.1.3.3, "theo đối tượng tham gia").
    ParticipantKind {
        AgencyLinked = "agency_linked" / "Mô hình nhóm thông tin, tuyên truyền gắn với cơ quan, tổ chức",
        LocalityLinked = "locality_linked"
            / "Mô hình nhóm thông tin, tuyên truyền gắn với xã, phường, thị trấn, thôn, tổ dân phố",
        Joint = "joint" / "Mô hình liên kết trong thông tin, tuyên truyền",
    }
);

string_enum!(
    /// By who leads it (I.1.3.3, "theo người đứng đầu mô hình"). The document
    /// names the two kinds led by a trusted voice; the many initiatives led by
    /// an agency, a commune or a school are the third.
    LeaderKind {
        TrustedVoiceInProvince = "trusted_voice_in_province"
            / "Mô hình trang, kênh, nhóm của người có uy tín, ảnh hưởng trên địa bàn tỉnh hoặc là công dân của tỉnh",
        TrustedVoiceOutsideProvince = "trusted_voice_outside_province"
            / "Mô hình trang, kênh, nhóm của người có ảnh hưởng trên không gian mạng là công dân ngoài tỉnh",
        Other = "other" / "Mô hình do cơ quan, tổ chức, địa phương đứng đầu (không phải người có uy tín, ảnh hưởng)",
    }
);

string_enum!(
    /// By content (I.1.3.3, "theo nội dung, tính chất").
    ContentKind {
        Awareness = "awareness"
            / "Mô hình tuyên truyền, nâng cao nhận thức về an ninh mạng, tiếp nhận phản ánh của người dân",
        ScienceTechnology = "science_technology" / "Mô hình nghiên cứu, sáng tạo giải pháp khoa học, công nghệ",
    }
);

string_enum!(
    /// The thematic focus: the five of document 5.2, and any other.
    Focus {
        AntiFraud = "anti_fraud" / "Tuyên truyền phòng, chống lừa đảo trên không gian mạng",
        ChildSafety = "child_safety" / "Tuyên truyền bảo vệ trẻ em trên không gian mạng",
        BlackMarketLending = "black_market_lending" / "Tuyên truyền phòng, chống hoạt động tín dụng “đen” trên không gian mạng",
        FakeNews = "fake_news" / "Tuyên truyền phòng, chống tin giả, tin sai sự thật trên không gian mạng",
        Drugs = "drugs" / "Tuyên truyền phòng, chống ma túy trên không gian mạng",
        Other = "other" / "Nội dung khác",
    }
);

/// The three criteria of I.1.3.1, in the document's order and words.
pub const CRITERIA_VI: [&str; 3] = [
    "Đảm bảo sự lãnh đạo, quản lý, điều hành của cấp ủy, chính quyền, thủ trưởng cơ quan, doanh nghiệp, cơ sở giáo dục, tổ chức",
    "Thu hút đông đảo quần chúng Nhân dân tham gia, tạo sự chuyển biến về nhận thức, ý thức tự giác trong bảo đảm ANTT trên không gian mạng",
    "Hoạt động dưới sự tham mưu, hướng dẫn của lực lượng Công an; tham gia phối hợp cùng lực lượng Công an và các đơn vị liên quan thực hiện nhiệm vụ phòng, chống tội phạm, vi phạm pháp luật và bảo đảm ANTT liên quan không gian mạng",
];

/// Which of the three criteria of I.1.3.1 an initiative meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Criteria {
    /// (1) Led, managed and run by the Party committee, the authorities or the head of the body.
    pub leadership: bool,
    /// (2) Draws many people in and changes their awareness.
    pub mass_participation: bool,
    /// (3) Works under the police's advice and guidance, together with them.
    pub police_guidance: bool,
}

impl Criteria {
    pub fn from_array(met: [bool; 3]) -> Self {
        let [leadership, mass_participation, police_guidance] = met;
        Criteria { leadership, mass_participation, police_guidance }
    }

    pub fn as_array(&self) -> [bool; 3] {
        [self.leadership, self.mass_participation, self.police_guidance]
    }

    /// An initiative is one of the movement's only when it meets all three.
    pub fn met(&self) -> bool {
        self.as_array().iter().all(|m| *m)
    }

    /// The unmet criteria in the document's words, in its order.
    pub fn missing_vi(&self) -> Vec<&'static str> {
        self.as_array().iter().zip(CRITERIA_VI).filter(|(met, _)| !**met).map(|(_, text)| text).collect()
    }
}

string_enum!(
    /// Where an initiative is in its life.
    Stage {
        Proposed = "proposed" / "Đề xuất xây dựng",
        Active = "active" / "Đang hoạt động",
        Exemplary = "exemplary" / "Điển hình tiên tiến",
        Replicated = "replicated" / "Nhân rộng",
        Ended = "ended" / "Kết thúc",
        Dissolved = "dissolved" / "Thanh loại",
    }
);

impl Stage {
    /// Ended and dissolved initiatives do not come back (a revival is a new initiative).
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Ended | Stage::Dissolved)
    }

    /// Active, exemplary and replicated initiatives are running: they count for target 2.9.
    pub fn is_running(self) -> bool {
        matches!(self, Stage::Active | Stage::Exemplary | Stage::Replicated)
    }

    /// One step forward, or out (ended, dissolved) from any stage not final.
    pub fn can_move_to(self, next: Stage) -> bool {
        match next {
            Stage::Proposed => false,
            Stage::Active => self == Stage::Proposed,
            Stage::Exemplary => self == Stage::Active,
            Stage::Replicated => self == Stage::Exemplary,
            Stage::Ended | Stage::Dissolved => !self.is_final(),
        }
    }

    /// The stages an initiative at this stage may move to, in lifecycle order.
    pub fn next_stages(self) -> Vec<Stage> {
        Stage::ALL.iter().copied().filter(|&next| self.can_move_to(next)).collect()
    }
}

/// Why a stage cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("A new initiative starts as proposed or active, not {0}.")]
    BadStart(Stage),
    #[error("An initiative cannot move from {from} to {to}.")]
    NotAllowed { from: Stage, to: Stage },
    #[error("The date is before that of the current stage ({last}).")]
    BeforeLast { last: Date },
}

impl TransitionError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            TransitionError::BadStart(stage) => format!(
                "Mô hình mới phải bắt đầu ở giai đoạn «{}» hoặc «{}», không phải «{}».",
                Stage::Proposed.label_vi(),
                Stage::Active.label_vi(),
                stage.label_vi()
            ),
            TransitionError::NotAllowed { from, to } if from.is_final() => format!(
                "Mô hình đã ở giai đoạn «{}» nên không chuyển sang «{}» được. Nếu hoạt động trở lại, hãy đăng ký một mô hình mới.",
                from.label_vi(),
                to.label_vi()
            ),
            TransitionError::NotAllowed { from, to } => {
                let allowed: Vec<String> = from.next_stages().iter().map(|s| format!("«{}»", s.label_vi())).collect();
                format!(
                    "Không thể chuyển mô hình từ «{}» sang «{}». Từ giai đoạn này chỉ chuyển được sang: {}.",
                    from.label_vi(),
                    to.label_vi(),
                    allowed.join(", ")
                )
            }
            TransitionError::BeforeLast { last } => format!(
                "Ngày chuyển giai đoạn không được trước ngày của giai đoạn hiện tại ({}).",
                last.format("%d/%m/%Y")
            ),
        }
    }
}

/// Checks moving to `next` on `on`, given the dated history so far (oldest
/// first): the first stage is proposed or active, each move is allowed, and
/// dates never go back (several moves on one day are fine).
pub fn check_transition(history: &[(Stage, Date)], next: Stage, on: Date) -> Result<(), TransitionError> {
    let Some(&(last, last_on)) = history.last() else {
        return match next {
            Stage::Proposed | Stage::Active => Ok(()),
            _ => Err(TransitionError::BadStart(next)),
        };
    };
    if on < last_on {
        return Err(TransitionError::BeforeLast { last: last_on });
    }
    if !last.can_move_to(next) {
        return Err(TransitionError::NotAllowed { from: last, to: next });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_whole_lifecycle() {
        let mut history = vec![];
        assert_eq!(
            check_transition(&history, Stage::Exemplary, d("2024-01-01")),
            Err(TransitionError::BadStart(Stage::Exemplary))
        );
        assert!(check_transition(&history, Stage::Active, d("2024-01-01")).is_ok());
        assert!(check_transition(&history, Stage::Proposed, d("2024-01-01")).is_ok());
        history.push((Stage::Proposed, d("2024-01-01")));
        assert_eq!(
            check_transition(&history, Stage::Exemplary, d("2024-02-01")),
            Err(TransitionError::NotAllowed { from: Stage::Proposed, to: Stage::Exemplary })
        );
        assert_eq!(
            check_transition(&history, Stage::Active, d("2023-12-31")),
            Err(TransitionError::BeforeLast { last: d("2024-01-01") })
        );
        for (stage, on) in
            [(Stage::Active, "2024-01-01"), (Stage::Exemplary, "2025-01-01"), (Stage::Replicated, "2025-06-01")]
        {
            assert_eq!(check_transition(&history, stage, d(on)), Ok(()), "{stage}");
            history.push((stage, d(on)));
        }
        assert!(check_transition(&history, Stage::Replicated, d("2026-01-01")).is_err(), "no self-move");
        assert!(check_transition(&history, Stage::Dissolved, d("2026-01-01")).is_ok());
        history.push((Stage::Dissolved, d("2026-01-01")));
        for &next in Stage::ALL {
            let e = check_transition(&history, next, d("2026-02-01")).unwrap_err();
            assert!(e.message_vi().contains("mô hình mới"), "{}", e.message_vi());
        }
    }

    #[test]
    fn the_moves_allowed() {
        use Stage::*;
        let allowed: BTreeSet<(&str, &str)> = [
            (Proposed, Active),
            (Active, Exemplary),
            (Exemplary, Replicated),
            (Proposed, Ended),
            (Proposed, Dissolved),
            (Active, Ended),
            (Active, Dissolved),
            (Exemplary, Ended),
            (Exemplary, Dissolved),
            (Replicated, Ended),
            (Replicated, Dissolved),
        ]
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
        for &from in Stage::ALL {
            for &to in Stage::ALL {
                assert_eq!(from.can_move_to(to), allowed.contains(&(from.as_str(), to.as_str())), "{from} → {to}");
            }
            assert!(!from.can_move_to(from), "{from}");
            assert_eq!(from.next_stages().is_empty(), from.is_final());
        }
        assert_eq!(Proposed.next_stages(), vec![Active, Ended, Dissolved]);
        assert_eq!(Replicated.next_stages(), vec![Ended, Dissolved]);
    }

    #[test]
    fn running_stages() {
        let running: Vec<Stage> = Stage::ALL.iter().copied().filter(|s| s.is_running()).collect();
        assert_eq!(running, vec![Stage::Active, Stage::Exemplary, Stage::Replicated]);
        assert!(Stage::ALL.iter().all(|s| !(s.is_running() && s.is_final())));
    }

    #[test]
    fn criteria() {
        let c = Criteria { leadership: true, mass_participation: false, police_guidance: true };
        assert!(!c.met());
        assert_eq!(c.missing_vi(), vec![CRITERIA_VI[1]]);
        assert!(c.missing_vi()[0].starts_with("Thu hút đông đảo"));
        assert_eq!(Criteria::from_array(c.as_array()), c);
        let all = Criteria::from_array([true; 3]);
        assert!(all.met() && all.missing_vi().is_empty());
        assert_eq!(Criteria::default().missing_vi(), CRITERIA_VI.to_vec());
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(json, r#"{"leadership":true,"mass_participation":true,"police_guidance":true}"#);
    }

    #[test]
    fn messages_are_vietnamese_and_specific() {
        let not_allowed = TransitionError::NotAllowed { from: Stage::Proposed, to: Stage::Replicated };
        assert!(
            not_allowed.message_vi().contains("«Đang hoạt động», «Kết thúc», «Thanh loại»"),
            "{}",
            not_allowed.message_vi()
        );
        assert!(TransitionError::BeforeLast { last: d("2025-03-09") }.message_vi().contains("09/03/2025"));
        assert!(TransitionError::BadStart(Stage::Ended).message_vi().contains("«Kết thúc»"));
        for e in [
            not_allowed,
            TransitionError::BadStart(Stage::Ended),
            TransitionError::BeforeLast { last: d("2025-01-01") },
        ] {
            assert_ne!(e.message_vi(), e.to_string());
        }
    }

    #[test]
    fn classifications_have_stable_distinct_names() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            let codes: BTreeSet<&str> = all.iter().map(|&v| code(v)).collect();
            let labels: BTreeSet<&str> = all.iter().map(|&v| label(v)).collect();
            assert_eq!((codes.len(), labels.len()), (all.len(), all.len()));
            for &v in all {
                assert_eq!(parse(code(v)), Some(v));
            }
        }
        check(ParticipantKind::ALL, ParticipantKind::as_str, ParticipantKind::label_vi, ParticipantKind::parse);
        check(LeaderKind::ALL, LeaderKind::as_str, LeaderKind::label_vi, LeaderKind::parse);
        check(ContentKind::ALL, ContentKind::as_str, ContentKind::label_vi, ContentKind::parse);
        check(Focus::ALL, Focus::as_str, Focus::label_vi, Focus::parse);
        check(Stage::ALL, Stage::as_str, Stage::label_vi, Stage::parse);
        assert_eq!(Focus::ALL.len(), 6);
        assert_eq!(Stage::Exemplary.label_vi(), "Điển hình tiên tiến");
        assert_eq!(Stage::Dissolved.label_vi(), "Thanh loại");
    }

    proptest! {
        /// Whatever is attempted, the history check keeps only lawful histories.
        #[test]
        fn accepted_histories_are_lawful(attempts in prop::collection::vec((0usize..6, -30i64..400), 0..20)) {
            let mut history: Vec<(Stage, Date)> = vec![];
            let mut day = d("2024-01-01");
            for (stage, offset) in attempts {
                let stage = Stage::ALL[stage];
                let on = day + chrono::Duration::days(offset);
                if check_transition(&history, stage, on).is_ok() {
                    history.push((stage, on));
                    day = on;
                }
            }
            if let Some((first, _)) = history.first() {
                prop_assert!(matches!(first, Stage::Proposed | Stage::Active));
            }
            for pair in history.windows(2) {
                prop_assert!(pair[0].0.can_move_to(pair[1].0));
                prop_assert!(pair[0].1 <= pair[1].1);
            }
            prop_assert!(history.len() <= 5);
        }
    }
}
