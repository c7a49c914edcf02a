//! User-facing strings of correcting and voiding warnings, contests and
//! duty reports, and of a contest's settings as forms (Vietnamese, English).

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    // Warnings.
    ("owf.edit_title", "Sửa hoặc hủy cảnh báo", "Correct or void the warning"),
    ("owf.edit_link", "Sửa hoặc hủy cảnh báo này", "Correct or void this warning"),
    ("owf.correct", "Sửa nội dung cảnh báo", "Correct the warning"),
    (
        "owf.correct_help",
        "Đường dẫn của cảnh báo giữ nguyên, nên các liên kết đã chia sẻ vẫn mở được. Người dân thấy dòng «cập nhật ngày …»; nguồn tin Atom/RSS báo cảnh báo đã được cập nhật.",
        "The warning's address stays the same, so links already shared still open. Citizens see an «updated on …» note; the Atom/RSS feeds show the warning as updated.",
    ),
    (
        "owf.void_help",
        "Chỉ dùng khi cảnh báo được đăng nhầm: cảnh báo bị hủy biến mất khỏi trang và nguồn tin ngay, nhưng vẫn còn trong lịch sử và nhật ký. Cảnh báo chỉ đã cũ thì dùng nút «Gỡ cảnh báo».",
        "Only for a warning published by mistake: a voided warning leaves the page and the feeds at once but stays in the history and the audit log. A warning that is merely outdated is withdrawn instead.",
    ),
    ("owf.withdrawn", "Cảnh báo này đã được gỡ (đã cũ).", "This warning was withdrawn (outdated)."),
    ("owf.updated_on", "cập nhật ngày", "updated on"),
    ("owf.voided_list", "Cảnh báo đã hủy (nhập nhầm)", "Voided warnings (entered by mistake)"),
    // Duty and period reports.
    ("dfix.received", "Báo cáo đã nhận", "Reports received"),
    (
        "dfix.received_help",
        "Mở một báo cáo để sửa khi nhập sai, hoặc hủy khi nhập nhầm (kèm lý do). Báo cáo đã hủy không được tính vào tỷ lệ.",
        "Open a report to correct it, or void one entered by mistake (with a reason). A voided report counts for no rate.",
    ),
    ("dfix.received_periods", "Báo cáo định kỳ của các xã, phường", "Communes' period reports"),
    ("dfix.none", "Chưa có báo cáo nào.", "No report yet."),
    ("dfix.voided_mark", "đã hủy", "voided"),
    ("dfix.unit", "Đơn vị", "Unit"),
    ("dfix.duty_heading", "Báo cáo nhiệm vụ", "Report on duty"),
    ("dfix.period_heading", "Báo cáo", "Report of"),
    ("dfix.correct", "Sửa báo cáo", "Correct the report"),
    (
        "dfix.correct_help",
        "Mỗi thay đổi được ghi vào lịch sử của báo cáo và nhật ký kiểm toán.",
        "Every change is kept in the report's history and the audit log.",
    ),
    (
        "dfix.void_help",
        "Chỉ dùng khi báo cáo được nhập nhầm: báo cáo bị hủy không còn được tính, nhưng vẫn còn trong lịch sử và nhật ký; Thường trực có thể khôi phục.",
        "Only for a report entered by mistake: a voided report no longer counts but stays in the history and the audit log; the secretariat may restore it.",
    ),
    // Contests.
    ("ctf.settings", "Thiết lập cuộc thi", "Contest settings"),
    ("ctf.limit_minutes", "Thời gian làm bài (phút)", "Time limit (minutes)"),
    (
        "ctf.create_help",
        "Tạo xong, trên trang cuộc thi: chọn đơn vị tham gia, nhập câu hỏi, rồi mở cuộc thi.",
        "Once created, on the contest's page: pick the participating units, type the questions, then open the contest.",
    ),
    (
        "ctf.before_open",
        "Cuộc thi chưa mở: mọi thiết lập, đơn vị tham gia và ngân hàng câu hỏi đều sửa được. Sau khi mở, chỉ còn sửa được giải thưởng, danh sách cán bộ tổ chức và rút câu hỏi sai khỏi ngân hàng.",
        "The contest has not opened: every setting, the participating units and the question bank can change. Once it opens, only the prizes, the organisers' staff list and retiring a wrong question can.",
    ),
    (
        "ctf.locked",
        "Cuộc thi đã mở: để công bằng cho người dự thi, tên, thời gian, số câu, đơn vị tham gia và ngân hàng câu hỏi đã khóa. Vẫn sửa được giải thưởng, danh sách cán bộ tổ chức và rút câu hỏi sai khỏi ngân hàng.",
        "The contest has opened: to be fair to the entrants, its name, times, question count, participating units and question bank are locked. The prizes, the organisers' staff list and retiring a wrong question can still change.",
    ),
    ("ctf.open_now", "Mở cuộc thi ngay", "Open the contest now"),
    ("ctf.correct", "Sửa thiết lập", "Correct the settings"),
    (
        "ctf.void_help",
        "Chỉ dùng khi cuộc thi được tạo nhầm, trước khi mở: cuộc thi bị hủy biến mất khỏi trang của người dân, nhưng vẫn còn trong lịch sử và nhật ký; Thường trực có thể khôi phục.",
        "Only for a contest created by mistake, before it opens: a voided contest leaves the citizens' pages but stays in the history and the audit log; the secretariat may restore it.",
    ),
    ("ctf.voided_done", "Đã hủy cuộc thi.", "The contest was voided."),
    ("ctf.voided_mark", "đã hủy", "voided"),
    ("ctf.edit_question", "Sửa câu hỏi", "Correct the question"),
    (
        "ctf.choices_legend",
        "Các phương án (đánh dấu phương án đúng; để trống ô không dùng)",
        "The choices (tick the right one; leave unused boxes empty)",
    ),
    ("ctf.right_choice", "Phương án đúng là phương án", "The right choice is choice"),
    ("ctf.choice", "Phương án", "Choice"),
    (
        "ctf.unit_search",
        "Tìm đơn vị tham gia (tên, không cần dấu)",
        "Find participating units (name, accents optional)",
    ),
    (
        "ctf.unit_search_help",
        "Gõ một phần tên rồi bấm «Tìm»; đánh dấu các đơn vị tham gia rồi bấm lưu. Bỏ dấu một đơn vị để bỏ đơn vị đó.",
        "Type part of a name and press «Find»; tick the participating units and save. Untick a unit to remove it.",
    ),
    ("ctf.units_ticked", "Đơn vị (đánh dấu các đơn vị tham gia)", "Units (tick those taking part)"),
    ("ctf.eligible", "Số người thuộc diện", "People eligible"),
];
