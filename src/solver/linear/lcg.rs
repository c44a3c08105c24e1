//! A deterministic pseudo-random sequence (64-bit LCG, top 53 bits): the
//! singularity probe's generic right-hand side and the tests' matrices are
//! the same on every machine.

/// Knuth's MMIX linear congruential generator.
#[derive(Clone, Debug)]
pub(crate) struct Lcg(u64);

impl Lcg {
    /// The sequence from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number, uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The next number, uniform in [−1, 1).
    #[cfg(test)]
    pub(crate) fn symmetric(&mut self) -> f64 {
        2.0 * self.unit() - 1.0
    }
}
