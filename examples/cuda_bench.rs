//! GPU timings of the CUDA backend (feature `cuda`): achieved bandwidth of
//! the elementwise, reduction and matrix-vector kernels at 10⁸ elements next
//! to a device-to-device copy measured in the same run, and the gradient of
//! f(x) = Σ exp(sin x)·x² on the GPU against the CPU engine
//! (`lagrange::autodiff::Tensor`) and CPU references, on all cores.
//!
//! ```text
//! cargo run --release --features cuda --example cuda_bench -- [--n 100000000] [--reps 10] [--matrix 10000] [--out table.md]
//! ```
//! GPU times come from CUDA events around batches of 5 back-to-back calls
//! of each op (median over `--reps` batches, after a warm-up); bytes are
//! those the kernel must move (reads + writes, 8 per f64).
//! kernels/gpu-check.sh runs this on the GPU machine.

#[cfg(not(feature = "cuda"))]
fn main() {
    eprintln!("cuda_bench needs the `cuda` feature: cargo run --release --features cuda --example cuda_bench");
}

#[cfg(feature = "cuda")]
fn main() {
    if let Err(e) = bench::run() {
        eprintln!("cuda_bench: {e}");
        std::process::exit(1);
    }
}

#[cfg(feature = "cuda")]
mod bench {
    use std::fmt::Write as _;
    use std::time::Instant;

    use lagrange::cuda::{
        device_info, sum_value_and_grad, CudaError, Device, DeviceTensor, Expr, GpuTimer,
    };
    use rayon::prelude::*;

    type Res<T> = Result<T, Box<dyn std::error::Error>>;

    struct Args {
        n: usize,
        reps: usize,
        matrix: usize,
        out: Option<String>,
    }

    fn args() -> Res<Args> {
        let mut a = Args {
            n: 100_000_000,
            reps: 10,
            matrix: 10_000,
            out: None,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--n" => a.n = value()?.parse()?,
                "--reps" => a.reps = value()?.parse::<usize>()?.max(1),
                "--matrix" => a.matrix = value()?.parse()?,
                "--out" => a.out = Some(value()?),
                other => return Err(format!("unknown argument {other}").into()),
            }
        }
        Ok(a)
    }

    /// Ops per timed batch: launches are asynchronous, so the host work of
    /// one op (graph bookkeeping, cached allocation) overlaps the GPU work of
    /// the previous one instead of showing up as idle GPU time.
    const BATCH: usize = 5;

    /// GPU milliseconds per call of `op`: the median over `reps` batches of
    /// BATCH back-to-back calls between two CUDA events, after a warm-up.
    /// `setup` runs before each call; it must only do host work (such as
    /// dropping a gradient), which the batching hides.
    fn time_gpu<T>(
        timer: &GpuTimer,
        reps: usize,
        mut setup: impl FnMut() -> Result<(), CudaError>,
        mut op: impl FnMut() -> Result<T, CudaError>,
    ) -> Result<f64, CudaError> {
        setup()?;
        drop(op()?);
        let mut ms = Vec::with_capacity(reps);
        for _ in 0..reps {
            timer.start()?;
            for _ in 0..BATCH {
                setup()?;
                drop(op()?);
            }
            ms.push(timer.stop()? / BATCH as f64);
        }
        ms.sort_by(f64::total_cmp);
        Ok(ms[ms.len() / 2])
    }

    fn time_host(reps: usize, mut op: impl FnMut()) -> f64 {
        op();
        let mut ms: Vec<f64> = (0..reps)
            .map(|_| {
                let t = Instant::now();
                op();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        ms[ms.len() / 2]
    }

    fn random(n: usize, seed: u64, lo: f64, hi: f64) -> Vec<f64> {
        (0..n)
            .into_par_iter()
            .map(|i| {
                // splitmix64 of (seed, i): reproducible in parallel.
                let mut z = seed.wrapping_add((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                lo + (hi - lo) * ((z >> 11) as f64 / (1u64 << 53) as f64)
            })
            .collect()
    }

    /// The gradient the way an eager CPU engine computes it: every op
    /// materialises its output, the backward pass reads the saved values
    /// (sin, exp, square, mul, sum; then mul, exp, sin and square backward
    /// accumulating into dx), each op parallel over all cores.
    fn cpu_eager(x: &[f64]) -> (f64, Vec<f64>) {
        let s: Vec<f64> = x.par_iter().map(|v| v.sin()).collect();
        let e: Vec<f64> = s.par_iter().map(|v| v.exp()).collect();
        let q: Vec<f64> = x.par_iter().map(|v| v * v).collect();
        let p: Vec<f64> = e.par_iter().zip(&q).map(|(a, b)| a * b).collect();
        let f: f64 = p.par_iter().sum();
        // backward, seed 1 broadcast from the sum
        let ge: Vec<f64> = q.par_iter().map(|b| *b).collect(); // d p / d e = q
        let gq: Vec<f64> = e.par_iter().map(|a| *a).collect(); // d p / d q = e
        let gs: Vec<f64> = ge.par_iter().zip(&e).map(|(g, e)| g * e).collect();
        let mut gx: Vec<f64> = gs.par_iter().zip(x).map(|(g, x)| g * x.cos()).collect();
        gx.par_iter_mut()
            .zip(&gq)
            .zip(x)
            .for_each(|((d, g), x)| *d += g * 2.0 * x);
        (f, gx)
    }

    /// The best a CPU does: one fused parallel pass (value and gradient).
    fn cpu_fused(x: &[f64], grad: &mut [f64]) -> f64 {
        grad.par_iter_mut()
            .zip(x)
            .map(|(g, &x)| {
                let (s, c) = x.sin_cos();
                let e = s.exp();
                *g = e * (x * x * c + 2.0 * x);
                e * x * x
            })
            .sum()
    }

    struct Row {
        name: String,
        bytes: f64,
        ms: f64,
        target: Option<f64>,
    }

    pub fn run() -> Res<()> {
        let a = args()?;
        let dev = Device::Cuda(0);
        let info = device_info(dev)?;
        let n = a.n;
        let threads = rayon::current_num_threads();
        let mut report = String::new();
        writeln!(
            report,
            "# lagrange CUDA benchmark\n\nGPU: {} (compute capability {}.{}, {} SMs, {:.1} GiB, driver CUDA {}.{}, PTX {})  \nCPU reference: {threads} threads  \nn = {n}, GPU: median over {} batches of 5 back-to-back calls (CUDA events)\n",
            info.name,
            info.compute_capability.0,
            info.compute_capability.1,
            info.multiprocessors,
            info.total_memory as f64 / (1u64 << 30) as f64,
            info.driver_version / 1000,
            info.driver_version % 1000 / 10,
            info.ptx,
            a.reps
        )?;
        print!("{report}");

        let timer = GpuTimer::new(dev)?;
        let none = || Ok(());
        let xs = random(n, 1, -2.0, 2.0);
        let x = DeviceTensor::from_vec(xs.clone(), dev)?;
        let y = DeviceTensor::from_vec(random(n, 2, 0.5, 1.5), dev)?;
        let f64b = 8.0 * n as f64;

        let copy_ms = time_gpu(&timer, a.reps, none, || x.copy())?;
        let copy_gbs = 2.0 * f64b / copy_ms / 1e6;
        let mut rows = vec![Row {
            name: "device-to-device copy (cuMemcpyDtoD)".into(),
            bytes: 2.0 * f64b,
            ms: copy_ms,
            target: None,
        }];
        let mut add = |name: &str, bytes_per: f64, ms: f64, target: bool| {
            rows.push(Row {
                name: name.into(),
                bytes: bytes_per * n as f64,
                ms,
                target: target.then_some(0.8),
            })
        };

        // Elementwise forward kernels.
        add(
            "exp(x)",
            16.0,
            time_gpu(&timer, a.reps, none, || x.exp())?,
            true,
        );
        add(
            "sin(x)",
            16.0,
            time_gpu(&timer, a.reps, none, || x.sin())?,
            true,
        );
        add(
            "x * y",
            24.0,
            time_gpu(&timer, a.reps, none, || x.mul(&y))?,
            true,
        );
        add(
            "x / y",
            24.0,
            time_gpu(&timer, a.reps, none, || x.div(&y))?,
            true,
        );
        add(
            "x * 2.5 (scalar)",
            16.0,
            time_gpu(&timer, a.reps, none, || x.mul_scalar(2.5))?,
            true,
        );

        // Derivative kernels, timed as backward passes of sums (the sum's
        // gradient is broadcast, so each backward is exactly one kernel).
        let xg = x.requires_grad();
        let yg = y.requires_grad();
        let reset = || {
            xg.zero_grad();
            yg.zero_grad();
            Ok(())
        };
        let s = xg.sin()?.sum()?;
        add(
            "sin backward: dx = g·cos x",
            16.0,
            time_gpu(&timer, a.reps, reset, || s.backward())?,
            true,
        );
        let s = xg.mul(&yg)?.sum()?;
        add(
            "mul backward, fused: dx = g·y, dy = g·x",
            32.0,
            time_gpu(&timer, a.reps, reset, || s.backward())?,
            true,
        );

        // Reductions.
        add(
            "sum(x)",
            8.0,
            time_gpu(&timer, a.reps, none, || x.sum())?,
            true,
        );
        add(
            "dot(x, y)",
            16.0,
            time_gpu(&timer, a.reps, none, || x.dot(&y))?,
            true,
        );
        add(
            "norm(x)",
            8.0,
            time_gpu(&timer, a.reps, none, || x.norm())?,
            true,
        );

        // Fused expression kernels: f(x) = exp(sin x)·x² on dual numbers
        // (exp, sincos and the program's register selects per element) may be
        // bound by f64 arithmetic rather than memory: reported, no target.
        let f = (Expr::x().sin().exp() * Expr::x().square()).compile()?;
        add(
            "map exp(sin x)·x² (fused, value)",
            16.0,
            time_gpu(&timer, a.reps, none, || x.map(&f))?,
            false,
        );
        add(
            "map_sum Σ exp(sin x)·x² (fused)",
            8.0,
            time_gpu(&timer, a.reps, none, || x.map_sum(&f))?,
            false,
        );
        add(
            "sum_value_and_grad (fused, one pass, value to host)",
            16.0,
            time_gpu(&timer, a.reps, none, || sum_value_and_grad(&x, &f))?,
            false,
        );

        // Matrix-vector products at m·n ≈ n elements.
        let m = a.matrix;
        let cols = (n / m).max(1);
        let mat = DeviceTensor::from_slice(&xs[..m * cols], &[m, cols], dev)?;
        let v = DeviceTensor::from_vec(random(cols, 3, -1.0, 1.0), dev)?;
        let w = DeviceTensor::from_vec(random(m, 4, -1.0, 1.0), dev)?;
        let mat_bytes = 8.0 * (m * cols + m + cols) as f64;
        let ms = time_gpu(&timer, a.reps, none, || mat.matvec(&v))?;
        rows.push(Row {
            name: format!("A·x, A {m}x{cols}"),
            bytes: mat_bytes,
            ms,
            target: None,
        });
        let ms = time_gpu(&timer, a.reps, none, || mat.matvec_t(&w))?;
        rows.push(Row {
            name: format!("Aᵀ·y, A {m}x{cols}"),
            bytes: mat_bytes,
            ms,
            target: None,
        });
        drop((mat, v, w));

        writeln!(report, "## Bandwidth\n\n| kernel | GB moved | GPU ms | GB/s | % of copy | target |\n|---|---:|---:|---:|---:|---|")?;
        let mut all_ok = true;
        for r in &rows {
            let gbs = r.bytes / r.ms / 1e6;
            let frac = gbs / copy_gbs;
            let verdict = match r.target {
                Some(t) if frac >= t => "≥ 80%: pass".to_string(),
                Some(_) => {
                    all_ok = false;
                    "≥ 80%: FAIL".to_string()
                }
                None => "-".to_string(),
            };
            writeln!(
                report,
                "| {} | {:.2} | {:.3} | {:.0} | {:.0}% | {} |",
                r.name,
                r.bytes / 1e9,
                r.ms,
                gbs,
                100.0 * frac,
                verdict
            )?;
        }

        // The gradient of f(x) = Σ exp(sin x)·x² at n elements.
        let want_f = {
            let mut g = vec![0.0; n];
            cpu_fused(&xs, &mut g)
        };
        let gpu_graph = time_gpu(&timer, a.reps, reset, || {
            let s = xg.sin()?.exp()?.mul(&xg.square()?)?.sum()?;
            s.backward()?;
            Ok(s)
        })?;
        let gpu_fused = time_gpu(&timer, a.reps, reset, || {
            let s = xg.map_sum(&f)?;
            s.backward()?;
            Ok(s)
        })?;
        let gpu_one_pass = time_gpu(&timer, a.reps, none, || sum_value_and_grad(&x, &f))?;
        // End-to-end host wall time of the fused path, value on the host.
        let wall_fused = time_host(a.reps, || {
            xg.zero_grad();
            let s = xg.map_sum(&f).and_then(|s| {
                s.backward()?;
                s.item()
            });
            std::hint::black_box(s.ok());
        });

        // Check the GPU results against the CPU before timing the CPU.
        let (value, grad) = sum_value_and_grad(&x, &f)?;
        xg.zero_grad();
        let s = xg.sin()?.exp()?.mul(&xg.square()?)?.sum()?;
        s.backward()?;
        let graph_grad = xg.grad().ok_or("no gradient")?.to_vec()?;
        let one_pass_grad = grad.to_vec()?;
        let (eager_f, eager_g) = cpu_eager(&xs);
        let max_rel = |g: &[f64]| {
            g.par_iter()
                .zip(&eager_g)
                .map(|(a, b)| {
                    if a == b {
                        0.0
                    } else {
                        (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
                    }
                })
                .reduce(|| 0.0, f64::max)
        };
        let err_graph = max_rel(&graph_grad);
        let err_one = max_rel(&one_pass_grad);
        let abs_sum: f64 = xs.par_iter().map(|x| (x.sin().exp() * x * x).abs()).sum();
        let err_value = (value - want_f).abs() / abs_sum;
        let err_eager = (eager_f - want_f).abs() / abs_sum;
        drop((graph_grad, one_pass_grad));

        let cpu_reps = a.reps.clamp(1, 3);
        // The CPU engine (lagrange::autodiff): record, backward, read the gradient.
        let engine = |xs: &[f64]| -> (f64, Vec<f64>) {
            let x = lagrange::autodiff::Tensor::vector(xs.to_vec()).requires_grad();
            let f = x.sin().exp().mul(&x.powf(2.0)).sum();
            f.backward().expect("scalar output requiring grad");
            (f.item(), x.grad().expect("gradient of a leaf"))
        };
        let (engine_f, engine_g) = engine(&xs);
        let err_engine = max_rel(&engine_g);
        let err_engine_value = (engine_f - want_f).abs() / abs_sum;
        drop(engine_g);
        let cpu_engine_ms = time_host(cpu_reps, || {
            std::hint::black_box(engine(&xs));
        });
        let cpu_eager_ms = time_host(cpu_reps, || {
            std::hint::black_box(cpu_eager(&xs));
        });
        let mut g = vec![0.0; n];
        let cpu_fused_ms = time_host(cpu_reps, || {
            std::hint::black_box(cpu_fused(&xs, &mut g));
        });

        writeln!(
            report,
            "\n## Gradient of f(x) = Σ exp(sin x)·x², n = {n}\n\n| implementation | ms | CPU engine / this | CPU fused / this |\n|---|---:|---:|---:|"
        )?;
        let speed_rows = [
            (
                "CPU engine, lagrange::autodiff::Tensor (eager)",
                cpu_engine_ms,
            ),
            ("CPU eager reference, op by op with rayon", cpu_eager_ms),
            ("CPU fused single pass", cpu_fused_ms),
            ("GPU graph, op by op (forward + backward)", gpu_graph),
            ("GPU graph, fused map_sum (forward + backward)", gpu_fused),
            ("GPU one pass sum_value_and_grad", gpu_one_pass),
            ("GPU fused, host wall time incl. value to host", wall_fused),
        ];
        for (name, ms) in speed_rows {
            writeln!(
                report,
                "| {name} | {ms:.3} | {:.1}× | {:.1}× |",
                cpu_engine_ms / ms,
                cpu_fused_ms / ms
            )?;
        }
        let speedup = cpu_engine_ms / gpu_fused;
        let speed_ok = speedup >= 50.0;
        let acc_ok = err_graph <= 1e-12 && err_one <= 1e-12 && err_value <= 1e-10;
        writeln!(
            report,
            "\nGPU vs CPU gradient: max relative error {err_graph:.2e} (op by op), {err_one:.2e} (one pass); value error {err_value:.2e} relative to Σ|terms|. CPU engine vs CPU eager reference: gradient {err_engine:.2e}, value {err_engine_value:.2e}; CPU eager reference value {err_eager:.2e}.  \nTarget ≥ 50× over the CPU engine ({threads} threads): fused graph {speedup:.0}× → {}; op by op {:.0}×.  \nBandwidth target (elementwise and reductions ≥ 80% of copy): {}.",
            if speed_ok { "pass" } else { "FAIL" },
            cpu_engine_ms / gpu_graph,
            if all_ok { "pass" } else { "FAIL (see table)" },
        )?;
        let tail = &report[report.find("## Bandwidth").unwrap_or(0)..];
        print!("{tail}");
        if let Some(path) = &a.out {
            std::fs::write(path, &report)?;
            println!("\ntable written to {path}");
        }
        if !acc_ok {
            return Err("GPU gradient disagrees with the CPU reference".into());
        }
        Ok(())
    }
}
