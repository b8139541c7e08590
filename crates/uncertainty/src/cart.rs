//! CART: a small classification tree (Breiman, Friedman, Olshen & Stone 1984,
//! "Classification and Regression Trees", ch. 4) as a second scenario-discovery
//! method beside PRIM (Lempert, Bryant & Bankes 2008 compare the two).
//!
//! Where PRIM finds one box at a time, a tree splits all the draws: each node
//! splits on the one parameter threshold that most reduces the Gini impurity,
//! until the node is pure, the maximum depth is reached, or a split would
//! leave fewer than `min_leaf` draws on one side. Leaves where the outcome
//! (e.g. failure) holds in most draws read as rules ("fails in 96% of the
//! draws where a ≤ 0.5 and b > 3"). No pruning: the depth limit keeps trees
//! small enough to read.
//!
//! Deterministic: thresholds are midpoints between consecutive distinct
//! values, and ties between splits go to the lower parameter index, then the
//! lower threshold.

use serde::Serialize;

/// How to grow the tree.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CartParams {
    /// Most splits from the root to a leaf.
    pub max_depth: usize,
    /// Fewest draws in a leaf.
    pub min_leaf: usize,
}

impl Default for CartParams {
    fn default() -> Self {
        CartParams {
            max_depth: 3,
            min_leaf: 20,
        }
    }
}

/// A node of the tree, over parameter indices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub draws: usize,
    /// Draws in the node where the outcome holds.
    pub hits: usize,
    /// Gini impurity of the node, 2p(1 − p).
    pub gini: f64,
    /// None for a leaf.
    pub split: Option<Split>,
}

/// A node's split: draws with `x[dim] ≤ threshold` go left, the others right.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Split {
    pub dim: usize,
    pub threshold: f64,
    /// Weighted impurity decrease, n·G − n_L·G_L − n_R·G_R (in draws).
    pub decrease: f64,
    pub left: Box<Node>,
    pub right: Box<Node>,
}

/// Gini impurity of a node with `hits` of `n` draws in the class: 1 − p² −
/// (1 − p)² = 2p(1 − p).
///
/// Unit: none, in [0, 0.5]. Source: Breiman et al. (1984), §4.3. Example:
/// 3 of 4 → p = 0.75, 2 · 0.75 · 0.25 = 0.375; 0 of 4 → 0; 2 of 4 → 0.5.
pub fn gini(hits: usize, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let p = hits as f64 / n as f64;
    2.0 * p * (1.0 - p)
}

/// Grow a tree on draws `x` (one row per draw) with outcome `y`.
pub fn cart(x: &[Vec<f64>], y: &[bool], params: &CartParams) -> Node {
    let idx: Vec<usize> = (0..y.len()).collect();
    grow(x, y, &idx, params, 0)
}

#[allow(
    clippy::needless_range_loop,
    reason = "d indexes the columns of every row of x, not x"
)]
fn grow(x: &[Vec<f64>], y: &[bool], idx: &[usize], params: &CartParams, depth: usize) -> Node {
    let n = idx.len();
    let hits = idx.iter().filter(|&&i| y[i]).count();
    let g = gini(hits, n);
    let mut node = Node {
        draws: n,
        hits,
        gini: g,
        split: None,
    };
    let min_leaf = params.min_leaf.max(1);
    if depth >= params.max_depth || hits == 0 || hits == n || n < 2 * min_leaf {
        return node;
    }
    let dims = x.first().map_or(0, Vec::len);
    // (decrease, dim, threshold)
    let mut best: Option<(f64, usize, f64)> = None;
    for d in 0..dims {
        let mut order: Vec<usize> = idx.to_vec();
        order.sort_by(|&a, &b| x[a][d].total_cmp(&x[b][d]).then(a.cmp(&b)));
        let mut left_hits = 0;
        for k in 0..n - 1 {
            left_hits += usize::from(y[order[k]]);
            let (lo, hi) = (x[order[k]][d], x[order[k + 1]][d]);
            let nl = k + 1;
            if lo == hi || nl < min_leaf || n - nl < min_leaf {
                continue;
            }
            let dec = n as f64 * g
                - nl as f64 * gini(left_hits, nl)
                - (n - nl) as f64 * gini(hits - left_hits, n - nl);
            if dec > 1e-12 && best.is_none_or(|b| dec > b.0 + 1e-12) {
                best = Some((dec, d, lo + (hi - lo) / 2.0));
            }
        }
    }
    if let Some((decrease, dim, threshold)) = best {
        let (l, r): (Vec<usize>, Vec<usize>) = idx.iter().partition(|&&i| x[i][dim] <= threshold);
        node.split = Some(Split {
            dim,
            threshold,
            decrease,
            left: Box::new(grow(x, y, &l, params, depth + 1)),
            right: Box::new(grow(x, y, &r, params, depth + 1)),
        });
    }
    node
}

/// One leaf as a rule: the conditions on the way to it and its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// (parameter index, "≤" or ">", threshold), root first.
    pub conditions: Vec<(usize, &'static str, f64)>,
    pub draws: usize,
    pub hits: usize,
}

impl Rule {
    /// Share of the rule's draws where the outcome holds.
    pub fn density(&self) -> f64 {
        self.hits as f64 / self.draws.max(1) as f64
    }
}

/// Every leaf of `tree` as a rule, left to right.
pub fn rules(tree: &Node) -> Vec<Rule> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(tree, &mut path, &mut out);
    out
}

fn walk(n: &Node, path: &mut Vec<(usize, &'static str, f64)>, out: &mut Vec<Rule>) {
    match &n.split {
        None => out.push(Rule {
            conditions: path.clone(),
            draws: n.draws,
            hits: n.hits,
        }),
        Some(s) => {
            path.push((s.dim, "≤", s.threshold));
            walk(&s.left, path, out);
            path.pop();
            path.push((s.dim, ">", s.threshold));
            walk(&s.right, path, out);
            path.pop();
        }
    }
}

/// The tree as indented text, one line per node: splits as "name ≤ t" /
/// "name > t", leaves with their share of `verb` ("fails").
pub fn describe(tree: &Node, names: &[String], verb: &str) -> String {
    let mut out = String::new();
    fn line(n: &Node, names: &[String], verb: &str, depth: usize, head: &str, out: &mut String) {
        let pad = "  ".repeat(depth);
        let counts = format!(
            "{verb} in {:.1}% ({} of {} draws)",
            100.0 * n.hits as f64 / n.draws.max(1) as f64,
            n.hits,
            n.draws
        );
        out.push_str(&format!("{pad}{head}{counts}\n"));
        if let Some(s) = &n.split {
            let name = names.get(s.dim).map_or("?", String::as_str);
            let t = crate::prim::limit_text(s.threshold, false);
            line(
                &s.left,
                names,
                verb,
                depth + 1,
                &format!("{name} ≤ {t}: "),
                out,
            );
            line(
                &s.right,
                names,
                verb,
                depth + 1,
                &format!("{name} > {t}: "),
                out,
            );
        }
    }
    line(tree, names, verb, 0, "all draws: ", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_of_worked_examples() {
        assert_eq!(gini(3, 4), 0.375);
        assert_eq!(gini(0, 4), 0.0);
        assert_eq!(gini(2, 4), 0.5);
        assert_eq!(gini(0, 0), 0.0);
    }

    /// A hand-checked dataset: eight draws, two parameters.
    ///
    ///   draw  x0  x1  y
    ///   0     1   0   no
    ///   1     2   1   no
    ///   2     3   0   yes
    ///   3     4   1   no
    ///   4     5   0   yes
    ///   5     6   1   yes
    ///   6     7   0   yes
    ///   7     8   1   no
    ///
    /// Root: 4 of 8, G = 0.5, n·G = 4. Best split on x0 at 2.5: left 0 of 2
    /// (G 0), right 4 of 6 (G = 2·(2/3)(1/3) = 4/9), decrease 4 − 6·4/9 =
    /// 4/3. (x0 ≤ 4.5: left 1 of 4, right 3 of 4, both G 0.375, decrease 4 −
    /// 3 = 1; x0 ≤ 6.5: left 3 of 6 (G 0.5), right 1 of 2 (0.5), 0; x1 ≤ 0.5:
    /// 3 of 4 and 1 of 4, decrease 1.) With min_leaf 2 and depth 2 the right
    /// node (x0 3..8, y = yes no yes yes yes no) splits on x0 ≤ 7.5: left 4
    /// of 5 (G 0.32), right 0 of 1 — not allowed (min_leaf 2); x0 ≤ 3.5: 1
    /// of 1 — not allowed; x0 ≤ 4.5: left 1 of 2 (G 0.5), right 3 of 4
    /// (0.375), decrease 6·4/9 − 1 − 1.5 = 1/6; x0 ≤ 6.5: left 3 of 4
    /// (0.375), right 1 of 2 (0.5), 1/6 (tie: the lower threshold wins);
    /// x0 ≤ 5.5: 2 of 3 and 2 of 3, decrease 8/3 − 8/3 = 0; x1 ≤ 0.5 (x1 = 0
    /// for draws 2, 4, 6, all yes; x1 = 1 for draws 3, 5, 7, 1 of 3): left 3
    /// of 3 (G 0), right 1 of 3 (4/9), decrease 8/3 − 4/3 = 4/3, the best.
    #[test]
    fn a_hand_checked_tree() {
        let x: Vec<Vec<f64>> = (0..8)
            .map(|i| vec![f64::from(i + 1), f64::from(i % 2)])
            .collect();
        let y = [false, false, true, false, true, true, true, false];
        let t = cart(
            &x,
            &y,
            &CartParams {
                max_depth: 2,
                min_leaf: 2,
            },
        );
        assert_eq!((t.draws, t.hits, t.gini), (8, 4, 0.5));
        let s = t.split.as_ref().unwrap();
        assert_eq!((s.dim, s.threshold), (0, 2.5));
        assert!((s.decrease - 4.0 / 3.0).abs() < 1e-12);
        assert_eq!((s.left.draws, s.left.hits), (2, 0));
        assert!(s.left.split.is_none(), "a pure node is a leaf");
        let r = s.right.split.as_ref().unwrap();
        assert_eq!((r.dim, r.threshold), (1, 0.5));
        assert!((r.decrease - 4.0 / 3.0).abs() < 1e-12);
        assert_eq!((r.left.draws, r.left.hits), (3, 3));
        assert_eq!((r.right.draws, r.right.hits), (3, 1));
        assert!(r.right.split.is_none(), "depth 2 reached");
        let rules = rules(&t);
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[1].conditions, vec![(0, ">", 2.5), (1, "≤", 0.5)]);
        assert_eq!(rules[1].density(), 1.0);
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            describe(&t, &names, "fails"),
            "all draws: fails in 50.0% (4 of 8 draws)\n\
             \x20 a ≤ 2.5: fails in 0.0% (0 of 2 draws)\n\
             \x20 a > 2.5: fails in 66.7% (4 of 6 draws)\n\
             \x20   b ≤ 0.5: fails in 100.0% (3 of 3 draws)\n\
             \x20   b > 0.5: fails in 33.3% (1 of 3 draws)\n"
        );
    }

    #[test]
    fn min_leaf_and_depth_stop_the_growth() {
        let x: Vec<Vec<f64>> = (0..8).map(|i| vec![f64::from(i)]).collect();
        let y = [false, true, false, true, false, true, false, true];
        let stump = cart(
            &x,
            &y,
            &CartParams {
                max_depth: 0,
                min_leaf: 1,
            },
        );
        assert!(stump.split.is_none());
        let big_leaves = cart(
            &x,
            &y,
            &CartParams {
                max_depth: 5,
                min_leaf: 5,
            },
        );
        assert!(
            big_leaves.split.is_none(),
            "8 draws cannot make two leaves of 5"
        );
        // Every leaf honours min_leaf.
        let t = cart(
            &x,
            &y,
            &CartParams {
                max_depth: 5,
                min_leaf: 2,
            },
        );
        assert!(rules(&t).iter().all(|r| r.draws >= 2));
    }
}
