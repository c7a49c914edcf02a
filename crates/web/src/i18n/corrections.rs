//! User-facing strings of correcting and voiding the registry's records
//! (Vietnamese, English).

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    ("fix.edit_title", "Sửa thông tin mô hình", "Correct the initiative"),
    (
        "fix.edit_help",
        "Sửa lỗi nhập liệu. Mỗi thay đổi được ghi vào lịch sử của mô hình và nhật ký kiểm toán.",
        "Fix what was entered wrongly. Every change is kept in the initiative's history and the audit log.",
    ),
    ("fix.edit", "Sửa", "Correct"),
    ("fix.save_correction", "Lưu sửa đổi", "Save the correction"),
    ("fix.saved", "Đã lưu sửa đổi.", "The correction was saved."),
    ("fix.void_title", "Hủy bản ghi nhập nhầm", "Void a record entered by mistake"),
    (
        "fix.void_help",
        "Chỉ dùng khi bản ghi được nhập nhầm: bản ghi bị hủy không còn trong danh sách và số liệu chỉ tiêu, nhưng vẫn còn trong lịch sử và nhật ký. Mô hình đã ngừng hoạt động thì chuyển giai đoạn «Kết thúc» hoặc «Thanh loại», không hủy.",
        "Only for a record entered by mistake: a voided record leaves the lists and the targets but stays in the history and the audit log. An initiative that stopped is moved to «Ended» or «Dissolved», not voided.",
    ),
    ("fix.reason", "Lý do hủy (bắt buộc)", "Why it is voided (required)"),
    ("fix.reason_shown", "Lý do", "Reason"),
    ("fix.void", "Hủy bản ghi", "Void"),
    ("fix.voided", "Bản ghi này đã bị hủy", "This record was voided"),
    (
        "fix.voided_done",
        "Đã hủy mô hình; mô hình không còn trong danh sách và số liệu chỉ tiêu.",
        "The initiative was voided; it left the list and the targets.",
    ),
    ("fix.restore", "Khôi phục", "Restore"),
    ("fix.changes", "Lịch sử sửa đổi", "Change history"),
    ("fix.no_changes", "Chưa có sửa đổi nào.", "No change yet."),
    ("fix.when", "Thời gian", "When"),
    ("fix.who", "Người thực hiện", "Who"),
    ("fix.action", "Thao tác", "Action"),
    ("fix.record", "Bản ghi", "Record"),
    ("fix.what", "Nội dung thay đổi", "What changed"),
    ("fix.correct_channel", "Sửa kênh", "Correct the channel"),
];
