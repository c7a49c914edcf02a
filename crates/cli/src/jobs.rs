//! The background jobs of a running server: overdue reports escalated to
//! the level above, contact details deleted after the retention period, and
//! notification mail sent through SMTP with retries.

use khienmang_core::time::Timestamp;
use std::time::Duration;

use chrono::Utc;
use khienmang_store::Store;
use khienmang_store::reports::FieldKey;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::ReportsConfig;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct JobsRun {
    pub escalated: usize,
    pub contacts_removed: usize,
    pub mail_sent: usize,
    pub mail_failed: usize,
    /// Verified scam indicators reported again (their listing lives on).
    pub indicators_resighted: usize,
}

/// A plain SMTP relay from "smtp://HOST[:PORT]" (a local relay such as
/// Postfix does TLS onwards).
fn relay(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let rest = url.strip_prefix("smtp://").ok_or_else(|| anyhow::anyhow!("smtp_url phải có dạng smtp://máy:cổng"))?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| anyhow::anyhow!("cổng SMTP không hợp lệ: {p}"))?),
        None => (rest, 25),
    };
    Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(20)))
        .build())
}

/// Runs every job once, now.
pub async fn run_once(store: &Store, settings: &ReportsConfig, key: &FieldKey) -> anyhow::Result<JobsRun> {
    let now = Utc::now();
    let mut run = JobsRun {
        escalated: store.escalate_overdue(now).await?,
        contacts_removed: store
            .remove_expired_contacts(now, chrono::Duration::days(settings.contact_retention_days.unwrap_or(180)))
            .await?,
        indicators_resighted: store.resight_indicators(Timestamp::now()).await?,
        ..JobsRun::default()
    };
    if let Some(url) = &settings.smtp_url {
        let transport = relay(url)?;
        let from = settings.mail_from.clone().unwrap_or_else(|| "Khiên Mạng <khong-tra-loi@localhost>".into());
        for mail in store.due_mail(now, key, 100).await? {
            let message = Message::builder()
                .from(from.parse()?)
                .to(match mail.to.parse() {
                    Ok(to) => to,
                    Err(e) => {
                        store.mail_failed(mail.id, &e.to_string(), now).await?;
                        run.mail_failed += 1;
                        continue;
                    }
                })
                .subject(mail.subject)
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body)?;
            match transport.send(message).await {
                Ok(_) => {
                    store.mail_sent(mail.id, now).await?;
                    run.mail_sent += 1;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "notification mail not sent; will retry");
                    store.mail_failed(mail.id, &e.to_string(), now).await?;
                    run.mail_failed += 1;
                }
            }
        }
    }
    Ok(run)
}

/// Runs the jobs every `jobs_every_seconds` (60 by default) for as long as
/// the server runs. Every replica may run them: each job's writes are
/// serialised and idempotent.
pub fn spawn(store: Store, settings: ReportsConfig, key: FieldKey) {
    let every = Duration::from_secs(settings.jobs_every_seconds.unwrap_or(60).max(1));
    if settings.smtp_url.is_none() {
        tracing::info!("no SMTP relay configured: notification mail stays queued");
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match run_once(&store, &settings, &key).await {
                Ok(run) if run != JobsRun::default() => tracing::info!(?run, "report jobs"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "report jobs failed"),
            }
        }
    });
}
