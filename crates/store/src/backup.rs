//! Online backup and restore in one portable format (JSON lines, one table
//! after another), so a backup taken on SQLite restores on PostgreSQL and
//! the other way round. The backup reads inside one transaction, so it is a
//! consistent snapshot while the server keeps running.
//!
//! The tables and their columns are read from the schema and written in the
//! order of their foreign keys, so whatever a migration adds is in the next
//! backup without anyone having to remember it (a fixed list had silently
//! left the outreach tables out). Each table's section starts with its
//! columns and row count; the file ends with every table's row count and a
//! SHA-256 over every line before the end. A restore refuses a file that was
//! cut, reordered or edited, and checks that every table ends up with the
//! rows the file announced.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::db::{Backend, Val, bulk_insert};
use crate::{Result, Store, StoreError};
use khienmang_core::time::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
    /// Bytes, written as hex.
    Blob,
}
use Kind::*;

/// Tables left out on purpose: short-lived sessions, uploads staged for an
/// import, the database's own record of its migrations (the target has its
/// own), and the hour's rate-limit key and counts (deleted within two hours
/// so that no count can be tied to an address). Everything else the
/// migrations create is backed up.
pub const EXCLUDED_TABLES: &[&str] =
    &["sessions", "import_batches", "schema_migrations", "rate_limit_keys", "rate_limit_counts"];

/// Tables the migrations fill (the audit head, settings, the scam check's
/// starting official list): a restore replaces their rows.
const FILLED_BY_MIGRATIONS: &[&str] = &["audit_head", "settings", "official_entries"];

const FORMAT: &str = "khienmang-backup-2";
/// Longer lines are refused before they are parsed; the longest real rows
/// are documents (10 MB, twice that in hex).
const MAX_LINE_BYTES: usize = 64 << 20;
/// A restore inserts this many rows, or this many bytes of them, at a time.
const BATCH_ROWS: usize = 500;
const BATCH_BYTES: usize = 16 << 20;

struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
}

fn kind_of(table: &str, column: &str, declared: &str) -> Result<Kind> {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        Ok(Int)
    } else if t.contains("DOUBLE") || t.contains("REAL") {
        Ok(Real)
    } else if t.contains("BLOB") || t.contains("BYTEA") {
        Ok(Blob)
    } else if t.contains("TEXT") || t.contains("CHAR") {
        Ok(Text)
    } else {
        Err(StoreError::Invalid(format!(
            "Không sao lưu được cột {table}.{column}: kiểu {declared} chưa được hỗ trợ trong tệp sao lưu."
        )))
    }
}

/// The tables to back up with their columns, each after the tables its
/// foreign keys point to (ties by name).
async fn schema(conn: &mut sqlx::AnyConnection, backend: Backend) -> Result<Vec<Table>> {
    let (tables_sql, columns_sql, keys_sql) = match backend {
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table'",
            "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            "SELECT \"table\" FROM pragma_foreign_key_list($1)",
        ),
        Backend::Postgres => (
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            "SELECT CAST(t.relname AS TEXT) FROM pg_constraint c \
             JOIN pg_class s ON s.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = s.relnamespace \
             WHERE c.contype = 'f' AND n.nspname = current_schema() AND s.relname = $1",
        ),
    };
    let names: Vec<String> = sqlx::query_scalar(tables_sql).fetch_all(&mut *conn).await?;
    let mut pending = BTreeMap::new();
    for name in names {
        // SQLite's own tables (sqlite_sequence) are the database's business.
        if name.starts_with("sqlite_") || EXCLUDED_TABLES.contains(&name.as_str()) {
            continue;
        }
        let mut columns = Vec::new();
        for row in sqlx::query(columns_sql).bind(name.clone()).fetch_all(&mut *conn).await? {
            let (column, declared): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            let kind = kind_of(&name, &column, &declared)?;
            columns.push((column, kind));
        }
        let refs: BTreeSet<String> =
            sqlx::query_scalar(keys_sql).bind(name.clone()).fetch_all(&mut *conn).await?.into_iter().collect();
        pending.insert(name, (columns, refs));
    }
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .iter()
            .filter(|(name, (_, refs))| refs.iter().all(|r| r == *name || !pending.contains_key(r)))
            .map(|(name, _)| name.clone())
            .collect();
        if ready.is_empty() {
            let names: Vec<&str> = pending.keys().map(String::as_str).collect();
            return Err(StoreError::Invalid(format!(
                "Không sao lưu được: khóa ngoại giữa các bảng {} tạo thành vòng.",
                names.join(", ")
            )));
        }
        for name in ready {
            if let Some((columns, _)) = pending.remove(&name) {
                ordered.push(Table { name, columns });
            }
        }
    }
    Ok(ordered)
}

/// Writes lines and hashes them.
struct HashedOut<'a> {
    out: &'a mut dyn Write,
    hash: Sha256,
}

impl HashedOut<'_> {
    fn line(&mut self, line: &str) -> Result<()> {
        self.hash.update(line.as_bytes());
        self.hash.update(b"\n");
        writeln!(self.out, "{line}").map_err(write_failed)
    }
}

fn write_failed(e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("không ghi được tệp sao lưu: {e}"))
}

fn bad(what: &str) -> StoreError {
    StoreError::Invalid(format!("Tệp sao lưu không hợp lệ: {what}."))
}

/// Reads lines of at most [`MAX_LINE_BYTES`], refusing a longer one before
/// it is read whole, and hashes them as the backup did.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    hash: Sha256,
}

impl Lines<'_> {
    /// The next line, without its newline.
    fn next(&mut self) -> Result<Option<&[u8]>> {
        self.buf.clear();
        let limit = MAX_LINE_BYTES as u64 + 1;
        let read = (&mut *self.input)
            .take(limit)
            .read_until(b'\n', &mut self.buf)
            .map_err(|_| bad("không đọc được nội dung"))?;
        if read == 0 {
            return Ok(None);
        }
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        }
        if self.buf.len() > MAX_LINE_BYTES {
            return Err(bad(&format!("có dòng dài hơn {} MiB", MAX_LINE_BYTES >> 20)));
        }
        Ok(Some(&self.buf))
    }

    /// The next line as JSON. Every line is hashed but the end line, which
    /// holds the hash: it is the one object with an `end` field.
    fn next_value(&mut self) -> Result<Option<Value>> {
        let Some(line) = self.next()? else { return Ok(None) };
        let value: Value = serde_json::from_slice(line).map_err(|_| bad("dòng không phải JSON"))?;
        if value.get("end").is_none() {
            self.hash.update(&self.buf);
            self.hash.update(b"\n");
        }
        Ok(Some(value))
    }
}

/// One cell as the column's kind wants it; `None` for a value of another type.
fn cell(value: &Value, kind: Kind) -> Option<Val> {
    Some(match (kind, value) {
        (Int, Value::Null) => Val::I(None),
        (Int, v) => Val::I(Some(v.as_i64()?)),
        (Real, Value::Null) => Val::F(None),
        (Real, v) => Val::F(Some(v.as_f64()?)),
        (Text, Value::Null) => Val::S(None),
        (Text, Value::String(s)) => Val::S(Some(s.clone())),
        (Blob, Value::Null) => Val::B(None),
        (Blob, Value::String(h)) => Val::B(Some(hex::decode(h).ok()?)),
        _ => return None,
    })
}

impl Store {
    /// Writes every table to `out`; returns the number of rows written.
    pub async fn backup(&self, out: &mut dyn Write, now: Timestamp) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let tables = schema(&mut tx, self.backend()).await?;
        let mut file = HashedOut { out, hash: Sha256::new() };
        file.line(&json!({"format": FORMAT, "created_at": now.stored()}).to_string())?;
        let mut counts = serde_json::Map::new();
        let mut total = 0u64;
        for table in &tables {
            let names: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
            let sql = format!("SELECT {} FROM {} ORDER BY 1", names.join(", "), table.name);
            let rows = sqlx::query(&sql).fetch_all(&mut *tx).await?;
            file.line(&json!({"table": table.name, "columns": names, "rows": rows.len()}).to_string())?;
            for row in &rows {
                let mut values = Vec::with_capacity(table.columns.len());
                for (i, (_, kind)) in table.columns.iter().enumerate() {
                    values.push(match kind {
                        Int => json!(row.try_get::<Option<i64>, _>(i)?),
                        Real => json!(row.try_get::<Option<f64>, _>(i)?),
                        Text => json!(row.try_get::<Option<String>, _>(i)?),
                        Blob => json!(row.try_get::<Option<Vec<u8>>, _>(i)?.map(hex::encode)),
                    });
                }
                file.line(&Value::Array(values).to_string())?;
            }
            counts.insert(table.name.clone(), json!(rows.len()));
            total += rows.len() as u64;
        }
        tx.commit().await?;
        let digest = hex::encode(file.hash.finalize());
        let end = json!({"end": FORMAT, "tables": counts, "rows": total, "sha256": digest});
        writeln!(file.out, "{end}").map_err(write_failed)?;
        Ok(total)
    }

    /// Restores a backup into a freshly migrated, empty database. Nothing is
    /// kept unless the whole file checks out.
    pub async fn restore(&self, input: &mut dyn BufRead, now: Timestamp) -> Result<u64> {
        let mut tx = self.begin_write("system", now).await?;
        let tables = schema(tx.conn(), self.backend()).await?;
        // What the migrations fill is replaced; every other table must be empty.
        for table in tables.iter().filter(|t| !FILLED_BY_MIGRATIONS.contains(&t.name.as_str())) {
            let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {}", table.name);
            let rows: i64 = sqlx::query_scalar(&sql).fetch_one(tx.conn()).await?;
            if rows > 0 {
                return Err(StoreError::Invalid("Chỉ khôi phục vào cơ sở dữ liệu trống.".into()));
            }
        }
        let mut lines = Lines { input, buf: Vec::new(), hash: Sha256::new() };
        let header = lines.next_value()?.ok_or_else(|| bad("tệp trống"))?;
        match header["format"].as_str() {
            Some(FORMAT) => {}
            Some("khienmang-backup-1") => {
                return Err(bad(
                    "tệp theo định dạng cũ, thiếu một số bảng và không kiểm tra được toàn vẹn; hãy sao lưu lại bằng phiên bản này",
                ));
            }
            _ => return Err(bad("không đúng định dạng")),
        }
        for table in FILLED_BY_MIGRATIONS {
            sqlx::query(&format!("DELETE FROM {table}")).execute(tx.conn()).await?;
        }
        let by_name: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut restored: BTreeMap<String, u64> = BTreeMap::new();
        let end = loop {
            let section = lines.next_value()?.ok_or_else(|| bad("thiếu phần kết thúc (tệp bị cắt)"))?;
            if section.get("end").is_some() {
                break section;
            }
            let name = section["table"].as_str().ok_or_else(|| bad("thiếu tên bảng"))?;
            let table = by_name.get(name).ok_or_else(|| bad(&format!("bảng {name} không có trong phiên bản này")))?;
            if restored.contains_key(name) {
                return Err(bad(&format!("bảng {name} xuất hiện hai lần")));
            }
            // Columns by name, as the file lists them; only this database's
            // names reach the SQL.
            let listed =
                section["columns"].as_array().ok_or_else(|| bad(&format!("bảng {name} thiếu danh sách cột")))?;
            let mut columns = Vec::with_capacity(listed.len());
            for c in listed {
                let column = table.columns.iter().find(|(n, _)| Some(n.as_str()) == c.as_str());
                columns
                    .push(column.ok_or_else(|| bad(&format!("cột {c} của bảng {name} không có trong phiên bản này")))?);
            }
            let distinct: BTreeSet<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
            if distinct.len() != table.columns.len() || columns.len() != table.columns.len() {
                return Err(bad(&format!("các cột của bảng {name} không khớp với phiên bản này")));
            }
            let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
            let count = section["rows"].as_u64().ok_or_else(|| bad(&format!("bảng {name} thiếu số dòng")))?;
            let (mut batch, mut batch_bytes) = (Vec::new(), 0);
            for _ in 0..count {
                let row = lines.next_value()?.ok_or_else(|| bad(&format!("bảng {name} thiếu dòng")))?;
                let cells = row
                    .as_array()
                    .filter(|a| a.len() == columns.len())
                    .ok_or_else(|| bad(&format!("sai số cột trong bảng {name}")))?;
                let values = cells
                    .iter()
                    .zip(&columns)
                    .map(|(v, (_, kind))| cell(v, *kind))
                    .collect::<Option<Vec<Val>>>()
                    .ok_or_else(|| bad(&format!("giá trị sai kiểu trong bảng {name}")))?;
                batch_bytes += lines.buf.len();
                batch.push(values);
                if batch.len() >= BATCH_ROWS || batch_bytes >= BATCH_BYTES {
                    bulk_insert(&mut tx, name, &names, std::mem::take(&mut batch))
                        .await
                        .map_err(|e| bad(&format!("không ghi được bảng {name} ({e})")))?;
                    batch_bytes = 0;
                }
            }
            bulk_insert(&mut tx, name, &names, batch)
                .await
                .map_err(|e| bad(&format!("không ghi được bảng {name} ({e})")))?;
            restored.insert(name.to_string(), count);
        };
        if lines.next()?.is_some() {
            return Err(bad("có nội dung sau phần kết thúc"));
        }
        // Edited rows (or counts, or the order of anything) change the hash.
        if end["end"] != FORMAT || end["sha256"].as_str() != Some(hex::encode(lines.hash.finalize()).as_str()) {
            return Err(bad("nội dung đã bị sửa hoặc hỏng (mã băm SHA-256 không khớp), không khôi phục gì"));
        }
        let announced: Option<BTreeMap<String, u64>> =
            end["tables"].as_object().and_then(|m| m.iter().map(|(t, n)| Some((t.clone(), n.as_u64()?))).collect());
        let total: u64 = restored.values().sum();
        if announced.as_ref() != Some(&restored) || end["rows"].as_u64() != Some(total) {
            return Err(bad("số dòng các bảng không khớp với phần kết thúc"));
        }
        if let Some(missing) = tables.iter().find(|t| !restored.contains_key(&t.name)) {
            return Err(bad(&format!("thiếu bảng {}", missing.name)));
        }
        // What the database now holds, table by table, against the file.
        for table in &tables {
            let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {}", table.name);
            let rows: i64 = sqlx::query_scalar(&sql).fetch_one(tx.conn()).await?;
            if u64::try_from(rows).ok() != restored.get(&table.name).copied() {
                return Err(bad(&format!("bảng {} có {rows} dòng sau khi khôi phục, khác với tệp", table.name)));
            }
        }
        for table in tables.iter().filter(|t| t.columns.iter().any(|(c, k)| c == "id" && *k == Int)) {
            Store::bump_sequence(&mut tx, &table.name).await?;
        }
        tx.bump_org_generation().await?;
        // No audit entry here: the restored chain must verify exactly as backed up.
        tx.commit().await?;
        Ok(total)
    }
}
