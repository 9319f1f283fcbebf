"""``python -m omniopt_share ...`` is ``omniopt share ...``."""

import sys

from omniopt_share.cli import run

sys.exit(run(sys.argv[1:]))
