"""The app icon and the README pictures (made by `logit-gui render`); installed as logit_gui._assets."""
