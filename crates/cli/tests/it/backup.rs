//! Backup while serving, restore into an empty database, same data and an
//! intact audit chain.

use khienmang_core::time::Timestamp;
use std::collections::BTreeMap;

use khienmang_core::auth::Role;

use khienmang_store::movement::{DocumentInput, DocumentKind};

use khienmang_testkit::db::{fresh_store, temp_path};
use khienmang_testkit::fixtures::day;
use khienmang_testkit::http::TestApp;

#[tokio::test]
async fn backup_restores_to_an_identical_database() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    // Registry data too, with an attached file (a byte column).
    let commune = app.commune_a.0;
    let signed = b"%PDF-1.7 ke hoach".to_vec();
    let mut tx = app.store.begin_write("test", Timestamp::now()).await.unwrap();
    let document = tx
        .add_document(&DocumentInput {
            unit: commune,
            kind: DocumentKind::Plan,
            number: "12/KH-UBND".into(),
            title: "Kế hoạch năm 2025".into(),
            issued_on: day("2025-08-01"),
            year: 2025,
            file: Some(("ke-hoach.pdf".into(), "application/pdf".into(), signed.clone())),
        })
        .await
        .unwrap();
    tx.submit_unit_report(commune, 2025).await.unwrap();
    tx.commit().await.unwrap();
    let today = day("2026-06-01");
    let plan_of = |s: &khienmang_store::targets::TargetsSnapshot| {
        s.then.get(commune, 2025, khienmang_core::targets::TargetId::Plan).map(|v| (v.numerator, v.denominator))
    };
    let before = app.store.with_targets(today, plan_of).await.unwrap();
    assert_eq!(before, Some((1, 1)));
    let mut bytes = Vec::new();
    let rows = app.store.backup(&mut bytes, Timestamp::now()).await.unwrap();
    assert!(rows > 400);

    let (copy, _) = fresh_store().await;
    let restored = copy.restore(&mut bytes.as_slice(), Timestamp::now()).await.unwrap();
    assert_eq!(restored, rows);
    assert!(copy.audit_verify().await.unwrap().is_ok());
    let original = app.store.unit_versions(app.commune_a.0).await.unwrap();
    assert_eq!(copy.unit_versions(app.commune_a.0).await.unwrap(), original);
    assert!(copy.user_by_name("tinh").await.unwrap().is_some());
    let file = copy.document_file(document).await.unwrap().expect("the attached file");
    assert_eq!(file.3, signed);
    assert_eq!(copy.with_targets(today, plan_of).await.unwrap(), before, "the same targets after a restore");

    // Restoring twice is refused: only into an empty database.
    let again = copy.restore(&mut bytes.as_slice(), Timestamp::now()).await;
    assert!(again.is_err());
    // New writes after a restore continue the ids and the chain.
    let mut tx = copy.begin_write("test", Timestamp::now()).await.unwrap();
    tx.audit("test.after_restore", "x", &serde_json::json!({})).await.unwrap();
    let next = tx.submit_unit_report(commune, 2026).await;
    assert!(next.is_ok());
    let another = tx
        .add_document(&DocumentInput {
            unit: commune,
            kind: DocumentKind::Resolution,
            number: "3-NQ/ĐU".into(),
            title: "Nghị quyết chuyên đề".into(),
            issued_on: day("2026-02-01"),
            year: 2026,
            file: None,
        })
        .await
        .unwrap();
    assert!(another > document, "ids continue after the restored ones");
    tx.commit().await.unwrap();
    assert!(copy.audit_verify().await.unwrap().is_ok());
}

#[tokio::test]
async fn a_damaged_backup_is_refused_and_writes_nothing() {
    let app = TestApp::start().await;
    let mut bytes = Vec::new();
    app.store.backup(&mut bytes, Timestamp::now()).await.unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let (copy, _) = fresh_store().await;
    let err = copy.restore(&mut &cut[..], Timestamp::now()).await.unwrap_err();
    assert!(err.to_string().contains("Tệp sao lưu không hợp lệ"), "{err}");
    assert!(copy.audit_verify().await.unwrap().is_ok());
    assert!(copy.unit_versions(app.commune_a.0).await.unwrap().is_empty());
}

/// Every table the migrations create, read from the database itself (not
/// through the backup code): its columns with their declared types and the
/// table each foreign key points to.
type Column = (String, String, Option<String>);

async fn tables_in_schema(store: &khienmang_store::Store) -> BTreeMap<String, Vec<Column>> {
    let pool = store.pool();
    let sqlite = store.backend() == khienmang_store::Backend::Sqlite;
    let names: Vec<String> = if sqlite {
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
            .fetch_all(pool)
            .await
            .unwrap()
    } else {
        sqlx::query_scalar(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    };
    let mut tables = BTreeMap::new();
    for name in names {
        let (columns_sql, keys_sql) = if sqlite {
            (
                "SELECT name, type FROM pragma_table_info($1)",
                "SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1)",
            )
        } else {
            (
                "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1",
                "SELECT CAST(a.attname AS TEXT), CAST(t.relname AS TEXT) FROM pg_constraint c \
                 JOIN pg_class s ON s.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) \
                 WHERE c.contype = 'f' AND s.relname = $1",
            )
        };
        let keys: Vec<(String, String)> = sqlx::query_as(keys_sql).bind(name.clone()).fetch_all(pool).await.unwrap();
        let columns: Vec<(String, String)> =
            sqlx::query_as(columns_sql).bind(name.clone()).fetch_all(pool).await.unwrap();
        let columns = columns
            .into_iter()
            .map(|(c, t)| {
                let refs = keys.iter().find(|(from, _)| *from == c).map(|(_, to)| to.clone());
                (c, t.to_uppercase(), refs)
            })
            .collect();
        tables.insert(name, columns);
    }
    tables
}

async fn count(store: &khienmang_store::Store, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}")).fetch_one(store.pool()).await.unwrap()
}

/// Puts one made-up row into every empty table, parents first, so that a
/// table a backup leaves out shows up empty after the restore.
async fn fill_every_table(store: &khienmang_store::Store, tables: &BTreeMap<String, Vec<Column>>) {
    loop {
        let mut progress = false;
        for (table, columns) in tables {
            if count(store, table).await > 0 {
                continue;
            }
            let mut parents_ready = true;
            for (_, _, refs) in columns {
                if let Some(parent) = refs.as_ref().filter(|p| *p != table) {
                    parents_ready &= count(store, parent).await > 0;
                }
            }
            if !parents_ready {
                continue;
            }
            let (mut names, mut values) = (Vec::new(), Vec::new());
            for (column, declared, refs) in columns {
                if column == "id" && declared.contains("INT") {
                    continue; // numbered by the database
                }
                names.push(column.as_str());
                values.push(match refs {
                    Some(parent) if parent == table => "NULL".to_string(),
                    Some(parent) => {
                        let id: i64 = sqlx::query_scalar(&format!("SELECT MIN(id) FROM {parent}"))
                            .fetch_one(store.pool())
                            .await
                            .unwrap();
                        id.to_string()
                    }
                    None if declared.contains("INT") => "1".into(),
                    None if declared.contains("DOUBLE") || declared.contains("REAL") => "1.5".into(),
                    None if declared.contains("BLOB") => "X'0102'".into(),
                    None if declared.contains("BYTEA") => "'\\x0102'".into(),
                    None => format!("'{table} {column}'"),
                });
            }
            let sql = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), values.join(", "));
            sqlx::query(&sql).execute(store.pool()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            progress = true;
        }
        if !progress {
            break;
        }
    }
}

/// The backup's lines between its first and its last, in order of content:
/// what two databases with the same data have in common.
fn data_lines(backup: &[u8]) -> Vec<String> {
    let text = String::from_utf8(backup.to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // A restore moves the tree's generation on, so that caches reload.
    let mut data: Vec<String> = lines[1..lines.len() - 1]
        .iter()
        .filter(|l| !l.starts_with(r#"["org.generation","#))
        .map(|l| l.to_string())
        .collect();
    data.sort();
    data
}

/// The probe's finding: surveys, their responses, warnings, campaigns and
/// their shares were missing from the fixed table list, so a restore
/// reported success with them empty. The tables now come from the schema;
/// with a row in every table, every table comes back, row for row.
#[tokio::test]
async fn a_backup_with_rows_in_every_table_restores_every_table() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    app.token("tinh").await; // a session, which is left out on purpose
    let tables = tables_in_schema(&app.store).await;
    for outreach in ["surveys", "survey_responses", "warnings", "campaigns", "campaign_shares"] {
        assert!(tables.contains_key(outreach), "{outreach}");
    }
    fill_every_table(&app.store, &tables).await;
    let mut backup = Vec::new();
    let rows = app.store.backup(&mut backup, Timestamp::now()).await.unwrap();
    // Left out on purpose, by name: sessions, staged uploads, migrations.
    let excluded = khienmang_store::backup::EXCLUDED_TABLES;
    for kept in ["surveys", "survey_responses", "warnings", "campaigns", "campaign_shares", "users", "audit_log"] {
        assert!(!excluded.contains(&kept), "{kept} is backed up");
    }

    let (copy, _) = fresh_store().await;
    assert_eq!(copy.restore(&mut backup.as_slice(), Timestamp::now()).await.unwrap(), rows);
    assert!(copy.audit_verify().await.unwrap().is_ok());
    let mut total = 0;
    for table in tables.keys() {
        let (before, after) = (count(&app.store, table).await, count(&copy, table).await);
        assert!(before > 0, "{table} has a row to back up");
        if excluded.contains(&table.as_str()) {
            assert!(table != "sessions" || after == 0, "sessions are not restored");
        } else {
            assert_eq!(after, before, "{table} restored row for row");
            total += after;
        }
    }
    assert_eq!(u64::try_from(total).unwrap(), rows);
    // The file's last line names every table of the schema but the excluded.
    let end: serde_json::Value =
        serde_json::from_slice(backup.trim_ascii_end().rsplit(|b| *b == b'\n').next().unwrap()).unwrap();
    let listed: Vec<&String> = end["tables"].as_object().unwrap().keys().collect();
    let expected: Vec<&String> = tables.keys().filter(|t| !excluded.contains(&t.as_str())).collect();
    assert_eq!(listed, expected);
    // The same content, cell for cell: the copy's backup holds the same rows.
    let mut again = Vec::new();
    copy.backup(&mut again, Timestamp::now()).await.unwrap();
    assert_eq!(data_lines(&again), data_lines(&backup));
}

/// Someone with the file swaps a password hash for one they know: the rows
/// are hashed in the file's last line, so the restore refuses it, says why,
/// and keeps nothing.
#[tokio::test]
async fn an_edited_data_row_is_refused_and_restores_nothing() {
    let app = TestApp::start().await;
    app.user("tinh", Role::Secretariat, Some(app.province)).await;
    let mut backup = Vec::new();
    app.store.backup(&mut backup, Timestamp::now()).await.unwrap();
    let text = String::from_utf8(backup).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let parsed: Vec<serde_json::Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let at = parsed.iter().position(|v| v["table"] == "users").unwrap();
    let header = &parsed[at];
    let column = header["columns"].as_array().unwrap().iter().position(|c| c == "password_hash").unwrap();
    let mut row: serde_json::Value = serde_json::from_str(&lines[at + 1]).unwrap();
    row[column] = khienmang_web::auth::hash_password("mat-khau-cua-ke-gian").unwrap().into();
    lines[at + 1] = row.to_string();
    let edited = lines.join("\n") + "\n";

    let (copy, _) = fresh_store().await;
    let err = copy.restore(&mut edited.as_bytes(), Timestamp::now()).await.unwrap_err().to_string();
    assert!(err.contains("Tệp sao lưu không hợp lệ") && err.contains("đã bị sửa"), "{err}");
    assert_eq!(count(&copy, "users").await, 0);
    assert_eq!(count(&copy, "org_units").await, 0);
    assert!(copy.audit_verify().await.unwrap().is_ok());
    // A dropped row is refused too (the table's count no longer matches).
    let mut short: Vec<&str> = text.lines().collect();
    short.remove(at + 1);
    let err = copy.restore(&mut (short.join("\n") + "\n").as_bytes(), Timestamp::now()).await.unwrap_err().to_string();
    assert!(err.contains("Tệp sao lưu không hợp lệ"), "{err}");
    // The untouched file restores.
    assert!(copy.restore(&mut text.as_bytes(), Timestamp::now()).await.is_ok());
    assert!(copy.user_by_name("tinh").await.unwrap().is_some());
}

/// A line without end is refused once it passes the limit, not read into
/// memory until the machine runs out.
#[tokio::test]
async fn an_endless_line_is_refused_before_it_is_parsed() {
    let (copy, _) = fresh_store().await;
    let start = b"{\"format\":\"khienmang-backup-2\"}\n[\"".as_slice();
    let mut endless = std::io::BufReader::new(std::io::Read::chain(start, std::io::repeat(b'a')));
    let err = copy.restore(&mut endless, Timestamp::now()).await.unwrap_err().to_string();
    assert!(err.contains("dòng dài hơn"), "{err}");
}

/// `khienmang backup` writes a file only its owner may read: it holds
/// password hashes, the audit log and citizens' reports. An older backup
/// overwritten in place is narrowed too.
#[cfg(unix)]
#[tokio::test]
async fn the_backup_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::start().await;
    let dir = temp_path("khienmang-backup");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("khienmang.bak");
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_khienmang")).args(args).output().unwrap();
    let out = run(&["backup", "--database", &app.url, "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&["backup", "--database", &app.url, "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

    let (_, target) = fresh_store().await;
    let out = run(&["restore", "--database", &target, "--in", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}
