"""The numerical core of logit-gui: NumPy only, no Qt anywhere below this package."""
