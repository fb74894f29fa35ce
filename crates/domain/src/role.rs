//! User roles and what each may do (SPEC.md §3).

use serde::{Deserialize, Serialize};

/// A user's role inside an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Platform staff: admin-level everywhere in the account, for debugging.
    Developer,
    /// Full control of the account: team, billing, plans, sites.
    Owner,
    /// Same powers as the owner.
    Admin,
    /// Writes planner, writer, automation and integration data; no team or billing.
    Editor,
    /// Reads only.
    Viewer,
    /// Server-side automation; account-scoped, writes content.
    SystemBot,
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Developer, Role::Owner, Role::Admin, Role::Editor, Role::Viewer, Role::SystemBot];

    /// Roles an owner or admin may hand out to team members.
    pub const ASSIGNABLE: [Role; 4] = [Role::Owner, Role::Admin, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Developer => "developer",
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
            Role::SystemBot => "system_bot",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Manages team, billing and sites, and sees every site of the account.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Developer | Role::Owner | Role::Admin)
    }

    /// Creates and changes content, planner, automation and integration data.
    pub fn can_write(self) -> bool {
        self.is_admin() || matches!(self, Role::Editor | Role::SystemBot)
    }

    /// Every role reads.
    pub fn can_read(self) -> bool {
        true
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities() {
        assert!(Role::Owner.is_admin() && Role::Admin.is_admin() && Role::Developer.is_admin());
        assert!(!Role::Editor.is_admin() && Role::Editor.can_write());
        assert!(!Role::Viewer.can_write() && Role::Viewer.can_read());
        assert!(Role::SystemBot.can_write() && !Role::SystemBot.is_admin());
    }

    #[test]
    fn round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
