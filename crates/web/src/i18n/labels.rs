//! The names of enumerated values in English (statuses, categories, roles,
//! levels, classifications…), keyed by their Vietnamese label: core gives a
//! value's Vietnamese wording (`Label::vi`), which the programme's documents
//! use, and the page shows it in the reader's language (`Tr::label`).

use khienmang_core::display::Label;

use super::{Lang, Tr};

/// (Vietnamese label, English label).
pub(crate) const LABELS: &[(&str, &str)] = &[
    ("Khen thưởng thường xuyên (hằng năm)", "Regular award (yearly)"),
    ("Khen thưởng đột xuất", "Ad hoc award"),
    ("Dự thảo", "Draft"),
    ("Đã đề nghị", "Proposed"),
    ("Cấp trên đã thẩm định", "Endorsed by the level above"),
    ("Đã quyết định khen thưởng", "Award decided"),
    ("Không khen thưởng", "Not awarded"),
    ("Cấp tỉnh", "Province level"),
    ("Cấp huyện", "District level"),
    ("Cấp xã", "Commune level"),
    (
        "Xây dựng và duy trì hoạt động của các mô hình trong phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        "Building and running the movement's initiatives for national security in cyberspace",
    ),
    (
        "Thiết kế các sản phẩm tuyên truyền, xây dựng tin, bài, phóng sự, video clip phục vụ tuyên truyền trên không gian mạng",
        "Designing outreach products: news, articles, reports and video clips for outreach in cyberspace",
    ),
    (
        "Tổ chức hội nghị sơ kết, tổng kết, tuyên truyền, triển khai công tác xây dựng, khảo sát, đánh giá phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        "Review, summary, outreach and roll-out conferences; surveys and assessments of the movement",
    ),
    (
        "Kinh phí tổ chức các cuộc thi trực tuyến trong xây dựng phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        "Online contests of the movement",
    ),
    (
        "Mua sắm phương tiện, công cụ, ứng dụng xây dựng phong trào toàn dân bảo vệ ANTQ trên không gian mạng",
        "Equipment, tools and applications for the movement",
    ),
    ("Các khoản, mục, chế độ được chi khác theo quy định của pháp luật", "Other items and allowances permitted by law"),
    ("Dự toán", "Estimate"),
    ("Phân bổ", "Allocation"),
    ("Thực chi", "Spending"),
    ("Quyết toán", "Settlement"),
    ("Chưa đến hạn", "Not yet due"),
    ("Đã báo cáo đúng hạn", "Reported on time"),
    ("Đã báo cáo muộn", "Reported late"),
    ("Quá hạn", "Overdue"),
    ("Tháng", "Month"),
    ("Quý", "Quarter"),
    ("6 tháng", "Half year"),
    ("Năm", "Year"),
    ("Thôn, tổ dân phố", "Villages and residential groups"),
    ("Xã, phường", "Communes and wards"),
    ("Cơ quan", "Agencies"),
    ("Doanh nghiệp", "Enterprises"),
    ("Cơ sở giáo dục", "Educational institutions"),
    ("Xuất sắc", "Excellent"),
    ("Tốt", "Good"),
    ("Khá", "Fair"),
    ("Trung bình", "Average"),
    ("Yếu", "Weak"),
    ("Tự đánh giá", "Self-assessment"),
    ("Đã gửi cấp trên", "Submitted to the level above"),
    ("Cấp trên đã phê duyệt", "Approved by the level above"),
    ("Cấp trên trả lại", "Returned by the level above"),
    ("Giai đoạn I", "Phase I"),
    ("Giai đoạn II", "Phase II"),
    ("Sơ kết giai đoạn I", "Interim review of phase I"),
    ("Tổng kết Đề án", "Final review of the programme"),
    ("Quản trị hệ thống", "System administrator"),
    ("Thường trực (Công an tỉnh)", "Secretariat (provincial police)"),
    ("Cán bộ xã/phường", "Commune officer"),
    ("Cán bộ cơ quan, doanh nghiệp, trường học", "Officer of an agency, enterprise or school"),
    ("Người đứng đầu mô hình", "Initiative leader"),
    ("Cán bộ phân tích", "Analyst"),
    ("Lừa đảo chiếm đoạt tài sản", "Fraud and theft of property"),
    ("Tín dụng đen", "Black-market lending"),
    ("Cờ bạc, cá độ trực tuyến", "Online gambling and betting"),
    ("Mua bán ma túy", "Drug trafficking"),
    ("Xâm hại, dụ dỗ trẻ em", "Abuse and grooming of children"),
    ("Tin giả gây hại", "Harmful fake news"),
    ("Tấn công mạng, lộ lọt dữ liệu", "Cyber attacks and data leaks"),
    ("Vấn đề khác về an ninh, trật tự trên mạng", "Other online security and order issues"),
    ("Trường học", "Schools"),
    ("Facebook", "Facebook"),
    ("Zalo", "Zalo"),
    ("TikTok", "TikTok"),
    ("YouTube", "YouTube"),
    ("Telegram", "Telegram"),
    ("Viber", "Viber"),
    ("Trang web", "Website"),
    ("Mô hình", "Initiative"),
    ("Kênh", "Channel"),
    ("Số thành viên theo thôn", "Members by village"),
    ("Tổ, nhóm", "Sub-group"),
    ("Đơn vị tham gia", "Participating unit"),
    ("Báo cáo hoạt động của mô hình", "Initiative activity report"),
    ("Người", "Person"),
    ("Lớp tập huấn", "Training"),
    ("Người có uy tín", "Trusted voice"),
    ("Văn bản", "Document"),
    ("Hoạt động", "Activity"),
    ("Tin bài", "Post"),
    ("Khoản kinh phí", "Budget entry"),
    ("Kết quả đánh giá", "Evaluation"),
    ("Hồ sơ đề nghị khen thưởng", "Award nomination"),
    ("Bộ tiêu chí đánh giá", "Evaluation criteria set"),
    ("Cảnh báo", "Warning"),
    ("Cuộc thi", "Contest"),
    ("Câu hỏi thi", "Contest question"),
    ("Báo cáo nhiệm vụ", "Duty report"),
    ("Báo cáo định kỳ", "Periodic report"),
    ("Sửa", "Edit"),
    ("Hủy (nhập nhầm)", "Void (entered by mistake)"),
    ("Khôi phục", "Restore"),
    ("Kế hoạch", "Plan"),
    ("Nghị quyết chuyên đề", "Thematic resolution"),
    (
        "Mô hình nhóm thông tin, tuyên truyền gắn với cơ quan, tổ chức",
        "Information and outreach group linked to an agency or organisation",
    ),
    (
        "Mô hình nhóm thông tin, tuyên truyền gắn với xã, phường, thị trấn, thôn, tổ dân phố",
        "Information and outreach group linked to a commune, ward, town, village or residential group",
    ),
    ("Mô hình liên kết trong thông tin, tuyên truyền", "Joint information and outreach initiative"),
    (
        "Mô hình trang, kênh, nhóm của người có uy tín, ảnh hưởng trên địa bàn tỉnh hoặc là công dân của tỉnh",
        "Page, channel or group of a trusted voice in the province or a citizen of the province",
    ),
    (
        "Mô hình trang, kênh, nhóm của người có ảnh hưởng trên không gian mạng là công dân ngoài tỉnh",
        "Page, channel or group of an online influencer from outside the province",
    ),
    (
        "Mô hình do cơ quan, tổ chức, địa phương đứng đầu (không phải người có uy tín, ảnh hưởng)",
        "Initiative led by an agency, organisation or locality (not a trusted voice)",
    ),
    (
        "Mô hình tuyên truyền, nâng cao nhận thức về an ninh mạng, tiếp nhận phản ánh của người dân",
        "Outreach and cybersecurity awareness, receiving citizens' reports",
    ),
    (
        "Mô hình nghiên cứu, sáng tạo giải pháp khoa học, công nghệ",
        "Research and creation of science and technology solutions",
    ),
    ("Tuyên truyền phòng, chống lừa đảo trên không gian mạng", "Outreach against online fraud"),
    ("Tuyên truyền bảo vệ trẻ em trên không gian mạng", "Outreach for children's safety online"),
    (
        "Tuyên truyền phòng, chống hoạt động tín dụng “đen” trên không gian mạng",
        "Outreach against online black-market lending",
    ),
    (
        "Tuyên truyền phòng, chống tin giả, tin sai sự thật trên không gian mạng",
        "Outreach against fake and false news online",
    ),
    ("Tuyên truyền phòng, chống ma túy trên không gian mạng", "Outreach against drugs online"),
    ("Nội dung khác", "Other content"),
    ("Đề xuất xây dựng", "Proposed"),
    ("Đang hoạt động", "Active"),
    ("Điển hình tiên tiến", "Exemplary"),
    ("Nhân rộng", "Replicated"),
    ("Kết thúc", "Ended"),
    ("Thanh loại", "Dissolved"),
    ("Tỉnh/Thành phố", "Province/City"),
    ("Huyện/Quận", "District"),
    ("Xã/Phường", "Commune/Ward"),
    ("Thôn/Tổ dân phố", "Village/Residential group"),
    ("Siêu nhỏ", "Micro"),
    ("Nhỏ", "Small"),
    ("Vừa", "Medium"),
    ("Lớn", "Large"),
    ("Mầm non", "Preschool"),
    ("Tiểu học", "Primary"),
    ("Trung học cơ sở", "Lower secondary"),
    ("Trung học phổ thông", "Upper secondary"),
    ("Giáo dục thường xuyên", "Continuing education"),
    ("Giáo dục nghề nghiệp", "Vocational education"),
    ("Đại học, cao đẳng", "University, college"),
    ("Thành lập", "Created"),
    ("Đổi tên", "Renamed"),
    ("Chuyển đơn vị cấp trên", "Moved under another unit"),
    ("Sáp nhập", "Merged"),
    ("Chia tách", "Split"),
    ("Bỏ cấp hành chính", "Administrative level abolished"),
    ("Giải thể", "Abolished"),
    ("Cập nhật thông tin", "Details updated"),
    ("Tin, bài", "News, article"),
    ("Video clip, phóng sự", "Video clip, report"),
    ("Hình ảnh, infographic", "Image, infographic"),
    ("Chưa bắt đầu", "Not started"),
    ("Đang triển khai", "Running"),
    ("Đã kết thúc", "Ended"),
    ("Mỗi ngày", "Per day"),
    ("Mỗi tuần", "Per week"),
    ("Cả cuộc thi", "Whole contest"),
    ("Số điện thoại", "Phone number"),
    ("Tài khoản ngân hàng", "Bank account"),
    ("Trang web, tài khoản mạng xã hội", "Website or social media account"),
    ("Đã tiếp nhận", "Received"),
    ("Đã phân loại", "Triaged"),
    ("Đã giao xử lý", "Assigned"),
    ("Đang xử lý", "In progress"),
    ("Đã giải quyết", "Resolved"),
    ("Không thuộc thẩm quyền", "Not within our remit"),
    ("Trùng phản ánh khác", "Duplicate of another report"),
    ("Không tiếp nhận", "Not accepted"),
    ("Ứng dụng (API)", "App (API)"),
    ("Open311", "Open311"),
    ("Đường link, trang web", "Link, website"),
    ("Mã QR", "QR code"),
    ("Không xác định", "Unknown"),
    ("Tên miền", "Domain name"),
    ("Lừa đảo (đã xác minh)", "Scam (verified)"),
    ("Có dấu hiệu đáng ngờ", "Suspicious"),
    ("Chính thức", "Official"),
    ("Chưa có thông tin", "No information"),
    ("Đang có khiếu nại", "Under dispute"),
    ("Chờ xác minh", "Awaiting verification"),
    ("Đã xác minh lừa đảo", "Verified scam"),
    ("Không phải lừa đảo", "Not a scam"),
    ("Đã gỡ sau khiếu nại", "Removed after a dispute"),
    ("Cán bộ tham mưu xây dựng phong trào (Công an)", "Movement staff (police)"),
    (
        "Cán bộ xây dựng phong trào (cơ quan, doanh nghiệp, cơ sở giáo dục)",
        "Movement staff (agency, enterprise, school)",
    ),
    ("Cán bộ chủ chốt cấp xã", "Commune key official"),
    ("Cán bộ chủ chốt thôn, tổ dân phố", "Village key official"),
    ("Thành viên ban quản trị tổ, nhóm", "Group administrator"),
    ("Báo cáo viên pháp luật", "Legal reporter"),
    ("Tuyên truyền viên pháp luật", "Legal propagandist"),
    ("Đạt", "Met"),
    ("Đúng lộ trình", "On track"),
    ("Chậm", "Behind"),
    ("Chưa có số liệu", "No data"),
    // The targets (the programme's wording, shortened as the dashboard shows it).
    ("Cấp ủy có nghị quyết chuyên đề", "Party committees with a thematic resolution"),
    ("Đơn vị xây dựng kế hoạch hằng năm", "Units with a yearly plan"),
    ("Cán bộ được tập huấn", "Staff trained"),
    ("Người đứng đầu, ban quản trị mô hình được tập huấn", "Initiative leaders and administrators trained"),
    ("Báo cáo viên, tuyên truyền viên được cập nhật kiến thức", "Legal reporters and propagandists updated"),
    ("Thôn, tổ dân phố tổ chức tuyên truyền", "Villages holding awareness activities"),
    ("Trang thông tin chính thống đăng tin phòng ngừa", "Official pages posting prevention news"),
    ("Người có uy tín, ảnh hưởng được tranh thủ", "Trusted voices engaged"),
    ("Xây dựng, tham gia mô hình", "Initiatives built and joined"),
    ("Xã, thôn, cơ quan, cơ sở giáo dục có mô hình", "Communes, villages, agencies and schools with an initiative"),
    ("Doanh nghiệp có mô hình", "Enterprises with an initiative"),
    ("Hộ dân có người tham gia mô hình", "Households with a member in an initiative"),
];

impl Tr {
    /// A value's name in the reader's language.
    pub fn label<L: Label>(&self, value: &L) -> &'static str {
        static EN: std::sync::LazyLock<std::collections::HashMap<&str, &str>> =
            std::sync::LazyLock::new(|| LABELS.iter().copied().collect());
        let vi = value.vi();
        match self.lang {
            Lang::Vi => vi,
            Lang::En => EN.get(vi).copied().unwrap_or(vi),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use khienmang_core::{admin, auth, category, import, movement, org, outreach, reports, scamcheck, targets};

    use super::*;

    fn labels_of<L: Label>(into: &mut Vec<&'static str>) {
        into.extend(L::VALUES.iter().map(|v| v.vi()));
    }

    /// Every enumerated value people read, by kind.
    fn every_label() -> Vec<&'static str> {
        let mut all = Vec::new();
        let v = &mut all;
        labels_of::<admin::awards::AwardKind>(v);
        labels_of::<admin::awards::NominationStatus>(v);
        labels_of::<admin::budget::BudgetLevel>(v);
        labels_of::<admin::budget::SpendingLine>(v);
        labels_of::<admin::budget::Stage>(v);
        labels_of::<admin::duties::DutyState>(v);
        labels_of::<admin::duties::PeriodKind>(v);
        labels_of::<admin::evaluation::UnitKind>(v);
        labels_of::<admin::evaluation::Classification>(v);
        labels_of::<admin::evaluation::EvaluationStatus>(v);
        labels_of::<admin::phases::Phase>(v);
        labels_of::<admin::phases::ReviewKind>(v);
        labels_of::<auth::Role>(v);
        labels_of::<category::Category>(v);
        labels_of::<import::TemplateKind>(v);
        labels_of::<movement::channel::Platform>(v);
        labels_of::<movement::corrections::RecordKind>(v);
        labels_of::<movement::corrections::ChangeAction>(v);
        labels_of::<movement::document::DocumentKind>(v);
        labels_of::<movement::initiative::ParticipantKind>(v);
        labels_of::<movement::initiative::LeaderKind>(v);
        labels_of::<movement::initiative::ContentKind>(v);
        labels_of::<movement::initiative::Focus>(v);
        labels_of::<movement::initiative::Stage>(v);
        labels_of::<org::Level>(v);
        labels_of::<org::EnterpriseSize>(v);
        labels_of::<org::SchoolLevel>(v);
        labels_of::<org::EventKind>(v);
        labels_of::<outreach::campaign::ContentKind>(v);
        labels_of::<outreach::campaign::CampaignState>(v);
        labels_of::<outreach::contest::Period>(v);
        labels_of::<reports::IdentifierKind>(v);
        labels_of::<reports::Status>(v);
        labels_of::<reports::Channel>(v);
        labels_of::<scamcheck::SubjectKind>(v);
        labels_of::<scamcheck::OfficialKind>(v);
        labels_of::<scamcheck::Verdict>(v);
        labels_of::<scamcheck::IndicatorStatus>(v);
        labels_of::<targets::PersonRole>(v);
        labels_of::<targets::Status>(v);
        labels_of::<targets::TargetId>(v);
        all
    }

    #[test]
    fn every_label_has_its_english_name_and_every_entry_is_a_label() {
        let all: HashSet<&str> = every_label().into_iter().collect();
        let table: HashSet<&str> = LABELS.iter().map(|(vi, _)| *vi).collect();
        assert_eq!(table.len(), LABELS.len(), "a Vietnamese label twice in the table");
        let missing: Vec<&&str> = all.difference(&table).collect();
        assert!(missing.is_empty(), "values with no English name: {missing:?}");
        let unused: Vec<&&str> = table.difference(&all).collect();
        assert!(unused.is_empty(), "entries no value uses: {unused:?}");
        assert!(
            LABELS.iter().all(|(vi, en)| !en.is_empty() && en.is_ascii() || vi == en),
            "an English name is English"
        );
    }

    #[test]
    fn a_label_reads_in_the_readers_language() {
        let (vi, en) = (Tr { lang: Lang::Vi }, Tr { lang: Lang::En });
        assert_eq!(vi.label(&targets::Status::OnTrack), "Đúng lộ trình");
        assert_eq!(en.label(&targets::Status::OnTrack), "On track");
        assert_eq!(en.label(&reports::Status::NotOurs), "Not within our remit");
        assert_eq!(en.label(&category::Category::Fraud), "Fraud and theft of property");
    }
}
