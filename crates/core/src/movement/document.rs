//! The registry's documents: a unit's yearly plan (target 2.2) and a Party
//! committee's thematic resolution (target 2.1).

use crate::macros::string_enum;

string_enum!(
    /// A yearly plan (2.2) or a thematic resolution (2.1).
    DocumentKind {
        Plan = "plan" / "Kế hoạch",
        Resolution = "resolution" / "Nghị quyết chuyên đề",
    }
);
