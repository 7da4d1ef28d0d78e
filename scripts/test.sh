#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, browser tests included.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not e2e" -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
.venv/bin/python -c "import torchvision; print('torchvision', torchvision.__version__, 'imports')"
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
