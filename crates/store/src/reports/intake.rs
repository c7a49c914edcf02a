//! Durable intake with group commit: every request hands its report to one
//! writer task, which writes whatever has queued up in a single transaction
//! and answers each request only after that transaction is on disk. Under
//! load one commit (one fsync) carries hundreds of reports; alone, a report
//! is written at once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{SecondsFormat, Utc};
use khienmang_core::org::UnitId;
use khienmang_core::reports::{Channel, CheckedDraft, Status, TrackingCode, due_at, new_secret, secret_hash};
use khienmang_core::time::{Timestamp, vietnam_date};
use serde_json::json;
use sqlx::Row;
use tokio::sync::{mpsc, oneshot};

use super::{FieldKey, REPORTER, ReportRouting, invalid};
use crate::db::{Val, bulk_insert, bulk_insert_returning, next_batch};
use crate::{Result, Store, StoreError, WriteTx};

/// Reports written in one transaction at most.
const MAX_BATCH: usize = 512;
/// Requests waiting for the writer at most; more wait for a place.
const QUEUE: usize = 8192;

/// An attachment already cleaned and stored under its hash.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub sha256: String,
    pub kind: String,
    pub size: i64,
    pub name: String,
}

/// A checked report, ready to route and write.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub channel: Channel,
    pub draft: CheckedDraft,
    /// The commune the reporter picked, if any.
    pub commune: Option<UnitId>,
    pub attachments: Vec<NewAttachment>,
}

/// What the reporter keeps: the code names the report, the secret opens it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Receipt {
    pub id: i64,
    pub code: String,
    pub secret: String,
    pub unit_id: UnitId,
    pub due_at: String,
}

struct Routed {
    report: NewReport,
    commune: Option<UnitId>,
    unit: UnitId,
    /// The routing it was routed with.
    routing: Arc<ReportRouting>,
    /// When the request handed it over.
    received: Timestamp,
}

type Job = (Routed, oneshot::Sender<Result<Receipt>>);

/// The intake queue. Cloning it shares the one writer.
#[derive(Clone)]
pub struct Intake {
    store: Store,
    jobs: mpsc::Sender<Job>,
}

/// What a request hears when its batch could not be written.
fn not_saved() -> StoreError {
    StoreError::Invalid("Hệ thống chưa lưu được phản ánh; vui lòng gửi lại sau ít phút.".into())
}

impl Intake {
    /// Starts the writer task; it stops when every `Intake` is dropped.
    pub fn start(store: Store, key: FieldKey) -> Intake {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        let writer = store.clone();
        tokio::spawn(async move {
            while let Some(batch) = next_batch(&mut queue, MAX_BATCH).await {
                // The batch's time: when its last report was handed over.
                let Some(now) = batch.iter().map(|(r, _)| r.received).max() else {
                    continue;
                };
                let batch = match writer.report_routing_on(now.vietnam_date()).await {
                    Ok(current) => reroute(batch, &current),
                    Err(e) => {
                        tracing::error!(error = %e, "report routing unavailable");
                        for (_, reply) in batch {
                            let _ = reply.send(Err(not_saved()));
                        }
                        continue;
                    }
                };
                let (reports, replies): (Vec<Routed>, Vec<_>) = batch.into_iter().unzip();
                if reports.is_empty() {
                    continue;
                }
                match write_batch(&writer, &key, &reports, now.utc(), now).await {
                    Ok(receipts) => {
                        for (reply, receipt) in replies.into_iter().zip(receipts) {
                            let _ = reply.send(Ok(receipt));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, reports = reports.len(), "report intake batch failed");
                        for reply in replies {
                            let _ = reply.send(Err(not_saved()));
                        }
                    }
                }
            }
        });
        Intake { store, jobs }
    }

    /// Routes the report (on `now`'s date in Viet Nam) and waits until it
    /// is committed.
    pub async fn submit(&self, report: NewReport, now: Timestamp) -> Result<Receipt> {
        let day = now.vietnam_date();
        let mut routing = self.store.report_routing_cached(day).await?;
        let (commune, unit) = match route(&routing, &report) {
            Ok(routed) => routed,
            // Perhaps a commune made since the routing was built.
            Err(_) => {
                routing = self.store.report_routing_on(day).await?;
                route(&routing, &report)?
            }
        };
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((Routed { report, commune, unit, routing, received: now }, reply))
            .await
            .map_err(|_| invalid("Hệ thống tiếp nhận đang dừng."))?;
        answer.await.map_err(|_| invalid("Hệ thống tiếp nhận đang dừng."))?
    }
}

/// Jobs routed with an older routing than `current` are routed again; those
/// it refuses (their commune is gone) get their error here.
fn reroute(batch: Vec<Job>, current: &Arc<ReportRouting>) -> Vec<Job> {
    let mut kept = Vec::with_capacity(batch.len());
    for (routed, reply) in batch {
        if Arc::ptr_eq(&routed.routing, current) {
            kept.push((routed, reply));
            continue;
        }
        match route(current, &routed.report) {
            Ok((commune, unit)) => {
                kept.push((Routed { commune, unit, routing: current.clone(), ..routed }, reply));
            }
            Err(e) => {
                let _ = reply.send(Err(e));
            }
        }
    }
    kept
}

/// Where a report goes: the commune picked (it must be a commune of the
/// province today), else the nearest commune to its location, else the
/// province; attacks and data leaks always go to the province.
fn route(routing: &ReportRouting, report: &NewReport) -> Result<(Option<UnitId>, UnitId)> {
    let commune = match (report.commune, report.draft.location) {
        (Some(c), _) if routing.is_commune(c) => Some(c),
        (Some(_), _) => return Err(invalid("Xã/phường đã chọn không thuộc tỉnh hoặc không còn tồn tại.")),
        (None, Some((lat, lon))) => routing.nearest(lat, lon),
        (None, None) => None,
    };
    let unit = match commune {
        Some(c) if !report.draft.category.handled_by_province() => c,
        _ => routing.province,
    };
    Ok((commune, unit))
}

impl Store {
    /// Routes (on the tree of `at`'s date in Viet Nam) and writes reports
    /// received at `at` in one transaction written at `now`, without the
    /// queue: for imports of earlier reports and demo data.
    pub async fn receive_reports_at(
        &self,
        key: &FieldKey,
        reports: Vec<NewReport>,
        at: chrono::DateTime<Utc>,
        now: Timestamp,
    ) -> Result<Vec<Receipt>> {
        let routing = self.report_routing_on(vietnam_date(at)).await?;
        let mut routed = Vec::with_capacity(reports.len());
        for report in reports {
            let (commune, unit) = route(&routing, &report)?;
            routed.push(Routed { report, commune, unit, routing: routing.clone(), received: now });
        }
        write_batch(self, key, &routed, at, now).await
    }
}

async fn write_batch(
    store: &Store,
    key: &FieldKey,
    reports: &[Routed],
    received: chrono::DateTime<Utc>,
    now: Timestamp,
) -> Result<Vec<Receipt>> {
    let mut tx = store.begin_write(REPORTER, now).await?;
    let now = received;
    let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let codes = fresh_codes(&mut tx, reports.len()).await?;
    let mut receipts = Vec::with_capacity(reports.len());
    let mut rows = Vec::with_capacity(reports.len());
    for (routed, code) in reports.iter().zip(&codes) {
        let draft = &routed.report.draft;
        let secret = new_secret(rand::random());
        let due = due_at(draft.category, now).to_rfc3339_opts(SecondsFormat::Secs, true);
        let contact = (!draft.contact.is_empty())
            .then(|| serde_json::to_vec(&draft.contact).map(|plain| key.seal(&plain)))
            .transpose()
            .map_err(|_| invalid("liên hệ"))?;
        rows.push(vec![
            Val::S(Some(code.to_string())),
            Val::S(Some(secret_hash(&secret))),
            Val::S(Some(routed.report.channel.as_str().into())),
            Val::S(Some(draft.category.as_str().into())),
            Val::S(Some(draft.description.clone())),
            Val::S(Some(json!(draft.links).to_string())),
            Val::I(routed.commune.map(|c| c.0)),
            Val::I(Some(routed.unit.0)),
            Val::F(draft.location.map(|l| l.0)),
            Val::F(draft.location.map(|l| l.1)),
            Val::S(Some(Status::Received.as_str().into())),
            Val::S(Some(at.clone())),
            Val::S(Some(due.clone())),
            Val::B(contact),
            Val::S(Some(at.clone())),
        ]);
        receipts.push(Receipt { id: 0, code: code.to_string(), secret, unit_id: routed.unit, due_at: due });
    }
    // One statement per few dozen reports; ids come back matched by code.
    let inserted = bulk_insert_returning(
        &mut tx,
        "reports",
        &[
            "code",
            "secret_hash",
            "channel",
            "category",
            "description",
            "links",
            "commune_id",
            "unit_id",
            "lat",
            "lon",
            "status",
            "received_at",
            "due_at",
            "contact_sealed",
            "updated_at",
        ],
        rows,
        Some("id, code"),
    )
    .await?;
    let mut ids = HashMap::with_capacity(inserted.len());
    for row in inserted {
        ids.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
    }
    let mut identifiers = Vec::new();
    let mut events = Vec::with_capacity(reports.len());
    for (routed, receipt) in reports.iter().zip(&mut receipts) {
        receipt.id = *ids.get(&receipt.code).ok_or(StoreError::NotFound)?;
        let id = receipt.id;
        for i in &routed.report.draft.identifiers {
            identifiers.push(vec![
                Val::I(Some(id)),
                Val::S(Some(i.kind.as_str().into())),
                Val::S(Some(i.value.clone())),
            ]);
        }
        events.push(vec![
            Val::I(Some(id)),
            Val::S(Some(at.clone())),
            Val::S(Some(REPORTER.into())),
            Val::S(Some("received".into())),
            Val::S(Some(Status::Received.as_str().into())),
            Val::S(Some(Status::Received.default_message_vi().into())),
            Val::I(Some(1)),
        ]);
        if !routed.report.attachments.is_empty() {
            insert_attachments(&mut tx, id, &routed.report.attachments).await?;
        }
    }
    bulk_insert(&mut tx, "report_identifiers", &["report_id", "kind", "value"], identifiers).await?;
    bulk_insert(
        &mut tx,
        "report_events",
        &["report_id", "at", "actor", "kind", "status", "body", "to_reporter"],
        events,
    )
    .await?;
    // One notification per unit and batch, not one per report; one statement.
    // Per unit: its reports in the batch and the first of them.
    let mut units: BTreeMap<UnitId, (usize, i64)> = BTreeMap::new();
    for r in &receipts {
        units.entry(r.unit_id).or_insert((0, r.id)).0 += 1;
    }
    let noticed = tx.stamp();
    let notifications = units
        .into_iter()
        .map(|(unit, (n, first))| {
            let body = if n == 1 {
                "Có phản ánh mới cần phân loại".to_string()
            } else {
                format!("Có {n} phản ánh mới cần phân loại")
            };
            vec![Val::I(Some(unit.0)), Val::I(Some(first)), Val::S(Some(noticed.clone())), Val::S(Some(body))]
        })
        .collect();
    bulk_insert(&mut tx, "notifications", &["unit_id", "report_id", "at", "body"], notifications).await?;
    tx.audit(
        "report.receive",
        "reports",
        &json!({"reports": receipts.iter().map(|r| json!({"id": r.id, "unit": r.unit_id.0})).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await?;
    Ok(receipts)
}

/// `n` codes not yet used, checked in one query (a collision among 2^50
/// codes is rare, never fatal: the taken ones are drawn again).
async fn fresh_codes(tx: &mut WriteTx, n: usize) -> Result<Vec<TrackingCode>> {
    let mut codes: Vec<TrackingCode> = Vec::with_capacity(n);
    loop {
        let mut seen: HashSet<String> = codes.iter().map(|c| c.to_string()).collect();
        while codes.len() < n {
            let code = TrackingCode::generate(rand::random());
            if seen.insert(code.to_string()) {
                codes.push(code);
            }
        }
        let taken: HashSet<String> = check_taken(tx, &codes).await?;
        if taken.is_empty() {
            return Ok(codes);
        }
        codes.retain(|c| !taken.contains(c.as_str()));
    }
}

async fn check_taken(tx: &mut WriteTx, codes: &[TrackingCode]) -> Result<HashSet<String>> {
    let mut taken = HashSet::new();
    for chunk in codes.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT code FROM reports WHERE code IN ({})", marks.join(","));
        let mut q = sqlx::query_scalar::<_, String>(&sql);
        for code in chunk {
            q = q.bind(code.as_str());
        }
        taken.extend(q.fetch_all(tx.conn()).await?);
    }
    Ok(taken)
}

pub(crate) async fn insert_attachments(tx: &mut WriteTx, report: i64, attachments: &[NewAttachment]) -> Result<()> {
    let now = tx.stamp();
    let rows = attachments
        .iter()
        .map(|a| {
            vec![
                Val::I(Some(report)),
                Val::S(Some(a.sha256.clone())),
                Val::S(Some(a.kind.clone())),
                Val::I(Some(a.size)),
                Val::S(Some(a.name.clone())),
                Val::S(Some(now.clone())),
            ]
        })
        .collect();
    bulk_insert(tx, "report_attachments", &["report_id", "sha256", "kind", "size", "name", "added_at"], rows).await
}
