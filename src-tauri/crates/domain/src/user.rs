use serde::{Deserialize, Serialize};

/// A person from a source system's user directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Approver,
    ApClerk,
    Controller,
    TreasuryAnalyst,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Approver => "approver",
            Role::ApClerk => "ap_clerk",
            Role::Controller => "controller",
            Role::TreasuryAnalyst => "treasury_analyst",
        }
    }
}
