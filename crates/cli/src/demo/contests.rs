//! Demo contest: one open online contest of the province on the law about
//! cyberspace and scams, with a question bank, the communes as units (their
//! residents as the people who may take part), two organiser staff numbers
//! and sample entries, so the leaderboards are not empty.

use khienmang_core::time::Timestamp;
use std::collections::{BTreeMap, HashSet};

use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::outreach::contest::{AttemptPolicy, ContestRules, Period, PersonKey, Question, QuestionId};
use khienmang_core::outreach::contest_input::AnswerSheet;
use khienmang_store::Store;
use khienmang_store::outreach::contests::{
    AnswerSubmission, ContestUnit, EntrantKeys, LiveBoards, NewContest, Submissions, VerifiedEntrant,
};
use khienmang_store::reports::FieldKey;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CONTESTS_KEY: &str = "demo.contests";

/// Numbers of the organisers' staff in the demo: they are refused.
pub const STAFF_PHONES: [&str; 2] = ["0912 000 111", "0987 000 222"];

/// (category, question, choices, index of the right one)
const BANK: &[(&str, &str, &[&str], usize)] = &[
    (
        "Luật An ninh mạng",
        "Luật An ninh mạng số 24/2018/QH14 có hiệu lực thi hành từ ngày nào?",
        &["01/01/2019", "01/07/2018", "01/01/2020", "12/06/2018"],
        0,
    ),
    (
        "Luật An ninh mạng",
        "Cơ quan nào chịu trách nhiệm trước Chính phủ thực hiện quản lý nhà nước về an ninh mạng?",
        &["Bộ Công an", "Bộ Thông tin và Truyền thông", "Bộ Quốc phòng", "Bộ Tư pháp"],
        0,
    ),
    (
        "Luật An ninh mạng",
        "Hành vi nào bị nghiêm cấm trên không gian mạng?",
        &[
            "Đăng tải thông tin sai sự thật gây hoang mang trong Nhân dân",
            "Chia sẻ kiến thức phòng, chống lừa đảo",
            "Học tập trực tuyến",
            "Mua bán hàng hóa hợp pháp",
        ],
        0,
    ),
    (
        "Luật An ninh mạng",
        "Khi phát hiện thông tin vi phạm pháp luật trên mạng, người dân nên làm gì?",
        &["Phản ánh tới cơ quan chức năng", "Chia sẻ rộng rãi để cảnh báo", "Bình luận tranh cãi", "Không làm gì"],
        0,
    ),
    (
        "Luật An ninh mạng",
        "Doanh nghiệp cung cấp dịch vụ trên mạng phải làm gì khi có yêu cầu của lực lượng bảo vệ an ninh mạng?",
        &[
            "Ngăn chặn, gỡ bỏ thông tin vi phạm",
            "Chỉ cảnh báo người dùng",
            "Chờ ý kiến người dùng",
            "Không có nghĩa vụ gì",
        ],
        0,
    ),
    (
        "Phòng, chống lừa đảo",
        "Có người gọi điện xưng là công an, yêu cầu chuyển tiền vào tài khoản để «xác minh». Bạn nên làm gì?",
        &[
            "Không chuyển tiền, báo cho công an nơi gần nhất",
            "Chuyển tiền ngay để tránh rắc rối",
            "Cung cấp số tài khoản của mình",
            "Làm theo hướng dẫn qua điện thoại",
        ],
        0,
    ),
    (
        "Phòng, chống lừa đảo",
        "Mã OTP ngân hàng gửi về điện thoại được phép cung cấp cho ai?",
        &[
            "Không cung cấp cho bất kỳ ai",
            "Nhân viên ngân hàng gọi điện đến",
            "Người thân nhờ qua mạng xã hội",
            "Người bán hàng online",
        ],
        0,
    ),
    (
        "Phòng, chống lừa đảo",
        "Tin nhắn báo trúng thưởng, yêu cầu nộp phí để nhận quà thường là gì?",
        &["Thủ đoạn lừa đảo", "Chương trình khuyến mại hợp pháp", "Thông báo của nhà mạng", "Quà tặng của ngân hàng"],
        0,
    ),
    (
        "Phòng, chống lừa đảo",
        "Trước khi chuyển tiền cho một số tài khoản lạ, bạn có thể kiểm tra ở đâu?",
        &[
            "Trang tra cứu dấu hiệu lừa đảo của cơ quan chức năng",
            "Hỏi người nhận tiền",
            "Không cần kiểm tra",
            "Trên nhóm Zalo của người bán",
        ],
        0,
    ),
    (
        "Phòng, chống lừa đảo",
        "Lời mời «việc nhẹ lương cao», làm nhiệm vụ nạp tiền để nhận hoa hồng là dấu hiệu của gì?",
        &[
            "Lừa đảo chiếm đoạt tài sản",
            "Cơ hội kinh doanh an toàn",
            "Tuyển dụng của doanh nghiệp lớn",
            "Chương trình của nhà nước",
        ],
        0,
    ),
    (
        "Phòng, chống lừa đảo",
        "Đường link giả mạo trang ngân hàng thường có đặc điểm gì?",
        &[
            "Tên miền gần giống nhưng sai chính tả hoặc thêm ký tự",
            "Luôn kết thúc bằng .gov.vn",
            "Có biểu tượng ổ khóa nên an toàn",
            "Được gửi từ tổng đài chính thức",
        ],
        0,
    ),
    (
        "Bảo vệ dữ liệu cá nhân",
        "Nghị định quy định về bảo vệ dữ liệu cá nhân được Chính phủ ban hành năm 2023 là nghị định số mấy?",
        &["13/2023/NĐ-CP", "15/2020/NĐ-CP", "53/2022/NĐ-CP", "72/2013/NĐ-CP"],
        0,
    ),
    (
        "Bảo vệ dữ liệu cá nhân",
        "Ảnh chụp căn cước công dân hai mặt có nên gửi qua mạng xã hội cho người lạ không?",
        &["Không nên", "Nên, nếu họ yêu cầu", "Được, nếu là người bán hàng", "Được, nếu hứa xóa sau"],
        0,
    ),
    (
        "Bảo vệ dữ liệu cá nhân",
        "Mật khẩu an toàn nên như thế nào?",
        &[
            "Dài, có chữ hoa, chữ thường, số và ký tự đặc biệt",
            "Là ngày sinh của mình",
            "Giống nhau cho mọi tài khoản",
            "Là số điện thoại",
        ],
        0,
    ),
    (
        "Bảo vệ dữ liệu cá nhân",
        "Xác thực hai lớp (2FA) giúp gì cho tài khoản của bạn?",
        &[
            "Khó bị chiếm đoạt kể cả khi lộ mật khẩu",
            "Tăng tốc độ đăng nhập",
            "Không cần mật khẩu nữa",
            "Không có tác dụng",
        ],
        0,
    ),
    (
        "Bảo vệ trẻ em trên mạng",
        "Khi trẻ bị người lạ trên mạng đe dọa, xin ảnh riêng tư, cha mẹ nên làm gì trước tiên?",
        &[
            "Giữ lại bằng chứng và báo cơ quan công an",
            "Xóa hết tin nhắn",
            "Trả tiền để người lạ im lặng",
            "Cấm trẻ dùng điện thoại rồi bỏ qua",
        ],
        0,
    ),
    (
        "Bảo vệ trẻ em trên mạng",
        "Trò chơi trực tuyến yêu cầu trẻ nạp thẻ cào cho «người lạ» để nhận quà là dấu hiệu gì?",
        &["Lừa đảo trẻ em", "Khuyến mại của nhà phát hành", "Hoạt động học tập", "Không có gì đáng lo"],
        0,
    ),
    (
        "Bảo vệ trẻ em trên mạng",
        "Số điện thoại Tổng đài quốc gia bảo vệ trẻ em là số nào?",
        &["111", "113", "114", "115"],
        0,
    ),
];

/// Names for the sample entrants.
const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Ngô", "Dương", "Đặng"];
const GIVEN: &[&str] = &[
    "Văn An",
    "Thị Bình",
    "Minh Châu",
    "Quang Dũng",
    "Thu Hà",
    "Đức Huy",
    "Ngọc Lan",
    "Hữu Nam",
    "Thanh Tâm",
    "Bảo Yến",
];

/// The communes of the province today, each with its residents (the sum
/// of its villages' populations) as the people who may take part.
async fn communes(store: &Store, province: UnitId) -> Result<Vec<ContestUnit>> {
    let history = store.org_history().await?;
    let today = khienmang_core::outreach::vn_date(Utc::now());
    let within = history.within(province);
    let current: Vec<_> =
        history.versions().iter().filter(|v| v.is_valid_on(today) && within.contains(&v.unit_id)).collect();
    let by_id: BTreeMap<UnitId, &khienmang_core::org::UnitVersion> = current.iter().map(|v| (v.unit_id, *v)).collect();
    let mut residents: BTreeMap<UnitId, u64> = BTreeMap::new();
    for v in current.iter().filter(|v| v.level == Level::Village) {
        let (Some(parent), Some(p)) = (v.parent_id, v.attrs.population) else { continue };
        if by_id.get(&parent).is_some_and(|c| c.level == Level::Commune) {
            *residents.entry(parent).or_default() += u64::try_from(p).unwrap_or(0);
        }
    }
    Ok(current
        .iter()
        .filter(|v| v.level == Level::Commune)
        .map(|v| ContestUnit {
            unit: v.unit_id,
            eligible: residents.get(&v.unit_id).copied().or(v.attrs.population.and_then(|p| u64::try_from(p).ok())),
        })
        .collect())
}

/// Seeds once; returns the sample entries written (0 when already seeded).
pub async fn seed(store: &Store, key: &FieldKey) -> Result<usize> {
    if store.setting(CONTESTS_KEY).await?.is_some() {
        return Ok(0);
    }
    let now = Utc::now();
    let province = store
        .units_by_code("24", khienmang_core::outreach::vn_date(now))
        .await?
        .into_iter()
        .find(|v| v.level == Level::Province)
        .context("thiếu tỉnh Bắc Ninh mới")?
        .unit_id;
    let keys = EntrantKeys::new(key.clone());
    let units = communes(store, province).await?;
    let questions: Vec<Question> = BANK
        .iter()
        .enumerate()
        .map(|(i, (category, text, choices, correct))| Question {
            id: QuestionId(i as i64 + 1),
            category: (*category).into(),
            text: (*text).into(),
            choices: choices.iter().map(|c| (*c).to_owned()).collect(),
            correct: *correct,
        })
        .collect();
    let staff: Vec<PersonKey> = STAFF_PHONES.iter().map(|p| PersonKey::parse(p)).collect::<Result<_, _>>()?;

    let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
    let contest = tx
        .create_contest(&NewContest {
            rules: ContestRules {
                title: "Tìm hiểu pháp luật về an ninh mạng và phòng, chống lừa đảo trực tuyến năm 2026".into(),
                opens_at: now - Duration::days(7),
                closes_at: now + Duration::days(60),
                question_count: 5,
                quotas: vec![],
                time_limit_secs: 60,
                attempts: AttemptPolicy { max_attempts: 3, period: Period::Day },
            },
            organiser: province,
            description: "Cuộc thi do Ban Chỉ đạo phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng \
                          tỉnh Bắc Ninh tổ chức. Mỗi lượt thi gồm 5 câu hỏi trắc nghiệm chọn ngẫu nhiên, làm trong \
                          60 giây, và một câu hỏi dự đoán."
                .into(),
            prediction_question:
                "Theo bạn, đến khi kết thúc cuộc thi sẽ có bao nhiêu người trả lời đúng tất cả các câu hỏi?".into(),
            use_shared_bank: true,
        })
        .await?;
    tx.add_contest_questions(Some(contest), &questions).await?;
    tx.set_contest_units(contest, &units).await?;
    tx.add_contest_staff(&keys, province, &staff).await?;
    tx.add_contest_prize(contest, 1, 1, "Giải Nhất", "Giấy khen và 3.000.000 đồng").await?;
    tx.add_contest_prize(contest, 2, 3, "Giải Nhì", "Giấy khen và 2.000.000 đồng").await?;
    tx.add_contest_prize(contest, 4, 10, "Giải Ba", "Giấy khen và 1.000.000 đồng").await?;
    tx.commit().await?;

    // Sample entrants over the past week, through the same writer as the site.
    let setup = store.attempt_setup(contest).await?;
    let right: BTreeMap<i64, usize> = setup.bank.iter().map(|q| (q.id.0, q.correct)).collect();
    let boards = LiveBoards::new(store.clone(), keys.clone());
    let writer = Submissions::start(store.clone(), boards);
    let mut rng = StdRng::seed_from_u64(2026);
    let with_units: Vec<UnitId> = units.iter().take(40).map(|u| u.unit).collect();
    let mut used = HashSet::new();
    let mut written = 0;
    for i in 0..36u32 {
        let phone = loop {
            let prefix = ["091", "094", "096", "097", "098", "090", "093"][rng.gen_range(0..7)];
            let n = format!("{prefix}{:07}", rng.gen_range(0..10_000_000u32));
            if used.insert(n.clone()) {
                break n;
            }
        };
        let person = PersonKey::parse(&phone)?;
        let name = format!("{} {}", FAMILY[rng.gen_range(0..FAMILY.len())], GIVEN[rng.gen_range(0..GIVEN.len())]);
        let unit = (!with_units.is_empty()).then(|| with_units[rng.gen_range(0..with_units.len())]);
        let started_at = now - Duration::hours(i64::from(i) * 4 + 2) - Duration::minutes(rng.gen_range(0..59));
        let mut tx = store.begin_write(khienmang_store::outreach::contests::ENTRANT, Timestamp::now()).await?;
        let started = tx.start_attempts(&setup, &keys, &[VerifiedEntrant { person, name, unit }], started_at).await?;
        tx.commit().await?;
        let skill = rng.gen_range(0.55..0.98);
        for s in started {
            let answers = s
                .draw
                .questions
                .iter()
                .map(|dq| {
                    let correct = right.get(&dq.question.0).copied().unwrap_or(0);
                    let shown = dq.order.iter().position(|&o| usize::from(o) == correct).unwrap_or(0);
                    Some(if rng.gen_bool(skill) { shown } else { (shown + 1) % dq.order.len() })
                })
                .collect();
            let prediction = rng.gen_bool(0.9).then(|| rng.gen_range(5..400));
            let taken = Duration::milliseconds(rng.gen_range(14_000..58_000));
            writer
                .submit(AnswerSubmission {
                    contest,
                    attempt: s.id,
                    sheet: AnswerSheet { token: s.token, answers, prediction },
                    received_at: s.window.started_at + taken,
                })
                .await?;
            written += 1;
        }
    }
    let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
    tx.set_setting(CONTESTS_KEY, &tx.now().stored()).await?;
    tx.commit().await?;
    Ok(written)
}
