//! The close as a plan: due dates on the entity's calendar, the critical path through the task
//! dependencies, the projected close date and the burndown. Pure, so the store, the UI commands
//! and the CLI all plan a period the same way.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::calendar::BusinessCalendar;
use crate::erp::CloseTask;

/// The first day of a `YYYY-MM` period; `None` for anything else.
pub fn period_start(period: &str) -> Option<NaiveDate> {
    let (y, m) = period.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// The date `offset` business days from the end of `period` on `cal`: BD+1 is the first
/// business day after the period, BD-1 its last business day, BD-3 two business days before that.
pub fn period_day(cal: &BusinessCalendar, period: NaiveDate, offset: i32) -> NaiveDate {
    let end = next_month(period) - Duration::days(1);
    if offset > 0 {
        return cal.add_business_days(end, i64::from(offset));
    }
    let last = if cal.is_business_day(end) {
        end
    } else {
        cal.add_business_days(end, -1)
    };
    cal.add_business_days(last, i64::from(offset + 1))
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Reviewed.
    Done,
    /// Past its due date, or projected to finish after it.
    Late,
    /// Should have started by now but waits on a dependency that is not reviewed.
    Blocked,
    /// On the critical path with two business days or less between projected finish and due date.
    AtRisk,
    OnTrack,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskPlan {
    pub id: String,
    pub due: NaiveDate,
    pub state: TaskState,
    /// Dependencies not yet reviewed (empty for a done task).
    pub blocked_by: Vec<String>,
    pub projected_finish: NaiveDate,
    /// Business days the task can slip without moving the projected close (0 once done).
    pub slack_days: i64,
    /// Not done and without slack: any slip moves the projected close.
    pub critical: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosePlan {
    /// In input order.
    pub tasks: Vec<TaskPlan>,
    /// Ids from first to last; empty when every task is done.
    pub critical_path: Vec<String>,
    /// The latest due date (today when there are no tasks).
    pub planned_close: NaiveDate,
    /// The latest projected finish (today when there are no tasks).
    pub projected_close: NaiveDate,
    /// Business days the projected close falls after the planned close; 0 when not after.
    pub days_late: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("close tasks depend on each other in a cycle: {}", .0.join(" → "))]
    Cycle(Vec<String>),
    #[error("task {task} depends on {missing}, which is not in the period")]
    MissingDependency { task: String, missing: String },
    /// Without a period there is no due date to plan against.
    #[error("task {task} has period {period:?}, which is not YYYY-MM")]
    BadPeriod { task: String, period: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BurndownPoint {
    pub date: NaiveDate,
    pub planned_remaining: u32,
    /// `None` for days after today.
    pub actual_remaining: Option<u32>,
}

/// A year of business days: a longer task is a data error, and the cap bounds the date arithmetic.
const MAX_DURATION: i32 = 260;

fn duration(t: &CloseTask) -> i64 {
    i64::from(t.duration_days.clamp(1, MAX_DURATION))
}

fn is_done(t: &CloseTask) -> bool {
    t.status == "reviewed"
}

/// Adjacency lists in one flat vector (no allocation per task): `t`'s are `list[start[t]..start[t + 1]]`.
struct Adjacency {
    start: Vec<usize>,
    list: Vec<usize>,
}

impl Adjacency {
    fn len(&self) -> usize {
        self.start.len() - 1
    }

    fn of(&self, t: usize) -> &[usize] {
        &self.list[self.start[t]..self.start[t + 1]]
    }
}

/// Each task's dependencies as positions, and the first (task, dependency) whose dependency is
/// not among `tasks` (left out of the edges). The first of duplicated ids wins.
fn edges(tasks: &[CloseTask]) -> (Adjacency, Option<(&str, &str)>) {
    let mut index = HashMap::with_capacity(tasks.len());
    for (i, t) in tasks.iter().enumerate() {
        index.entry(t.id.as_str()).or_insert(i);
    }
    let mut start = Vec::with_capacity(tasks.len() + 1);
    start.push(0);
    let mut list = Vec::with_capacity(tasks.len());
    let mut missing = None;
    for t in tasks {
        for d in &t.depends_on {
            match index.get(d.as_str()) {
                Some(&i) => list.push(i),
                None => {
                    missing.get_or_insert((t.id.as_str(), d.as_str()));
                }
            }
        }
        start.push(list.len());
    }
    (Adjacency { start, list }, missing)
}

/// A cycle of `deps` as positions, first repeated at the end. Iterative DFS, so a chain of
/// thousands of tasks cannot overflow the stack.
fn cycle_in(deps: &Adjacency) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Closed,
    }
    let mut mark = vec![Mark::New; deps.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new(); // (task, next dependency to look at)
    for root in 0..deps.len() {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::Open;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (node, pos) = *top;
            let Some(&next) = deps.of(node).get(pos) else {
                mark[node] = Mark::Closed;
                stack.pop();
                continue;
            };
            top.1 += 1;
            match mark[next] {
                Mark::New => {
                    mark[next] = Mark::Open;
                    stack.push((next, 0));
                }
                Mark::Open => {
                    // `next` is on the stack: the stack from it to here, then back to it.
                    let from = stack.iter().position(|(n, _)| *n == next)?;
                    let mut cycle: Vec<usize> = stack[from..].iter().map(|(n, _)| *n).collect();
                    // Start at the member earliest in the input, whichever task the search began at.
                    let first = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
                    cycle.rotate_left(first);
                    cycle.push(cycle[0]);
                    return Some(cycle);
                }
                Mark::Closed => {}
            }
        }
    }
    None
}

/// A dependency cycle among `tasks` as ids, each depending on the next, the first repeated at
/// the end (`A → B → C → A`); `None` when there is none. Dependencies outside `tasks` are ignored.
pub fn find_cycle(tasks: &[CloseTask]) -> Option<Vec<String>> {
    cycle_in(&edges(tasks).0).map(|c| c.into_iter().map(|i| tasks[i].id.clone()).collect())
}

/// Kahn's algorithm: dependencies before dependants, ties in input order; `None` on a cycle.
fn topological(deps: &Adjacency) -> Option<Vec<usize>> {
    let mut waiting: Vec<usize> = (0..deps.len()).map(|t| deps.of(t).len()).collect();
    // Few tasks have dependants, so one list each costs little.
    let mut dependants = vec![Vec::new(); deps.len()];
    for t in 0..deps.len() {
        for &d in deps.of(t) {
            dependants[d].push(t);
        }
    }
    let mut order: Vec<usize> = (0..deps.len()).filter(|&t| waiting[t] == 0).collect();
    let mut next = 0;
    while let Some(&t) = order.get(next) {
        next += 1;
        for &s in &dependants[t] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                order.push(s);
            }
        }
    }
    (order.len() == deps.len()).then_some(order)
}

/// Business days as the calendar's ordinals, so the passes are integer arithmetic and each
/// date is converted once.
struct Days<'a> {
    cal: &'a BusinessCalendar,
    ordinals: HashMap<NaiveDate, i64>,
    first: i64,
    /// `dates[k]` is the business day with ordinal `first + k`.
    dates: Vec<NaiveDate>,
}

impl<'a> Days<'a> {
    /// `from` must be a business day.
    fn new(cal: &'a BusinessCalendar, from: NaiveDate) -> Self {
        Days {
            cal,
            ordinals: HashMap::new(),
            first: cal.ordinal(from),
            dates: vec![from],
        }
    }

    /// For a non-business day, the ordinal of the business day before it.
    fn ordinal(&mut self, d: NaiveDate) -> i64 {
        let cal = self.cal;
        *self.ordinals.entry(d).or_insert_with(|| cal.ordinal(d))
    }

    /// `ordinal` must not be before `first`.
    fn date(&mut self, ordinal: i64) -> NaiveDate {
        let k = usize::try_from(ordinal - self.first).unwrap_or(0);
        while self.dates.len() <= k {
            let last = self.dates[self.dates.len() - 1];
            self.dates.push(self.cal.add_business_days(last, 1));
        }
        self.dates[k]
    }
}

/// Each task's due date, computed once per (period, offset) since a period's tasks share a few.
fn due_dates(tasks: &[CloseTask], cal: &BusinessCalendar) -> Vec<Result<NaiveDate, PlanError>> {
    let mut cache: HashMap<(&str, i32), Option<NaiveDate>> = HashMap::new();
    tasks
        .iter()
        .map(|t| {
            let due = *cache
                .entry((t.period.as_str(), t.day_offset))
                .or_insert_with(|| period_start(&t.period).map(|p| period_day(cal, p, t.day_offset)));
            due.ok_or_else(|| PlanError::BadPeriod {
                task: t.id.clone(),
                period: t.period.clone(),
            })
        })
        .collect()
}

/// Plans one entity's close for one period as of `today`.
///
/// Remaining work is 0 for a reviewed task, one business day (the review) for a submitted one
/// and the full duration (1 to 260 days) otherwise. A forward pass in dependency order starts
/// each open task on the first business day from today after its open dependencies finish; a
/// backward pass from the projected close gives each task its slack. Reviewed tasks finish on
/// their review date (today at the latest) and hold nothing up. O(tasks + dependencies).
pub fn plan(tasks: &[CloseTask], cal: &BusinessCalendar, today: NaiveDate) -> Result<ClosePlan, PlanError> {
    let (deps, missing) = edges(tasks);
    if let Some((task, missing)) = missing {
        return Err(PlanError::MissingDependency {
            task: task.into(),
            missing: missing.into(),
        });
    }
    let Some(order) = topological(&deps) else {
        let cycle = cycle_in(&deps).unwrap_or_default();
        return Err(PlanError::Cycle(
            cycle.into_iter().map(|i| tasks[i].id.clone()).collect(),
        ));
    };
    let due = due_dates(tasks, cal).into_iter().collect::<Result<Vec<_>, _>>()?;

    let n = tasks.len();
    let done: Vec<bool> = tasks.iter().map(is_done).collect();
    let remaining: Vec<i64> = tasks
        .iter()
        .map(|t| match t.status.as_str() {
            "reviewed" => 0,
            "submitted" => 1,
            _ => duration(t),
        })
        .collect();
    let mut days = Days::new(cal, cal.add_business_days(today, 0));
    let first_day = days.first;
    let today_ord = days.ordinal(today);

    // Forward pass: earliest finish, and the dependency that set each start.
    let mut finish = vec![0i64; n];
    let mut finish_date = vec![today; n];
    let mut driver: Vec<Option<usize>> = vec![None; n];
    for &t in &order {
        if done[t] {
            let d = tasks[t].reviewed_at.map_or(today, |r| r.date_naive().min(today));
            finish_date[t] = d;
            finish[t] = days.ordinal(d);
            continue;
        }
        let mut start = first_day;
        for &d in deps.of(t) {
            if !done[d] && finish[d] + 1 > start {
                start = finish[d] + 1;
                driver[t] = Some(d);
            }
        }
        finish[t] = start + remaining[t] - 1;
        finish_date[t] = days.date(finish[t]);
    }

    // The open task finishing last ends the critical path; the first in input order on a tie.
    let last = (0..n)
        .filter(|&t| !done[t])
        .fold(None, |best: Option<usize>, t| match best {
            Some(b) if finish[b] >= finish[t] => Some(b),
            _ => Some(t),
        });
    let close = last.map_or(0, |t| finish[t]);

    // Backward pass: the latest each open task may finish without moving the close.
    let mut latest = vec![close; n];
    for &t in order.iter().rev() {
        if done[t] {
            continue;
        }
        let latest_start = latest[t] - remaining[t] + 1;
        for &d in deps.of(t) {
            latest[d] = latest[d].min(latest_start - 1);
        }
    }

    let mut critical_path = Vec::new();
    let mut at = last;
    while let Some(t) = at {
        critical_path.push(tasks[t].id.clone());
        at = driver[t];
    }
    critical_path.reverse();

    let mut plans = Vec::with_capacity(n);
    for (t, task) in tasks.iter().enumerate() {
        let slack = if done[t] { 0 } else { latest[t] - finish[t] };
        let critical = !done[t] && slack == 0;
        let blocked_by: Vec<String> = if done[t] {
            Vec::new()
        } else {
            deps.of(t)
                .iter()
                .filter(|&&d| !done[d])
                .map(|&d| tasks[d].id.clone())
                .collect()
        };
        let due_ord = days.ordinal(due[t]);
        let should_start = due_ord - (duration(task) - 1);
        // Overdue outranks blocked; blocked outranks projected-late, since a task that waits on
        // a dependency past its start is always projected late and the blocker is what to chase.
        let state = if done[t] {
            TaskState::Done
        } else if due[t] < today {
            TaskState::Late
        } else if !blocked_by.is_empty() && today_ord >= should_start {
            TaskState::Blocked
        } else if finish[t] > due_ord {
            TaskState::Late
        } else if critical && due_ord - finish[t] <= 2 {
            TaskState::AtRisk
        } else {
            TaskState::OnTrack
        };
        plans.push(TaskPlan {
            id: task.id.clone(),
            due: due[t],
            state,
            blocked_by,
            projected_finish: finish_date[t],
            slack_days: slack,
            critical,
        });
    }

    let planned_close = due.iter().max().copied().unwrap_or(today);
    let projected_close = finish_date.iter().max().copied().unwrap_or(today);
    Ok(ClosePlan {
        tasks: plans,
        critical_path,
        planned_close,
        projected_close,
        days_late: cal.business_days_between(planned_close, projected_close),
    })
}

/// Tasks left per business day, planned (by due date) against actual (by review date), from
/// the business day before the first due date to the last due date, or on to today while the
/// close is still open or was finished after its last due date. Tasks without a valid period
/// are left out.
pub fn burndown(tasks: &[CloseTask], cal: &BusinessCalendar, today: NaiveDate) -> Vec<BurndownPoint> {
    let mut dues = Vec::with_capacity(tasks.len());
    let mut reviewed = Vec::new();
    let mut open = false;
    for (t, due) in tasks.iter().zip(due_dates(tasks, cal)) {
        let Ok(due) = due else { continue };
        dues.push(due);
        if is_done(t) {
            // Reviewed without a timestamp: done all along, as far as anyone can tell.
            reviewed.push(t.reviewed_at.map_or(NaiveDate::MIN, |r| r.date_naive()));
        } else {
            open = true;
        }
    }
    dues.sort_unstable();
    reviewed.sort_unstable();
    let (Some(&first_due), Some(&last_due)) = (dues.first(), dues.last()) else {
        return Vec::new();
    };
    let finished = if open {
        today
    } else {
        reviewed.last().copied().unwrap_or(last_due)
    };
    let end = last_due.max(finished.min(today));
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);

    let mut points = Vec::new();
    let mut date = cal.add_business_days(first_due, -1);
    while date <= end {
        let planned = dues.len() - dues.partition_point(|d| *d <= date);
        let actual = dues.len() - reviewed.partition_point(|d| *d <= date);
        points.push(BurndownPoint {
            date,
            planned_remaining: count(planned),
            actual_remaining: (date <= today).then(|| count(actual)),
        });
        date = cal.add_business_days(date, 1);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc, Weekday};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Sat/Sun weekend with Thursday 3 Dec 2026 a holiday. 30 Nov 2026 is a Monday, so period
    /// 2026-11 has BD-2 27 Nov, BD-1 30 Nov, BD+1 1 Dec, BD+2 2 Dec, BD+3 4 Dec, BD+4 7 Dec.
    fn cal() -> BusinessCalendar {
        BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], [d("2026-12-03")])
    }

    fn task(id: &str, offset: i32, duration: i32, deps: &[&str], status: &str) -> CloseTask {
        let epoch: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
        CloseTask {
            id: id.into(),
            company_code: "DE01".into(),
            period: "2026-11".into(),
            name: id.into(),
            category: "test".into(),
            owner: "U007".into(),
            reviewer: "U001".into(),
            day_offset: offset,
            duration_days: duration,
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            status: status.into(),
            signal: None,
            submitted_by: None,
            submitted_at: None,
            reviewed_by: None,
            reviewed_at: None,
            note: None,
            version: 1,
            modified_at: epoch,
        }
    }

    fn reviewed_at(mut t: CloseTask, at: &str) -> CloseTask {
        t.status = "reviewed".into();
        t.reviewed_at = Some(at.parse().unwrap());
        t
    }

    fn by_id<'a>(p: &'a ClosePlan, id: &str) -> &'a TaskPlan {
        p.tasks.iter().find(|t| t.id == id).unwrap()
    }

    #[test]
    fn period_days_count_business_days_from_the_period_end() {
        let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let cal = BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], []);
        // 30 Nov 2026 is a Monday.
        assert_eq!(period_day(&cal, nov, -1).to_string(), "2026-11-30");
        assert_eq!(period_day(&cal, nov, -3).to_string(), "2026-11-26");
        assert_eq!(period_day(&cal, nov, 1).to_string(), "2026-12-01");
        assert_eq!(period_day(&cal, nov, 6).to_string(), "2026-12-08");
        // DE01's year end: 24–26 and 31 Dec are holidays, 26–27 Dec a weekend.
        let de = BusinessCalendar::new(
            vec![Weekday::Sat, Weekday::Sun],
            ["2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31", "2027-01-01"].map(|d| d.parse().unwrap()),
        );
        let dec = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(period_day(&de, dec, -1).to_string(), "2026-12-30");
        assert_eq!(period_day(&de, dec, -2).to_string(), "2026-12-29");
        assert_eq!(period_day(&de, dec, -3).to_string(), "2026-12-28");
        assert_eq!(period_day(&de, dec, 1).to_string(), "2027-01-04");
    }

    #[test]
    fn periods_parse_only_as_year_and_month() {
        assert_eq!(period_start("2026-12"), Some(d("2026-12-01")));
        for bad in ["2026-13", "2026-1", "2026-11-01", "26-11", "Nov 2026", ""] {
            assert_eq!(period_start(bad), None, "{bad}");
        }
    }

    #[test]
    fn cycles_and_missing_dependencies_are_refused() {
        type Graph<'a> = &'a [(&'a str, &'a [&'a str])];
        let cases: &[(Graph, Option<&[&str]>)] = &[
            (
                &[("A", &["B"]), ("B", &["C"]), ("C", &["A"])],
                Some(&["A", "B", "C", "A"]),
            ),
            // Reported from the earliest task of the cycle, whichever task the search began at.
            (
                &[("X", &["C"]), ("A", &["B"]), ("B", &["C"]), ("C", &["A"])],
                Some(&["A", "B", "C", "A"]),
            ),
            (&[("A", &["A"])], Some(&["A", "A"])),
            (&[("A", &[]), ("B", &["A"]), ("C", &["A", "B"])], None),
        ];
        for (graph, cycle) in cases {
            let tasks: Vec<CloseTask> = graph
                .iter()
                .map(|(id, deps)| task(id, 1, 1, deps, "not_started"))
                .collect();
            let expected = cycle.map(|c| c.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(find_cycle(&tasks), expected);
            match (plan(&tasks, &cal(), d("2026-11-30")), expected) {
                (Err(e), Some(c)) => {
                    assert_eq!(e, PlanError::Cycle(c.clone()));
                    assert!(e.to_string().ends_with(&c.join(" → ")), "{e}");
                }
                (Ok(_), None) => {}
                (other, _) => panic!("{graph:?}: {other:?}"),
            }
        }
        let tasks = [
            task("A", 1, 1, &[], "not_started"),
            task("B", 1, 1, &["A", "GONE"], "not_started"),
        ];
        let err = plan(&tasks, &cal(), d("2026-11-30")).unwrap_err();
        assert_eq!(err.to_string(), "task B depends on GONE, which is not in the period");
        let mut bad = task("A", 1, 1, &[], "not_started");
        bad.period = "Nov 2026".into();
        assert!(matches!(
            plan(&[bad], &cal(), d("2026-11-30")),
            Err(PlanError::BadPeriod { .. })
        ));
    }

    /// A → B (3 days) → D and A → C (1 day) → D; D lists the short branch first.
    fn diamond(b_status: &str, c_duration: i32) -> Vec<CloseTask> {
        vec![
            task("A", -1, 1, &[], "not_started"),
            task("B", 4, 3, &["A"], b_status),
            task("C", 2, c_duration, &["A"], "in_progress"),
            task("D", 5, 1, &["C", "B"], "not_started"),
        ]
    }

    #[test]
    fn the_critical_path_takes_the_longer_branch() {
        // Monday 30 Nov: A that day; B 1, 2 and (over the holiday) 4 Dec; C 1 Dec; D 7 Dec.
        let p = plan(&diamond("in_progress", 1), &cal(), d("2026-11-30")).unwrap();
        assert_eq!(p.critical_path, ["A", "B", "D"]);
        let finishes: Vec<_> = p
            .tasks
            .iter()
            .map(|t| (t.id.as_str(), t.projected_finish, t.slack_days, t.critical))
            .collect();
        assert_eq!(
            finishes,
            [
                ("A", d("2026-11-30"), 0, true),
                ("B", d("2026-12-04"), 0, true),
                ("C", d("2026-12-01"), 2, false),
                ("D", d("2026-12-07"), 0, true),
            ]
        );
        assert_eq!(
            (p.planned_close, p.projected_close, p.days_late),
            (d("2026-12-08"), d("2026-12-07"), 0)
        );
    }

    #[test]
    fn a_critical_task_sent_back_moves_the_close_and_slack_absorbs_a_slip() {
        let today = d("2026-11-30");
        // (B's status, C's duration, projected close, C's slack, critical path)
        let cases: &[(&str, i32, &str, i64, &[&str])] = &[
            // Submitted, B only needs its review: C and B tie and D follows the first listed.
            ("submitted", 1, "2026-12-02", 0, &["A", "C", "D"]),
            // Sent back, B needs its full three days again.
            ("sent_back", 1, "2026-12-07", 2, &["A", "B", "D"]),
            // C slipping within its two days of slack leaves the close where it was…
            ("sent_back", 2, "2026-12-07", 1, &["A", "B", "D"]),
            ("sent_back", 3, "2026-12-07", 0, &["A", "C", "D"]),
            // …one day more and C moves it.
            ("sent_back", 4, "2026-12-08", 0, &["A", "C", "D"]),
        ];
        for (b_status, c_duration, close, c_slack, path) in cases {
            let p = plan(&diamond(b_status, *c_duration), &cal(), today).unwrap();
            let case = format!("B {b_status}, C {c_duration} days");
            assert_eq!(p.projected_close, d(close), "{case}");
            assert_eq!(by_id(&p, "C").slack_days, *c_slack, "{case}");
            assert_eq!(p.critical_path, *path, "{case}");
        }
    }

    #[test]
    fn weekends_and_holidays_do_not_count_as_work() {
        // From Saturday 28 Nov, A (2 days, due 30 Nov) then B (3 days, due BD+3).
        let tasks = [
            task("A", -1, 2, &[], "in_progress"),
            task("B", 3, 3, &["A"], "not_started"),
        ];
        let plain = BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], []);
        // (calendar, B's due, B's finish, days late)
        for (calendar, b_due, b_finish, late) in [
            (&plain, "2026-12-03", "2026-12-04", 1),
            // The holiday moves both the due date and the work past it.
            (&cal(), "2026-12-04", "2026-12-07", 1),
        ] {
            let p = plan(&tasks, calendar, d("2026-11-28")).unwrap();
            let (a, b) = (by_id(&p, "A"), by_id(&p, "B"));
            assert_eq!(a.projected_finish, d("2026-12-01"), "work starts Monday");
            assert_eq!((b.due, b.projected_finish), (d(b_due), d(b_finish)));
            assert_eq!((a.state, b.state), (TaskState::Late, TaskState::Late));
            assert_eq!(p.days_late, late);
        }
    }

    #[test]
    fn states_tell_done_late_blocked_at_risk_and_on_track_apart() {
        // Tuesday 1 Dec 2026.
        let tasks = [
            reviewed_at(task("done", -1, 1, &[], ""), "2026-11-30T17:00:00Z"),
            // A review stamped after today (clock skew) still finishes no later than today.
            reviewed_at(task("stamped_later", 1, 1, &[], ""), "2026-12-05T09:00:00Z"),
            task("overdue", -1, 1, &[], "not_started"),
            // Reviewed today, so its dependant can start today.
            task("slow", 2, 3, &["stamped_later"], "in_progress"),
            task("dep", 1, 1, &[], "submitted"),
            // Due 4 Dec, three days of work: should have started today, but dep is not reviewed.
            task("blocked", 3, 3, &["dep"], "not_started"),
            // Two days of work: it need not start before tomorrow.
            task("waiting", 3, 2, &["dep"], "not_started"),
            // Signed off although its dependency was not: done, and blocked by nothing.
            reviewed_at(task("signed_off", -1, 1, &["overdue"], ""), "2026-11-30T17:00:00Z"),
            // Overdue beats blocked.
            task("behind", -1, 1, &["overdue"], "not_started"),
            // Critical with two days to spare before its due date (BD+8, 11 Dec): at risk…
            task("long", 8, 6, &[], "in_progress"),
            // …with three (due BD+10, 15 Dec), critical but on track.
            task("pack", 10, 1, &["long"], "not_started"),
            task("easy", 2, 1, &[], "not_started"),
        ];
        let p = plan(&tasks, &cal(), d("2026-12-01")).unwrap();
        let expected: &[(&str, TaskState, &str, &[&str])] = &[
            ("done", TaskState::Done, "2026-11-30", &[]),
            ("stamped_later", TaskState::Done, "2026-12-01", &[]),
            ("overdue", TaskState::Late, "2026-12-01", &[]),
            ("slow", TaskState::Late, "2026-12-04", &[]),
            ("dep", TaskState::OnTrack, "2026-12-01", &[]),
            ("blocked", TaskState::Blocked, "2026-12-07", &["dep"]),
            ("waiting", TaskState::OnTrack, "2026-12-04", &["dep"]),
            ("signed_off", TaskState::Done, "2026-11-30", &[]),
            ("behind", TaskState::Late, "2026-12-02", &["overdue"]),
            ("long", TaskState::AtRisk, "2026-12-09", &[]),
            ("pack", TaskState::OnTrack, "2026-12-10", &["long"]),
            ("easy", TaskState::OnTrack, "2026-12-01", &[]),
        ];
        for (id, state, finish, blocked_by) in expected {
            let t = by_id(&p, id);
            let blocked: Vec<&str> = t.blocked_by.iter().map(String::as_str).collect();
            assert_eq!(
                (t.state, t.projected_finish, blocked.as_slice()),
                (*state, d(finish), *blocked_by),
                "{id}"
            );
        }
        assert_eq!(p.critical_path, ["long", "pack"]);
        assert!(by_id(&p, "pack").critical);
        assert_eq!(
            (p.planned_close, p.projected_close, p.days_late),
            (d("2026-12-15"), d("2026-12-10"), 0)
        );
    }

    #[test]
    fn a_finished_close_has_no_critical_path() {
        let tasks = [
            reviewed_at(task("A", -1, 1, &[], ""), "2026-11-30T10:00:00Z"),
            reviewed_at(task("B", 1, 1, &["A"], ""), "2026-12-01T10:00:00Z"),
        ];
        let p = plan(&tasks, &cal(), d("2026-12-09")).unwrap();
        assert!(p.critical_path.is_empty());
        assert!(p.tasks.iter().all(|t| t.state == TaskState::Done && !t.critical));
        assert_eq!((p.projected_close, p.days_late), (d("2026-12-01"), 0));
    }

    #[test]
    fn thousands_of_tasks_plan_without_recursion() {
        // A 2,000-task chain (deep) and 2,000 reconciliations on one task (wide).
        let mut chain = vec![task("T0", -3, 1, &[], "not_started")];
        for i in 1..2_000 {
            let prev = format!("T{}", i - 1);
            chain.push(task(&format!("T{i}"), 3, 1, &[prev.as_str()], "not_started"));
        }
        let p = plan(&chain, &cal(), d("2026-11-30")).unwrap();
        assert_eq!(p.critical_path.len(), 2_000);
        assert!(p.days_late > 1_900);
        chain[0].depends_on = vec!["T1999".into()];
        assert_eq!(find_cycle(&chain).map(|c| c.len()), Some(2_001));

        let mut wide = vec![task("GRNI", 1, 1, &[], "in_progress")];
        wide.extend((0..2_000).map(|i| task(&format!("REC{i}"), 3, 1, &["GRNI"], "not_started")));
        let p = plan(&wide, &cal(), d("2026-11-30")).unwrap();
        assert_eq!(p.critical_path, ["GRNI", "REC0"]);
        assert_eq!(p.tasks.iter().filter(|t| t.critical).count(), 2_001);
        // An absurd duration is capped at a year of business days rather than planned day by day.
        let p = plan(&[task("H", 1, i32::MAX, &[], "in_progress")], &cal(), d("2026-11-30")).unwrap();
        assert_eq!(p.projected_close, cal().add_business_days(d("2026-11-30"), 259));
    }

    #[test]
    fn burndown_compares_planned_and_actual_until_today() {
        let tasks = [
            reviewed_at(task("on_time", -1, 1, &[], ""), "2026-11-30T16:00:00Z"),
            // Late in the evening UTC still counts on the UTC date.
            reviewed_at(task("evening", -1, 1, &[], ""), "2026-12-01T23:30:00Z"),
            task("open", 2, 1, &[], "in_progress"),
            reviewed_at(task("early", 3, 1, &[], ""), "2026-11-27T12:00:00Z"),
        ];
        let points = |today: &str| -> Vec<(NaiveDate, u32, Option<u32>)> {
            burndown(&tasks, &cal(), d(today))
                .into_iter()
                .map(|p| (p.date, p.planned_remaining, p.actual_remaining))
                .collect()
        };
        // From the business day before the first due date; 3 Dec is the holiday.
        assert_eq!(
            points("2026-12-01"),
            [
                (d("2026-11-27"), 4, Some(3)),
                (d("2026-11-30"), 2, Some(2)),
                (d("2026-12-01"), 2, Some(1)),
                (d("2026-12-02"), 1, None),
                (d("2026-12-04"), 0, None),
            ]
        );
        // Still open after its last due date: the chart runs on to today.
        let late = points("2026-12-08");
        assert_eq!(late.last(), Some(&(d("2026-12-08"), 0, Some(1))));
        assert_eq!(late.len(), 7);
        // A close long finished ends at its last due date.
        let mut finished = tasks.to_vec();
        finished[2] = reviewed_at(finished[2].clone(), "2026-12-02T12:00:00Z");
        let old = burndown(&finished, &cal(), d("2027-03-01"));
        assert_eq!(
            old.last().map(|p| (p.date, p.actual_remaining)),
            Some((d("2026-12-04"), Some(0)))
        );
        assert!(burndown(&[], &cal(), d("2026-12-01")).is_empty());
        // Reviewed without a timestamp counts as done from the start.
        let mut unstamped = task("A", -1, 1, &[], "reviewed");
        unstamped.reviewed_at = None;
        assert_eq!(
            burndown(&[unstamped], &cal(), d("2026-12-01"))[0].actual_remaining,
            Some(0)
        );
    }
}
