"""The bundled lecture scenarios: session files in ``logit_gui/scenarios/``. Qt-free.

Each is an ordinary ``*.logit.json`` session (one click in the Scenarios menu,
or ``logit-gui train|render --session FILE``); its title is read from the
file's ``"title"`` entry, its order from the file name's numeric prefix.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["scenarios", "scenario_path", "SCENARIO_DIR"]

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"


def scenarios() -> list[tuple[str, str, str]]:
    """(name, title, path) of every bundled scenario, in menu order."""
    out = []
    for p in sorted(SCENARIO_DIR.glob("*.logit.json")):
        name = p.name[: -len(".logit.json")].split("-", 1)[-1]
        try:
            title = json.loads(p.read_text(encoding="utf-8")).get("title", name)
        except (OSError, ValueError):
            continue  # a broken bundled file is caught by the tests, not shown in the menu
        out.append((name, str(title), str(p)))
    return out


def scenario_path(name: str) -> str:
    for n, _, path in scenarios():
        if n == name:
            return path
    raise KeyError(name)
