//! The web kit: the one way each chore shared by many handlers is done —
//! escaping text for HTML, reading a form or an upload,
//! writing a workbook. A handler that needs one of these takes it from here,
//! so a fix (a bound, a message, an escape) is made once.
//!
//! Nothing here knows a route, a role or a page: it sits under every other
//! module of the web layer and imports none of them but [`crate::error`] and
//! [`crate::i18n`].

pub mod form;
pub mod history;
pub mod html;
pub mod upload;
pub mod words;
pub mod xlsx;
