//! In-process solve time of the scalable families (src/families) at
//! n = 10 and 100, and at 1000 where one solve converges in about a second:
//! each generated file is loaded and compiled once through the problem-file
//! path, checked against its closed form, then only the solve is timed.
//!
//! Run: `cargo bench --bench families` (filter: `cargo bench --bench families -- chain`).
//! `lagrange bench` measures the same solves from the command line, with
//! load times, errors and plots.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use lagrange::families::{generate, EQUALITY_FAMILIES};
use lagrange::problem_file::{compile::compile, load_str};
use lagrange::solver::{solve, Newton, Settings, Status};

/// One solve above this is left out of the timed sizes beyond 100.
const SLOW: Duration = Duration::from_secs(1);

fn families(c: &mut Criterion) {
    // The tolerance of `lagrange bench`; the history is not kept (criterion
    // measures the solver, not the bookkeeping).
    let settings = Settings::builder()
        .tolerance(1e-10)
        .record_history(false)
        .build()
        .unwrap();
    // Newton takes equations only; the inequality families are for the
    // interior-point solver.
    for family in EQUALITY_FAMILIES {
        let mut group = c.benchmark_group(family);
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(2));
        group.sample_size(10);
        for n in [10, 100, 1000] {
            let generated = generate(family, n).unwrap();
            let text = serde_json::to_string(&generated.file).unwrap();
            let definition = load_str(Path::new(&format!("{family}-{n}.json")), &text).unwrap();
            let mut problem = compile(&definition).unwrap();
            // The first solve, stopped between iterations once it is slow.
            let started = Instant::now();
            let mut newton = Newton::new(settings.clone());
            newton.init(&mut problem);
            while newton.status().is_none() && (n <= 100 || started.elapsed() <= SLOW) {
                newton.next_iter(&mut problem);
            }
            let first = newton.finish(&mut problem, Some(Status::MaxIterations));
            let once = started.elapsed();
            if n > 100 && (once > SLOW || first.status != Status::Converged) {
                println!(
                    "{family}/{n}: {} after {} iterations and {:.2} s, not timed",
                    first.status,
                    first.iterations,
                    once.as_secs_f64()
                );
                continue;
            }
            assert_eq!(first.status, Status::Converged, "{family} n={n}");
            let error = (first.objective - generated.objective).abs()
                / generated.objective.abs().max(f64::MIN_POSITIVE);
            assert!(error <= 1e-8, "{family} n={n}: objective error {error:e}");
            println!(
                "{family}/{n}: {} iterations, first solve {:.3} ms",
                first.iterations,
                once.as_secs_f64() * 1e3
            );
            group.bench_function(BenchmarkId::from_parameter(n), |b| {
                b.iter(|| black_box(solve(&mut problem, &settings)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, families);
criterion_main!(benches);
