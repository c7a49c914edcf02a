//! Correcting and voiding the registry's records (issue 18): which records
//! can be corrected or voided, the actions kept in a record's history, and
//! the reason a void must give. A void is for a record entered by mistake;
//! a real end (an initiative dissolved) stays a lifecycle stage.

use super::checks::{InputError, required};
use crate::macros::string_enum;

string_enum!(
    /// A record a user creates in the registry and may correct or void.
    RecordKind {
        Initiative = "initiative" / "Mô hình",
        Channel = "channel" / "Kênh",
        MemberCount = "member_count" / "Số thành viên theo thôn",
        Group = "group" / "Tổ, nhóm",
        Participant = "participant" / "Đơn vị tham gia",
        InitiativeReport = "initiative_report" / "Báo cáo hoạt động của mô hình",
        Person = "person" / "Người",
        Training = "training" / "Lớp tập huấn",
        Voice = "voice" / "Người có uy tín",
        Document = "document" / "Văn bản",
        Activity = "activity" / "Hoạt động",
        Post = "post" / "Tin bài",
        BudgetEntry = "budget_entry" / "Khoản kinh phí",
        Evaluation = "evaluation" / "Kết quả đánh giá",
        Nomination = "nomination" / "Hồ sơ đề nghị khen thưởng",
        CriteriaSet = "criteria_set" / "Bộ tiêu chí đánh giá",
        Warning = "warning" / "Cảnh báo",
        Contest = "contest" / "Cuộc thi",
        ContestQuestion = "contest_question" / "Câu hỏi thi",
        DutyReport = "duty_report" / "Báo cáo nhiệm vụ",
        PeriodReport = "period_report" / "Báo cáo định kỳ",
    }
);

string_enum!(
    /// What a row of a record's history did.
    ChangeAction {
        Edit = "edit" / "Sửa",
        Void = "void" / "Hủy (nhập nhầm)",
        Restore = "restore" / "Khôi phục",
    }
);

/// Why a record is voided: required, trimmed, at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidReason(String);

impl VoidReason {
    pub fn parse(text: &str) -> Result<VoidReason, InputError> {
        required("reason", text).map(VoidReason)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::movement::checks::Problem;

    #[test]
    fn a_void_needs_a_reason() {
        assert_eq!(VoidReason::parse("  nhập trùng ").unwrap().as_str(), "nhập trùng");
        let e = VoidReason::parse(" ").unwrap_err();
        assert_eq!((e.field, e.problem), ("reason", Problem::Missing));
        assert_eq!(e.message_vi(), "Chưa nhập lý do.");
    }

    #[test]
    fn kinds_round_trip() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Some(*k));
        }
    }
}
