//! Shapes of the Close board.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Done,
    Late,
    Blocked,
    AtRisk,
    OnTrack,
}

impl From<domain::close_plan::TaskState> for TaskState {
    fn from(s: domain::close_plan::TaskState) -> Self {
        use domain::close_plan::TaskState as S;
        match s {
            S::Done => TaskState::Done,
            S::Late => TaskState::Late,
            S::Blocked => TaskState::Blocked,
            S::AtRisk => TaskState::AtRisk,
            S::OnTrack => TaskState::OnTrack,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CloseTaskRow {
    pub id: String,
    pub name: String,
    pub category: String,
    pub owner: String,
    pub reviewer: String,
    /// not_started, in_progress, submitted, reviewed, sent_back
    pub status: String,
    /// "BD-3", "BD+1"
    pub day_label: String,
    pub due: String,
    pub duration_days: i32,
    pub depends_on: Vec<String>,
    pub blocked_by: Vec<String>,
    pub state: TaskState,
    pub projected_finish: String,
    pub slack_days: i64,
    pub critical: bool,
    pub signal: Option<String>,
    pub note: Option<String>,
    pub submitted_by: Option<String>,
    pub reviewed_by: Option<String>,
    /// The moves the signed-in user may make now (checked again in the backend when made).
    pub moves: Vec<String>,
    /// A move on its way to the ERP, or refused by it.
    pub pending: Option<PendingMove>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PendingMove {
    pub action_id: String,
    pub to: String,
    pub status: String,
    pub source_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BurndownPoint {
    pub date: String,
    pub planned_remaining: u32,
    pub actual_remaining: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CloseBoard {
    pub entities: Vec<String>,
    pub periods: Vec<String>,
    pub entity: String,
    pub period: String,
    pub today: String,
    pub tasks: Vec<CloseTaskRow>,
    pub critical_path: Vec<String>,
    pub planned_close: String,
    pub projected_close: String,
    pub days_late: i64,
    pub burndown: Vec<BurndownPoint>,
    /// Why the period could not be planned (a dependency cycle), if so; tasks still listed.
    pub plan_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MoveTaskRequest {
    pub task_id: String,
    pub to: String,
    pub note: Option<String>,
}
