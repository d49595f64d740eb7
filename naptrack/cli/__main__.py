"""`python -m naptrack.cli ...`, as the tests and the benches run the command."""

import sys

from naptrack.cli.main import main

sys.exit(main())
