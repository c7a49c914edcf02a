//! Vietnamese first, English on request. One table of user-facing strings;
//! a missing key shows itself (so a test or a reviewer notices). The reports'
//! and the scam check's pages keep their strings in tables of their own
//! here, so that the pages depend on the strings and never the other way.

mod accounts;
mod boundaries;
mod contests;
mod corrections;
mod evaluation;
mod figures;
mod home;
mod labels;
mod levels;
mod onboarding;
mod outreach;
mod outreach_corrections;
mod people;
mod records;
mod reports;
mod scamcheck;
mod work;

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

/// What a missing figure is called everywhere (charts, maps, workbooks).
pub const NO_DATA_VI: &str = "Chưa có số liệu";

const STRINGS: &[(&str, &str, &str)] = &[
    ("ow.nav", "Cảnh báo", "Warnings"),
    ("ow.title", "Cảnh báo thủ đoạn lừa đảo trên mạng", "Warnings about online scams"),
    (
        "ow.lead",
        "Thủ đoạn đang diễn ra trên địa bàn và cách phòng tránh, do Công an tỉnh cập nhật.",
        "Tactics in use in the province and how to avoid them, kept current by the provincial police.",
    ),
    ("ow.none", "Chưa có cảnh báo nào.", "No warnings yet."),
    ("ow.publish", "Đăng cảnh báo", "Publish a warning"),
    ("ow.publish_btn", "Đăng", "Publish"),
    ("ow.field_title", "Tiêu đề", "Title"),
    ("ow.field_summary", "Tóm tắt (thủ đoạn và cách phòng tránh)", "Summary (the trick and what to do)"),
    ("ow.field_body", "Nội dung", "Body"),
    ("ow.field_category", "Loại", "Category"),
    ("ow.field_at", "Thời điểm đăng (để trống: ngay)", "Publish at (empty: now)"),
    ("ow.withdraw", "Gỡ cảnh báo", "Withdraw"),
    ("oc.title", "Chiến dịch tuyên truyền", "Campaigns"),
    ("oc.campaign", "Chiến dịch", "Campaign"),
    ("oc.items", "Nội dung", "Items"),
    ("oc.coverage", "Độ phủ", "Coverage"),
    (
        "oc.coverage_hint",
        "Tỷ lệ mô hình được giao đã xác nhận chia sẻ, trong phạm vi của tài khoản; số người tiếp cận do mô hình báo cáo.",
        "Share of the targeted initiatives that confirmed sharing, within your scope; reach as the initiatives report it.",
    ),
    ("oc.new", "Tạo chiến dịch", "New campaign"),
    ("oc.description", "Mô tả", "Description"),
    ("oc.items_hint", "Nội dung, mỗi dòng: loại | tiêu đề | đường dẫn", "Items, one a line: kind | title | link"),
    ("oc.themes", "Chủ đề (để trống: mọi mô hình)", "Themes (empty: every initiative)"),
    ("oc.days", "Số ngày", "Days"),
    ("oc.targeted", "Mô hình được giao", "Targeted"),
    ("oc.shared", "Đã chia sẻ", "Shared"),
    ("oc.reach", "Số người tiếp cận", "Reach"),
    ("oc.untargeted", "Tiếp cận từ mô hình ngoài đối tượng", "Reach from initiatives not targeted"),
    ("oc.confirm", "Xác nhận đã chia sẻ", "Confirm sharing"),
    ("oc.confirm_btn", "Xác nhận", "Confirm"),
    ("oc.item", "Nội dung", "Item"),
    ("oc.link", "Đường dẫn bài đăng", "Link to the post"),
    (
        "oc.official_page",
        "Đăng trên trang thông tin chính thống của đơn vị (chỉ tiêu 2.7)",
        "Posted on the unit's official page (target 2.7)",
    ),
    ("os.nav", "Khảo sát", "Surveys"),
    ("os.title", "Khảo sát hiệu quả phong trào", "Surveys of the movement's effect"),
    ("os.none", "Hiện không có khảo sát nào.", "No survey is open."),
    ("os.anonymous", "ẩn danh", "anonymous"),
    ("os.until", "đến hết", "until"),
    ("os.results", "Kết quả", "Results"),
    ("os.new", "Tạo khảo sát", "New survey"),
    (
        "os.anonymous_note",
        "Khảo sát ẩn danh: không ghi tên, số điện thoại hay giờ trả lời; chỉ lưu ngày và xã, phường.",
        "Anonymous survey: no name, phone number or time of day is kept; only the day and the commune.",
    ),
    ("os.thanks", "Cảm ơn anh/chị đã trả lời.", "Thank you for answering."),
    ("os.closed", "Khảo sát đã kết thúc hoặc chưa bắt đầu.", "The survey is closed or not yet open."),
    ("os.commune", "Xã, phường nơi anh/chị sinh sống", "Your commune"),
    (
        "os.skip_note",
        "Câu hỏi không áp dụng theo câu trả lời trước sẽ được bỏ qua.",
        "Questions that do not apply after an earlier answer are skipped.",
    ),
    ("os.send", "Gửi câu trả lời", "Send"),
    (
        "os.suppressed_note",
        "Số liệu của nhóm quá nhỏ được ẩn (hiện “<K”) để không nhận diện được người trả lời; câu trả lời tự do không công bố. Ngưỡng:",
        "Figures of too small groups are hidden (shown “<K”) so no respondent can be identified; free-text answers are never shown. Threshold:",
    ),
    ("os.respondents", "Số người trả lời", "Respondents"),
    ("adm.evaluations", "Đánh giá, xếp loại", "Evaluation"),
    ("adm.awards", "Khen thưởng", "Awards"),
    ("adm.duties", "Nhiệm vụ", "Duties"),
    ("adm.budget", "Kinh phí", "Budget"),
    ("adm.reviews", "Sơ kết, tổng kết", "Reviews"),
    ("adm.kind", "Loại đơn vị", "Kind of unit"),
    ("adm.show", "Xem", "Show"),
    ("adm.own", "Đơn vị của tôi", "My unit"),
    ("adm.ranking", "Xếp hạng", "Ranking"),
    (
        "adm.ranking_hint",
        "Xếp theo tổng điểm, rồi ngày phê duyệt; kết quả đang chờ phê duyệt được xếp sau kết quả đã phê duyệt cùng điểm.",
        "By total, then approval date; pending results come after approved ones with the same total.",
    ),
    ("adm.none_yet", "Chưa có.", "None yet."),
    ("adm.rank", "Hạng", "Rank"),
    ("adm.unit", "Đơn vị", "Unit"),
    ("adm.total", "Tổng điểm", "Total"),
    ("adm.sum", "Tổng cộng", "Total"),
    (
        "adm.province_not_scored",
        "Cấp tỉnh không tự chấm điểm; cấp tỉnh phê duyệt kết quả của các đơn vị trực thuộc.",
        "The province is not scored; it approves the results of the units below.",
    ),
    ("adm.class", "Xếp loại", "Classification"),
    ("adm.status", "Trạng thái", "Status"),
    ("adm.not_started", "Chưa tự đánh giá", "Not yet self-assessed"),
    ("adm.decided_by", "Người phê duyệt", "Decided by"),
    ("adm.returned", "Cấp trên trả lại", "Returned by the level above"),
    ("adm.criteria", "Tiêu chí chấm điểm", "Scoring criteria"),
    ("adm.criterion", "Tiêu chí", "Criterion"),
    ("adm.max", "Điểm tối đa", "Maximum"),
    ("adm.points", "Điểm", "Points"),
    ("adm.evidence", "Minh chứng (đường dẫn)", "Evidence (links)"),
    ("adm.save", "Lưu", "Save"),
    ("adm.submit", "Gửi cấp trên", "Submit to the level above"),
    ("adm.level_above", "Cấp trên phê duyệt", "Approval by the level above"),
    ("adm.note", "Ghi chú", "Note"),
    ("adm.approve", "Phê duyệt", "Approve"),
    ("adm.return", "Trả lại", "Return"),
    ("adm.item", "Nội dung", "Item"),
    ("adm.planned", "Dự toán", "Estimate"),
    ("adm.allocated", "Phân bổ", "Allocated"),
    ("adm.spent", "Thực chi", "Spent"),
    ("adm.settled", "Quyết toán", "Settled"),
    ("adm.spent_rate", "Tỷ lệ chi/phân bổ", "Spent/allocated"),
    ("adm.document_plan", "Kinh phí theo Đề án (Phần thứ hai, mục IV.1)", "The programme's budget (Part 2, IV.1)"),
    (
        "adm.rehome_hint",
        "Cấp huyện kết thúc hoạt động từ 01/7/2025: phần kinh phí cấp huyện từ ngày đó chuyển cho cấp kế thừa (cuộc thi trực tuyến: cấp tỉnh; các nội dung khác: cấp xã), tính theo số ngày.",
        "The district level ended on 1 July 2025: its share from that day moves to the successor level (online contests: province; everything else: communes), by days.",
    ),
    ("adm.after_rehome", "Sau khi chuyển phần của cấp huyện", "After re-homing the district share"),
    ("adm.entered", "Số liệu đã nhập", "Amounts entered"),
    ("adm.seed_hint", "Chưa có dự toán nào.", "No estimates yet."),
    ("adm.seed", "Nạp dự toán theo Đề án", "Load the programme's estimates"),
    ("adm.by_level", "Theo cấp ngân sách", "By level"),
    ("adm.variance", "Chênh lệch theo nội dung chi và theo năm", "Variance by spending line and year"),
    ("adm.by_line", "Theo nội dung chi 2.1–2.6", "By spending line 2.1–2.6"),
    ("adm.by_year", "Theo năm", "By year"),
    ("adm.add_amount", "Nhập khoản kinh phí", "Record an amount"),
    ("adm.level", "Cấp ngân sách", "Level"),
    ("adm.line", "Nội dung chi", "Spending line"),
    ("adm.stage", "Giai đoạn", "Stage"),
    ("adm.amount", "Số tiền (đồng)", "Amount (đồng)"),
    ("adm.from", "Từ ngày", "From"),
    ("adm.to", "Đến ngày", "To"),
    ("adm.overdue", "Quá hạn", "Overdue"),
    ("adm.duty", "Nhiệm vụ", "Duty"),
    ("adm.body", "Cơ quan, đơn vị", "Body"),
    ("adm.due", "Hạn", "Due"),
    ("adm.days_late", "Số ngày quá hạn", "Days late"),
    ("adm.escalation", "Xử lý", "Follow-up"),
    ("adm.escalated", "Đã báo cáo Trưởng Ban Chỉ đạo", "Escalated to the head of the steering committee"),
    ("adm.reminded", "Đã nhắc", "Reminded"),
    ("adm.reminders", "Sắp đến hạn (30 ngày)", "Due within 30 days"),
    ("adm.period_reports", "Báo cáo định kỳ của xã, phường", "Communes' periodic reports"),
    (
        "adm.period_hint",
        "Đơn vị phải báo cáo là các xã, phường tồn tại ngày cuối kỳ; báo cáo của xã đã sáp nhập được tính cho xã kế thừa, nên tỷ lệ không vượt 100%.",
        "Expected: communes existing on the period's last day; a merged commune's report counts for its successor, so rates never exceed 100%.",
    ),
    ("adm.period", "Kỳ báo cáo", "Period"),
    ("adm.expected", "Phải báo cáo", "Expected"),
    ("adm.received", "Đã báo cáo", "Received"),
    ("adm.completeness", "Tỷ lệ đầy đủ", "Completeness"),
    ("adm.timeliness", "Tỷ lệ đúng hạn", "Timeliness"),
    ("adm.missing", "Chưa báo cáo", "Missing"),
    ("adm.period_send", "Gửi báo cáo kỳ này", "Send this period's report"),
    ("adm.send", "Gửi", "Send"),
    ("adm.bodies", "19 cơ quan, đơn vị (Phần thứ ba)", "The 19 bodies (Part 3)"),
    (
        "adm.bodies_hint",
        "Tỷ lệ tính trên các hạn đã đến; đúng hạn là báo cáo trong số ngày gia hạn sau hạn:",
        "Rates count the due dates so far; on time means reported within the grace days after the due date:",
    ),
    ("adm.due_so_far", "Đã báo cáo/đến hạn", "Reported/due"),
    ("adm.requested", "đề nghị phối hợp", "asked to cooperate"),
    ("adm.record_report", "Ghi nhận báo cáo thực hiện nhiệm vụ", "Record a duty report"),
    ("adm.received_on", "Ngày nhận", "Received on"),
    ("adm.summary", "Tóm tắt kết quả", "Summary"),
    ("adm.register_export", "Tải sổ khen thưởng (XLSX)", "Download the award register (XLSX)"),
    ("adm.nominations", "Hồ sơ đề nghị khen thưởng", "Nominations"),
    ("adm.decision_no", "Số quyết định", "Decision number"),
    ("adm.nominate", "Đề nghị khen thưởng", "Nominate"),
    ("adm.nominee_type", "Đối tượng", "Nominee"),
    ("adm.nominee_name", "Tên cá nhân, tập thể", "Name"),
    ("adm.initiative_id", "Mã mô hình (nếu đề nghị mô hình)", "Initiative number (for an initiative)"),
    ("adm.award_kind", "Hình thức", "Kind of award"),
    ("adm.deed_on", "Ngày lập thành tích (khen đột xuất)", "Date of the deed (ad hoc)"),
    ("adm.achievement", "Thành tích", "Achievement"),
    ("adm.register", "Sổ khen thưởng", "Award register"),
    ("adm.decided_on", "Ngày quyết định", "Decided on"),
    ("adm.programme", "Đề án", "Programme"),
    ("adm.today", "Hôm nay", "Today"),
    ("adm.current", "đang thực hiện", "current"),
    ("adm.elapsed", "Thời gian đã qua", "Time elapsed"),
    ("adm.review_docx", "Tạo báo cáo (DOCX)", "Generate the report (DOCX)"),
    ("adm.review_xlsx", "Tạo phụ lục (XLSX)", "Generate the annex (XLSX)"),
    ("adm.review_unit", "Báo cáo của đơn vị", "Review of the unit"),
    ("adm.review_pick", "Chọn", "Choose"),
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
    ("nav.sessions", "Phiên đăng nhập", "Sessions"),
    ("sessions.title", "Các phiên đăng nhập của tài khoản", "Where this account is signed in"),
    (
        "sessions.help",
        "Nếu thấy một phiên không phải của mình, hãy kết thúc phiên đó và đổi mật khẩu.",
        "If a session is not yours, end it and change your password.",
    ),
    ("sessions.started", "Bắt đầu", "Started"),
    ("sessions.last_used", "Dùng lần cuối", "Last used"),
    ("sessions.this_one", "Phiên này", "This session"),
    ("sessions.end", "Kết thúc", "End"),
    ("sessions.end_others", "Kết thúc mọi phiên khác", "End every other session"),
    ("sessions.ended", "Đã kết thúc {n} phiên.", "{n} session(s) ended."),
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
    (
        "totp.reused",
        "Mã này đã được dùng. Hãy chờ mã mới trong ứng dụng xác thực.",
        "This code was already used. Wait for the next code in your authenticator app.",
    ),
    (
        "totp.start_over",
        "Nhập sai mã xác thực quá nhiều lần, hãy đăng nhập lại từ đầu.",
        "Too many wrong codes: log in again from the start.",
    ),
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
    (
        "audit.checked_new",
        "Đã kiểm tra các mục ghi mới kể từ lần kiểm tra trước.",
        "The entries added since the last check were verified.",
    ),
    ("audit.checked_full", "Đã kiểm tra toàn bộ chuỗi nhật ký.", "The whole chain was verified."),
    ("audit.verify_all", "Kiểm tra toàn bộ chuỗi", "Verify the whole chain"),
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
    ("movement.yours", "Bạn phụ trách", "Yours"),
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
    ("movement.leaders", "Tài khoản người đứng đầu được giao", "Leader accounts linked"),
    (
        "movement.leaders_help",
        "Tài khoản người đứng đầu mô hình chỉ cập nhật được các mô hình được giao tại đây.",
        "An initiative leader's account updates only the initiatives linked to it here.",
    ),
    ("movement.link_leader", "Giao mô hình cho tài khoản", "Link an account"),
    ("movement.leader_account", "Tài khoản người đứng đầu mô hình", "Initiative leader's account"),
    ("movement.unlink", "Bỏ giao", "Unlink"),
    (
        "movement.no_leader_accounts",
        "Xã/phường chưa có tài khoản người đứng đầu mô hình nào để giao.",
        "The commune has no initiative leader account to link.",
    ),
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

/// Every table of strings, the general one first.
/// Every table of strings: the general one, then each capability's own.
const TABLES: &[&[(&str, &str, &str)]] = &[
    STRINGS,
    reports::STRINGS,
    scamcheck::STRINGS,
    accounts::STRINGS,
    contests::STRINGS,
    work::STRINGS,
    corrections::STRINGS,
    boundaries::STRINGS,
    outreach::STRINGS,
    evaluation::STRINGS,
    onboarding::STRINGS,
    records::STRINGS,
    people::STRINGS,
    outreach_corrections::STRINGS,
    levels::STRINGS,
    levels::HISTORY,
    home::STRINGS,
    figures::STRINGS,
];

fn all_strings() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// What a key with no text shows (so a test or a reviewer notices).
pub const MISSING: &str = "⟦missing text⟧";

#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn t(&self, key: &str) -> &'static str {
        self.get(key).unwrap_or(MISSING)
    }

    /// The text of `key`, or None when no table has it (for a caller with
    /// a fallback of its own).
    pub fn get(&self, key: &str) -> Option<&'static str> {
        // Built once: a page looks up dozens of keys among a thousand.
        static BY_KEY: std::sync::LazyLock<std::collections::HashMap<&str, (&str, &str)>> =
            std::sync::LazyLock::new(|| all_strings().map(|&(k, vi, en)| (k, (vi, en))).collect());
        BY_KEY.get(key).map(|(vi, en)| match self.lang {
            Lang::Vi => *vi,
            Lang::En => *en,
        })
    }
}

/// 1.234.567 — Vietnamese digit grouping ([`khienmang_core::display::number`]).
pub fn number_vi(n: i64) -> String {
    khienmang_core::display::number(n)
}

/// dd/mm/yyyy ([`khienmang_core::display::date`]).
pub fn date_vi(d: khienmang_core::Date) -> String {
    khienmang_core::display::date(d)
}

impl From<Lang> for khienmang_core::display::Language {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::Vi => khienmang_core::display::Language::Vietnamese,
            Lang::En => khienmang_core::display::Language::English,
        }
    }
}

impl Tr {
    /// A stored month key (`2026-01`) as the reader's language says it.
    pub fn month_key(&self, key: &str) -> String {
        khienmang_core::display::month_key(key, self.lang.into())
    }

    /// A stored instant or date as people read it, in Viet Nam time.
    pub fn when(&self, stored: &str) -> String {
        khienmang_core::display::stored(stored)
    }

    /// An identifier as a person reads it ([`khienmang_core::display::identifier`]).
    pub fn shown(&self, stored: &str) -> String {
        khienmang_core::display::identifier(stored)
    }

    /// A time taken: "54,9 giây" / "54.9 seconds".
    pub fn seconds(&self, ms: u64) -> String {
        khienmang_core::display::seconds(ms, self.lang.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_once() {
        let mut keys: Vec<&str> = all_strings().map(|(k, _, _)| *k).collect();
        keys.sort();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate i18n keys");
        assert!(all_strings().all(|(_, vi, en)| !vi.is_empty() && !en.is_empty()));
    }

    #[test]
    fn vietnamese_number_format() {
        assert_eq!(number_vi(37_782_328_000), "37.782.328.000");
        assert_eq!(number_vi(999), "999");
        assert_eq!(number_vi(-1000), "-1.000");
    }
}
