//! Small helpers shared by the generators.

use serde_json::{json, Map, Value};

/// A deterministic pseudo-random sequence in [0, 1) (64-bit LCG, top 53 bits),
/// so generated files are the same on every machine.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Self(
            seed.wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407),
        )
    }

    pub fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The `expected` object of a problem file; `x` is left out where the
/// optimum is not unique (so `lagrange check` compares only what is).
pub fn expected(
    objective: f64,
    x: Option<&[(String, Vec<f64>)]>,
    multipliers: Option<Value>,
) -> Value {
    let mut e = Map::new();
    e.insert("objective".into(), json!(objective));
    if let Some(x) = x {
        let mut xs = Map::new();
        for (name, v) in x {
            xs.insert(name.clone(), json!(v));
        }
        e.insert("x".into(), Value::Object(xs));
    }
    if let Some(m) = multipliers {
        e.insert("multipliers".into(), m);
    }
    e.insert("tolerance".into(), json!(1e-6));
    Value::Object(e)
}

/// Root of a monotone function on [lo, hi] by bisection to full precision.
pub fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    let f_lo = f(lo);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if (f(mid) > 0.0) == (f_lo > 0.0) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// `expected` with `bound_multipliers` (a map from variable name to its z,
/// shaped like `x`) added before the tolerance.
pub fn with_bound_multipliers(mut expected: Value, z: &[(String, Vec<f64>)]) -> Value {
    let mut zs = Map::new();
    for (name, v) in z {
        zs.insert(name.clone(), json!(v));
    }
    if let Value::Object(e) = &mut expected {
        let tolerance = e.remove("tolerance");
        e.insert("bound_multipliers".into(), Value::Object(zs));
        if let Some(t) = tolerance {
            e.insert("tolerance".into(), t);
        }
    }
    expected
}
