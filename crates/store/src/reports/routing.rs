//! Where citizens' reports go: the province they belong to and its communes
//! today. It is read for every report, so it is built once per tree
//! generation and day and shared. A request routes with the routing last
//! built (no query); the intake's writer checks once per batch, just before
//! writing it, that it is still current (another replica may have changed
//! the tree) and routes again what was routed with an older one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use khienmang_core::Date;
use khienmang_core::org::{Level, UnitId, UnitVersion};
use khienmang_core::reports::nearest;
use khienmang_core::time::Timestamp;
use sqlx::Row;
use tokio::sync::RwLock;

use crate::db::ORG_GENERATION;
use crate::{Result, Store, StoreError};

/// The setting naming, by unit id, the province the installation serves:
/// reports belong to it, and whole-country views start there. It is set from
/// `[reports] province` ([`Store::configure_province`]); without it nothing
/// is routed (never to whichever top-level unit sorts first, which anyone
/// able to make one could choose).
const PROVINCE_SETTING: &str = "reports.province";

/// The longest official code accepted for the province.
const MAX_CODE_LEN: usize = 16;

fn not_configured() -> StoreError {
    StoreError::Invalid(
        "Chưa cấu hình tỉnh/thành phố của hệ thống: đặt [reports] province (mã tỉnh, ví dụ \"24\") \
         hoặc KHIENMANG_REPORTS_PROVINCE."
            .into(),
    )
}

/// What the routing was built from: when any part changes, it is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Basis {
    generation: i64,
    province_setting: Option<String>,
    day: Date,
}

#[derive(Default)]
pub(super) struct RoutingCache(RwLock<Option<(Basis, Arc<ReportRouting>)>>);

/// The reports' province and its communes on one day.
#[derive(Debug)]
pub struct ReportRouting {
    pub province: UnitId,
    /// In name order, for the intake form.
    pub communes: Vec<UnitVersion>,
    /// A commune by its id or its official code, as forms and the API send it.
    by_key: HashMap<String, UnitId>,
    ids: HashSet<UnitId>,
    points: Vec<(UnitId, f64, f64)>,
}

impl ReportRouting {
    /// The commune named by its id or official code.
    pub fn commune(&self, given: &str) -> Option<UnitId> {
        self.by_key.get(given.trim()).copied()
    }

    pub fn is_commune(&self, unit: UnitId) -> bool {
        self.ids.contains(&unit)
    }

    /// The commune whose centre is nearest to a location.
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<UnitId> {
        nearest(&self.points, lat, lon)
    }
}

impl Store {
    /// Points the installation at the top-level unit whose official code is
    /// `code` on `on` (from `[reports] province`), writing the setting only
    /// when it changes (at `now`). Refused when no single top-level unit
    /// has that code.
    pub async fn configure_province(&self, code: &str, on: Date, now: Timestamp) -> Result<UnitId> {
        let code = code.trim();
        if code.is_empty() || code.len() > MAX_CODE_LEN {
            return Err(StoreError::Invalid(format!(
                "[reports] province phải là mã tỉnh/thành phố (tối đa {MAX_CODE_LEN} ký tự), ví dụ \"24\"."
            )));
        }
        let roots: Vec<UnitId> = self
            .units_by_code(code, on)
            .await?
            .into_iter()
            .filter(|v| v.parent_id.is_none())
            .map(|v| v.unit_id)
            .collect();
        let [province] = roots[..] else {
            return Err(StoreError::Invalid(format!(
                "[reports] province = \"{code}\": không có đúng một tỉnh/thành phố (đơn vị cấp cao nhất) mang mã này \
                 vào ngày {}. Kiểm tra mã, hoặc nhập danh mục đơn vị trước (khienmang import units).",
                on.format("%d/%m/%Y")
            )));
        };
        if self.setting(PROVINCE_SETTING).await?.as_deref() != Some(province.0.to_string().as_str()) {
            let mut tx = self.begin_write("config", now).await?;
            tx.set_setting(PROVINCE_SETTING, &province.0.to_string()).await?;
            tx.audit("settings.reports_province", &format!("unit:{province}"), &serde_json::json!({ "code": code }))
                .await?;
            tx.commit().await?;
        }
        Ok(province)
    }

    fn routing_cache(&self) -> Arc<RoutingCache> {
        self.caches().get()
    }

    /// The routing last built, if built for `day`, without asking the
    /// database whether it is still current; else [`Store::report_routing_on`].
    /// For requests whose writes check it again ([`crate::reports::Intake`]).
    pub async fn report_routing_cached(&self, day: Date) -> Result<Arc<ReportRouting>> {
        if let Some((basis, routing)) = self.routing_cache().0.read().await.as_ref()
            && basis.day == day
        {
            return Ok(routing.clone());
        }
        self.report_routing_on(day).await
    }

    /// The routing on `day` (a date in Viet Nam: a report sent at 01:00 on
    /// the day a reorganisation takes effect goes by the new tree), rebuilt
    /// only when the tree, the province setting or the day changed.
    pub async fn report_routing_on(&self, day: Date) -> Result<Arc<ReportRouting>> {
        let rows = sqlx::query("SELECT key, value FROM settings WHERE key = $1 OR key = $2")
            .bind(ORG_GENERATION)
            .bind(PROVINCE_SETTING)
            .fetch_all(self.pool())
            .await?;
        let mut basis = Basis { generation: 0, province_setting: None, day };
        for row in rows {
            let (key, value): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            if key == ORG_GENERATION {
                basis.generation = value.parse().unwrap_or(0);
            } else {
                basis.province_setting = Some(value);
            }
        }
        if let Some((cached, routing)) = self.routing_cache().0.read().await.as_ref()
            && *cached == basis
        {
            return Ok(routing.clone());
        }
        let history = self.org_history().await?;
        let configured = basis.province_setting.as_deref().and_then(|v| v.trim().parse().ok()).map(UnitId);
        let configured = configured.ok_or_else(not_configured)?;
        // A province merged since it was configured is followed to its successor.
        let province = history.successor_on(configured, basis.day).unwrap_or(configured);
        let mut communes: Vec<UnitVersion> = history
            .subtree_on(province, basis.day)
            .into_iter()
            .filter(|v| v.level == Level::Commune)
            .cloned()
            .collect();
        communes.sort_by_cached_key(|v| khienmang_core::text::fold(&v.name));
        let mut by_key = HashMap::new();
        for v in &communes {
            by_key.insert(v.unit_id.0.to_string(), v.unit_id);
            if let Some(code) = &v.code {
                by_key.insert(code.clone(), v.unit_id);
            }
        }
        let points = communes.iter().filter_map(|v| Some((v.unit_id, v.lat?, v.lon?))).collect();
        let ids = communes.iter().map(|v| v.unit_id).collect();
        let routing = Arc::new(ReportRouting { province, communes, by_key, ids, points });
        *self.routing_cache().0.write().await = Some((basis, routing.clone()));
        Ok(routing)
    }
}
