//! Compiling an eager graph into a [`Program`].
//!
//! A postorder walk from the outputs (iterative, linear in the graph size)
//! gives every node a register range:
//!
//! - the inputs get registers `0..n` in the order given;
//! - a node that does not depend on an input (a parameter, a tensor without
//!   grad, a subexpression of constants) becomes a constant: its current
//!   value is baked into the register file and never recomputed;
//! - an index, slice or reshape of a dynamic tensor is an alias of a
//!   contiguous part of its operand's range: no instruction, no copy, and
//!   its adjoint accumulates straight into the operand's;
//! - an elementwise op with a constant scalar operand becomes the unary op
//!   that carries the constant (`x · c` → `MulC(c)`), so no instruction
//!   ever differentiates with respect to a constant;
//! - all other ops become instructions, scalar ones on the fast path.

use super::instr::{Operand, Program, ScalarInstr, ScalarOp, TensorInstr};
use crate::autodiff::error::AutodiffError;
use crate::autodiff::graph::Arena;
use crate::autodiff::ops::{BinaryFn, Op, UnaryFn};
use crate::autodiff::shape::Shape;

/// Register assignment of one visited node.
#[derive(Clone, Copy)]
struct Reg {
    operand: Operand,
    dynamic: bool,
}

/// Records the graph from `inputs` (node ids of leaves) to `outputs`.
pub(crate) fn record(
    ar: &mut Arena,
    inputs: &[u32],
    outputs: &[u32],
) -> Result<Program, AutodiffError> {
    let epoch = ar.next_epoch();
    let mut regs: Vec<Reg> = Vec::new();
    let mut prog = Program::default();

    for (index, &id) in inputs.iter().enumerate() {
        let node = &mut ar.nodes[id as usize];
        if let Some(op) = node.op {
            return Err(AutodiffError::InputNotLeaf {
                index,
                op: op.grad_fn_name(),
            });
        }
        if !node.requires_grad {
            return Err(AutodiffError::InputWithoutGrad { index });
        }
        if node.mark == epoch {
            return Err(AutodiffError::DuplicateInput {
                index,
                first: node.aux as usize,
            });
        }
        node.mark = epoch;
        node.aux = regs.len() as u32;
        let operand = Operand {
            off: prog.init.len(),
            shape: node.shape,
        };
        prog.init.extend_from_slice(ar.value(id));
        regs.push(Reg {
            operand,
            dynamic: true,
        });
    }
    prog.num_inputs = prog.init.len();
    prog.mark_dynamic(0..prog.num_inputs);

    let mut stack: Vec<(u32, bool)> = Vec::new();
    for &out in outputs {
        stack.push((out, false));
        while let Some((id, expanded)) = stack.pop() {
            let node = &ar.nodes[id as usize];
            if node.mark == epoch {
                continue;
            }
            if !expanded {
                if node.is_leaf() || !node.requires_grad {
                    constant(ar, id, &mut regs, &mut prog, epoch);
                    continue;
                }
                if node.freed {
                    return Err(AutodiffError::GraphFreed);
                }
                stack.push((id, true));
                for &j in ar.inputs(id) {
                    if ar.nodes[j as usize].mark != epoch {
                        stack.push((j, false));
                    }
                }
            } else {
                finish(ar, id, &mut regs, &mut prog, epoch);
            }
        }
        let node = &ar.nodes[out as usize];
        let operand = regs[node.aux as usize].operand;
        prog.outputs.extend(operand.range());
    }
    assert!(
        prog.init.len() < u32::MAX as usize,
        "a tape holds at most 2³² − 1 values"
    );
    Ok(prog)
}

/// Bakes the node's current value into a constant register.
fn constant(ar: &mut Arena, id: u32, regs: &mut Vec<Reg>, prog: &mut Program, epoch: u32) {
    let operand = Operand {
        off: prog.init.len(),
        shape: ar.nodes[id as usize].shape,
    };
    prog.init.extend_from_slice(ar.value(id));
    let node = &mut ar.nodes[id as usize];
    node.mark = epoch;
    node.aux = regs.len() as u32;
    regs.push(Reg {
        operand,
        dynamic: false,
    });
}

/// Assigns a register to an op node whose operands all have one.
fn finish(ar: &mut Arena, id: u32, regs: &mut Vec<Reg>, prog: &mut Program, epoch: u32) {
    let node = &ar.nodes[id as usize];
    let op = node.op.expect("only op nodes are expanded");
    // At most two operands without a heap allocation (the scalar case).
    let ids = ar.inputs(id);
    let reg_of = |j: u32| regs[ar.nodes[j as usize].aux as usize];
    let mut small = [Reg {
        operand: Operand {
            off: 0,
            shape: Shape::SCALAR,
        },
        dynamic: false,
    }; 2];
    let many: Vec<Reg>;
    let args: &[Reg] = if ids.len() <= 2 {
        for (k, &j) in ids.iter().enumerate() {
            small[k] = reg_of(j);
        }
        &small[..ids.len()]
    } else {
        many = ids.iter().map(|&j| reg_of(j)).collect();
        &many
    };
    if !args.iter().any(|r| r.dynamic) {
        constant(ar, id, regs, prog, epoch);
        return;
    }
    let shape = node.shape;
    let reg = Reg {
        operand: emit(op, args, shape, prog, ar.value(id)),
        dynamic: true,
    };
    let node = &mut ar.nodes[id as usize];
    node.mark = epoch;
    node.aux = regs.len() as u32;
    regs.push(reg);
}

/// Emits the instruction (or alias) for `op` and returns its result operand.
fn emit(op: Op, args: &[Reg], shape: Shape, prog: &mut Program, value: &[f64]) -> Operand {
    // Index, slice, reshape: an alias of the operand's range.
    if let Op::Move(m) = op {
        if let Some((start, _)) = m.range(args[0].operand.shape) {
            return Operand {
                off: args[0].operand.off + start,
                shape,
            };
        }
    }
    // Fold a constant scalar operand of an elementwise op into a unary op.
    let mut op = op;
    let mut args = args;
    let folded;
    if let Op::Binary(b) = op {
        let (a0, a1) = (args[0], args[1]);
        let scalar_const = |r: Reg| !r.dynamic && r.operand.shape.is_scalar();
        if scalar_const(a1) {
            let c = prog.init[a1.operand.off];
            op = Op::Unary(fold_right(b, c));
            folded = [a0];
            args = &folded;
        } else if scalar_const(a0) {
            let c = prog.init[a0.operand.off];
            op = Op::Unary(fold_left(b, c));
            folded = [a1];
            args = &folded;
        }
    }
    let out = Operand {
        off: prog.init.len(),
        shape,
    };
    prog.init.extend_from_slice(value);
    prog.mark_dynamic(out.range());
    let all_scalar = shape.numel() == 1 && args.iter().all(|r| r.operand.shape.numel() == 1);
    match op {
        Op::Unary(u) if all_scalar => prog.push_scalar(ScalarInstr {
            op: ScalarOp::Unary(u),
            a: args[0].operand.off as u32,
            b: args[0].operand.off as u32,
            out: out.off as u32,
        }),
        Op::Binary(b) if all_scalar => prog.push_scalar(ScalarInstr {
            op: ScalarOp::Binary(b),
            a: args[0].operand.off as u32,
            b: args[1].operand.off as u32,
            out: out.off as u32,
        }),
        _ => prog.push_tensor(TensorInstr {
            op,
            args: args.iter().map(|r| r.operand).collect(),
            dynamic: args.iter().map(|r| r.dynamic).collect(),
            out,
        }),
    }
    out
}

/// `a ∘ c` for a constant c as a unary op of a.
fn fold_right(b: BinaryFn, c: f64) -> UnaryFn {
    match b {
        BinaryFn::Add => UnaryFn::AddC(c),
        BinaryFn::Sub => UnaryFn::AddC(-c),
        BinaryFn::Mul => UnaryFn::MulC(c),
        BinaryFn::Div => UnaryFn::DivC(c),
        BinaryFn::Pow => UnaryFn::Powf(c),
    }
}

/// `c ∘ b` for a constant c as a unary op of b.
fn fold_left(b: BinaryFn, c: f64) -> UnaryFn {
    match b {
        BinaryFn::Add => UnaryFn::AddC(c),
        BinaryFn::Sub => UnaryFn::RSubC(c),
        BinaryFn::Mul => UnaryFn::MulC(c),
        BinaryFn::Div => UnaryFn::RDivC(c),
        BinaryFn::Pow => UnaryFn::RPowC(c),
    }
}
