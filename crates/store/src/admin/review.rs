//! The interim and final reviews assembled from live data: the targets as
//! the dashboard shows them (its status, its trajectory) for every year so
//! far, the communes' annex, the initiatives, citizens' reports and checks,
//! the budget by level, the bodies' duties, and the shortcomings, causes and
//! solutions pre-filled from them. A review covers one unit's subtree: the
//! province, a commune or an agency.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;
use khienmang_core::Date;
use khienmang_core::admin::duties::{BODIES, DUTIES, DutyState, duty_state};
use khienmang_core::admin::review::{
    BudgetSummaryRow, CommuneRow, CountTable, NINE, ReviewData, ReviewSettings, Section, TargetRow, format_percent,
    in_sentence, kind_in_sentence,
};
use khienmang_core::admin::{ReviewKind, format_thousands};
use khienmang_core::org::{Level, UnitId};
use khienmang_core::targets::{FIRST_YEAR, LAST_YEAR, Status, TargetId, TargetValue, composite_parts};
use sqlx::Row;

use crate::{Result, Store, StoreError};

/// Days after a duty's due date before it counts as overdue (as the duties page).
const GRACE_DAYS: u32 = 5;
/// Names listed in running text before "và N … khác".
const NAMED: usize = 30;

/// "100%", or "Tối thiểu 80%" for a goal below every unit.
fn goal_text(t: TargetId) -> String {
    match t.goal_percent() {
        100 => "100%".to_owned(),
        p => format!("Tối thiểu {p}%"),
    }
}

fn percent(v: &TargetValue) -> Option<f64> {
    v.value.filter(|x| x.is_finite()).map(|x| x * 100.0)
}

/// One target as the dashboard shows it: the counts, the percent, the
/// trajectory and the dashboard's own rating ([`khienmang_core::targets::rate`]).
/// `row` is the node's whole row, for the parts a composite target (2.9)
/// is read from; `by_year` its percent for each year so far.
pub fn target_row(v: &TargetValue, row: &[TargetValue], by_year: Vec<Option<f64>>) -> TargetRow {
    let applies = v.denominator > 0 || v.eligible_units > 0;
    let composite = v.target == TargetId::Coverage;
    let value_text = if !applies {
        String::new()
    } else if composite {
        parts_text(v, row)
    } else {
        format!("{}/{}", format_thousands(v.numerator), format_thousands(v.denominator))
    };
    TargetRow {
        code: v.target.code().to_owned(),
        title: v.target.label_vi().to_owned(),
        goal_text: goal_text(v.target),
        value_text,
        // A share of parts met is not a percentage of anything a reader counts.
        percent: if composite { None } else { percent(v) },
        expected: Some(v.expected * 100.0).filter(|x| x.is_finite()),
        status: v.status,
        by_year: if composite { vec![None; by_year.len()] } else { by_year },
    }
}

/// "2/3 phần đạt (2.9a: Đạt; 2.9b: Chậm; 2.9c: Đạt)": a composite target
/// read as its parts, with each part's own rating.
pub fn parts_text(v: &TargetValue, row: &[TargetValue]) -> String {
    let parts: Vec<String> =
        composite_parts(row).map(|p| format!("{}: {}", p.target.code(), p.status.label_vi())).collect();
    format!("{}/{} phần đạt ({})", v.numerator, v.denominator, parts.join("; "))
}

/// The year a review made on `today` reports: this year, within the
/// programme's years and the review's period.
pub fn review_year(kind: ReviewKind, today: Date) -> i32 {
    today.year().clamp(FIRST_YEAR, kind.period().1.year().min(LAST_YEAR))
}

/// "A, B, C và 4 đơn vị khác".
fn named(names: &[String], what: &str) -> String {
    let shown = names.iter().take(NAMED).cloned().collect::<Vec<_>>().join(", ");
    match names.len().saturating_sub(NAMED) {
        0 => shown,
        more => format!("{shown} và {more} {what} khác"),
    }
}

/// What the targets snapshot gives a review.
struct FromTargets {
    name: String,
    level: Level,
    province: String,
    targets: Vec<TargetRow>,
    behind: Vec<(String, String, Option<f64>, f64)>,
    communes: Vec<(UnitId, CommuneRow)>,
    within: HashSet<UnitId>,
}

async fn from_targets(store: &Store, unit: UnitId, year: i32, today: Date) -> Result<Option<FromTargets>> {
    store
        .with_targets(today, |snap| {
            let history = &snap.history;
            let version = |u: UnitId| {
                history.version_on(u, today).or_else(|| history.versions().iter().rev().find(|v| v.unit_id == u))
            };
            let v = version(unit)?;
            let mut top = v;
            while let Some(p) = top.parent_id.and_then(version) {
                top = p;
            }
            let table = &snap.then;
            let rows: Vec<TargetValue> = table.rows(unit, year).map(Vec::from).unwrap_or_default();
            let targets = rows
                .iter()
                .map(|r| {
                    let by_year =
                        (FIRST_YEAR..=year).map(|y| table.get(unit, y, r.target).as_ref().and_then(percent)).collect();
                    target_row(r, &rows, by_year)
                })
                .collect();
            let behind = rows
                .iter()
                .filter(|r| r.status == Status::Behind)
                .map(|r| (r.target.code().to_owned(), r.target.label_vi().to_owned(), percent(r), r.expected * 100.0))
                .collect();
            let within = history.within(unit);
            let reference = table.reference_date(year).unwrap_or(today);
            let communes = table
                .nodes(year)
                .into_iter()
                .filter(|u| within.contains(u))
                .filter_map(|u| {
                    let cv = history.version_on(u, reference)?;
                    if cv.level != Level::Commune {
                        return None;
                    }
                    let rows = table.rows(u, year)?;
                    let nine: Vec<&TargetValue> = rows.iter().filter(|r| NINE.contains(&r.target.code())).collect();
                    Some((
                        u,
                        CommuneRow {
                            name: cv.name.clone(),
                            values: nine.iter().map(|r| percent(r)).collect(),
                            behind: nine.iter().filter(|r| r.status == Status::Behind).count(),
                        },
                    ))
                })
                .collect();
            Some(FromTargets {
                name: v.name.clone(),
                level: v.level,
                province: top.name.clone(),
                targets,
                behind,
                communes,
                within,
            })
        })
        .await
}

/// Everything the review of `kind` for `unit`'s subtree shows, as of `today`.
pub async fn review_data(
    store: &Store,
    kind: ReviewKind,
    unit: UnitId,
    today: Date,
    settings: &ReviewSettings,
) -> Result<ReviewData> {
    let year = review_year(kind, today);
    let t = from_targets(store, unit, year, today).await?.ok_or(StoreError::NotFound)?;
    let whole_province = t.level == Level::Province;
    let issuer = if whole_province {
        settings.province_issuer(&t.name)
    } else {
        settings.unit_issuer(&t.name, t.level == Level::Commune, &t.province)
    };
    let unit_name = in_sentence(&t.name);
    let (from, to) = kind.period();

    let mut results =
        vec![initiatives(store, &t.within).await?, reports_and_checks(store, &t.within, year, whole_province).await?];
    if whole_province {
        results.push(duties(store, from, to.min(today)).await?);
    }
    let budget = budget(store, &t.within, whole_province).await?;

    // Units that never sent their yearly report, named.
    let reported: HashSet<UnitId> = sqlx::query("SELECT DISTINCT unit_id FROM unit_reports")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.try_get("unit_id").map(UnitId))
        .collect::<std::result::Result<_, _>>()?;
    let silent: Vec<String> =
        t.communes.iter().filter(|(u, _)| !reported.contains(u)).map(|(_, c)| c.name.clone()).collect();
    let behind_units: Vec<String> =
        t.communes.iter().filter(|(_, c)| c.behind > 0).map(|(_, c)| c.name.clone()).collect();

    let mut shortcomings = Vec::new();
    for (code, label, value, expected) in &t.behind {
        let reached = value.map(format_percent).unwrap_or_else(|| "chưa có số liệu".into());
        shortcomings.push(format!(
            "Chỉ tiêu {code} ({label}) năm {year} đạt {reached}, thấp hơn lộ trình {}.",
            format_percent(*expected)
        ));
    }
    if !behind_units.is_empty() {
        shortcomings.push(format!(
            "{} đơn vị cấp xã có chỉ tiêu chậm so với lộ trình: {}.",
            behind_units.len(),
            named(&behind_units, "đơn vị")
        ));
    }
    if !silent.is_empty() {
        shortcomings.push(format!(
            "{} đơn vị cấp xã chưa gửi báo cáo năm lần nào: {}.",
            silent.len(),
            named(&silent, "đơn vị")
        ));
    }
    if shortcomings.is_empty() {
        shortcomings.push(format!(
            "Các chỉ tiêu năm {year} đạt hoặc đúng lộ trình; không có đơn vị chậm lộ trình hay chưa báo cáo."
        ));
    }
    let causes = vec![
        if silent.is_empty() {
            "Nguyên nhân khách quan: (người soạn thảo bổ sung).".to_owned()
        } else {
            format!(
                "Số liệu chưa đầy đủ do {} đơn vị chưa gửi báo cáo năm; chưa có báo cáo, hệ thống ghi nhận là \
                 chưa có số liệu.",
                silent.len()
            )
        },
        "Nguyên nhân chủ quan: một số cấp ủy, chính quyền, người đứng đầu chưa quan tâm đúng mức đến việc xây dựng \
         phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng (người soạn thảo bổ sung, chỉnh sửa)."
            .to_owned(),
    ];
    let mut solutions: Vec<String> = t
        .behind
        .iter()
        .map(|(code, label, _, _)| {
            format!("Tập trung chỉ đạo thực hiện chỉ tiêu {code} ({label}) để bảo đảm lộ trình đến năm 2030.")
        })
        .collect();
    if !silent.is_empty() {
        solutions.push(format!(
            "Đôn đốc {} đơn vị chưa gửi báo cáo năm thực hiện chế độ báo cáo theo quy định.",
            silent.len()
        ));
    }
    solutions.push(
        "Tiếp tục lựa chọn, giao lưu và phổ biến nhân rộng các mô hình, điển hình tiên tiến; biểu dương, khen \
         thưởng kịp thời các tập thể, cá nhân có thành tích xuất sắc."
            .to_owned(),
    );

    let count = |status: Status| t.targets.iter().filter(|r| r.status == status).count();
    let (met, on_track, behind) = (count(Status::Met), count(Status::OnTrack), count(Status::Behind));
    let known = met + on_track + behind;
    let intro = vec![
        format!(
            "Thực hiện Đề án “Xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng, giai đoạn \
             2024-2030”, trên cơ sở tham mưu của {}, {} báo cáo {} (từ ngày {} đến ngày {}) như sau:",
            issuer.drafter,
            issuer.issuing_body,
            kind_in_sentence(kind),
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y"),
        ),
        format!(
            "Số liệu của {unit_name} được tổng hợp từ hệ thống Khiên Mạng ngày {}: năm {year}, trong {known} chỉ \
             tiêu có số liệu, {met} chỉ tiêu đã đạt, {on_track} chỉ tiêu đúng lộ trình, {behind} chỉ tiêu chậm so \
             với lộ trình đến năm 2030; chi tiết tại bảng theo dõi chỉ tiêu và Phụ lục kèm theo.",
            today.format("%d/%m/%Y"),
        ),
    ];

    Ok(ReviewData {
        kind,
        unit_name,
        issuer,
        date: today,
        subject: kind.subject_vi().to_owned(),
        intro,
        year,
        years: (FIRST_YEAR..=year).collect(),
        targets: t.targets,
        results,
        budget,
        shortcomings,
        causes,
        solutions,
        communes: t.communes.into_iter().map(|(_, c)| c).collect(),
    })
}

/// Initiatives by stage, the exemplary and replicated ones named.
async fn initiatives(store: &Store, within: &HashSet<UnitId>) -> Result<Section> {
    use khienmang_core::movement::initiative::Stage;
    let mut by_stage: BTreeMap<usize, i64> = BTreeMap::new();
    let mut exemplary = Vec::new();
    let mut replicated = Vec::new();
    for r in sqlx::query("SELECT unit_id, name, stage FROM initiatives WHERE voided_at IS NULL ORDER BY name")
        .fetch_all(store.pool())
        .await?
    {
        if !within.contains(&UnitId(r.try_get("unit_id")?)) {
            continue;
        }
        let stage: String = r.try_get("stage")?;
        let Some(i) = Stage::ALL.iter().position(|s| s.as_str() == stage) else { continue };
        *by_stage.entry(i).or_default() += 1;
        let name: String = r.try_get("name")?;
        match Stage::ALL[i] {
            Stage::Exemplary => exemplary.push(name),
            Stage::Replicated => replicated.push(name),
            _ => {}
        }
    }
    let total: i64 = by_stage.values().sum();
    let mut paragraphs =
        vec![format!("Toàn địa bàn có {} mô hình đã đăng ký, theo giai đoạn như bảng dưới.", format_thousands(total))];
    for (what, names) in [("Mô hình điển hình tiên tiến", &exemplary), ("Mô hình được nhân rộng", &replicated)]
    {
        paragraphs.push(if names.is_empty() {
            format!("{what}: chưa có.")
        } else {
            format!("{what} ({}): {}.", names.len(), named(names, "mô hình"))
        });
    }
    Ok(Section {
        heading: "Xây dựng, nhân rộng mô hình".to_owned(),
        paragraphs,
        table: Some(CountTable {
            header: vec!["Giai đoạn".into(), "Số mô hình".into()],
            rows: Stage::ALL
                .iter()
                .enumerate()
                .map(|(i, s)| (s.label_vi().to_owned(), vec![by_stage.get(&i).copied().unwrap_or(0)]))
                .collect(),
        }),
    })
}

/// Citizens' reports by year within the subtree and, for the province,
/// the scam checks made (they name no unit).
async fn reports_and_checks(store: &Store, within: &HashSet<UnitId>, year: i32, checks: bool) -> Result<Section> {
    let mut reports: HashMap<i32, i64> = HashMap::new();
    for r in sqlx::query(
        "SELECT unit_id, SUBSTR(received_at, 1, 4) AS y, COUNT(*) AS n FROM reports GROUP BY unit_id, SUBSTR(received_at, 1, 4)",
    )
    .fetch_all(store.pool())
    .await?
    {
        if within.contains(&UnitId(r.try_get("unit_id")?)) {
            let y: String = r.try_get("y")?;
            *reports.entry(y.parse().unwrap_or(0)).or_default() += r.try_get::<i64, _>("n")?;
        }
    }
    let mut checked: HashMap<i32, (i64, i64)> = HashMap::new();
    if checks {
        for r in sqlx::query(
            "SELECT SUBSTR(day, 1, 4) AS y, verdict, CAST(SUM(n) AS BIGINT) AS n FROM check_counts GROUP BY SUBSTR(day, 1, 4), verdict",
        )
        .fetch_all(store.pool())
        .await?
        {
            let y: String = r.try_get("y")?;
            let verdict: String = r.try_get("verdict")?;
            let n: i64 = r.try_get("n")?;
            let e = checked.entry(y.parse().unwrap_or(0)).or_default();
            e.0 += n;
            if verdict == "scam" || verdict == "suspicious" {
                e.1 += n;
            }
        }
    }
    let mut header = vec!["Năm".to_owned(), "Tin báo của người dân".to_owned()];
    if checks {
        header.extend(["Lượt tra cứu dấu hiệu lừa đảo".to_owned(), "Trong đó có cảnh báo".to_owned()]);
    }
    let rows = (FIRST_YEAR..=year)
        .map(|y| {
            let mut v = vec![reports.get(&y).copied().unwrap_or(0)];
            if checks {
                let (n, warned) = checked.get(&y).copied().unwrap_or((0, 0));
                v.extend([n, warned]);
            }
            (y.to_string(), v)
        })
        .collect();
    let paragraphs = vec![if checks {
        "Người dân gửi tin báo qua hệ thống và tra cứu số điện thoại, tài khoản, trang web có dấu hiệu lừa đảo; \
         số lượt tra cứu được đếm theo ngày, không lưu nội dung tra cứu."
            .to_owned()
    } else {
        "Tin báo của người dân về các đơn vị trên địa bàn theo năm tiếp nhận.".to_owned()
    }];
    Ok(Section {
        heading: "Tiếp nhận tin báo của người dân và tra cứu dấu hiệu lừa đảo".to_owned(),
        paragraphs,
        table: Some(CountTable { header, rows }),
    })
}

/// The Part 3 duties by body: due dates so far, reported, overdue.
async fn duties(store: &Store, from: Date, until: Date) -> Result<Section> {
    let reports = store.duty_reports().await?;
    let rows = BODIES
        .iter()
        .map(|b| {
            let (mut due, mut done, mut overdue) = (0, 0, 0);
            for d in DUTIES.iter().filter(|d| d.body == b.code) {
                for date in d.due.due_dates(from, until) {
                    due += 1;
                    let reported =
                        reports.iter().filter(|r| r.duty == d.code && r.due == date).map(|r| r.received_on).min();
                    match duty_state(date, GRACE_DAYS, reported, until) {
                        DutyState::Done | DutyState::DoneLate => done += 1,
                        DutyState::Overdue => overdue += 1,
                        DutyState::Upcoming => {}
                    }
                }
            }
            (b.name_vi.to_owned(), vec![due, done, overdue])
        })
        .collect();
    Ok(Section {
        heading: "Thực hiện nhiệm vụ của các cơ quan, đơn vị".to_owned(),
        paragraphs: vec![
            "Các cơ quan, đơn vị báo cáo kết quả thực hiện nhiệm vụ được giao tại Phần III của Đề án:".to_owned(),
        ],
        table: Some(CountTable {
            header: vec!["Cơ quan, đơn vị".into(), "Số lần phải báo cáo".into(), "Đã báo cáo".into(), "Quá hạn".into()],
            rows,
        }),
    })
}

/// The budget by level: the province's summary (its levels, never its
/// total), or a unit's own entries by level.
async fn budget(store: &Store, within: &HashSet<UnitId>, whole_province: bool) -> Result<Vec<BudgetSummaryRow>> {
    use khienmang_core::admin::budget::Stage;
    let mut rows: Vec<BudgetSummaryRow> = if whole_province {
        store
            .budget_summary()
            .await?
            .rehomed
            .iter()
            .map(|t| BudgetSummaryRow {
                label: t.label.clone(),
                planned: t.planned,
                allocated: t.allocated,
                spent: t.spent,
                settled: t.settled,
            })
            .collect()
    } else {
        let mut by_level: BTreeMap<String, BudgetSummaryRow> = BTreeMap::new();
        for r in store.budget_entries().await? {
            if !r.unit.is_some_and(|u| within.contains(&u)) {
                continue;
            }
            let label = r.entry.level.label_vi().to_owned();
            let row = by_level.entry(label.clone()).or_insert(BudgetSummaryRow {
                label,
                planned: 0,
                allocated: 0,
                spent: 0,
                settled: 0,
            });
            let slot = match r.entry.stage {
                Stage::Estimate => &mut row.planned,
                Stage::Allocation => &mut row.allocated,
                Stage::Spending => &mut row.spent,
                Stage::Settlement => &mut row.settled,
            };
            *slot += r.entry.amount;
        }
        by_level.into_values().collect()
    };
    rows.retain(|b| b.planned != 0 || b.allocated != 0 || b.spent != 0 || b.settled != 0);
    Ok(rows)
}
