//! The text-message port: the trait a gateway implements, and the log-only
//! sender used by demos and tests, which sends nothing.

use std::sync::Mutex;

use super::entrants::PersonKey;

/// Why a text message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS gateway refused the message: {0}")]
    Rejected(String),
    #[error("the SMS gateway is unreachable: {0}")]
    Unavailable(String),
}

impl SmsError {
    /// The gateway's own words stay in the log; the entrant reads this.
    pub fn message_vi(&self) -> String {
        "Chưa gửi được tin nhắn chứa mã xác thực. Vui lòng thử lại sau ít phút.".into()
    }
}

/// Something that sends text messages. Blocking: an implementation that
/// talks to a gateway over the network is called from a blocking thread.
pub trait SmsSender: Send + Sync {
    fn send(&self, to: &PersonKey, text: &str) -> Result<(), SmsError>;
}

/// A message [`LogSmsSender`] did not send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedSms {
    pub to: PersonKey,
    pub text: String,
}

/// Sends nothing: records the message and writes it to the log with the
/// number masked. For demos and tests. It logs the text, code included,
/// which is what a demo operator needs and exactly why a real deployment
/// must configure a gateway instead.
#[derive(Debug, Default)]
pub struct LogSmsSender {
    sent: Mutex<Vec<LoggedSms>>,
}

impl LogSmsSender {
    pub fn new() -> LogSmsSender {
        LogSmsSender::default()
    }

    /// Every message so far, oldest first.
    pub fn sent(&self) -> Vec<LoggedSms> {
        self.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The latest message to `to`.
    pub fn last_to(&self, to: &PersonKey) -> Option<String> {
        self.sent().into_iter().rev().find(|m| &m.to == to).map(|m| m.text)
    }
}

impl SmsSender for LogSmsSender {
    fn send(&self, to: &PersonKey, text: &str) -> Result<(), SmsError> {
        tracing::info!(to = %to.masked(), text, "SMS not sent: log-only sender");
        self.sent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(LoggedSms { to: to.clone(), text: text.to_owned() });
        Ok(())
    }
}
