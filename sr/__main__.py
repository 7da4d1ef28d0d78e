"""``python -m sr``: see :mod:`sr.cli`."""

import sys

from sr.cli import main

sys.exit(main())
