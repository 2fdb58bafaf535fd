//! Saving a table the user exported (CSV or XLSX built by the UI) to their Downloads folder.

use std::path::PathBuf;

use tauri::{AppHandle, Manager};

use crate::error::CommandError;

use super::Result;

/// Writes `bytes` as `file_name` in the user's Downloads folder (or `CTOWER_EXPORT_DIR`), never
/// overwriting: a taken name gets " (2)", " (3)" … Returns the path written.
#[tauri::command]
#[specta::specta]
pub async fn save_export(app: AppHandle, file_name: String, bytes: Vec<u8>) -> Result<String> {
    let name = file_name.trim();
    let ok_ext = name.ends_with(".csv") || name.ends_with(".xlsx");
    if name.is_empty() || name.len() > 120 || !ok_ext || name.contains(['/', '\\', '\0']) || name.starts_with('.') {
        return Err(CommandError::invalid(format!(
            "{file_name:?} is not a file name ending in .csv or .xlsx"
        )));
    }
    if bytes.len() > 200 * 1024 * 1024 {
        return Err(CommandError::invalid("the export is larger than 200 MB"));
    }
    let dir = std::env::var_os("CTOWER_EXPORT_DIR")
        .map(PathBuf::from)
        .or_else(|| app.path().download_dir().ok())
        .ok_or_else(|| CommandError::invalid("no Downloads folder to save into"))?;
    std::fs::create_dir_all(&dir).map_err(|e| CommandError::invalid(format!("{}: {e}", dir.display())))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let mut path = dir.join(name);
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} ({n}).{ext}"));
        n += 1;
    }
    // Written beside, then renamed: a half-written export never carries the final name.
    let tmp = path.with_extension(format!("{ext}.part"));
    std::fs::write(&tmp, &bytes)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| CommandError::invalid(format!("{}: {e}", path.display())))?;
    Ok(path.display().to_string())
}
