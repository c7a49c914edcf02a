//! The channel registry's tests: every platform's spellings reduce to one key, and what is refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

fn key(s: &str) -> String {
    Channel::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).key
}

fn all_same(expected: &str, spellings: &[&str]) {
    for s in spellings {
        let channel = Channel::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(channel.key, expected, "{s}");
        assert_eq!(key(&channel.url), expected, "{s} shown as {}", channel.url);
        assert!(link::HttpUrl::parse(&channel.url).is_ok(), "{s} shown as {}", channel.url);
    }
}

#[test]
fn one_facebook_group_however_written() {
    all_same(
        "facebook:groups/123456",
        &[
            "facebook.com/groups/123456",
            "https://www.facebook.com/groups/123456/",
            "https://m.facebook.com/groups/123456/?ref=share",
            "http://web.facebook.com/groups/123456?mibextid=abc&fbclid=x",
            "fb.com/groups/123456",
            "https://mbasic.facebook.com/groups/123456#top",
            "  HTTPS://WWW.FACEBOOK.COM/groups/123456  ",
            "www.facebook.com/groups/123456/about",
            "https://vi-vn.facebook.com/groups/123456/members/",
            "https://www.facebook.com:443/groups/123456/?__cft__[0]=AZX&__tn__=-R",
            "//facebook.com/groups/123456",
            "http:facebook.com/groups/123456",
        ],
    );
}

#[test]
fn facebook_pages_and_profiles() {
    all_same(
        "facebook:conganbacninh",
        &[
            "facebook.com/CongAnBacNinh",
            "https://m.facebook.com/conganbacninh/?ref=bookmarks",
            "facebook.com/cong.an.bac.ninh",
            "https://www.facebook.com/CongAnBacNinh/about?locale=vi_VN",
            "https://www.facebook.com/pg/CongAnBacNinh/posts/",
            "fb.me/CongAnBacNinh",
            "m.me/CongAnBacNinh",
            "facebook.com/ CongAnBacNinh /",
        ],
    );
    all_same(
        "facebook:id/100012345678",
        &[
            "facebook.com/profile.php?id=100012345678",
            "https://m.facebook.com/profile.php?id=100012345678&ref=x&sk=about",
            "facebook.com/100012345678",
            "facebook.com/pages/Cong-an-xa/100012345678",
            "https://www.facebook.com/people/C%C3%B4ng-an-x%C3%A3/100012345678/",
            "https://www.facebook.com/p/C%C3%B4ng-an-x%C3%A3-100012345678/",
            "https://www.facebook.com/Cong-an-xa-100012345678/",
        ],
    );
    all_same(
        "facebook:share/g/AbCdE",
        &["facebook.com/share/g/AbCdE/", "https://m.facebook.com/share/g/AbCdE?mibextid=K35"],
    );
    assert_eq!(key("https://www.facebook.com/share/1AbCdE/"), "facebook:share/1AbCdE");
    assert_ne!(key("facebook.com/share/g/AbCdE"), key("facebook.com/share/g/abcde"), "share tokens keep their case");
}

#[test]
fn facebook_links_that_are_not_channels() {
    for s in [
        "facebook.com",
        "https://www.facebook.com/?ref=home",
        "facebook.com/groups/1/posts/2",
        "facebook.com/groups/1/permalink/2/",
        "facebook.com/watch?v=1",
        "facebook.com/CongAnBacNinh/posts/pfbid02abc",
        "facebook.com/CongAnBacNinh/videos/123456",
        "https://www.facebook.com/photo.php?fbid=1",
        "https://www.facebook.com/reel/123",
        "https://www.facebook.com/share/p/AbC/",
        "https://www.facebook.com/share/v/AbC/",
        "https://fb.watch/abc/",
        "facebook.com/profile.php",
        "facebook.com/pages/Cong-an",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.vn",
        "https://business.facebook.com/latest/inbox",
        "https://developers.facebook.com/docs",
    ] {
        assert_eq!(Channel::parse(s), Err(ChannelError::NotAChannel), "{s}");
    }
}

#[test]
fn zalo() {
    all_same(
        "zalo:g/AbcXyz",
        &["zalo.me/g/AbcXyz", "https://zalo.me/g/AbcXyz/?utm_source=zalo", "http://www.zalo.me/g/AbcXyz#x"],
    );
    assert_ne!(key("zalo.me/g/AbcXyz"), key("zalo.me/g/abcxyz"), "Zalo group tokens are case-sensitive");
    all_same("zalo:0912345678", &["https://zalo.me/0912345678", "zalo.me/84912345678", "zalo.me/+84912345678"]);
    assert_eq!(key("zalo.me/4318457264383329221"), "zalo:4318457264383329221", "an official account id");
    assert_eq!(key("zalo.me/s/123/"), "zalo:s/123");
    for s in ["https://zalo.me/", "zalo.me/g/", "https://chat.zalo.me/", "oa.zalo.me/home"] {
        assert_eq!(Channel::parse(s), Err(ChannelError::NotAChannel), "{s}");
    }
}

#[test]
fn tiktok() {
    all_same(
        "tiktok:@congan_bn",
        &[
            "tiktok.com/@CongAn_BN",
            "https://www.tiktok.com/@congan_bn?lang=vi&is_from_webapp=1",
            "m.tiktok.com/@CONGAN_BN/live",
        ],
    );
    assert_eq!(Channel::parse("tiktok.com/@congan/video/123"), Err(ChannelError::NotAChannel));
    assert_eq!(Channel::parse("tiktok.com/tag/anninh"), Err(ChannelError::NotAChannel));
    all_same("tiktok:vm.tiktok.com/ZSabc", &["vm.tiktok.com/ZSabc/", "https://vm.tiktok.com/ZSabc?x=1"]);
    assert_ne!(key("vm.tiktok.com/ZSabc"), key("vm.tiktok.com/zsabc"));
    assert_eq!(key("https://www.tiktok.com/t/ZTabc/"), "tiktok:t/ZTabc");
}

#[test]
fn youtube() {
    all_same(
        "youtube:@anninh",
        &["youtube.com/@AnNinh", "https://m.youtube.com/@anninh/videos", "www.youtube.com/@ANNINH?si=x"],
    );
    all_same(
        "youtube:channel/UCabcDEF",
        &["youtube.com/channel/UCabcDEF", "https://m.youtube.com/channel/UCabcDEF/featured"],
    );
    assert_ne!(key("youtube.com/channel/UCabcDEF"), key("youtube.com/channel/UCABCDEF"));
    all_same("youtube:c/anninhbn", &["youtube.com/c/AnNinhBN", "youtube.com/AnNinhBN"]);
    assert_eq!(key("youtube.com/user/AnNinhBN"), "youtube:user/anninhbn");
    for s in [
        "https://youtu.be/xyz",
        "youtube.com/watch?v=abc",
        "youtube.com/shorts/abc",
        "youtube.com/@",
        "studio.youtube.com/channel/UCabc",
        "youtube.com",
        "youtube.com/channel",
    ] {
        assert_eq!(Channel::parse(s), Err(ChannelError::NotAChannel), "{s}");
    }
}

#[test]
fn telegram() {
    all_same(
        "telegram:anninhmang",
        &["t.me/AnNinhMang", "telegram.me/anninhmang/", "https://t.me/s/AnNinhMang", "telegram.dog/anninhmang"],
    );
    all_same("telegram:+AbC", &["t.me/joinchat/AbC", "https://t.me/+AbC", "telegram.me/+AbC?x=1"]);
    assert_ne!(key("t.me/+AbC"), key("t.me/+abc"), "invite links are case-sensitive");
    for s in ["t.me/anninhmang/123", "t.me/c/123/45", "t.me", "t.me/addstickers/x", "t.me/+", "t.me/a%20b"] {
        assert_eq!(Channel::parse(s), Err(ChannelError::NotAChannel), "{s}");
    }
}

#[test]
fn viber() {
    all_same("viber:g2/AQBxyz", &["https://invite.viber.com/?g2=AQBxyz&lang=vi", "invite.viber.com/?g2=AQBxyz#x"]);
    assert_eq!(key("invite.viber.com/?g2=AQ%2Bb%3D"), "viber:g2/AQ+b=");
    assert_eq!(Channel::parse("invite.viber.com/?g2=AQ%2Bb%3D").unwrap().url, "https://invite.viber.com/?g2=AQ%2Bb%3D");
    all_same("viber:chats/anninh", &["chats.viber.com/AnNinh", "https://chats.viber.com/anninh/?lang=vi"]);
    assert_eq!(key("vb.me/a1B2c3"), "viber:vb.me/a1B2c3");
    assert_eq!(Channel::parse("invite.viber.com/?lang=vi"), Err(ChannelError::NotAChannel));
    assert_eq!(Channel::parse("https://www.viber.com/vi/"), Err(ChannelError::NotAChannel));
}

#[test]
fn websites() {
    all_same(
        "website:congan.bacninh.gov.vn/tin-tuc",
        &[
            "https://www.CongAn.BacNinh.gov.vn/tin-tuc/?utm_source=x#a",
            "congan.bacninh.gov.vn/tin-tuc",
            "http://congan.bacninh.gov.vn:80/tin-tuc//",
            "https://congan.bacninh.gov.vn.:443/tin-tuc",
            "https://www.www.congan.bacninh.gov.vn/tin-tuc",
            "HTTPS://CONGAN.BACNINH.GOV.VN/x/../tin-tuc",
        ],
    );
    assert_eq!(key("congan.bacninh.gov.vn:8080"), "website:congan.bacninh.gov.vn:8080");
    assert_ne!(key("example.vn/Tin"), key("example.vn/tin"), "paths keep their case");
    assert_ne!(key("m.example.vn"), key("example.vn"), "only platforms' mobile hosts are the same site");
    // IDN hosts in ASCII, whatever the letters' case or composition.
    let idn = key("http://Bắcninh.vn/");
    assert!(idn.starts_with("website:xn--"), "{idn}");
    assert_eq!(idn, key("BẮCNINH.VN"));
    assert_eq!(key("https://example.vn/tin-t%E1%BB%A9c"), key("example.vn/tin-tức"));
    assert_eq!(key("example.vn/tin-tức"), "website:example.vn/tin-t%E1%BB%A9c");
}

#[test]
fn distinct_channels_have_distinct_keys() {
    let links = [
        "facebook.com/groups/123",
        "facebook.com/groups/1234",
        "facebook.com/123",
        "facebook.com/conganbacninh",
        "facebook.com/conganbacgiang",
        "facebook.com/share/g/123",
        "facebook.com/share/123",
        "zalo.me/g/123",
        "zalo.me/0912345678",
        "zalo.me/0912345679",
        "tiktok.com/@conganbacninh",
        "vm.tiktok.com/conganbacninh",
        "youtube.com/@conganbacninh",
        "youtube.com/c/conganbacninh",
        "youtube.com/user/conganbacninh",
        "youtube.com/channel/UC123",
        "t.me/conganbacninh",
        "t.me/+conganbacninh",
        "chats.viber.com/conganbacninh",
        "invite.viber.com/?g2=conganbacninh",
        "invite.viber.com/?g=conganbacninh",
        "conganbacninh.vn",
        "conganbacninh.gov.vn",
        "conganbacninh.gov.vn/tin",
        "tin.conganbacninh.gov.vn",
    ];
    let keys: BTreeSet<String> = links.iter().map(|l| key(l)).collect();
    assert_eq!(keys.len(), links.len(), "{keys:?}");
}

#[test]
fn refusals_are_explained_in_vietnamese() {
    let cases = [
        ("", ChannelError::Empty),
        ("   ", ChannelError::Empty),
        ("không phải link", ChannelError::NotALink),
        ("abc", ChannelError::NotALink),
        ("localhost:8080", ChannelError::NotALink),
        ("http://192.168.1.1/admin", ChannelError::NotALink),
        ("0912345678", ChannelError::NotALink),
        ("example.notatld", ChannelError::NotALink),
        ("javascript:alert(1)", ChannelError::UnsupportedScheme("javascript".into())),
        ("ftp://a.vn/x", ChannelError::UnsupportedScheme("ftp".into())),
        ("zalo://g/abc", ChannelError::UnsupportedScheme("zalo".into())),
        ("mailto:a@b.vn", ChannelError::UnsupportedScheme("mailto".into())),
    ];
    for (input, expected) in cases {
        assert_eq!(Channel::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(Channel::parse(&format!("example.vn/{}", "a".repeat(2000))), Err(ChannelError::TooLong));
    assert!(Channel::parse(&format!("example.vn/{}", "a".repeat(1980))).is_ok());
    for e in [
        ChannelError::Empty,
        ChannelError::TooLong,
        ChannelError::NotALink,
        ChannelError::UnsupportedScheme("ftp".into()),
        ChannelError::NotAChannel,
    ] {
        assert!(!e.message_vi().is_empty() && e.message_vi() != e.to_string());
    }
    assert!(ChannelError::UnsupportedScheme("ftp".into()).message_vi().contains("«ftp:»"));
}

#[test]
fn platforms_have_stable_names() {
    for &p in Platform::ALL {
        assert_eq!(Platform::parse(p.as_str()), Some(p));
    }
    assert_eq!(Platform::Website.label_vi(), "Trang web");
}

/// Links of every platform, as the generators below write them.
fn channel_link() -> impl Strategy<Value = (String, String)> {
    // (host, path) pairs; hosts are the platforms' main names.
    prop_oneof![
        "[0-9]{1,15}".prop_map(|id| ("facebook.com".to_owned(), format!("/groups/{id}"))),
        "cong[a-zA-Z0-9.]{2,16}".prop_map(|name| ("facebook.com".to_owned(), format!("/{name}"))),
        "[0-9]{6,15}".prop_map(|id| ("facebook.com".to_owned(), format!("/profile.php?id={id}"))),
        "[A-Za-z0-9]{4,12}".prop_map(|t| ("facebook.com".to_owned(), format!("/share/g/{t}"))),
        "[A-Za-z0-9]{4,12}".prop_map(|t| ("zalo.me".to_owned(), format!("/g/{t}"))),
        "[0-9]{10,19}".prop_map(|id| ("zalo.me".to_owned(), format!("/{id}"))),
        "[a-zA-Z0-9_.]{2,20}".prop_map(|n| ("tiktok.com".to_owned(), format!("/@{n}"))),
        "[a-zA-Z0-9_.-]{3,20}".prop_map(|n| ("youtube.com".to_owned(), format!("/@{n}"))),
        "[A-Za-z0-9_-]{10,24}".prop_map(|id| ("youtube.com".to_owned(), format!("/channel/UC{id}"))),
        "an[a-zA-Z0-9_]{3,20}".prop_map(|n| ("t.me".to_owned(), format!("/{n}"))),
        "[A-Za-z0-9_-]{6,16}".prop_map(|t| ("t.me".to_owned(), format!("/+{t}"))),
        "site[a-z]{0,8}(\\.[a-z]{2,8})?\\.(vn|com|gov\\.vn|com\\.vn)(/[a-zA-Z0-9-]{1,10}){0,3}".prop_map(|s| {
            let (host, path) = s.split_at(s.find('/').unwrap_or(s.len()));
            (host.to_owned(), path.to_owned())
        }),
    ]
}

proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,200}") {
        let _ = Channel::parse(&s);
    }

    #[test]
    fn never_panics_on_link_like_text(s in "([a-z]{1,6}:)?(//)?[a-zA-Z0-9.:@%+\\[\\]-]{0,30}(/[a-zA-Z0-9.%@+?&=#/ ~-]{0,40})?") {
        if let Ok(c) = Channel::parse(&s) {
            prop_assert_eq!(Channel::parse(&c.url).map(|d| d.key), Ok(c.key.clone()));
            prop_assert!(c.key.starts_with(c.platform.as_str()));
            prop_assert!(c.key.is_ascii() && c.url.starts_with("https://"));
        }
    }

    #[test]
    fn the_shown_link_reads_back_to_the_same_key((host, path) in channel_link(), scheme in "(https?://)?") {
        let c = Channel::parse(&format!("{scheme}{host}{path}")).unwrap();
        prop_assert_eq!(Channel::parse(&c.url).map(|d| d.key), Ok(c.key.clone()));
        prop_assert!(c.key.is_ascii());
    }

    #[test]
    fn tracking_case_and_prefixes_do_not_change_identity(
        (host, path) in channel_link(),
        tag in "[a-zA-Z0-9]{0,8}",
        prefix in prop::sample::select(vec!["", "www.", "m.", "web.", "www.m."]),
        upper in any::<bool>(),
    ) {
        let plain = key(&format!("{host}{path}"));
        let is_website = plain.starts_with("website:");
        let prefix = if is_website { "www." } else { prefix };
        let host = format!("{prefix}{host}");
        let host = if upper { host.to_uppercase() } else { host };
        let path = if path.contains('?') { format!("{path}&") } else { format!("{path}/?") };
        let tracked = format!(
            "https://{host}{path}utm_source=zalo&utm_medium={tag}&fbclid={tag}&mibextid={tag}&ref=share&__cft__[0]={tag}#{tag}"
        );
        prop_assert_eq!(key(&tracked), plain);
    }
}
