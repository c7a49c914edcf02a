//! `khienmang`: the one binary. Serve the web app, load demo data, migrate,
//! import, manage accounts, back up and restore, verify the audit log.

/// mimalloc instead of the system allocator: the server allocates small,
/// short-lived buffers on every request from several threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod config;
mod demo;
mod jobs;
mod review;
mod scamcheck;
mod serve;

use khienmang_core::time::Timestamp;
use std::io::{BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use khienmang_core::auth::Role;
use khienmang_core::import::{TemplateKind, parse_reorg, parse_rows, parse_unit_list, read_table};
use khienmang_store::Store;
use khienmang_store::auth::NewUser;
use khienmang_store::import::NationalLists;

use crate::config::{Config, DbArgs, ServeArgs};

/// The real unit lists ship inside the binary (see data/README.md).
pub const UNITS_2024: &[u8] = include_bytes!("../../../data/units-2024.csv");
pub const UNITS_2025: &[u8] = include_bytes!("../../../data/units-2025.csv");
pub const REORG_2025: &[u8] = include_bytes!("../../../data/reorg-2025.csv");

#[derive(Parser)]
#[command(name = "khienmang", version, about = "Khiên Mạng — phong trào toàn dân bảo vệ ANTQ trên không gian mạng")]
struct Cli {
    /// Configuration file (TOML). Default: ./khienmang.toml if it exists.
    #[arg(long, global = true, env = "KHIENMANG_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Create (or reuse) a database with demo data for new Bắc Ninh, then serve it.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Only load the data; do not start the server.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations.
    Migrate(DbArgs),
    /// Import unit lists.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write an online, consistent backup (portable between SQLite and PostgreSQL).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// Where to write the backup.
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty database.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file.
        #[arg(long = "in")]
        input: PathBuf,
    },
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print a new random key for sealing reporters' contact details
    /// (set it as KHIENMANG_FIELD_KEY; keep it outside the database and its backups).
    Keygen,
    /// Run the reports' background jobs once (escalation, retention, mail) and exit.
    ReportJobs(DbArgs),
    /// Scam check: canonical URLs, QR payloads, feeds in and out.
    #[command(subcommand)]
    Scamcheck(scamcheck::ScamcheckCommand),
    /// The interim and final reviews of the programme.
    #[command(subcommand)]
    Review(review::ReviewCommand),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// The national lists (2024, 2025) and the 2025 old→new mapping, applied as
    /// dated operations on 1 July 2025. Defaults to the lists shipped inside.
    Units {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        units_2024: Option<PathBuf>,
        #[arg(long)]
        units_2025: Option<PathBuf>,
        #[arg(long)]
        reorg: Option<PathBuf>,
        /// Only these 2024 provinces (codes), e.g. --province-2024 24 --province-2024 27.
        #[arg(long = "province-2024")]
        provinces_2024: Vec<String>,
        /// Only these 2025 provinces (codes).
        #[arg(long = "province-2025")]
        provinces_2025: Vec<String>,
    },
    /// Villages, agencies, enterprises or schools from a template file
    /// (XLSX or CSV). A dry run unless --commit is given.
    Rows {
        #[command(flatten)]
        db: DbArgs,
        /// villages | agencies | enterprises | schools
        #[arg(long)]
        kind: String,
        #[arg(long)]
        file: PathBuf,
        /// Start date when a row gives none (YYYY-MM-DD). Default: today.
        #[arg(long)]
        effective: Option<String>,
        /// Write the rows (refused if any row is bad, unless --valid-only).
        #[arg(long)]
        commit: bool,
        /// With --commit: import the valid rows and skip the bad ones.
        #[arg(long)]
        valid_only: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from KHIENMANG_PASSWORD or stdin.
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// system_admin | secretariat | commune_officer | unit_officer | initiative_leader | analyst
        #[arg(long)]
        role: String,
        /// Official code of the unit whose subtree the account works in (today's tree).
        #[arg(long)]
        scope_code: Option<String>,
    },
    /// Set a new password (read from KHIENMANG_PASSWORD or stdin); ends its sessions.
    SetPassword {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
    /// List accounts.
    List(DbArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero and names the first bad entry.
    Verify(DbArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("lỗi: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &Config, db: &DbArgs) -> Result<Store> {
    let url = config.database_url(db);
    let store = Store::connect(&url).await.with_context(|| format!("không kết nối được cơ sở dữ liệu {url}"))?;
    store.migrate(Timestamp::now()).await.context("không áp dụng được migration")?;
    Ok(store)
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("KHIENMANG_PASSWORD") {
        return Ok(p);
    }
    eprint!("Mật khẩu: ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.chars().count() < 12 {
        bail!("mật khẩu phải có ít nhất 12 ký tự");
    }
    Ok(p)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve(args) => {
            config::init_logging(&config);
            let store = open(&config, &args.db).await?;
            serve::serve(&config, &args, store, false).await?;
        }
        Command::Demo { serve, no_serve } => {
            config::init_logging(&config);
            let mut args = serve;
            if args.db.database.is_none() && config.database.is_none() {
                args.db.database = Some("sqlite://khienmang-demo.db".into());
            }
            let store = open(&config, &args.db).await?;
            demo::seed(&store).await?;
            let key = config.reports.resolved().field_key(true)?;
            let reports = demo::reports::seed(&store, &key).await?;
            if reports > 0 {
                println!("Đã tạo {reports} phản ánh của người dân.");
            }
            let indicators = demo::scamcheck::seed(&store).await?;
            if indicators > 0 {
                println!("Đã xác minh {indicators} dấu hiệu lừa đảo mẫu.");
            }
            let evaluations = demo::admin::seed(&store).await?;
            if evaluations > 0 {
                println!("Đã tạo kinh phí theo Đề án và {evaluations} kết quả tự đánh giá của xã, phường.");
            }
            let responses = demo::outreach::seed(&store).await?;
            if responses > 0 {
                println!("Đã tạo cảnh báo, chiến dịch tuyên truyền và {responses} phiếu khảo sát ẩn danh.");
            }
            let sheets = demo::contests::seed(&store, &key).await?;
            if sheets > 0 {
                println!(
                    "Đã tạo cuộc thi trực tuyến mẫu với {sheets} bài thi; số của cán bộ ban tổ chức (không được dự thi): {}.",
                    demo::contests::STAFF_PHONES.join(", ")
                );
            }
            if !no_serve {
                serve::serve(&config, &args, store, true).await?;
            }
        }
        Command::Scamcheck(command) => scamcheck::run(&config, command).await?,
        Command::Review(command) => review::run(&config, command).await?,
        Command::Keygen => {
            println!("{}", khienmang_store::reports::FieldKey::generate().1);
        }
        Command::ReportJobs(db) => {
            let store = open(&config, &db).await?;
            let settings = config.reports.resolved();
            settings.configure_province(&store, false).await?;
            let run = jobs::run_once(&store, &settings, &settings.field_key(false)?).await?;
            println!(
                "Đã chuyển lên cấp trên {} phản ánh quá hạn, xóa liên hệ của {} phản ánh, gửi {} thư ({} lỗi), \
                 gia hạn {} dấu hiệu lừa đảo được phản ánh lại.",
                run.escalated, run.contacts_removed, run.mail_sent, run.mail_failed, run.indicators_resighted
            );
        }
        Command::Migrate(db) => {
            let store = open(&config, &db).await?;
            println!("Cơ sở dữ liệu đã cập nhật ({:?}).", store.backend());
        }
        Command::Import(ImportCommand::Units { db, units_2024, units_2025, reorg, provinces_2024, provinces_2025 }) => {
            let store = open(&config, &db).await?;
            let read = |p: &Option<PathBuf>, default: &'static [u8]| -> Result<Vec<u8>> {
                match p {
                    Some(p) => std::fs::read(p).with_context(|| format!("không đọc được {}", p.display())),
                    None => Ok(default.to_vec()),
                }
            };
            let p24: Vec<&str> = provinces_2024.iter().map(String::as_str).collect();
            let p25: Vec<&str> = provinces_2025.iter().map(String::as_str).collect();
            let report = import_national(
                &store,
                &read(&units_2024, UNITS_2024)?,
                &read(&units_2025, UNITS_2025)?,
                &read(&reorg, REORG_2025)?,
                (!p24.is_empty()).then_some(&p24[..]),
                (!p25.is_empty()).then_some(&p25[..]),
            )
            .await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Import(ImportCommand::Rows { db, kind, file, effective, commit, valid_only }) => {
            let store = open(&config, &db).await?;
            let kind =
                TemplateKind::parse(&kind).context("--kind phải là villages, agencies, enterprises hoặc schools")?;
            let bytes = std::fs::read(&file).with_context(|| format!("không đọc được {}", file.display()))?;
            let table = read_table(&bytes, kind.columns()).map_err(|e| anyhow::anyhow!(e.message_vi()))?;
            let parsed = parse_rows(kind, &table);
            let on = match effective {
                Some(s) => s.parse().context("--effective phải có dạng YYYY-MM-DD")?,
                None => chrono::Utc::now().date_naive(),
            };
            let check =
                store.check_rows(kind, parsed.rows, parsed.errors, on, None, Timestamp::now().vietnam_date()).await?;
            for e in &check.errors {
                println!(
                    "Dòng {}: {}{}",
                    e.line,
                    e.column.as_deref().map(|c| format!("[{c}] ")).unwrap_or_default(),
                    e.message_vi
                );
            }
            println!("{} dòng hợp lệ, {} dòng lỗi.", check.valid.len(), check.errors.len());
            if !commit {
                println!("Chạy thử: chưa ghi gì. Thêm --commit để nhập.");
                return Ok(if check.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) });
            }
            if !check.errors.is_empty() && !valid_only {
                println!("Không nhập: tệp có dòng lỗi. Sửa tệp, hoặc thêm --valid-only để chỉ nhập các dòng hợp lệ.");
                return Ok(ExitCode::from(2));
            }
            let mut tx = store.begin_write("cli", Timestamp::now()).await?;
            let ids = tx.import_rows(kind, &check.valid, &file.display().to_string()).await?;
            tx.commit().await?;
            println!("Đã nhập {} đơn vị.", ids.len());
        }
        Command::User(UserCommand::Create { db, username, display_name, role, scope_code }) => {
            let store = open(&config, &db).await?;
            let role = Role::parse(&role).context("vai trò không hợp lệ")?;
            let scope = match scope_code {
                Some(code) => {
                    let today = chrono::Utc::now().date_naive();
                    let units = store.units_by_code(&code, today).await?;
                    match units.as_slice() {
                        [one] => Some(one.unit_id),
                        [] => bail!("không có đơn vị mã {code} vào hôm nay"),
                        many => {
                            // Province and commune codes never collide in width; prefer the administrative one.
                            many.iter().find(|v| v.level.is_administrative()).map(|v| v.unit_id)
                        }
                    }
                }
                None if role == Role::SystemAdmin => None,
                None => bail!("--scope-code là bắt buộc với vai trò {}", role.as_str()),
            };
            let password = read_password()?;
            let hash = khienmang_web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let mut tx = store.begin_write("cli", Timestamp::now()).await?;
            let id = tx
                .create_user(&NewUser {
                    username: &username,
                    display_name: display_name.as_deref().unwrap_or(&username),
                    password_hash: &hash,
                    role,
                    scope_unit_id: scope,
                    is_demo: false,
                })
                .await?;
            tx.commit().await?;
            println!("Đã tạo tài khoản {username} (#{id}).");
        }
        Command::User(UserCommand::SetPassword { db, username }) => {
            let store = open(&config, &db).await?;
            let user = store.user_by_name(&username).await?.context("không có tài khoản này")?;
            let password = read_password()?;
            let hash = khienmang_web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let mut tx = store.begin_write("cli", Timestamp::now()).await?;
            tx.set_password(user.id, &hash).await?;
            tx.commit().await?;
            println!("Đã đổi mật khẩu của {username}.");
        }
        Command::User(UserCommand::List(db)) => {
            let store = open(&config, &db).await?;
            for u in store.users(10_000, 0).await? {
                println!(
                    "{}\t{}\t{}",
                    u.username,
                    u.role.as_str(),
                    u.scope_unit_id.map(|s| s.to_string()).unwrap_or_default()
                );
            }
        }
        Command::Backup { db, out } => {
            let store = open(&config, &db).await?;
            // Readable by its owner only, from the first byte: it holds
            // password hashes, the audit log and citizens' reports.
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file = options.open(&out).with_context(|| format!("không tạo được {}", out.display()))?;
            // The mode above applies to a new file only; an older backup
            // overwritten here is narrowed too.
            #[cfg(unix)]
            file.set_permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600))?;
            let mut w = std::io::BufWriter::new(file);
            let rows = store.backup(&mut w, Timestamp::now()).await?;
            w.flush()?;
            println!("Đã sao lưu {rows} dòng vào {}.", out.display());
        }
        Command::Restore { db, input } => {
            let store = open(&config, &db).await?;
            let file = std::fs::File::open(&input).with_context(|| format!("không mở được {}", input.display()))?;
            let rows = store.restore(&mut BufReader::new(file), Timestamp::now()).await?;
            match store.audit_verify().await? {
                Ok(n) => println!("Đã khôi phục {rows} dòng; nhật ký toàn vẹn ({n} mục)."),
                Err(e) => bail!("đã khôi phục nhưng nhật ký không toàn vẹn: {e}"),
            }
        }
        Command::Audit(AuditCommand::Verify(db)) => {
            let store = open(&config, &db).await?;
            match store.audit_verify().await? {
                Ok(n) => println!("Nhật ký toàn vẹn: {n} mục."),
                Err(e) => {
                    eprintln!("NHẬT KÝ BỊ SỬA: {e}");
                    return Ok(ExitCode::from(3));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses the three lists (every bad row is reported) and imports them.
pub async fn import_national(
    store: &Store,
    units_2024: &[u8],
    units_2025: &[u8],
    reorg: &[u8],
    provinces_2024: Option<&[&str]>,
    provinces_2025: Option<&[&str]>,
) -> Result<khienmang_store::import::NationalImportReport> {
    let vi = |e: khienmang_core::import::ImportError| anyhow::anyhow!(e.message_vi());
    let (u24, e24) = parse_unit_list(units_2024).map_err(vi)?;
    let (u25, e25) = parse_unit_list(units_2025).map_err(vi)?;
    let (links, el) = parse_reorg(reorg).map_err(vi)?;
    let errors: Vec<String> = [("2024", e24), ("2025", e25), ("reorg", el)]
        .into_iter()
        .flat_map(|(f, es)| es.into_iter().map(move |e| format!("{f} dòng {}: {}", e.line, e.message_vi)))
        .collect();
    if !errors.is_empty() {
        bail!("danh mục có {} dòng lỗi, chưa ghi gì:\n{}", errors.len(), errors.join("\n"));
    }
    let mut tx = store.begin_write("import", Timestamp::now()).await?;
    let report = tx
        .import_national(&NationalLists {
            units_2024: &u24,
            units_2025: &u25,
            reorg: &links,
            provinces_2024,
            provinces_2025,
        })
        .await?;
    tx.commit().await?;
    Ok(report)
}
