//! The close task's status flow and who may move it: owners start and submit their tasks,
//! reviewers review or send back, and nobody reviews what they submitted themselves.

use crate::erp::CloseTask;
use crate::user::Role;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloseRefusal {
    #[error("a task that is {from} cannot become {to}")]
    Transition { from: String, to: String },
    #[error("only the task's owner {owner} or a controller can {what}")]
    NotOwner { owner: String, what: &'static str },
    #[error("only the task's reviewer {reviewer} or a controller can review or send it back")]
    NotReviewer { reviewer: String },
    #[error("segregation of duties: {0} submitted this task and cannot review it")]
    OwnWork(String),
    #[error("sending a task back needs a note saying why")]
    NoteRequired,
    #[error("{} must be reviewed first", .0.join(", "))]
    WaitingOn(Vec<String>),
}

/// Whether the flow allows `from` → `to`.
pub fn allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("not_started", "in_progress")
            | ("not_started" | "in_progress" | "sent_back", "submitted")
            | ("sent_back", "in_progress")
            | ("submitted", "reviewed" | "sent_back")
    )
}

/// Whether `signal` completes `task` (straight to reviewed): the task names that signal and is
/// not reviewed yet. The system that raises the signal stands in for preparer and reviewer.
pub fn completes_by_signal(task: &CloseTask, signal: &str) -> bool {
    task.signal.as_deref() == Some(signal) && task.status != "reviewed"
}

/// The dependencies of `task` not reviewed yet, by the status `status_of` finds for each id.
pub fn open_dependencies<'a>(task: &CloseTask, status_of: impl Fn(&str) -> Option<&'a str>) -> Vec<String> {
    task.depends_on
        .iter()
        .filter(|d| status_of(d) != Some("reviewed"))
        .cloned()
        .collect()
}

/// Checks `actor` (with `roles`) may move `task` to `to`. Work may start while dependencies are
/// open (`open_dependencies`), but it is submitted and reviewed only after they are reviewed.
pub fn authorize(
    actor: &str,
    roles: &[Role],
    task: &CloseTask,
    to: &str,
    note: Option<&str>,
    open_dependencies: &[String],
) -> Result<(), CloseRefusal> {
    if !allowed(&task.status, to) {
        return Err(CloseRefusal::Transition {
            from: task.status.clone(),
            to: to.into(),
        });
    }
    let controller = roles.contains(&Role::Controller);
    match to {
        "in_progress" | "submitted" if task.owner != actor && !controller => Err(CloseRefusal::NotOwner {
            owner: task.owner.clone(),
            what: if to == "submitted" { "submit it" } else { "start it" },
        }),
        "reviewed" | "sent_back" if task.submitted_by.as_deref() == Some(actor) => {
            Err(CloseRefusal::OwnWork(actor.into()))
        }
        "reviewed" | "sent_back" if task.reviewer != actor && !controller => Err(CloseRefusal::NotReviewer {
            reviewer: task.reviewer.clone(),
        }),
        "sent_back" if note.map(str::trim).unwrap_or_default().is_empty() => Err(CloseRefusal::NoteRequired),
        "submitted" | "reviewed" if !open_dependencies.is_empty() => {
            Err(CloseRefusal::WaitingOn(open_dependencies.to_vec()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(status: &str, submitted_by: Option<&str>) -> CloseTask {
        CloseTask {
            id: "CT-1".into(),
            company_code: "DE01".into(),
            period: "2026-11".into(),
            name: "Bank reconciliation".into(),
            category: "cash".into(),
            owner: "U007".into(),
            reviewer: "U001".into(),
            day_offset: 1,
            duration_days: 1,
            depends_on: vec![],
            status: status.into(),
            signal: None,
            submitted_by: submitted_by.map(str::to_string),
            submitted_at: None,
            reviewed_by: None,
            reviewed_at: None,
            note: None,
            version: 1,
            modified_at: "2026-11-20T10:00:00Z".parse().unwrap(),
        }
    }

    /// (actor, roles, from, submitted by, to, note, allowed)
    type Case<'a> = (
        &'a str,
        &'a [Role],
        &'a str,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        bool,
    );

    #[test]
    fn the_flow_and_who_may_move_it() {
        let clerk = [Role::ApClerk];
        let controller = [Role::Controller, Role::Approver];
        let cases: &[Case] = &[
            ("U007", &clerk, "not_started", None, "in_progress", None, true),
            ("U008", &clerk, "not_started", None, "in_progress", None, false),
            ("U002", &controller, "not_started", None, "submitted", None, true),
            ("U001", &controller, "submitted", Some("U007"), "reviewed", None, true),
            ("U001", &controller, "submitted", Some("U001"), "reviewed", None, false),
            ("U008", &clerk, "submitted", Some("U007"), "reviewed", None, false),
            ("U001", &controller, "submitted", Some("U007"), "sent_back", None, false),
            (
                "U001",
                &controller,
                "submitted",
                Some("U007"),
                "sent_back",
                Some("tie out the IC"),
                true,
            ),
            (
                "U001",
                &controller,
                "reviewed",
                Some("U007"),
                "in_progress",
                None,
                false,
            ),
            ("U007", &clerk, "sent_back", Some("U007"), "submitted", None, true),
        ];
        for (actor, roles, from, submitted, to, note, ok) in cases {
            let got = authorize(actor, roles, &task(from, *submitted), to, *note, &[]);
            assert_eq!(got.is_ok(), *ok, "{actor} {from}->{to}: {got:?}");
        }
    }

    #[test]
    fn work_starts_before_its_dependencies_are_done_but_is_finished_after() {
        let mut t = task("not_started", None);
        t.depends_on = vec!["CT-A".into(), "CT-B".into()];
        let status = |id: &str| match id {
            "CT-A" => Some("reviewed"),
            "CT-B" => Some("submitted"),
            _ => None,
        };
        let open = open_dependencies(&t, status);
        assert_eq!(open, ["CT-B"]);
        let controller = [Role::Controller];
        assert!(authorize("U001", &controller, &t, "in_progress", None, &open).is_ok());
        assert_eq!(
            authorize("U001", &controller, &t, "submitted", None, &open),
            Err(CloseRefusal::WaitingOn(vec!["CT-B".into()]))
        );
        let mut submitted = task("submitted", Some("U007"));
        submitted.depends_on = t.depends_on.clone();
        assert!(authorize("U001", &controller, &submitted, "reviewed", None, &open).is_err());
        // Sending back stays possible: it is how a reviewer stops work that went ahead too early.
        assert!(authorize(
            "U001",
            &controller,
            &submitted,
            "sent_back",
            Some("wait for the IC"),
            &open
        )
        .is_ok());
        assert!(authorize("U001", &controller, &submitted, "reviewed", None, &[]).is_ok());
    }
}
