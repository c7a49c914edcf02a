//! Records written straight in the store, for tests (and benchmarks) about
//! something else: units, users of any role, initiatives; and the dates
//! and password the tests write them with.

use anyhow::{Context, Result, anyhow};
use khienmang_core::Date;
use khienmang_core::auth::Role;
use khienmang_core::org::{Level, NewUnit, OrgOp, UnitId};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::auth::NewUser;
use khienmang_store::movement::InitiativeInput;

/// The actor the tests' own writes are recorded under.
pub const TEST_ACTOR: &str = "test";

/// The password of every user the tests make.
pub const PASSWORD: &str = "mat-khau-du-dai-2026";

/// A date written `YYYY-MM-DD`.
pub fn day(s: &str) -> Date {
    s.parse().unwrap_or_else(|_| panic!("not a date: {s}"))
}

/// Creates `unit` effective `on`, in a write transaction of its own.
pub async fn create_unit(store: &Store, actor: &str, unit: NewUnit, on: Date) -> Result<UnitId> {
    let mut tx = store.begin_write(actor, Timestamp::now()).await?;
    let ids = tx.apply_op(&OrgOp::Create { unit }, on, None).await?;
    tx.commit().await?;
    ids.first().copied().context("the creation made no unit")
}

/// A small tree made from nothing, effective `on`, in one write transaction:
/// a province named `province`, and under it a commune for each name of
/// `communes`, in order. Returns the province and the communes.
pub async fn province_with_communes(
    store: &Store,
    actor: &str,
    province: &str,
    communes: impl IntoIterator<Item = String>,
    on: Date,
) -> Result<(UnitId, Vec<UnitId>)> {
    let mut tx = store.begin_write(actor, Timestamp::now()).await?;
    let create = OrgOp::Create { unit: NewUnit::new(province, Level::Province, None) };
    let province = *tx.apply_op(&create, on, None).await?.first().context("a province")?;
    let mut ids = Vec::new();
    for name in communes {
        let create = OrgOp::Create { unit: NewUnit::new(name, Level::Commune, Some(province)) };
        ids.push(*tx.apply_op(&create, on, None).await?.first().context("a commune")?);
    }
    tx.commit().await?;
    Ok((province, ids))
}

/// Creates a user who signs in with `password` (no TOTP, not a demo
/// account) and returns its id.
pub async fn create_user(
    store: &Store,
    actor: &str,
    username: &str,
    role: Role,
    scope: Option<UnitId>,
    password: &str,
) -> Result<i64> {
    let hash = khienmang_web::auth::hash_password(password).map_err(|e| anyhow!(e.to_string()))?;
    let mut tx = store.begin_write(actor, Timestamp::now()).await?;
    let id = tx
        .create_user(&NewUser {
            username,
            display_name: username,
            password_hash: &hash,
            role,
            scope_unit_id: scope,
            is_demo: false,
        })
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// An initiative's registration as the tests fill it in: linked to its
/// locality, on anti-fraud awareness, all three criteria met, active since
/// 2025-08-01. A test that needs another field writes `..initiative_input(..)`.
pub fn initiative_input(unit: UnitId, name: &str) -> InitiativeInput {
    use khienmang_core::movement::{ContentKind, Focus, LeaderKind, ParticipantKind, Stage};
    InitiativeInput {
        unit,
        name: name.into(),
        leader_name: None,
        participant_kind: ParticipantKind::LocalityLinked,
        leader_kind: LeaderKind::Other,
        content_kind: ContentKind::Awareness,
        focus: vec![Focus::AntiFraud],
        criteria: [true, true, true],
        description: None,
        stage: Stage::Active,
        since: day("2025-08-01"),
    }
}

/// Registers `input` straight in the store and returns its id.
pub async fn create_initiative(store: &Store, input: InitiativeInput) -> i64 {
    let mut tx = store.begin_write(TEST_ACTOR, Timestamp::now()).await.unwrap();
    let id = tx.create_initiative(&input.check().unwrap()).await.unwrap();
    tx.commit().await.unwrap();
    id
}
