#!/usr/bin/env bash
# Regenerates the committed query data (src-tauri/crates/store/.sqlx) after a query or a
# migration changed: builds a scratch database from migrations/ and compiles the store online.
set -euo pipefail
cd "$(dirname "$0")/.."
db="$PWD/target/sqlx-dev.db"
mkdir -p target && rm -f "$db"
python3 - "$db" migrations/*.sql <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
for path in sys.argv[2:]:
    con.executescript(open(path).read())
con.commit()
PY
rm -rf src-tauri/crates/store/.sqlx && mkdir -p src-tauri/crates/store/.sqlx
touch src-tauri/crates/store/src/lib.rs
SQLX_OFFLINE=false DATABASE_URL="sqlite://$db" cargo check -p store --tests
echo "query data: $(ls src-tauri/crates/store/.sqlx | wc -l) files in src-tauri/crates/store/.sqlx"
