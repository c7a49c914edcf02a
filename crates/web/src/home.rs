//! The citizens' home (`/`): what a person can do here, each a tile with one
//! line saying what it is for (check, report, follow a report, warnings,
//! contests, surveys, public statistics), phone width first; the staff
//! sign-in is a small link at the foot. Staff have their own home at `/work`,
//! where sign-in lands; a signed-in visitor is shown the way there.

use askama::Template;
use axum::response::Html;

use crate::error::WebResult;
use crate::page::{Chrome, Page, render};

/// One thing a citizen can do: where it is, its name and its one-line
/// explanation (i18n keys), and an id the browser tests find it by.
pub struct Tile {
    pub href: &'static str,
    pub title: &'static str,
    pub line: &'static str,
    pub id: &'static str,
}

/// The citizens' tiles, most asked for first.
pub const TILES: &[Tile] = &[
    Tile { href: "/check", title: "home.check", line: "home.check_line", id: "home-check" },
    Tile { href: "/report", title: "home.report", line: "home.report_line", id: "home-report" },
    Tile { href: "/report/track", title: "home.track", line: "home.track_line", id: "home-track" },
    Tile { href: "/warnings", title: "home.warnings", line: "home.warnings_line", id: "home-warnings" },
    Tile { href: "/contests", title: "home.contests", line: "home.contests_line", id: "home-contests" },
    Tile { href: "/surveys", title: "home.surveys", line: "home.surveys_line", id: "home-surveys" },
    Tile { href: "/report/stats", title: "home.stats", line: "home.stats_line", id: "home-stats" },
];

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    tiles: &'static [Tile],
    /// Someone is signed in: show the way to their work.
    staff: bool,
}

/// `GET /`: open to everyone.
pub async fn page(Page { lang, id }: Page) -> WebResult<Html<String>> {
    let staff = id.is_some();
    render(&HomePage { chrome: Chrome::new(lang, id.as_ref(), "citizen_home"), tiles: TILES, staff })
}
