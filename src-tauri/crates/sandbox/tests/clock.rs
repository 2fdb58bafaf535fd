//! The demo clock moves the world: invoices arrive with their first step pending, versions and
//! change sequence move, and subscribers are told.

use std::time::Duration;

use sandbox::{Sandbox, SandboxConfig, Size};

#[tokio::test]
async fn invoices_arrive_with_their_first_step_pending() {
    let now = chrono::Utc::now();
    let s = Sandbox::start(
        SandboxConfig {
            seed: 3,
            size: Size::Demo,
            api_key: "k".into(),
            now,
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let before = s.snapshot();
    s.start_clock(Duration::from_millis(40));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let after = s.snapshot();
    assert!(after.invoices.len() > before.invoices.len(), "invoices arrived");
    let known: std::collections::HashSet<_> = before.invoices.iter().map(|i| i.id.clone()).collect();
    for inv in after.invoices.iter().filter(|i| !known.contains(&i.id)) {
        assert_eq!(inv.status, "pending_approval");
        let first = after
            .approvals
            .iter()
            .find(|a| a.invoice_id == inv.id && a.step == 1)
            .unwrap();
        assert_eq!(first.status, "pending");
        assert_eq!(&first.assigned_at[..10], &now.date_naive().to_string()[..10]);
        // Routing never sends an invoice to whoever coded it.
        assert_ne!(Some(&first.approver_id), inv.coded_by.as_ref());
    }
}
