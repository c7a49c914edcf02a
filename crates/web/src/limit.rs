//! Rate limits for anonymous callers, without storing who asked.
//!
//! A client is its address as the reverse proxy saw it ([`ClientAddr`]: the
//! TCP peer, or the forwarded address when the peer is a trusted proxy),
//! IPv6 cut to its /64 (one subscriber's network). It is counted under
//! SHA-256(hour key ‖ class ‖ address), cut to 16 bytes; the hour key comes
//! from the database, so every replica hashes alike, and it is deleted with
//! the counts an hour after its hour, so old counts cannot be tied to an
//! address even by us. Addresses are never stored.
//!
//! Each replica counts in memory (the hot path takes one short lock) and,
//! about once a second, adds what it counted to the database and reads back
//! each client's total over all replicas. A client can therefore exceed a
//! limit by at most the limit × the number of replicas, and only within the
//! second before the replicas hear of each other.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use khienmang_store::Store;
use khienmang_store::limits::Delta;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::WebError;

/// What is limited, each with its own count per client and hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitClass {
    /// Citizens' reports sent.
    Report,
    /// One-time contest codes asked for.
    ContestCode,
    /// Scam checks, single or batch (a batch counts once per text).
    Check,
    /// Private hash-prefix lookups.
    Prefix,
    /// Tracking a report and writing to its officer (code + secret guesses).
    Track,
    /// Survey answers sent.
    Survey,
    /// Owners' disputes of a listed entity.
    Dispute,
    /// "Similar reports" asked for on the public form.
    Similar,
    /// Open311 lists and requests.
    Open311,
}

impl LimitClass {
    pub const ALL: [LimitClass; 9] = [
        LimitClass::Report,
        LimitClass::ContestCode,
        LimitClass::Check,
        LimitClass::Prefix,
        LimitClass::Track,
        LimitClass::Survey,
        LimitClass::Dispute,
        LimitClass::Similar,
        LimitClass::Open311,
    ];

    /// The name in the configuration (`[limits]`) and in the database.
    pub fn name(self) -> &'static str {
        match self {
            LimitClass::Report => "reports",
            LimitClass::ContestCode => "contest_codes",
            LimitClass::Check => "checks",
            LimitClass::Prefix => "prefix",
            LimitClass::Track => "tracking",
            LimitClass::Survey => "surveys",
            LimitClass::Dispute => "disputes",
            LimitClass::Similar => "similar",
            LimitClass::Open311 => "open311",
        }
    }

    /// Per client and hour unless configured. Generous where many people
    /// share one address behind a carrier's NAT (checks), tight where each
    /// request is a guess or a write someone must read (tracking, disputes).
    pub fn default_per_hour(self) -> u32 {
        match self {
            LimitClass::Report => 20,
            LimitClass::ContestCode => 30,
            LimitClass::Check => 3_600,
            LimitClass::Prefix => 3_600,
            LimitClass::Track => 120,
            LimitClass::Survey => 60,
            LimitClass::Dispute => 10,
            LimitClass::Similar => 300,
            LimitClass::Open311 => 1_200,
        }
    }

    fn refusal_vi(self) -> &'static str {
        match self {
            LimitClass::Report => "Bạn đã gửi nhiều phản ánh trong giờ này. Vui lòng thử lại sau.",
            LimitClass::ContestCode => {
                "Đã có nhiều yêu cầu gửi mã xác thực từ thiết bị này trong giờ qua. Vui lòng thử lại sau."
            }
            LimitClass::Track => "Bạn đã tra cứu quá nhiều lần trong giờ này. Vui lòng thử lại sau.",
            LimitClass::Survey => "Bạn đã gửi nhiều phiếu khảo sát trong giờ này. Vui lòng thử lại sau.",
            LimitClass::Dispute => "Bạn đã gửi nhiều khiếu nại trong giờ này. Vui lòng thử lại sau.",
            LimitClass::Check | LimitClass::Prefix | LimitClass::Similar | LimitClass::Open311 => {
                "Bạn đã gửi quá nhiều yêu cầu trong giờ này. Vui lòng thử lại sau."
            }
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How the limits are set: a number per class (0 turns a class off) and
/// the proxies whose forwarded addresses are believed.
#[derive(Debug, Clone)]
pub struct LimitSettings {
    per_hour: [u32; LimitClass::ALL.len()],
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings { per_hour: LimitClass::ALL.map(LimitClass::default_per_hour), trusted_proxies: Vec::new() }
    }
}

impl LimitSettings {
    pub fn per_hour(&self, class: LimitClass) -> u32 {
        self.per_hour[class.index()]
    }

    pub fn set(&mut self, class: LimitClass, per_hour: u32) {
        self.per_hour[class.index()] = per_hour;
    }

    /// Sets a class by its configuration name; false if there is none.
    pub fn set_named(&mut self, name: &str, per_hour: u32) -> bool {
        match LimitClass::ALL.iter().find(|c| c.name() == name) {
            Some(&class) => {
                self.set(class, per_hour);
                true
            }
            None => false,
        }
    }
}

/// An address or a network in CIDR form ("10.0.0.0/8", "::1").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    network: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for IpNet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("địa chỉ hoặc dải mạng không hợp lệ: {s:?} (ví dụ 10.0.0.0/8 hoặc ::1)");
        let (addr, prefix) = s.trim().split_once('/').map_or((s.trim(), None), |(a, p)| (a, Some(p)));
        let network: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        };
        Ok(IpNet { network, prefix })
    }
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                masked(u32::from(n).into(), 32, self.prefix) == masked(u32::from(a).into(), 32, self.prefix)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => masked(n.into(), 128, self.prefix) == masked(a.into(), 128, self.prefix),
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `width`-bit address.
fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
    if prefix == 0 { 0 } else { bits >> (width - prefix) }
}

/// An IPv4 address mapped into IPv6 is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client a request is counted under: the forwarded address when the
/// peer is a trusted proxy, else the peer; IPv6 cut to its /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// Decides the client of a request from its peer and headers.
    pub fn of(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> ClientAddr {
        let Some(peer) = peer.map(canonical) else {
            return ClientAddr(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        };
        let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
        let mut client = peer;
        if is_trusted(peer) {
            // Walk the chain from the nearest hop: the first address not of
            // a trusted proxy is the client; what is left of it, anyone wrote.
            for hop in forwarded_chain(headers).into_iter().rev() {
                client = canonical(hop);
                if !is_trusted(client) {
                    break;
                }
            }
        }
        ClientAddr(bucket(client))
    }
}

/// An IPv6 client is its /64: a subscriber usually gets a whole one.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

/// The addresses of `X-Forwarded-For`, else of `Forwarded` (`for=`), from
/// the first hop to the nearest; what does not parse ends the chain there.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let joined = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .take(MAX_HOPS)
            .collect()
    };
    let xff = joined("x-forwarded-for");
    let hops: Vec<Option<IpAddr>> = if !xff.is_empty() {
        xff.iter().map(|h| parse_hop(h)).collect()
    } else {
        joined("forwarded")
            .iter()
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("for").then(|| parse_hop(v.trim().trim_matches('"'))).flatten()
                })
            })
            .collect()
    };
    // A garbled hop breaks the chain: nothing before it can be believed.
    let start = hops.iter().rposition(Option::is_none).map_or(0, |i| i + 1);
    hops[start..].iter().flatten().copied().collect()
}

/// Hops believed from a forwarding header at most: a longer chain is cut.
const MAX_HOPS: usize = 16;

/// "203.0.113.7", "203.0.113.7:4711", "2001:db8::1", "[2001:db8::1]:4711".
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(sa) = hop.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    hop.strip_prefix('[')?.split_once(']')?.0.parse().ok()
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr::of(peer, &parts.headers, &state.config.limits.trusted_proxies))
    }
}

/// The hashed client of one class (never its address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ClientKey([u8; 16]);

#[derive(Default, Clone, Copy)]
struct Bucket {
    /// Over all replicas, as last heard, plus what this replica counted since.
    total: u32,
    /// Counted here and not yet added to the database.
    unsent: u32,
}

struct HourKey {
    hour: i64,
    key: [u8; 32],
}

/// Counts are kept in a few shards so that the request threads seldom
/// wait on one another.
const SHARDS: usize = 16;

type Shard = HashMap<(LimitClass, ClientKey), Bucket>;

/// The limits of this replica.
pub struct Limits {
    settings: LimitSettings,
    key: RwLock<HourKey>,
    /// The next hour's key, fetched ahead so that the turn of the hour needs
    /// no database on the request path.
    next: Mutex<Option<HourKey>>,
    shards: [Mutex<Shard>; SHARDS],
}

/// The limiter's window: the clock's hour, not any write's time.
fn current_hour() -> i64 {
    crate::access::now().utc().timestamp().div_euclid(3600)
}

impl Limits {
    /// Until the first sync, the hour's key is this replica's own.
    pub fn new(settings: LimitSettings) -> Limits {
        Limits {
            settings,
            key: RwLock::new(HourKey { hour: current_hour(), key: rand::random() }),
            next: Mutex::new(None),
            shards: std::array::from_fn(|_| Mutex::new(HashMap::new())),
        }
    }

    pub fn settings(&self) -> &LimitSettings {
        &self.settings
    }

    /// Counts one request of `class` from `client`; refuses with 429 past the limit.
    pub fn check(&self, class: LimitClass, client: ClientAddr) -> Result<(), WebError> {
        self.check_n(class, client, 1)
    }

    /// Counts `n` requests at once (a batch of checks).
    pub fn check_n(&self, class: LimitClass, client: ClientAddr, n: u32) -> Result<(), WebError> {
        let limit = self.settings.per_hour(class);
        if limit == 0 {
            return Ok(());
        }
        let key = self.client_key(class, client);
        let mut shard = lock(&self.shards[usize::from(key.0[0]) % SHARDS]);
        let bucket = shard.entry((class, key)).or_default();
        if bucket.total.saturating_add(n) > limit {
            return Err(WebError::TooManyAttempts(class.refusal_vi().into()));
        }
        bucket.total += n;
        bucket.unsent += n;
        Ok(())
    }

    /// The hashed client under this hour's key; at the turn of the hour the
    /// counts start again under the next key.
    fn client_key(&self, class: LimitClass, client: ClientAddr) -> ClientKey {
        let hour = current_hour();
        let key = {
            let current = self.key.read().unwrap_or_else(|p| p.into_inner());
            (current.hour == hour).then_some(current.key)
        };
        let key = key.unwrap_or_else(|| self.turn_hour(hour));
        let mut hasher = Sha256::new().chain_update(key).chain_update(class.name().as_bytes());
        match client.0 {
            IpAddr::V4(v4) => hasher.update(v4.octets()),
            IpAddr::V6(v6) => hasher.update(v6.octets()),
        }
        let mut out = [0u8; 16];
        out.copy_from_slice(&hasher.finalize()[..16]);
        ClientKey(out)
    }

    /// Moves to `hour`: its key as fetched ahead (or one of our own until
    /// the next sync), and no counts.
    fn turn_hour(&self, hour: i64) -> [u8; 32] {
        let mut current = self.key.write().unwrap_or_else(|p| p.into_inner());
        if current.hour != hour {
            let fetched = lock(&self.next).take().filter(|k| k.hour == hour);
            *current = fetched.unwrap_or(HourKey { hour, key: rand::random() });
            for shard in &self.shards {
                lock(shard).clear();
            }
        }
        current.key
    }

    /// Adds this replica's counts to the database and takes back the totals
    /// over every replica; fetches this hour's and the next hour's keys;
    /// forgets the hours before the last. Called about once a second.
    pub async fn sync(&self, store: &Store) -> khienmang_store::Result<()> {
        let hour = current_hour();
        let key = store.rate_limit_key(hour).await?;
        let next = store.rate_limit_key(hour + 1).await?;
        *lock(&self.next) = Some(HourKey { hour: hour + 1, key: next });
        {
            let mut current = self.key.write().unwrap_or_else(|p| p.into_inner());
            if current.hour == hour && current.key != key {
                // Our own key until now: the counts under it mean nothing to the others.
                current.key = key;
                for shard in &self.shards {
                    lock(shard).clear();
                }
            }
        }
        let mut sent: Vec<(LimitClass, ClientKey)> = Vec::new();
        let mut deltas: Vec<Delta> = Vec::new();
        for shard in &self.shards {
            for (&(class, client), bucket) in lock(shard).iter_mut().filter(|(_, b)| b.unsent > 0) {
                deltas.push((class.name(), client.0, bucket.unsent));
                sent.push((class, client));
                bucket.unsent = 0;
            }
        }
        if !deltas.is_empty() {
            let totals = store.add_rate_limit_counts(hour, &deltas).await?;
            for ((class, client), total) in sent.into_iter().zip(totals) {
                let mut shard = lock(&self.shards[usize::from(client.0[0]) % SHARDS]);
                if let Some(bucket) = shard.get_mut(&(class, client)) {
                    // What was counted here since the send is not in `total` yet.
                    bucket.total = bucket.total.max(total.saturating_add(bucket.unsent));
                }
            }
        }
        if crate::access::now().utc().timestamp().rem_euclid(3600) < 2 {
            store.purge_rate_limits(hour - 1).await?;
        }
        Ok(())
    }

    /// Syncs every `every` until the process ends.
    pub fn spawn_sync(limits: std::sync::Arc<Limits>, store: Store, every: Duration) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                if let Err(e) = limits.sync(&store).await {
                    tracing::warn!(error = %e, "rate limits not synced");
                }
            }
        });
    }
}

/// The route layer of the limited routes (`LIMITED` beside the router).
pub async fn enforce(
    axum::extract::State((state, class)): axum::extract::State<(AppState, LimitClass)>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = ClientAddr::of(peer, req.headers(), &state.config.limits.trusted_proxies);
    match state.limits.check(class, client) {
        Ok(()) => next.run(req).await,
        Err(refused) => refused.into_response(),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = ["127.0.0.1", "10.0.0.0/8"].iter().map(|s| s.parse().unwrap()).collect();
        let xff = headers(&[("x-forwarded-for", "198.51.100.9, 203.0.113.7, 10.1.2.3")]);
        // From the proxy: the nearest address that is not a proxy's.
        assert_eq!(ClientAddr::of(Some(ip("127.0.0.1")), &xff, &trusted).0, ip("203.0.113.7"));
        // From anyone else: the peer, whatever it wrote.
        assert_eq!(ClientAddr::of(Some(ip("192.0.2.1")), &xff, &trusted).0, ip("192.0.2.1"));
        assert_eq!(ClientAddr::of(Some(ip("127.0.0.1")), &xff, &[]).0, ip("127.0.0.1"));
        // The standard header, with ports and brackets.
        let fwd = headers(&[("forwarded", r#"for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711""#)]);
        assert_eq!(ClientAddr::of(Some(ip("10.0.0.5")), &fwd, &trusted).0, ip("2001:db8:cafe::"));
        // A garbled nearest hop: the proxy's own view is all there is.
        let garbled = headers(&[("x-forwarded-for", "203.0.113.7, nonsense")]);
        assert_eq!(ClientAddr::of(Some(ip("127.0.0.1")), &garbled, &trusted).0, ip("127.0.0.1"));
        // Several header lines read as one list.
        let split = headers(&[("x-forwarded-for", "198.51.100.9"), ("x-forwarded-for", "203.0.113.8")]);
        assert_eq!(ClientAddr::of(Some(ip("127.0.0.1")), &split, &trusted).0, ip("203.0.113.8"));
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64_and_mapped_ipv4_is_ipv4() {
        let a = ClientAddr::of(Some(ip("2001:db8:1:2:aaaa::1")), &HeaderMap::new(), &[]);
        let b = ClientAddr::of(Some(ip("2001:db8:1:2:ffff::9")), &HeaderMap::new(), &[]);
        let c = ClientAddr::of(Some(ip("2001:db8:1:3::1")), &HeaderMap::new(), &[]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(ClientAddr::of(Some(ip("::ffff:203.0.113.7")), &HeaderMap::new(), &[]).0, ip("203.0.113.7"));
        let trusted: Vec<IpNet> = vec!["127.0.0.0/8".parse().unwrap()];
        assert!(trusted[0].contains(ip("::ffff:127.0.0.2")));
        assert!(!trusted[0].contains(ip("128.0.0.1")));
        assert!("10.0.0.0/33".parse::<IpNet>().is_err() && "tên".parse::<IpNet>().is_err());
    }

    #[test]
    fn each_client_and_class_is_limited_separately() {
        let mut settings = LimitSettings::default();
        settings.set(LimitClass::Report, 2);
        settings.set(LimitClass::Check, 0);
        let limits = Limits::new(settings);
        let (a, b) = (ClientAddr(ip("203.0.113.7")), ClientAddr(ip("203.0.113.8")));
        assert!(limits.check(LimitClass::Report, a).is_ok() && limits.check(LimitClass::Report, a).is_ok());
        assert!(limits.check(LimitClass::Report, a).is_err());
        assert!(limits.check(LimitClass::Report, b).is_ok());
        assert!(limits.check(LimitClass::Dispute, a).is_ok(), "another class, another count");
        assert!((0..1000).all(|_| limits.check(LimitClass::Check, a).is_ok()), "0 is no limit");
        // A batch larger than what is left is refused whole.
        assert!(limits.check_n(LimitClass::Report, b, 2).is_err());
        assert!(limits.check_n(LimitClass::Report, b, 1).is_ok());
    }

    #[test]
    fn the_hashed_client_never_holds_the_address() {
        let limits = Limits::new(LimitSettings::default());
        let key = limits.client_key(LimitClass::Report, ClientAddr(ip("203.0.113.7")));
        assert!(!key.0.windows(4).any(|w| w == [203, 0, 113, 7]));
        let other = Limits::new(LimitSettings::default());
        assert_ne!(other.client_key(LimitClass::Report, ClientAddr(ip("203.0.113.7"))), key, "another key");
    }

    proptest! {
        /// Whatever a caller writes in the headers, a peer that is not a
        /// trusted proxy is counted as itself.
        #[test]
        fn an_untrusted_peer_cannot_choose_its_address(xff in "[0-9a-f.:, \\[\\]]{0,80}", last in 1u8..=254) {
            let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
            let peer = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, last));
            let Ok(value) = HeaderValue::from_str(&xff) else { return Ok(()) };
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", value.clone());
            h.insert("forwarded", value);
            prop_assert_eq!(ClientAddr::of(Some(peer), &h, &trusted).0, peer);
        }
    }
}
