//! User-facing strings of onboarding many accounts from a list, of an
//! initiative leader's links on its account page, and of the work
//! overview's lines on duties, uploads and questions (Vietnamese, English).

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    ("onb.title", "Tạo tài khoản hàng loạt", "Create accounts from a list"),
    (
        "onb.help",
        "Tạo tài khoản cho nhiều xã, phường, cơ quan cùng lúc từ một tệp Excel: tải tệp mẫu, điền mỗi dòng một tài \
         khoản (đơn vị ghi bằng mã, hoặc bằng tên cùng đơn vị cấp trên), tải lên để kiểm tra thử. Hệ thống chỉ tạo \
         khi mọi dòng đều hợp lệ: tạo tất cả hoặc không tạo tài khoản nào.",
        "Create accounts for many communes, wards and agencies at once from an Excel file: download the template, \
         fill in one account per row (the unit by its code, or by its name with its parent's), upload it for a dry \
         run. Accounts are created only when every row is valid: all of them or none.",
    ),
    (
        "onb.file_help",
        "Tệp .xlsx hoặc .csv, tối đa 1 MB; số tài khoản tối đa mỗi lần:",
        "An .xlsx or .csv file, at most 1 MB; most accounts at once:",
    ),
    ("onb.template", "Tệp mẫu tạo tài khoản", "Account list template"),
    (
        "onb.template_help",
        "Tệp mẫu có sẵn các cột, một dòng ví dụ để ghi đè và danh sách vai trò bạn được cấp.",
        "The template has the columns, an example row to overwrite and the roles you may give.",
    ),
    ("onb.preview", "Kiểm tra thử danh sách tài khoản", "Dry run of the account list"),
    ("onb.ready_rows", "dòng hợp lệ, sẽ được tạo", "valid rows, to be created"),
    ("onb.refused_rows", "dòng bị từ chối", "rows refused"),
    (
        "onb.fix_and_retry",
        "Hãy sửa các dòng bị từ chối trong tệp rồi tải lên lại: hệ thống chỉ tạo khi mọi dòng đều hợp lệ.",
        "Fix the refused rows in the file and upload it again: accounts are created only when every row is valid.",
    ),
    ("onb.rows", "Kết quả từng dòng", "Each row's result"),
    ("onb.result", "Kết quả", "Result"),
    ("onb.will_create", "Hợp lệ, sẽ được tạo", "Valid, will be created"),
    (
        "onb.confirm_help",
        "Mật khẩu tạm thời của từng tài khoản chỉ hiện một lần, trên phiếu hướng dẫn ở trang sau: hãy chuẩn bị in.",
        "Each account's temporary password is shown once, on the sheet on the next page: be ready to print it.",
    ),
    ("onb.confirm", "Tạo tất cả tài khoản", "Create all the accounts"),
    ("onb.upload_again", "Tải lên tệp khác", "Upload another file"),
    ("onb.created", "Số tài khoản đã tạo", "Accounts created"),
    (
        "onb.shown_once",
        "Mật khẩu tạm thời chỉ hiện một lần, trên trang này: hãy in phiếu ngay và trao cho từng đơn vị. Tải lại hay \
         quay lại trang này không hiện lại mật khẩu; việc hiện phiếu đã được ghi vào nhật ký. Nếu mất phiếu, hãy đặt \
         lại mật khẩu trên trang của tài khoản.",
        "The temporary passwords are shown once, on this page: print the sheet now and hand each unit its block. \
         Reloading or coming back does not show them again; showing the sheet was recorded in the audit log. If a \
         sheet is lost, reset the password on the account's page.",
    ),
    ("onb.done_lead_link", "Đã giao mô hình cho tài khoản.", "The initiative was linked to the account."),
    ("onb.done_lead_unlink", "Đã bỏ giao mô hình.", "The initiative was unlinked."),
    ("onb.leads", "Mô hình được giao", "Initiatives it leads"),
    ("onb.leads_none", "Chưa được giao mô hình nào.", "No initiative linked yet."),
    ("onb.unlink", "Bỏ giao", "Unlink"),
    ("onb.ini_search", "Tìm mô hình (gõ tên, không cần dấu)", "Find the initiative (type its name, accents optional)"),
    ("onb.ini_pick", "Mô hình thuộc đơn vị của tài khoản", "Initiatives of the account's unit"),
    ("onb.ini_none_offered", "Không có mô hình nào để giao", "No initiative to link"),
    ("onb.link", "Giao mô hình", "Link the initiative"),
    ("work.duties_due", "nhiệm vụ đến hạn báo cáo trong quý này", "duties due this quarter"),
    ("work.imports_refused", "tệp tải lên còn dòng lỗi, chưa nhập", "uploads left with refused rows"),
    ("work.reports_awaiting_reporter", "câu hỏi đang chờ người phản ánh trả lời", "questions awaiting the reporter"),
    ("rep.view_awaiting", "Chờ người phản ánh trả lời", "Awaiting the reporter"),
    ("work.imports_title", "Tệp tải lên còn dòng lỗi", "Uploads left with refused rows"),
    (
        "work.imports_help",
        "Các tệp tải lên trong 24 giờ qua mà bước kiểm tra thử phát hiện dòng lỗi và chưa được nhập. Hãy sửa tệp rồi \
         tải lên lại ở trang tương ứng.",
        "Files uploaded in the last 24 hours whose dry run found refused rows and that were not imported. Fix the \
         file and upload it again on its page.",
    ),
    ("work.imports_none", "Không có tệp nào còn dòng lỗi.", "No upload is left with refused rows."),
    ("work.imports_file", "Tệp", "File"),
    ("work.imports_kind", "Loại danh sách", "List"),
    ("work.imports_by", "Người tải lên", "Uploaded by"),
    ("work.imports_at", "Thời điểm", "When"),
    ("work.imports_refused_rows", "Số dòng lỗi", "Refused rows"),
    ("work.imports_where", "Tải lên lại", "Upload again"),
];
