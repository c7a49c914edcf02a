//! The registry's records as the targets read them, by kind and id, and what
//! a write changed. Each kind is read by one query that takes the records to
//! read: all of them for a full load, or the few a write touched, read again
//! after it commits. A record the query no longer returns is gone from the
//! figures; that is how a removed (or, with a filter added to its query,
//! voided) record leaves them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use khienmang_core::Date;
use khienmang_core::movement::{Stage, counted_enlistments};
use khienmang_core::org::UnitId;
use khienmang_core::targets::{
    FIRST_YEAR, Facts, HouseholdMember, LAST_YEAR, Person, PersonRole, Voice, households_with_member,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Result;
use crate::org::year_of;

/// What a registry write changed, for the targets' cache: one record of one
/// kind, read again after the commit (created, edited, staged or voided
/// alike), or anything at all.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FactChange {
    /// An initiative: its owner's and participants' years, and the households
    /// of the villages it has members in.
    Initiative(i64),
    /// A channel: no target reads channels, but the registry moved on.
    Channel(i64),
    /// A person on a registry, with the years trained or updated.
    Person(i64),
    /// A training session: the years of its attendees, past and present.
    Training(i64),
    /// A trusted voice, with the years enlisted.
    Voice(i64),
    /// A plan or a thematic resolution.
    Document(i64),
    /// An awareness activity in a village.
    VillageActivity(i64),
    /// A post on a unit's official page.
    PagePost(i64),
    /// A unit's yearly report.
    UnitReport(UnitId, i32),
    /// The members (listed or counted) of these villages.
    Villages(Vec<UnitId>),
    /// A record no target reads (a warning, a contest, a duty report): no
    /// figure is read again and the registry's generation stays.
    Unread,
    /// Anything else: the next read computes everything again.
    #[allow(dead_code, reason = "for a write that cannot name the records it changes; none does today")]
    Other,
}

/// The records a transaction changed, gathered from its [`FactChange`]s.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Changed {
    /// Something that cannot be patched: the next read computes again.
    pub(crate) everything: bool,
    /// Something changed, even if no figure reads it.
    pub(crate) any: bool,
    pub(crate) initiatives: BTreeSet<i64>,
    pub(crate) people: BTreeSet<i64>,
    pub(crate) trainings: BTreeSet<i64>,
    pub(crate) voices: BTreeSet<i64>,
    pub(crate) documents: BTreeSet<i64>,
    pub(crate) activities: BTreeSet<i64>,
    pub(crate) posts: BTreeSet<i64>,
    pub(crate) reports: BTreeSet<(UnitId, i32)>,
    pub(crate) villages: BTreeSet<UnitId>,
}

impl Changed {
    pub(crate) fn add(&mut self, change: FactChange) {
        // A record no target reads leaves the figures and their generation
        // alone (other replicas keep their cache).
        if matches!(change, FactChange::Unread) {
            return;
        }
        self.any = true;
        match change {
            FactChange::Initiative(id) => _ = self.initiatives.insert(id),
            FactChange::Channel(_) | FactChange::Unread => {}
            FactChange::Person(id) => _ = self.people.insert(id),
            FactChange::Training(id) => _ = self.trainings.insert(id),
            FactChange::Voice(id) => _ = self.voices.insert(id),
            FactChange::Document(id) => _ = self.documents.insert(id),
            FactChange::VillageActivity(id) => _ = self.activities.insert(id),
            FactChange::PagePost(id) => _ = self.posts.insert(id),
            FactChange::UnitReport(unit, year) => _ = self.reports.insert((unit, year)),
            FactChange::Villages(list) => self.villages.extend(list),
            FactChange::Other => self.everything = true,
        }
    }
}

/// The (unit, from, to) years an initiative's owner and participants count.
type Participation = Vec<(UnitId, i32, Option<i32>)>;

/// A plan for a year or a thematic resolution of a date.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Document {
    Plan(UnitId, i32),
    Resolution(UnitId, Date),
}

/// What the targets read from the registry, record by record, so that a
/// record read again can be swapped for what was read before.
#[derive(Debug, Clone, Default)]
pub(crate) struct FactRecords {
    documents: BTreeMap<i64, Document>,
    people: BTreeMap<i64, Person>,
    /// A training's attendees.
    attendees: HashMap<i64, Vec<i64>>,
    voices: BTreeMap<i64, Voice>,
    activities: BTreeMap<i64, (UnitId, i32)>,
    posts: BTreeMap<i64, (UnitId, i32)>,
    reports: BTreeSet<(UnitId, i32)>,
    initiatives: BTreeMap<i64, Participation>,
    /// The initiatives the figures count at all (their query returns them):
    /// when one comes or goes, so do its members.
    counted: HashSet<i64>,
    /// Each village's households with a member in an initiative, by year.
    households: BTreeMap<UnitId, Vec<(i32, i64)>>,
}

/// Records of one kind to read: all, or these.
#[derive(Debug, Clone, Copy)]
enum Only<'a> {
    All,
    Ids(&'a [i64]),
}

impl Only<'_> {
    /// A condition on `column` for a `WHERE` clause.
    fn on(self, column: &str) -> String {
        match self {
            Only::All => "1 = 1".into(),
            Only::Ids([]) => "1 = 0".into(),
            Only::Ids(ids) => {
                format!("{column} IN ({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
            }
        }
    }
}

fn year(r: &AnyRow, i: usize) -> Result<i32> {
    Ok(i32::try_from(r.try_get::<i64, _>(i)?).unwrap_or(0))
}

fn day(r: &AnyRow, i: usize) -> Result<Option<Date>> {
    Ok(r.try_get::<String, _>(i)?.parse().ok())
}

fn last_year(r: &AnyRow, i: usize) -> Result<Option<i32>> {
    Ok(r.try_get::<Option<i64>, _>(i)?.and_then(|y| i32::try_from(y).ok()))
}

async fn fetch(pool: &sqlx::AnyPool, sql: String) -> Result<Vec<AnyRow>> {
    Ok(sqlx::query(&sql).fetch_all(pool).await?)
}

impl FactRecords {
    /// Every record the targets read.
    pub(crate) async fn load(pool: &sqlx::AnyPool) -> Result<Self> {
        let attendees = attendees(pool, "1 = 1").await?;
        let (initiatives, counted) = initiatives(pool, Only::All).await?;
        let mut trained: HashMap<i64, Vec<i32>> = HashMap::new();
        let mut by_training: HashMap<i64, Vec<i64>> = HashMap::new();
        for &(training, person, y) in &attendees {
            trained.entry(person).or_default().push(y);
            by_training.entry(training).or_default().push(person);
        }
        Ok(Self {
            documents: documents(pool, Only::All).await?,
            people: people(pool, Only::All, Some(trained)).await?,
            attendees: by_training,
            voices: voices(pool, Only::All).await?,
            activities: dated(pool, ACTIVITIES, Only::All).await?,
            posts: dated(pool, POSTS, Only::All).await?,
            reports: reports(pool, None).await?,
            initiatives,
            counted,
            households: village_households(pool, None).await?,
        })
    }

    /// The facts the computation reads.
    pub(crate) fn facts(&self) -> Facts {
        let mut facts = Facts::default();
        for doc in self.documents.values() {
            match *doc {
                Document::Plan(unit, year) => facts.plans.push((unit, year)),
                Document::Resolution(unit, date) => facts.resolutions.push((unit, date)),
            }
        }
        facts.people = self.people.values().cloned().collect();
        facts.trusted_voices = self.voices.values().cloned().collect();
        facts.village_activities = self.activities.values().copied().collect();
        facts.page_posts = self.posts.values().copied().collect();
        facts.reports = self.reports.iter().copied().collect();
        facts.initiative_participation = self.initiatives.values().flatten().copied().collect();
        facts.households_with_member =
            self.households.iter().flat_map(|(&v, years)| years.iter().map(move |&(y, n)| (v, y, n))).collect();
        facts
    }

    /// The people whose years a change of these trainings moves: their
    /// attendees as read before (those read again are added by [`Fresh::read`]).
    pub(crate) fn attendees_of(&self, trainings: &BTreeSet<i64>) -> BTreeSet<i64> {
        trainings.iter().filter_map(|t| self.attendees.get(t)).flatten().copied().collect()
    }

    /// Which of these initiatives the figures counted before the change.
    pub(crate) fn counted_of(&self, initiatives: &BTreeSet<i64>) -> BTreeSet<i64> {
        initiatives.iter().copied().filter(|id| self.counted.contains(id)).collect()
    }

    /// Swaps the changed records for their fresh reading: the facts taken
    /// out and the facts put in.
    pub(crate) fn replace(&mut self, fresh: Fresh) -> (Facts, Facts) {
        let (mut out, mut put) = (Facts::default(), Facts::default());
        let docs = |d: Option<Document>, to: &mut Facts| match d {
            Some(Document::Plan(u, y)) => to.plans.push((u, y)),
            Some(Document::Resolution(u, d)) => to.resolutions.push((u, d)),
            None => {}
        };
        for (id, now) in fresh.documents {
            docs(self.documents.remove(&id), &mut out);
            docs(now, &mut put);
            self.documents.extend(now.map(|d| (id, d)));
        }
        swap(&mut self.people, fresh.people, &mut out.people, &mut put.people);
        swap(&mut self.voices, fresh.voices, &mut out.trusted_voices, &mut put.trusted_voices);
        swap(&mut self.activities, fresh.activities, &mut out.village_activities, &mut put.village_activities);
        swap(&mut self.posts, fresh.posts, &mut out.page_posts, &mut put.page_posts);
        for &(id, counted) in &fresh.counted {
            if counted {
                self.counted.insert(id);
            } else {
                self.counted.remove(&id);
            }
        }
        for (id, now) in fresh.initiatives {
            out.initiative_participation.extend(self.initiatives.remove(&id).into_iter().flatten());
            put.initiative_participation.extend(now.iter().copied());
            if !now.is_empty() {
                self.initiatives.insert(id, now);
            }
        }
        for (report, now) in fresh.reports {
            if self.reports.remove(&report) {
                out.reports.push(report);
            }
            if now {
                put.reports.push(report);
                self.reports.insert(report);
            }
        }
        for (village, now) in fresh.households {
            let before = self.households.remove(&village).unwrap_or_default();
            out.households_with_member.extend(before.iter().map(|&(y, n)| (village, y, n)));
            put.households_with_member.extend(now.iter().map(|&(y, n)| (village, y, n)));
            if !now.is_empty() {
                self.households.insert(village, now);
            }
        }
        self.attendees.extend(fresh.attendees);
        (out, put)
    }
}

/// Swaps records read again (`None`: gone) into `map`, noting the facts
/// taken out and put in.
fn swap<T: Clone>(map: &mut BTreeMap<i64, T>, fresh: Vec<(i64, Option<T>)>, out: &mut Vec<T>, put: &mut Vec<T>) {
    for (id, now) in fresh {
        out.extend(map.remove(&id));
        if let Some(now) = now {
            put.push(now.clone());
            map.insert(id, now);
        }
    }
}

/// The changed records read again after a commit; `None` where gone.
#[derive(Debug, Default)]
pub(crate) struct Fresh {
    documents: Vec<(i64, Option<Document>)>,
    people: Vec<(i64, Option<Person>)>,
    attendees: Vec<(i64, Vec<i64>)>,
    voices: Vec<(i64, Option<Voice>)>,
    activities: Vec<(i64, Option<(UnitId, i32)>)>,
    posts: Vec<(i64, Option<(UnitId, i32)>)>,
    reports: Vec<((UnitId, i32), bool)>,
    initiatives: Vec<(i64, Participation)>,
    /// Whether each initiative read again is counted at all.
    counted: Vec<(i64, bool)>,
    households: Vec<(UnitId, Vec<(i32, i64)>)>,
}

impl Fresh {
    /// Reads the changed records again. `people_moved` are the people a
    /// change of trainings moves, and `counted` the changed initiatives the
    /// figures counted, as known before the change.
    pub(crate) async fn read(
        pool: &sqlx::AnyPool,
        changed: &Changed,
        mut people_moved: BTreeSet<i64>,
        counted: BTreeSet<i64>,
    ) -> Result<Self> {
        let mut villages = BTreeSet::new();
        let ids = |set: &BTreeSet<i64>| set.iter().copied().collect::<Vec<_>>();
        let mut fresh = Fresh::default();
        if !changed.trainings.is_empty() {
            let trainings = ids(&changed.trainings);
            let rows = attendees(pool, &Only::Ids(&trainings).on("a.training_id")).await?;
            let mut now: HashMap<i64, Vec<i64>> = trainings.iter().map(|&t| (t, Vec::new())).collect();
            for (training, person, _) in rows {
                people_moved.insert(person);
                now.entry(training).or_default().push(person);
            }
            fresh.attendees = now.into_iter().collect();
        }
        people_moved.extend(&changed.people);
        if !people_moved.is_empty() {
            let list = ids(&people_moved);
            let mut read = people(pool, Only::Ids(&list), None).await?;
            fresh.people = list.iter().map(|id| (*id, read.remove(id))).collect();
        }
        if !changed.documents.is_empty() {
            let list = ids(&changed.documents);
            let mut read = documents(pool, Only::Ids(&list)).await?;
            fresh.documents = list.iter().map(|id| (*id, read.remove(id))).collect();
        }
        if !changed.voices.is_empty() {
            let list = ids(&changed.voices);
            let mut read = voices(pool, Only::Ids(&list)).await?;
            fresh.voices = list.iter().map(|id| (*id, read.remove(id))).collect();
        }
        for (set, table, to) in
            [(&changed.activities, ACTIVITIES, &mut fresh.activities), (&changed.posts, POSTS, &mut fresh.posts)]
        {
            if !set.is_empty() {
                let list = ids(set);
                let mut read = dated(pool, table, Only::Ids(&list)).await?;
                *to = list.iter().map(|id| (*id, read.remove(id))).collect();
            }
        }
        if !changed.reports.is_empty() {
            let read = reports(pool, Some(&changed.reports)).await?;
            fresh.reports = changed.reports.iter().map(|r| (*r, read.contains(r))).collect();
        }
        if !changed.initiatives.is_empty() {
            let list = ids(&changed.initiatives);
            let (mut read, now_counted) = initiatives(pool, Only::Ids(&list)).await?;
            fresh.initiatives = list.iter().map(|id| (*id, read.remove(id).unwrap_or_default())).collect();
            fresh.counted = list.iter().map(|id| (*id, now_counted.contains(id))).collect();
            // Only an initiative that came or went (created, voided) moves its
            // members; an edit, a stage or a participant leaves them.
            let moved: Vec<i64> =
                list.iter().copied().filter(|id| counted.contains(id) != now_counted.contains(id)).collect();
            if !moved.is_empty() {
                villages.extend(villages_of(pool, &moved).await?);
            }
        }
        villages.extend(&changed.villages);
        if !villages.is_empty() {
            let list: Vec<UnitId> = villages.into_iter().collect();
            let mut read = village_households(pool, Some(&list)).await?;
            fresh.households = list.iter().map(|v| (*v, read.remove(v).unwrap_or_default())).collect();
        }
        Ok(fresh)
    }
}

// One query per kind. A filter that hides records from the figures (such as
// a void) belongs in the kind's query below, and nowhere else.

async fn documents(pool: &sqlx::AnyPool, only: Only<'_>) -> Result<BTreeMap<i64, Document>> {
    let sql = format!(
        "SELECT id, unit_id, kind, issued_on, year FROM movement_documents WHERE voided_at IS NULL AND {}",
        only.on("id")
    );
    let mut out = BTreeMap::new();
    for r in fetch(pool, sql).await? {
        let unit = UnitId(r.try_get(1)?);
        let doc = if r.try_get::<String, _>(2)? == "resolution" {
            let Some(date) = day(&r, 3)? else { continue };
            Document::Resolution(unit, date)
        } else {
            Document::Plan(unit, year(&r, 4)?)
        };
        out.insert(r.try_get(0)?, doc);
    }
    Ok(out)
}

/// (training, person, year) of each attendance that `filter` (on `a.`, the
/// attendees) keeps.
async fn attendees(pool: &sqlx::AnyPool, filter: &str) -> Result<Vec<(i64, i64, i32)>> {
    let sql = format!(
        "SELECT a.training_id, a.person_id, t.held_on FROM training_attendees a \
         JOIN trainings t ON t.id = a.training_id WHERE t.voided_at IS NULL AND {filter}"
    );
    let mut out = Vec::new();
    for r in fetch(pool, sql).await? {
        let text: String = r.try_get(2)?;
        if let Some(y) = text.get(..4).and_then(|y| y.parse().ok()) {
            out.push((r.try_get(0)?, r.try_get(1)?, y));
        }
    }
    Ok(out)
}

/// Adds the (id, year) rows `sql` reads to `years`.
async fn add_years(pool: &sqlx::AnyPool, sql: String, years: &mut HashMap<i64, Vec<i32>>) -> Result<()> {
    for r in fetch(pool, sql).await? {
        years.entry(r.try_get(0)?).or_default().push(year(&r, 1)?);
    }
    Ok(())
}

/// A record's years, in order, each once.
fn take_years(years: &mut HashMap<i64, Vec<i32>>, id: i64) -> Vec<i32> {
    let mut list = years.remove(&id).unwrap_or_default();
    list.sort_unstable();
    list.dedup();
    list
}

/// People with the years they were trained or updated; `trained` is given
/// when the trainings were read already.
async fn people(
    pool: &sqlx::AnyPool,
    only: Only<'_>,
    trained: Option<HashMap<i64, Vec<i32>>>,
) -> Result<BTreeMap<i64, Person>> {
    let mut years = match trained {
        Some(years) => years,
        None => {
            let mut years: HashMap<i64, Vec<i32>> = HashMap::new();
            for (_, person, y) in attendees(pool, &only.on("a.person_id")).await? {
                years.entry(person).or_default().push(y);
            }
            years
        }
    };
    let updates = format!("SELECT person_id, year FROM person_updates WHERE {}", only.on("person_id"));
    add_years(pool, updates, &mut years).await?;
    let sql = format!(
        "SELECT id, unit_id, role, registered_from, registered_to FROM people WHERE voided_at IS NULL AND {}",
        only.on("id")
    );
    let mut out = BTreeMap::new();
    for r in fetch(pool, sql).await? {
        let Some(role) = PersonRole::parse(&r.try_get::<String, _>(2)?) else { continue };
        let id: i64 = r.try_get(0)?;
        let trained_years = take_years(&mut years, id);
        out.insert(
            id,
            Person {
                unit: UnitId(r.try_get(1)?),
                role,
                registered_from: year(&r, 3)?,
                registered_to: last_year(&r, 4)?,
                trained_years,
            },
        );
    }
    Ok(out)
}

async fn voices(pool: &sqlx::AnyPool, only: Only<'_>) -> Result<BTreeMap<i64, Voice>> {
    let mut enlisted: HashMap<i64, Vec<i32>> = HashMap::new();
    let sql = format!("SELECT voice_id, year FROM voice_enlistments WHERE {}", only.on("voice_id"));
    add_years(pool, sql, &mut enlisted).await?;
    let sql = format!(
        "SELECT id, unit_id, registered_from, registered_to, consent_on FROM trusted_voices \
         WHERE voided_at IS NULL AND {}",
        only.on("id")
    );
    let mut out = BTreeMap::new();
    for r in fetch(pool, sql).await? {
        let id: i64 = r.try_get(0)?;
        // A voice counts as enlisted only from the year they consented.
        let consent_on = r.try_get::<Option<String>, _>(4)?.and_then(|d| d.parse::<Date>().ok());
        let enlisted_years = counted_enlistments(&take_years(&mut enlisted, id), consent_on);
        out.insert(
            id,
            Voice {
                unit: UnitId(r.try_get(1)?),
                registered_from: year(&r, 2)?,
                registered_to: last_year(&r, 3)?,
                enlisted_years,
            },
        );
    }
    Ok(out)
}

/// Village activities and page posts: (id, unit, day) in a table.
const ACTIVITIES: &str = "SELECT id, village_id, held_on FROM village_activities";
const POSTS: &str = "SELECT id, unit_id, posted_on FROM page_posts";

async fn dated(pool: &sqlx::AnyPool, select: &str, only: Only<'_>) -> Result<BTreeMap<i64, (UnitId, i32)>> {
    let mut out = BTreeMap::new();
    for r in fetch(pool, format!("{select} WHERE voided_at IS NULL AND {}", only.on("id"))).await? {
        if let Some(d) = day(&r, 2)? {
            out.insert(r.try_get(0)?, (UnitId(r.try_get(1)?), year_of(d)));
        }
    }
    Ok(out)
}

async fn reports(pool: &sqlx::AnyPool, only: Option<&BTreeSet<(UnitId, i32)>>) -> Result<BTreeSet<(UnitId, i32)>> {
    let filter = match only {
        None => "1 = 1".into(),
        Some(list) => list
            .iter()
            .map(|(u, y)| format!("(unit_id = {} AND year = {y})", u.0))
            .chain(std::iter::once("1 = 0".into()))
            .collect::<Vec<_>>()
            .join(" OR "),
    };
    let sql = format!("SELECT unit_id, year FROM unit_reports WHERE {filter}");
    let mut out = BTreeSet::new();
    for r in fetch(pool, sql).await? {
        out.insert((UnitId(r.try_get(0)?), year(&r, 1)?));
    }
    Ok(out)
}

/// The years each initiative's owner and participants count as taking part
/// in a running initiative (an initiative never running has none), and the
/// initiatives the figures count at all.
async fn initiatives(pool: &sqlx::AnyPool, only: Only<'_>) -> Result<(BTreeMap<i64, Participation>, HashSet<i64>)> {
    let mut spans: HashMap<i64, (Option<i32>, Option<i32>)> = HashMap::new();
    let sql = format!(
        "SELECT initiative_id, stage, effective FROM initiative_stages WHERE {} ORDER BY effective, id",
        only.on("initiative_id")
    );
    for r in fetch(pool, sql).await? {
        let Some(stage) = Stage::parse(&r.try_get::<String, _>(1)?) else { continue };
        let Ok(on) = r.try_get::<String, _>(2)?.parse::<Date>() else { continue };
        let span = spans.entry(r.try_get(0)?).or_default();
        if stage.is_running() && span.0.is_none() {
            span.0 = Some(year_of(on));
        } else if matches!(stage, Stage::Ended | Stage::Dissolved) && span.0.is_some() {
            span.1 = Some(year_of(on));
        }
    }
    let mut out: BTreeMap<i64, Participation> = BTreeMap::new();
    let mut counted = HashSet::new();
    for r in fetch(pool, format!("SELECT id, unit_id FROM initiatives WHERE voided_at IS NULL AND {}", only.on("id")))
        .await?
    {
        let id: i64 = r.try_get(0)?;
        counted.insert(id);
        if let Some(&(Some(from), to)) = spans.get(&id) {
            out.entry(id).or_default().push((UnitId(r.try_get(1)?), from, to));
        }
    }
    let sql = format!(
        "SELECT initiative_id, unit_id, from_year, to_year FROM initiative_units WHERE voided_at IS NULL AND {}",
        only.on("initiative_id")
    );
    for r in fetch(pool, sql).await? {
        let id: i64 = r.try_get(0)?;
        let Some(&(Some(from), to)) = spans.get(&id) else { continue };
        let own_from = i32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(from);
        let own_to = last_year(&r, 3)?;
        let end = match (to, own_to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let start = from.max(own_from);
        if end.is_none_or(|e| e >= start) {
            out.entry(id).or_default().push((UnitId(r.try_get(1)?), start, end));
        }
    }
    Ok((out, counted))
}

/// The villages initiatives list or count members in.
async fn villages_of(pool: &sqlx::AnyPool, initiatives: &[i64]) -> Result<Vec<UnitId>> {
    let only = Only::Ids(initiatives).on("initiative_id");
    let sql = format!(
        "SELECT DISTINCT village_id FROM initiative_members WHERE {only} \
         UNION SELECT village_id FROM initiative_village_counts WHERE {only}"
    );
    fetch(pool, sql).await?.iter().map(|r| Ok(UnitId(r.try_get(0)?))).collect()
}

/// Households with a member in an initiative, by village and year: the
/// distinct listed households, plus the households counted by initiatives that
/// do not list their members in that village. `villages` limits the read.
/// An initiative the `initiatives` query stops counting (voided) must leave
/// these counts too: its filter goes here as well, as the members' own.
pub(crate) async fn village_households(
    pool: &sqlx::AnyPool,
    villages: Option<&[UnitId]>,
) -> Result<BTreeMap<UnitId, Vec<(i32, i64)>>> {
    // Rows voided (or of a voided initiative) leave the figures.
    let live =
        " WHERE voided_at IS NULL AND initiative_id NOT IN (SELECT id FROM initiatives WHERE voided_at IS NOT NULL)";
    let filter = match villages {
        Some([]) => return Ok(BTreeMap::new()),
        Some(list) => {
            format!("{live} AND village_id IN ({})", list.iter().map(|v| v.0.to_string()).collect::<Vec<_>>().join(","))
        }
        None => live.to_string(),
    };
    let member_rows = sqlx::query(&format!(
        "SELECT village_id, initiative_id, household_key, joined_year, left_year FROM initiative_members{filter}"
    ))
    .fetch_all(pool)
    .await?;
    let mut listing: HashSet<(i64, i64)> = HashSet::new();
    let mut members = Vec::with_capacity(member_rows.len());
    for r in member_rows {
        let (village, initiative): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        listing.insert((village, initiative));
        members.push(HouseholdMember {
            village: UnitId(village),
            household: r.try_get::<i64, _>(2)? as u64,
            from_year: i32::try_from(r.try_get::<i64, _>(3)?).unwrap_or(i32::MAX),
            to_year: r.try_get::<Option<i64>, _>(4)?.and_then(|y| i32::try_from(y).ok()),
        });
    }
    let mut out: HashMap<UnitId, HashMap<i32, i64>> = HashMap::new();
    for (village, year, n) in households_with_member(&members, FIRST_YEAR..=LAST_YEAR) {
        *out.entry(village).or_default().entry(year).or_default() += n;
    }
    let count_rows = sqlx::query(&format!(
        "SELECT village_id, initiative_id, year, households FROM initiative_village_counts{filter}"
    ))
    .fetch_all(pool)
    .await?;
    for r in count_rows {
        let (village, initiative): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        if !listing.contains(&(village, initiative)) {
            let year = i32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0);
            *out.entry(UnitId(village)).or_default().entry(year).or_default() += r.try_get::<i64, _>(3)?;
        }
    }
    Ok(out
        .into_iter()
        .map(|(v, years)| {
            let mut list: Vec<(i32, i64)> = years.into_iter().collect();
            list.sort_unstable();
            (v, list)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_no_target_reads_changes_nothing_the_targets_hold() {
        let mut changed = Changed::default();
        changed.add(FactChange::Unread);
        assert_eq!(changed, Changed::default(), "no generation bump, no reload on other replicas");
        changed.add(FactChange::Person(7));
        assert!(changed.any && changed.people.contains(&7) && !changed.everything);
    }
}
