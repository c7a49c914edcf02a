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
    /// Abolish a whole administrative level within the subtree (a province
    /// ending its districts, as in the 2025 reorganisation): the province's
    /// decision, never a commune's or an agency's.
    OrgReorganise,
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
                OrgReorganise,
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

// ---- accounts: who may create and change which account ----

/// Why a change to an account is refused. A key for the API and the
/// translation table, and the Vietnamese sentence shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRefusal {
    /// The role would be above the caller's own.
    RoleAboveOwn,
    /// Only a system administrator makes (or changes) system administrators.
    OnlySystemAdminMakesAdmins,
    /// Every account but a system administrator's works within a unit.
    ScopeRequired,
    /// The scope unit is not in the caller's subtree today.
    ScopeOutside,
    /// An account cannot disable itself (nobody would be left to enable it).
    DisableSelf,
    /// The username is empty, too long or has characters other than a-z, 0-9, `.`, `_`, `-`.
    BadUsername,
    /// The display name is empty or too long.
    BadDisplayName,
    /// The new password is shorter than [`MIN_PASSWORD_CHARS`] or longer than allowed.
    WeakPassword,
    /// The new password is the one it replaces.
    SamePassword,
    /// The password is a temporary one: the sign-in must change it.
    PasswordChangeRequired,
}

impl AccountRefusal {
    pub fn key(self) -> &'static str {
        match self {
            AccountRefusal::RoleAboveOwn => "role_above_own",
            AccountRefusal::OnlySystemAdminMakesAdmins => "only_system_admin_makes_admins",
            AccountRefusal::ScopeRequired => "scope_required",
            AccountRefusal::ScopeOutside => "scope_outside",
            AccountRefusal::DisableSelf => "disable_self",
            AccountRefusal::BadUsername => "bad_username",
            AccountRefusal::BadDisplayName => "bad_display_name",
            AccountRefusal::WeakPassword => "weak_password",
            AccountRefusal::SamePassword => "same_password",
            AccountRefusal::PasswordChangeRequired => "password_change_required",
        }
    }

    /// A refusal of a right is 403; one of a typed value 422.
    pub fn is_right(self) -> bool {
        matches!(
            self,
            AccountRefusal::RoleAboveOwn
                | AccountRefusal::OnlySystemAdminMakesAdmins
                | AccountRefusal::ScopeOutside
                | AccountRefusal::DisableSelf
                | AccountRefusal::PasswordChangeRequired
        )
    }

    pub fn message_vi(self) -> &'static str {
        match self {
            AccountRefusal::RoleAboveOwn => "Không được cấp vai trò cao hơn vai trò của chính bạn.",
            AccountRefusal::OnlySystemAdminMakesAdmins => {
                "Chỉ quản trị hệ thống mới được tạo hoặc thay đổi tài khoản quản trị hệ thống."
            }
            AccountRefusal::ScopeRequired => "Hãy chọn đơn vị mà tài khoản làm việc.",
            AccountRefusal::ScopeOutside => {
                "Đơn vị này không thuộc phạm vi quản lý của bạn tính đến hôm nay: hãy chọn một đơn vị trong phạm vi."
            }
            AccountRefusal::DisableSelf => "Bạn không thể tự khóa tài khoản của chính mình.",
            AccountRefusal::BadUsername => {
                "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu (a–z), chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
            }
            AccountRefusal::BadDisplayName => "Hãy nhập họ tên hiển thị (tối đa 200 ký tự).",
            AccountRefusal::WeakPassword => "Mật khẩu mới phải có từ 10 đến 128 ký tự.",
            AccountRefusal::SamePassword => "Mật khẩu mới phải khác mật khẩu cũ.",
            AccountRefusal::PasswordChangeRequired => {
                "Mật khẩu này là mật khẩu tạm thời: hãy đặt mật khẩu mới (gửi kèm new_password) để đăng nhập."
            }
        }
    }
}

/// The shortest password accepted when one is set or changed.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest (Argon2 hashes whatever it is given).
pub const MAX_PASSWORD_CHARS: usize = 128;

impl Role {
    /// How far up the roles stand: an account administrator grants roles
    /// at or below their own, never above.
    fn rank(self) -> u8 {
        match self {
            Role::SystemAdmin => 2,
            Role::Secretariat => 1,
            Role::CommuneOfficer | Role::UnitOfficer | Role::InitiativeLeader | Role::Analyst => 0,
        }
    }

    /// Whether an account administrator of this role may give `role` to an
    /// account (or change an account that has it).
    pub fn may_grant(self, role: Role) -> Result<(), AccountRefusal> {
        if !self.can(Capability::UserAdmin) || role.rank() > self.rank() {
            return Err(if role == Role::SystemAdmin {
                AccountRefusal::OnlySystemAdminMakesAdmins
            } else {
                AccountRefusal::RoleAboveOwn
            });
        }
        Ok(())
    }

    /// The roles this account administrator may grant, in the table's order.
    pub fn grantable(self) -> Vec<Role> {
        Role::ALL.iter().copied().filter(|r| self.may_grant(*r).is_ok()).collect()
    }
}

/// An account as it is to be: its role and the unit it works within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub scope: Option<crate::org::UnitId>,
}

/// Checks that `granter` may give `grant` to an account: the role at or
/// below the granter's, and the scope unit (required but for system
/// administrators) in the granter's subtree today, which the caller looked
/// up (`scope_within_today`, ignored when there is no unit).
pub fn check_grant(granter: Role, grant: Grant, scope_within_today: bool) -> Result<(), AccountRefusal> {
    granter.may_grant(grant.role)?;
    match grant.scope {
        None if grant.role != Role::SystemAdmin => Err(AccountRefusal::ScopeRequired),
        Some(_) if !scope_within_today => Err(AccountRefusal::ScopeOutside),
        _ => Ok(()),
    }
}

/// An account cannot disable itself.
pub fn check_disable(actor: i64, account: i64, disabled: bool) -> Result<(), AccountRefusal> {
    if disabled && actor == account { Err(AccountRefusal::DisableSelf) } else { Ok(()) }
}

/// A username as accounts are created with: trimmed, 3–64 of a-z, 0-9, `.`, `_`, `-`.
pub fn check_username(username: &str) -> Result<&str, AccountRefusal> {
    let u = username.trim();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    if (3..=64).contains(&u.len()) && u.chars().all(allowed) { Ok(u) } else { Err(AccountRefusal::BadUsername) }
}

/// A display name: trimmed, not empty, at most 200 characters.
pub fn check_display_name(name: &str) -> Result<&str, AccountRefusal> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 { Err(AccountRefusal::BadDisplayName) } else { Ok(n) }
}

/// A new password: long enough, not too long, not the one it replaces.
pub fn check_new_password(new: &str, old: Option<&str>) -> Result<(), AccountRefusal> {
    let chars = new.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(AccountRefusal::WeakPassword);
    }
    if old == Some(new) {
        return Err(AccountRefusal::SamePassword);
    }
    Ok(())
}

/// A temporary password from 16 random bytes: 4 groups of 4 letters and
/// digits, without the ones read alike (0/O, 1/l/I), to be read out or
/// copied from a printed sheet.
pub fn temporary_password(random: [u8; 16]) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let chars: Vec<char> = random.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
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
        assert!(Role::Secretariat.can(Capability::OrgReorganise));
        for role in [Role::CommuneOfficer, Role::UnitOfficer, Role::InitiativeLeader, Role::Analyst] {
            assert!(!role.can(Capability::OrgReorganise), "{role:?} abolishes no level");
        }
    }

    #[test]
    fn account_administrators_grant_at_or_below_their_role() {
        use crate::org::UnitId;
        let unit = Some(UnitId(7));
        let commune = Grant { role: Role::CommuneOfficer, scope: unit };
        assert_eq!(check_grant(Role::Secretariat, commune, true), Ok(()));
        assert_eq!(check_grant(Role::Secretariat, commune, false), Err(AccountRefusal::ScopeOutside));
        assert_eq!(
            check_grant(Role::Secretariat, Grant { role: Role::CommuneOfficer, scope: None }, true),
            Err(AccountRefusal::ScopeRequired)
        );
        assert_eq!(
            check_grant(Role::Secretariat, Grant { role: Role::SystemAdmin, scope: None }, true),
            Err(AccountRefusal::OnlySystemAdminMakesAdmins)
        );
        assert_eq!(check_grant(Role::SystemAdmin, Grant { role: Role::SystemAdmin, scope: None }, false), Ok(()));
        assert_eq!(check_grant(Role::Secretariat, Grant { role: Role::Secretariat, scope: unit }, true), Ok(()));
        assert_eq!(check_grant(Role::CommuneOfficer, commune, true), Err(AccountRefusal::RoleAboveOwn));
        assert!(!Role::Secretariat.grantable().contains(&Role::SystemAdmin));
        assert_eq!(Role::SystemAdmin.grantable().len(), Role::ALL.len());
        assert!(Role::Analyst.grantable().is_empty());
    }

    #[test]
    fn account_fields_are_checked() {
        assert_eq!(check_disable(3, 3, true), Err(AccountRefusal::DisableSelf));
        assert_eq!(check_disable(3, 3, false), Ok(()));
        assert_eq!(check_disable(3, 4, true), Ok(()));
        assert_eq!(check_username(" xa.07210 "), Ok("xa.07210"));
        for bad in ["", "ab", "Xa", "xã", "a b", &"a".repeat(65)] {
            assert_eq!(check_username(bad), Err(AccountRefusal::BadUsername), "{bad:?}");
        }
        assert_eq!(check_display_name("  "), Err(AccountRefusal::BadDisplayName));
        assert_eq!(check_new_password("ngắn", None), Err(AccountRefusal::WeakPassword));
        assert_eq!(check_new_password("mat-khau-dai-du", Some("mat-khau-dai-du")), Err(AccountRefusal::SamePassword));
        assert_eq!(check_new_password("mat-khau-dai-du", Some("khac")), Ok(()));
        let p = temporary_password([255; 16]);
        assert_eq!(p.len(), 19);
        assert!(check_new_password(&p, None).is_ok());
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
