"""`python -m kpi`: the command line (see kpi/cli/main.py)."""

import sys

from kpi.cli.main import main

sys.exit(main())
