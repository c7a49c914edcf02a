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
    ("movement.title", "Sổ theo dõi phong trào", "Movement registry"),
    ("movement.registers", "Các sổ theo dõi", "Registers"),
    ("movement.initiatives", "Mô hình", "Initiatives"),
    ("movement.people", "Cán bộ, báo cáo viên, tuyên truyền viên", "People with a role"),
    ("movement.trainings", "Tập huấn", "Training"),
    ("movement.voices", "Người có uy tín, ảnh hưởng", "Trusted voices"),
    ("movement.documents", "Kế hoạch, nghị quyết chuyên đề", "Plans and thematic resolutions"),
    ("movement.activities", "Hoạt động tuyên truyền", "Outreach activities"),
    ("movement.list", "Danh sách", "List"),
    ("movement.search", "Tìm mô hình (không cần dấu)", "Find an initiative (accents optional)"),
    ("movement.search_button", "Tìm", "Search"),
    ("movement.found", "mô hình", "initiatives"),
    ("movement.new_initiative", "Đăng ký mô hình mới", "Register a new initiative"),
    ("movement.no_initiatives", "Chưa có mô hình nào.", "No initiative yet."),
    ("movement.name", "Tên mô hình", "Name of the initiative"),
    ("movement.owner", "Đơn vị chủ trì", "Owning unit"),
    ("movement.unit", "Đơn vị", "Unit"),
    ("movement.stage", "Giai đoạn", "Stage"),
    ("movement.channels", "Kênh, trang, nhóm", "Channels"),
    ("movement.criteria_short", "Tiêu chí", "Criteria"),
    ("movement.met", "Đạt", "Met"),
    ("movement.not_met", "Chưa đạt", "Not met"),
    ("movement.unit_report", "Báo cáo năm của đơn vị", "The unit's yearly report"),
    (
        "movement.unit_report_help",
        "Khi đơn vị đã gửi báo cáo năm, những nội dung chưa ghi nhận được tính là «chưa đạt» thay vì «chưa có số liệu».",
        "Once a unit has submitted its yearly report, what it has not recorded counts as \"not achieved\" instead of \"no data\".",
    ),
    ("movement.reported_years", "Đã gửi báo cáo các năm", "Yearly reports submitted for"),
    ("movement.none", "chưa có", "none"),
    ("movement.year", "Năm", "Year"),
    ("movement.submit_report", "Gửi báo cáo năm", "Submit the yearly report"),
    ("movement.save", "Lưu", "Save"),
    ("movement.add", "Thêm", "Add"),
    ("movement.choose", "— Chọn —", "— Choose —"),
    ("movement.leader", "Người đứng đầu mô hình", "Initiative leader"),
    ("movement.by_participants", "Phân loại theo đối tượng tham gia", "By participants"),
    ("movement.by_leader", "Phân loại theo người đứng đầu mô hình", "By leader"),
    ("movement.by_content", "Phân loại theo nội dung, tính chất", "By content"),
    ("movement.focus", "Nội dung trọng tâm", "Thematic focus"),
    ("movement.criteria", "Tiêu chí mô hình (mục I.1.3.1)", "The criteria of an initiative (I.1.3.1)"),
    ("movement.criteria_help", "Đánh dấu những tiêu chí mô hình đã đạt.", "Tick the criteria the initiative meets."),
    ("movement.description", "Mô tả", "Description"),
    ("movement.first_stage", "Giai đoạn ban đầu", "First stage"),
    ("movement.since", "Từ ngày", "Since"),
    ("movement.since_lower", "từ", "since"),
    ("movement.register", "Đăng ký", "Register"),
    ("movement.all_met", "Mô hình đạt đủ 3 tiêu chí.", "The initiative meets all three criteria."),
    ("movement.unmet", "Mô hình chưa đạt các tiêu chí", "The initiative does not yet meet"),
    ("movement.history", "Quá trình hoạt động", "Lifecycle"),
    ("movement.effective", "Ngày", "Date"),
    ("movement.note", "Ghi chú", "Note"),
    ("movement.move", "Chuyển giai đoạn", "Move to another stage"),
    ("movement.next_stage", "Giai đoạn mới", "New stage"),
    (
        "movement.final",
        "Mô hình đã kết thúc nên không chuyển giai đoạn được nữa.",
        "The initiative has ended, so its stage cannot change any more.",
    ),
    ("movement.platform", "Nền tảng", "Platform"),
    ("movement.link", "Đường dẫn", "Link"),
    ("movement.audience", "Số người theo dõi", "Audience"),
    ("movement.add_channel", "Đăng ký kênh", "Register a channel"),
    (
        "movement.channel_help",
        "Dán đường dẫn của trang, nhóm hoặc kênh. Mỗi kênh chỉ do một đơn vị hướng dẫn.",
        "Paste the link of the page, group or channel. Each channel has one guiding unit.",
    ),
    ("movement.groups", "Tổ, nhóm trực thuộc", "Sub-groups"),
    ("movement.add_group", "Thêm tổ, nhóm", "Add a sub-group"),
    ("movement.group_name", "Tên tổ, nhóm", "Name of the sub-group"),
    ("movement.group_leader", "Người phụ trách", "Group leader"),
    ("movement.participants", "Đơn vị tham gia", "Units taking part"),
    ("movement.add_participant", "Thêm đơn vị tham gia", "Add a unit taking part"),
    ("movement.from_year", "Từ năm", "From year"),
    ("movement.to_year", "Đến năm", "To year"),
    ("movement.villages", "Thành viên theo thôn, tổ dân phố và năm", "Members by village and year"),
    ("movement.village", "Thôn, tổ dân phố", "Village"),
    ("movement.households", "Số hộ", "Households"),
    ("movement.member_count", "Số thành viên", "Members"),
    ("movement.how", "Cách ghi nhận", "Recorded as"),
    ("movement.listed", "Theo danh sách", "From the list"),
    ("movement.counted", "Theo số liệu", "As counted"),
    ("movement.set_count", "Ghi số thành viên của thôn", "Record a village's members"),
    (
        "movement.no_villages",
        "Không có thôn, tổ dân phố nào trong phạm vi quản lý.",
        "There is no village in your scope.",
    ),
    ("movement.listed_members", "Thành viên có tên trong danh sách", "Members listed by name"),
    ("movement.view_members", "Xem danh sách thành viên", "View the list of members"),
    (
        "movement.personal_data",
        "Danh sách có thông tin cá nhân; mỗi lần xem đều được ghi nhật ký.",
        "This list holds personal data; every view is logged.",
    ),
    ("movement.upload_members", "Tải lên danh sách thành viên", "Upload a list of members"),
    ("movement.upload_people", "Tải lên danh sách người theo vai trò", "Upload a list of people"),
    (
        "movement.upload_help",
        "Tải mẫu Excel, điền rồi tải lên. Hệ thống kiểm tra thử trước; chưa ghi gì cho đến khi bạn xác nhận.",
        "Download the Excel template, fill it in and upload it. The system checks it first; nothing is written until you confirm.",
    ),
    ("movement.file", "Tệp (XLSX hoặc CSV)", "File (XLSX or CSV)"),
    ("movement.template", "Tải mẫu", "Download the template"),
    ("movement.dry_run", "Kiểm tra thử", "Check (dry run)"),
    ("movement.households_distinct", "hộ gia đình (mỗi hộ tính một lần)", "households (each counted once)"),
    ("movement.back_to_list", "Quay lại", "Back"),
    ("movement.reports", "Báo cáo hoạt động định kỳ", "Periodic activity reports"),
    ("movement.add_report", "Thêm báo cáo", "Add a report"),
    ("movement.period", "Kỳ báo cáo", "Period"),
    ("movement.period_from", "Từ ngày", "From"),
    ("movement.period_to", "Đến ngày", "To"),
    ("movement.posts", "Số tin bài", "Posts"),
    ("movement.reach", "Lượt tiếp cận", "Reach"),
    ("movement.reports_received", "Tin báo, phản ánh tiếp nhận", "Reports received"),
    ("movement.none_yet", "Chưa có.", "None yet."),
    ("movement.members_title", "Danh sách thành viên", "List of members"),
    ("movement.full_name", "Họ và tên", "Full name"),
    ("movement.joined", "Năm tham gia", "Joined"),
    ("movement.left", "Năm rời", "Left"),
    ("movement.back_initiative", "Về trang mô hình", "Back to the initiative"),
    ("movement.role", "Vai trò", "Role"),
    ("movement.all_roles", "Tất cả vai trò", "All roles"),
    ("movement.filter", "Lọc", "Filter"),
    ("movement.position", "Chức vụ", "Position"),
    ("movement.registered", "Thời gian có tên", "On the list"),
    ("movement.trained_years", "Năm tập huấn, cập nhật", "Years trained or updated"),
    ("movement.update", "Cập nhật kiến thức", "Knowledge update"),
    ("movement.updated", "Đã cập nhật năm nay", "Updated this year"),
    ("movement.record_update", "Ghi cập nhật năm", "Record the update of"),
    ("movement.new_person", "Thêm người vào danh sách", "Add a person"),
    ("movement.no_people", "Chưa có ai trong danh sách.", "Nobody on the list yet."),
    ("movement.organiser", "Đơn vị tổ chức", "Organising unit"),
    ("movement.choose_unit", "Chọn đơn vị", "Choose the unit"),
    ("movement.training_title", "Tên lớp tập huấn", "Title of the session"),
    ("movement.held_on", "Ngày tổ chức", "Date"),
    ("movement.place", "Địa điểm", "Place"),
    ("movement.attendees", "Người tham dự", "Attendees"),
    (
        "movement.no_attendees",
        "Đơn vị này chưa có ai trong danh sách người theo vai trò. Hãy thêm người trước.",
        "Nobody of this unit is on the list of people yet. Add them first.",
    ),
    ("movement.new_training", "Ghi nhận lớp tập huấn", "Record a training session"),
    ("movement.where", "Địa bàn", "Where"),
    ("movement.in_province", "Trong tỉnh", "In the province"),
    ("movement.out_province", "Ngoài tỉnh", "Outside the province"),
    ("movement.voice_channels", "Kênh, trang mạng xã hội", "Channels"),
    ("movement.consent", "Đồng thuận hợp tác", "Consent to cooperate"),
    ("movement.consent_given", "Đã đồng thuận hợp tác", "Has consented to cooperate"),
    ("movement.consent_yes", "Có", "Yes"),
    ("movement.consent_no", "Chưa", "Not yet"),
    ("movement.enlisted", "Năm tham gia phối hợp", "Years enlisted"),
    ("movement.enlist", "Ghi nhận tham gia năm", "Enlist for"),
    ("movement.linked_initiative", "Mô hình liên kết", "Linked initiative"),
    ("movement.no_initiative", "Không có", "None"),
    ("movement.new_voice", "Thêm người có uy tín, ảnh hưởng", "Add a trusted voice"),
    ("movement.kind", "Loại văn bản", "Kind"),
    ("movement.number", "Số, ký hiệu", "Number"),
    ("movement.doc_title", "Trích yếu", "Title"),
    ("movement.issued_on", "Ngày ban hành", "Date issued"),
    ("movement.plan_year", "Năm của kế hoạch", "Year the plan is for"),
    (
        "movement.attachment",
        "Tệp đính kèm (PDF, DOCX, JPG, PNG; tối đa 10 MB)",
        "Attachment (PDF, DOCX, JPG, PNG; at most 10 MB)",
    ),
    ("movement.attachment_short", "Tệp", "File"),
    ("movement.download", "Tải về", "Download"),
    ("movement.new_document", "Thêm kế hoạch, nghị quyết", "Add a plan or resolution"),
    ("movement.village_activities", "Hoạt động tuyên truyền tại thôn, tổ dân phố", "Awareness activities in villages"),
    ("movement.page_posts", "Tin bài trên trang mạng xã hội chính thức", "Posts on official pages"),
    ("movement.activity_title", "Nội dung", "Subject"),
    ("movement.participants_count", "Số người tham dự", "Participants"),
    ("movement.post_title", "Tiêu đề tin bài", "Title of the post"),
    ("movement.posted_on", "Ngày đăng", "Posted on"),
    ("movement.new_activity", "Ghi nhận hoạt động", "Record an activity"),
    ("movement.new_post", "Ghi nhận tin bài", "Record a post"),
];

#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn t(&self, key: &str) -> &'static str {
        match STRINGS.iter().chain(crate::reports::STRINGS).chain(crate::scamcheck::STRINGS).find(|(k, _, _)| *k == key)
        {
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
