//! Rate limits for anonymous intake without storing who asked. A client is
//! counted under HMAC-like SHA-256(hour key ‖ address); the key is random,
//! lives only in memory and is replaced every hour together with all counts,
//! so yesterday's counts cannot be tied to an address even by us.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use crate::error::WebError;

/// The hashed client of a request (never its address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey([u8; 16]);

struct Window {
    hour: i64,
    key: [u8; 32],
    counts: HashMap<ClientKey, u32>,
}

pub struct RateLimiter {
    per_hour: u32,
    window: Mutex<Window>,
}

fn current_hour() -> i64 {
    chrono::Utc::now().timestamp() / 3600
}

impl RateLimiter {
    /// `per_hour` submissions per client and hour; 0 turns the limit off.
    pub fn new(per_hour: u32) -> RateLimiter {
        RateLimiter {
            per_hour,
            window: Mutex::new(Window { hour: current_hour(), key: rand::random(), counts: HashMap::new() }),
        }
    }

    fn with_window<T>(&self, f: impl FnOnce(&mut Window) -> T) -> T {
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        let hour = current_hour();
        if w.hour != hour {
            *w = Window { hour, key: rand::random(), counts: HashMap::new() };
        }
        f(&mut w)
    }

    /// The hashed key of an address under this hour's key.
    pub fn client(&self, address: &str) -> ClientKey {
        self.with_window(|w| {
            let digest = Sha256::new().chain_update(w.key).chain_update(address.as_bytes()).finalize();
            let mut out = [0u8; 16];
            out.copy_from_slice(&digest[..16]);
            ClientKey(out)
        })
    }

    /// Counts one submission; refuses with 429 past the limit.
    pub fn check(&self, client: ClientKey) -> Result<(), WebError> {
        if self.per_hour == 0 {
            return Ok(());
        }
        self.with_window(|w| {
            let n = w.counts.entry(client).or_default();
            if *n >= self.per_hour {
                return Err(WebError::TooManyAttempts(
                    "Bạn đã gửi nhiều phản ánh trong giờ này. Vui lòng thử lại sau.".into(),
                ));
            }
            *n += 1;
            Ok(())
        })
    }
}

/// The peer's address as text, for hashing at once (never kept).
pub struct PeerAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(PeerAddress(ip.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn each_client_is_limited_separately_and_never_by_its_address() {
        let limiter = RateLimiter::new(2);
        let a = limiter.client("203.0.113.7");
        let b = limiter.client("203.0.113.8");
        assert_ne!(a, b);
        // Neither the octets nor the text of the address survive in the key.
        assert!(!a.0.windows(4).any(|w| w == [203, 0, 113, 7]));
        assert!(!a.0.windows(3).any(|w| w == b"203"));
        assert!(limiter.check(a).is_ok() && limiter.check(a).is_ok());
        assert!(limiter.check(a).is_err());
        assert!(limiter.check(b).is_ok());
        assert_ne!(RateLimiter::new(2).client("203.0.113.7"), a, "another key, another hash");
        let open = RateLimiter::new(0);
        let c = open.client("x");
        assert!((0..100).all(|_| open.check(c).is_ok()));
    }
}
