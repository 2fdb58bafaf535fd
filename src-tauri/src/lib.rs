//! The desktop shell: boots the workspace, exposes commands and events to the UI. Thin on
//! purpose; the product lives in the crates under `crates/`.

mod breaches;
mod commands;
pub mod dto;
pub mod error;
mod workspace;

use std::sync::OnceLock;

use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Event};

use crate::error::{CommandError, CommandErrorCode};
use crate::workspace::Workspace;

/// Shared state: the workspace once booted, or why it could not boot.
pub struct AppState {
    workspace: OnceLock<Result<Workspace, CommandError>>,
}

impl AppState {
    fn workspace(&self) -> Result<&Workspace, CommandError> {
        match self.workspace.get() {
            Some(Ok(ws)) => Ok(ws),
            Some(Err(e)) => Err(e.clone()),
            None => Err(CommandError::new(
                CommandErrorCode::Unavailable,
                "the workspace is still starting",
            )),
        }
    }
}

/// The commands and events the UI may use; also what the TypeScript bindings are generated from.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::approvals::get_session,
            commands::approvals::switch_user,
            commands::approvals::list_entities,
            commands::approvals::approval_queue,
            commands::approvals::aging_summary,
            commands::approvals::decide,
            commands::approvals::dismiss_action,
            commands::approvals::delegate_step,
            commands::approvals::approve_bulk,
            commands::approvals::sync_status,
            commands::approvals::sync_now,
            commands::health::integration_health,
            commands::health::connection_runs,
            commands::health::dead_letters,
            commands::health::replay_dead_letter,
            commands::health::outbox_actions,
            commands::health::set_demo_faults,
            commands::health::demo_faults,
            commands::reconciliation::recon_overview,
            commands::reconciliation::recon_bank_lines,
            commands::reconciliation::recon_ledger_entries,
            commands::reconciliation::recon_suggestions,
            commands::reconciliation::recon_match,
            commands::reconciliation::recon_match_manual,
            commands::reconciliation::recon_unmatch,
            commands::reconciliation::recon_accept,
            commands::reconciliation::recon_reject,
            commands::reconciliation::recon_rules,
            commands::reconciliation::recon_run,
            commands::reconciliation::recon_simulate,
            commands::reconciliation::import_bank_files,
            commands::reconciliation::import_ledger_csv,
            commands::reconciliation::account_rec_sheet,
            commands::reconciliation::certify,
            commands::reconciliation::intercompany,
            commands::exceptions::exception_queue,
            commands::exceptions::exception_detail,
            commands::exceptions::exception_summary,
            commands::exceptions::resolve_exception,
            commands::close::close_board,
            commands::close::move_close_task,
            commands::payments::payment_runs,
            commands::payments::payment_instructions,
            commands::payments::cash_position,
            commands::payments::runs_to_approve,
            commands::payments::approve_payment_run,
            commands::trace::invoice_trace,
            commands::export::save_export,
        ])
        .events(collect_events![dto::MirrorChanged])
}

/// The TypeScript the UI imports, generated from the Rust types.
pub fn typescript_bindings() -> Result<String, specta_typescript::ExportError> {
    specta_builder().export_str(
        specta_typescript::Typescript::default()
            .bigint(specta_typescript::BigIntExportBehavior::Number)
            .header("// @ts-nocheck\n/* eslint-disable */"),
    )
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tao=warn".into()),
        )
        .init();
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .manage(AppState {
            workspace: OnceLock::new(),
        })
        .setup(move |app| {
            builder.mount_events(app);
            let dir = workspace::data_dir(app.path().app_data_dir().ok());
            let mut booted = tauri::async_runtime::block_on(Workspace::start_demo(dir));
            if let Ok(ws) = &mut booted {
                let handle = app.handle().clone();
                ws.spawn_sync_loop(move |change| {
                    let reason = format!("{change:?}");
                    if let Err(e) = (dto::MirrorChanged { reason }).emit(&handle) {
                        tracing::warn!(error = %e, "could not notify the window");
                    }
                });
            } else if let Err(e) = &booted {
                tracing::error!(error = %e, "the workspace could not start");
            }
            let state = app.state::<AppState>();
            let _ = state.workspace.set(booted);
            breaches::watch(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Control Tower could not start: {e}");
        std::process::exit(1);
    }
}
