"""Entry point for ``python -m suzhou_sim``; delegates to :func:`suzhou_sim.cli.main`.

Must not: contain command logic.
"""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
