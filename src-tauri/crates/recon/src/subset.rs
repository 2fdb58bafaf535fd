//! Which candidates sum exactly to a target: a bounded depth-first search over minor units, so a
//! payment-run debit meets exactly the payments it contains and nothing is decided by luck.

/// The outcome of a search.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Subset {
    /// No subset of the allowed size sums to the target.
    None,
    /// Exactly one: the candidate positions, ascending.
    Unique(Vec<usize>),
    /// Two or more subsets sum to the target; the data cannot say which is right.
    Ambiguous,
    /// The node budget ran out first; treated like ambiguous, never guessed.
    TooHard,
}

/// Searches subsets of `amounts` (all strictly positive) with `min_items..=max_items` members that sum
/// to `target`, visiting at most `budget` nodes.
pub(crate) fn find(amounts: &[i64], target: i64, min_items: usize, max_items: usize, budget: u32) -> Subset {
    search(amounts, target, min_items, max_items, budget).0
}

/// The subset with the fewest members (up to `max_items`) summing to `target`: `Unique` when exactly
/// one subset of that smallest size exists, `Ambiguous` when several do. For "which few payments
/// were left out of a batch", where one missing payment is far likelier than a combination of three.
pub(crate) fn find_fewest(amounts: &[i64], target: i64, max_items: usize, budget: u32) -> Subset {
    let mut left = budget;
    for k in 1..=max_items.min(amounts.len()) {
        let (found, spent) = search(amounts, target, k, k, left);
        if found != Subset::None {
            return found;
        }
        left = left.saturating_sub(spent);
        if left == 0 {
            return Subset::TooHard;
        }
    }
    Subset::None
}

/// The search, and how many nodes it visited.
fn search(amounts: &[i64], target: i64, min_items: usize, max_items: usize, budget: u32) -> (Subset, u32) {
    if target <= 0 || amounts.iter().any(|&a| a <= 0) {
        return (Subset::None, 0);
    }
    // Largest first prunes soonest; `suffix[i]` = sum of amounts[order[i..]].
    let mut order: Vec<usize> = (0..amounts.len()).collect();
    order.sort_by(|&a, &b| amounts[b].cmp(&amounts[a]).then(a.cmp(&b)));
    let mut suffix = vec![0i64; order.len() + 1];
    for i in (0..order.len()).rev() {
        suffix[i] = suffix[i + 1].saturating_add(amounts[order[i]]);
    }
    let mut state = Search {
        amounts,
        order: &order,
        suffix: &suffix,
        min_items,
        max_items,
        budget,
        picked: Vec::new(),
        found: Vec::new(),
        solutions: 0,
        exhausted: false,
    };
    state.dfs(0, target);
    let spent = budget - state.budget;
    let found = if state.exhausted {
        Subset::TooHard
    } else {
        match state.solutions {
            0 => Subset::None,
            1 => {
                let mut found = state.found;
                found.sort_unstable();
                Subset::Unique(found)
            }
            _ => Subset::Ambiguous,
        }
    };
    (found, spent)
}

struct Search<'a> {
    amounts: &'a [i64],
    order: &'a [usize],
    suffix: &'a [i64],
    min_items: usize,
    max_items: usize,
    budget: u32,
    picked: Vec<usize>,
    found: Vec<usize>,
    solutions: u32,
    exhausted: bool,
}

impl Search<'_> {
    fn dfs(&mut self, pos: usize, remaining: i64) {
        if self.solutions > 1 || self.exhausted {
            return;
        }
        if remaining == 0 {
            if self.picked.len() >= self.min_items {
                self.solutions += 1;
                self.found.clone_from(&self.picked);
            }
            return;
        }
        if self.picked.len() == self.max_items || self.suffix[pos] < remaining {
            return;
        }
        for i in pos..self.order.len() {
            if self.budget == 0 {
                self.exhausted = true;
                return;
            }
            self.budget -= 1;
            if self.suffix[i] < remaining {
                return;
            }
            let idx = self.order[i];
            let a = self.amounts[idx];
            if a > remaining {
                continue;
            }
            self.picked.push(idx);
            self.dfs(i + 1, remaining - a);
            self.picked.pop();
            if self.solutions > 1 || self.exhausted {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_only_subset() {
        assert_eq!(
            find(&[500, 300, 200, 999], 800, 2, 5, 10_000),
            Subset::Unique(vec![0, 1])
        );
    }

    #[test]
    fn two_ways_are_ambiguous() {
        assert_eq!(find(&[100, 100, 50], 150, 2, 5, 10_000), Subset::Ambiguous);
    }

    #[test]
    fn fewest_prefers_one_left_out_over_combinations() {
        // 300 alone, or 100 + 200: one missing payment explains it with fewer items.
        assert_eq!(
            find_fewest(&[100, 200, 300, 5000], 300, 4, 10_000),
            Subset::Unique(vec![2])
        );
        assert_eq!(find_fewest(&[300, 300, 5000], 300, 4, 10_000), Subset::Ambiguous);
    }

    #[test]
    fn respects_sizes_and_budget() {
        assert_eq!(find(&[100, 50, 50], 100, 2, 5, 10_000), Subset::Unique(vec![1, 2]));
        assert_eq!(find(&[10, 20, 30], 60, 2, 2, 10_000), Subset::None);
        let many: Vec<i64> = (1..=40).collect();
        assert_eq!(find(&many, 400, 2, 12, 50), Subset::TooHard);
    }
}
