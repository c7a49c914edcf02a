//! A campaign's content items as form rows: each row a title, a kind, and a
//! link (or, for a warning, one of the published warnings picked from a
//! list). The rows are kept as typed so a refused form comes back intact;
//! each refusal names the row's field it is about.
//!
//! Field names: `item{i}.title`, `item{i}.kind`, `item{i}.url`,
//! `item{i}.warning` for row `i` (0-based). A row left wholly blank is
//! ignored (the form offers spare rows).

use super::campaign::{ContentItem, ContentKind};
use crate::link::HttpUrl;

/// Items of one campaign.
pub const MAX_ITEMS: usize = 30;
/// Longest item title, in characters.
pub const MAX_ITEM_TITLE: usize = 300;
/// Longest link, in bytes.
pub const MAX_ITEM_URL: usize = 2_000;
/// Longest reason for voiding an item, in characters.
pub const MAX_VOID_REASON: usize = 500;

/// A row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemRow {
    pub title: String,
    pub kind: String,
    pub url: String,
    /// A published warning's id, from a menu.
    pub warning: String,
}

impl ItemRow {
    pub fn is_blank(&self) -> bool {
        self.title.trim().is_empty() && self.url.trim().is_empty() && self.warning.trim().is_empty()
    }

    /// The row of a stored item (to correct it).
    pub fn of(item: &ContentItem) -> ItemRow {
        ItemRow {
            title: item.title.clone(),
            kind: item.kind.as_str().to_owned(),
            url: item.url.clone().unwrap_or_default(),
            warning: item.warning_id.map(|w| w.to_string()).unwrap_or_default(),
        }
    }
}

/// Why a row is refused; the web layer translates the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemError {
    NoTitle,
    TitleTooLong,
    NoKind,
    BadUrl,
    NoWarning,
    TooMany,
    NoItems,
}

impl ItemError {
    pub fn key(self) -> &'static str {
        match self {
            ItemError::NoTitle => "ci.err.title",
            ItemError::TitleTooLong => "ci.err.title_long",
            ItemError::NoKind => "ci.err.kind",
            ItemError::BadUrl => "ci.err.url",
            ItemError::NoWarning => "ci.err.warning",
            ItemError::TooMany => "ci.err.too_many",
            ItemError::NoItems => "ci.err.no_items",
        }
    }

    /// The row's field the refusal is shown beside.
    pub fn field(self) -> &'static str {
        match self {
            ItemError::NoTitle | ItemError::TitleTooLong => "title",
            ItemError::NoKind => "kind",
            ItemError::BadUrl => "url",
            ItemError::NoWarning => "warning",
            ItemError::TooMany | ItemError::NoItems => "items",
        }
    }
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max * 2).collect()
}

/// The rows of a submitted form, in order (positions past [`MAX_ITEMS`]
/// ignored; texts cut at twice their limit).
pub fn rows_from_fields(fields: &[(String, String)]) -> Vec<ItemRow> {
    let mut rows: Vec<Option<ItemRow>> = vec![None; MAX_ITEMS];
    for (name, value) in fields.iter().take(MAX_ITEMS * 4 + 64) {
        let Some((i, part)) = name.strip_prefix("item").and_then(|r| r.split_once('.')) else { continue };
        let Some(i) = i.parse::<usize>().ok().filter(|i| *i < MAX_ITEMS) else { continue };
        let row = rows[i].get_or_insert_with(ItemRow::default);
        match part {
            "title" => row.title = cut(value, MAX_ITEM_TITLE),
            "kind" => row.kind = cut(value.trim(), 16),
            "url" => row.url = cut(value.trim(), MAX_ITEM_URL),
            "warning" => row.warning = cut(value.trim(), 20),
            _ => {}
        }
    }
    rows.into_iter().flatten().collect()
}

/// The item a row describes, or why not. `warnings` are the ids a warning
/// item may share (the published ones).
pub fn row_to_item(row: &ItemRow, id: i64, warnings: &[i64]) -> Result<ContentItem, ItemError> {
    let title = row.title.trim();
    if title.is_empty() {
        return Err(ItemError::NoTitle);
    }
    if title.chars().count() > MAX_ITEM_TITLE {
        return Err(ItemError::TitleTooLong);
    }
    let kind = ContentKind::parse(row.kind.trim()).ok_or(ItemError::NoKind)?;
    let (url, warning_id) = if kind == ContentKind::Warning {
        let w = row.warning.trim().parse::<i64>().ok().filter(|w| warnings.contains(w)).ok_or(ItemError::NoWarning)?;
        (None, Some(w))
    } else {
        if row.url.len() > MAX_ITEM_URL {
            return Err(ItemError::BadUrl);
        }
        let url = HttpUrl::parse(row.url.trim()).map_err(|_| ItemError::BadUrl)?;
        (Some(url.into_string()), None)
    };
    Ok(ContentItem { id, kind, title: title.to_owned(), url, warning_id, voided: None })
}

/// Every non-blank row as an item (ids from 1), or each refusal with its
/// row: `(row, error)`, the row `None` for the list as a whole.
#[allow(clippy::type_complexity)]
pub fn rows_to_items(rows: &[ItemRow], warnings: &[i64]) -> Result<Vec<ContentItem>, Vec<(Option<usize>, ItemError)>> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
        match row_to_item(row, i64::try_from(items.len()).unwrap_or(0) + 1, warnings) {
            Ok(item) => items.push(item),
            Err(e) => errors.push((Some(i), e)),
        }
    }
    if items.is_empty() && errors.is_empty() {
        errors.push((None, ItemError::NoItems));
    }
    if items.len() > MAX_ITEMS {
        errors.push((None, ItemError::TooMany));
    }
    if errors.is_empty() { Ok(items) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn rows_become_items_and_blank_rows_are_ignored() {
        let rows = rows_from_fields(&f(&[
            ("item0.title", "Thủ đoạn giả danh công an"),
            ("item0.kind", "article"),
            ("item0.url", "https://congan.bacninh.gov.vn/bai-1"),
            ("item1.title", ""),
            ("item1.kind", "video"),
            ("item2.title", "Cảnh báo cuộc gọi giả"),
            ("item2.kind", "warning"),
            ("item2.warning", "7"),
        ]));
        assert_eq!(rows.len(), 3);
        let items = rows_to_items(&rows, &[7]).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].url.as_deref(), Some("https://congan.bacninh.gov.vn/bai-1"));
        assert_eq!((items[1].id, items[1].warning_id), (2, Some(7)));
    }

    #[test]
    fn each_refusal_names_its_row_and_field() {
        let rows = rows_from_fields(&f(&[
            ("item0.title", "Bài"),
            ("item0.kind", "article"),
            ("item0.url", "congan.bacninh"),
            ("item1.title", "Cảnh báo"),
            ("item1.kind", "warning"),
            ("item1.warning", "99"),
        ]));
        let e = rows_to_items(&rows, &[7]).unwrap_err();
        assert_eq!(e, vec![(Some(0), ItemError::BadUrl), (Some(1), ItemError::NoWarning)]);
        assert_eq!(ItemError::BadUrl.field(), "url");
        assert_eq!(rows_to_items(&[], &[]).unwrap_err(), vec![(None, ItemError::NoItems)]);
    }

    proptest! {
        /// Any fields: read within bounds; every item made is one a campaign accepts.
        #[test]
        fn any_rows_are_read_within_bounds(
            pairs in proptest::collection::vec(("item[0-9]{1,3}\\.(title|kind|url|warning)", ".{0,40}"), 0..80),
        ) {
            let rows = rows_from_fields(&pairs);
            prop_assert!(rows.len() <= MAX_ITEMS);
            if let Ok(items) = rows_to_items(&rows, &[1, 2]) {
                for item in &items {
                    prop_assert!(!item.title.trim().is_empty());
                    prop_assert!(item.url.is_some() != item.warning_id.is_some());
                    if let Some(u) = &item.url {
                        prop_assert!(HttpUrl::parse(u).is_ok());
                    }
                }
            }
        }
    }
}
