//! Roles and the capabilities they grant. Every role is scoped to a subtree
//! of the organisation tree; the web layer hands handlers scoped capabilities
//! from this table and nowhere else.

use serde::{Deserialize, Serialize};

use crate::macros::string_enum;

string_enum!(
    Role {
        SystemAdmin = "system_admin" / "Quản trị hệ thống",
        Secretariat = "secretariat" / "Thường trực (Công an tỉnh)",
        CommuneOfficer = "commune_officer" / "Cán bộ xã/phường",
        UnitOfficer = "unit_officer" / "Cán bộ cơ quan, doanh nghiệp, trường học",
        InitiativeLeader = "initiative_leader" / "Người đứng đầu mô hình",
        Analyst = "analyst" / "Cán bộ phân tích",
    }
);

/// What a session may do, always within its subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Capability {
    /// Read the organisation tree and unit pages.
    OrgRead,
    /// Change units: attributes, renames, merges, imports.
    OrgWrite,
    /// Create and change accounts within the subtree.
    UserAdmin,
    /// Read and verify the audit log.
    AuditRead,
    /// Read the movement's registry and the targets dashboards.
    MovementRead,
    /// Register initiatives, people, plans, activities and reports.
    MovementWrite,
    /// Read citizens' reports handled within the subtree, and their correlations.
    ReportRead,
    /// Triage, assign, answer and close citizens' reports.
    ReportHandle,
    /// Verify, reject and withdraw scam indicators, decide disputes. The
    /// list is the province's, so communes do not change it.
    IndicatorManage,
    /// Read the programme's administration within the subtree: evaluations
    /// and their ranking, awards, duties and periodic reports.
    ProgrammeRead,
    /// Score the units of the subtree, approve the evaluations of the units
    /// below, nominate for awards, send periodic reports.
    Evaluate,
    /// The secretariat's part: the budget, the criteria sets, award
    /// decisions, the Part 3 duties and the review reports.
    ProgrammeManage,
    /// Run outreach for the province: campaigns and their content, public
    /// warnings, online contests and their question banks, surveys.
    OutreachManage,
}

impl Role {
    pub fn capabilities(self) -> &'static [Capability] {
        use Capability::*;
        match self {
            Role::SystemAdmin | Role::Secretariat => &[
                OrgRead,
                OrgWrite,
                UserAdmin,
                AuditRead,
                MovementRead,
                MovementWrite,
                ReportRead,
                ReportHandle,
                IndicatorManage,
                ProgrammeRead,
                Evaluate,
                ProgrammeManage,
                OutreachManage,
            ],
            Role::CommuneOfficer => {
                &[OrgRead, OrgWrite, MovementRead, MovementWrite, ReportRead, ReportHandle, ProgrammeRead, Evaluate]
            }
            // Agencies, enterprises, schools and initiatives do not handle
            // citizens' reports: the police and the communes do.
            Role::UnitOfficer => &[OrgRead, OrgWrite, MovementRead, MovementWrite, ProgrammeRead, Evaluate],
            Role::InitiativeLeader => &[OrgRead, MovementRead, MovementWrite],
            Role::Analyst => &[OrgRead, AuditRead, MovementRead, ReportRead, IndicatorManage, ProgrammeRead],
        }
    }

    pub fn can(self, cap: Capability) -> bool {
        self.capabilities().contains(&cap)
    }

    /// Staff roles that see the whole scope's people data must use a second factor.
    pub fn requires_second_factor(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::Secretariat | Role::Analyst)
    }
}

/// Login back-off: after the free attempts, each failure doubles the wait,
/// capped at one hour. Returns the lockout in seconds after `failures` failures.
pub fn lockout_seconds(failures: u32) -> i64 {
    const FREE_ATTEMPTS: u32 = 5;
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    let exp = (failures - FREE_ATTEMPTS).min(12);
    (30_i64 << exp).min(3600)
}

/// A session unused for this long ends, whatever its absolute lifetime
/// (the configuration's `session_hours`) still allows.
pub const SESSION_IDLE_MINUTES: i64 = 30;

/// The longest redirect target followed; a longer one goes home.
const MAX_TARGET_BYTES: usize = 2048;

/// `target` if it is a path on this site that a browser also resolves to
/// this site: the only place a login or a language switch sends a browser
/// back to. Browsers drop tabs and newlines from a `Location` and read `\`
/// as `/`, so `/\t/evil.example` becomes `//evil.example`, another host:
/// such targets are refused, not cleaned, and what is left is resolved with
/// the WHATWG rules the browsers follow.
pub fn local_target(target: &str) -> Option<&str> {
    if target.len() > MAX_TARGET_BYTES || !target.starts_with('/') || target.starts_with("//") {
        return None;
    }
    if target.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) {
        return None;
    }
    let base = url::Url::parse("http://x.invalid/").ok()?;
    let resolved = base.join(target).ok()?;
    (resolved.origin() == base.origin()).then_some(target)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn back_off_grows_and_caps() {
        assert_eq!(lockout_seconds(4), 0);
        assert_eq!(lockout_seconds(5), 30);
        assert_eq!(lockout_seconds(6), 60);
        assert_eq!(lockout_seconds(40), 3600);
    }

    #[test]
    fn only_writers_write() {
        assert!(!Role::Analyst.can(Capability::OrgWrite));
        assert!(!Role::CommuneOfficer.can(Capability::UserAdmin));
        assert!(Role::Secretariat.can(Capability::UserAdmin));
    }

    #[test]
    fn redirects_stay_on_this_site() {
        for ok in ["/", "/org?x=1#a", "/org/units/5", "/%09/evil.example", "/ạ", "/.//evil.example"] {
            assert_eq!(local_target(ok), Some(ok), "{ok:?}");
        }
        for bad in [
            "",
            "org",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "/ /evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(local_target(bad), None, "{bad:?}");
        }
        assert_eq!(local_target(&format!("/{}", "a".repeat(MAX_TARGET_BYTES))), None);
    }

    proptest::proptest! {
        /// Whatever is accepted resolves, under the WHATWG rules browsers
        /// follow, to the page's own origin, from any page of any site.
        #[test]
        fn an_accepted_target_keeps_the_origin(
            target in proptest::prop_oneof![
                proptest::prelude::any::<String>(),
                "[/\\\\.%09aAzZ:@?#\t\n\r \u{0}-\u{1f}\u{7f}\u{85}\u{a0}\u{3000}]{0,12}",
                "/[/\\\\\t\n\r .%a-z:@]{0,12}",
            ],
            base in proptest::prop_oneof![
                proptest::prelude::Just("https://khienmang.example/"),
                proptest::prelude::Just("http://127.0.0.1:8080/org/units/5?x=1#a"),
                proptest::prelude::Just("https://a.example:8443/a/b/c/"),
            ],
        ) {
            if let Some(accepted) = local_target(&target) {
                let base = url::Url::parse(base).unwrap();
                let resolved = base.join(accepted).unwrap();
                proptest::prop_assert_eq!(resolved.origin(), base.origin(), "{:?}", accepted);
                proptest::prop_assert!(accepted.starts_with('/') && !accepted.starts_with("//"));
                proptest::prop_assert!(!accepted.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()));
            }
        }
    }
}
