//! Demo outreach: warnings about the tactics behind the demo reports, a
//! running campaign with some initiatives' confirmations, and an anonymous
//! survey with answers from many communes (a few with too few answers, so
//! the results show suppression).

use khienmang_core::time::Timestamp;
use std::collections::BTreeSet;

use anyhow::Result;
use chrono::{Duration, Utc};
use khienmang_core::org::Level;
use khienmang_core::outreach::{
    Answer, Answers, Campaign, ContentItem, ContentKind, Response, Schedule, Survey, Targeting,
};
use khienmang_core::reports::Category;
use khienmang_store::Store;
use khienmang_store::outreach::surveys::SurveyRecord;
use khienmang_store::outreach::warnings::WarningInput;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const OUTREACH_KEY: &str = "demo.outreach";

const WARNINGS: &[(&str, &str, &str, Category)] = &[
    (
        "Giả danh công an gọi điện yêu cầu cài ứng dụng “Dịch vụ công”",
        "Đối tượng gọi điện xưng là công an, đề nghị cập nhật định danh điện tử qua đường dẫn lạ rồi chiếm quyền điều khiển điện thoại. Công an không làm việc qua điện thoại và không yêu cầu cài ứng dụng ngoài kho chính thức.",
        "Thời gian gần đây, nhiều người dân trên địa bàn nhận cuộc gọi từ số lạ xưng là cán bộ công an phường, thông báo hồ sơ định danh điện tử bị lỗi.\n\nĐối tượng gửi đường dẫn tới trang giả mạo “dichvucong-bacninh.top” và hướng dẫn cài ứng dụng. Ứng dụng này chiếm quyền điều khiển điện thoại, đọc mã OTP và chuyển hết tiền trong tài khoản.\n\nKhi nhận cuộc gọi như vậy: không bấm đường dẫn, không cài ứng dụng, kiểm tra số điện thoại tại trang Kiểm tra của Khiên Mạng và báo cho công an xã, phường nơi cư trú.",
        Category::Fraud,
    ),
    (
        "Lừa đảo “việc nhẹ lương cao” làm nhiệm vụ trên mạng",
        "Đối tượng mời làm cộng tác viên thả tim, đánh giá sản phẩm; lúc đầu trả thưởng nhỏ, sau yêu cầu nạp tiền “làm nhiệm vụ lớn” rồi chiếm đoạt.",
        "Các nhóm trên Telegram, Zalo mời làm “nhiệm vụ” với hoa hồng cao. Sau vài nhiệm vụ nhỏ được trả tiền thật, nạn nhân được yêu cầu chuyển khoản để nhận nhiệm vụ lớn hơn và không rút được tiền.\n\nKhông chuyển tiền để “nhận việc”; việc làm thật không bắt người lao động nạp tiền trước.",
        Category::Fraud,
    ),
    (
        "Cho vay qua ứng dụng không phép, đòi nợ bằng bôi nhọ",
        "Ứng dụng cho vay nhanh thu thập danh bạ rồi nhắn tin bôi nhọ người thân khi chậm trả; lãi suất thực lên tới hàng nghìn phần trăm một năm.",
        "Nhiều ứng dụng cho vay không được cấp phép yêu cầu quyền đọc danh bạ, ảnh. Khi người vay chậm trả, đối tượng gửi tin nhắn, ảnh ghép bôi nhọ tới người thân, đồng nghiệp.\n\nChỉ vay tại tổ chức tín dụng được cấp phép; báo ngay cho công an khi bị đe dọa, bôi nhọ.",
        Category::BlackMarketLending,
    ),
];

/// Seeds once; returns the number of survey responses written.
pub async fn seed(store: &Store) -> Result<usize> {
    if store.setting(OUTREACH_KEY).await?.is_some() {
        return Ok(0);
    }
    let now = Utc::now();
    let today = khienmang_core::outreach::vn_date(now);
    let province = store.reports_province(Timestamp::now().vietnam_date()).await?;
    let history = store.org_history().await?;
    let mut rng = StdRng::seed_from_u64(7);

    let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
    for (i, (title, summary, body, category)) in WARNINGS.iter().enumerate() {
        let published_at = now - Duration::days(3 * (WARNINGS.len() - i) as i64);
        let w = WarningInput {
            title: (*title).into(),
            summary: (*summary).into(),
            body: (*body).into(),
            category: *category,
            published_at,
        };
        tx.publish_warning(&w).await?;
    }
    let item = |id: i64, kind: ContentKind, title: &str, url: &str| ContentItem {
        id,
        kind,
        title: title.into(),
        url: Some(url.into()),
        warning_id: None,
        voided: None,
    };
    let campaign = Campaign {
        id: 0,
        title: "Tháng cao điểm phòng, chống lừa đảo trực tuyến".into(),
        description: "Chia sẻ cảnh báo và video hướng dẫn tới các nhóm Zalo của thôn, tổ dân phố.".into(),
        items: vec![
            item(
                1,
                ContentKind::Video,
                "Video: 5 dấu hiệu cuộc gọi lừa đảo",
                "https://bacninh.gov.vn/video/dau-hieu-lua-dao",
            ),
            item(
                2,
                ContentKind::Article,
                "Giả danh công an yêu cầu cài ứng dụng",
                "https://bacninh.gov.vn/tin/gia-danh-cong-an",
            ),
        ],
        schedule: Schedule { publish_at: now - Duration::days(10), end_at: Some(now + Duration::days(20)) },
        targeting: Targeting { units: BTreeSet::new(), subtrees: BTreeSet::from([province]), themes: vec![] },
    };
    let campaign_id = tx.create_campaign(&campaign).await?;
    tx.commit().await?;

    // About 40% of the running initiatives confirm sharing.
    let initiatives = store.initiative_refs(&history, province, today).await?;
    let mut tx = store.begin_write("demo-mohinh", Timestamp::now()).await?;
    for i in initiatives.iter().filter(|i| i.active) {
        if rng.gen_bool(0.4) {
            let reach = rng.gen_range(20..600);
            tx.confirm_share(campaign_id, Some(rng.gen_range(1..=2)), i.id, i.unit, reach, None).await?;
        }
    }
    tx.commit().await?;

    let survey: Survey = serde_json::from_str(SURVEY)?;
    let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
    let survey_id = tx
        .create_survey(&SurveyRecord {
            id: 0,
            survey: survey.clone(),
            area: Some(province),
            opens_on: today - chrono::Days::new(14),
            closes_on: today + chrono::Days::new(30),
        })
        .await?;
    tx.set_setting(OUTREACH_KEY, &tx.now().stored()).await?;
    tx.commit().await?;

    let communes: Vec<_> = history
        .subtree_on(province, today)
        .into_iter()
        .filter(|v| v.level == Level::Commune)
        .map(|v| v.unit_id)
        .collect();
    let mut written = 0;
    for (n, commune) in communes.iter().enumerate().take(30) {
        // Most communes get enough answers to publish; every fifth gets 2.
        let count = if n % 5 == 4 { 2 } else { rng.gen_range(6..14) };
        for _ in 0..count {
            let mut answers = Answers::new();
            let called = rng.gen_bool(0.6);
            answers.insert("q1".into(), Answer::Choice(if called { 0 } else { 1 }));
            if called {
                let picked: Vec<usize> = (0..3).filter(|_| rng.gen_bool(0.5)).collect();
                if !picked.is_empty() {
                    answers.insert("q2".into(), Answer::Choices(picked));
                }
            }
            answers.insert("q3".into(), Answer::Scale(rng.gen_range(2..=5)));
            let r = Response { respondent: None, unit: *commune, started_at: None, submitted_at: now, answers };
            let stored = survey.to_stored(r).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
            store.add_survey_response(survey_id, &stored).await?;
            written += 1;
        }
    }
    Ok(written)
}

const SURVEY: &str = r#"{"title": "Khảo sát hiệu quả tuyên truyền phòng, chống lừa đảo năm nay", "anonymous": true, "questions": [
 {"id": "q1", "text": "Trong 6 tháng qua, anh/chị có nhận được cuộc gọi, tin nhắn lừa đảo không?", "required": true,
  "kind": {"type": "single_choice", "choices": ["Có", "Không"]},
  "skip": [{"when": {"chose": {"choice": 1}}, "then": {"question": "q3"}}]},
 {"id": "q2", "text": "Khi đó anh/chị đã làm gì?", "required": false,
  "kind": {"type": "multiple_choice", "choices": ["Báo công an", "Kiểm tra trên Khiên Mạng", "Bỏ qua, chặn số"]}},
 {"id": "q3", "text": "Anh/chị đánh giá mức độ hữu ích của các hoạt động tuyên truyền (1–5)", "required": true,
  "kind": {"type": "scale", "min": 1, "max": 5, "min_label": "Không hữu ích", "max_label": "Rất hữu ích"}}
]}"#;
