//! Globalization: the filter line search of Wächter & Biegler (*On the
//! implementation of an interior-point filter line-search algorithm for
//! large-scale nonlinear programming*, Math. Prog. 106, 2006, §2.3–2.5),
//! with second-order corrections against the Maratos effect.
//!
//! A trial point is judged on two measures, the infeasibility θ and the
//! objective φ (both of the scaled problem; for the interior-point method φ
//! is the barrier objective). The search is split in two, as IPOPT splits
//! `BacktrackingLineSearch` from its `BacktrackingLSAcceptor`:
//!
//! - [`Backtracking`] proposes the trials: step lengths α = α_max, α_max/2,
//!   …, and second-order corrections after a rejected first step;
//! - an [`Acceptance`] policy judges each evaluated trial. The filter method
//!   ([`FilterAcceptance`](filter::FilterAcceptance), with its [`Filter`])
//!   is the one in use; another
//!   rule (a barrier filter with its own margins, a merit function) is a new
//!   implementation of the trait, not an edit of the search.
//!
//! This module holds the rules only; the solvers form and evaluate the
//! trial points they are asked for.

mod acceptance;
mod backtracking;
mod filter;

pub use acceptance::Acceptance;
pub use backtracking::{Backtracking, Trial, Verdict};
pub use filter::{Filter, FilterSearch};
