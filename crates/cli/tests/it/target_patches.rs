//! Registry changes of every kind patched into the cached targets: random
//! sequences of writes (initiatives created, staged and joined, channels,
//! member lists and counts, people, trainings, updates, trusted voices,
//! plans, resolutions, activities, posts (each also corrected, voided and
//! restored), yearly reports), and after each
//! commit the targets read from the cache equal the targets computed again
//! from the database, without the cache computing anything again.

use khienmang_core::Date;
use khienmang_core::movement::{Channel, Stage, VoidReason};
use khienmang_core::org::{EnterpriseSize, Level, NewUnit, OrgOp, UnitAttrs, UnitId};
use khienmang_core::targets::{FIRST_YEAR, LAST_YEAR, Mode, PersonRole, TargetValue, compute};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::movement::{DocumentInput, DocumentKind, NewMember, PersonInput, VoiceInput};

use khienmang_testkit::db::fresh_store;
use khienmang_testkit::fixtures::{TEST_ACTOR, create_unit, day, initiative_input, province_with_communes};

/// A small deterministic generator, so a failing sequence can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.below(list.len())]
    }
    fn year(&mut self) -> i32 {
        2024 + self.below(5) as i32
    }
}

type Rows = Vec<(bool, i32, UnitId, [TargetValue; 12])>;

fn rows_of(then: &khienmang_core::targets::TargetTable, mapped: &khienmang_core::targets::TargetTable) -> Rows {
    let mut out = Vec::new();
    for (is_mapped, table) in [(false, then), (true, mapped)] {
        for year in FIRST_YEAR..=LAST_YEAR {
            table.each_row(year, |unit, rows| out.push((is_mapped, year, unit, *rows)));
        }
    }
    out
}

/// The targets as the cache gives them, and as computed from the database.
async fn both(store: &Store, today: Date) -> (Rows, Rows) {
    let cached = store.with_targets(today, |s| rows_of(&s.then, &s.mapped)).await.unwrap();
    let history = store.org_history().await.unwrap();
    let facts = store.load_facts().await.unwrap();
    let years = FIRST_YEAR..=LAST_YEAR;
    let then = compute(&history, &facts, Mode::Then, years.clone(), today);
    let mapped = compute(&history, &facts, Mode::Today(today), years, today);
    (cached, rows_of(&then, &mapped))
}

/// The units the writes pick from: villages with households, and an agency,
/// a medium enterprise and a school with official pages, under three
/// communes, the third merged into the first on 1/7/2025.
struct World {
    communes: Vec<UnitId>,
    villages: Vec<UnitId>,
    others: Vec<UnitId>,
}

async fn world(store: &Store) -> World {
    let start = day("2024-01-01");
    let names = ["Xã Một", "Xã Hai", "Xã Ba"].map(String::from);
    let (_, communes) = province_with_communes(store, TEST_ACTOR, "Tỉnh Thử", names, start).await.unwrap();
    let (mut villages, mut others) = (Vec::new(), Vec::new());
    for (i, &commune) in communes.iter().enumerate() {
        for v in 0..2 {
            let attrs = UnitAttrs { households: Some(40 + 10 * v), ..Default::default() };
            let unit = NewUnit { attrs, ..NewUnit::new(format!("Thôn {i}.{v}"), Level::Village, Some(commune)) };
            villages.push(create_unit(store, TEST_ACTOR, unit, start).await.unwrap());
        }
        let page = Some("https://facebook.com/trang".to_string());
        for (level, attrs) in [
            (Level::Agency, UnitAttrs { official_page: page.clone(), ..Default::default() }),
            (
                Level::Enterprise,
                UnitAttrs {
                    enterprise_size: Some(EnterpriseSize::Medium),
                    official_page: page.clone(),
                    ..Default::default()
                },
            ),
            (Level::School, UnitAttrs { official_page: page, ..Default::default() }),
        ] {
            let unit = NewUnit { attrs, ..NewUnit::new(format!("Đơn vị {i} {level:?}"), level, Some(commune)) };
            others.push(create_unit(store, TEST_ACTOR, unit, start).await.unwrap());
        }
    }
    let mut tx = store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
    let merge = OrgOp::Merge { sources: vec![communes[2]], into: Some(communes[0]), new_unit: None };
    tx.apply_op(&merge, day("2025-07-01"), None).await.unwrap();
    tx.commit().await.unwrap();
    World { communes, villages, others }
}

/// Records written so far, for the writes that refer to one.
#[derive(Default)]
struct Written {
    initiatives: Vec<i64>,
    voided: Vec<i64>,
    people: Vec<i64>,
    voices: Vec<i64>,
    /// Plans and resolutions, village activities and page posts, and those voided.
    documents: Vec<i64>,
    activities: Vec<i64>,
    posts: Vec<i64>,
    voided_records: Vec<(usize, i64)>,
    channels: usize,
    households: u64,
}

/// One random write of one kind (some are refused, like a stage out of
/// order; the transaction then rolls back, as a user's would).
async fn one_write(store: &Store, w: &World, done: &mut Written, rng: &mut Rng, kind: usize) -> bool {
    let units: Vec<UnitId> = w.communes.iter().chain(&w.villages).chain(&w.others).copied().collect();
    let mut tx = store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
    let year = rng.year();
    let on = Date::from_ymd_opt(year, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32).unwrap();
    let written = match kind {
        0 => {
            let stage = rng.pick(&[Stage::Proposed, Stage::Active]);
            let input = initiative_input(rng.pick(&units), "Mô hình thử");
            let checked = khienmang_store::movement::InitiativeInput { stage, since: on, ..input }.check().unwrap();
            let id = tx.create_initiative(&checked).await;
            id.map(|id| done.initiatives.push(id)).is_ok()
        }
        1 if !done.initiatives.is_empty() => {
            let stage = rng.pick(&[Stage::Active, Stage::Exemplary, Stage::Ended, Stage::Dissolved]);
            // Late enough to follow most stages written before.
            let on = Date::from_ymd_opt(2026 + rng.below(4) as i32, 1 + rng.below(12) as u32, 1).unwrap();
            tx.move_initiative(rng.pick(&done.initiatives), stage, on, None).await.is_ok()
        }
        2 if !done.initiatives.is_empty() => {
            let to = rng.pick(&[None, Some(year + 1)]);
            tx.add_participant(rng.pick(&done.initiatives), rng.pick(&units), year, to).await.is_ok()
        }
        3 if !done.initiatives.is_empty() => {
            done.channels += 1;
            let channel = Channel::parse(&format!("https://zalo.me/g/nhom{}", done.channels)).unwrap();
            tx.add_channel(rng.pick(&done.initiatives), &channel, Some(100)).await.is_ok()
        }
        4 if !done.initiatives.is_empty() => {
            let members: Vec<NewMember> = (0..1 + rng.below(3))
                .map(|_| {
                    done.households += 1;
                    NewMember {
                        village: rng.pick(&w.villages),
                        full_name: "Thành viên".into(),
                        // Sometimes a second member of a household listed before.
                        household: done.households - rng.below(2) as u64,
                        joined_year: year,
                        left_year: rng.pick(&[None, Some(year + 1)]),
                    }
                })
                .collect();
            tx.add_members(rng.pick(&done.initiatives), &members).await.is_ok()
        }
        5 if !done.initiatives.is_empty() => {
            let households = rng.below(30) as i64;
            let village = rng.pick(&w.villages);
            tx.set_village_count(rng.pick(&done.initiatives), village, year, households + 5, households).await.is_ok()
        }
        6 => {
            let person = PersonInput {
                unit: rng.pick(&units),
                full_name: "Người thử".into(),
                role: rng.pick(PersonRole::ALL),
                position: None,
                initiative: None,
                registered_from: year,
                registered_to: rng.pick(&[None, Some(year + 2)]),
            };
            tx.create_person(&person).await.map(|id| done.people.push(id)).is_ok()
        }
        7 if !done.people.is_empty() => {
            let attendees: Vec<i64> = (0..1 + rng.below(3)).map(|_| rng.pick(&done.people)).collect();
            tx.create_training(rng.pick(&units), "Lớp tập huấn", on, None, &attendees).await.is_ok()
        }
        8 if !done.people.is_empty() => tx.record_update(rng.pick(&done.people), year, None).await.is_ok(),
        9 => {
            let voice = VoiceInput {
                unit: rng.pick(&units),
                full_name: "Người có uy tín".into(),
                in_province: true,
                channels: None,
                audience: None,
                consent_on: (rng.below(4) > 0).then(|| day("2024-01-01")),
                initiative: None,
                registered_from: year,
            };
            tx.create_voice(&voice).await.map(|id| done.voices.push(id)).is_ok()
        }
        10 if !done.voices.is_empty() => tx.enlist_voice(rng.pick(&done.voices), year).await.is_ok(),
        11 => {
            let kind = rng.pick(&[DocumentKind::Plan, DocumentKind::Resolution]);
            let doc = DocumentInput {
                unit: rng.pick(&units),
                kind,
                number: "01".into(),
                title: "Văn bản".into(),
                issued_on: on,
                year,
                file: None,
            };
            tx.add_document(&doc).await.map(|id| done.documents.push(id)).is_ok()
        }
        12 => tx
            .add_village_activity(rng.pick(&w.villages), on, "Tuyên truyền", Some(30))
            .await
            .map(|id| done.activities.push(id))
            .is_ok(),
        13 => tx.add_page_post(rng.pick(&w.others), on, "Tin bài", None).await.map(|id| done.posts.push(id)).is_ok(),
        14 => tx.submit_unit_report(rng.pick(&units), year).await.is_ok(),
        // A record entered by mistake, voided (with its channels and counts),
        // then restored by the secretariat.
        15 if !done.initiatives.is_empty() => {
            let id = rng.pick(&done.initiatives);
            let reason = VoidReason::parse("Nhập nhầm").unwrap();
            tx.void_initiative(id, &reason).await.map(|()| done.voided.push(id)).is_ok()
        }
        16 if !done.voided.is_empty() => {
            let id = done.voided.swap_remove(rng.below(done.voided.len()));
            tx.restore_initiative(id).await.is_ok()
        }
        // A plan turned resolution (or back) moved to another unit and
        // redated, an activity moved to another village, a post redated.
        17 if !done.documents.is_empty() && !done.activities.is_empty() && !done.posts.is_empty() => {
            use khienmang_core::movement::{ActivityFields, DocumentFields, PostFields};
            let edited = match rng.below(3) {
                0 => {
                    let Some(d) = store.document(rng.pick(&done.documents)).await.unwrap() else { return false };
                    let kind = if d.kind == DocumentKind::Plan { DocumentKind::Resolution } else { DocumentKind::Plan };
                    let fields = DocumentFields { kind, issued_on: on, year, ..d.fields() };
                    tx.edit_document(&d, rng.pick(&units), &fields.check().unwrap(), None).await
                }
                1 => {
                    let Some(a) = store.activity(rng.pick(&done.activities), false).await.unwrap() else {
                        return false;
                    };
                    let fields = ActivityFields { held_on: on, title: a.title.clone(), participants: Some(10) };
                    tx.edit_village_activity(&a, rng.pick(&w.villages), &fields.check().unwrap()).await
                }
                _ => {
                    let Some(p) = store.activity(rng.pick(&done.posts), true).await.unwrap() else { return false };
                    let fields = PostFields { posted_on: on, title: p.title.clone(), url: None };
                    tx.edit_page_post(&p, rng.pick(&w.others), &fields.check().unwrap()).await
                }
            };
            // A voided record takes no correction: refused, rolled back.
            edited.unwrap_or(false)
        }
        // One of them entered by mistake and voided, then restored.
        18 if !done.documents.is_empty() && !done.activities.is_empty() && !done.posts.is_empty() => {
            let reason = VoidReason::parse("Nhập nhầm").unwrap();
            let which = rng.below(3);
            let id = rng.pick([&done.documents, &done.activities, &done.posts][which]);
            let voided = match which {
                0 => tx.void_document(id, &reason).await,
                1 => tx.void_village_activity(id, &reason).await,
                _ => tx.void_page_post(id, &reason).await,
            };
            voided.map(|()| done.voided_records.push((which, id))).is_ok()
        }
        19 if !done.voided_records.is_empty() => {
            let (which, id) = done.voided_records.swap_remove(rng.below(done.voided_records.len()));
            match which {
                0 => tx.restore_document(id).await.is_ok(),
                1 => tx.restore_village_activity(id).await.is_ok(),
                _ => tx.restore_page_post(id).await.is_ok(),
            }
        }
        _ => false,
    };
    if written {
        tx.commit().await.unwrap();
    }
    written
}

#[tokio::test]
async fn every_kind_of_registry_change_is_patched_as_a_full_reload_would_read() {
    let (store, _) = fresh_store().await;
    let w = world(&store).await;
    let today = day("2026-06-15");
    let mut done = Written::default();
    // Every kind once, in order, then random sequences.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut committed = [0usize; 20];
    for (kind, count) in committed.iter_mut().enumerate() {
        *count += usize::from(one_write(&store, &w, &mut done, &mut rng, kind).await);
    }
    let (cached, fresh) = both(&store, today).await;
    assert_eq!(cached, fresh);
    let computed = store.targets_computations();
    for seed in 1..=4u64 {
        let mut rng = Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
        for step in 0..25 {
            let kind = rng.below(20);
            committed[kind] += usize::from(one_write(&store, &w, &mut done, &mut rng, kind).await);
            let (cached, fresh) = both(&store, today).await;
            let first = cached.iter().zip(&fresh).find(|(a, b)| a != b);
            assert!(cached == fresh, "seed {seed}, step {step}, kind {kind}: first difference {first:?}");
        }
    }
    assert_eq!(store.targets_computations(), computed, "every change was patched, none recomputed");
    assert!(committed.iter().all(|&n| n > 0), "every kind of write was committed: {committed:?}");
}
