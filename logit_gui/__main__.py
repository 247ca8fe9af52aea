import sys

from logit_gui.cli import main

if __name__ == "__main__":  # not when a child process imports it
    sys.exit(main())
