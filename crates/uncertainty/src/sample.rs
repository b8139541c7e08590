//! Random streams and samplers.
//!
//! Every random number is a pure function of (seed, purpose, index): draw `i`
//! reads its own ChaCha8 stream (Bernstein 2008; `rand_chacha`), keyed by the
//! seed and the purpose and selected by `set_stream(i)`. Nothing depends on
//! which thread runs which draw, so results are bit-identical on 1 or N threads
//! and across runs with the same seed.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde::Serialize;

/// What a stream is used for; different purposes never share numbers.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    /// The uniforms of one draw (Monte Carlo) or its offsets within strata (LHS).
    Draw = 1,
    /// The stratum permutation of one factor (LHS).
    LhsPermutation = 2,
    /// One row of the Saltelli A and B matrices.
    Saltelli = 3,
    /// One bootstrap replicate.
    Bootstrap = 4,
    /// The scramble of one dimension of the Sobol' sequence.
    SobolScramble = 5,
    /// One Morris trajectory.
    Morris = 6,
}

/// The random stream for (seed, purpose, index).
pub fn stream(seed: u64, purpose: Purpose, index: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&(purpose as u64).to_le_bytes());
    key[16..24].copy_from_slice(b"guarant.");
    key[24..].copy_from_slice(b"uncertai");
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(index);
    rng
}

/// A uniform number in [0, 1) with 53 random bits.
pub fn uniform(rng: &mut impl RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform index in 0..n (Lemire's multiply-shift; the bias is below 2⁻³² for n < 2³²).
pub fn index_below(rng: &mut impl RngCore, n: usize) -> usize {
    ((rng.next_u32() as u64 * n as u64) >> 32) as usize
}

/// How draws are spread over the uncertainty space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sampler {
    /// Independent uniform quantiles per draw.
    Mc,
    /// Latin hypercube (McKay, Beckman & Conover 1979): each factor's [0, 1)
    /// is cut into n equal strata and every stratum is used exactly once.
    Lhs,
}

impl Sampler {
    pub fn parse(s: &str) -> Option<Sampler> {
        match s {
            "mc" | "montecarlo" | "monte-carlo" => Some(Sampler::Mc),
            "lhs" | "latin" => Some(Sampler::Lhs),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Sampler::Mc => "mc",
            Sampler::Lhs => "lhs",
        }
    }
}

/// A plan of `n` draws over `factors` independent uniform quantiles.
#[derive(Debug, Clone)]
pub struct Plan {
    pub sampler: Sampler,
    pub seed: u64,
    pub n: usize,
    pub factors: usize,
    /// Latin hypercube only: the draws are split into this many independent
    /// Latin hypercubes (replicates), draws `replicate_bounds(r)` each; 1: one.
    pub replicates: usize,
    /// LHS only: `strata[f][i]` = the stratum of factor f used by draw i,
    /// within its replicate.
    strata: Vec<Vec<u32>>,
}

impl Plan {
    pub fn new(sampler: Sampler, seed: u64, n: usize, factors: usize) -> Plan {
        Plan::replicated(sampler, seed, n, factors, 1)
    }

    /// `replicates` independent Latin hypercubes of about n/replicates draws
    /// each (the sampler must be LHS; Monte Carlo draws are independent anyway).
    pub fn replicated(
        sampler: Sampler,
        seed: u64,
        n: usize,
        factors: usize,
        replicates: usize,
    ) -> Plan {
        let replicates = match sampler {
            Sampler::Mc => 1,
            Sampler::Lhs => replicates.clamp(1, n.max(1)),
        };
        let mut plan = Plan {
            sampler,
            seed,
            n,
            factors,
            replicates,
            strata: Vec::new(),
        };
        if sampler == Sampler::Lhs {
            plan.strata = (0..factors)
                .map(|f| {
                    let mut col = Vec::with_capacity(n);
                    for r in 0..replicates {
                        let (a, b) = plan.replicate_bounds(r);
                        // Fisher–Yates shuffle of 0..len from the (factor,
                        // replicate) stream; replicate 0 uses the factor's own.
                        let key = f as u64 | ((r as u64) << 32);
                        let mut rng = stream(seed, Purpose::LhsPermutation, key);
                        let len = b - a;
                        let mut p: Vec<u32> = (0..len as u32).collect();
                        for i in (1..len).rev() {
                            p.swap(i, index_below(&mut rng, i + 1));
                        }
                        col.extend(p);
                    }
                    col
                })
                .collect();
        }
        plan
    }

    /// Draws of replicate r: [⌊r·n/R⌋, ⌊(r + 1)·n/R⌋).
    ///
    /// Example: n = 10, R = 3 → [0, 3), [3, 6), [6, 10).
    pub fn replicate_bounds(&self, r: usize) -> (usize, usize) {
        (
            r * self.n / self.replicates,
            (r + 1) * self.n / self.replicates,
        )
    }

    /// The replicate draw `i` belongs to.
    pub fn replicate_of(&self, i: usize) -> usize {
        let mut r = i * self.replicates / self.n.max(1);
        while r + 1 < self.replicates && self.replicate_bounds(r + 1).0 <= i {
            r += 1;
        }
        while r > 0 && self.replicate_bounds(r).0 > i {
            r -= 1;
        }
        r
    }

    /// The uniform quantiles of draw `i`, one per factor.
    pub fn draw(&self, i: usize) -> Vec<f64> {
        let mut rng = stream(self.seed, Purpose::Draw, i as u64);
        let len = match self.sampler {
            Sampler::Mc => 0,
            Sampler::Lhs => {
                let (a, b) = self.replicate_bounds(self.replicate_of(i));
                b - a
            }
        };
        (0..self.factors)
            .map(|f| {
                let v = uniform(&mut rng);
                match self.sampler {
                    Sampler::Mc => v,
                    Sampler::Lhs => (self.strata[f][i] as f64 + v) / len as f64,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_repeatable_and_distinct() {
        let a = uniform(&mut stream(7, Purpose::Draw, 3));
        assert_eq!(a, uniform(&mut stream(7, Purpose::Draw, 3)));
        assert_ne!(a, uniform(&mut stream(7, Purpose::Draw, 4)));
        assert_ne!(a, uniform(&mut stream(8, Purpose::Draw, 3)));
        assert_ne!(a, uniform(&mut stream(7, Purpose::Saltelli, 3)));
    }

    #[test]
    fn replicates_are_latin_hypercubes_of_their_own() {
        let p = Plan::replicated(Sampler::Lhs, 4, 10, 2, 3);
        assert_eq!(
            (0..3).map(|r| p.replicate_bounds(r)).collect::<Vec<_>>(),
            vec![(0, 3), (3, 6), (6, 10)]
        );
        let of: Vec<usize> = (0..10).map(|i| p.replicate_of(i)).collect();
        assert_eq!(of, vec![0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
        for r in 0..3 {
            let (a, b) = p.replicate_bounds(r);
            for f in 0..2 {
                let mut cells: Vec<usize> = (a..b)
                    .map(|i| (p.draw(i)[f] * (b - a) as f64) as usize)
                    .collect();
                cells.sort_unstable();
                assert_eq!(cells, (0..b - a).collect::<Vec<_>>());
            }
        }
        // One replicate is the plain Latin hypercube.
        let one = Plan::replicated(Sampler::Lhs, 4, 10, 2, 1);
        let plain = Plan::new(Sampler::Lhs, 4, 10, 2);
        assert_eq!(one.draw(7), plain.draw(7));
    }

    #[test]
    fn a_draw_does_not_depend_on_the_others() {
        let p = Plan::new(Sampler::Mc, 1, 100, 3);
        let q = Plan::new(Sampler::Mc, 1, 5000, 3);
        assert_eq!(p.draw(42), q.draw(42));
    }
}
