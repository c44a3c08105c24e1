#!/usr/bin/env bash
# Creates the local virtual environment for the peer benchmarks and the
# expected-value checks: CasADi (ships IPOPT), POUNCE (pounce-solver), SciPy,
# NumPy, mpmath, pytest.
# Optional extras for benches/compare_autodiff.py: `setup.sh --autodiff`
# also installs PyTorch and JAX (CPU use; large downloads).
# Usage: benches/peers/setup.sh [--autodiff]      (from anywhere)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${VENV:-$root/.venv}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet casadi scipy numpy mpmath pytest pounce-solver
if [ "${1:-}" = "--autodiff" ]; then
    "$venv/bin/pip" install --quiet torch "jax[cpu]"
fi
"$venv/bin/python" -c "import casadi, scipy, numpy, mpmath; print('casadi', casadi.__version__, '| scipy', scipy.__version__, '| numpy', numpy.__version__)"
echo "venv ready: $venv"
echo "next: $venv/bin/python benches/peers/run_peers.py            # side-by-side table"
echo "      $venv/bin/python benches/peers/verify_expected.py      # check every expected value"
