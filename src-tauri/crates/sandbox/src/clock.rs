//! The demo clock: while it runs the AP system's world moves — invoices arrive and wait for their
//! first approver, suppliers go on hold and come off it — so the app is alive when opened. Every
//! change bumps versions and is announced by webhook, as real work at the source would be.

use std::sync::{Mutex, Weak};
use std::time::Duration;

use chrono::Utc;
use rand::{Rng, SeedableRng};

use crate::ap::ApState;

pub(crate) async fn run(state: Weak<Mutex<ApState>>, every: Duration, seed: u64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xC10C);
    loop {
        tokio::time::sleep(every).await;
        let Some(state) = state.upgrade() else { return };
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        let arrivals = rng.gen_range(1..=3);
        for _ in 0..arrivals {
            s.arrive(&mut rng, Utc::now());
        }
        if rng.gen_ratio(1, 3) {
            s.toggle_random_hold(&mut rng);
        }
    }
}
