//! Outreach campaigns ("chiến dịch tuyên truyền", document III.2.3 (1)): the
//! steering committee publishes content items (articles, videos, images,
//! warnings) on a schedule, aimed at initiatives in some areas and on some
//! themes; the initiatives cascade them to their members and confirm that
//! they shared them, with the reach they saw. Coverage is the share of the
//! targeted initiatives that confirmed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use crate::movement::initiative::Focus;
use crate::org::UnitId;

string_enum!(
    /// What a content item is.
    ContentKind {
        Article = "article" / "Tin, bài",
        Video = "video" / "Video clip, phóng sự",
        Image = "image" / "Hình ảnh, infographic",
        Warning = "warning" / "Cảnh báo",
    }
);

/// One piece of content to share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentItem {
    pub id: i64,
    pub kind: ContentKind,
    pub title: String,
    /// The address of an article, video or image (absolute http(s)).
    pub url: Option<String>,
    /// The warning a warning item shares ([`super::warnings::Warning::id`]).
    pub warning_id: Option<i64>,
    /// Why the item was voided (entered by mistake after the campaign was
    /// published): it leaves the lists and the coverage, and stays in the
    /// campaign's history and the audit log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voided: Option<String>,
}

/// When a campaign runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub publish_at: DateTime<Utc>,
    /// `None`: runs until closed.
    pub end_at: Option<DateTime<Utc>>,
}

string_enum!(
    /// Where a campaign stands at a given time.
    CampaignState {
        Scheduled = "scheduled" / "Chưa bắt đầu",
        Running = "running" / "Đang triển khai",
        Ended = "ended" / "Đã kết thúc",
    }
);

impl Schedule {
    pub fn state(&self, now: DateTime<Utc>) -> CampaignState {
        if now < self.publish_at {
            CampaignState::Scheduled
        } else if self.end_at.is_some_and(|end| now >= end) {
            CampaignState::Ended
        } else {
            CampaignState::Running
        }
    }
}

/// Which initiatives a campaign is for. An initiative is targeted when its
/// unit is one of `units` or lies in one of `subtrees`, and (unless
/// `themes` is empty) it works on one of `themes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targeting {
    /// These units only.
    #[serde(default)]
    pub units: BTreeSet<UnitId>,
    /// These units and every unit below them.
    #[serde(default)]
    pub subtrees: BTreeSet<UnitId>,
    /// Empty: every theme.
    #[serde(default)]
    pub themes: Vec<Focus>,
}

/// What coverage needs to know of an initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeRef {
    pub id: i64,
    /// The unit it belongs to (village, commune, agency, school…).
    pub unit: UnitId,
    /// The unit's ancestors, nearest first, as the organisation tree has
    /// them on the day coverage is computed.
    pub ancestors: Vec<UnitId>,
    /// The commune it is counted under, if any (the unit itself or an
    /// ancestor; provincial agencies have none).
    pub commune: Option<UnitId>,
    pub focus: Vec<Focus>,
    /// Ended or dissolved initiatives are not asked to share anything.
    pub active: bool,
}

impl Targeting {
    pub fn targets(&self, i: &InitiativeRef) -> bool {
        let in_area = self.units.contains(&i.unit)
            || std::iter::once(&i.unit).chain(&i.ancestors).any(|u| self.subtrees.contains(u));
        let on_theme = self.themes.is_empty() || i.focus.iter().any(|f| self.themes.contains(f));
        i.active && in_area && on_theme
    }
}

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub items: Vec<ContentItem>,
    pub schedule: Schedule,
    pub targeting: Targeting,
}

/// Why a campaign cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignError {
    #[error("the campaign needs a title")]
    NoTitle,
    #[error("the campaign has no content")]
    NoItems,
    #[error("two content items share the id {0}")]
    DuplicateItem(i64),
    #[error("content item {0} has no title")]
    ItemWithoutTitle(i64),
    #[error("content item {0} needs an absolute http(s) address")]
    ItemWithoutUrl(i64),
    #[error("content item {0} is a warning but names none")]
    ItemWithoutWarning(i64),
    #[error("the campaign ends before it starts")]
    EndsBeforeStart,
    #[error("the campaign targets no area")]
    NoArea,
}

impl CampaignError {
    pub fn message_vi(&self) -> String {
        match self {
            CampaignError::NoTitle => "Cần đặt tên chiến dịch.".into(),
            CampaignError::NoItems => "Chiến dịch cần ít nhất một tin, bài, video, hình ảnh hoặc cảnh báo.".into(),
            CampaignError::DuplicateItem(id) => format!("Hai nội dung của chiến dịch trùng mã {id}."),
            CampaignError::ItemWithoutTitle(_) => "Mỗi nội dung tuyên truyền cần có tiêu đề.".into(),
            CampaignError::ItemWithoutUrl(_) => {
                "Tin, bài, video và hình ảnh cần có địa chỉ http(s) đầy đủ để các mô hình chia sẻ.".into()
            }
            CampaignError::ItemWithoutWarning(_) => "Nội dung loại cảnh báo cần chọn một cảnh báo đã đăng.".into(),
            CampaignError::EndsBeforeStart => "Thời điểm kết thúc phải sau thời điểm phát hành.".into(),
            CampaignError::NoArea => "Cần chọn địa bàn (đơn vị) triển khai chiến dịch.".into(),
        }
    }
}

impl Campaign {
    pub fn validate(&self) -> Result<(), CampaignError> {
        if self.title.trim().is_empty() {
            return Err(CampaignError::NoTitle);
        }
        if self.live_items().next().is_none() {
            return Err(CampaignError::NoItems);
        }
        let mut ids = BTreeSet::new();
        for item in &self.items {
            if !ids.insert(item.id) {
                return Err(CampaignError::DuplicateItem(item.id));
            }
            if item.title.trim().is_empty() {
                return Err(CampaignError::ItemWithoutTitle(item.id));
            }
            match item.kind {
                ContentKind::Warning if item.warning_id.is_none() => {
                    return Err(CampaignError::ItemWithoutWarning(item.id));
                }
                ContentKind::Warning => {}
                _ => {
                    let ok = item.url.as_deref().is_some_and(|u| crate::link::HttpUrl::parse(u).is_ok());
                    if !ok {
                        return Err(CampaignError::ItemWithoutUrl(item.id));
                    }
                }
            }
        }
        if self.schedule.end_at.is_some_and(|end| end <= self.schedule.publish_at) {
            return Err(CampaignError::EndsBeforeStart);
        }
        if self.targeting.units.is_empty() && self.targeting.subtrees.is_empty() {
            return Err(CampaignError::NoArea);
        }
        Ok(())
    }

    /// The items still offered (not voided), in order.
    pub fn live_items(&self) -> impl Iterator<Item = &ContentItem> {
        self.items.iter().filter(|i| i.voided.is_none())
    }

    /// The id a new item gets: never one in use, voided ones included.
    pub fn next_item_id(&self) -> i64 {
        self.items.iter().map(|i| i.id).max().unwrap_or(0) + 1
    }

    /// The initiatives this campaign asks to share.
    pub fn targeted<'a>(&self, initiatives: &'a [InitiativeRef]) -> Vec<&'a InitiativeRef> {
        initiatives.iter().filter(|i| self.targeting.targets(i)).collect()
    }
}

/// The running campaigns an initiative should share now: its task list.
pub fn campaigns_for<'a>(
    initiative: &InitiativeRef,
    campaigns: &'a [Campaign],
    now: DateTime<Utc>,
) -> Vec<&'a Campaign> {
    campaigns
        .iter()
        .filter(|c| c.schedule.state(now) == CampaignState::Running && c.targeting.targets(initiative))
        .collect()
}

/// An initiative's report that it shared a campaign's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareConfirmation {
    pub campaign_id: i64,
    pub initiative_id: i64,
    /// The item shared; `None` for the campaign as a whole.
    pub item_id: Option<i64>,
    pub confirmed_at: DateTime<Utc>,
    /// People reached (views, members of the group…) as the initiative
    /// reports it.
    pub reach: u64,
}

/// Coverage of one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CoverageFigure {
    /// Initiatives the campaign targets.
    pub targeted: u64,
    /// Of those, the ones that confirmed sharing at least once.
    pub confirmed: u64,
    /// confirmed / targeted; `None` ("no data", not 0%) with nothing
    /// targeted. Never above 1: only targeted initiatives count.
    pub rate: Option<f64>,
    /// Reach reported by the targeted initiatives.
    pub reach: u64,
}

impl CoverageFigure {
    fn new() -> CoverageFigure {
        CoverageFigure { targeted: 0, confirmed: 0, rate: None, reach: 0 }
    }

    fn finish(&mut self) {
        self.rate = (self.targeted > 0).then(|| self.confirmed as f64 / self.targeted as f64);
    }
}

/// A campaign's coverage, overall and by commune.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub overall: CoverageFigure,
    /// Communes with at least one targeted initiative.
    pub by_commune: BTreeMap<UnitId, CoverageFigure>,
    /// Reach reported by initiatives the campaign did not target: shown
    /// apart, so it neither inflates coverage nor is lost.
    pub untargeted_reach: u64,
}

/// Coverage of `campaign` from the initiatives and their confirmations.
///
/// A confirmation counts if it is for this campaign, names one of its items
/// (or none), and comes after publication (sharing cannot precede it; a
/// confirmation after the end still counts, reports come late). When an
/// initiative confirms the same item twice, the later report replaces the
/// earlier one, so a corrected reach is not added twice.
pub fn coverage(campaign: &Campaign, initiatives: &[InitiativeRef], confirmations: &[ShareConfirmation]) -> Coverage {
    // A share of a voided item no longer counts.
    let items: BTreeSet<i64> = campaign.live_items().map(|i| i.id).collect();
    let mut latest: BTreeMap<(i64, Option<i64>), &ShareConfirmation> = BTreeMap::new();
    for c in confirmations {
        let valid = c.campaign_id == campaign.id
            && c.item_id.is_none_or(|i| items.contains(&i))
            && c.confirmed_at >= campaign.schedule.publish_at;
        if !valid {
            continue;
        }
        let slot = latest.entry((c.initiative_id, c.item_id)).or_insert(c);
        if c.confirmed_at > slot.confirmed_at {
            *slot = c;
        }
    }
    let mut reach_of: BTreeMap<i64, u64> = BTreeMap::new();
    for ((initiative, _), c) in &latest {
        let r = reach_of.entry(*initiative).or_insert(0);
        *r = r.saturating_add(c.reach);
    }

    let mut overall = CoverageFigure::new();
    let mut by_commune: BTreeMap<UnitId, CoverageFigure> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for i in campaign.targeted(initiatives) {
        // An initiative listed twice is still one initiative.
        if !seen.insert(i.id) {
            continue;
        }
        let reach = reach_of.get(&i.id).copied();
        let add = |f: &mut CoverageFigure| {
            f.targeted += 1;
            f.confirmed += u64::from(reach.is_some());
            f.reach = f.reach.saturating_add(reach.unwrap_or(0));
        };
        add(&mut overall);
        if let Some(commune) = i.commune {
            add(by_commune.entry(commune).or_insert_with(CoverageFigure::new));
        }
    }
    overall.finish();
    by_commune.values_mut().for_each(CoverageFigure::finish);
    let untargeted_reach =
        reach_of.iter().filter(|(id, _)| !seen.contains(*id)).fold(0u64, |acc, (_, r)| acc.saturating_add(*r));
    Coverage { overall, by_commune, untargeted_reach }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, d, 2, 0, 0).unwrap()
    }

    const PROVINCE: UnitId = UnitId(1);
    const C_A: UnitId = UnitId(10);
    const C_B: UnitId = UnitId(11);
    const V_A1: UnitId = UnitId(100);

    fn campaign() -> Campaign {
        Campaign {
            id: 5,
            title: "Tháng cao điểm phòng, chống lừa đảo trực tuyến".into(),
            description: String::new(),
            items: vec![
                ContentItem {
                    id: 1,
                    kind: ContentKind::Video,
                    title: "Clip: giả danh công an".into(),
                    url: Some("https://www.youtube.com/watch?v=abc".into()),
                    warning_id: None,
                    voided: None,
                },
                ContentItem {
                    id: 2,
                    kind: ContentKind::Warning,
                    title: "Cảnh báo".into(),
                    url: None,
                    warning_id: Some(7),
                    voided: None,
                },
            ],
            schedule: Schedule { publish_at: at(2), end_at: Some(at(30)) },
            targeting: Targeting { units: BTreeSet::new(), subtrees: [C_A].into(), themes: vec![Focus::AntiFraud] },
        }
    }

    fn initiative(id: i64, unit: UnitId, ancestors: &[UnitId], commune: Option<UnitId>, focus: Focus) -> InitiativeRef {
        InitiativeRef { id, unit, ancestors: ancestors.to_vec(), commune, focus: vec![focus], active: true }
    }

    fn initiatives() -> Vec<InitiativeRef> {
        vec![
            initiative(1, C_A, &[PROVINCE], Some(C_A), Focus::AntiFraud),
            initiative(2, V_A1, &[C_A, PROVINCE], Some(C_A), Focus::AntiFraud),
            initiative(3, V_A1, &[C_A, PROVINCE], Some(C_A), Focus::Drugs), // wrong theme
            initiative(4, C_B, &[PROVINCE], Some(C_B), Focus::AntiFraud),   // outside the area
        ]
    }

    fn share(initiative_id: i64, item_id: Option<i64>, day: u32, reach: u64) -> ShareConfirmation {
        ShareConfirmation { campaign_id: 5, initiative_id, item_id, confirmed_at: at(day), reach }
    }

    #[test]
    fn campaigns_are_validated() {
        campaign().validate().unwrap();
        let mut c = campaign();
        c.items[0].url = Some("youtube.com/abc".into());
        assert_eq!(c.validate(), Err(CampaignError::ItemWithoutUrl(1)));
        let mut c = campaign();
        c.items[1].warning_id = None;
        assert_eq!(c.validate(), Err(CampaignError::ItemWithoutWarning(2)));
        let mut c = campaign();
        c.items[1].id = 1;
        assert_eq!(c.validate(), Err(CampaignError::DuplicateItem(1)));
        let mut c = campaign();
        c.schedule.end_at = Some(at(1));
        assert_eq!(c.validate().unwrap_err().message_vi(), "Thời điểm kết thúc phải sau thời điểm phát hành.");
        let mut c = campaign();
        c.targeting.subtrees.clear();
        assert_eq!(c.validate(), Err(CampaignError::NoArea));
        let mut c = campaign();
        c.items.clear();
        assert_eq!(c.validate(), Err(CampaignError::NoItems));
    }

    #[test]
    fn schedule_states() {
        let s = campaign().schedule;
        assert_eq!(s.state(at(1)), CampaignState::Scheduled);
        assert_eq!(s.state(at(2)), CampaignState::Running);
        assert_eq!(s.state(at(30)), CampaignState::Ended);
        let open = Schedule { publish_at: at(2), end_at: None };
        assert_eq!(open.state(at(30)), CampaignState::Running);
    }

    #[test]
    fn targeting_by_subtree_unit_and_theme() {
        let c = campaign();
        let ids: Vec<i64> = c.targeted(&initiatives()).iter().map(|i| i.id).collect();
        assert_eq!(ids, [1, 2], "village 100 lies in commune 10's subtree; theme and area filter the rest");
        let mut exact = c.targeting.clone();
        exact.subtrees.clear();
        exact.units = [V_A1].into();
        exact.themes.clear();
        let ids: Vec<i64> = initiatives().iter().filter(|i| exact.targets(i)).map(|i| i.id).collect();
        assert_eq!(ids, [2, 3], "a unit alone does not take in its parent");
        let mut ended = initiatives()[0].clone();
        ended.active = false;
        assert!(!c.targeting.targets(&ended));
    }

    #[test]
    fn coverage_counts_targeted_initiatives_that_confirmed() {
        let c = campaign();
        let confirmations = [
            share(1, Some(1), 3, 120),
            share(1, Some(2), 4, 80),
            share(4, Some(1), 3, 1_000), // not targeted: reach apart
            share(2, Some(1), 1, 50),    // before publication: ignored
        ];
        let cov = coverage(&c, &initiatives(), &confirmations);
        assert_eq!((cov.overall.targeted, cov.overall.confirmed, cov.overall.reach), (2, 1, 200));
        assert_eq!(cov.overall.rate, Some(0.5));
        assert_eq!(cov.untargeted_reach, 1_000);
        assert_eq!(cov.by_commune.len(), 1, "commune 11 has nothing targeted: no line, not 0%");
        assert_eq!(cov.by_commune[&C_A].rate, Some(0.5));
    }

    #[test]
    fn a_corrected_report_replaces_the_earlier_one() {
        let c = campaign();
        let confirmations = [share(1, Some(1), 3, 100), share(1, Some(1), 5, 150), share(1, Some(2), 4, 10)];
        let cov = coverage(&c, &initiatives(), &confirmations);
        assert_eq!(cov.overall.reach, 160);
        assert_eq!(cov.overall.confirmed, 1);
    }

    #[test]
    fn confirmations_for_other_campaigns_or_items_do_not_count() {
        let c = campaign();
        let mut other = share(1, Some(1), 3, 10);
        other.campaign_id = 6;
        let unknown_item = share(2, Some(99), 3, 10);
        let cov = coverage(&c, &initiatives(), &[other, unknown_item]);
        assert_eq!((cov.overall.confirmed, cov.overall.reach), (0, 0));
        assert_eq!(cov.overall.rate, Some(0.0), "targeted, nobody shared: 0%");
    }

    #[test]
    fn nothing_targeted_is_no_data() {
        let mut c = campaign();
        c.targeting.themes = vec![Focus::ChildSafety];
        let cov = coverage(&c, &initiatives(), &[share(1, None, 3, 10)]);
        assert_eq!(cov.overall.targeted, 0);
        assert_eq!(cov.overall.rate, None);
        assert!(cov.by_commune.is_empty());
    }

    #[test]
    fn an_initiative_sees_its_running_campaigns() {
        let c = campaign();
        let mine = &initiatives()[1];
        assert_eq!(campaigns_for(mine, std::slice::from_ref(&c), at(10)).len(), 1);
        assert!(campaigns_for(mine, std::slice::from_ref(&c), at(1)).is_empty(), "not yet published");
        assert!(campaigns_for(&initiatives()[3], std::slice::from_ref(&c), at(10)).is_empty());
    }

    proptest! {
        #[test]
        fn coverage_is_a_share_and_reach_is_conserved(
            shares in proptest::collection::vec((1i64..6, proptest::option::of(1i64..3), 1u32..6, 0u64..1000), 0..30),
        ) {
            let c = campaign();
            let inits = initiatives();
            let confirmations: Vec<ShareConfirmation> =
                shares.iter().map(|&(i, item, day, reach)| share(i, item, day, reach)).collect();
            let cov = coverage(&c, &inits, &confirmations);
            for f in std::iter::once(&cov.overall).chain(cov.by_commune.values()) {
                prop_assert!(f.confirmed <= f.targeted);
                match f.rate {
                    Some(r) => prop_assert!((0.0..=1.0).contains(&r)),
                    None => prop_assert_eq!(f.targeted, 0),
                }
            }
            let communes: u64 = cov.by_commune.values().map(|f| f.reach).sum();
            prop_assert!(communes <= cov.overall.reach);
            // Reach never comes from ignored confirmations.
            let counted: u64 = confirmations.iter().filter(|s| s.confirmed_at >= at(2)).map(|s| s.reach).sum();
            prop_assert!(cov.overall.reach + cov.untargeted_reach <= counted);
        }
    }
}
