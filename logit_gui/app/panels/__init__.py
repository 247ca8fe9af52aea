"""The plots of the main window: one module per panel, each created once and redrawn by ``show``."""
