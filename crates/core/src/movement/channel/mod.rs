//! A channel of an initiative (a Facebook group, page or profile, a Zalo
//! group or official account, a TikTok, YouTube or Telegram account, a Viber
//! community, a website) reduced to one key however its link is written, so
//! that one channel has one guiding unit (document, 5.2).
//!
//! A key is "<platform>:<identity>", ASCII only (anything else
//! percent-encoded), e.g. "facebook:groups/123", "facebook:id/100012345",
//! "facebook:conganbacninh", "facebook:share/g/AbC", "zalo:g/AbC",
//! "zalo:0912345678", "tiktok:@name", "tiktok:vm.tiktok.com/ZSabc",
//! "youtube:@handle", "youtube:channel/UCabc", "youtube:c/name",
//! "telegram:name", "telegram:+AbC", "viber:g2/AbC", "viber:chats/name",
//! "website:example.vn/path". Names a platform treats as case-insensitive
//! are lowercased; tokens (invite links, group links, channel ids) keep
//! their case.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use url::{Host, Url};

use crate::link;
use crate::macros::string_enum;

string_enum!(
    /// Where a channel lives.
    Platform {
        Facebook = "facebook" / "Facebook",
        Zalo = "zalo" / "Zalo",
        TikTok = "tiktok" / "TikTok",
        YouTube = "youtube" / "YouTube",
        Telegram = "telegram" / "Telegram",
        Viber = "viber" / "Viber",
        Website = "website" / "Trang web",
    }
);

/// Links longer than this are refused (real channel links are far shorter).
pub const MAX_CHANNEL_CHARS: usize = 2000;

/// Escaped in the segments of keys and links: everything but the RFC 3986
/// unreserved characters and the sub-delimiters allowed in a path, so that a
/// key is ASCII and reads back to itself.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Subdomains that show the same platform content ("m.facebook.com",
/// "web.facebook.com"); a locale ("vi-vn.facebook.com") counts too.
const PLATFORM_PREFIXES: [&str; 7] = ["www", "m", "mobile", "web", "mbasic", "touch", "free"];

/// A channel: its platform, its canonical key (unique in the registry) and a
/// clean link to show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Channel {
    pub platform: Platform,
    /// "facebook:groups/123", "zalo:g/AbC", "tiktok:@name", "website:example.vn/path", ...
    pub key: String,
    /// An https link that reads back to the same key.
    pub url: String,
}

/// Why a link is not a channel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("No link was entered.")]
    Empty,
    #[error("The link is longer than {MAX_CHANNEL_CHARS} characters.")]
    TooLong,
    #[error("This is not a web link; paste the address of the channel, group or page.")]
    NotALink,
    #[error("Only http:// and https:// links can be channels; this one uses \"{0}:\".")]
    UnsupportedScheme(String),
    #[error("This link points to a post, a video or a platform's own page, not to a channel, group or page.")]
    NotAChannel,
}

impl ChannelError {
    /// The message for Vietnamese users: what is wrong and how to fix it.
    pub fn message_vi(&self) -> String {
        match self {
            ChannelError::Empty => "Chưa nhập đường dẫn (link) của kênh, nhóm hoặc trang.".to_owned(),
            ChannelError::TooLong => {
                format!("Đường dẫn dài quá {MAX_CHANNEL_CHARS} ký tự. Hãy dán đúng địa chỉ của kênh, nhóm hoặc trang.")
            }
            ChannelError::NotALink => "Đây không phải là đường dẫn trang web hợp lệ. Hãy dán địa chỉ của kênh, nhóm \
                 hoặc trang, ví dụ https://www.facebook.com/groups/123456 hoặc https://zalo.me/g/abcxyz."
                .to_owned(),
            ChannelError::UnsupportedScheme(scheme) => format!(
                "Chỉ nhận đường dẫn trang web (bắt đầu bằng http:// hoặc https://); đường dẫn này dùng giao thức «{scheme}:»."
            ),
            ChannelError::NotAChannel => "Đường dẫn này trỏ tới một bài viết, một video hoặc trang chung của nền \
                 tảng, không phải một kênh, nhóm hay trang cụ thể. Hãy mở kênh, nhóm hoặc trang rồi sao chép địa \
                 chỉ của nó."
                .to_owned(),
        }
    }
}

impl Channel {
    /// Reads a channel link, with or without a scheme. Tracking parameters,
    /// "www."/"m." prefixes, ports 80 and 443, trailing slashes, fragments
    /// and the case of names a platform does not distinguish never change
    /// the key.
    pub fn parse(input: &str) -> Result<Channel, ChannelError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(ChannelError::Empty);
        }
        if text.chars().count() > MAX_CHANNEL_CHARS {
            return Err(ChannelError::TooLong);
        }
        let url = web_url(text)?;
        // Hosts come back lowercase and IDN in ASCII; a link to an IP address is no channel.
        let host = match url.host() {
            Some(Host::Domain(domain)) => domain.trim_end_matches('.').to_owned(),
            _ => return Err(ChannelError::NotALink),
        };
        let segments: Vec<String> = url
            .path_segments()
            .map(|parts| {
                // Spaces pasted around a name are no part of it.
                let decoded = parts.map(|p| percent_decode_str(p).decode_utf8_lossy().trim().to_owned());
                decoded.filter(|p| !p.is_empty()).collect()
            })
            .unwrap_or_default();
        let query = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        match platform_host(&host) {
            Some("facebook.com" | "fb.com" | "fb.me") => facebook(&segments, query("id")),
            // Messenger's link to a page is the page.
            Some("m.me") => match segments.as_slice() {
                [_] => facebook(&segments, None),
                _ => Err(ChannelError::NotAChannel),
            },
            Some("fb.watch" | "youtu.be") => Err(ChannelError::NotAChannel),
            Some("zalo.me") => zalo(&segments),
            Some("tiktok.com") => tiktok(&segments),
            Some(short @ ("vm.tiktok.com" | "vt.tiktok.com")) => {
                let token = segments.first().ok_or(ChannelError::NotAChannel)?;
                let id = format!("{short}/{}", enc(token));
                Ok(Channel::new(Platform::TikTok, &id, format!("https://{id}")))
            }
            Some("youtube.com") => youtube(&segments),
            Some("t.me" | "telegram.me" | "telegram.dog") => telegram(&segments),
            Some("invite.viber.com") => viber_invite(query("g2"), query("g")),
            Some("chats.viber.com") => {
                let name = segments.first().filter(|name| is_name(name)).ok_or(ChannelError::NotAChannel)?;
                let name = name.to_lowercase();
                Ok(Channel::new(Platform::Viber, &format!("chats/{name}"), format!("https://chats.viber.com/{name}")))
            }
            Some("vb.me") => {
                let token = segments.first().ok_or(ChannelError::NotAChannel)?;
                let id = format!("vb.me/{}", enc(token));
                Ok(Channel::new(Platform::Viber, &id, format!("https://{id}")))
            }
            _ if is_platform_site(&host) => Err(ChannelError::NotAChannel),
            _ => website(&url, &host, &segments),
        }
    }

    fn new(platform: Platform, id: &str, url: String) -> Channel {
        Channel { platform, key: format!("{}:{id}", platform.as_str()), url }
    }
}

/// Parses the link as http(s), adding "https://" when no scheme is written.
fn web_url(text: &str) -> Result<Url, ChannelError> {
    // The scheme rule is the one every link field uses; channels are more
    // lenient about the rest ("facebook.com/x", "http:facebook.com/x").
    let with_scheme = match link::scheme_of(text) {
        Some(scheme) if link::is_web_scheme(&scheme) => text.to_owned(),
        Some(scheme) => return Err(ChannelError::UnsupportedScheme(scheme)),
        None => format!("https://{}", text.trim_start_matches('/')),
    };
    Url::parse(&with_scheme).map_err(|_| ChannelError::NotALink)
}

/// The platform's own host name behind its mobile, web and locale
/// subdomains, or `None` for any other site.
fn platform_host(host: &str) -> Option<&'static str> {
    const HOSTS: [&str; 17] = [
        "facebook.com",
        "fb.com",
        "fb.me",
        "fb.watch",
        "zalo.me",
        "tiktok.com",
        "vm.tiktok.com",
        "vt.tiktok.com",
        "youtube.com",
        "youtu.be",
        "t.me",
        "telegram.me",
        "telegram.dog",
        "invite.viber.com",
        "chats.viber.com",
        "vb.me",
        "m.me",
    ];
    let mut rest = host;
    loop {
        if let Some(known) = HOSTS.iter().find(|h| **h == rest) {
            return Some(*known);
        }
        let (label, tail) = rest.split_once('.')?;
        if !tail.contains('.') || !(PLATFORM_PREFIXES.contains(&label) || is_locale(label)) {
            return None;
        }
        rest = tail;
    }
}

/// Another part of a platform's site ("l.facebook.com", "studio.youtube.com",
/// "www.viber.com"): never a channel, and never a website of its own.
fn is_platform_site(host: &str) -> bool {
    const ROOTS: [&str; 9] = [
        "facebook.com",
        "fb.com",
        "messenger.com",
        "youtube.com",
        "tiktok.com",
        "zalo.me",
        "t.me",
        "telegram.me",
        "viber.com",
    ];
    ROOTS.iter().any(|root| host == *root || host.strip_suffix(root).is_some_and(|sub| sub.ends_with('.')))
}

/// "vi-vn", "en-gb": Facebook's locale subdomains.
fn is_locale(label: &str) -> bool {
    let b = label.as_bytes();
    b.len() == 5 && b[2] == b'-' && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_lowercase)
}

fn enc(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn facebook(segments: &[String], id_param: Option<String>) -> Result<Channel, ChannelError> {
    // Facebook paths that are never a page, group or profile.
    const NOT_CHANNELS: [&str; 30] = [
        "watch",
        "reel",
        "reels",
        "photo",
        "photo.php",
        "photos",
        "video.php",
        "videos",
        "story.php",
        "stories",
        "permalink.php",
        "events",
        "hashtag",
        "search",
        "login",
        "login.php",
        "home.php",
        "marketplace",
        "gaming",
        "notes",
        "media",
        "sharer",
        "sharer.php",
        "l.php",
        "dialog",
        "plugins",
        "messages",
        "help",
        "settings",
        "business",
    ];
    let by_id = |id: &str| {
        Channel::new(Platform::Facebook, &format!("id/{id}"), format!("https://www.facebook.com/profile.php?id={id}"))
    };
    let at = |path: String| {
        let url = format!("https://www.facebook.com/{path}");
        Channel::new(Platform::Facebook, &path, url)
    };
    let first = segments.first().map(|s| s.to_lowercase()).unwrap_or_default();
    let second = segments.get(1);
    match first.as_str() {
        "" => Err(ChannelError::NotAChannel),
        "profile.php" => id_param.filter(|id| is_digits(id)).map(|id| by_id(&id)).ok_or(ChannelError::NotAChannel),
        id if is_digits(id) => Ok(by_id(id)),
        "groups" => {
            let group = second.map(|g| g.to_lowercase()).ok_or(ChannelError::NotAChannel)?;
            let post =
                segments.get(2).is_some_and(|s| matches!(s.as_str(), "posts" | "permalink" | "multi_permalinks"));
            if post || matches!(group.as_str(), "feed" | "discover" | "joins" | "create" | "search") {
                return Err(ChannelError::NotAChannel);
            }
            Ok(at(format!("groups/{}", enc(&group))))
        }
        // Share links are opaque case-sensitive tokens: "share/g/…" a group,
        // "share/…" a profile or page, "share/p|v|r/…" a post, video or reel.
        "share" => match (second.map(String::as_str), segments.get(2)) {
            (Some("g"), Some(token)) => Ok(at(format!("share/g/{}", enc(token)))),
            (Some("p" | "v" | "r" | "g") | None, _) => Err(ChannelError::NotAChannel),
            (Some(token), _) => Ok(at(format!("share/{}", enc(token)))),
        },
        // "pages/Name/123", "people/Name/123": the number is the identity.
        "pages" | "people" => {
            segments.get(2).filter(|id| is_digits(id)).map(|id| by_id(id)).ok_or(ChannelError::NotAChannel)
        }
        // "p/Name-100064…": the number after the last "-" is the identity.
        "p" => second
            .and_then(|slug| slug.rsplit('-').next())
            .filter(|id| id.len() >= 5 && is_digits(id))
            .map(by_id)
            .ok_or(ChannelError::NotAChannel),
        "pg" => second.ok_or(ChannelError::NotAChannel).and_then(|name| page(name)),
        reserved if NOT_CHANNELS.contains(&reserved) => Err(ChannelError::NotAChannel),
        _ => {
            let post = segments.len() > 2
                && second.is_some_and(|s| matches!(s.as_str(), "posts" | "videos" | "photos" | "reels" | "permalink"));
            if post {
                return Err(ChannelError::NotAChannel);
            }
            // Old page links end in the page's number: "Cong-An-Xa-100064123456".
            match segments[0].rsplit_once('-') {
                Some((_, id)) if id.len() >= 10 && is_digits(id) => Ok(by_id(id)),
                _ => page(&segments[0]),
            }
        }
    }
}

/// A page or profile by its user name, where Facebook ignores case and dots.
fn page(name: &str) -> Result<Channel, ChannelError> {
    let name: String = name.to_lowercase().chars().filter(|&c| c != '.').collect();
    if name.is_empty() {
        return Err(ChannelError::NotAChannel);
    }
    let name = enc(&name);
    Ok(Channel::new(Platform::Facebook, &name, format!("https://www.facebook.com/{name}")))
}

fn zalo(segments: &[String]) -> Result<Channel, ChannelError> {
    let id = match segments {
        // Group ("g/…") and share ("s/…") links are case-sensitive tokens.
        [kind, token, ..] if kind == "g" || kind == "s" => format!("{kind}/{}", enc(token)),
        [account, ..] if account != "g" && account != "s" => match phone_number(account) {
            Some(number) => number,
            None if is_name(account) => account.to_lowercase(),
            None => return Err(ChannelError::NotAChannel),
        },
        _ => return Err(ChannelError::NotAChannel),
    };
    Ok(Channel::new(Platform::Zalo, &id, format!("https://zalo.me/{id}")))
}

/// A user name as platforms allow them: ASCII letters, digits, "_", "." and "-".
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// A Vietnamese mobile number in its national form: "84912345678" and
/// "+84912345678" are "0912345678". Official account ids are longer.
fn phone_number(s: &str) -> Option<String> {
    let national = s.strip_prefix("+84").or_else(|| s.strip_prefix("84").filter(|r| r.len() == 9));
    match national {
        Some(rest) if rest.len() == 9 && is_digits(rest) => Some(format!("0{rest}")),
        _ if s.len() == 10 && s.starts_with('0') && is_digits(s) => Some(s.to_owned()),
        _ => None,
    }
}

fn tiktok(segments: &[String]) -> Result<Channel, ChannelError> {
    let id = match segments {
        [name, rest @ ..] if name.strip_prefix('@').is_some_and(is_name) => {
            if rest.first().is_some_and(|s| matches!(s.as_str(), "video" | "photo")) {
                return Err(ChannelError::NotAChannel);
            }
            enc(&name.to_lowercase())
        }
        // "tiktok.com/t/ZT…" short links: opaque tokens.
        [t, token, ..] if t == "t" => format!("t/{}", enc(token)),
        _ => return Err(ChannelError::NotAChannel),
    };
    Ok(Channel::new(Platform::TikTok, &id, format!("https://www.tiktok.com/{id}")))
}

fn youtube(segments: &[String]) -> Result<Channel, ChannelError> {
    const NOT_CHANNELS: [&str; 16] = [
        "watch",
        "shorts",
        "live",
        "playlist",
        "embed",
        "results",
        "feed",
        "hashtag",
        "post",
        "redirect",
        "attribution_link",
        "v",
        "e",
        "account",
        "premium",
        "signin",
    ];
    let id = match segments {
        [handle, ..] if handle.starts_with('@') && handle.len() > 1 => enc(&handle.to_lowercase()),
        // Channel ids are case-sensitive.
        [kind, id, ..] if kind == "channel" => format!("channel/{}", enc(id)),
        [kind, name, ..] if kind == "c" || kind == "user" => format!("{kind}/{}", enc(&name.to_lowercase())),
        [name, ..]
            if is_name(name)
                && !NOT_CHANNELS.contains(&name.to_lowercase().as_str())
                && !matches!(name.as_str(), "c" | "user" | "channel") =>
        {
            // "youtube.com/Name" is the legacy form of a custom URL.
            format!("c/{}", enc(&name.to_lowercase()))
        }
        _ => return Err(ChannelError::NotAChannel),
    };
    Ok(Channel::new(Platform::YouTube, &id, format!("https://www.youtube.com/{id}")))
}

fn telegram(segments: &[String]) -> Result<Channel, ChannelError> {
    const NOT_CHANNELS: [&str; 10] =
        ["c", "addstickers", "addemoji", "addtheme", "share", "proxy", "socks", "setlanguage", "iv", "login"];
    let id = match segments {
        // Invite links are case-sensitive tokens.
        [invite, ..] if invite.starts_with('+') && invite.len() > 1 => format!("+{}", enc(&invite[1..])),
        [join, token, ..] if join == "joinchat" => format!("+{}", enc(token)),
        [s, name, ..] if s == "s" && is_name(name) => name.to_lowercase(),
        [name, post, ..] if is_digits(post) && !name.starts_with('+') => return Err(ChannelError::NotAChannel),
        [name, ..] if is_name(name) && !NOT_CHANNELS.contains(&name.to_lowercase().as_str()) && name != "joinchat" => {
            name.to_lowercase()
        }
        _ => return Err(ChannelError::NotAChannel),
    };
    Ok(Channel::new(Platform::Telegram, &id, format!("https://t.me/{id}")))
}

fn viber_invite(g2: Option<String>, g: Option<String>) -> Result<Channel, ChannelError> {
    let (param, token) = match (g2, g) {
        (Some(token), _) if !token.is_empty() => ("g2", token),
        (_, Some(token)) if !token.is_empty() => ("g", token),
        _ => return Err(ChannelError::NotAChannel),
    };
    let shown: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    let id = format!("{param}/{}", enc(&token));
    Ok(Channel::new(Platform::Viber, &id, format!("https://invite.viber.com/?{param}={shown}")))
}

/// Any other site: the host without "www.", a port other than 80 and 443,
/// and the path. The query is dropped: it is where tracking lives.
fn website(url: &Url, host: &str, segments: &[String]) -> Result<Channel, ChannelError> {
    if !is_domain(host) {
        return Err(ChannelError::NotALink);
    }
    let mut host = host;
    while let Some(rest) = host.strip_prefix("www.").filter(|rest| is_domain(rest)) {
        host = rest;
    }
    let mut id = host.to_owned();
    if let Some(port) = url.port().filter(|p| *p != 80 && *p != 443) {
        id.push_str(&format!(":{port}"));
    }
    for segment in segments {
        id.push('/');
        id.push_str(&enc(segment));
    }
    let shown = format!("https://{id}");
    Ok(Channel::new(Platform::Website, &id, shown))
}

/// A registrable domain name (or a name under one) with a known public
/// suffix: "congan.bacninh.gov.vn" is, "localhost" and "abc.xyz123" are not.
fn is_domain(host: &str) -> bool {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    host.len() <= 253
        && host.split('.').all(label_ok)
        && psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known())
        && psl::domain(host.as_bytes()).is_some()
}

#[cfg(test)]
mod tests;
