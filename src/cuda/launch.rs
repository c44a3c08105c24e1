//! Kernel launches on device buffers: the building blocks that the tensor
//! ops (forward) and the graph (backward) call. Geometry lives here; the
//! kernels' semantics are documented in `kernels/lagrange_kernels.cu`.

use std::sync::Arc;

use super::error::CudaError;
use super::kernels::{
    elementwise_grid, reduce_blocks, Arg, ExprProgram, Kernel, BLOCK, MAX_ELEMENTS, REDUCE_THREADS,
};
use super::runtime::{DeviceMem, Runtime};

/// A gradient input: a dense buffer, or one value broadcast to every element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GradIn {
    pub ptr: u64,
    pub scalar: bool,
}

/// A gradient output: where to write, and whether to add to what is there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GradOut {
    pub ptr: u64,
    pub acc: bool,
}

/// Which first reduction pass.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Reduction {
    Sum,
    Dot,
    SumSq,
}

pub(crate) fn check_len(op: &'static str, n: usize) -> Result<i64, CudaError> {
    if n > MAX_ELEMENTS {
        return Err(CudaError::TooLarge {
            op,
            numel: n,
            max: MAX_ELEMENTS,
        });
    }
    Ok(n as i64)
}

fn flag(b: bool) -> Arg {
    Arg::I32(b as i32)
}

/// Whether an operand of a result of `n` elements is one broadcast value.
fn broadcast(operand: &DeviceMem, n: usize) -> Arg {
    flag(operand.len() == 1 && n != 1)
}

/// One thread per element.
pub(crate) fn elementwise(
    rt: &Runtime,
    k: Kernel,
    n: usize,
    args: &[Arg],
) -> Result<(), CudaError> {
    rt.launch(k, (elementwise_grid(n), 1), BLOCK, args)
}

/// y = f(x; p) for a unary kernel.
pub(crate) fn unary_fwd(
    rt: &Arc<Runtime>,
    k: Kernel,
    x: &DeviceMem,
    p: f64,
) -> Result<DeviceMem, CudaError> {
    let n = x.len();
    let len = check_len(k.name(), n)?;
    let y = rt.alloc(n)?;
    elementwise(rt, k, n, &[x.arg(), y.arg(), Arg::F64(p), Arg::I64(len)])?;
    Ok(y)
}

/// gx (+)= gy · f'(x, y; p) for a unary kernel.
#[allow(clippy::too_many_arguments)]
pub(crate) fn unary_bwd(
    rt: &Runtime,
    k: Kernel,
    x: &DeviceMem,
    y: &DeviceMem,
    gy: GradIn,
    gx: GradOut,
    p: f64,
) -> Result<(), CudaError> {
    let n = x.len();
    let len = check_len(k.name(), n)?;
    elementwise(
        rt,
        k,
        n,
        &[
            x.arg(),
            y.arg(),
            Arg::Ptr(gy.ptr),
            flag(gy.scalar),
            Arg::Ptr(gx.ptr),
            flag(gx.acc),
            Arg::F64(p),
            Arg::I64(len),
        ],
    )
}

/// A binary kernel's operands, each followed by its broadcast flag.
fn binary_operands(a: &DeviceMem, b: &DeviceMem, n: usize) -> [Arg; 4] {
    [a.arg(), broadcast(a, n), b.arg(), broadcast(b, n)]
}

/// y = f(a, b) over n elements, a or b possibly broadcast.
pub(crate) fn binary_fwd(
    rt: &Arc<Runtime>,
    k: Kernel,
    a: &DeviceMem,
    b: &DeviceMem,
    n: usize,
) -> Result<DeviceMem, CudaError> {
    let len = check_len(k.name(), n)?;
    let y = rt.alloc(n)?;
    let [a0, a1, b0, b1] = binary_operands(a, b, n);
    elementwise(rt, k, n, &[a0, a1, b0, b1, y.arg(), Arg::I64(len)])?;
    Ok(y)
}

/// Fused backward of a binary kernel: ga and gb in one pass (either may be
/// absent); a broadcast operand's output is elementwise (the caller reduces).
#[allow(clippy::too_many_arguments)]
pub(crate) fn binary_bwd(
    rt: &Runtime,
    k: Kernel,
    a: &DeviceMem,
    b: &DeviceMem,
    y: &DeviceMem,
    gy: GradIn,
    ga: Option<GradOut>,
    gb: Option<GradOut>,
) -> Result<(), CudaError> {
    let n = y.len();
    let len = check_len(k.name(), n)?;
    let out = |g: Option<GradOut>| match g {
        Some(g) => (Arg::Ptr(g.ptr), flag(g.acc)),
        None => (Arg::Ptr(0), flag(false)),
    };
    let (ga_ptr, ga_acc) = out(ga);
    let (gb_ptr, gb_acc) = out(gb);
    let [a0, a1, b0, b1] = binary_operands(a, b, n);
    elementwise(
        rt,
        k,
        n,
        &[
            a0,
            a1,
            b0,
            b1,
            y.arg(),
            Arg::Ptr(gy.ptr),
            flag(gy.scalar),
            ga_ptr,
            ga_acc,
            gb_ptr,
            gb_acc,
            Arg::I64(len),
        ],
    )
}

/// g (+)= src[0] over n elements.
pub(crate) fn broadcast_fill(
    rt: &Runtime,
    src: u64,
    g: GradOut,
    n: usize,
) -> Result<(), CudaError> {
    let len = check_len("broadcast_fill", n)?;
    elementwise(
        rt,
        Kernel::BroadcastFill,
        n,
        &[Arg::Ptr(src), Arg::Ptr(g.ptr), flag(g.acc), Arg::I64(len)],
    )
}

/// A new buffer of n elements equal to v.
pub(crate) fn filled(rt: &Arc<Runtime>, n: usize, v: f64) -> Result<DeviceMem, CudaError> {
    let len = check_len("fill", n)?;
    let y = rt.alloc(n)?;
    elementwise(
        rt,
        Kernel::FillValue,
        n,
        &[y.arg(), Arg::F64(v), Arg::I64(len)],
    )?;
    Ok(y)
}

/// dst += src elementwise (dense src).
pub(crate) fn accumulate(rt: &Runtime, src: &DeviceMem, dst: &DeviceMem) -> Result<(), CudaError> {
    unary_bwd(
        rt,
        Kernel::AddScalarBwd,
        src,
        src,
        GradIn {
            ptr: src.ptr(),
            scalar: false,
        },
        GradOut {
            ptr: dst.ptr(),
            acc: true,
        },
        0.0,
    )
}

/// out[0] (+)= scale · finish(Σ term) over x (and y for dot), deterministic.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reduce(
    rt: &Arc<Runtime>,
    kind: Reduction,
    x: &DeviceMem,
    y: Option<&DeviceMem>,
    out: GradOut,
    sqrt: bool,
    scale: f64,
) -> Result<(), CudaError> {
    let n = x.len();
    let len = check_len("reduce", n)?;
    let blocks = reduce_blocks(n);
    let partials = rt.alloc(blocks)?;
    let k = match kind {
        Reduction::Sum => Kernel::ReduceSumPartial,
        Reduction::Dot => Kernel::ReduceDotPartial,
        Reduction::SumSq => Kernel::ReduceSumsqPartial,
    };
    rt.launch(
        k,
        (blocks as u32, 1),
        REDUCE_THREADS,
        &[
            x.arg(),
            Arg::Ptr(y.map_or(0, DeviceMem::ptr)),
            partials.arg(),
            Arg::I64(len),
        ],
    )?;
    finish(rt, &partials, blocks, out, sqrt, scale)
}

fn finish(
    rt: &Runtime,
    partials: &DeviceMem,
    count: usize,
    out: GradOut,
    sqrt: bool,
    scale: f64,
) -> Result<(), CudaError> {
    rt.launch(
        Kernel::ReduceFinish,
        (1, 1),
        REDUCE_THREADS,
        &[
            partials.arg(),
            Arg::I32(count as i32),
            Arg::Ptr(out.ptr),
            Arg::I32(sqrt as i32),
            Arg::F64(scale),
            flag(out.acc),
        ],
    )
}

/// gx (+)= gs · x / ‖x‖.
pub(crate) fn norm_bwd(
    rt: &Runtime,
    x: &DeviceMem,
    norm: &DeviceMem,
    gs: u64,
    gx: GradOut,
) -> Result<(), CudaError> {
    let n = x.len();
    let len = check_len("norm_bwd", n)?;
    elementwise(
        rt,
        Kernel::NormBwd,
        n,
        &[
            x.arg(),
            norm.arg(),
            Arg::Ptr(gs),
            Arg::Ptr(gx.ptr),
            flag(gx.acc),
            Arg::I64(len),
        ],
    )
}

/// y (+)= A x, A row-major m × n; one warp per row.
pub(crate) fn matvec(
    rt: &Runtime,
    a: &DeviceMem,
    x: u64,
    y: GradOut,
    m: usize,
    n: usize,
) -> Result<(), CudaError> {
    check_len("matvec", a.len())?;
    let rows_per_block = (BLOCK / 32) as usize;
    rt.launch(
        Kernel::Matvec,
        (m.div_ceil(rows_per_block) as u32, 1),
        BLOCK,
        &[
            a.arg(),
            Arg::Ptr(x),
            Arg::Ptr(y.ptr),
            flag(y.acc),
            Arg::I64(m as i64),
            Arg::I64(n as i64),
        ],
    )
}

/// Row chunks of the transposed product: enough blocks to fill a large GPU
/// (≈ 2¹⁸ threads), a function of (m, n) only so results are reproducible.
fn matvec_t_chunks(m: usize, n: usize) -> (usize, usize) {
    let wanted = (1usize << 18)
        .div_ceil(n.max(1))
        .clamp(1, m.clamp(1, 65_535));
    let rows_per_chunk = m.div_ceil(wanted).max(1);
    (m.div_ceil(rows_per_chunk).max(1), rows_per_chunk)
}

/// z (+)= Aᵀ y, A row-major m × n, y dense or broadcast.
pub(crate) fn matvec_t(
    rt: &Arc<Runtime>,
    a: &DeviceMem,
    y: GradIn,
    z: GradOut,
    m: usize,
    n: usize,
) -> Result<(), CudaError> {
    check_len("matvec_t", a.len())?;
    let (chunks, rows_per_chunk) = matvec_t_chunks(m, n);
    let partial = rt.alloc(chunks * n)?;
    rt.launch(
        Kernel::MatvecTPartial,
        (n.div_ceil(BLOCK as usize) as u32, chunks as u32),
        BLOCK,
        &[
            a.arg(),
            Arg::Ptr(y.ptr),
            flag(y.scalar),
            partial.arg(),
            Arg::I64(m as i64),
            Arg::I64(n as i64),
            Arg::I64(rows_per_chunk as i64),
        ],
    )?;
    elementwise(
        rt,
        Kernel::MatvecTFinish,
        n,
        &[
            partial.arg(),
            Arg::I32(chunks as i32),
            Arg::Ptr(z.ptr),
            flag(z.acc),
            Arg::I64(n as i64),
        ],
    )
}

/// G (+)= u vᵀ, G row-major m × n; u or v may be broadcast.
pub(crate) fn outer(
    rt: &Runtime,
    u: GradIn,
    v: GradIn,
    g: GradOut,
    m: usize,
    n: usize,
) -> Result<(), CudaError> {
    check_len("outer", m * n)?;
    elementwise(
        rt,
        Kernel::OuterAcc,
        m * n,
        &[
            Arg::Ptr(u.ptr),
            flag(u.scalar),
            Arg::Ptr(v.ptr),
            flag(v.scalar),
            Arg::Ptr(g.ptr),
            flag(g.acc),
            Arg::I64(m as i64),
            Arg::I64(n as i64),
        ],
    )
}

/// y = f(x) for a compiled expression.
pub(crate) fn expr_fwd(
    rt: &Arc<Runtime>,
    p: &ExprProgram,
    x: &DeviceMem,
) -> Result<DeviceMem, CudaError> {
    let n = x.len();
    let len = check_len("map", n)?;
    let y = rt.alloc(n)?;
    elementwise(
        rt,
        Kernel::ExprFwd,
        n,
        &[Arg::Program(*p), x.arg(), y.arg(), Arg::I64(len)],
    )?;
    Ok(y)
}

/// gx (+)= gy · f'(x).
pub(crate) fn expr_bwd(
    rt: &Runtime,
    p: &ExprProgram,
    x: &DeviceMem,
    gy: GradIn,
    gx: GradOut,
) -> Result<(), CudaError> {
    let n = x.len();
    let len = check_len("map backward", n)?;
    elementwise(
        rt,
        Kernel::ExprBwd,
        n,
        &[
            Arg::Program(*p),
            x.arg(),
            Arg::Ptr(gy.ptr),
            flag(gy.scalar),
            Arg::Ptr(gx.ptr),
            flag(gx.acc),
            Arg::I64(len),
        ],
    )
}

/// out[0] = Σ f(x); with `grad`, also grad (+)= scale · f'(x) in the same pass.
pub(crate) fn expr_sum(
    rt: &Arc<Runtime>,
    p: &ExprProgram,
    x: &DeviceMem,
    out: &DeviceMem,
    grad: Option<GradOut>,
    scale: f64,
) -> Result<(), CudaError> {
    let n = x.len();
    let len = check_len("map_sum", n)?;
    let blocks = reduce_blocks(n);
    let partials = rt.alloc(blocks)?;
    let (gptr, gacc) = grad.map_or((0, false), |g| (g.ptr, g.acc));
    rt.launch(
        Kernel::ExprSumPartial,
        (blocks as u32, 1),
        REDUCE_THREADS,
        &[
            Arg::Program(*p),
            x.arg(),
            partials.arg(),
            Arg::Ptr(gptr),
            flag(gacc),
            Arg::F64(scale),
            Arg::I64(len),
        ],
    )?;
    finish(
        rt,
        &partials,
        blocks,
        GradOut {
            ptr: out.ptr(),
            acc: false,
        },
        false,
        1.0,
    )
}

#[cfg(test)]
mod tests {
    use super::matvec_t_chunks;

    #[test]
    fn transposed_product_chunks_cover_every_row_once() {
        for &(m, n) in &[
            (1, 1),
            (7, 3),
            (1000, 10),
            (10_000, 10_000),
            (100_000, 1),
            (3, 1 << 20),
        ] {
            let (chunks, rows) = matvec_t_chunks(m, n);
            assert!((1..=65_535).contains(&chunks), "{m}x{n}");
            assert!(
                chunks * rows >= m && (chunks - 1) * rows < m,
                "{m}x{n}: {chunks} x {rows}"
            );
        }
    }
}
