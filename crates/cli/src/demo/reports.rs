//! Demo citizens' reports: a year of them across the province's communes,
//! with a few scam phone numbers, accounts and sites that many people
//! report (so the correlation view has something to show), every status
//! from just received to rated, and some overdue.

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use khienmang_core::org::UnitId;
use khienmang_core::reports::{Channel, Contact, Draft, Status};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::reports::{FieldKey, NewReport};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const REPORTS_KEY: &str = "demo.reports";

/// Scam identifiers that recur across reports.
const SCAM_PHONES: &[&str] = &["0856 123 789", "0703 456 111", "0922 888 404"];
const SCAM_ACCOUNTS: &[&str] = &["Vietcombank 1023456789", "MB Bank 0988776655", "Techcombank 19035566778899"];
const SCAM_SITES: &[&str] = &["vietcombank-hotro.com", "dichvucong-bacninh.top", "nhantien-quatang.online"];

fn story(rng: &mut StdRng) -> (&'static str, String) {
    let phone = SCAM_PHONES[rng.gen_range(0..SCAM_PHONES.len())];
    let account = SCAM_ACCOUNTS[rng.gen_range(0..SCAM_ACCOUNTS.len())];
    let site = SCAM_SITES[rng.gen_range(0..SCAM_SITES.len())];
    match rng.gen_range(0..10) {
        0..=3 => (
            "fraud",
            format!(
                "Có người gọi từ số {phone} xưng là cán bộ công an, nói tôi liên quan đường dây rửa tiền, yêu cầu chuyển tiền vào tài khoản {account} để xác minh."
            ),
        ),
        4 => (
            "fraud",
            format!("Nhận tin nhắn báo trúng thưởng, dẫn vào trang {site} yêu cầu nhập mã OTP ngân hàng."),
        ),
        5 => (
            "black_market_lending",
            "Ứng dụng cho vay trên điện thoại thu lãi rất cao, nhân viên đòi nợ gọi điện đe dọa và nhắn tin bôi nhọ cho người thân trong danh bạ.".into(),
        ),
        6 => ("gambling", "Nhóm Facebook trong xã quảng cáo cá độ bóng đá, mời nạp tiền qua ví điện tử.".into()),
        7 => (
            "harmful_fake_news",
            "Trang mạng xã hội đăng tin sai sự thật về dịch bệnh ở địa phương, nhiều người hoang mang chia sẻ.".into(),
        ),
        8 => (
            "child_safety",
            "Con tôi học lớp 8 bị một tài khoản lạ trên mạng xã hội dụ dỗ gửi ảnh riêng tư, sau đó bị đe dọa.".into(),
        ),
        _ => (
            "cyber_attack",
            format!("Tài khoản Zalo của tôi bị chiếm, kẻ gian nhắn tin vay tiền bạn bè, bảo chuyển vào tài khoản {account}."),
        ),
    }
}

/// Seeds once (a database that has reports already is left alone).
pub async fn seed(store: &Store, key: &FieldKey) -> Result<usize> {
    if store.setting(REPORTS_KEY).await?.is_some() {
        return Ok(0);
    }
    let communes: Vec<UnitId> =
        store.report_communes(Timestamp::now().vietnam_date()).await?.iter().map(|v| v.unit_id).collect();
    if communes.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(20_241_001);
    let now = Utc::now();
    let mut count = 0;
    for i in 0..360 {
        let days_ago = rng.gen_range(0..330);
        let at: DateTime<Utc> = now - Duration::days(days_ago) - Duration::minutes(rng.gen_range(0..600));
        let (category, description) = story(&mut rng);
        // A few communes receive most reports, as in life.
        let commune = communes[(rng.gen_range(0..communes.len()) * rng.gen_range(1..4)) % communes.len()];
        let contact = if rng.gen_bool(0.35) {
            Contact {
                name: Some("Người dân".into()),
                phone: Some(format!("098{:07}", rng.gen_range(1_000_000..9_999_999))),
                email: rng.gen_bool(0.5).then(|| format!("nguoidan{i}@example.vn")),
            }
        } else {
            Contact::default()
        };
        let draft = Draft { category: category.into(), description, contact, ..Default::default() };
        let draft = draft.check().map_err(|e| anyhow::anyhow!(e.message_vi()))?;
        let report = NewReport { channel: Channel::Web, draft, commune: Some(commune), attachments: Vec::new() };
        let receipt = store.receive_reports_at(key, vec![report], at, Timestamp::now()).await?.remove(0);
        let mut tx = store.begin_write("demo", Timestamp::now()).await?;
        // Older reports have moved further; a few are left overdue.
        let stage = if days_ago < 3 { 0 } else { rng.gen_range(0..10).min(days_ago / 4) };
        if stage >= 1 {
            tx.report_move(receipt.id, Status::Triaged, None).await?;
        }
        if stage >= 2 {
            tx.report_move(receipt.id, Status::InProgress, None).await?;
        }
        if stage >= 3 {
            let closing = match rng.gen_range(0..10) {
                0 => Status::NotOurs,
                1 => Status::Rejected,
                _ => Status::Resolved,
            };
            let message = (closing == Status::Resolved).then_some(
                "Công an xã đã xác minh, cảnh báo trên nhóm Zalo của thôn và chuyển thông tin số tài khoản, số điện thoại cho cơ quan chuyên môn.",
            );
            tx.report_move(receipt.id, closing, message).await?;
            let days = rng.gen_range(1..12);
            let closed = (at + Duration::days(days)).min(now).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            tx.backdate_report(receipt.id, &closed).await?;
            if rng.gen_bool(0.5) {
                tx.report_rate(receipt.id, rng.gen_range(3..6), closing == Status::Resolved, None).await?;
            }
        }
        tx.commit().await?;
        count += 1;
    }
    let mut tx = store.begin_write("demo", Timestamp::now()).await?;
    tx.set_setting(REPORTS_KEY, &tx.now().stored()).await?;
    tx.commit().await?;
    Ok(count)
}
