//! The kernels of `kernels/lagrange_kernels.cu`: embedded PTX, names and
//! argument signatures, and launch geometry.
//!
//! The signatures here mirror the C signatures in the `.cu` file; every launch
//! is checked against them before anything reaches the driver.

/// PTX for compute capability 9.0 (H100, H200), built by `kernels/build-ptx.sh`.
pub(crate) const PTX_SM90: &str = include_str!("../../kernels/lagrange_kernels.sm90.ptx");
/// PTX for compute capability 7.0 and later, used on pre-Hopper devices.
pub(crate) const PTX_SM70: &str = include_str!("../../kernels/lagrange_kernels.sm70.ptx");

/// Threads per block of the elementwise kernels (`BLOCK` in the `.cu` file).
pub(crate) const BLOCK: u32 = 256;
/// Threads per block of the reductions (`REDUCE_THREADS`).
pub(crate) const REDUCE_THREADS: u32 = 256;
/// Blocks of the first reduction pass (`REDUCE_BLOCKS`): a fixed partition, so
/// that a sum does not depend on the device it runs on.
pub(crate) const REDUCE_BLOCKS: usize = 1024;
/// Instructions of a fused expression program (`EXPR_MAX`).
pub(crate) const EXPR_MAX: usize = 16;
/// Registers of a fused expression program (`EXPR_REGS`).
pub(crate) const EXPR_REGS: usize = 4;

/// A fused expression program, laid out as `struct ExprProgram` in the `.cu`
/// file (passed by value as a kernel parameter).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ExprProgram {
    /// Instructions used.
    pub len: i32,
    /// Instruction words: `op | dst << 8 | a << 12 | b << 16`.
    pub code: [i32; EXPR_MAX],
    /// Constant of each instruction.
    pub k: [f64; EXPR_MAX],
}

/// The kind of one kernel argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArgKind {
    /// A device pointer (`double *`), 64-bit.
    Ptr,
    /// `int`.
    I32,
    /// `long long`.
    I64,
    /// `double`.
    F64,
    /// `ExprProgram` by value.
    Program,
}

/// One kernel argument, kept alive in place while the launch reads it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg {
    /// A device pointer (0 for null).
    Ptr(u64),
    /// `int`.
    I32(i32),
    /// `long long`.
    I64(i64),
    /// `double`.
    F64(f64),
    /// An expression program.
    Program(ExprProgram),
}

impl Arg {
    pub(crate) fn kind(&self) -> ArgKind {
        match self {
            Arg::Ptr(_) => ArgKind::Ptr,
            Arg::I32(_) => ArgKind::I32,
            Arg::I64(_) => ArgKind::I64,
            Arg::F64(_) => ArgKind::F64,
            Arg::Program(_) => ArgKind::Program,
        }
    }

    /// Pointer to the argument's value, as `cuLaunchKernel` wants it.
    pub(crate) fn as_param(&mut self) -> *mut std::ffi::c_void {
        match self {
            Arg::Ptr(v) => v as *mut u64 as *mut _,
            Arg::I32(v) => v as *mut i32 as *mut _,
            Arg::I64(v) => v as *mut i64 as *mut _,
            Arg::F64(v) => v as *mut f64 as *mut _,
            Arg::Program(v) => v as *mut ExprProgram as *mut _,
        }
    }
}

use ArgKind::{Program as G, Ptr as P, F64 as D, I32 as I, I64 as L};

const UNARY_FWD: &[ArgKind] = &[P, P, D, L];
const UNARY_BWD: &[ArgKind] = &[P, P, P, I, P, I, D, L];
const BINARY_FWD: &[ArgKind] = &[P, I, P, I, P, L];
const BINARY_BWD: &[ArgKind] = &[P, I, P, I, P, P, I, P, I, P, I, L];
const REDUCE_PARTIAL: &[ArgKind] = &[P, P, P, L];

macro_rules! kernels {
    ($($variant:ident = $name:literal : $sig:expr,)*) => {
        /// Every kernel of the module, in a fixed order (the index into the
        /// runtime's function table).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub(crate) enum Kernel { $($variant,)* }

        impl Kernel {
            /// All kernels, in table order.
            pub(crate) const ALL: &'static [Kernel] = &[$(Kernel::$variant,)*];

            /// The kernel's name in the PTX.
            pub(crate) fn name(self) -> &'static str {
                match self { $(Kernel::$variant => $name,)* }
            }

            /// The kernel's argument kinds, in order.
            pub(crate) fn signature(self) -> &'static [ArgKind] {
                match self { $(Kernel::$variant => $sig,)* }
            }
        }
    };
}

kernels! {
    NegFwd = "unary_neg_fwd": UNARY_FWD,
    NegBwd = "unary_neg_bwd": UNARY_BWD,
    ExpFwd = "unary_exp_fwd": UNARY_FWD,
    ExpBwd = "unary_exp_bwd": UNARY_BWD,
    LogFwd = "unary_log_fwd": UNARY_FWD,
    LogBwd = "unary_log_bwd": UNARY_BWD,
    SqrtFwd = "unary_sqrt_fwd": UNARY_FWD,
    SqrtBwd = "unary_sqrt_bwd": UNARY_BWD,
    SinFwd = "unary_sin_fwd": UNARY_FWD,
    SinBwd = "unary_sin_bwd": UNARY_BWD,
    CosFwd = "unary_cos_fwd": UNARY_FWD,
    CosBwd = "unary_cos_bwd": UNARY_BWD,
    TanFwd = "unary_tan_fwd": UNARY_FWD,
    TanBwd = "unary_tan_bwd": UNARY_BWD,
    TanhFwd = "unary_tanh_fwd": UNARY_FWD,
    TanhBwd = "unary_tanh_bwd": UNARY_BWD,
    AbsFwd = "unary_abs_fwd": UNARY_FWD,
    AbsBwd = "unary_abs_bwd": UNARY_BWD,
    Log1pFwd = "unary_log1p_fwd": UNARY_FWD,
    Log1pBwd = "unary_log1p_bwd": UNARY_BWD,
    Expm1Fwd = "unary_expm1_fwd": UNARY_FWD,
    Expm1Bwd = "unary_expm1_bwd": UNARY_BWD,
    AtanFwd = "unary_atan_fwd": UNARY_FWD,
    AtanBwd = "unary_atan_bwd": UNARY_BWD,
    SigmoidFwd = "unary_sigmoid_fwd": UNARY_FWD,
    SigmoidBwd = "unary_sigmoid_bwd": UNARY_BWD,
    SquareFwd = "unary_square_fwd": UNARY_FWD,
    SquareBwd = "unary_square_bwd": UNARY_BWD,
    PowfFwd = "unary_powf_fwd": UNARY_FWD,
    PowfBwd = "unary_powf_bwd": UNARY_BWD,
    AddScalarFwd = "unary_add_scalar_fwd": UNARY_FWD,
    AddScalarBwd = "unary_add_scalar_bwd": UNARY_BWD,
    MulScalarFwd = "unary_mul_scalar_fwd": UNARY_FWD,
    MulScalarBwd = "unary_mul_scalar_bwd": UNARY_BWD,
    RdivScalarFwd = "unary_rdiv_scalar_fwd": UNARY_FWD,
    RdivScalarBwd = "unary_rdiv_scalar_bwd": UNARY_BWD,
    AddFwd = "binary_add_fwd": BINARY_FWD,
    AddBwd = "binary_add_bwd": BINARY_BWD,
    SubFwd = "binary_sub_fwd": BINARY_FWD,
    SubBwd = "binary_sub_bwd": BINARY_BWD,
    MulFwd = "binary_mul_fwd": BINARY_FWD,
    MulBwd = "binary_mul_bwd": BINARY_BWD,
    DivFwd = "binary_div_fwd": BINARY_FWD,
    DivBwd = "binary_div_bwd": BINARY_BWD,
    PowFwd = "binary_pow_fwd": BINARY_FWD,
    PowBwd = "binary_pow_bwd": BINARY_BWD,
    BroadcastFill = "broadcast_fill": &[P, P, I, L],
    FillValue = "fill_value": &[P, D, L],
    ReduceSumPartial = "reduce_sum_partial": REDUCE_PARTIAL,
    ReduceDotPartial = "reduce_dot_partial": REDUCE_PARTIAL,
    ReduceSumsqPartial = "reduce_sumsq_partial": REDUCE_PARTIAL,
    ReduceFinish = "reduce_finish": &[P, I, P, I, D, I],
    NormBwd = "norm_bwd": &[P, P, P, P, I, L],
    Matvec = "matvec": &[P, P, P, I, L, L],
    MatvecTPartial = "matvec_t_partial": &[P, P, I, P, L, L, L],
    MatvecTFinish = "matvec_t_finish": &[P, I, P, I, L],
    OuterAcc = "outer_acc": &[P, I, P, I, P, I, L, L],
    ExprFwd = "expr_fwd": &[G, P, P, L],
    ExprBwd = "expr_bwd": &[G, P, P, I, P, I, L],
    ExprSumPartial = "expr_sum_partial": &[G, P, P, P, I, D, L],
}

/// Grid size (blocks) for one thread per element.
pub(crate) fn elementwise_grid(n: usize) -> u32 {
    n.div_ceil(BLOCK as usize) as u32
}

/// Largest element count one elementwise launch covers (grid.x < 2^31).
pub(crate) const MAX_ELEMENTS: usize = (i32::MAX as usize) * (BLOCK as usize);

/// Blocks of the first reduction pass for `n` elements: depends on `n` only.
pub(crate) fn reduce_blocks(n: usize) -> usize {
    n.div_ceil(REDUCE_THREADS as usize).clamp(1, REDUCE_BLOCKS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_is_in_the_ptx() {
        for ptx in [PTX_SM90, PTX_SM70] {
            let entries = ptx.matches(".visible .entry").count();
            assert_eq!(entries, Kernel::ALL.len(), "PTX entries vs kernel table");
            for k in Kernel::ALL {
                let decl = format!(".visible .entry {}(", k.name());
                let start = ptx
                    .find(&decl)
                    .unwrap_or_else(|| panic!("{} missing from PTX", k.name()));
                // The parameter list in the PTX has one .param per argument,
                // of the PTX type the argument kind is passed as.
                let params = &ptx[start..start + ptx[start..].find(')').unwrap()];
                let types: Vec<&str> = params
                    .lines()
                    .filter(|l| l.contains(".param"))
                    .map(|l| l.split_whitespace().nth(1).unwrap())
                    .collect();
                let expected: Vec<&str> = k
                    .signature()
                    .iter()
                    .map(|a| match a {
                        ArgKind::Ptr | ArgKind::I64 => ".u64",
                        ArgKind::I32 => ".u32",
                        ArgKind::F64 => ".f64",
                        ArgKind::Program => ".align",
                    })
                    .collect();
                assert_eq!(types, expected, "parameters of {}", k.name());
            }
        }
    }

    #[test]
    fn ptx_isa_is_one_driver_580_accepts() {
        for ptx in [PTX_SM90, PTX_SM70] {
            let line = ptx.lines().find(|l| l.starts_with(".version")).unwrap();
            let v: f64 = line.trim_start_matches(".version").trim().parse().unwrap();
            assert!(
                v <= 9.0,
                "PTX ISA {v} is newer than CUDA 13.0 drivers accept"
            );
        }
        assert!(PTX_SM90.contains(".target sm_90"));
        assert!(PTX_SM70.contains(".target sm_70"));
    }

    #[test]
    fn expr_program_matches_the_c_layout() {
        // struct ExprProgram { int len; int code[16]; double k[16]; }:
        // 4 + 64 bytes, padded to 72, then 128 bytes of doubles.
        assert_eq!(std::mem::size_of::<ExprProgram>(), 200);
        assert_eq!(std::mem::align_of::<ExprProgram>(), 8);
        for k in Kernel::ALL.iter().filter(|k| k.name().starts_with("expr_")) {
            let ptx_decl = format!(".visible .entry {}(", k.name());
            let start = PTX_SM90.find(&ptx_decl).unwrap();
            let first_param = PTX_SM90[start..].lines().nth(1).unwrap();
            assert!(
                first_param.contains(".align 8 .b8") && first_param.contains("[200]"),
                "{}: {first_param}",
                k.name()
            );
        }
    }

    #[test]
    fn reduction_partition_depends_only_on_length() {
        assert_eq!(reduce_blocks(0), 1);
        assert_eq!(reduce_blocks(1), 1);
        assert_eq!(reduce_blocks(257), 2);
        assert_eq!(reduce_blocks(100_000_000), REDUCE_BLOCKS);
    }
}
