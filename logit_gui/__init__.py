"""logit-gui: a desktop app for teaching logistic regression trained by cross-entropy."""

__version__ = "0.1.0"
