"""`python -m tui` is the same as the `actreg` command."""

import sys

from tui.cli import main

sys.exit(main())
