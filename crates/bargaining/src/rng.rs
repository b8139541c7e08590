//! A tiny counter-based random stream (SplitMix64), so that every random draw is a
//! pure function of (seed, turn, actor) and results do not depend on thread count
//! or scheduling.

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mix.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in [0, 1) determined by `seed` and the two stream coordinates
/// (here: turn and actor). 53 random bits.
pub fn uniform01(seed: u64, a: u64, b: u64) -> f64 {
    let h = splitmix64(splitmix64(splitmix64(seed) ^ a) ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03));
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::uniform01;

    #[test]
    fn draws_are_repeatable_and_in_range() {
        for t in 0..50 {
            for i in 0..50 {
                let u = uniform01(7, t, i);
                assert!((0.0..1.0).contains(&u));
                assert_eq!(u, uniform01(7, t, i));
            }
        }
        assert_ne!(uniform01(7, 1, 2), uniform01(8, 1, 2));
        assert_ne!(uniform01(7, 1, 2), uniform01(7, 2, 1));
    }
}
