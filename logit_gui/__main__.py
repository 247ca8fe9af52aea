import sys

from logit_gui.cli import main

sys.exit(main())
