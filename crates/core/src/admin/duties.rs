//! The duties of Part 3 ("Tổ chức thực hiện") as assigned tasks with
//! deadlines, the periods units report for, and completeness, timeliness and
//! overdue tracking.
//!
//! # The seed
//!
//! Part 3 names 19 bodies (items 1–19). [`DUTIES`] has one duty per bullet (or
//! per paragraph where an item has no bullets), with a short Vietnamese title
//! faithful to the text, except where one bullet carries different deadlines:
//! item 1's last bullet is split into the interim review, the final review and
//! the periodic report, and item 15's second bullet into supervision and the
//! village-covenant task "trong năm 2025". That gives 54 duties for bodies
//! 1–18. The document text stops at item 19's heading ("Đề nghị các cơ quan
//! Trung ương, các cơ quan thuộc Tỉnh ủy và các ban, ngành, đoàn thể tỉnh"),
//! so body 19 is seeded without duties.
//!
//! Deadlines: the document dates only the interim review (10/2027), the final
//! review (early 2031, read as 31/3/2031) and the covenant task (2025). Its
//! other duties are yearly or standing ("hằng năm", "thường xuyên"); they are
//! due each year by [`YEARLY_DUE`] (31/12) unless the steering committee sets
//! another date. "Định kỳ tổng hợp, báo cáo" (item 1) is read as quarterly.
//!
//! Item 18 (district People's Committees) ended with the district level on
//! 1/7/2025; which unit carries a duty on a date is the organisation tree's
//! business: the rates below take unit lifetimes and successors as data.
//!
//! # Completeness and timeliness
//!
//! For a [`ReportingPeriod`], a unit is *expected* iff it is active on the
//! period's last day. A report counts for the unit standing for its sender on
//! that day: the sender itself if active, otherwise its successor (followed
//! along the chain, e.g. village → merged village → …). A report that leads to
//! no expected unit (no successor, or a unit created after the period) is
//! counted as unattributed, not received. Each expected unit counts at most
//! once, with its earliest report, so received ≤ expected and on time ≤
//! received: the rates are in [0, 1] by construction, not by clamping.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::ymd;
use crate::Date;
use crate::macros::string_enum;
use crate::org::UnitId;

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

string_enum!(
    /// The length of a reporting period.
    PeriodKind {
        Month = "month" / "Tháng",
        Quarter = "quarter" / "Quý",
        HalfYear = "half_year" / "6 tháng",
        Year = "year" / "Năm",
    }
);

impl PeriodKind {
    fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::HalfYear => 6,
            PeriodKind::Year => 12,
        }
    }
}

/// A month, quarter, half-year or year: `index` counts from 1 within the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportingPeriod {
    pub kind: PeriodKind,
    pub year: i32,
    pub index: u32,
}

impl ReportingPeriod {
    /// `None` for an index outside the year (month 13, quarter 0, …).
    pub fn new(kind: PeriodKind, year: i32, index: u32) -> Option<Self> {
        (index >= 1 && index <= 12 / kind.months()).then_some(ReportingPeriod { kind, year, index })
    }

    /// The period of `kind` that contains `date`.
    pub fn containing(kind: PeriodKind, date: Date) -> Self {
        use chrono::Datelike;
        ReportingPeriod { kind, year: date.year(), index: (date.month() - 1) / kind.months() + 1 }
    }

    pub fn start(self) -> Date {
        ymd(self.year, (self.index - 1) * self.kind.months() + 1, 1)
    }

    /// The last day (inclusive).
    pub fn end(self) -> Date {
        let last_month = self.index * self.kind.months();
        let next = if last_month == 12 { ymd(self.year + 1, 1, 1) } else { ymd(self.year, last_month + 1, 1) };
        next.pred_opt().unwrap_or(next)
    }

    /// The last day a report counts as on time.
    pub fn deadline(self, grace_days: u32) -> Date {
        self.end() + chrono::Days::new(u64::from(grace_days))
    }

    /// "Quý 3/2025", "Tháng 7/2025", "6 tháng đầu năm 2025", "Năm 2025".
    pub fn label_vi(self) -> String {
        match self.kind {
            PeriodKind::Month => format!("Tháng {}/{}", self.index, self.year),
            PeriodKind::Quarter => format!("Quý {}/{}", self.index, self.year),
            PeriodKind::HalfYear if self.index == 1 => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::HalfYear => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::Year => format!("Năm {}", self.year),
        }
    }
}

/// A unit that reports, with its lifetime: active from `from` until the day
/// before `until`, then carried on by `successor` (merge, re-organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingUnit {
    pub id: UnitId,
    pub from: Date,
    /// Exclusive; `None` while the unit exists.
    pub until: Option<Date>,
    pub successor: Option<UnitId>,
}

impl ReportingUnit {
    pub fn is_active_on(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date < u)
    }
}

/// A periodic report as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReport {
    pub unit: UnitId,
    pub period: ReportingPeriod,
    pub received_on: Date,
}

/// Completeness and timeliness of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    pub period: ReportingPeriod,
    /// Units active on the period's last day.
    pub expected: usize,
    /// Expected units with at least one report (their own or a predecessor's).
    pub received: usize,
    /// Of those, the ones whose earliest report came by the deadline.
    pub on_time: usize,
    /// Reports for the period that lead to no expected unit.
    pub unattributed: usize,
    /// received / expected; `None` when nothing is expected.
    pub completeness: Option<f64>,
    /// on_time / expected; `None` when nothing is expected.
    pub timeliness: Option<f64>,
    /// The expected units with no report, in id order.
    pub missing: Vec<UnitId>,
}

/// The unit that stands for `unit` on `date`: itself if active, otherwise the
/// first active unit along its successor chain.
pub fn standing_for(units: &HashMap<UnitId, ReportingUnit>, unit: UnitId, date: Date) -> Option<UnitId> {
    let mut current = unit;
    // A chain longer than the number of units is a cycle in the data.
    for _ in 0..=units.len() {
        let u = units.get(&current)?;
        if u.is_active_on(date) {
            return Some(current);
        }
        // A unit that had not started yet has no successor on that date.
        if u.from > date {
            return None;
        }
        current = u.successor?;
    }
    None
}

/// Completeness and timeliness of `period`; see the module documentation.
pub fn completeness(
    units: &[ReportingUnit],
    reports: &[PeriodReport],
    period: ReportingPeriod,
    grace_days: u32,
) -> Completeness {
    let end = period.end();
    let by_id: HashMap<UnitId, ReportingUnit> = units.iter().map(|u| (u.id, *u)).collect();
    // BTreeMap: expected units in id order, each with its earliest report.
    let mut expected: BTreeMap<UnitId, Option<Date>> =
        by_id.values().filter(|u| u.is_active_on(end)).map(|u| (u.id, None)).collect();
    let mut unattributed = 0;
    for r in reports.iter().filter(|r| r.period == period) {
        match standing_for(&by_id, r.unit, end).and_then(|id| expected.get_mut(&id)) {
            Some(slot) => *slot = Some(slot.map_or(r.received_on, |d| d.min(r.received_on))),
            None => unattributed += 1,
        }
    }
    let deadline = period.deadline(grace_days);
    let received = expected.values().filter(|d| d.is_some()).count();
    let on_time = expected.values().filter(|d| d.is_some_and(|d| d <= deadline)).count();
    let missing = expected.iter().filter(|(_, d)| d.is_none()).map(|(id, _)| *id).collect();
    let n = expected.len();
    let share = |k: usize| (n > 0).then(|| k as f64 / n as f64);
    Completeness {
        period,
        expected: n,
        received,
        on_time,
        unattributed,
        completeness: share(received),
        timeliness: share(on_time),
        missing,
    }
}

string_enum!(
    /// Where one due date of a duty stands.
    DutyState {
        Upcoming = "upcoming" / "Chưa đến hạn",
        Done = "done" / "Đã báo cáo đúng hạn",
        DoneLate = "done_late" / "Đã báo cáo muộn",
        Overdue = "overdue" / "Quá hạn",
    }
);

/// A report on one due date of a duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyReport {
    pub duty: String,
    /// The due date it answers.
    pub due: Date,
    pub received_on: Date,
}

/// A due date counts as met when reported by `due + grace_days`; after that
/// it is overdue until reported (then late).
pub fn duty_state(due: Date, grace_days: u32, reported_on: Option<Date>, today: Date) -> DutyState {
    let deadline = due + chrono::Days::new(u64::from(grace_days));
    match reported_on {
        Some(d) if d <= deadline => DutyState::Done,
        Some(_) => DutyState::DoneLate,
        None if today > deadline => DutyState::Overdue,
        None => DutyState::Upcoming,
    }
}

/// One overdue due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    pub duty: &'static str,
    pub body: &'static str,
    pub due: Date,
    /// Days past the deadline (due + grace) as of today.
    pub days_late: i64,
}

/// The due dates of `duties` from `from` to `today` not reported by their
/// deadline, oldest first.
pub fn overdue(duties: &[Duty], reports: &[DutyReport], from: Date, today: Date, grace_days: u32) -> Vec<Overdue> {
    let mut out = Vec::new();
    for d in duties {
        for due in d.due.due_dates(from, today) {
            let reported = reports.iter().filter(|r| r.duty == d.code && r.due == due).map(|r| r.received_on).min();
            if duty_state(due, grace_days, reported, today) == DutyState::Overdue {
                let deadline = due + chrono::Days::new(u64::from(grace_days));
                out.push(Overdue { duty: d.code, body: d.body, due, days_late: (today - deadline).num_days() });
            }
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.duty.cmp(b.duty)));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn seed_follows_part_3() {
        assert_eq!(BODIES.len(), 19);
        for (i, b) in BODIES.iter().enumerate() {
            assert_eq!(usize::from(b.number), i + 1);
        }
        let codes: HashSet<_> = BODIES.iter().map(|b| b.code).collect();
        assert_eq!(codes.len(), 19);
        let duty_codes: HashSet<_> = DUTIES.iter().map(|d| d.code).collect();
        assert_eq!(duty_codes.len(), DUTIES.len());
        for d in &DUTIES {
            let b = body_by_code(d.body).unwrap();
            assert!(d.code.starts_with(&format!("{}.", b.number)), "{} under {}", d.code, b.code);
            assert!(!d.title_vi.is_empty());
        }
        // Bodies 1–18 all have duties; item 19 has no text in the document.
        for b in &BODIES[..18] {
            assert!(duties_of(b.code).next().is_some(), "{}", b.code);
        }
        assert_eq!(duties_of(BODIES[18].code).count(), 0);
        let per_body: Vec<usize> = BODIES.iter().map(|b| duties_of(b.code).count()).collect();
        assert_eq!(per_body, [10, 2, 3, 3, 4, 3, 3, 4, 3, 3, 2, 1, 1, 1, 4, 2, 2, 3, 0]);
    }

    #[test]
    fn dated_duties_match_the_document() {
        let d = duty_by_code("1.8").unwrap().due.due_dates(ymd(2024, 9, 1), ymd(2031, 12, 31));
        assert_eq!(d, [ymd(2027, 10, 31)]);
        let d = duty_by_code("15.3").unwrap().due.due_dates(ymd(2024, 9, 1), ymd(2031, 12, 31));
        assert_eq!(d, [ymd(2025, 12, 31)]);
        let q = DueRule::Quarterly.due_dates(ymd(2025, 1, 1), ymd(2025, 12, 31));
        assert_eq!(q, [ymd(2025, 3, 31), ymd(2025, 6, 30), ymd(2025, 9, 30), ymd(2025, 12, 31)]);
        let leap = DueRule::Yearly { month: 2, day: 29 }.due_dates(ymd(2027, 1, 1), ymd(2028, 12, 31));
        assert_eq!(leap, [ymd(2027, 2, 28), ymd(2028, 2, 29)]);
    }

    #[test]
    fn periods() {
        let q = ReportingPeriod::new(PeriodKind::Quarter, 2025, 3).unwrap();
        assert_eq!((q.start(), q.end()), (ymd(2025, 7, 1), ymd(2025, 9, 30)));
        assert_eq!(q.label_vi(), "Quý 3/2025");
        assert_eq!(ReportingPeriod::containing(PeriodKind::Quarter, ymd(2025, 8, 15)), q);
        let m = ReportingPeriod::new(PeriodKind::Month, 2028, 2).unwrap();
        assert_eq!(m.end(), ymd(2028, 2, 29));
        let h = ReportingPeriod::new(PeriodKind::HalfYear, 2025, 2).unwrap();
        assert_eq!((h.start(), h.end()), (ymd(2025, 7, 1), ymd(2025, 12, 31)));
        assert_eq!(ReportingPeriod::new(PeriodKind::Year, 2025, 1).unwrap().end(), ymd(2025, 12, 31));
        assert_eq!(ReportingPeriod::new(PeriodKind::Quarter, 2025, 5), None);
        assert_eq!(ReportingPeriod::new(PeriodKind::Month, 2025, 0), None);
        assert_eq!(q.deadline(10), ymd(2025, 10, 10));
    }

    fn unit(id: i64, from: Date, until: Option<Date>, successor: Option<i64>) -> ReportingUnit {
        ReportingUnit { id: UnitId(id), from, until, successor: successor.map(UnitId) }
    }

    #[test]
    fn merged_units_count_once() {
        let q = ReportingPeriod::new(PeriodKind::Quarter, 2025, 3).unwrap();
        let start = ymd(2020, 1, 1);
        let merge = ymd(2025, 7, 1);
        let units = [
            // Communes 1 and 2 merged into 3 on 1/7/2025; 4 goes on; 5 opens after the quarter.
            unit(1, start, Some(merge), Some(3)),
            unit(2, start, Some(merge), Some(3)),
            unit(3, merge, None, None),
            unit(4, start, None, None),
            unit(5, ymd(2025, 10, 1), None, None),
            // 6 closed without a successor.
            unit(6, start, Some(ymd(2025, 8, 1)), None),
        ];
        let r = |u: i64, d: Date| PeriodReport { unit: UnitId(u), period: q, received_on: d };
        let reports = [
            r(1, ymd(2025, 10, 3)),
            r(2, ymd(2025, 10, 20)),
            r(3, ymd(2025, 10, 25)),
            r(6, ymd(2025, 10, 1)),
            r(5, ymd(2025, 10, 2)),
        ];
        let c = completeness(&units, &reports, q, 10);
        assert_eq!(c.expected, 2, "units 3 and 4");
        assert_eq!(c.received, 1, "3, through 1, 2 and itself, counts once");
        assert_eq!(c.on_time, 1, "the earliest report (from 1) was on time");
        assert_eq!(c.unattributed, 2, "6 closed without successor, 5 did not exist");
        assert_eq!(c.missing, [UnitId(4)]);
        assert_eq!(c.completeness, Some(0.5));
        let none = completeness(&[], &reports, q, 10);
        assert_eq!((none.completeness, none.timeliness), (None, None));
    }

    #[test]
    fn overdue_duties() {
        let today = ymd(2026, 1, 20);
        let reports = [DutyReport { duty: "1.10".into(), due: ymd(2025, 9, 30), received_on: ymd(2025, 10, 5) }];
        let duties = [*duty_by_code("1.10").unwrap(), *duty_by_code("15.3").unwrap()];
        let o = overdue(&duties, &reports, ymd(2025, 7, 1), today, 15);
        let got: Vec<(&str, Date, i64)> = o.iter().map(|x| (x.duty, x.due, x.days_late)).collect();
        // Q4 2025 and 15.3 are due 31/12/2025, deadline 15/1/2026, 5 days ago.
        assert_eq!(got, [("1.10", ymd(2025, 12, 31), 5), ("15.3", ymd(2025, 12, 31), 5)]);
        assert_eq!(duty_state(ymd(2025, 12, 31), 15, Some(ymd(2026, 1, 16)), today), DutyState::DoneLate);
        assert_eq!(duty_state(ymd(2025, 12, 31), 15, None, ymd(2026, 1, 15)), DutyState::Upcoming);
    }

    fn units_and_reports() -> impl Strategy<Value = (Vec<ReportingUnit>, Vec<PeriodReport>, u32)> {
        let unit_s = (0u32..800, proptest::option::of(1u32..800), proptest::option::of(0i64..14));
        let report = (0i64..16, 0u32..4, 0u32..400);
        (proptest::collection::vec(unit_s, 0..14), proptest::collection::vec(report, 0..40), 0u32..4).prop_map(
            |(us, rs, q)| {
                let base = ymd(2024, 1, 1);
                let day = |n: u32| base + chrono::Days::new(u64::from(n));
                let units = us
                    .iter()
                    .enumerate()
                    .map(|(i, (f, len, s))| unit(i as i64, day(*f), len.map(|l| day(f + l)), *s))
                    .collect();
                let reports = rs
                    .iter()
                    .map(|(u, qq, d)| PeriodReport {
                        unit: UnitId(*u),
                        period: ReportingPeriod::new(PeriodKind::Quarter, 2025, qq + 1).unwrap(),
                        received_on: day(300 + d),
                    })
                    .collect();
                (units, reports, q + 1)
            },
        )
    }

    proptest! {
        #[test]
        fn rates_stay_in_0_1((units, reports, q) in units_and_reports(), grace in 0u32..60) {
            let period = ReportingPeriod::new(PeriodKind::Quarter, 2025, q).unwrap();
            let c = completeness(&units, &reports, period, grace);
            prop_assert!(c.on_time <= c.received && c.received <= c.expected);
            for r in [c.completeness, c.timeliness].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&r));
            }
            prop_assert_eq!(c.completeness.is_none(), c.expected == 0);
            prop_assert_eq!(c.missing.len(), c.expected - c.received);
            let in_period = reports.iter().filter(|r| r.period == period).count();
            prop_assert!(c.unattributed <= in_period);
        }
    }
}
