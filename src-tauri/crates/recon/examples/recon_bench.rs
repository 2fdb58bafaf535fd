//! The matching engine's figures on generated data with known truth, one `name: value unit` line
//! each (DESIGN.md §5):
//!
//! `cargo run --release -p recon --example recon_bench -- --lines 1000000 [--seed 42] [--detail]`
//!
//! Generation is timed separately and not part of the match time; so is turning the compact result
//! into owned matches with ids and reasons (`recon_owned_matches_s`). `recon_peak_rss_mb` is the
//! peak with the generated inputs loaded and matched (`recon_inputs_rss_mb`: the inputs alone).
//! Precision and recall are over (bank, ledger) pairs of automatic matches against the generated
//! truth; the `_with_suggestions` figures count suggestions too. `--detail` adds, on stderr, the
//! per-pass counts and the recall per scenario.

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::time::Instant;

use recon::generate::{generate, pair_quality, percent, GenConfig, Scenario};
use recon::{MatchStatus, RuleSet};

fn main() -> ExitCode {
    let mut lines = 1_000_000usize;
    let mut seed = 42u64;
    let mut detail = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--lines" | "--seed" => args.next().and_then(|v| v.replace('_', "").parse::<u64>().ok()),
            "--detail" => {
                detail = true;
                continue;
            }
            _ => None,
        };
        match (arg.as_str(), value) {
            ("--lines", Some(v)) => lines = v as usize,
            ("--seed", Some(v)) => seed = v,
            _ => {
                eprintln!("usage: recon_bench [--lines N] [--seed N] [--detail]");
                return ExitCode::from(2);
            }
        }
    }

    let t = Instant::now();
    let data = generate(&GenConfig {
        bank_lines: lines,
        seed,
    });
    let generate_s = t.elapsed().as_secs_f64();
    let inputs_rss = peak_rss_mb();

    let rules = RuleSet::default();
    let cpu = cpu_centiseconds();
    let t = Instant::now();
    let run = match recon::run(&data.bank, &data.ledger, &rules) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("recon_bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let match_s = t.elapsed().as_secs_f64();
    let match_cpu_cs = cpu_centiseconds()
        .zip(cpu)
        .map(|(after, before)| after.saturating_sub(before));
    // The peak with inputs and engine, before owned matches and scoring add their own.
    let match_rss = peak_rss_mb();

    // Owned matches with ids and reasons, as a store or a screen would take them; not part of the
    // match time.
    let t = Instant::now();
    let owned = run.to_match_set();
    let materialize_s = t.elapsed().as_secs_f64();
    drop(owned);

    let auto: Vec<_> = run.iter().filter(|m| m.status() == MatchStatus::Auto).collect();
    let q_auto = pair_quality(&data.truth, auto.iter().copied());
    let q_all = pair_quality(&data.truth, run.iter());
    let name = if lines == 1_000_000 {
        "recon_match_1m_s"
    } else {
        "recon_match_s"
    };

    println!("recon_bank_lines: {} lines", data.bank.len());
    println!("recon_ledger_entries: {} entries", data.ledger.len());
    println!("recon_generate_s: {generate_s:.2} s");
    println!("{name}: {match_s:.2} s");
    if let Some(c) = match_cpu_cs {
        // On a shared machine the wall time depends on the neighbours; the CPU time does not.
        println!("recon_match_cpu_s: {}.{:02} s", c / 100, c % 100);
    }
    println!("recon_matches_auto: {} matches", auto.len());
    println!("recon_matches_suggested: {} matches", run.len() - auto.len());
    println!("recon_owned_matches_s: {materialize_s:.2} s");
    println!("recon_pair_precision_pct: {} %", percent(q_auto.precision_bp()));
    println!("recon_pair_recall_pct: {} %", percent(q_auto.recall_bp()));
    println!(
        "recon_pair_precision_with_suggestions_pct: {} %",
        percent(q_all.precision_bp())
    );
    println!(
        "recon_pair_recall_with_suggestions_pct: {} %",
        percent(q_all.recall_bp())
    );
    if let Some(mb) = match_rss {
        println!("recon_peak_rss_mb: {mb} MB");
    }
    if let Some(mb) = inputs_rss {
        println!("recon_inputs_rss_mb: {mb} MB");
    }

    if detail {
        for p in &run.report().passes {
            eprintln!("pass {}: {} automatic, {} suggested", p.name, p.automatic, p.suggested);
        }
        let mut found: HashSet<(&str, &str)> = HashSet::new();
        for m in &auto {
            m.for_each_pair(|b, l| {
                if let Some(l) = l {
                    found.insert((b, l));
                }
            });
        }
        let mut per: HashMap<Scenario, (u64, u64)> = HashMap::new();
        for g in &data.truth {
            let e = per.entry(g.scenario).or_default();
            for b in &g.bank {
                for l in &g.ledger {
                    e.0 += 1;
                    e.1 += u64::from(found.contains(&(b.as_str(), l.as_str())));
                }
            }
        }
        let mut per: Vec<_> = per.into_iter().collect();
        per.sort();
        for (s, (total, hit)) in per {
            eprintln!("scenario {s:?}: {hit}/{total} bank-ledger pairs found automatically");
        }
    }
    ExitCode::SUCCESS
}

/// CPU time (user + system, all threads) this process has used so far, in hundredths of a second
/// (clock ticks), from `/proc/self/stat`.
fn cpu_centiseconds() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which may itself contain spaces: state is the first,
    // utime and stime (in clock ticks of 1/100 s) the 12th and 13th.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut f = rest.split_whitespace().skip(11);
    let utime: u64 = f.next()?.parse().ok()?;
    let stime: u64 = f.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Peak resident set size of this process (Linux `VmHWM`).
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024)
}
