//! The seed: the bodies of Part 3 and their duties, one per bullet, with when
//! each is due (see the module documentation of `duties`).

use serde::{Deserialize, Serialize};

use super::periods::{PeriodKind, ReportingPeriod};
use crate::Date;

/// One of the bodies of Part 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Body {
    /// The item number in Part 3 (1–19).
    pub number: u8,
    pub code: &'static str,
    pub name_vi: &'static str,
    /// "Đề nghị ...": a body outside the provincial government that the
    /// document asks rather than instructs.
    pub requested: bool,
}

const fn body(number: u8, code: &'static str, name_vi: &'static str, requested: bool) -> Body {
    Body { number, code, name_vi, requested }
}

/// The 19 bodies of Part 3, in the document's order.
pub const BODIES: [Body; 19] = [
    body(1, "cong-an-tinh", "Công an tỉnh", false),
    body(2, "van-phong-ubnd-tinh", "Văn phòng UBND tỉnh", false),
    body(3, "so-noi-vu", "Sở Nội vụ", false),
    body(4, "so-tai-chinh", "Sở Tài chính", false),
    body(5, "so-thong-tin-truyen-thong", "Sở Thông tin và Truyền thông", false),
    body(6, "so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", false),
    body(7, "so-tu-phap", "Sở Tư pháp", false),
    body(8, "so-van-hoa-the-thao-du-lich", "Sở Văn hóa, Thể thao và Du lịch", false),
    body(9, "ban-quan-ly-khu-cong-nghiep", "Ban Quản lý các Khu công nghiệp tỉnh", false),
    body(10, "bo-chi-huy-quan-su-tinh", "Bộ Chỉ huy Quân sự tỉnh", false),
    body(11, "ngan-hang-nha-nuoc", "Ngân hàng Nhà nước chi nhánh tỉnh Bắc Giang", false),
    body(12, "ban-dan-van-tinh-uy", "Ban Dân vận Tỉnh ủy", true),
    body(13, "ban-tuyen-giao-tinh-uy", "Ban Tuyên giáo Tỉnh ủy", true),
    body(14, "lien-doan-lao-dong-tinh", "Liên đoàn Lao động tỉnh", true),
    body(15, "mttq-to-chuc-ct-xh", "Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh", true),
    body(16, "bao-bac-giang", "Báo Bắc Giang", true),
    body(17, "dai-phat-thanh-truyen-hinh", "Đài Phát thanh và Truyền hình tỉnh", false),
    body(18, "ubnd-cap-huyen", "UBND huyện, thị xã, thành phố", false),
    body(
        19,
        "co-quan-trung-uong-ban-nganh",
        "Các cơ quan Trung ương, các cơ quan thuộc Tỉnh ủy và các ban, ngành, đoàn thể tỉnh",
        true,
    ),
];

pub fn body_by_code(code: &str) -> Option<&'static Body> {
    BODIES.iter().find(|b| b.code == code)
}

/// The default day (month, day) by which a yearly duty is reported.
pub const YEARLY_DUE: (u32, u32) = (12, 31);

/// When a duty is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum DueRule {
    /// Every year by this day.
    Yearly { month: u32, day: u32 },
    /// By the last day of every quarter.
    Quarterly,
    /// Once, by this date.
    Once { year: i32, month: u32, day: u32 },
}

const YEARLY: DueRule = DueRule::Yearly { month: YEARLY_DUE.0, day: YEARLY_DUE.1 };

impl DueRule {
    /// The due dates within `from..=to`, in order.
    pub fn due_dates(self, from: Date, to: Date) -> Vec<Date> {
        use chrono::Datelike;
        let mut out = Vec::new();
        match self {
            DueRule::Yearly { month, day } => {
                for year in from.year()..=to.year() {
                    // 29/2 in a common year falls back to 28/2.
                    let due = chrono::NaiveDate::from_ymd_opt(year, month, day)
                        .or_else(|| chrono::NaiveDate::from_ymd_opt(year, month, day.saturating_sub(1)));
                    out.extend(due);
                }
            }
            DueRule::Quarterly => {
                for year in from.year()..=to.year() {
                    for q in 1..=4 {
                        out.extend(ReportingPeriod::new(PeriodKind::Quarter, year, q).map(|p| p.end()));
                    }
                }
            }
            DueRule::Once { year, month, day } => out.extend(chrono::NaiveDate::from_ymd_opt(year, month, day)),
        }
        out.retain(|d| from <= *d && *d <= to);
        out
    }
}

/// A duty assigned to a body by Part 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Duty {
    /// "item.n": the body's item number and the duty's place under it.
    pub code: &'static str,
    /// The [`Body::code`] of the body it is assigned to.
    pub body: &'static str,
    pub title_vi: &'static str,
    pub due: DueRule,
}

const fn duty(code: &'static str, body: &'static str, title_vi: &'static str, due: DueRule) -> Duty {
    Duty { code, body, title_vi, due }
}

/// The duties of Part 3, in the document's order; see the module documentation.
pub const DUTIES: [Duty; 54] = [
    // 1. Công an tỉnh
    duty(
        "1.1",
        "cong-an-tinh",
        "Chủ trì tham mưu Tỉnh ủy, UBND tỉnh lãnh đạo, chỉ đạo, tổ chức triển khai Đề án",
        YEARLY,
    ),
    duty(
        "1.2",
        "cong-an-tinh",
        "Tham mưu Ban Chỉ đạo tỉnh ban hành văn bản chỉ đạo, hướng dẫn triển khai Đề án",
        YEARLY,
    ),
    duty("1.3", "cong-an-tinh", "Chủ trì thực hiện các mục tiêu, nhiệm vụ, giải pháp của Đề án", YEARLY),
    duty(
        "1.4",
        "cong-an-tinh",
        "Tham mưu bố trí trang bị, phương tiện, ứng dụng, giải pháp công nghệ phục vụ xây dựng phong trào",
        YEARLY,
    ),
    duty("1.5", "cong-an-tinh", "Tham mưu chỉ đạo xây dựng, nhân rộng mô hình, điển hình tiên tiến", YEARLY),
    duty("1.6", "cong-an-tinh", "Tham mưu chỉ đạo, điều phối hoạt động tuyên truyền", YEARLY),
    duty(
        "1.7",
        "cong-an-tinh",
        "Chủ trì lập dự toán kinh phí hằng năm; phân bổ, kiểm tra, giám sát sử dụng, thanh quyết toán kinh phí",
        YEARLY,
    ),
    duty(
        "1.8",
        "cong-an-tinh",
        "Tham mưu UBND tỉnh tổ chức sơ kết giai đoạn I",
        DueRule::Once { year: 2027, month: 10, day: 31 },
    ),
    duty("1.9", "cong-an-tinh", "Tham mưu UBND tỉnh tổng kết Đề án", DueRule::Once { year: 2031, month: 3, day: 31 }),
    duty("1.10", "cong-an-tinh", "Hướng dẫn, đôn đốc, kiểm tra; định kỳ tổng hợp, báo cáo kết quả", DueRule::Quarterly),
    // 2. Văn phòng UBND tỉnh
    duty(
        "2.1",
        "van-phong-ubnd-tinh",
        "Phối hợp tham mưu văn bản hướng dẫn, kiểm tra, đôn đốc, sơ kết, tổng kết thực hiện Đề án",
        YEARLY,
    ),
    duty("2.2", "van-phong-ubnd-tinh", "Tổ chức triển khai Đề án theo chức năng, nhiệm vụ", YEARLY),
    // 3. Sở Nội vụ
    duty("3.1", "so-noi-vu", "Phối hợp thẩm định, đề nghị Chủ tịch UBND tỉnh khen thưởng tập thể, cá nhân", YEARLY),
    duty(
        "3.2",
        "so-noi-vu",
        "Phối hợp đánh giá, xếp loại cơ quan, đơn vị, người đứng đầu, cán bộ, công chức, viên chức",
        YEARLY,
    ),
    duty("3.3", "so-noi-vu", "Tổ chức triển khai Đề án theo chức năng, nhiệm vụ", YEARLY),
    // 4. Sở Tài chính
    duty(
        "4.1",
        "so-tai-chinh",
        "Thẩm định, trình phê duyệt kinh phí ngân sách cấp tỉnh; hướng dẫn UBND cấp huyện bảo đảm kinh phí",
        YEARLY,
    ),
    duty(
        "4.2",
        "so-tai-chinh",
        "Chủ trì hướng dẫn, kiểm tra, giám sát quản lý, sử dụng, thanh quyết toán kinh phí",
        YEARLY,
    ),
    duty("4.3", "so-tai-chinh", "Tổ chức triển khai Đề án theo chức năng, nhiệm vụ", YEARLY),
    // 5. Sở Thông tin và Truyền thông
    duty(
        "5.1",
        "so-thong-tin-truyen-thong",
        "Triển khai xây dựng phong trào trong ngành thông tin, truyền thông",
        YEARLY,
    ),
    duty(
        "5.2",
        "so-thong-tin-truyen-thong",
        "Bảo đảm an toàn, an ninh hệ thống thông tin của tỉnh; nghiên cứu giải pháp phần mềm thực hiện phong trào",
        YEARLY,
    ),
    duty(
        "5.3",
        "so-thong-tin-truyen-thong",
        "Tăng cường quản lý nhà nước về viễn thông, công nghệ thông tin, Internet; xử lý SIM rác",
        YEARLY,
    ),
    duty(
        "5.4",
        "so-thong-tin-truyen-thong",
        "Phối hợp chỉ đạo Báo Bắc Giang, Đài Phát thanh và Truyền hình tỉnh tuyên truyền xây dựng phong trào",
        YEARLY,
    ),
    // 6. Sở Giáo dục và Đào tạo
    duty("6.1", "so-giao-duc-dao-tao", "Chỉ đạo, hướng dẫn xây dựng phong trào trong ngành giáo dục", YEARLY),
    duty(
        "6.2",
        "so-giao-duc-dao-tao",
        "Tuyên truyền, phổ biến, giáo dục pháp luật về an ninh mạng cho cán bộ, giáo viên, học sinh, sinh viên",
        YEARLY,
    ),
    duty(
        "6.3",
        "so-giao-duc-dao-tao",
        "Đưa nội dung bảo đảm an ninh mạng vào chương trình giáo dục quốc phòng an ninh",
        YEARLY,
    ),
    // 7. Sở Tư pháp
    duty("7.1", "so-tu-phap", "Chỉ đạo, hướng dẫn xây dựng phong trào trong ngành tư pháp", YEARLY),
    duty(
        "7.2",
        "so-tu-phap",
        "Thực hiện chức năng Cơ quan thường trực Hội đồng phối hợp phổ biến, giáo dục pháp luật của tỉnh",
        YEARLY,
    ),
    duty(
        "7.3",
        "so-tu-phap",
        "Ứng dụng không gian mạng vào tuyên truyền, phổ biến, giáo dục pháp luật, hòa giải ở cơ sở",
        YEARLY,
    ),
    // 8. Sở Văn hóa, Thể thao và Du lịch
    duty(
        "8.1",
        "so-van-hoa-the-thao-du-lich",
        "Chỉ đạo các đơn vị trực thuộc xây dựng kế hoạch thực hiện phong trào hằng năm",
        YEARLY,
    ),
    duty(
        "8.2",
        "so-van-hoa-the-thao-du-lich",
        "Ứng dụng không gian mạng tuyên truyền nét đẹp văn hóa, lịch sử, thể thao, du lịch",
        YEARLY,
    ),
    duty(
        "8.3",
        "so-van-hoa-the-thao-du-lich",
        "Chủ trì xây dựng nội dung tuyên truyền pháp luật về an ninh mạng gắn với văn hóa, nghệ thuật",
        YEARLY,
    ),
    duty("8.4", "so-van-hoa-the-thao-du-lich", "Tổ chức triển khai Đề án theo chức năng, nhiệm vụ", YEARLY),
    // 9. Ban Quản lý các Khu công nghiệp tỉnh
    duty(
        "9.1",
        "ban-quan-ly-khu-cong-nghiep",
        "Phối hợp triển khai phong trào tới các doanh nghiệp trong các Khu công nghiệp",
        YEARLY,
    ),
    duty("9.2", "ban-quan-ly-khu-cong-nghiep", "Phổ biến, quán triệt, triển khai Đề án đến các doanh nghiệp", YEARLY),
    duty(
        "9.3",
        "ban-quan-ly-khu-cong-nghiep",
        "Theo dõi, đôn đốc thực hiện Đề án tại doanh nghiệp; phổ biến pháp luật về an ninh mạng cho công nhân, lao động",
        YEARLY,
    ),
    // 10. Bộ Chỉ huy Quân sự tỉnh
    duty(
        "10.1",
        "bo-chi-huy-quan-su-tinh",
        "Tuyên truyền cho cán bộ, chiến sĩ và Nhân dân trên địa bàn đóng quân về xây dựng phong trào",
        YEARLY,
    ),
    duty(
        "10.2",
        "bo-chi-huy-quan-su-tinh",
        "Chỉ đạo lực lượng phối hợp với Công an, chính quyền, đoàn thể địa phương xây dựng phong trào",
        YEARLY,
    ),
    duty("10.3", "bo-chi-huy-quan-su-tinh", "Tổ chức triển khai Đề án theo chức năng, nhiệm vụ", YEARLY),
    // 11. Ngân hàng Nhà nước chi nhánh tỉnh
    duty(
        "11.1",
        "ngan-hang-nha-nuoc",
        "Bảo đảm an ninh mạng hệ thống ngân hàng; tuyên truyền bảo mật tài khoản, phòng, chống tội phạm lĩnh vực ngân hàng",
        YEARLY,
    ),
    duty(
        "11.2",
        "ngan-hang-nha-nuoc",
        "Chỉ đạo ngân hàng thương mại, tổ chức tín dụng thực hiện xây dựng phong trào",
        YEARLY,
    ),
    // 12. Ban Dân vận Tỉnh ủy
    duty(
        "12.1",
        "ban-dan-van-tinh-uy",
        "Tham mưu công tác dân vận gắn với phong trào; mô hình “Dân vận khéo”; phát huy Tổ Dân vận cộng đồng",
        YEARLY,
    ),
    // 13. Ban Tuyên giáo Tỉnh ủy
    duty(
        "13.1",
        "ban-tuyen-giao-tinh-uy",
        "Lãnh đạo công tác tuyên giáo gắn với phong trào; thực hiện Nghị quyết số 35-NQ/TW trên không gian mạng",
        YEARLY,
    ),
    // 14. Liên đoàn Lao động tỉnh
    duty(
        "14.1",
        "lien-doan-lao-dong-tinh",
        "Xây dựng mô hình trong tổ chức công đoàn; tuyên truyền cho người lao động; biểu dương điển hình tiên tiến",
        YEARLY,
    ),
    // 15. Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh
    duty(
        "15.1",
        "mttq-to-chuc-ct-xh",
        "Tuyên truyền, vận động đoàn viên, hội viên, Nhân dân; xây dựng mô hình; giám sát thực hiện pháp luật về an ninh mạng",
        YEARLY,
    ),
    duty(
        "15.2",
        "mttq-to-chuc-ct-xh",
        "Ủy ban MTTQ tỉnh chủ trì giám sát hoạt động phong trào trên không gian mạng",
        YEARLY,
    ),
    duty(
        "15.3",
        "mttq-to-chuc-ct-xh",
        "Lấy ý kiến Nhân dân đưa nội dung phong trào vào hương ước, quy ước cộng đồng dân cư",
        DueRule::Once { year: 2025, month: 12, day: 31 },
    ),
    duty(
        "15.4",
        "mttq-to-chuc-ct-xh",
        "Xây dựng các mô hình tuyên truyền tại điểm 5.2, mục III, Phần 2 theo chức năng, nhiệm vụ",
        YEARLY,
    ),
    // 16. Báo Bắc Giang
    duty(
        "16.1",
        "bao-bac-giang",
        "Tăng cường tin, bài tuyên truyền pháp luật, thủ đoạn của tội phạm, điển hình tiên tiến trong phong trào",
        YEARLY,
    ),
    duty("16.2", "bao-bac-giang", "Xây dựng mô hình, điển hình tiên tiến của cơ quan", YEARLY),
    // 17. Đài Phát thanh và Truyền hình tỉnh
    duty(
        "17.1",
        "dai-phat-thanh-truyen-hinh",
        "Tăng cường thời lượng phát sóng tin, bài, phóng sự tuyên truyền về phong trào",
        YEARLY,
    ),
    duty("17.2", "dai-phat-thanh-truyen-hinh", "Xây dựng mô hình, điển hình tiên tiến của cơ quan", YEARLY),
    // 18. UBND huyện, thị xã, thành phố
    duty(
        "18.1",
        "ubnd-cap-huyen",
        "Tham mưu chỉ đạo 100% cấp ủy, chính quyền, cơ quan, doanh nghiệp, cơ sở giáo dục ban hành nghị quyết, kế hoạch",
        YEARLY,
    ),
    duty(
        "18.2",
        "ubnd-cap-huyen",
        "Chỉ đạo triển khai Đề án; chỉ đạo lập dự toán kinh phí hằng năm; kiểm tra, đôn đốc; sơ kết, tổng kết",
        YEARLY,
    ),
    duty(
        "18.3",
        "ubnd-cap-huyen",
        "Giao Công an cấp huyện tham mưu triển khai; quản lý, sử dụng kinh phí đúng quy định",
        YEARLY,
    ),
];

pub fn duty_by_code(code: &str) -> Option<&'static Duty> {
    DUTIES.iter().find(|d| d.code == code)
}

pub fn duties_of(body_code: &str) -> impl Iterator<Item = &'static Duty> + '_ {
    DUTIES.iter().filter(move |d| d.body == body_code)
}
