//! A URL's lookup expressions (host suffixes by path prefixes) as parts, so
//! that each is hashed without being built as a string.

use crate::scamcheck::url::CanonicalUrl;

use super::host_filter::HostFilter;
use super::key::sha256_of;
use super::table::HASH_BYTES;

/// As in `url.rs`: host suffixes and path prefixes looked up per URL.
const MAX_HOST_COMPONENTS: usize = 5;
const MAX_PATH_PREFIXES: usize = 4;
pub(super) const MAX_EXPRESSIONS: usize = MAX_HOST_COMPONENTS * (MAX_PATH_PREFIXES + 2);

/// One lookup expression of a URL as its parts, so that it is hashed
/// without being built: `host` + `path` (+ "?" + `query`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Expression<'a> {
    pub(super) host: &'a str,
    pub(super) path: &'a str,
    pub(super) query: Option<&'a str>,
}

impl Expression<'_> {
    pub(super) fn hash(&self) -> [u8; HASH_BYTES] {
        match self.query {
            Some(query) => sha256_of(&[self.host, self.path, "?", query]),
            None => sha256_of(&[self.host, self.path]),
        }
    }

    /// Its host's length, then its path's: the expressions of one URL are
    /// host suffixes × path prefixes, so longer is more specific on both
    /// (a path with its query is longer than the path, which is longer than
    /// its directory prefixes).
    pub(super) fn specificity(&self) -> (usize, usize) {
        (self.host.len(), self.path.len() + self.query.map_or(0, |q| q.len() + 1))
    }

    pub(super) fn text(&self) -> String {
        match self.query {
            Some(query) => format!("{}{}?{query}", self.host, self.path),
            None => format!("{}{}", self.host, self.path),
        }
    }
}

/// The hosts of [`CanonicalUrl::expressions`], in its order, as slices of
/// the host: itself, then its suffixes of at most five and at least two
/// components (none for an IP address).
pub(super) fn host_suffixes(url: &CanonicalUrl) -> ([&str; MAX_HOST_COMPONENTS], usize) {
    let host = url.host();
    let mut out = [host; MAX_HOST_COMPONENTS];
    let mut n = 1;
    if !url.is_ip() {
        let components = host.matches('.').count() + 1;
        for k in (2..=MAX_HOST_COMPONENTS.min(components.saturating_sub(1))).rev() {
            // The last k components start after the k-th dot from the right.
            if let Some(suffix) = host.rmatch_indices('.').nth(k - 1).and_then(|(dot, _)| host.get(dot + 1..)) {
                out[n] = suffix;
                n += 1;
            }
        }
    }
    (out, n)
}

/// The paths of [`CanonicalUrl::expressions`], in its order: the path with
/// its query, the path, then its directory prefixes from "/" (at most four,
/// without repeating the path). The canonical path has no empty segment,
/// so each prefix ends at one of its slashes.
pub(super) fn path_prefixes(url: &CanonicalUrl) -> ([(&str, Option<&str>); MAX_PATH_PREFIXES + 2], usize) {
    let path = url.path();
    let mut out = [(path, None); MAX_PATH_PREFIXES + 2];
    let mut n = 0;
    if let Some(query) = url.query().filter(|q| !q.is_empty()) {
        out[n] = (path, Some(query));
        n += 1;
    }
    out[n] = (path, None);
    n += 1;
    let last = path.rfind('/').unwrap_or(0);
    for (slash, _) in path.match_indices('/').take_while(|(i, _)| *i <= last).take(MAX_PATH_PREFIXES) {
        if let Some(prefix) = path.get(..=slash).filter(|p| *p != path) {
            out[n] = (prefix, None);
            n += 1;
        }
    }
    (out, n)
}

/// Calls `each` with the lookup expressions of `url` as parts, in
/// [`CanonicalUrl::expressions`]' order (host suffixes × path prefixes),
/// leaving out the hosts that `hosts` knows have no indicator.
pub(super) fn for_each_expression<'a>(
    url: &'a CanonicalUrl,
    hosts: Option<&HostFilter>,
    mut each: impl FnMut(Expression<'a>),
) {
    let (suffixes, host_count) = host_suffixes(url);
    let (paths, path_count) = path_prefixes(url);
    for &host in suffixes.iter().take(host_count).filter(|h| hosts.is_none_or(|f| f.may_contain(h))) {
        for &(path, query) in paths.iter().take(path_count) {
            each(Expression { host, path, query });
        }
    }
}
