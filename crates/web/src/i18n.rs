//! Vietnamese first, English on request. One table of user-facing strings;
//! a missing key shows itself (so a test or a reviewer notices).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Lang {
        if s == "en" { Lang::En } else { Lang::Vi }
    }
}

const STRINGS: &[(&str, &str, &str)] = &[
    ("app.name", "Khiên Mạng", "Khiên Mạng"),
    (
        "app.tagline",
        "Phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng",
        "The whole-people movement to protect national security on cyberspace",
    ),
    ("nav.home", "Trang chủ", "Home"),
    ("nav.org", "Tổ chức, đơn vị", "Organisation"),
    ("nav.import", "Nhập dữ liệu", "Import"),
    ("nav.targets", "Chỉ tiêu", "Targets"),
    ("nav.movement", "Phong trào", "Movement"),
    ("targets.title", "Chỉ tiêu phong trào", "Movement targets"),
    ("targets.year", "Năm", "Year"),
    ("targets.mode", "Cách đọc", "Reading"),
    ("targets.mode_then", "Theo địa giới tại thời điểm", "As it was then"),
    ("targets.mode_today", "Theo địa giới hiện nay", "Mapped to today's tree"),
    ("targets.chart_target", "Chỉ tiêu cho biểu đồ, xếp hạng", "Target for charts and ranking"),
    ("targets.export", "Tải XLSX", "Download XLSX"),
    ("targets.reference", "Số liệu tính theo đơn vị và địa giới ngày", "Figures use the units and boundaries of"),
    (
        "targets.absent",
        "Đơn vị không có trong cây tổ chức của năm này. Xem các đơn vị tương ứng:",
        "This unit is not in that year's tree. See the units that stand for it:",
    ),
    ("targets.nine", "Chín chỉ tiêu (Phần 2, mục II.2)", "The nine targets (Part 2, II.2)"),
    ("targets.code", "Chỉ tiêu", "Target"),
    ("targets.label", "Nội dung", "Description"),
    ("targets.achieved", "Đạt/Tổng", "Achieved/Total"),
    ("targets.value", "Tỷ lệ", "Share"),
    ("targets.goal", "Chỉ tiêu đề ra", "Goal"),
    ("targets.expected", "Lộ trình năm", "Expected this year"),
    ("targets.status", "Đánh giá", "Status"),
    ("targets.reported", "Đã báo cáo", "Reported"),
    ("targets.trend", "Diễn biến theo năm", "Trend by year"),
    ("targets.children", "Đơn vị trực thuộc", "Units below"),
    ("targets.ranking", "Xếp hạng xã, phường", "Ranking of communes"),
    ("nav.audit", "Nhật ký", "Audit log"),
    ("nav.users", "Tài khoản", "Accounts"),
    ("nav.totp", "Xác thực hai lớp", "Two-factor"),
    ("nav.logout", "Đăng xuất", "Log out"),
    ("nav.main", "Điều hướng chính", "Main navigation"),
    ("nav.skip", "Bỏ qua, đến nội dung chính", "Skip to main content"),
    ("lang.switch", "English", "Tiếng Việt"),
    ("login.title", "Đăng nhập", "Log in"),
    ("login.username", "Tên đăng nhập", "Username"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Log in"),
    ("login.failed", "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."),
    (
        "login.locked",
        "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Thử lại sau",
        "Account locked after repeated failures. Try again after",
    ),
    (
        "login.demo_refused",
        "Tài khoản thử nghiệm không được phép đăng nhập trên máy chủ này.",
        "Demo accounts are not allowed on this server.",
    ),
    ("totp.title", "Mã xác thực", "Verification code"),
    ("totp.code", "Mã 6 chữ số từ ứng dụng xác thực", "6-digit code from your authenticator app"),
    ("totp.submit", "Xác nhận", "Confirm"),
    ("totp.wrong", "Mã xác thực không đúng.", "Wrong code."),
    ("totp.enrol", "Bật xác thực hai lớp", "Enable two-factor authentication"),
    (
        "totp.enrol_help",
        "Thêm khóa sau vào ứng dụng xác thực (Google Authenticator, Aegis…), rồi nhập mã 6 chữ số để xác nhận.",
        "Add this key to your authenticator app (Google Authenticator, Aegis…), then enter the 6-digit code to confirm.",
    ),
    ("totp.enabled", "Xác thực hai lớp đang bật.", "Two-factor authentication is on."),
    (
        "totp.required",
        "Vai trò của bạn bắt buộc bật xác thực hai lớp trước khi làm việc.",
        "Your role must enable two-factor authentication before working.",
    ),
    ("home.title", "Trang chủ", "Home"),
    ("home.hello", "Xin chào", "Hello"),
    ("home.role", "Vai trò", "Role"),
    ("home.scope", "Phạm vi", "Scope"),
    ("home.whole_country", "Toàn quốc", "Whole country"),
    ("org.title", "Tổ chức, đơn vị", "Organisation"),
    ("org.search", "Tìm đơn vị (không cần dấu)", "Find a unit (accents optional)"),
    ("org.as_of", "Tại ngày", "As of"),
    ("org.show", "Xem", "Show"),
    ("org.no_results", "Không tìm thấy đơn vị nào.", "No unit found."),
    ("org.code", "Mã", "Code"),
    ("org.name", "Tên", "Name"),
    ("org.level", "Cấp/loại", "Level"),
    ("org.households", "Số hộ", "Households"),
    ("org.population", "Số nhân khẩu", "Population"),
    ("org.children", "Đơn vị trực thuộc", "Units under it"),
    ("org.history", "Lịch sử", "History"),
    ("org.versions", "Các thời kỳ", "Periods"),
    ("org.from", "Từ ngày", "From"),
    ("org.to", "Đến ngày", "To"),
    ("org.now", "nay", "now"),
    ("org.formed_from", "Hình thành từ", "Formed from"),
    ("org.went_into", "Đã chuyển vào", "Went into"),
    ("org.default_target", "nhận dữ liệu mặc định", "default target"),
    ("org.events", "Sự kiện", "Events"),
    ("org.rollup", "Tổng hợp dân cư", "Population roll-up"),
    ("org.rollup_then", "Theo địa giới lúc đó", "As it was then"),
    ("org.rollup_today", "Quy đổi theo địa giới hiện nay", "Mapped to today's tree"),
    ("org.no_data", "Chưa có số liệu", "No data"),
    ("org.rename", "Đổi tên", "Rename"),
    ("org.new_name", "Tên mới", "New name"),
    ("org.effective", "Ngày hiệu lực", "Effective date"),
    ("org.attrs", "Cập nhật thông tin", "Update details"),
    ("org.official_page", "Trang mạng xã hội chính thức", "Official page"),
    ("org.add_child", "Thêm đơn vị trực thuộc", "Add a unit under it"),
    ("org.save", "Lưu", "Save"),
    ("org.parent", "Trực thuộc", "Under"),
    ("org.not_existing", "Đơn vị không tồn tại vào ngày này.", "The unit did not exist on this date."),
    ("org.enterprise_size", "Quy mô", "Size"),
    ("org.school_level", "Cấp học", "School level"),
    ("import.title", "Nhập dữ liệu từ tệp", "Import from a file"),
    (
        "import.help",
        "Tải mẫu Excel, điền dữ liệu rồi tải lên. Hệ thống kiểm tra thử trước; chưa ghi gì cho đến khi bạn xác nhận.",
        "Download the Excel template, fill it in and upload it. The system checks it first; nothing is written until you confirm.",
    ),
    ("import.kind", "Loại dữ liệu", "Kind of data"),
    ("import.file", "Tệp (XLSX hoặc CSV)", "File (XLSX or CSV)"),
    ("import.templates", "Tải mẫu", "Templates"),
    ("import.dry_run", "Kiểm tra thử", "Check (dry run)"),
    ("import.summary", "Kết quả kiểm tra", "Check result"),
    ("import.valid_rows", "dòng hợp lệ", "valid rows"),
    ("import.error_rows", "dòng lỗi", "rows with errors"),
    ("import.line", "Dòng", "Line"),
    ("import.column", "Cột", "Column"),
    ("import.reason", "Lý do", "Reason"),
    ("import.commit_all", "Nhập toàn bộ", "Import all"),
    ("import.commit_valid", "Chỉ nhập các dòng hợp lệ", "Import only the valid rows"),
    ("import.nothing_written", "Chưa có dữ liệu nào được ghi.", "Nothing has been written."),
    ("import.done", "Đã nhập", "Imported"),
    ("import.effective", "Ngày bắt đầu (khi tệp không ghi)", "Start date (when the file gives none)"),
    ("audit.title", "Nhật ký hệ thống", "Audit log"),
    ("audit.ok", "Chuỗi nhật ký toàn vẹn", "Chain intact"),
    ("audit.bad", "Chuỗi nhật ký bị sửa", "Chain broken"),
    ("audit.at", "Thời điểm", "Time"),
    ("audit.actor", "Người thực hiện", "Actor"),
    ("audit.action", "Hành động", "Action"),
    ("audit.object", "Đối tượng", "Object"),
    ("users.title", "Tài khoản", "Accounts"),
    ("users.username", "Tên đăng nhập", "Username"),
    ("users.role", "Vai trò", "Role"),
    ("users.scope", "Phạm vi", "Scope"),
    ("notfound.title", "Không tìm thấy trang", "Page not found"),
];

#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn t(&self, key: &str) -> &'static str {
        match STRINGS.iter().find(|(k, _, _)| *k == key) {
            Some((_, vi, en)) => match self.lang {
                Lang::Vi => vi,
                Lang::En => en,
            },
            None => "⟦missing text⟧",
        }
    }
}

/// 1.234.567 — Vietnamese digit grouping.
pub fn number_vi(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// dd/mm/yyyy
pub fn date_vi(d: khienmang_core::Date) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_once() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|(k, _, _)| *k).collect();
        keys.sort();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate i18n keys");
        assert!(STRINGS.iter().all(|(_, vi, en)| !vi.is_empty() && !en.is_empty()));
    }

    #[test]
    fn vietnamese_number_format() {
        assert_eq!(number_vi(37_782_328_000), "37.782.328.000");
        assert_eq!(number_vi(999), "999");
        assert_eq!(number_vi(-1000), "-1.000");
    }
}
