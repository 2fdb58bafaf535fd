//! `ctower`: headless use of the same engine the desktop app runs.

mod audit;
mod bank;
mod bench;
mod bench_workspaces;
mod ops;
mod recon;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use connect::Source;
use connect::{KeyringSecrets, SecretStore};
use sandbox::{SandboxConfig, Size};
use store::connections::Connection;
use store::Store;
use sync::Engine;

#[derive(Parser)]
#[command(name = "ctower", about = "Control Tower from the command line", version)]
struct Cli {
    /// The mirror database (default: $CTOWER_DB, else ./ctower-mirror.db).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the built-in sandbox estate on 127.0.0.1 until interrupted: the AP system on PORT, the
    /// two ERPs on PORT+1 and PORT+2, the treasury platform on PORT+3.
    Sandbox {
        #[arg(long, default_value_t = 8700)]
        port: u16,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value = "demo")]
        size: Size,
        /// The API key clients must send (default: a random one, printed at start).
        #[arg(long)]
        api_key: Option<String>,
        /// Fault mode: the fraction of requests that fail (e.g. 0.05): 5xx, 429, malformed pages.
        #[arg(long, default_value = "0")]
        faults: String,
        /// Demo clock: every this many seconds invoices arrive and suppliers' holds change (0: off).
        #[arg(long, default_value_t = 0)]
        clock: u64,
    },
    /// Decide an approval step as a user, through the same controls and outbox as the app.
    Decide {
        /// The deciding user's id in the source's directory.
        #[arg(long = "as")]
        user: String,
        #[arg(long, default_value = "ap")]
        connection: String,
        approval: String,
        /// approve or reject
        decision: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Place a supplier on hold or release it (AP clerks), through the same controls and outbox.
    Hold {
        #[arg(long = "as")]
        user: String,
        #[arg(long, default_value = "ap")]
        connection: String,
        supplier: String,
        /// on or off
        state: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Print the mirror's per-table checksums of a connection (JSON), to compare with the source.
    Checksums {
        #[arg(long, default_value = "ap")]
        connection: String,
    },
    /// Manage source-system connections.
    Connection {
        #[command(subcommand)]
        command: ConnectionCommand,
    },
    /// Pull every connection into the mirror and deliver queued actions.
    Sync {
        /// Run once and exit (the only mode; the desktop app runs the continuous loop).
        #[arg(long)]
        once: bool,
    },
    /// Measure the figures of DESIGN.md §5 and print them (also target/bench/results.json).
    /// The matching part of `bench`, in a process of its own (run by `bench`).
    #[command(hide = true)]
    BenchRecon {
        #[arg(long, default_value_t = 1_000_000)]
        lines: usize,
    },
    /// The role workspaces' part of `bench`, in a process of its own (run by `bench`).
    #[command(hide = true)]
    BenchWorkspaces {
        #[arg(long, default_value = "demo")]
        size: Size,
    },
    /// The approval queue's part of `bench` alone, on a mirror synced once and kept at KEEP (a
    /// temporary one without it), so a change to the queue can be measured again at size L in
    /// seconds. A kept mirror from an older build is migrated on opening.
    #[command(hide = true)]
    BenchApprovals {
        #[arg(long, default_value = "demo")]
        size: Size,
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Check the audit trail: every event present, unedited and in order.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    Bench {
        #[arg(long, default_value = "demo")]
        size: Size,
        /// Where to write the JSON results.
        #[arg(long, default_value = "target/bench/results.json")]
        out: PathBuf,
        /// A Python with dlt installed, to measure the peer (`make bench` sets one up).
        #[arg(long)]
        dlt_python: Option<PathBuf>,
    },
    /// Read bank files: statements and payment status reports.
    Bank {
        #[command(subcommand)]
        command: bank::BankCommand,
    },
    /// Reconcile bank statement lines with ledger cash entries.
    Recon {
        #[command(subcommand)]
        command: recon::ReconCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain and report any event edited, removed or reordered.
    Verify,
    /// Write an evidence pack for auditors: every event (JSON lines and CSV), the chain's
    /// verification, and a manifest with each file's SHA-256. Refuses a broken chain.
    Export {
        /// A new or empty folder.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ConnectionCommand {
    /// Add (or update) a connection. Its secret (API key, or OAuth2 client secret for an ERP) is
    /// read from standard input and stored in the OS keyring, never in the database.
    Add {
        id: String,
        #[arg(long)]
        url: String,
        #[arg(long)]
        name: Option<String>,
        /// ap (REST, API key), erp (OData, OAuth2 client credentials) or treasury (REST, API key).
        #[arg(long, default_value = "ap")]
        kind: String,
        /// The OAuth2 client id (erp).
        #[arg(long)]
        client_id: Option<String>,
        /// Seconds between scheduled syncs in the app (0: the app's default).
        #[arg(long, default_value_t = 0)]
        every: i64,
    },
    /// List connections (without secrets).
    List,
}

fn db_path(cli: &Option<PathBuf>) -> PathBuf {
    cli.clone()
        .or_else(|| std::env::var_os("CTOWER_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("ctower-mirror.db"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Errors are for people: the message and its causes, not a backtrace.
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Sandbox {
            port,
            seed,
            size,
            api_key,
            faults,
            clock,
        } => run_sandbox(port, seed, size, api_key, ops::fault_rate(&faults)?, clock).await,
        Command::Decide {
            user,
            connection,
            approval,
            decision,
            reason,
        } => {
            ops::decide(
                &db_path(&cli.db),
                &user,
                &connection,
                &approval,
                &decision,
                reason.as_deref(),
            )
            .await
        }
        Command::Hold {
            user,
            connection,
            supplier,
            state,
            reason,
        } => {
            ops::hold(
                &db_path(&cli.db),
                &user,
                &connection,
                &supplier,
                &state,
                reason.as_deref(),
            )
            .await
        }
        Command::Checksums { connection } => ops::checksums(&db_path(&cli.db), &connection).await,
        Command::Connection { command } => {
            let store = Store::open(&db_path(&cli.db)).await.context("opening the mirror")?;
            match command {
                ConnectionCommand::Add {
                    id,
                    url,
                    name,
                    kind,
                    client_id,
                    every,
                } => {
                    let conn = Connection {
                        name: name.unwrap_or_else(|| format!("{kind} ({id})")),
                        secret_ref: format!("connection/{id}/secret"),
                        id,
                        kind,
                        base_url: url,
                        client_id,
                        sync_every_secs: every,
                    };
                    add_connection(&store, conn).await
                }
                ConnectionCommand::List => {
                    for c in store::connections::list(&store).await? {
                        println!("{}\t{}\t{}\t{}", c.id, c.kind, c.base_url, c.name);
                    }
                    Ok(())
                }
            }
        }
        Command::Sync { once } => {
            if !once {
                bail!("only `ctower sync --once` is supported; the desktop app runs the continuous loop");
            }
            sync_once(&db_path(&cli.db)).await
        }
        Command::BenchRecon { lines } => bench::recon_only(lines),
        Command::BenchWorkspaces { size } => bench_workspaces::run(size).await,
        Command::BenchApprovals { size, keep } => bench::approvals_only(size, keep.as_deref()).await,
        Command::Bench { size, out, dlt_python } => bench::run(size, &out, dlt_python.as_deref()).await,
        Command::Bank { command } => bank::run(command),
        Command::Recon { command } => recon::run(command),
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit::verify(&db_path(&cli.db)).await,
        Command::Audit {
            command: AuditCommand::Export { out },
        } => audit::export(&db_path(&cli.db), &out).await,
    }
}

async fn run_sandbox(port: u16, seed: u64, size: Size, api_key: Option<String>, faults: u32, clock: u64) -> Result<()> {
    let api_key = api_key.unwrap_or_else(|| format!("sk-sandbox-{seed}-{}", std::process::id()));
    let config = SandboxConfig {
        seed,
        size,
        api_key: api_key.clone(),
        now: chrono::Utc::now(),
    };
    let estate = sandbox::Estate::start(config, [127, 0, 0, 1].into(), port).await?;
    estate.set_faults(sandbox::Faults {
        per_mille: faults,
        ..Default::default()
    });
    if clock > 0 {
        estate.start_clock(std::time::Duration::from_secs(clock), seed);
    }
    let snap = estate.ap.snapshot();
    println!("AP sandbox listening on {}", estate.ap.base_url());
    println!("API key: {api_key}");
    println!(
        "data (seed {seed}): {} users, {} entities, {} suppliers, {} invoices, {} approval steps",
        snap.users.len(),
        snap.entities.len(),
        snap.suppliers.len(),
        snap.invoices.len(),
        snap.approvals.len()
    );
    for s in estate.systems() {
        let extra = s
            .client_id
            .as_deref()
            .map(|c| format!(" --client-id {c}"))
            .unwrap_or_default();
        println!("{} ({}) listening on {}", s.name, s.kind.as_str(), s.base_url);
        println!(
            "  connect with: echo {} | ctower connection add {} --kind {} --url {}{extra}",
            s.secret,
            s.id,
            s.kind.as_str(),
            s.base_url
        );
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}

async fn add_connection(store: &Store, conn: Connection) -> Result<()> {
    let id = conn.id.clone();
    let mut key = String::new();
    std::io::stdin()
        .read_line(&mut key)
        .context("reading the secret from standard input")?;
    let key = key.trim();
    if key.is_empty() {
        bail!(
            "no secret on standard input (pipe it in: echo SECRET | ctower connection add {id} --url {})",
            conn.base_url
        );
    }
    if conn.kind == "erp" && conn.client_id.is_none() {
        bail!("an ERP connection needs --client-id (OAuth2 client credentials)");
    }
    KeyringSecrets.set(&conn.secret_ref, key)?;
    // Check the credential works before saving, so a typo is caught now.
    let engine = Engine::new(store.clone(), Arc::new(KeyringSecrets));
    let client = engine.client(&conn)?;
    let first = client.resources()[0];
    client
        .fetch_page(first, None, 1)
        .await
        .with_context(|| format!("testing the connection ({first})"))?;
    store::connections::save(store, &conn).await?;
    println!(
        "connection {id} ({}) saved ({}); its secret is in the OS keyring",
        conn.kind, conn.base_url
    );
    Ok(())
}

async fn sync_once(db: &std::path::Path) -> Result<()> {
    let store = Store::open(db).await.context("opening the mirror")?;
    if store::connections::list(&store).await?.is_empty() {
        bail!(
            "no connections in {}; add one with `ctower connection add`",
            db.display()
        );
    }
    let engine = Engine::new(store.clone(), Arc::new(KeyringSecrets));
    let delivered = engine.deliver_outbox().await?;
    println!(
        "outbox: {} delivered, {} refused by the source, {} to retry",
        delivered.delivered, delivered.refused, delivered.retrying
    );
    let mut failed = false;
    for r in engine.sync_all().await? {
        let o = &r.outcome;
        println!(
            "{}: {} records read, {} changed, {} malformed, {} bytes in {} ms — {}",
            r.connection_id,
            o.records,
            o.changed,
            o.malformed,
            o.bytes,
            r.duration.as_millis(),
            o.status()
        );
        if let Some(e) = &o.error {
            println!("  error: {e}");
            failed |= o.status() == "failed";
        }
    }
    if engine.build_approval_keys().await? {
        println!("approval queue keys built");
    }
    if failed {
        bail!("a connection failed to sync");
    }
    Ok(())
}
