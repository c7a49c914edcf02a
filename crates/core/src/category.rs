//! What a citizen's report or a scam indicator is about, with each kind's
//! deadline. Its own module so that reports and the scam check share it
//! without one depending on the other.

use chrono::Duration;

use crate::macros::string_enum;

string_enum!(
    /// What a report is about (SPEC M5). Each has its own deadline.
    Category {
        Fraud = "fraud" / "Lừa đảo chiếm đoạt tài sản",
        BlackMarketLending = "black_market_lending" / "Tín dụng đen",
        Gambling = "gambling" / "Cờ bạc, cá độ trực tuyến",
        Drugs = "drugs" / "Mua bán ma túy",
        ChildSafety = "child_safety" / "Xâm hại, dụ dỗ trẻ em",
        HarmfulFakeNews = "harmful_fake_news" / "Tin giả gây hại",
        CyberAttack = "cyber_attack" / "Tấn công mạng, lộ lọt dữ liệu",
        Other = "other" / "Vấn đề khác về an ninh, trật tự trên mạng",
    }
);

impl Category {
    /// Working time allowed before a report is overdue and escalated.
    pub fn deadline(self) -> Duration {
        match self {
            // A child in danger or an attack in progress cannot wait for the week.
            Category::ChildSafety | Category::CyberAttack => Duration::days(2),
            Category::Fraud | Category::Drugs => Duration::days(5),
            Category::BlackMarketLending | Category::Gambling | Category::HarmfulFakeNews => Duration::days(7),
            Category::Other => Duration::days(10),
        }
    }

    /// Attacks and data leaks need the provincial police's specialists, not
    /// the commune: they go straight to the province.
    pub fn handled_by_province(self) -> bool {
        matches!(self, Category::CyberAttack)
    }

    /// One line for the Open311 service list and the intake form.
    pub fn hint_vi(self) -> &'static str {
        match self {
            Category::Fraud => {
                "Giả danh công an, ngân hàng; việc nhẹ lương cao; đầu tư, mua bán trực tuyến để chiếm đoạt tiền."
            }
            Category::BlackMarketLending => "Cho vay lãi nặng qua ứng dụng, đòi nợ bằng đe dọa, bôi nhọ trên mạng.",
            Category::Gambling => "Trang, nhóm cá độ bóng đá, đánh bạc, game đổi thưởng.",
            Category::Drugs => "Rao bán, môi giới ma túy qua mạng xã hội.",
            Category::ChildSafety => "Dụ dỗ, tống tiền, phát tán hình ảnh trẻ em.",
            Category::HarmfulFakeNews => "Thông tin sai sự thật gây hoang mang, xúc phạm người khác.",
            Category::CyberAttack => "Tài khoản, hệ thống bị xâm nhập; dữ liệu cá nhân bị rao bán.",
            Category::Other => "Vấn đề khác liên quan an ninh, trật tự trên không gian mạng.",
        }
    }
}
