// Declaring the app's commands makes each one need a permission, so the capability file in
// `capabilities/` grants the window exactly the commands the UI uses.
const COMMANDS: &[&str] = &[
    "get_session",
    "switch_user",
    "list_entities",
    "approval_queue",
    "aging_summary",
    "decide",
    "dismiss_action",
    "sync_status",
    "sync_now",
    "integration_health",
    "connection_runs",
    "dead_letters",
    "replay_dead_letter",
    "outbox_actions",
    "set_demo_faults",
    "demo_faults",
    "recon_overview",
    "recon_bank_lines",
    "recon_ledger_entries",
    "recon_suggestions",
    "recon_match",
    "recon_match_manual",
    "recon_unmatch",
    "recon_accept",
    "recon_reject",
    "recon_rules",
    "recon_run",
    "recon_simulate",
    "import_bank_files",
    "import_ledger_csv",
    "account_rec_sheet",
    "certify",
    "intercompany",
    "exception_queue",
    "exception_detail",
    "exception_summary",
    "resolve_exception",
    "close_board",
    "move_close_task",
    "payment_runs",
    "payment_instructions",
    "cash_position",
    "invoice_trace",
    "delegate_step",
    "approve_bulk",
    "runs_to_approve",
    "approve_payment_run",
    "save_export",
];

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
