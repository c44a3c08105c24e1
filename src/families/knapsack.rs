//! Continuous quadratic knapsack (a separable QP with one equation and box
//! bounds): minimize Σ ½ dᵢ (xᵢ − aᵢ)² subject to Σ bᵢ xᵢ = c and
//! lᵢ ≤ xᵢ ≤ uᵢ, with d, b > 0.
//!
//! Closed form (Helgason, Kennington and Lall 1980; Brucker 1984):
//! stationarity dᵢ(xᵢ − aᵢ) = λ bᵢ + zᵢ gives xᵢ(λ) = clamp(aᵢ + λ bᵢ/dᵢ, lᵢ,
//! uᵢ), and φ(λ) = Σ bᵢ xᵢ(λ) is nondecreasing and piecewise linear with
//! breakpoints dᵢ(lᵢ − aᵢ)/bᵢ and dᵢ(uᵢ − aᵢ)/bᵢ. A binary search over the
//! sorted breakpoints finds the piece where φ crosses c, and on that piece
//! φ(λ) = c is one linear equation: λ = (c − Σ_clamped bᵢ xᵢ − Σ_free bᵢ aᵢ)
//! / Σ_free bᵢ²/dᵢ.
//!
//! Multipliers (g = Σ bᵢ xᵢ − c, ∇f = λ b + z): λ = d f*/dc; at a bound
//! zᵢ = dᵢ(xᵢ − aᵢ) − λ bᵢ, positive at a lower bound (raising it costs)
//! and negative at an upper one (raising it helps).
//!
//! Data: index i mod 3 picks free, at the lower bound, at the upper bound,
//! with the unclamped point aᵢ + λ bᵢ/dᵢ (λ = 0.7 by construction) inside
//! the box by at least an eighth of its width, or outside by at least half
//! of it (so |zᵢ| = dᵢ·distance ≥ 0.25), so complementarity is strict at
//! every n.

use super::util::{expected, with_bound_multipliers, Lcg};
use super::GeneratedProblem;
use serde_json::json;

/// The multiplier of the construction.
const LAMBDA: f64 = 0.7;

/// The data of one instance.
struct Knapsack {
    d: Vec<f64>,
    a: Vec<f64>,
    b: Vec<f64>,
    c: f64,
    l: Vec<f64>,
    u: Vec<f64>,
}

fn data(n: usize) -> Knapsack {
    let mut rng = Lcg::new(0x6b5a + n as u64);
    let (mut d, mut a, mut b, mut l, mut u) = (vec![], vec![], vec![], vec![], vec![]);
    let mut c = 0.0;
    for i in 0..n {
        let di = 1.0 + 4.0 * rng.next_f64();
        let bi = 0.5 + rng.next_f64();
        let li = -rng.next_f64();
        let width = 0.5 + rng.next_f64();
        let v = rng.next_f64();
        // The unclamped point aᵢ + λ bᵢ/dᵢ and the solution.
        let (point, xi) = match i % 3 {
            0 => {
                let p = li + width * (0.125 + 0.75 * v);
                (p, p)
            }
            1 => (li - width * (0.5 + v), li),
            _ => (li + width * (1.5 + v), li + width),
        };
        d.push(di);
        b.push(bi);
        l.push(li);
        u.push(li + width);
        a.push(point - LAMBDA * bi / di);
        c += bi * xi;
    }
    Knapsack { d, a, b, c, l, u }
}

impl Knapsack {
    /// x(λ): the minimizer of the Lagrangian over the box.
    fn x_of(&self, lambda: f64, i: usize) -> f64 {
        (self.a[i] + lambda * self.b[i] / self.d[i]).clamp(self.l[i], self.u[i])
    }

    /// φ(λ) = Σ bᵢ xᵢ(λ).
    fn phi(&self, lambda: f64) -> f64 {
        (0..self.a.len())
            .map(|i| self.b[i] * self.x_of(lambda, i))
            .sum()
    }

    /// λ with φ(λ) = c, exactly on its linear piece.
    fn multiplier(&self) -> f64 {
        let n = self.a.len();
        let mut breakpoints: Vec<f64> = (0..n)
            .flat_map(|i| {
                let scale = self.d[i] / self.b[i];
                [
                    scale * (self.l[i] - self.a[i]),
                    scale * (self.u[i] - self.a[i]),
                ]
            })
            .collect();
        breakpoints.sort_by(f64::total_cmp);
        // The first breakpoint with φ > c: φ ≤ c on all before it.
        let above = breakpoints.partition_point(|&t| self.phi(t) <= self.c);
        let lo = above.checked_sub(1).map(|k| breakpoints[k]);
        let hi = breakpoints.get(above).copied();
        if let Some(lo) = lo {
            if self.phi(lo) == self.c {
                return lo;
            }
        }
        // A point strictly inside the piece, where the free set is constant.
        let inside = match (lo, hi) {
            (Some(lo), Some(hi)) => 0.5 * (lo + hi),
            (Some(lo), None) => lo + 1.0,
            (None, Some(hi)) => hi - 1.0,
            (None, None) => 0.0,
        };
        let (mut rest, mut slope) = (self.c, 0.0);
        for i in 0..n {
            let x = self.x_of(inside, i);
            if x > self.l[i] && x < self.u[i] {
                rest -= self.b[i] * self.a[i];
                slope += self.b[i] * self.b[i] / self.d[i];
            } else {
                rest -= self.b[i] * x;
            }
        }
        rest / slope
    }

    /// The solution x, the multiplier λ, the bound multipliers z and f*.
    fn solve(&self) -> (Vec<f64>, f64, Vec<f64>, f64) {
        let lambda = self.multiplier();
        let n = self.a.len();
        let x: Vec<f64> = (0..n).map(|i| self.x_of(lambda, i)).collect();
        let z: Vec<f64> = (0..n)
            .map(|i| {
                if x[i] > self.l[i] && x[i] < self.u[i] {
                    0.0
                } else {
                    self.d[i] * (x[i] - self.a[i]) - lambda * self.b[i]
                }
            })
            .collect();
        let objective = (0..n)
            .map(|i| 0.5 * self.d[i] * (x[i] - self.a[i]).powi(2))
            .sum();
        (x, lambda, z, objective)
    }
}

pub fn generate(n: usize) -> GeneratedProblem {
    let k = data(n);
    let (x, lambda, z, objective) = k.solve();
    let start: Vec<f64> = (0..n).map(|i| 0.5 * (k.l[i] + k.u[i])).collect();
    let xs = vec![("x".to_string(), x)];
    let zs = vec![("x".to_string(), z)];
    let file = json!({
        "name": format!("knapsack-{n}"),
        "description": format!(
            "Continuous quadratic knapsack, n = {n}: minimize sum(0.5 d (x - a)^2) subject to b.x = c, \
             l <= x <= u (d, b > 0). Closed form: x_i = clamp(a_i + lambda b_i/d_i, l_i, u_i) with lambda \
             the root of the nondecreasing piecewise-linear sum(b_i x_i(lambda)) = c, found exactly by a \
             search over the sorted breakpoints d_i (l_i - a_i)/b_i, d_i (u_i - a_i)/b_i (lambda = {LAMBDA} \
             by construction); bound multipliers z_i = d_i (x_i - a_i) - lambda b_i, > 0 at the lower \
             bound (i mod 3 = 1), < 0 at the upper (i mod 3 = 2), 0 inside (i mod 3 = 0)."
        ),
        "variables": [{"name": "x", "size": n, "start": start, "lower": "l", "upper": "u"}],
        "parameters": {"d": k.d, "a": k.a, "b": k.b, "c": k.c, "l": k.l, "u": k.u},
        "minimize": "0.5 * sum(d * (x - a)^2)",
        "constraints": [{"name": "budget", "equation": "dot(b, x) = c"}],
        "expected": with_bound_multipliers(
            expected(objective, Some(&xs), Some(json!([lambda]))),
            &zs,
        ),
    });
    GeneratedProblem {
        file,
        objective,
        x: xs,
        multipliers: Some(vec![lambda]),
        bound_multipliers: Some(zs),
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::bisect;
    use super::*;

    #[test]
    fn multiplier_matches_a_bisection_and_the_construction() {
        for n in [3, 4, 10, 101, 1000] {
            let k = data(n);
            let by_bisection = bisect(-100.0, 100.0, |t| k.phi(t) - k.c);
            let lambda = k.multiplier();
            assert!((lambda - by_bisection).abs() <= 1e-12, "n={n}");
            assert!((lambda - LAMBDA).abs() <= 1e-12, "n={n}: {lambda}");
            let (x, _, z, _) = k.solve();
            for i in 0..n {
                match i % 3 {
                    0 => assert!(x[i] > k.l[i] && x[i] < k.u[i] && z[i] == 0.0),
                    1 => assert!(x[i] == k.l[i] && z[i] > 0.0, "n={n} i={i}"),
                    _ => assert!(x[i] == k.u[i] && z[i] < 0.0, "n={n} i={i}"),
                }
            }
        }
    }

    #[test]
    fn the_multiplier_is_the_derivative_of_the_optimal_value() {
        let mut k = data(10);
        let (_, lambda, _, objective) = k.solve();
        let c = k.c;
        let mut value = |c_new: f64| {
            k.c = c_new;
            k.solve().3
        };
        assert!((value(c) - objective).abs() <= 1e-15);
        let h = 1e-6;
        let derivative = (value(c + h) - value(c - h)) / (2.0 * h);
        assert!(
            (derivative - lambda).abs() <= 1e-7,
            "{derivative} vs {lambda}"
        );
    }
}
