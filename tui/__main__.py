"""`python -m tui` is the same as the `actreg` command."""

import sys

from tui.launch import main

sys.exit(main())
