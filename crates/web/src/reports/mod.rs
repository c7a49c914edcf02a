//! Citizen reports (SPEC M5): the public intake and tracking pages
//! ([`public`]), the JSON API ([`api`]), Open311 GeoReport v2 ([`open311`]),
//! and the staff's queue and report pages ([`staff`]).
//!
//! Intake is anonymous: no account, no ID number. Rate limits count clients
//! by a keyed hash of their address whose key changes every hour, so no
//! address is ever stored, not even in memory beyond the hour.

pub mod api;
pub mod open311;
pub mod public;
pub mod staff;

use std::path::PathBuf;

use axum::extract::Multipart;
use khienmang_core::reports::attachment::{self, MAX_ATTACHMENTS};
use khienmang_core::reports::{Channel, Draft};
use khienmang_core::time::Timestamp;
use khienmang_store::Store;
use khienmang_store::reports::{FieldKey, FileStore, Intake, NewAttachment, NewReport, Receipt};

use crate::access::Vault;
use crate::error::{WebError, WebResult};
use crate::kit::upload;

/// What the reports need at run time: the intake writer, where files go and
/// the field key.
#[derive(Clone)]
pub struct ReportsRuntime {
    pub intake: Intake,
    pub files: FileStore,
    pub key: FieldKey,
}

impl ReportsRuntime {
    pub fn new(store: &Store, key: FieldKey, files_dir: PathBuf) -> ReportsRuntime {
        ReportsRuntime { intake: Intake::start(store.clone(), key.clone()), files: FileStore::new(files_dir), key }
    }
}

/// A submission as read from a form or the API, before any check.
#[derive(Default)]
pub struct Submission {
    pub draft: Draft,
    pub commune: Option<String>,
    pub files: Vec<(String, Vec<u8>)>,
    /// The honeypot field: people never see it, scripts fill it in.
    pub trap: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn number(s: &str) -> WebResult<Option<f64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| WebError::BadRequest("Vị trí (vĩ độ, kinh độ) không hợp lệ.".into()))
}

impl Submission {
    /// Reads the intake form (multipart, with files).
    pub async fn from_multipart(mp: Multipart) -> WebResult<Submission> {
        let mut upload = upload::read_intake(mp).await?;
        let fields = std::mem::take(&mut upload.fields.0);
        let mut s = Submission { files: upload.non_empty_files(), ..Default::default() };
        for (name, value) in fields {
            s.set(&name, value)?;
        }
        Ok(s)
    }

    /// One text field of the form (or of a form-encoded Open311 request).
    pub fn set(&mut self, name: &str, value: String) -> WebResult<()> {
        let d = &mut self.draft;
        match name {
            "category" | "service_code" => d.category = value,
            "description" => d.description = value,
            "commune" => self.commune = Some(value).filter(|v| !v.trim().is_empty()),
            "lat" => d.lat = number(&value)?,
            "lon" | "long" => d.lon = number(&value)?,
            "links" => d.links.extend(lines(&value)),
            "identifiers" => d.identifiers.extend(lines(&value)),
            "contact_name" | "first_name" => d.contact.name = Some(value),
            "contact_phone" | "phone" => d.contact.phone = Some(value),
            "contact_email" | "email" => d.contact.email = Some(value),
            "website" => self.trap = value,
            _ => {}
        }
        Ok(())
    }

    /// Checks everything, cleans and stores the files, and hands the report
    /// to the intake writer as received at `now`; returns once it is committed.
    pub async fn submit(
        self,
        vault: &Vault,
        rt: &ReportsRuntime,
        channel: Channel,
        now: Timestamp,
    ) -> WebResult<Receipt> {
        if !self.trap.trim().is_empty() {
            return Err(WebError::BadRequest("Không gửi được phản ánh.".into()));
        }
        let draft = self.draft.check().map_err(|e| WebError::BadRequest(e.message_vi()))?;
        let commune = match &self.commune {
            Some(c) => Some(vault.resolve_commune(c).await?),
            None => None,
        };
        if self.files.len() > MAX_ATTACHMENTS {
            return Err(WebError::BadRequest(format!("Chỉ gửi tối đa {MAX_ATTACHMENTS} tệp đính kèm.")));
        }
        let attachments = store_files(rt, self.files).await?;
        Ok(rt.intake.submit(NewReport { channel, draft, commune, attachments }, now).await?)
    }
}

/// Cleans each file (type by content, metadata stripped) and writes it
/// under its hash, off the async threads.
pub async fn store_files(rt: &ReportsRuntime, files: Vec<(String, Vec<u8>)>) -> WebResult<Vec<NewAttachment>> {
    let store = rt.files.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for (name, bytes) in files {
            let clean = attachment::sanitize(&bytes).map_err(|e| {
                WebError::BadRequest(format!("{}: {}", attachment::safe_file_name(&name), e.message_vi()))
            })?;
            store.put(&clean.sha256, &clean.bytes)?;
            out.push(NewAttachment {
                sha256: clean.sha256,
                kind: clean.kind.mime().to_string(),
                size: clean.bytes.len() as i64,
                name: attachment::safe_file_name(&name),
            });
        }
        Ok::<_, WebError>(out)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
}

/// RFC 3339 UTC as stored → "dd/mm/yyyy hh:mm" in Viet Nam's time.
pub fn local_time(stamp: &str) -> String {
    khienmang_core::display::stored(stamp)
}
