//! Walks every route of the router (HTML and API) as every role, inside and
//! outside its subtree. A commune officer can neither read nor change
//! another commune, and nothing is written by a refused request.

use axum::http::Method;
use khienmang_core::auth::Role;
use khienmang_core::time::Timestamp;
use reqwest::StatusCode;

use khienmang_testkit::fixtures::{TEST_ACTOR, create_unit, day, initiative_input};
use khienmang_testkit::http::TestApp;

/// Routes anyone may call. Everything else needs a session.
const PUBLIC: &[(&str, &str)] = &[
    // The citizens' home: what anyone can do here, and the staff sign-in link.
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/lang/{lang}"),
    ("POST", "/api/v1/session"),
    ("GET", "/api/openapi.json"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/assets/{*path}"),
    // Logging out without a session is harmless and just clears the cookie.
    ("POST", "/logout"),
    // Citizens report without an account; the secret, not a session, opens a report.
    ("GET", "/report"),
    ("POST", "/report"),
    ("GET", "/report/similar"),
    ("GET", "/report/track"),
    ("POST", "/report/track"),
    ("POST", "/report/track/message"),
    ("POST", "/report/track/reopen"),
    ("POST", "/report/track/rate"),
    ("POST", "/report/track/forget-contact"),
    ("GET", "/report/stats"),
    ("GET", "/report/complaints"),
    ("POST", "/api/v1/reports"),
    ("GET", "/api/v1/reports/stats"),
    ("GET", "/api/v1/reports/track/{code}"),
    ("POST", "/api/v1/reports/track/{code}/messages"),
    ("GET", "/open311/discovery.json"),
    ("GET", "/open311/v2/{file}"),
    ("POST", "/open311/v2/{file}"),
    ("GET", "/open311/v2/services/{file}"),
    ("GET", "/open311/v2/requests/{file}"),
    ("GET", "/open311/v2/tokens/{file}"),
    // Anyone checks a number, account, link or QR code; owners dispute without an account.
    ("GET", "/check"),
    ("POST", "/check"),
    ("GET", "/check/dispute"),
    ("POST", "/check/dispute"),
    ("POST", "/check/dispute/track"),
    ("GET", "/api/v1/check"),
    ("POST", "/api/v1/check"),
    ("POST", "/api/v1/check/batch"),
    ("GET", "/api/v1/check/prefix/{hex8}"),
    // Warnings, their feeds and surveys are for everyone; a survey is answered without an account.
    ("GET", "/warnings"),
    ("GET", "/warnings.atom"),
    ("GET", "/warnings.rss"),
    ("GET", "/warnings/{slug}"),
    ("GET", "/surveys"),
    ("GET", "/surveys/{id}"),
    ("POST", "/surveys/{id}"),
    // Online contests: citizens take part without an account (a one-time code
    // by SMS, then the attempt's own token); leaderboards are public.
    ("GET", "/contests"),
    ("GET", "/contests/{contest}"),
    ("POST", "/contests/{contest}/code"),
    ("POST", "/contests/{contest}/start"),
    ("GET", "/contests/{contest}/attempts/{attempt}"),
    ("POST", "/contests/{contest}/attempts/{attempt}"),
    ("GET", "/contests/{contest}/attempts/{attempt}/result"),
    ("GET", "/contests/{contest}/leaderboard"),
    ("GET", "/api/v1/contests"),
    ("POST", "/api/v1/contests/{contest}/code"),
    ("POST", "/api/v1/contests/{contest}/attempts"),
    ("POST", "/api/v1/contests/{contest}/attempts/{attempt}/submit"),
    ("GET", "/api/v1/contests/{contest}/leaderboard"),
    // The province's verified list is published for others, signed.
    ("GET", "/feeds/{file}"),
    ("GET", "/.well-known/khienmang-feed-key"),
];

/// Registry records of one unit, for the routes whose `{id}` names a record
/// (an initiative, a person, a trusted voice, a document) rather than a unit.
#[derive(Clone, Copy, Default)]
struct Records {
    initiative: i64,
    person: i64,
    voice: i64,
    /// A training of the unit, the person above attending.
    training: i64,
    document: i64,
    /// A village activity, a page post and a budget entry of the unit (issue 18's corrections).
    activity: i64,
    post: i64,
    budget: i64,
    report: i64,
    attachment: i64,
    nomination: i64,
    campaign: i64,
    survey: i64,
    contest: i64,
    /// A body's report on a duty (the programme's) and the unit's period report.
    duty_report: i64,
    period_report: i64,
    /// A commune officer's account scoped to the unit.
    account: i64,
}

async fn records_of(app: &TestApp, unit: khienmang_core::org::UnitId) -> Records {
    use khienmang_core::targets::PersonRole;
    use khienmang_store::movement::{DocumentInput, DocumentKind, InitiativeInput, PersonInput, VoiceInput};
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let initiative = tx
        .create_initiative(
            &InitiativeInput { since: day("2026-01-01"), ..initiative_input(unit, "Mô hình thử") }.check().unwrap(),
        )
        .await
        .unwrap();
    let person = tx
        .create_person(&PersonInput {
            unit,
            full_name: "Người thử".into(),
            role: PersonRole::LegalReporter,
            position: None,
            initiative: None,
            registered_from: 2026,
            registered_to: None,
        })
        .await
        .unwrap();
    let voice = tx
        .create_voice(&VoiceInput {
            unit,
            full_name: "Người có uy tín thử".into(),
            in_province: true,
            channels: None,
            audience: None,
            consent_on: Some(day("2026-01-01")),
            initiative: None,
            registered_from: 2026,
        })
        .await
        .unwrap();
    let training = tx.create_training(unit, "Lớp thử", day("2026-02-01"), None, &[person]).await.unwrap();
    let document = tx
        .add_document(&DocumentInput {
            unit,
            kind: DocumentKind::Plan,
            number: "01/KH".into(),
            title: "Kế hoạch thử".into(),
            issued_on: day("2026-01-02"),
            year: 2026,
            file: Some(("ke-hoach.pdf".into(), "application/pdf".into(), b"%PDF-1.4".to_vec())),
        })
        .await
        .unwrap();
    // The unit stands in for a village: the store does not check the level.
    let activity = tx.add_village_activity(unit, day("2026-01-03"), "Hoạt động thử", Some(20)).await.unwrap();
    let post = tx.add_page_post(unit, day("2026-01-04"), "Tin bài thử", None).await.unwrap();
    let budget = {
        use khienmang_core::admin::{BudgetEntry, BudgetLevel, Stage};
        let e = BudgetEntry::new(
            BudgetLevel::Commune,
            None,
            Stage::Allocation,
            1_000,
            day("2026-01-05"),
            day("2026-01-05"),
        )
        .unwrap();
        tx.add_budget_entry(Some(unit), &e, None).await.unwrap()
    };
    tx.commit().await.unwrap();
    let (report, attachment) = report_of(app, unit).await;
    let nomination = {
        use khienmang_core::admin::{AwardKind, Nomination, Nominee};
        let on = day("2026-01-05");
        let n = Nomination::draft(
            Nominee::Person { name: "Người được đề nghị".into(), unit: Some(unit) },
            AwardKind::Regular,
            2026,
            None,
            "Thành tích thử.",
            unit,
            on,
        )
        .unwrap();
        let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
        let id = tx.nominate(n, on).await.unwrap();
        tx.commit().await.unwrap();
        id
    };
    let (campaign, survey) = outreach_of(app, unit).await;
    let contest = crate::contests::open_contest(&app.store, unit, &[(unit, 10)], 60, 1).await;
    let account = account_of(app, unit).await;
    let (duty_report, period_report) = reports_of(app, unit).await;
    Records {
        initiative,
        person,
        voice,
        training,
        document,
        activity,
        post,
        budget,
        report,
        attachment,
        nomination,
        campaign,
        survey,
        contest,
        duty_report,
        period_report,
        account,
    }
}

/// A body's report on a duty and a period report of `unit` for this quarter.
async fn reports_of(app: &TestApp, unit: khienmang_core::org::UnitId) -> (i64, i64) {
    use khienmang_core::admin::{PeriodKind, ReportingPeriod};
    let today = chrono::Utc::now().date_naive();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.report_duty("1.1", day("2024-12-31"), day("2025-01-03"), "Báo cáo thử").await.unwrap();
    tx.add_period_report(unit, ReportingPeriod::containing(PeriodKind::Quarter, today), today, "Báo cáo quý thử")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let duty = app.store.duty_report_records().await.unwrap()[0].id;
    let period = app.store.period_report_records(&[unit]).await.unwrap()[0].id;
    (duty, period)
}

/// A commune officer's account working within `unit`.
async fn account_of(app: &TestApp, unit: khienmang_core::org::UnitId) -> i64 {
    let username = format!("walk.{}.{}", unit.0, khienmang_testkit::db::random_suffix());
    app.user(&username, Role::CommuneOfficer, Some(unit)).await;
    app.store.user_by_name(&username).await.unwrap().unwrap().id
}

/// A campaign for `unit`'s subtree and a survey (outreach records are the province's).
async fn outreach_of(app: &TestApp, unit: khienmang_core::org::UnitId) -> (i64, i64) {
    use khienmang_core::outreach::{Campaign, ContentItem, ContentKind, Schedule, Survey, Targeting};
    use khienmang_store::outreach::surveys::SurveyRecord;
    let now = chrono::Utc::now();
    let campaign = Campaign {
        id: 0,
        title: "Chiến dịch thử".into(),
        description: String::new(),
        items: vec![ContentItem {
            id: 1,
            kind: ContentKind::Article,
            title: "Bài thử".into(),
            url: Some("https://example.vn/bai".into()),
            warning_id: None,
            voided: None,
        }],
        schedule: Schedule { publish_at: now - chrono::Duration::days(1), end_at: None },
        targeting: Targeting { subtrees: [unit].into(), ..Default::default() },
    };
    let survey: Survey = serde_json::from_str(
        r#"{"title": "Khảo sát thử", "anonymous": true, "questions": [{"id": "q1", "text": "Câu 1", "required": true, "kind": {"type": "single_choice", "choices": ["Có", "Không"]}}]}"#,
    )
    .unwrap();
    let today = day("2026-01-01").max(chrono::Utc::now().date_naive());
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let c = tx.create_campaign(&campaign).await.unwrap();
    let s = tx
        .create_survey(&SurveyRecord {
            id: 0,
            survey,
            area: Some(unit),
            opens_on: today,
            closes_on: today + chrono::Days::new(5),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (c, s)
}

/// A citizen's report handled by `unit`, with a screenshot.
pub(crate) async fn report_of(app: &TestApp, unit: khienmang_core::org::UnitId) -> (i64, i64) {
    use khienmang_core::reports::{Channel, Draft};
    use khienmang_store::reports::{FieldKey, FileStore, NewAttachment, NewReport};
    let bytes = b"%PDF-1.4 test %%EOF".to_vec();
    let sha = format!("{:064x}", unit.0);
    FileStore::new(khienmang_web::WebConfig::default().files_dir).put(&sha, &bytes).unwrap();
    let draft =
        Draft {
            category: "fraud".into(), description: "Cuộc gọi giả danh công an.".into(), ..Default::default()
        };
    let report = NewReport {
        channel: Channel::Web,
        draft: draft.check().unwrap(),
        commune: Some(app.commune_a.0),
        attachments: vec![NewAttachment {
            sha256: sha,
            kind: "application/pdf".into(),
            size: 20,
            name: "a.pdf".into(),
        }],
    };
    let key = FieldKey::generate().0;
    let receipt =
        app.store.receive_reports_at(&key, vec![report], chrono::Utc::now(), Timestamp::now()).await.unwrap().remove(0);
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    tx.report_assign(receipt.id, unit, None).await.unwrap();
    tx.commit().await.unwrap();
    let attachment = app.store.report_attachments(receipt.id).await.unwrap()[0].id;
    (receipt.id, attachment)
}

fn fill(path: &str, unit: i64, records: Records) -> String {
    let id = if path.starts_with("/movement/initiatives/") || path.starts_with("/api/v1/initiatives/") {
        records.initiative
    } else if path.starts_with("/movement/people/") || path.starts_with("/api/v1/people/") {
        records.person
    } else if path.starts_with("/movement/voices/") || path.starts_with("/api/v1/voices/") {
        records.voice
    } else if path.starts_with("/movement/trainings/") || path.starts_with("/api/v1/trainings/") {
        records.training
    } else if path.starts_with("/movement/documents/") || path.starts_with("/api/v1/documents/") {
        records.document
    } else if path.starts_with("/movement/activities/") || path.starts_with("/api/v1/activities/") {
        records.activity
    } else if path.starts_with("/movement/posts/") || path.starts_with("/api/v1/posts/") {
        records.post
    } else if path.starts_with("/budget/entries/") || path.starts_with("/api/v1/budget/entries/") {
        records.budget
    } else if path.starts_with("/awards/") {
        records.nomination
    } else if path.starts_with("/campaigns/") {
        records.campaign
    } else if path.starts_with("/outreach/contests/") {
        records.contest
    } else if path.starts_with("/duties/reports/") {
        records.duty_report
    } else if path.starts_with("/duties/period-reports/") {
        records.period_report
    } else if path.starts_with("/surveys/") {
        records.survey
    } else if path.starts_with("/users/") || path.starts_with("/api/v1/users/") {
        records.account
    } else if path.starts_with("/reports/attachments/") {
        records.attachment
    } else if path.starts_with("/reports/") || path.starts_with("/api/v1/reports/") {
        records.report
    } else {
        unit
    };
    let file = if path.starts_with("/movement/templates/") {
        "members.xlsx"
    } else if path.starts_with("/reviews/") {
        "interim.docx"
    } else {
        "villages.xlsx"
    };
    path.replace("{id}", &id.to_string())
        .replace("{lang}", "en")
        .replace("{kind}", "rename")
        .replace("{*path}", "app.css")
        .replace("{file}", file)
        .replace("{batch}", "0123456789abcdef0123456789abcdef")
        .replace("{code}", "PA-00000-00000")
        .replace("{slug}", "khong-co")
        .replace("{hex8}", "00000000")
}

fn is_movement(path: &str) -> bool {
    path.starts_with("/movement")
        || path.starts_with("/api/v1/initiatives")
        || path.starts_with("/api/v1/documents")
        || path.starts_with("/api/v1/activities")
        || path.starts_with("/api/v1/posts")
        || is_people_api(path)
}

/// A correction, void or restore of a plan or resolution, a village
/// activity or a page post (or the page of its forms): the unit's registry,
/// never an initiative leader's, and never a unit kept only for its history.
fn is_record_change(method: &Method, path: &str) -> bool {
    let record = ["/movement/documents/{id}/", "/movement/activities/{id}/", "/movement/posts/{id}/"]
        .iter()
        .any(|p| path.starts_with(p))
        || (["/api/v1/documents", "/api/v1/activities", "/api/v1/posts"].iter().any(|p| path.starts_with(p)));
    record && (*method != Method::GET || path.ends_with("/edit"))
}

/// Records this walk voids as it goes (only the secretariat restores them),
/// so a later request of the walk may find them gone.
fn voided_by_the_walk(path: &str) -> bool {
    ["/movement/documents/{id}", "/movement/activities/{id}", "/movement/posts/{id}", "/budget/entries/{id}"]
        .iter()
        .chain(&[
            "/api/v1/documents/{id}",
            "/api/v1/activities/{id}",
            "/api/v1/posts/{id}",
            "/api/v1/budget/entries/{id}",
        ])
        .any(|p| path.starts_with(p))
}

/// The people registries' API: people, trainings, trusted voices.
fn is_people_api(path: &str) -> bool {
    ["/api/v1/people", "/api/v1/trainings", "/api/v1/voices"].iter().any(|p| path.starts_with(p))
}

/// A change to the people registries (a person, a training, a trusted
/// voice), which an initiative leader may not make: it changes only the
/// initiatives linked to it.
fn is_people_registry_change(method: &Method, path: &str) -> bool {
    *method != Method::GET
        && (is_people_api(path)
            || ["/movement/people", "/movement/trainings", "/movement/voices"].iter().any(|p| path.starts_with(p)))
}

/// The province's list of scam indicators: not a unit's records.
fn is_scamcheck(path: &str) -> bool {
    path.starts_with("/scamcheck")
}

/// Programme administration: evaluations, awards and duties are read within
/// the scope and written by the units; a unit's own review is read within the
/// scope; the budget and award decisions are the secretariat's.
fn programme_capability(method: &Method, path: &str) -> Option<khienmang_core::auth::Capability> {
    use khienmang_core::auth::Capability;
    // Online contests: the organisers' pages.
    if path.starts_with("/outreach/contests") {
        return Some(Capability::OutreachManage);
    }
    // Restoring a voided record is the secretariat's decision.
    if path.ends_with("/restore") {
        return Some(Capability::ProgrammeManage);
    }
    let manage = path.starts_with("/budget")
        || path.starts_with("/scamcheck/official")
        || path == "/api/v1/budget/summary"
        || path.starts_with("/api/v1/budget/entries")
        || path == "/awards/{id}/step"
        // The criteria sets are the province's, edited by the secretariat.
        || path.starts_with("/evaluations/criteria")
        || path == "/duties/reports"
        // A body's report on a duty is corrected and voided by the secretariat.
        || (path.starts_with("/duties/reports/") && *method == Method::POST);
    let outreach = (*method == Method::POST && ["/warnings", "/campaigns", "/surveys"].contains(&path))
        || path == "/warnings/{slug}/withdraw"
        // A warning corrected or voided (restored: the secretariat's, above).
        || path.starts_with("/warnings/{slug}/")
        || path.starts_with("/surveys/{id}/results")
        // The survey builder: a new survey, and a survey's questions before its first answer.
        || path == "/surveys/new"
        || path == "/surveys/{id}/edit"
        // A campaign's items corrected or voided.
        || path.starts_with("/campaigns/{id}/items");
    if outreach {
        Some(Capability::OutreachManage)
    } else if path.starts_with("/campaigns") {
        Some(Capability::MovementRead)
    } else if manage {
        Some(Capability::ProgrammeManage)
    } else if path.starts_with("/reviews") {
        // A unit's own review of its subtree: any reader of the programme's administration.
        Some(Capability::ProgrammeRead)
    } else if ["/evaluations", "/awards", "/duties"].iter().any(|p| path.starts_with(p)) {
        Some(if *method == Method::POST { Capability::Evaluate } else { Capability::ProgrammeRead })
    } else {
        None
    }
}

/// The capability a route needs, as the roles' table grants them.
fn capability_for(method: &Method, path: &str) -> Option<khienmang_core::auth::Capability> {
    if let Some(cap) = programme_capability(method, path) {
        Some(cap)
    } else if path.starts_with("/audit") || path == "/api/v1/audit" {
        Some(khienmang_core::auth::Capability::AuditRead)
    } else if is_accounts(path) {
        Some(khienmang_core::auth::Capability::UserAdmin)
    } else if path == "/org/units/{id}/abolish-level" {
        Some(khienmang_core::auth::Capability::OrgReorganise)
    } else if path.starts_with("/import")
        || (*method == Method::POST && (path.starts_with("/org") || path.starts_with("/api/v1/org")))
    {
        Some(khienmang_core::auth::Capability::OrgWrite)
    } else if path.starts_with("/org") || path.starts_with("/api/v1/org") {
        Some(khienmang_core::auth::Capability::OrgRead)
    } else if is_movement(path)
        && (*method == Method::POST
            || *method == Method::PATCH
            || path == "/movement/initiatives/new"
            || path.ends_with("/edit"))
    {
        Some(khienmang_core::auth::Capability::MovementWrite)
    } else if is_movement(path) {
        Some(khienmang_core::auth::Capability::MovementRead)
    } else if is_scamcheck(path) {
        Some(khienmang_core::auth::Capability::IndicatorManage)
    } else if is_reports(path) && *method == Method::POST {
        Some(khienmang_core::auth::Capability::ReportHandle)
    } else if is_reports(path) {
        Some(khienmang_core::auth::Capability::ReportRead)
    } else {
        None
    }
}

/// Accounts: the account administrators' pages and API.
fn is_accounts(path: &str) -> bool {
    path.starts_with("/users") || path.starts_with("/api/v1/users")
}

fn is_reports(path: &str) -> bool {
    path.starts_with("/reports") || path.starts_with("/api/v1/reports")
}

/// A plausible body for each writing route, so a refusal is about access and
/// not about a malformed request.
fn body_for(path: &str, target: i64, records: Records) -> Option<reqwest::Body> {
    let form = |s: String| Some(reqwest::Body::from(s));
    match path {
        "/org/units/{id}/rename" => form("name=Đổi+tên&effective=2026-10-01".into()),
        "/org/units/{id}/attrs" => form("households=10&population=40&effective=2026-10-01".into()),
        "/org/units/{id}/children" => form("name=Thôn+Lạ&level=village&effective=2026-10-01".into()),
        "/org/units/{id}/change/{kind}" => form("name=Đổi+tên+lần+nữa&effective=2026-10-01&confirm=1".into()),
        // A preview only: confirmed, it would end every village of the subtree under the walk.
        "/org/units/{id}/abolish-level" => form("level=village&effective=2026-10-01".into()),
        "/import/{batch}/commit" => form("mode=valid".into()),
        "/login" => form("username=nobody&password=x".into()),
        "/login/totp" | "/account/totp" => form("code=000000&secret=JBSWY3DPEHPK3PXP".into()),
        "/account/sessions/end" => form("session=".into()),
        // Refused before any check of the password: the two new ones differ.
        "/account/password" => form("current=x&new=mat-khau-moi-1&confirm=mat-khau-moi-2".into()),
        "/users" => form(format!("username=walk.new.{target}&display_name=A&role=commune_officer&scope={target}")),
        "/users/{id}/edit" => form(format!("display_name=Đổi+tên&role=commune_officer&scope={target}")),
        "/users/{id}/disable" => form("disabled=1&reason=Thử".into()),
        // The walk's account is a commune officer's: a link is refused as a
        // choice (422) within the subtree, and as not found outside it.
        "/users/{id}/initiatives" | "/users/{id}/initiatives/remove" => {
            form(format!("initiative={}", records.initiative))
        }
        "/api/v1/users" => Some(reqwest::Body::from(
            serde_json::json!({"username": format!("walk.api.{target}"), "display_name": "A",
                "role": "commune_officer", "scope_unit_id": target, "password": "tam-thoi-2026"})
            .to_string(),
        )),
        "/api/v1/users/{id}" => Some(reqwest::Body::from(r#"{"display_name": "Đổi tên"}"#)),
        "/api/v1/org/operations" => Some(reqwest::Body::from(
            serde_json::json!({"effective": "2026-10-01", "operation": {"op": "rename", "unit": target, "name": "Đổi tên"}})
                .to_string(),
        )),
        "/api/v1/session" => Some(reqwest::Body::from(r#"{"username":"nobody","password":"x"}"#)),
        "/scamcheck/indicators" => form("key=tel%3A%2B84900000001&decision=reject&category=fraud".into()),
        "/scamcheck/indicators/{id}/withdraw" => form("note=Sai".into()),
        "/scamcheck/disputes/{id}" => form("outcome=rejected&decision=Sai".into()),
        "/scamcheck/official" | "/scamcheck/official/{id}" => {
            form(format!("kind=domain&value=walk{target}.example.vn&owner=A&source=B"))
        }
        "/scamcheck/official/{id}/void" => form("reason=Nhập+nhầm".into()),
        "/evaluations/{id}/scores" => form("year=2026".into()),
        "/evaluations/{id}/decision" => form("year=2026&decision=approve".into()),
        "/awards" => form(format!("nominee_type=person&name=A&unit={target}&kind=regular&achievement=B")),
        "/awards/{id}/step" => form("to=endorsed".into()),
        // No criteria in the form: refused, nothing saved.
        "/evaluations/criteria" => form("year=2026&kind=commune&rows=0".into()),
        "/awards/from-ranking" => form(format!("year=2026&kind=commune&award=regular&unit={target}")),
        "/awards/{id}/edit" => form("nominee_type=person&name=Ng%C6%B0%E1%BB%9Di+s%E1%BB%ADa&kind=regular&achievement=B".into()),
        "/awards/{id}/void" => form("reason=Nh%E1%BA%ADp+nh%E1%BA%A7m".into()),
        "/awards/{id}/restore" => form(String::new()),
        "/budget/entries" => form("level=commune&stage=allocation&amount=5&from=2026-01-01".into()),
        "/budget/seed" => form(String::new()),
        "/budget/entries/{id}/edit" => form("level=commune&stage=allocation&amount=7.000&from=2026-01-05".into()),
        "/movement/documents/{id}/void"
        | "/movement/activities/{id}/void"
        | "/movement/posts/{id}/void"
        | "/budget/entries/{id}/void" => form("reason=Nh%E1%BA%ADp+nh%E1%BA%A7m".into()),
        "/movement/activities/{id}/edit" => form(format!("village={target}&held_on=2026-02-01&title=S%E1%BB%ADa&participants=5")),
        "/movement/posts/{id}/edit" => form(format!("unit={target}&posted_on=2026-02-01&post_title=S%E1%BB%ADa")),
        "/api/v1/documents/{id}/void"
        | "/api/v1/activities/{id}/void"
        | "/api/v1/posts/{id}/void"
        | "/api/v1/budget/entries/{id}/void" => Some(reqwest::Body::from(r#"{"reason": "Nhập nhầm"}"#)),
        "/api/v1/documents" => Some(reqwest::Body::from(
            serde_json::json!({"unit_id": target, "kind": "plan", "number": "02/KH", "title": "Kế hoạch",
                "issued_on": "2026-02-01"})
            .to_string(),
        )),
        "/api/v1/activities" => Some(reqwest::Body::from(
            serde_json::json!({"village_id": target, "held_on": "2026-02-01", "title": "Hoạt động"}).to_string(),
        )),
        "/api/v1/posts" => Some(reqwest::Body::from(
            serde_json::json!({"unit_id": target, "posted_on": "2026-02-01", "title": "Tin bài"}).to_string(),
        )),
        "/api/v1/documents/{id}" | "/api/v1/activities/{id}" | "/api/v1/posts/{id}" => {
            Some(reqwest::Body::from(r#"{"title": "Sửa"}"#))
        }
        "/api/v1/budget/entries" => Some(reqwest::Body::from(
            serde_json::json!({"level": "commune", "stage": "allocation", "amount": 5, "from": "2026-01-01",
                "unit_id": target})
            .to_string(),
        )),
        "/api/v1/budget/entries/{id}" => Some(reqwest::Body::from(r#"{"amount": 6}"#)),
        "/duties/reports" => form("duty=1.1&due=2024-12-31&summary=x".into()),
        "/duties/period-reports" => form(format!("unit={target}&summary=x")),
        "/duties/reports/{id}/edit" => form("duty=1.1&due=2024-12-31&received_on=2025-01-04&summary=Sua".into()),
        "/duties/period-reports/{id}/edit" => {
            form(format!("received_on={}&summary=Sua", chrono::Utc::now().date_naive()))
        }
        "/duties/reports/{id}/void" | "/duties/period-reports/{id}/void" => form("reason=Nhap+nham".into()),
        "/warnings/{slug}/edit" => form("title=Canh+bao&summary=Tom+tat&body=Noi+dung&category=fraud".into()),
        "/warnings/{slug}/void" => form("reason=Nhap+nham".into()),
        "/warnings" => form("title=Canh+bao&summary=Tom+tat&body=Noi+dung&category=fraud".into()),
        "/campaigns" => form(
            "title=Chien+dich&item0.title=Bai&item0.kind=article&item0.url=https%3A%2F%2Fexample.vn%2Fb&action=publish"
                .into(),
        ),
        "/campaigns/{id}/items" => {
            form("item0.title=Bai+2&item0.kind=article&item0.url=https%3A%2F%2Fexample.vn%2Fc".into())
        }
        "/campaigns/{id}/items/edit" => {
            form("item=1&item0.title=Bai+sua&item0.kind=article&item0.url=https%3A%2F%2Fexample.vn%2Fb".into())
        }
        "/campaigns/{id}/items/void" => form("item=1&reason=Nhap+nham".into()),
        // A builder step (a question added): nothing saved, the form comes back.
        "/surveys" => form("title=Khao+sat&action=add%3Achoice".into()),
        "/surveys/{id}/edit" => form("title=Khao+sat&action=add%3Achoice".into()),
        "/movement/initiatives/{id}/campaign-shares" => form(format!("campaign={}&reach=5", records.campaign)),
        // The people registries' corrections (a void needs a reason, sent by their own tests only).
        "/movement/people/{id}/edit" => {
            form(format!("unit={target}&full_name=Ng%C6%B0%E1%BB%9Di+th%E1%BB%AD+s%E1%BB%ADa&role=legal_reporter&registered_from=2026"))
        }
        "/movement/trainings/{id}/edit" => form(format!(
            "unit={target}&title=L%E1%BB%9Bp+s%E1%BB%ADa&held_on=2026-03-01&attendee={}&action=save",
            records.person
        )),
        "/movement/voices/{id}/edit" => {
            form(format!("unit={target}&full_name=Ng%C6%B0%E1%BB%9Di+s%E1%BB%ADa&where=in&consent_on=2026-01-01&registered_from=2026"))
        }
        "/api/v1/people" => Some(reqwest::Body::from(
            serde_json::json!({"unit_id": target, "full_name": "Người mới", "role": "legal_reporter", "registered_from": 2026})
                .to_string(),
        )),
        "/api/v1/people/{id}" => Some(reqwest::Body::from(r#"{"full_name": "Người thử đã sửa"}"#)),
        "/api/v1/trainings" => Some(reqwest::Body::from(
            serde_json::json!({"unit_id": target, "title": "Lớp mới", "held_on": "2026-04-01", "attendees": [records.person]})
                .to_string(),
        )),
        "/api/v1/trainings/{id}" => Some(reqwest::Body::from(r#"{"title": "Lớp thử đã sửa"}"#)),
        "/api/v1/voices" => Some(reqwest::Body::from(
            serde_json::json!({"unit_id": target, "full_name": "Người có uy tín mới", "registered_from": 2026,
                "consent_on": "2026-02-01"})
            .to_string(),
        )),
        "/api/v1/voices/{id}" => Some(reqwest::Body::from(r#"{"full_name": "Người có uy tín đã sửa"}"#)),
        "/outreach/contests" => form(format!(
            "title=Thi&organiser={target}&opens_at=2026-01-01T08:00&closes_at=2026-02-01T08:00&question_count=5\
             &time_limit_minutes=1&max_attempts=1&period=day&prediction_question=Bao+nhieu"
        )),
        "/outreach/contests/{id}/edit" => form(
            "title=Thi&opens_at=2030-01-01T08:00&closes_at=2030-02-01T08:00&question_count=5\
             &time_limit_minutes=1&max_attempts=1&period=day&prediction_question=Bao+nhieu"
                .into(),
        ),
        "/outreach/contests/{id}/void" => form("reason=Nhap+nham".into()),
        "/outreach/contests/{id}/questions" => form("category=A&text=B&choice0=C&choice1=D&correct=0".into()),
        "/outreach/contests/{id}/questions/edit" => {
            form("question=1&category=A&text=B&choice0=C&choice1=D&correct=0".into())
        }
        "/outreach/contests/{id}/questions/retire" => form("question=1".into()),
        "/outreach/contests/{id}/units" => form("unit_q=".into()),
        "/outreach/contests/{id}/staff" => form("phones=0912000999".into()),
        "/outreach/contests/{id}/prizes" => form("rank_from=1&title=Nhat".into()),
        "/outreach/contests/{id}/prizes/remove" => form("prize=1".into()),
        _ => None,
    }
}

async fn call(
    app: &TestApp,
    method: &Method,
    path: &str,
    target: i64,
    records: Records,
    token: Option<&str>,
) -> StatusCode {
    request(&app.http, &app.base, method, path, target, records, token).send().await.unwrap().status()
}

/// The request `call` sends, built from owned parts so it can run in a task.
fn request(
    http: &reqwest::Client,
    base: &str,
    method: &Method,
    path: &str,
    target: i64,
    records: Records,
    token: Option<&str>,
) -> reqwest::RequestBuilder {
    let query = if path.ends_with("/rollup") { "?on=2026-01-01&mode=then" } else { "" };
    let url = format!("{}{}{query}", base, fill(path, target, records));
    let mut req = http.request(method.clone(), url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(body) = body_for(path, target, records) {
        let json = path.starts_with("/api/");
        req = req
            .header("content-type", if json { "application/json" } else { "application/x-www-form-urlencoded" })
            .body(body);
    }
    req
}

fn is_public(method: &Method, path: &str) -> bool {
    PUBLIC.iter().any(|(m, p)| *m == method.as_str() && *p == path)
}

#[tokio::test]
async fn every_route_refuses_anonymous_callers() {
    let app = TestApp::start().await;
    let before = app.write_count().await;
    for (method, path, _) in khienmang_web::route_table() {
        if is_public(&method, path) {
            continue;
        }
        let status = call(&app, &method, path, app.commune_a.0.0, Records::default(), None).await;
        let ok = if path.starts_with("/api/") {
            status == StatusCode::UNAUTHORIZED
        } else {
            status == StatusCode::SEE_OTHER || status == StatusCode::UNAUTHORIZED
        };
        assert!(ok, "{method} {path} answered {status} to an anonymous caller");
    }
    assert_eq!(app.write_count().await, before);
}

#[tokio::test]
async fn commune_officer_cannot_read_or_change_another_commune() {
    let app = TestApp::start().await;
    app.user("xa-a", Role::CommuneOfficer, Some(app.commune_a.0)).await;
    let t = app.token("xa-a").await;
    let (own, other) = (app.commune_a.0.0, app.commune_b.0.0);
    let (own_records, other_records) =
        (records_of(&app, app.commune_a.0).await, records_of(&app, app.commune_b.0).await);
    let before = app.write_count().await;
    let mut walked = 0;
    for (method, path, _) in khienmang_web::route_table() {
        if is_scamcheck(path) {
            let status = call(&app, &method, path, other, other_records, Some(&t)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: communes do not manage the scam list");
            continue;
        }
        if programme_capability(&method, path).is_some_and(|c| !Role::CommuneOfficer.can(c)) {
            let status = call(&app, &method, path, other, other_records, Some(&t)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: the secretariat's, not a commune's");
            continue;
        }
        if is_accounts(path) {
            // Account administration is the secretariat's, in its own commune as in another.
            for (unit, records) in [(other, other_records), (own, own_records)] {
                let status = call(&app, &method, path, unit, records, Some(&t)).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: communes administer no accounts");
            }
            continue;
        }
        // Public pages (warnings, surveys) are everyone's.
        if is_public(&method, path) {
            continue;
        }
        if path == "/org/units/{id}/abolish-level" {
            // A whole level is abolished by the province: refused alike for either commune, nothing learnt.
            for (unit, records) in [(other, other_records), (own, own_records)] {
                let status = call(&app, &method, path, unit, records, Some(&t)).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: communes abolish no level");
            }
            continue;
        }
        if path == "/duties/reports/{id}" {
            // A body's report on a duty is the programme's, read by every commune that reads the duties.
            let status = call(&app, &method, path, other, other_records, Some(&t)).await;
            assert_eq!(status, StatusCode::OK, "{method} {path}");
            continue;
        }
        if path == "/campaigns/{id}" {
            // A campaign is the province's; its page counts coverage within the officer's scope only.
            let status = call(&app, &method, path, other, other_records, Some(&t)).await;
            assert_eq!(status, StatusCode::OK, "{method} {path}");
            continue;
        }
        if !path.contains("{id}") && path != "/api/v1/org/operations" {
            continue;
        }
        walked += 1;
        let status = call(&app, &method, path, other, other_records, Some(&t)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path} on another commune answered {status}");
        if method == Method::GET {
            let status = call(&app, &method, path, own, own_records, Some(&t)).await;
            assert_eq!(status, StatusCode::OK, "{method} {path} on the officer's own commune answered {status}");
        }
    }
    assert!(walked >= 9, "walked {walked} unit routes");
    assert_eq!(app.write_count().await, before, "a refused request wrote something");

    // Lists and searches never show the other commune either.
    let (_, found) = app.get_json(&t, &format!("/api/v1/org/units?code={}", app.commune_b.1)).await;
    assert_eq!(found, serde_json::json!([]));
    let (_, found) = app.get_json(&t, &format!("/api/v1/org/units?code={}", app.commune_a.1)).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (status, _) = app.get_json(&t, &format!("/api/v1/org/units/{}/children", app.province.0)).await;
    assert_eq!(status, 404, "the province above is outside a commune's subtree");

    // Changing its own commune works (so the refusals above are about scope).
    let status = call(&app, &Method::POST, "/api/v1/org/operations", own, own_records, Some(&t)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn each_role_gets_exactly_its_capabilities() {
    let app = TestApp::start().await;
    let agency = new_unit(&app, "Công an xã thử", khienmang_core::org::Level::Agency, Some(app.commune_a.0)).await;
    let roles = [
        ("admin", Role::SystemAdmin, None),
        ("tinh", Role::Secretariat, Some(app.province)),
        ("xa", Role::CommuneOfficer, Some(app.commune_a.0)),
        ("donvi", Role::UnitOfficer, Some(agency)),
        ("mohinh", Role::InitiativeLeader, Some(app.commune_a.0)),
        ("phantich", Role::Analyst, Some(app.province)),
    ];
    for (name, role, scope) in roles {
        app.user(name, role, scope).await;
        let t = app.token(name).await;
        let home = scope.unwrap_or(app.province).0;
        let records = records_of(&app, khienmang_core::org::UnitId(home)).await;
        for (method, path, _) in khienmang_web::route_table() {
            // Skipped: ending the session itself, and steps that need a pending
            // upload or second factor (their own tests cover them).
            if is_public(&method, path)
                || path.contains("{batch}")
                || path.contains("totp")
                || path == "/api/v1/session"
            {
                continue;
            }
            let status = call(&app, &method, path, home, records, Some(&t)).await;
            let needs = capability_for(&method, path);
            // Only the unit handling a report sees its reporter's contact; an
            // account over the whole country handles none.
            if path == "/reports/{id}/contact" && scope.is_none() {
                assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {method} {path}");
                continue;
            }
            match needs {
                Some(cap) if !role.can(cap) => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {method} {path} answered {status}")
                }
                // An initiative leader writes only the initiatives linked to it
                // (none here); its own tests cover the links.
                _ if role == Role::InitiativeLeader
                    && is_movement(path)
                    && (method == Method::POST || method == Method::PATCH || is_record_change(&method, path)) =>
                {
                    assert!(
                        status == StatusCode::FORBIDDEN
                            || status == StatusCode::BAD_REQUEST
                            || status == StatusCode::UNPROCESSABLE_ENTITY
                            || status == StatusCode::NOT_FOUND,
                        "{name}: {method} {path} answered {status}"
                    )
                }
                _ => assert!(
                    // Past access control; 400/422 only for a body this walk does not fill in.
                    status.is_success()
                        || status.is_redirection()
                        || ((path == "/import"
                            || path == "/account/password"
                            || is_accounts(path)
                            || is_movement(path)
                            || is_reports(path)
                            || is_scamcheck(path)
                            || programme_capability(&method, path).is_some())
                            && (status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY))
                        // No such indicator, dispute or evaluation for this home unit.
                        || ((is_scamcheck(path) || programme_capability(&method, path).is_some())
                            && (status == StatusCode::NOT_FOUND || status == StatusCode::UNSUPPORTED_MEDIA_TYPE))
                        // A record this walk voided a step before (only the secretariat restores it).
                        || (voided_by_the_walk(path) && status == StatusCode::NOT_FOUND),
                    "{name}: {method} {path} answered {status}"
                ),
            }
        }
    }
}

/// A unit made directly in the store (effective 2026-01-01).
pub(crate) async fn new_unit(
    app: &TestApp,
    name: &str,
    level: khienmang_core::org::Level,
    parent: Option<khienmang_core::org::UnitId>,
) -> khienmang_core::org::UnitId {
    create_unit(&app.store, TEST_ACTOR, khienmang_core::org::NewUnit::new(name, level, parent), day("2026-01-01"))
        .await
        .unwrap()
}

/// Which of a role's three targets a request names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// A record of the role's own subtree.
    Own,
    /// A record of another commune's (or province's) subtree.
    Other,
    /// Phường Thọ Xương (07201), merged into commune 07210 on 1 July 2025:
    /// history of the own subtree, read-only.
    Historical,
}

/// Routes naming a unit or a record: in the path, or (for these) in the body.
fn names_a_unit_or_record(method: &Method, path: &str) -> bool {
    // The official list is the province's, of no unit: the capability is
    // the whole rule (checked by `each_role_gets_exactly_its_capabilities`).
    if is_public(method, path) || path.starts_with("/scamcheck/official") || path.starts_with("/duties/reports/") {
        return false;
    }
    path.contains("{id}")
        || path == "/api/v1/org/operations"
        || (*method == Method::POST
            && [
                "/awards",
                "/awards/from-ranking",
                "/duties/period-reports",
                "/outreach/contests",
                "/users",
                "/api/v1/users",
                "/api/v1/documents",
                "/api/v1/activities",
                "/api/v1/posts",
                "/api/v1/budget/entries",
                "/api/v1/people",
                "/api/v1/trainings",
                "/api/v1/voices",
            ]
            .contains(&path))
}

/// Every route naming a unit or a record, as every staff role, on three
/// targets: its own subtree (allowed when the role has the capability),
/// another subtree (403/404, nothing written, nothing of it in the answer)
/// and a commune merged away in 2025 (history: read where the role reads,
/// never written).
#[tokio::test]
async fn every_role_reads_and_writes_only_its_own_subtree_and_never_writes_history() {
    use khienmang_core::org::Level;
    let app = TestApp::start().await;
    let agency = new_unit(&app, "Công an xã thử", Level::Agency, Some(app.commune_a.0)).await;
    // Another province with a commune: the "other subtree" of the province's own staff.
    let far_province = new_unit(&app, "Tỉnh Ngoài Phạm Vi", Level::Province, None).await;
    let far_commune = new_unit(&app, "Xã Ngoài Phạm Vi", Level::Commune, Some(far_province)).await;
    let historical = app
        .store
        .units_by_code("07201", day("2024-06-01"))
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.level == Level::Commune)
        .expect("old commune 07201")
        .unit_id;
    assert!(
        app.store.units_by_code("07201", day("2026-01-01")).await.unwrap().is_empty(),
        "07201 no longer exists today"
    );
    let commune_b_name = app.store.unit_versions(app.commune_b.0).await.unwrap().last().unwrap().name.clone();
    let mut records = std::collections::HashMap::new();
    for unit in [app.commune_a.0, app.commune_b.0, agency, far_commune, historical] {
        records.insert(unit, records_of(&app, unit).await);
    }
    // (name, role, scope, own target, other target and a name it must not leak).
    let roles = [
        ("admin", Role::SystemAdmin, None, app.commune_a.0, None),
        ("tinh", Role::Secretariat, Some(app.province), app.commune_a.0, Some((far_commune, "Xã Ngoài Phạm Vi"))),
        ("phantich", Role::Analyst, Some(app.province), app.commune_a.0, Some((far_commune, "Xã Ngoài Phạm Vi"))),
        ("xa", Role::CommuneOfficer, Some(app.commune_a.0), app.commune_a.0, Some((app.commune_b.0, &*commune_b_name))),
        (
            "mohinh",
            Role::InitiativeLeader,
            Some(app.commune_a.0),
            app.commune_a.0,
            Some((app.commune_b.0, &*commune_b_name)),
        ),
        ("donvi", Role::UnitOfficer, Some(agency), agency, Some((app.commune_b.0, &*commune_b_name))),
    ];
    let routes: Vec<(Method, &str)> = khienmang_web::route_table()
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .filter(|(m, p)| names_a_unit_or_record(m, p))
        .collect();
    assert!(routes.len() >= 40, "walked only {} routes", routes.len());
    let mut failures = Vec::new();
    for (name, role, scope, own, other) in roles {
        app.user(name, role, scope).await;
        let t = app.token(name).await;
        // The merged commune is the history of commune 07210, so of every
        // scope above it; an agency's officer has no part in it.
        let history_is_own = scope != Some(agency);
        let mut targets =
            vec![(Target::Historical, historical, (!history_is_own).then(|| "Phường Thọ Xương".to_string()))];
        if let Some((unit, leak)) = other {
            targets.insert(0, (Target::Other, unit, Some(leak.to_string())));
        }
        // Refusals first (reads in parallel, writes one by one with a count
        // around each), then the own subtree, whose writes may change things.
        for (target, unit, leak) in targets.into_iter().chain([(Target::Own, own, None)]) {
            let recs = records[&unit];
            let mut reads = tokio::task::JoinSet::new();
            let mut results = Vec::new();
            for (method, path) in &routes {
                let mut req = request(&app.http, &app.base, method, path, unit.0, recs, Some(&t));
                if target == Target::Historical && *path == "/api/v1/org/units/{id}" {
                    // The unit as it was: today it does not exist.
                    req = req.query(&[("as_of", "2024-06-01")]);
                }
                if *method == Method::GET {
                    let (method, path) = (method.clone(), *path);
                    reads.spawn(async move {
                        let res = req.send().await.unwrap();
                        let status = res.status();
                        (method, path, status, res.text().await.unwrap_or_default(), false)
                    });
                } else {
                    let before = app.write_count().await;
                    let res = req.send().await.unwrap();
                    let status = res.status();
                    let body = res.text().await.unwrap_or_default();
                    let wrote = app.write_count().await != before;
                    results.push((method.clone(), *path, status, body, wrote));
                }
            }
            while let Some(r) = reads.join_next().await {
                results.push(r.unwrap());
            }
            for (method, path, status, body, wrote) in results {
                let cap = capability_for(&method, path);
                // Outside the subtree: refused as not found (or forbidden), nothing written, nothing shown.
                let outside = || {
                    if !(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND) || wrote {
                        Some("outside the subtree: expected 403/404 and nothing written")
                    } else if leak.as_deref().is_some_and(|l| body.contains(l)) {
                        Some("outside the subtree: its name is in the answer")
                    } else {
                        None
                    }
                };
                let problem = if cap.is_some_and(|c| !role.can(c)) {
                    (status != StatusCode::FORBIDDEN || wrote).then_some("lacks the capability: expected 403")
                } else if path == "/reports/{id}/contact" && target == Target::Own && scope != Some(own) {
                    // Only the unit handling a report (here `own`) sees its reporter's contact.
                    (status != StatusCode::FORBIDDEN || wrote).then_some("not the handling unit: expected 403")
                } else if role == Role::InitiativeLeader
                    && method == Method::POST
                    && path.starts_with("/movement/initiatives/{id}/")
                    && target == Target::Own
                {
                    // A leader writes only the initiatives linked to its account
                    // (none here; `write_scope` covers the linked case). A body
                    // this walk does not fill in may be refused first.
                    let refused = [StatusCode::FORBIDDEN, StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY]
                        .contains(&status)
                        || (status == StatusCode::NOT_FOUND && own_may_be_missing(path));
                    (!refused || wrote).then_some("an unlinked initiative: expected a refusal")
                } else if role == Role::InitiativeLeader && target == Target::Own && is_record_change(&method, path) {
                    // A leader changes only its initiatives, never the unit's registry.
                    let refused = [StatusCode::FORBIDDEN, StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY]
                        .contains(&status)
                        || (status == StatusCode::NOT_FOUND && own_may_be_missing(path));
                    (!refused || wrote).then_some("a leader and the unit's registry: expected a refusal")
                } else if target == Target::Historical
                    && history_is_own
                    && method == Method::GET
                    && (is_record_change(&method, path) || path == "/budget/entries/{id}/edit")
                {
                    // A correction form of a unit kept only for its history is refused with the reason.
                    (!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND) || wrote)
                        .then_some("history: a correction form offered")
                } else if role == Role::InitiativeLeader
                    && target == Target::Own
                    && is_people_registry_change(&method, path)
                {
                    // A leader changes only its initiatives, never the people registries.
                    let refused = [StatusCode::FORBIDDEN, StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY]
                        .contains(&status);
                    (!refused || wrote).then_some("a leader changed a people registry: expected a refusal")
                } else if path == "/campaigns/{id}" {
                    // A campaign is the province's; its page counts coverage within the scope only.
                    (status != StatusCode::OK || leak.as_deref().is_some_and(|l| body.contains(l)))
                        .then_some("a campaign's page: expected 200 without the other subtree")
                } else {
                    match target {
                        Target::Own => (!(status.is_success()
                            || status.is_redirection()
                            // A body this walk does not fill in, or no such
                            // indicator, evaluation or pending upload.
                            || status == StatusCode::BAD_REQUEST
                            || status == StatusCode::UNPROCESSABLE_ENTITY
                            || status == StatusCode::UNSUPPORTED_MEDIA_TYPE
                            || (status == StatusCode::NOT_FOUND && own_may_be_missing(path))))
                        .then_some("own subtree refused"),
                        Target::Other => outside(),
                        Target::Historical if !history_is_own => outside(),
                        Target::Historical if method == Method::GET => (!(status.is_success()
                            || (status == StatusCode::NOT_FOUND && own_may_be_missing(path))))
                        .then_some("history: a read within the capability refused"),
                        Target::Historical => (status.is_success() || status.is_redirection() || wrote)
                            .then_some("history: a write accepted"),
                    }
                };
                if let Some(p) = problem {
                    failures.push(format!("{name} {target:?}: {method} {path} answered {status} wrote={wrote}: {p}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} cases:\n{}", failures.len(), failures.join("\n"));
    // The server still answers after the walk.
    let (status, _) = app.get_json(&app.token("xa").await, &format!("/api/v1/org/units/{}", app.commune_a.0.0)).await;
    assert_eq!(status, 200);
}

/// Routes whose `{id}` names something the walk does not make (an
/// indicator, a dispute, a pending upload): no such record is not a refusal.
fn own_may_be_missing(path: &str) -> bool {
    path.starts_with("/evaluations/")
        || is_scamcheck(path)
        || path.contains("{batch}")
        // The walk's body names prize 1, already removed by the walk on the merged commune's contest.
        || path == "/outreach/contests/{id}/prizes/remove"
        // The walk's body names item 1, voided by an earlier role's walk of the same campaign.
        || path == "/campaigns/{id}/items/edit"
        || path == "/campaigns/{id}/items/void"
        // A record an earlier role of the walk voided (only the secretariat restores it),
        // a nomination among them.
        || voided_by_the_walk(path)
        || path.starts_with("/awards/{id}")
}
