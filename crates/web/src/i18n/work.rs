//! User-facing strings of the work overview (Vietnamese, English).

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    ("work.title", "Việc cần làm", "Work to do"),
    ("work.nothing", "Không có việc nào đang chờ.", "Nothing is waiting."),
    ("work.reports_overdue", "phản ánh quá hạn xử lý", "reports past their deadline"),
    ("work.reports_new", "phản ánh mới chưa phân loại", "new reports not yet triaged"),
    ("work.reports_open", "phản ánh đang mở", "open reports"),
    ("work.disputes_open", "khiếu nại của chủ sở hữu đang chờ", "owners' disputes waiting"),
    (
        "work.evaluations_submitted",
        "bản đánh giá cấp dưới gửi lên chờ phê duyệt",
        "evaluations sent up, waiting for approval",
    ),
    ("work.behind", "Chỉ tiêu chậm so với lộ trình năm nay", "Targets behind their trajectory this year"),
    ("work.behind_none", "Không có chỉ tiêu nào chậm.", "No target is behind."),
];
