use std::fmt;

use serde::Serialize;

use crate::accounts::error::AccountError;

/// What a person may do, each role including the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A reader with an account: follows journeys, keeps a journal, joins
    /// discussions.
    Member,
    /// Also hides and restores what members post.
    Moderator,
    /// Also writes and publishes journeys.
    Editor,
    /// Also changes settings, roles and subscribers, and sends mail.
    Owner,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Self; 4] = [Self::Member, Self::Moderator, Self::Editor, Self::Owner];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Moderator => "moderator",
            Self::Editor => "editor",
            Self::Owner => "owner",
        }
    }

    /// The role with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == s)
    }

    /// The role a person typed (any case, spaces around), or an error naming
    /// the roles there are.
    pub fn from_input(s: &str) -> Result<Self, AccountError> {
        Self::parse(&s.trim().to_ascii_lowercase())
            .ok_or_else(|| AccountError::UnknownRole(s.to_owned()))
    }

    /// Whether this role includes what `other` may do.
    pub fn at_least(self, other: Self) -> bool {
        self >= other
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Owner"), None);
        assert_eq!(Role::from_input(" Owner ").ok(), Some(Role::Owner));
        assert!(Role::from_input("admin").is_err());
        assert!(Role::Owner.at_least(Role::Editor));
        assert!(!Role::Member.at_least(Role::Moderator));
    }
}
