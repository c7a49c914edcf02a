//! Demo programme administration: the document's budget plan with some
//! allocations and spending (a district allocation of 2025 shows the
//! re-homing), this year's evaluations of most communes (commune 07210 is
//! left for the browser test to score), duty reports with a few overdue,
//! quarterly reports from 2025 on (before and after the merger), and award
//! nominations at each step.

use anyhow::{Context, Result};
use chrono::Datelike;
use khienmang_core::Date;
use khienmang_core::admin::{
    AwardKind, BudgetEntry, BudgetLevel, DUTIES, Nomination, NominationStatus, Nominee, PeriodKind, ReportingPeriod,
    Score, SpendingLine, Stage, UnitKind,
};
use khienmang_core::org::Level;
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::admin::reporting_units;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const ADMIN_KEY: &str = "demo.admin";
/// Left unscored for the browser test.
const LEFT_FOR_TEST: &str = "07210";

fn ymd(y: i32, m: u32, d: u32) -> Result<Date> {
    Date::from_ymd_opt(y, m, d).context("date")
}

/// Seeds once; returns the number of evaluations written.
pub async fn seed(store: &Store) -> Result<usize> {
    if store.setting(ADMIN_KEY).await?.is_some() {
        return Ok(0);
    }
    let today = chrono::Utc::now().date_naive();
    let year = today.year().clamp(2024, 2030);
    let province = store.reports_province(Timestamp::now().vietnam_date()).await?;
    let history = store.org_history().await?;
    let mut rng = StdRng::seed_from_u64(8);

    let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
    tx.seed_document_plan().await?;
    let amounts: [(BudgetLevel, Option<SpendingLine>, Stage, i64, Date, Date); 8] = [
        (
            BudgetLevel::Province,
            Some(SpendingLine::Conferences),
            Stage::Allocation,
            420_000_000,
            ymd(2024, 9, 1)?,
            ymd(2024, 12, 31)?,
        ),
        (
            BudgetLevel::Province,
            Some(SpendingLine::Conferences),
            Stage::Spending,
            398_500_000,
            ymd(2024, 10, 15)?,
            ymd(2024, 10, 15)?,
        ),
        (
            BudgetLevel::Province,
            Some(SpendingLine::Conferences),
            Stage::Settlement,
            398_500_000,
            ymd(2024, 12, 20)?,
            ymd(2024, 12, 20)?,
        ),
        (
            BudgetLevel::District,
            Some(SpendingLine::Initiatives),
            Stage::Allocation,
            610_000_000,
            ymd(2025, 1, 1)?,
            ymd(2025, 12, 31)?,
        ),
        (
            BudgetLevel::District,
            Some(SpendingLine::Contests),
            Stage::Allocation,
            120_000_000,
            ymd(2025, 1, 1)?,
            ymd(2025, 12, 31)?,
        ),
        (
            BudgetLevel::Commune,
            Some(SpendingLine::Initiatives),
            Stage::Allocation,
            3_150_000_000,
            ymd(2026, 1, 1)?,
            ymd(2026, 12, 31)?,
        ),
        (
            BudgetLevel::Commune,
            Some(SpendingLine::Initiatives),
            Stage::Spending,
            1_275_400_000,
            ymd(2026, 3, 1)?,
            ymd(2026, 9, 30)?,
        ),
        (
            BudgetLevel::Province,
            Some(SpendingLine::OutreachProducts),
            Stage::Allocation,
            560_000_000,
            ymd(2026, 1, 1)?,
            ymd(2026, 12, 31)?,
        ),
    ];
    for (level, line, stage, amount, from, to) in amounts {
        let e = BudgetEntry::new(level, line, stage, amount, from, to).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
        tx.add_budget_entry(None, &e, Some("Số liệu mẫu")).await?;
    }
    tx.commit().await?;

    // Evaluations: two thirds of today's communes, half of them approved.
    let communes: Vec<_> = history
        .subtree_on(province, today)
        .into_iter()
        .filter(|v| v.level == Level::Commune && v.code.as_deref() != Some(LEFT_FOR_TEST))
        .map(|v| v.unit_id)
        .collect();
    let set = store.criteria_set(year, UnitKind::Commune).await?;
    let mut evaluated = 0;
    for (i, unit) in communes.iter().enumerate() {
        if i % 3 == 2 {
            continue;
        }
        let skill: f64 = rng.gen_range(0.45..1.0);
        let scores = set
            .criteria
            .iter()
            .map(|c| {
                let p = (f64::from(c.max_points) * (skill + rng.gen_range(-0.1..0.1))).round();
                Score {
                    criterion: c.code.clone(),
                    points: (p.max(0.0) as u32).min(c.max_points),
                    evidence: vec![],
                    note: None,
                }
            })
            .collect();
        let mut tx = store.begin_write("demo-xa", Timestamp::now()).await?;
        tx.score_evaluation(*unit, UnitKind::Commune, year, &set, scores).await?;
        tx.submit_evaluation(*unit, year).await?;
        tx.commit().await?;
        if i % 2 == 0 {
            let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
            tx.decide_evaluation(*unit, year, true, "", today).await?;
            tx.commit().await?;
        }
        evaluated += 1;
    }

    // Duties: the province police's yearly duties reported for 2024 and 2025;
    // the others' left for the overdue list.
    let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
    for d in DUTIES.iter().filter(|d| d.body == "cong-an-tinh") {
        for due in d.due.due_dates(ymd(2024, 9, 1)?, ymd(2025, 12, 31)?) {
            let received = due + chrono::Days::new(rng.gen_range(0..9));
            tx.report_duty(d.code, due, received.min(today), "Đã thực hiện theo kế hoạch (dữ liệu mẫu).").await?;
        }
    }
    // Quarterly reports from 2025: most communes report, some late.
    let units = reporting_units(&history, province);
    let mut period = ReportingPeriod::new(PeriodKind::Quarter, 2025, 1).context("quarter")?;
    while period.end() < today {
        for u in units.iter().filter(|u| u.is_active_on(period.end())) {
            if rng.gen_bool(0.85) {
                let received = period.end() + chrono::Days::new(rng.gen_range(1..12));
                tx.add_period_report(u.id, period, received.min(today), "Báo cáo kết quả thực hiện (dữ liệu mẫu).")
                    .await?;
            }
        }
        let next = period.end() + chrono::Days::new(1);
        period = ReportingPeriod::containing(PeriodKind::Quarter, next);
    }
    tx.commit().await?;

    // Award nominations at each step.
    if let Some(first) = communes.first().copied() {
        let mut tx = store.begin_write("tinh", Timestamp::now()).await?;
        let people = [
            (
                "Nguyễn Thị Hoa",
                AwardKind::AdHoc,
                Some(ymd(year, 3, 12)?),
                "Phát hiện, báo tin kịp thời vụ lừa đảo chiếm đoạt tài sản qua mạng, giúp thu hồi 180 triệu đồng cho người dân.",
            ),
            (
                "Trần Văn Minh",
                AwardKind::Regular,
                None,
                "Có nhiều đóng góp xây dựng mô hình “Tổ công nghệ số cộng đồng” ở thôn.",
            ),
            (
                "Lê Thu Trang",
                AwardKind::Regular,
                None,
                "Tích cực tuyên truyền phòng, chống lừa đảo trên mạng cho học sinh.",
            ),
        ];
        for (i, (name, kind, deed, achievement)) in people.into_iter().enumerate() {
            let n = Nomination::draft(
                Nominee::Person { name: name.into(), unit: Some(first) },
                kind,
                year,
                deed,
                achievement,
                first,
                today,
            )
            .map_err(|e| anyhow::anyhow!(e.message_vi()))?;
            let id = tx.nominate(n, today).await?;
            if i < 2 {
                tx.step_nomination(id, NominationStatus::Endorsed, province, today, None, None).await?;
            }
            if i == 0 {
                let decision = format!("125/QĐ-UBND ngày {}", today.format("%d/%m/%Y"));
                tx.step_nomination(id, NominationStatus::Approved, province, today, None, Some(&decision)).await?;
            }
        }
        tx.set_setting(ADMIN_KEY, &tx.now().stored()).await?;
        tx.commit().await?;
    }
    Ok(evaluated)
}
