//! The registry of documents: yearly plans and thematic resolutions, with
//! their attached files.

use khienmang_core::Date;
use khienmang_core::movement::DocumentFields;
use khienmang_core::org::UnitId;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::db::Val;
use crate::org::date;
use crate::targets::FactChange;
use crate::{Result, Store, WriteTx};

use super::corrections::{Voided, voided_of};
use super::shared::{invalid, unit_name_of};

pub use khienmang_core::movement::DocumentKind;

#[derive(Debug, Clone)]
pub struct DocumentInput {
    pub unit: UnitId,
    pub kind: DocumentKind,
    pub number: String,
    pub title: String,
    pub issued_on: Date,
    /// The year a plan is for (a resolution's is its date's year).
    pub year: i32,
    pub file: Option<(String, String, Vec<u8>)>,
}

impl DocumentInput {
    /// The typed fields, for core's check (the same on entry and correction).
    pub fn fields(&self) -> DocumentFields {
        DocumentFields {
            kind: self.kind,
            number: self.number.clone(),
            title: self.title.clone(),
            issued_on: self.issued_on,
            year: self.year,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentEntry {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub kind: DocumentKind,
    pub number: String,
    pub title: String,
    pub issued_on: Date,
    pub year: i32,
    pub file_name: Option<String>,
    /// Set when the document was voided (lists never hold one).
    pub voided: Option<Voided>,
}

impl DocumentEntry {
    /// Its fields as its correction form starts from.
    pub fn fields(&self) -> DocumentFields {
        DocumentFields {
            kind: self.kind,
            number: self.number.clone(),
            title: self.title.clone(),
            issued_on: self.issued_on,
            year: self.year,
        }
    }
}

/// The columns a document is read from, the rows `filter` selects.
fn document_sql(filter: &str) -> String {
    format!(
        "SELECT d.id, d.unit_id, {} AS unit_name, d.kind, d.number, d.title, d.issued_on, d.year, d.file_name, \
         d.voided_at, d.voided_by, d.void_reason FROM movement_documents d WHERE {filter}",
        unit_name_of("d.unit_id")
    )
}

fn document_of(r: &sqlx::any::AnyRow) -> Result<DocumentEntry> {
    let kind: String = r.try_get("kind")?;
    Ok(DocumentEntry {
        id: r.try_get("id")?,
        unit_id: UnitId(r.try_get("unit_id")?),
        unit_name: r.try_get::<Option<String>, _>("unit_name")?.unwrap_or_default(),
        kind: DocumentKind::parse(&kind).ok_or_else(|| invalid("loại văn bản không hợp lệ"))?,
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        issued_on: date(&r.try_get::<String, _>("issued_on")?)?,
        year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or(0),
        file_name: r.try_get("file_name")?,
        voided: voided_of(r)?,
    })
}

impl Store {
    pub async fn documents_under(&self, root: UnitId) -> Result<Vec<DocumentEntry>> {
        let within = self.subtree_ids(root).await?;
        let sql = document_sql("d.voided_at IS NULL ORDER BY d.issued_on DESC, d.id DESC");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut out = Vec::new();
        for r in &rows {
            let unit = UnitId(r.try_get("unit_id")?);
            if within.contains(&unit) {
                out.push(document_of(r)?);
            }
        }
        Ok(out)
    }

    /// One document, voided or not (the caller decides who sees a void).
    pub async fn document(&self, id: i64) -> Result<Option<DocumentEntry>> {
        let row = sqlx::query(&document_sql("d.id = $1")).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(document_of).transpose()
    }

    /// A document's owning unit and attached file (name, type, bytes); none
    /// for a voided document.
    pub async fn document_file(&self, id: i64) -> Result<Option<(UnitId, String, String, Vec<u8>)>> {
        let row = sqlx::query(
            "SELECT unit_id, file_name, file_type, file_data FROM movement_documents \
             WHERE id = $1 AND file_data IS NOT NULL AND voided_at IS NULL",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| Ok((UnitId(r.try_get(0)?), r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).transpose()
    }
}

impl WriteTx {
    pub async fn add_document(&mut self, d: &DocumentInput) -> Result<i64> {
        let checked = d.fields().check()?;
        let (file_name, file_type, data) = match &d.file {
            Some((n, t, b)) => (Some(n.clone()), Some(t.clone()), Some(b.clone())),
            None => (None, None, None),
        };
        let id = self
            .insert_returning_id(
                "INSERT INTO movement_documents (unit_id, kind, number, title, issued_on, year, file_name, file_type, \
                 file_data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                vec![
                    Val::I(Some(d.unit.0)),
                    Val::S(Some(checked.kind.as_str().into())),
                    Val::S(Some(checked.number.clone())),
                    Val::S(Some(checked.title.clone())),
                    Val::S(Some(checked.issued_on.to_string())),
                    Val::I(Some(i64::from(checked.year))),
                    Val::S(file_name),
                    Val::S(file_type),
                    Val::B(data),
                    Val::S(Some(self.stamp())),
                ],
            )
            .await?;
        self.audit(
            "document.create",
            &format!("document:{id}"),
            &json!({"unit": d.unit.0, "kind": checked.kind.as_str(), "number": checked.number}),
        )
        .await?;
        self.facts_changed(FactChange::Document(id));
        Ok(id)
    }
}
