//! Strings for how figures read: a composite target as its parts, and what
//! a count of reports about an identifier counts.

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    ("fig.parts_met", "phần đạt", "parts met"),
    ("fig.all_parts", "Cả 3 phần", "All 3 parts"),
    ("fig.not_applicable", "Không áp dụng", "Not applicable"),
    ("chart.goal", "Chỉ tiêu", "Goal"),
    ("chart.result", "Kết quả", "Result"),
    ("chart.trajectory", "Lộ trình", "Trajectory"),
    ("chart.trend", "Xu hướng", "Trend"),
    ("chart.upcoming", "chưa đến kỳ", "not yet due"),
    ("chart.no_data_line1", "Chưa có", "No"),
    ("chart.no_data_line2", "số liệu", "data"),
    ("chart.units", "đơn vị", "units"),
    ("chart.map_of", "bản đồ xã, phường:", "map of communes:"),
    ("chart.no_coordinates", "không có tọa độ", "without coordinates"),
    (
        "fig.naming_counts",
        "Số phản ánh: mọi phản ánh của người dân có nêu số điện thoại, tài khoản hoặc trang này, ở mọi trạng thái, trên toàn hệ thống, từ trước đến nay.",
        "Reports: every citizens' report naming this number, account or site, of any status, across the whole system, since the start.",
    ),
    ("fig.in_scope", "thuộc đơn vị bạn xử lý", "handled within your scope"),
];
