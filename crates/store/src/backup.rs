//! Online backup and restore in one portable format (JSON lines, one table
//! after another), so a backup taken on SQLite restores on PostgreSQL and
//! the other way round. The backup reads inside one transaction, so it is a
//! consistent snapshot while the server keeps running.

use std::io::{BufRead, Write};

use serde_json::{Value, json};
use sqlx::Row;

use crate::db::{Val, bulk_insert};
use crate::{Result, Store, StoreError};

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Real,
    Text,
    /// Bytes, written as hex.
    Blob,
}
use Kind::*;

/// Tables in dependency order with their column types. Sessions and staged
/// imports are deliberately left out: they are short-lived.
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    ("settings", &[("key", Text), ("value", Text)]),
    ("org_units", &[("id", Int), ("created_at", Text)]),
    (
        "org_unit_versions",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("valid_from", Text),
            ("valid_to", Text),
            ("code", Text),
            ("name", Text),
            ("name_folded", Text),
            ("level", Text),
            ("unit_type", Text),
            ("parent_id", Int),
            ("households", Int),
            ("population", Int),
            ("enterprise_size", Text),
            ("school_level", Text),
            ("official_page", Text),
            ("lat", Real),
            ("lon", Real),
        ],
    ),
    (
        "org_events",
        &[
            ("id", Int),
            ("kind", Text),
            ("effective", Text),
            ("unit_id", Int),
            ("summary", Text),
            ("legal_basis", Text),
            ("actor", Text),
            ("created_at", Text),
        ],
    ),
    (
        "org_lineage",
        &[("event_id", Int), ("from_unit", Int), ("to_unit", Int), ("is_default", Int), ("effective", Text)],
    ),
    (
        "initiatives",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("name", Text),
            ("name_folded", Text),
            ("leader_name", Text),
            ("participant_kind", Text),
            ("leader_kind", Text),
            ("content_kind", Text),
            ("focus", Text),
            ("criterion_1", Int),
            ("criterion_2", Int),
            ("criterion_3", Int),
            ("description", Text),
            ("stage", Text),
            ("stage_since", Text),
            ("created_at", Text),
        ],
    ),
    (
        "initiative_stages",
        &[
            ("id", Int),
            ("initiative_id", Int),
            ("stage", Text),
            ("effective", Text),
            ("note", Text),
            ("actor", Text),
            ("created_at", Text),
        ],
    ),
    (
        "initiative_channels",
        &[
            ("id", Int),
            ("initiative_id", Int),
            ("platform", Text),
            ("channel_key", Text),
            ("url", Text),
            ("audience", Int),
            ("created_at", Text),
        ],
    ),
    (
        "initiative_groups",
        &[("id", Int), ("initiative_id", Int), ("name", Text), ("leader_name", Text), ("created_at", Text)],
    ),
    ("initiative_units", &[("initiative_id", Int), ("unit_id", Int), ("from_year", Int), ("to_year", Int)]),
    (
        "initiative_village_counts",
        &[("initiative_id", Int), ("village_id", Int), ("year", Int), ("members", Int), ("households", Int)],
    ),
    (
        "initiative_members",
        &[
            ("id", Int),
            ("initiative_id", Int),
            ("village_id", Int),
            ("full_name", Text),
            ("household_key", Int),
            ("joined_year", Int),
            ("left_year", Int),
            ("created_at", Text),
        ],
    ),
    (
        "initiative_reports",
        &[
            ("id", Int),
            ("initiative_id", Int),
            ("period_from", Text),
            ("period_to", Text),
            ("posts", Int),
            ("reach", Int),
            ("reports_received", Int),
            ("note", Text),
            ("actor", Text),
            ("created_at", Text),
        ],
    ),
    (
        "people",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("full_name", Text),
            ("role", Text),
            ("position", Text),
            ("initiative_id", Int),
            ("registered_from", Int),
            ("registered_to", Int),
            ("created_at", Text),
        ],
    ),
    (
        "trainings",
        &[("id", Int), ("unit_id", Int), ("title", Text), ("held_on", Text), ("place", Text), ("created_at", Text)],
    ),
    ("training_attendees", &[("training_id", Int), ("person_id", Int)]),
    ("person_updates", &[("person_id", Int), ("year", Int), ("note", Text)]),
    (
        "trusted_voices",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("full_name", Text),
            ("in_province", Int),
            ("channels", Text),
            ("audience", Int),
            ("consent", Int),
            ("initiative_id", Int),
            ("registered_from", Int),
            ("registered_to", Int),
            ("created_at", Text),
        ],
    ),
    ("voice_enlistments", &[("voice_id", Int), ("year", Int)]),
    (
        "movement_documents",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("kind", Text),
            ("number", Text),
            ("title", Text),
            ("issued_on", Text),
            ("year", Int),
            ("file_name", Text),
            ("file_type", Text),
            ("file_data", Blob),
            ("created_at", Text),
        ],
    ),
    (
        "village_activities",
        &[
            ("id", Int),
            ("village_id", Int),
            ("held_on", Text),
            ("title", Text),
            ("participants", Int),
            ("created_at", Text),
        ],
    ),
    (
        "page_posts",
        &[("id", Int), ("unit_id", Int), ("posted_on", Text), ("title", Text), ("url", Text), ("created_at", Text)],
    ),
    ("unit_reports", &[("unit_id", Int), ("year", Int), ("submitted_at", Text), ("actor", Text)]),
    (
        "users",
        &[
            ("id", Int),
            ("username", Text),
            ("display_name", Text),
            ("password_hash", Text),
            ("role", Text),
            ("scope_unit_id", Int),
            ("totp_secret", Text),
            ("is_demo", Int),
            ("disabled", Int),
            ("failed_logins", Int),
            ("locked_until", Text),
            ("created_at", Text),
            ("email", Text),
        ],
    ),
    (
        "reports",
        &[
            ("id", Int),
            ("code", Text),
            ("secret_hash", Text),
            ("channel", Text),
            ("category", Text),
            ("description", Text),
            ("links", Text),
            ("commune_id", Int),
            ("unit_id", Int),
            ("lat", Real),
            ("lon", Real),
            ("status", Text),
            ("assignee", Text),
            ("received_at", Text),
            ("due_at", Text),
            ("escalations", Int),
            ("closed_at", Text),
            ("on_time", Int),
            ("duplicate_of", Int),
            ("rating", Int),
            ("rating_fixed", Int),
            ("rating_comment", Text),
            ("contact_sealed", Blob),
            ("contact_removed_at", Text),
            ("updated_at", Text),
        ],
    ),
    ("report_identifiers", &[("report_id", Int), ("kind", Text), ("value", Text)]),
    (
        "report_events",
        &[
            ("id", Int),
            ("report_id", Int),
            ("at", Text),
            ("actor", Text),
            ("kind", Text),
            ("status", Text),
            ("body", Text),
            ("to_reporter", Int),
            ("public_note", Text),
        ],
    ),
    (
        "report_attachments",
        &[
            ("id", Int),
            ("report_id", Int),
            ("sha256", Text),
            ("kind", Text),
            ("size", Int),
            ("name", Text),
            ("added_at", Text),
        ],
    ),
    (
        "notifications",
        &[("id", Int), ("unit_id", Int), ("report_id", Int), ("at", Text), ("body", Text), ("read_at", Text)],
    ),
    (
        "email_outbox",
        &[
            ("id", Int),
            ("report_id", Int),
            ("to_reporter", Int),
            ("recipient", Text),
            ("subject", Text),
            ("body", Text),
            ("created_at", Text),
            ("attempts", Int),
            ("next_attempt_at", Text),
            ("sent_at", Text),
            ("last_error", Text),
        ],
    ),
    (
        "indicators",
        &[
            ("id", Int),
            ("kind", Text),
            ("key", Text),
            ("hash", Text),
            ("state", Text),
            ("category", Text),
            ("confidence", Int),
            ("source", Text),
            ("source_ref", Text),
            ("reports", Int),
            ("first_seen", Text),
            ("last_seen", Text),
            ("expires_at", Text),
            ("imitates", Text),
            ("decided_by", Text),
            ("decided_at", Text),
            ("note", Text),
            ("seq", Int),
        ],
    ),
    (
        "indicator_disputes",
        &[
            ("id", Int),
            ("indicator_id", Int),
            ("code", Text),
            ("secret_hash", Text),
            ("statement", Text),
            ("contact_sealed", Blob),
            ("status", Text),
            ("filed_at", Text),
            ("decided_by", Text),
            ("decided_at", Text),
            ("decision", Text),
        ],
    ),
    ("check_counts", &[("day", Text), ("kind", Text), ("verdict", Text), ("n", Int)]),
    (
        "criteria_sets",
        &[("id", Int), ("year", Int), ("kind", Text), ("criteria", Text), ("created_by", Text), ("created_at", Text)],
    ),
    (
        "evaluations",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("year", Int),
            ("kind", Text),
            ("status", Text),
            ("scores", Text),
            ("total", Int),
            ("classification", Text),
            ("submitted_at", Text),
            ("approved_on", Text),
            ("decided_by", Text),
            ("return_note", Text),
            ("updated_by", Text),
            ("updated_at", Text),
        ],
    ),
    (
        "award_nominations",
        &[
            ("id", Int),
            ("proposed_by", Int),
            ("year", Int),
            ("kind", Text),
            ("status", Text),
            ("nominee_name", Text),
            ("nomination", Text),
            ("decision_no", Text),
            ("updated_at", Text),
        ],
    ),
    (
        "budget_entries",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("level", Text),
            ("line", Text),
            ("stage", Text),
            ("amount", Int),
            ("from_day", Text),
            ("to_day", Text),
            ("note", Text),
            ("created_by", Text),
            ("created_at", Text),
        ],
    ),
    (
        "duty_reports",
        &[
            ("id", Int),
            ("duty", Text),
            ("due", Text),
            ("received_on", Text),
            ("summary", Text),
            ("created_by", Text),
            ("created_at", Text),
        ],
    ),
    (
        "period_reports",
        &[
            ("id", Int),
            ("unit_id", Int),
            ("period_kind", Text),
            ("year", Int),
            ("period_index", Int),
            ("received_on", Text),
            ("summary", Text),
            ("created_by", Text),
            ("created_at", Text),
        ],
    ),
    // Online contests (store/src/outreach/contests.rs).
    (
        "contests",
        &[
            ("id", Int),
            ("title", Text),
            ("description", Text),
            ("organiser_unit_id", Int),
            ("opens_at", Text),
            ("closes_at", Text),
            ("question_count", Int),
            ("quotas", Text),
            ("time_limit_secs", Int),
            ("max_attempts", Int),
            ("attempt_period", Text),
            ("prediction_question", Text),
            ("use_shared_bank", Int),
            ("actual_all_correct", Int),
            ("closed_at", Text),
            ("created_by", Text),
            ("created_at", Text),
            ("updated_at", Text),
        ],
    ),
    (
        "contest_questions",
        &[
            ("id", Int),
            ("contest_id", Int),
            ("category", Text),
            ("text", Text),
            ("choices", Text),
            ("correct", Int),
            ("active", Int),
            ("created_by", Text),
            ("created_at", Text),
        ],
    ),
    ("contest_units", &[("contest_id", Int), ("unit_id", Int), ("eligible", Int)]),
    (
        "contest_staff",
        &[("unit_id", Int), ("person_hash", Text), ("person_masked", Text), ("added_by", Text), ("added_at", Text)],
    ),
    (
        "contest_codes",
        &[
            ("id", Int),
            ("contest_id", Int),
            ("person_hash", Text),
            ("salt", Text),
            ("code_hash", Text),
            ("issued_at", Text),
            ("expires_at", Text),
            ("tries", Int),
            ("verified_at", Text),
        ],
    ),
    (
        "contest_attempts",
        &[
            ("id", Int),
            ("contest_id", Int),
            ("person_hash", Text),
            ("person_masked", Text),
            ("person_sealed", Blob),
            ("name", Text),
            ("unit_id", Int),
            ("token_hash", Text),
            ("draw", Text),
            ("started_at", Text),
            ("deadline", Text),
            ("submitted_at", Text),
        ],
    ),
    (
        "contest_entries",
        &[
            ("id", Int),
            ("contest_id", Int),
            ("attempt_id", Int),
            ("answers", Text),
            ("score", Int),
            ("question_total", Int),
            ("prediction", Int),
            ("time_taken_ms", Int),
            ("received_at", Text),
            ("counted", Int),
            ("late_by_ms", Int),
        ],
    ),
    (
        "contest_prizes",
        &[
            ("id", Int),
            ("contest_id", Int),
            ("rank_from", Int),
            ("rank_to", Int),
            ("title", Text),
            ("reward", Text),
            ("created_by", Text),
            ("created_at", Text),
        ],
    ),
    (
        "audit_log",
        &[
            ("seq", Int),
            ("at", Text),
            ("actor", Text),
            ("action", Text),
            ("object", Text),
            ("details", Text),
            ("prev_hash", Text),
            ("hash", Text),
        ],
    ),
    ("audit_head", &[("id", Int), ("seq", Int), ("hash", Text)]),
];

const FORMAT: &str = "khienmang-backup-1";

impl Store {
    /// Writes every table to `out`; returns the number of rows written.
    pub async fn backup(&self, out: &mut dyn Write) -> Result<u64> {
        let io = |e: std::io::Error| StoreError::Invalid(format!("không ghi được tệp sao lưu: {e}"));
        let mut tx = self.pool().begin().await?;
        writeln!(out, "{}", json!({"format": FORMAT, "created_at": crate::now_utc()})).map_err(io)?;
        let mut total = 0;
        for (table, columns) in TABLES {
            let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
            let sql = format!("SELECT {} FROM {table} ORDER BY 1", names.join(", "));
            let rows = sqlx::query(&sql).fetch_all(&mut *tx).await?;
            writeln!(out, "{}", json!({"table": table, "rows": rows.len()})).map_err(io)?;
            for row in rows {
                let mut values = Vec::with_capacity(columns.len());
                for (i, (_, kind)) in columns.iter().enumerate() {
                    values.push(match kind {
                        Int => json!(row.try_get::<Option<i64>, _>(i)?),
                        Real => json!(row.try_get::<Option<f64>, _>(i)?),
                        Text => json!(row.try_get::<Option<String>, _>(i)?),
                        Blob => json!(row.try_get::<Option<Vec<u8>>, _>(i)?.map(hex::encode)),
                    });
                }
                writeln!(out, "{}", Value::Array(values)).map_err(io)?;
                total += 1;
            }
        }
        tx.commit().await?;
        Ok(total)
    }

    /// Restores a backup into a freshly migrated, empty database.
    pub async fn restore(&self, input: &mut dyn BufRead) -> Result<u64> {
        let bad = |what: &str| StoreError::Invalid(format!("Tệp sao lưu không hợp lệ: {what}."));
        let users: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM users").fetch_one(self.pool()).await?;
        let units: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM org_units").fetch_one(self.pool()).await?;
        if users + units > 0 {
            return Err(StoreError::Invalid("Chỉ khôi phục vào cơ sở dữ liệu trống.".into()));
        }
        let mut lines = input.lines();
        let mut next = || -> Result<Option<Value>> {
            match lines.next() {
                None => Ok(None),
                Some(line) => {
                    let line = line.map_err(|_| bad("không đọc được nội dung"))?;
                    serde_json::from_str(&line).map(Some).map_err(|_| bad("dòng không phải JSON"))
                }
            }
        };
        let header = next()?.ok_or_else(|| bad("tệp trống"))?;
        if header["format"] != FORMAT {
            return Err(bad("không đúng định dạng"));
        }
        let mut tx = self.begin_write("system").await?;
        sqlx::query("DELETE FROM audit_head").execute(tx.conn()).await?;
        sqlx::query("DELETE FROM settings").execute(tx.conn()).await?;
        let mut total = 0;
        for (table, columns) in TABLES {
            let head = next()?.ok_or_else(|| bad("thiếu bảng"))?;
            if head["table"] != *table {
                return Err(bad(&format!("thiếu bảng {table}")));
            }
            let count = head["rows"].as_u64().ok_or_else(|| bad("thiếu số dòng"))?;
            let mut rows = Vec::with_capacity(count as usize);
            for _ in 0..count {
                let row = next()?.ok_or_else(|| bad("thiếu dòng"))?;
                let cells = row.as_array().filter(|a| a.len() == columns.len()).ok_or_else(|| bad("sai số cột"))?;
                let vals = cells
                    .iter()
                    .zip(columns.iter())
                    .map(|(v, (_, kind))| match kind {
                        Int => Val::I(v.as_i64()),
                        Real => Val::F(v.as_f64()),
                        Text => Val::S(v.as_str().map(str::to_string)),
                        Blob => Val::B(v.as_str().and_then(|h| hex::decode(h).ok())),
                    })
                    .collect();
                rows.push(vals);
            }
            let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
            bulk_insert(&mut tx, table, &names, rows).await?;
            total += count;
        }
        for table in TABLES.iter().filter(|(_, columns)| columns[0].0 == "id").map(|(table, _)| *table) {
            Store::bump_sequence(&mut tx, table).await?;
        }
        tx.bump_org_generation().await?;
        // No audit entry here: the restored chain must verify exactly as backed up.
        tx.commit().await?;
        Ok(total)
    }
}
