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
use sqlx::Row;
use tokio::sync::RwLock;

use crate::db::ORG_GENERATION;
use crate::{Result, Store, StoreError};

/// The setting naming the province reports belong to (else the first root).
const PROVINCE_SETTING: &str = "reports.province";

/// What the routing was built from: when any part changes, it is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Basis {
    generation: i64,
    province_setting: Option<String>,
    day: Date,
}

#[derive(Default)]
pub(crate) struct RoutingCache(RwLock<Option<(Basis, Arc<ReportRouting>)>>);

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
    /// The routing last built, if built today, without asking the database
    /// whether it is still current; else [`Store::report_routing`]. For
    /// requests whose writes check it again ([`crate::reports::Intake`]).
    pub async fn report_routing_cached(&self) -> Result<Arc<ReportRouting>> {
        let today = chrono::Utc::now().date_naive();
        if let Some((basis, routing)) = self.routing_cache().0.read().await.as_ref()
            && basis.day == today
        {
            return Ok(routing.clone());
        }
        self.report_routing().await
    }

    /// The routing of today, rebuilt only when the tree, the province
    /// setting or the day changed.
    pub async fn report_routing(&self) -> Result<Arc<ReportRouting>> {
        let rows = sqlx::query("SELECT key, value FROM settings WHERE key = $1 OR key = $2")
            .bind(ORG_GENERATION)
            .bind(PROVINCE_SETTING)
            .fetch_all(self.pool())
            .await?;
        let mut basis = Basis { generation: 0, province_setting: None, day: chrono::Utc::now().date_naive() };
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
        let province = match basis.province_setting.as_deref().and_then(|v| v.parse().ok()) {
            Some(id) => UnitId(id),
            None => self.roots_on(basis.day).await?.first().map(|v| v.unit_id).ok_or(StoreError::NotFound)?,
        };
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
