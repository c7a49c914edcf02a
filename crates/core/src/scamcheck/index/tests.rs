//! Tests of the indicator index: keys and hashes, packing, lookups through the
//! overlay and after compaction, URL expressions, the host filter and the decision.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::expressions::{Expression, host_suffixes, path_prefixes};
use super::host_filter::HostFilter;
use super::key::sha256_of;
use super::table::{ENTRY_BYTES, MAPPED_FROM_BYTES, RECORD_BYTES, Table};
use super::*;
use crate::Date;
use crate::scamcheck::bank::BankAccount;
use crate::scamcheck::domain::Domain;
use crate::scamcheck::phone::PhoneNumber;
use crate::scamcheck::url::CanonicalUrl;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

fn entry(state: IndicatorState, row_id: u32) -> IndicatorEntry {
    IndicatorEntry {
        state,
        category: 3,
        reports: 7,
        first_seen: 100,
        last_seen: 2_000,
        expires: IndicatorEntry::NEVER,
        row_id,
    }
}

fn sha(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn url_index(listed: &[(&str, IndicatorState)]) -> IndicatorIndex {
    IndicatorIndex::build(listed.iter().enumerate().map(|(i, (text, state))| (sha(text), entry(*state, i as u32))))
}

/// Past `MAPPED_FROM_BYTES` the records move to their own mapping;
/// lookups, compaction and clones behave as on the heap.
#[test]
fn a_large_index_lives_in_its_own_mapping_and_answers_the_same() {
    let n = MAPPED_FROM_BYTES / RECORD_BYTES + 1_000;
    let mut index = IndicatorIndex::build(
        (0..n).map(|i| (sha(&format!("tel:+849{i:08}")), entry(IndicatorState::Reported, i as u32))),
    );
    assert!(matches!(index.records, Table::Mapped(_)));
    assert_eq!(index.len(), n);
    assert!(index.memory_bytes() >= n * RECORD_BYTES);
    for i in [0, 1, n / 2, n - 1] {
        assert_eq!(index.get(&sha(&format!("tel:+849{i:08}"))).map(|e| e.row_id), Some(i as u32));
    }
    assert_eq!(index.get(&sha("tel:+84900000000x")), None);
    let gone = sha(&format!("tel:+849{:08}", 5));
    assert!(index.remove(&gone));
    index.compact();
    assert!(matches!(index.records, Table::Mapped(_)));
    let copy = index.clone();
    assert_eq!((copy.get(&gone), copy.len()), (None, n - 1));
    assert_eq!(&copy.records[..], &index.records[..]);
}

fn verdict(index: &IndicatorIndex, url: &str) -> Option<(String, IndicatorState)> {
    let hit = index.check_url(&CanonicalUrl::parse(url).unwrap())?;
    Some((hit.expression.as_str().to_owned(), hit.entry.state))
}

#[test]
fn keys_are_the_documented_texts() {
    let phone = PhoneNumber::parse("0912 345 678").unwrap();
    let key = IndicatorKey::phone(&phone);
    assert_eq!(key.as_str(), "tel:+84912345678");
    assert_eq!(key.kind().as_str(), "phone");
    assert_eq!(key.hash(), sha("tel:+84912345678"));
    assert_eq!(phone_hash(&phone), key.hash());

    let account = BankAccount::parse("Vietcombank", "0011 0012 34567").unwrap();
    let key = IndicatorKey::bank(&account);
    assert_eq!(key.as_str(), "bank:970436:0011001234567");
    assert_eq!(key.kind(), IndicatorKind::BankAccount);
    assert_eq!(bank_hash(&account), key.hash());

    let url = CanonicalUrl::parse("http://evil.com/login").unwrap();
    let key = IndicatorKey::expression(&url.expressions()[0]);
    assert_eq!((key.as_str(), key.kind().as_str()), ("evil.com/login", "url"));
    assert_eq!(key.hash(), url.expressions()[0].sha256());
    let key = IndicatorKey::domain(&Domain::parse("https://Evil.com/x").unwrap());
    assert_eq!(key.as_str(), "evil.com/");
    assert_eq!(key.hash(), url.expressions()[1].sha256());

    for key in [IndicatorKey::phone(&phone), IndicatorKey::bank(&account), key] {
        assert_eq!(IndicatorKey::from_stored(key.as_str()), key);
    }
}

#[test]
fn entries_are_compact_and_days_round_trip() {
    assert!(size_of::<IndicatorEntry>() <= 16);
    let day_zero = Date::from_ymd_opt(2020, 1, 1).unwrap();
    assert_eq!(IndicatorEntry::day(day_zero), 0);
    let d = Date::from_ymd_opt(2026, 3, 15).unwrap();
    assert_eq!(IndicatorEntry::date(IndicatorEntry::day(d)), Some(d));
    assert_eq!(IndicatorEntry::day(Date::from_ymd_opt(2019, 5, 1).unwrap()), 0);
    assert_eq!(IndicatorEntry::day(Date::from_ymd_opt(2300, 1, 1).unwrap()), u16::MAX - 1);
    assert_eq!(IndicatorEntry::date(IndicatorEntry::NEVER), None);
    let mut e = entry(IndicatorState::Verified, 1);
    e.reports = u16::MAX - 1;
    e.add_report();
    e.add_report();
    assert_eq!(e.reports, u16::MAX);
    assert!(!e.is_expired(60_000));
    e.expires = 10;
    assert!(e.is_expired(11) && !e.is_expired(10));
    let mut packed = [0; ENTRY_BYTES];
    e.encode(&mut packed);
    assert_eq!(IndicatorEntry::decode(&packed), e);
}

#[test]
fn phones_and_accounts_are_found() {
    let phone = PhoneNumber::parse("+84 912 345 678").unwrap();
    let account = BankAccount::parse("970436", "0011001234567").unwrap();
    let index = IndicatorIndex::build([
        (IndicatorKey::phone(&phone).hash(), entry(IndicatorState::Verified, 1)),
        (IndicatorKey::bank(&account).hash(), entry(IndicatorState::Reported, 2)),
    ]);
    assert_eq!(index.check_phone(&phone).map(|e| e.row_id), Some(1));
    assert_eq!(index.check_bank(&account).map(|e| e.row_id), Some(2));
    assert_eq!(index.check_phone(&PhoneNumber::parse("0912345679").unwrap()), None);
    assert_eq!(index.len(), 2);
}

#[test]
fn the_most_severe_and_specific_hit_decides() {
    use IndicatorState::*;
    let index = url_index(&[("evil.com/", Reported), ("evil.com/login", Verified), ("evil.com/a/", Disputed)]);
    assert_eq!(verdict(&index, "http://evil.com/login"), Some(("evil.com/login".into(), Verified)));
    assert_eq!(verdict(&index, "http://www.evil.com/a/b"), Some(("evil.com/a/".into(), Disputed)));
    assert_eq!(verdict(&index, "http://evil.com/other"), Some(("evil.com/".into(), Reported)));
    assert_eq!(verdict(&index, "http://good.com/login"), None);
    // Two reports: the more specific one.
    let index = url_index(&[("evil.com/", Reported), ("evil.com/a/", Reported)]);
    assert_eq!(verdict(&index, "http://a.evil.com/a/x"), Some(("evil.com/a/".into(), Reported)));
}

#[test]
fn official_wins_over_reports_but_not_over_a_more_specific_verified_scam() {
    use IndicatorState::*;
    let index = url_index(&[
        ("vietcombank.com.vn/", Official),
        ("vietcombank.com.vn/khuyen-mai", Reported),
        ("vietcombank.com.vn/tai-lieu/", Disputed),
        ("sites.example/", Official),
        ("sites.example/phish/", Verified),
        ("free-host.example/", Verified),
        ("agency.free-host.example/", Official),
    ]);
    let official = |e: &str| Some((e.to_owned(), Official));
    assert_eq!(verdict(&index, "https://vietcombank.com.vn/khuyen-mai"), official("vietcombank.com.vn/"));
    assert_eq!(verdict(&index, "https://vietcombank.com.vn/tai-lieu/x.pdf"), official("vietcombank.com.vn/"));
    assert_eq!(verdict(&index, "https://ebank.vietcombank.com.vn/"), official("vietcombank.com.vn/"));
    assert_eq!(
        verdict(&index, "https://sites.example/phish/login.html"),
        Some(("sites.example/phish/".into(), Verified))
    );
    assert_eq!(verdict(&index, "https://sites.example/ok/page"), official("sites.example/"));
    // An official subdomain carved out of a domain verified as scam.
    assert_eq!(verdict(&index, "http://agency.free-host.example/x"), official("agency.free-host.example/"));
    assert_eq!(verdict(&index, "http://other.free-host.example/x"), Some(("free-host.example/".into(), Verified)));
}

#[test]
fn overlay_changes_are_visible_at_once() {
    use IndicatorState::*;
    let mut index = url_index(&[("evil.com/", Reported)]);
    let url = CanonicalUrl::parse("http://evil.com/x").unwrap();
    index.upsert(sha("evil.com/"), entry(Verified, 9));
    assert_eq!(index.check_url(&url).map(|h| h.entry.state), Some(Verified));
    assert!(index.remove(&sha("evil.com/")));
    assert!(!index.remove(&sha("evil.com/")));
    assert_eq!(index.check_url(&url), None);
    assert_eq!((index.len(), index.overlay_len()), (0, 1));
    index.compact();
    assert_eq!((index.len(), index.overlay_len(), index.records.len()), (0, 0, 0));
    assert!(index.is_empty());
}

#[test]
fn duplicates_keep_the_last_entry() {
    let h = sha("tel:+84912345678");
    let index =
        IndicatorIndex::build([(h, entry(IndicatorState::Reported, 1)), (h, entry(IndicatorState::Verified, 2))]);
    assert_eq!(index.len(), 1);
    assert_eq!(index.get(&h).map(|e| e.row_id), Some(2));
}

#[test]
fn memory_stays_under_48_bytes_per_indicator() {
    let n = 100_000;
    let index = IndicatorIndex::build((0..n).map(|i: u32| (sha(&i.to_string()), entry(IndicatorState::Reported, i))));
    assert_eq!(index.len(), n as usize);
    assert!(index.memory_bytes() <= 48 * n as usize, "{}", index.memory_bytes());
}

fn arb_entry() -> impl Strategy<Value = IndicatorEntry> {
    let state = prop_oneof![
        Just(IndicatorState::Reported),
        Just(IndicatorState::Disputed),
        Just(IndicatorState::Verified),
        Just(IndicatorState::Official),
    ];
    (state, any::<u8>(), any::<u16>(), any::<u16>(), any::<u16>(), any::<u16>(), any::<u32>()).prop_map(
        |(state, category, reports, first_seen, last_seen, expires, row_id)| IndicatorEntry {
            state,
            category,
            reports,
            first_seen,
            last_seen,
            expires,
            row_id,
        },
    )
}

/// Hashes that often share their first bytes, so buckets and prefixes
/// hold several.
fn arb_hash() -> impl Strategy<Value = [u8; 32]> {
    (0u8..4, any::<[u8; 32]>()).prop_map(|(shared, mut h)| {
        if shared > 0 {
            h[..3].copy_from_slice(&[0xAB, 0xCD, shared]);
        }
        h
    })
}

#[derive(Debug, Clone)]
enum Change {
    Upsert([u8; 32], IndicatorEntry),
    Remove([u8; 32]),
    /// Removes the i-th (mod len) inserted hash.
    RemoveExisting(usize),
}

fn arb_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (arb_hash(), arb_entry()).prop_map(|(h, e)| Change::Upsert(h, e)),
        arb_hash().prop_map(Change::Remove),
        any::<usize>().prop_map(Change::RemoveExisting),
    ]
}

proptest! {
    /// The one-block shortcut is SHA-256, on both sides of 55 bytes.
    #[test]
    fn short_keys_hash_as_sha256(parts in proptest::collection::vec("[a-z0-9:/.?+-]{0,30}", 0..5)) {
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        prop_assert_eq!(sha256_of(&parts), sha(&parts.concat()));
    }
}

/// Checks in a stream, spread over several groups of the pipeline,
/// answer exactly as the same checks one at a time.
#[test]
fn a_stream_of_checks_answers_as_single_checks() {
    let phones: Vec<PhoneNumber> =
        (0..150).map(|i| PhoneNumber::parse(&format!("0912{:06}", i * 37)).unwrap()).collect();
    let accounts: Vec<BankAccount> =
        (0..150).map(|i| BankAccount::parse("Vietcombank", &format!("00110012{i:05}")).unwrap()).collect();
    let urls: Vec<CanonicalUrl> = (0..150)
        .map(|i| CanonicalUrl::parse(&format!("https://a.lua-dao-{}.example/dang-nhap/?id={i}", i % 7)).unwrap())
        .collect();
    let mut listed: Vec<(String, IndicatorState)> = Vec::new();
    for i in (0..150).step_by(3) {
        listed.push((IndicatorKey::phone(&phones[i]).to_string(), IndicatorState::Verified));
        listed.push((IndicatorKey::bank(&accounts[i]).to_string(), IndicatorState::Reported));
    }
    listed.push(("lua-dao-1.example/".into(), IndicatorState::Reported));
    listed.push(("a.lua-dao-2.example/dang-nhap/".into(), IndicatorState::Verified));
    listed.push(("lua-dao-2.example/".into(), IndicatorState::Official));
    let listed: Vec<(&str, IndicatorState)> = listed.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    let mut index = url_index(&listed);
    // A change in the overlay is seen by the stream too.
    index.upsert(phone_hash(&phones[1]), entry(IndicatorState::Disputed, 99));
    assert!(index.remove(&phone_hash(&phones[3])));

    let phone_hits = index.check_phones(&phones);
    assert_eq!(phone_hits, phones.iter().map(|p| index.check_phone(p)).collect::<Vec<_>>());
    assert_eq!(phone_hits.iter().flatten().count(), 50 - 1 + 1);
    assert_eq!(phone_hits[1].map(|e| e.state), Some(IndicatorState::Disputed));
    let bank_hits = index.check_banks(&accounts);
    assert_eq!(bank_hits, accounts.iter().map(|a| index.check_bank(a)).collect::<Vec<_>>());
    assert_eq!(bank_hits.iter().flatten().count(), 50);
    let url_hits = index.check_urls(&urls);
    assert_eq!(url_hits, urls.iter().map(|u| index.check_url(u)).collect::<Vec<_>>());
    assert_eq!(url_hits[1].as_ref().map(|h| h.expression.as_str()), Some("lua-dao-1.example/"));
    assert_eq!(url_hits[2].as_ref().map(|h| h.entry.state), Some(IndicatorState::Verified));
    assert_eq!(url_hits.iter().flatten().count(), 22 + 22);
    assert_eq!(index.check_urls(&[]), vec![]);
}

/// Every listed host passes the filter; of hosts never listed, few do.
#[test]
fn the_host_filter_keeps_every_listed_host_and_few_others() {
    let listed: Vec<String> = (0..100_000).map(|i| format!("lua-dao-{i}.example")).collect();
    let filter = HostFilter::new(&listed);
    assert!(listed.iter().all(|h| filter.may_contain(h)));
    let others = (0..100_000).filter(|i| filter.may_contain(&format!("khong-co-{i}.example"))).count();
    let rate = others as f64 / 100_000.0;
    println!("host filter: {:.2}% false positives at {} bits per host", rate * 100.0, HostFilter::BITS_PER_HOST);
    assert!(rate < 0.04, "{rate}");
    assert!(filter.bytes() <= 100_000 * HostFilter::BITS_PER_HOST / 8 + 8);
}

/// With the hosts given, links answer exactly as without them; a host
/// noted later is found, and compaction keeps the filter.
#[test]
fn links_answer_the_same_through_the_host_filter() {
    let keys = [
        ("evil.example/", IndicatorState::Verified),
        ("a.b.lure.example/login/", IndicatorState::Reported),
        ("bank.example/", IndicatorState::Official),
        ("bank.example/phish/", IndicatorState::Verified),
        ("1.2.3.4/x", IndicatorState::Reported),
    ];
    let plain = url_index(&keys);
    let hosts = keys.iter().map(|(k, _)| k.split('/').next().unwrap_or_default());
    let mut filtered = url_index(&keys).with_link_hosts(hosts);
    let urls: Vec<CanonicalUrl> = [
        "http://www.evil.example/a/b?c=d",
        "https://x.a.b.lure.example/login/index.html",
        "http://a.b.lure.example/other",
        "https://bank.example/phish/go",
        "https://bank.example/",
        "http://1.2.3.4/x",
        "http://fine.example/",
        "http://late.example/path/",
    ]
    .iter()
    .map(|u| CanonicalUrl::parse(u).unwrap())
    .collect();
    assert_eq!(filtered.check_urls(&urls), plain.check_urls(&urls));
    assert_eq!(filtered.check_urls(&urls).iter().flatten().count(), 5);

    filtered.note_link_host("late.example");
    filtered.upsert(sha("late.example/path/"), entry(IndicatorState::Verified, 9));
    assert_eq!(filtered.check_url(&urls[7]).map(|h| h.entry.row_id), Some(9));
    filtered.compact();
    assert!(filtered.hosts.is_some());
    assert_eq!(filtered.check_url(&urls[7]).map(|h| h.entry.row_id), Some(9));
    assert!(filtered.memory_bytes() > plain.memory_bytes());
}

fn assert_same(index: &IndicatorIndex, model: &HashMap<[u8; 32], IndicatorEntry>) {
    assert_eq!(index.len(), model.len());
    let mut hashes: Vec<[u8; 32]> = model.keys().copied().collect();
    hashes.push([0x5A; 32]);
    let one_by_one: Vec<_> = hashes.iter().map(|h| index.get(h)).collect();
    let mut many = vec![None; hashes.len()];
    index.get_many_by(&hashes, |h| *h, &mut many);
    assert_eq!(many, one_by_one);
    for (hash, e) in model {
        assert_eq!(index.get(hash), Some(*e));
        let mut expected: Vec<_> = model.iter().filter(|(h, _)| h[..4] == hash[..4]).map(|(h, e)| (*h, *e)).collect();
        expected.sort_unstable_by_key(|a| a.0);
        assert_eq!(index.with_prefix([hash[0], hash[1], hash[2], hash[3]]), expected);
    }
}

fn expressions_by_parts(url: &CanonicalUrl) -> Vec<(String, [u8; 32])> {
    let (hosts, nh) = host_suffixes(url);
    let (paths, np) = path_prefixes(url);
    let mut out = Vec::new();
    for &host in &hosts[..nh] {
        for &(path, query) in &paths[..np] {
            let e = Expression { host, path, query };
            out.push((e.text(), e.hash()));
        }
    }
    out
}

fn assert_same_expressions(url: &CanonicalUrl) {
    let expected: Vec<(String, [u8; 32])> =
        url.expressions().iter().map(|e| (e.as_str().to_owned(), e.sha256())).collect();
    assert_eq!(expressions_by_parts(url), expected, "{url}");
}

#[test]
fn expressions_are_enumerated_as_the_url_does() {
    for url in [
        "http://a.b.c/1/2.html?param=1",
        "http://a.b.c.d.e.f.g/1.html",
        "http://1.2.3.4/1/",
        "http://example.com/a/b/c/d/e/f.html",
        "http://example.com/q?",
        "http://example.com/a/b/",
        "http://[2001:db8::1]/x/y",
        "http://localhost/",
        "https://www.vn-pay.top/dang-nhap/xac-thuc.html?ma=1",
    ] {
        assert_same_expressions(&CanonicalUrl::parse(url).unwrap());
    }
}

proptest! {
    #[test]
    fn expressions_match_the_url_module(
        s in "(https?://)?[a-z0-9.%@:\\[\\]-]{0,24}(/[a-zA-Z0-9.%#?/ -]{0,40})?",
    ) {
        if let Ok(url) = CanonicalUrl::parse(&s) {
            assert_same_expressions(&url);
        }
    }

    #[test]
    fn every_inserted_hash_is_found(
        items in prop::collection::vec((arb_hash(), arb_entry()), 0..300),
        absent in arb_hash(),
    ) {
        let index = IndicatorIndex::build(items.clone());
        let model: HashMap<[u8; 32], IndicatorEntry> = items.into_iter().collect();
        assert_same(&index, &model);
        if !model.contains_key(&absent) {
            prop_assert_eq!(index.get(&absent), None);
            let p = [absent[0], absent[1], absent[2], absent[3]];
            let under: Vec<_> = index.with_prefix(p).into_iter().map(|(h, _)| h).collect();
            prop_assert!(!under.contains(&absent));
            prop_assert!(under.iter().all(|h| h[..4] == p));
        }
    }

    #[test]
    fn overlay_then_compact_matches_a_fresh_build(
        items in prop::collection::vec((arb_hash(), arb_entry()), 0..200),
        changes in prop::collection::vec(arb_change(), 0..60),
    ) {
        let mut index = IndicatorIndex::build(items.clone());
        let mut model: HashMap<[u8; 32], IndicatorEntry> = items.iter().copied().collect();
        for change in changes {
            match change {
                Change::Upsert(h, e) => {
                    index.upsert(h, e);
                    model.insert(h, e);
                }
                Change::Remove(h) => {
                    prop_assert_eq!(index.remove(&h), model.remove(&h).is_some());
                }
                Change::RemoveExisting(i) => {
                    if !items.is_empty() {
                        let h = items[i % items.len()].0;
                        prop_assert_eq!(index.remove(&h), model.remove(&h).is_some());
                    }
                }
            }
        }
        assert_same(&index, &model);
        let fresh = IndicatorIndex::build(model.iter().map(|(h, e)| (*h, *e)));
        index.compact();
        prop_assert_eq!(index.overlay_len(), 0);
        prop_assert_eq!(&index.records[..], &fresh.records[..]);
        prop_assert_eq!(&index.directory[..], &fresh.directory[..]);
        assert_same(&index, &model);
    }
}
