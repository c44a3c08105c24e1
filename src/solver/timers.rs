//! Named phase timers: where a solve spends its own time, one accumulator
//! per [`Phase`], and the [`timed!`] macro that charges a block to a phase
//! (the shape of Clarabel's `timeit!`). The problem's evaluations are timed
//! by [`super::evaluate::EvaluationCounter`], which the solvers share.
//!
//! Next to a solver step of a small problem a clock read is not free, so
//! phases that follow each other can share one: [`PhaseTimers::lap`]
//! closes one phase's interval and opens the next at the same instant.

use std::time::{Duration, Instant};

use super::result::Timings;

/// A phase of the solver's own work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Assembling and factoring KKT matrices (inertia correction included)
    /// and solving with the factors.
    Factorization,
    /// The line search and the restoration phase, less the evaluations
    /// they trigger.
    LineSearch,
}

impl Phase {
    /// Number of phases.
    const COUNT: usize = 2;
}

/// Time per phase since [`PhaseTimers::start`].
#[derive(Clone, Debug, Default)]
pub struct PhaseTimers {
    started: Option<Instant>,
    phases: [Duration; Phase::COUNT],
}

impl PhaseTimers {
    /// Zero time in every phase; the whole solve is timed from now.
    pub fn start(&mut self) {
        *self = PhaseTimers {
            started: Some(Instant::now()),
            phases: [Duration::ZERO; Phase::COUNT],
        };
    }

    /// Adds `time` to `phase`.
    pub fn add(&mut self, phase: Phase, time: Duration) {
        self.phases[phase as usize] += time;
    }

    /// Charges `phase` with the time since `opened` and returns the clock
    /// read that closed it, which opens the interval of the next phase.
    pub fn lap(&mut self, phase: Phase, opened: Instant) -> Instant {
        let now = Instant::now();
        self.add(phase, now.saturating_duration_since(opened));
        now
    }

    /// Charges `phase` with the interval from `opened` to `closed` less
    /// `excluded`, the time inside it that is charged elsewhere (the
    /// problem's evaluations).
    pub fn add_interval(
        &mut self,
        phase: Phase,
        opened: Instant,
        closed: Instant,
        excluded: Duration,
    ) {
        let time = closed.saturating_duration_since(opened);
        self.add(phase, time.saturating_sub(excluded));
    }

    /// The time charged to `phase` so far.
    pub fn get(&self, phase: Phase) -> Duration {
        self.phases[phase as usize]
    }

    /// The run's [`Timings`], with the evaluation and classification times
    /// measured elsewhere; the total runs from [`start`](Self::start) to now.
    pub fn timings(&self, evaluation: Duration, classification: Duration) -> Timings {
        Timings {
            evaluation,
            factorization: self.get(Phase::Factorization),
            line_search: self.get(Phase::LineSearch),
            classification,
            total: self.started.map(|s| s.elapsed()).unwrap_or_default(),
        }
    }
}

/// `timed!(timers, phase, expr)`: evaluates `expr` and charges its wall
/// time to `phase` of the [`PhaseTimers`] `timers`; the value is `expr`'s.
macro_rules! timed {
    ($timers:expr, $phase:expr, $body:expr) => {{
        let opened = ::std::time::Instant::now();
        let value = $body;
        $timers.add($phase, opened.elapsed());
        value
    }};
}
pub(crate) use timed;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_accumulate_apart_and_a_lap_opens_the_next_interval() {
        let mut timers = PhaseTimers::default();
        timers.start();
        let opened = Instant::now();
        let value = timed!(timers, Phase::Factorization, 2 + 2);
        assert_eq!(value, 4);
        let next = timers.lap(Phase::Factorization, opened);
        assert!(next >= opened);
        let later = next + Duration::from_millis(5);
        timers.add_interval(Phase::LineSearch, next, later, Duration::from_millis(2));
        assert_eq!(timers.get(Phase::LineSearch), Duration::from_millis(3));
        timers.add_interval(Phase::LineSearch, next, later, Duration::from_secs(1));
        assert_eq!(timers.get(Phase::LineSearch), Duration::from_millis(3));
        let t = timers.timings(Duration::from_millis(7), Duration::ZERO);
        assert_eq!(t.line_search, Duration::from_millis(3));
        assert_eq!(t.evaluation, Duration::from_millis(7));
        assert!(t.total >= t.factorization);
    }
}
