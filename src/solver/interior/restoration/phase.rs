//! The restoration phase's loop: the restoration problem solved by an
//! inner interior-point iteration, each of whose iterates is judged by the
//! original problem's filter.

use crate::solver::nlp::NlpProblem;
use crate::solver::result::IterationRecord;

use super::super::answer;
use super::super::solver::InteriorPoint;
use super::super::structure::Structure;
use super::exit::{judge, resume_multipliers};
use super::problem::RestorationProblem;
use super::{Entry, Exit, Phase, KAPPA_RESTO};

/// One restoration phase from `entry`; the restoration iterations' records
/// (all but the last, which the original iteration writes) go to `history`.
pub fn run<P: NlpProblem + ?Sized>(
    problem: &mut P,
    entry: &Entry<'_>,
    history: &mut Vec<IterationRecord>,
) -> Phase {
    let n = entry.x.len();
    let theta_entry = entry
        .structure
        .theta(&entry.scaling.constraints, entry.constraints, entry.t);
    let start = entry.start(problem);
    let mut extra_values = start.evaluations;
    let definition = entry.definition(&start);
    let mut restoration = RestorationProblem::new(problem, definition);
    let structure =
        Structure::of(&restoration).expect("the restoration problem's ends are ordered");
    let given = entry.primal_dual_start(&structure, &restoration.start(), &start);
    let mut inner = InteriorPoint::for_restoration(entry.inner_settings(), structure, given);
    // The inner solver sees a trait object: a generic one would make the
    // compiler instantiate restorations of restorations without end.
    inner.init(&mut restoration as &mut dyn NlpProblem);

    // f and the violation of the original problem at each iterate.
    let mut originals: Vec<(f64, f64)> = Vec::new();
    let mut back = false;
    while inner.status().is_none() {
        let before = inner.iteration();
        inner.next_iter(&mut restoration as &mut dyn NlpProblem);
        if inner.iteration() == before {
            continue;
        }
        let (original, fresh) = restoration.original_at(inner.x());
        extra_values += u64::from(fresh);
        originals.push((
            original.objective,
            answer::rows_violation(entry.structure, &original.constraints),
        ));
        let (x, t) = (&inner.x()[..n], inner.slacks());
        let theta = entry
            .structure
            .theta(&entry.scaling.constraints, &original.constraints, t);
        let phi = entry.barrier_objective(original.objective, x, t);
        if theta <= KAPPA_RESTO * theta_entry && entry.filter.acceptable(theta, phi) {
            back = true;
            break;
        }
    }

    let (x, t) = (inner.x()[..n].to_vec(), inner.slacks().to_vec());
    let status = inner.status();
    let (original, fresh) = restoration.original_at(&x);
    extra_values += u64::from(fresh);
    let tol = entry.settings.tolerance();
    let feasible = answer::rows_feasible(
        entry.structure,
        &original.constraints,
        &original.magnitudes,
        tol,
    );
    let solution = inner.finish(&mut restoration as &mut dyn NlpProblem, None);
    let mut evaluations = inner.evaluations().clone();
    evaluations.values += extra_values;
    let exit = if back {
        Exit::Return
    } else {
        judge(status, feasible, &solution.message)
    };

    // Records of every restoration iteration but the last.
    let iterations = originals.len();
    let records = solution.history.get(1..).unwrap_or(&[]);
    if entry.settings.record_history() {
        for (k, (record, (f, violation))) in records.iter().zip(&originals).enumerate() {
            if k + 1 == iterations {
                break;
            }
            history.push(IterationRecord {
                iteration: entry.iteration + k + 1,
                objective: *f,
                constraint_violation: *violation,
                ..*record
            });
        }
    }
    let last = records.last();

    let (z, v) = resume_multipliers(entry, &x, &t);
    Phase {
        x,
        t,
        z,
        v,
        iterations,
        step_length: last.map_or(0.0, |r| r.step_length),
        regularization: last.map_or(0.0, |r| r.regularization),
        exit,
        evaluations,
        factorization: solution.timings.factorization,
        line_search: solution.timings.line_search,
    }
}
