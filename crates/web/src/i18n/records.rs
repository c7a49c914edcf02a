//! User-facing strings of correcting and voiding plans and resolutions,
//! village activities, page posts and budget entries (Vietnamese, English).

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    ("rec.document_edit", "Sửa kế hoạch, nghị quyết", "Correct the plan or resolution"),
    ("rec.activity_edit", "Sửa hoạt động tuyên truyền tại thôn", "Correct the village activity"),
    ("rec.post_edit", "Sửa tin bài trên trang chính thức", "Correct the post"),
    ("rec.budget_edit", "Sửa khoản kinh phí", "Correct the budget entry"),
    (
        "rec.edit_help",
        "Sửa lỗi nhập liệu. Mỗi thay đổi được ghi vào lịch sử của bản ghi và nhật ký kiểm toán; số liệu chỉ tiêu, trang kinh phí và báo cáo sơ kết đọc ngay giá trị đã sửa.",
        "Fix what was entered wrongly. Every change is kept in the record's history and the audit log; the targets, the budget page and the interim review read the corrected value at once.",
    ),
    (
        "rec.void_help",
        "Chỉ dùng khi bản ghi được nhập nhầm: bản ghi bị hủy không còn trong danh sách, số liệu chỉ tiêu, kinh phí và báo cáo, nhưng vẫn còn trong lịch sử và nhật ký. Ban Thường trực có thể khôi phục.",
        "Only for a record entered by mistake: a voided record leaves the lists, the targets, the budget and the reviews but stays in the history and the audit log. The secretariat can restore it.",
    ),
    (
        "rec.file_help",
        "Để trống nếu giữ tệp hiện có; chọn tệp mới (PDF, DOCX, JPG, PNG) để thay",
        "Leave empty to keep the current file; choose a new one (PDF, DOCX, JPG, PNG) to replace it",
    ),
    ("rec.entries", "Các khoản đã nhập", "Entries"),
    ("rec.entries_none", "Chưa nhập khoản kinh phí nào.", "No entry yet."),
    ("rec.days", "Thời gian", "Days"),
    (
        "rec.voided_done",
        "Đã hủy bản ghi; bản ghi không còn trong danh sách và số liệu.",
        "The record was voided; it left the list and the figures.",
    ),
    ("rec.actions", "Sửa, hủy", "Correct, void"),
];
