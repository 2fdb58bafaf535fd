//! The close board of one entity's period: its tasks, their plan on the entity's holiday calendar
//! (state, critical path, projected close) and the burndown. The shell adds what the signed-in
//! person may do with each task.

use chrono::{DateTime, NaiveDate, Utc};
use domain::close_plan::{self, BurndownPoint, ClosePlan};
use domain::erp::CloseTask;
use domain::BusinessCalendar;

use crate::SyncError;

pub struct Board {
    pub entities: Vec<String>,
    /// Newest first.
    pub periods: Vec<String>,
    pub entity: String,
    pub period: String,
    pub today: NaiveDate,
    pub calendar: BusinessCalendar,
    /// In due order, with the connection each came from.
    pub tasks: Vec<(String, CloseTask)>,
    /// The plan of `tasks` (same order), or why it cannot be planned (a dependency cycle).
    pub plan: Result<ClosePlan, String>,
    pub burndown: Vec<BurndownPoint>,
}

/// The board of `entity`'s `period`; without them, the first entity and the period being closed
/// (the latest with a task not reviewed).
pub async fn board(
    store: &store::Store,
    entity: Option<&str>,
    period: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Board, SyncError> {
    let entities = store::close_tasks::entities(store).await?;
    let entity = entity
        .filter(|e| entities.iter().any(|x| x == e))
        .map(str::to_string)
        .or_else(|| entities.first().cloned())
        .unwrap_or_default();
    let mine = store::close_tasks::periods(store, &entity).await?;
    let periods: Vec<String> = mine.iter().rev().take(24).map(|(p, _)| p.clone()).collect();
    let open = mine.iter().rev().find(|(_, done)| !done).map(|(p, _)| p.clone());
    let period = period
        .filter(|p| periods.iter().any(|x| x == p))
        .map(str::to_string)
        .or(open)
        .or_else(|| periods.first().cloned())
        .unwrap_or_default();
    let legal = store::entities::list(store).await?;
    let found = legal.into_iter().find(|e| e.code == entity);
    let today = found.as_ref().map(|e| e.today(now)).unwrap_or_else(|| now.date_naive());
    let calendar = found.map(|e| e.calendar).unwrap_or_default();
    let mut tasks = store::close_tasks::of_period(store, &entity, &period).await?;
    tasks.sort_by(|a, b| (a.1.day_offset, &a.1.id).cmp(&(b.1.day_offset, &b.1.id)));
    let only: Vec<CloseTask> = tasks.iter().map(|(_, t)| t.clone()).collect();
    let plan = close_plan::plan(&only, &calendar, today).map_err(|e| e.to_string());
    let burndown = close_plan::burndown(&only, &calendar, today);
    Ok(Board {
        entities,
        periods,
        entity,
        period,
        today,
        calendar,
        tasks,
        plan,
        burndown,
    })
}
