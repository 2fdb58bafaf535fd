//! Desktop notifications when exceptions in the signed-in person's queues pass their SLA: the
//! count is checked every minute (SLAs expire without any sync), and a rise is announced once.

use std::time::Duration;

use chrono::Utc;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

/// Exceptions past their SLA in the queues of the signed-in person's roles.
async fn breached(app: &AppHandle) -> Option<(String, i64)> {
    let state = app.state::<AppState>();
    let ws = state.workspace().ok()?;
    let me = ws.user_id.read().await.clone();
    let roles = store::users::roles_of(&ws.store, &me).await.ok()?;
    let mut total = 0;
    for role in roles {
        let kinds = store::exceptions::summary(&ws.store, Some(role.as_str()), Utc::now())
            .await
            .ok()?;
        total += kinds.iter().map(|k| k.breached).sum::<i64>();
    }
    Some((me, total))
}

pub fn watch(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        // Per user: a switch starts from that person's current count, not an alarm.
        let mut last: Option<(String, i64)> = None;
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            let Some((user, now)) = breached(&app).await else {
                continue;
            };
            if let Some((was_user, was)) = &last {
                if *was_user == user && now > *was {
                    let rose = now - was;
                    let shown = app
                        .notification()
                        .builder()
                        .title("Control Tower: SLA breached")
                        .body(format!(
                            "{rose} more exception(s) in your queue passed their SLA; {now} are overdue now."
                        ))
                        .show();
                    if let Err(e) = shown {
                        tracing::warn!(error = %e, "could not show the SLA notification");
                    }
                }
            }
            last = Some((user, now));
        }
    });
}
