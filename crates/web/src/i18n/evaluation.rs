//! User-facing strings of the criteria sets, the prefilled scores, the way
//! from a ranking to award proposals and the nominations' corrections
//! (Vietnamese, English).

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    ("ev.criteria_title", "Bộ tiêu chí đánh giá", "Evaluation criteria"),
    ("ev.edit_criteria", "Sửa bộ tiêu chí", "Edit the criteria"),
    ("ev.criteria_saved", "Đã lưu bộ tiêu chí thành phiên bản mới.", "The criteria were saved as a new version."),
    ("ev.version_default", "Đang dùng bộ tiêu chí mặc định theo Kế hoạch.", "The plan's default criteria are in use."),
    ("ev.version", "Phiên bản", "Version"),
    (
        "ev.copy_note",
        "Mỗi lần lưu tạo một phiên bản mới của năm: bản đánh giá đang tự chấm hoặc bị trả lại chuyển sang phiên bản \
         mới và được tính lại tổng điểm; bản đã gửi cấp trên hoặc đã phê duyệt giữ nguyên bộ tiêu chí đã dùng \
         (được sao chép, không bị sửa theo).",
        "Each save makes a new version for the year: evaluations still being scored or returned move to it and are \
         totalled again; those sent up or approved keep the criteria they used (copied, never changed under them).",
    ),
    ("ev.sent_on_version", "bản đánh giá đã gửi đang dùng phiên bản này.", "evaluations sent up use this version."),
    (
        "ev.criteria_hint",
        "Sửa nội dung, điểm tối đa, hệ số và chỉ tiêu mà tiêu chí đọc; đổi số thứ tự để sắp xếp lại; đánh dấu để bỏ \
         tiêu chí; điền vào dòng trống để thêm tiêu chí mới.",
        "Change the text, maximum, weight and the target a criterion reads; change the order numbers to reorder; \
         tick to remove a criterion; fill in an empty row to add one.",
    ),
    ("ev.order", "Thứ tự", "Order"),
    ("ev.weight", "Hệ số", "Weight"),
    ("ev.reads_target", "Đọc chỉ tiêu", "Reads target"),
    ("ev.remove", "Bỏ", "Remove"),
    ("ev.new_criterion", "Tiêu chí mới", "New criterion"),
    ("ev.bands", "Ngưỡng xếp loại", "Classification bands"),
    ("ev.from_points", "từ số điểm", "from points"),
    ("ev.save_criteria", "Lưu bộ tiêu chí", "Save the criteria"),
    (
        "ev.note_if_changed",
        "Ghi chú nếu chấm khác điểm tính từ chỉ tiêu",
        "Note, if you give other points than the target's",
    ),
    ("ev.choose", "Chọn", "Choose"),
    (
        "ev.nominate_hint",
        "Ba hạng đầu đã được chọn sẵn; có thể bỏ chọn hoặc chọn thêm đơn vị khác.",
        "The top three are chosen; untick or tick other units as needed.",
    ),
    ("ev.nominate_ranked", "Đề nghị khen thưởng các đơn vị đã chọn", "Propose awards for the chosen units"),
    ("ev.nomination_saved", "Đã gửi hồ sơ đề nghị khen thưởng.", "The award proposal was sent."),
    ("ev.voided", "Đã hủy (nhập nhầm)", "Voided (entered by mistake)"),
    ("ev.find_nominee", "Tìm đơn vị, mô hình theo tên", "Find a unit or initiative by name"),
    ("ev.find", "Tìm", "Find"),
    ("ev.person_name", "Họ tên cá nhân (nếu đề nghị cá nhân)", "Person's name (for a person)"),
    ("ev.nominee_unit", "Tập thể, hoặc đơn vị của cá nhân", "Unit, or the person's unit"),
    ("ev.pick_unit", "— Chọn đơn vị —", "— Pick a unit —"),
    ("ev.nominee_initiative", "Mô hình (nếu đề nghị mô hình)", "Initiative (for an initiative)"),
    ("ev.pick_initiative", "— Chọn mô hình —", "— Pick an initiative —"),
    ("ev.correct_nomination", "Sửa hồ sơ đề nghị", "Correct the proposal"),
];
