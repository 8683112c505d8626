"""`python -m schakel.cli`: the same as the `schakel` command."""

import sys

from schakel.cli import main

sys.exit(main())
