//! The one seeded random generator of the tests.

use faer::Mat;

/// A small deterministic generator: a 64-bit linear congruential generator
/// whose top 53 bits make the floats. Seeded explicitly ([`Rng::new`]) for
/// reproducible data, or from `LAGRANGE_TEST_SEED` / the clock
/// ([`Rng::fresh`]) with the seed printed so that a failure can be replayed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator with this seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Seeded from `LAGRANGE_TEST_SEED` or the clock; the seed is printed
    /// with the test's name.
    pub fn fresh(test: &str) -> Rng {
        let seed = std::env::var("LAGRANGE_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        eprintln!("{test}: LAGRANGE_TEST_SEED={seed}");
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [−1, 1).
    pub fn next(&mut self) -> f64 {
        self.unit() * 2.0 - 1.0
    }

    /// `n` values uniform in [−1, 1).
    pub fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.next()).collect()
    }

    /// `n` values uniform in [lo, hi).
    pub fn uniform(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n).map(|_| lo + (hi - lo) * self.unit()).collect()
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 33) % n as u64) as usize
    }

    /// One of `items`, uniformly.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A random symmetric positive definite matrix B Bᵀ + (n/2) I.
    pub fn spd(&mut self, n: usize) -> Mat<f64> {
        let b = Mat::from_fn(n, n, |_, _| self.next());
        let mut a = &b * b.transpose();
        for i in 0..n {
            a[(i, i)] += n as f64 * 0.5;
        }
        a
    }
}
