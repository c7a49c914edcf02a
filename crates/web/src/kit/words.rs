//! Internal codes said in words: an audit action (`personal_data.view`), the
//! object it touched (`unit:42`), a report event's kind (`reporter_info`)
//! and who wrote it (`reporter`). The codes stay in the database, the JSON
//! API and the feeds; pages show these words, from the `aud.`, `evk.` and
//! `who.` keys of the i18n tables.

use crate::i18n::Tr;

/// An audit action as a person says it. A known action has its own words;
/// otherwise its kind of record and its verb are said separately, and what
/// is not known at all reads "another action", never the code.
pub fn audit_action(tr: Tr, action: &str) -> String {
    if let Some(text) = lookup(tr, &format!("aud.{action}")) {
        return text.to_string();
    }
    let (domain, verb) = action.split_once('.').unwrap_or((action, ""));
    let domain = lookup(tr, &format!("aud.d.{domain}"));
    // The verb of a compound ("contest.questions_add") is its last part.
    let verb = lookup(tr, &format!("aud.v.{verb}"))
        .or_else(|| verb.rsplit(['.', '_']).next().and_then(|last| lookup(tr, &format!("aud.v.{last}"))));
    match (domain, verb) {
        (Some(d), Some(v)) => format!("{d}: {v}"),
        (Some(d), None) => d.to_string(),
        (None, _) => tr.t("aud.other").to_string(),
    }
}

/// The object of an audit entry: "unit:42" reads "Đơn vị 42"; an empty or
/// unknown kind keeps only the number, or nothing.
pub fn audit_object(tr: Tr, object: &str) -> String {
    match object.split_once(':') {
        Some((kind, id)) => match lookup(tr, &format!("aud.d.{kind}")) {
            Some(word) => format!("{word} {id}"),
            None => id.to_string(),
        },
        None if object.is_empty() => String::new(),
        None => lookup(tr, &format!("aud.d.{object}")).map_or_else(String::new, str::to_string),
    }
}

/// What happened on a report's timeline ("assigned" → "Giao xử lý").
pub fn event_kind(tr: Tr, kind: &str) -> &'static str {
    lookup(tr, &format!("evk.{kind}")).unwrap_or_else(|| tr.t("evk.other"))
}

/// Who wrote a timeline entry: the reporter, the system, or a username.
pub fn actor(tr: Tr, actor: &str) -> String {
    match actor {
        "reporter" | "citizen" => tr.t("who.reporter").to_string(),
        "system" => tr.t("who.system").to_string(),
        name => name.to_string(),
    }
}

fn lookup(tr: Tr, key: &str) -> Option<&'static str> {
    let text = tr.t(key);
    (text != crate::i18n::MISSING).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const VI: Tr = Tr { lang: Lang::Vi };
    const EN: Tr = Tr { lang: Lang::En };

    #[test]
    fn audit_codes_read_as_words() {
        assert_eq!(audit_action(VI, "personal_data.view"), "Xem dữ liệu cá nhân");
        assert_eq!(audit_action(EN, "personal_data.view"), "Personal data viewed");
        assert_eq!(audit_action(VI, "contest.questions_add"), "Cuộc thi: thêm");
        assert_eq!(audit_action(EN, "initiative.stage"), "Initiative: stage changed");
        // Never the code, even for an action nobody has named yet.
        assert_eq!(audit_action(VI, "nothing_known.at_all"), "Thao tác khác");
        assert_eq!(audit_object(VI, "unit:42"), "Đơn vị 42");
        assert_eq!(audit_object(EN, "report:7"), "Report 7");
        assert_eq!(audit_object(VI, "mystery_kind:3"), "3");
    }

    #[test]
    fn report_events_read_as_words() {
        assert_eq!(event_kind(VI, "reporter_info"), "Người phản ánh bổ sung thông tin");
        assert_eq!(event_kind(EN, "assigned"), "Assigned");
        assert_eq!(event_kind(VI, "new_kind_of_event"), "Cập nhật");
        assert_eq!(actor(VI, "reporter"), "Người phản ánh");
        assert_eq!(actor(EN, "system"), "System");
        assert_eq!(actor(VI, "canbo_xa"), "canbo_xa");
    }
}
