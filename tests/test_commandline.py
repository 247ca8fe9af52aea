"""File → "Copy as command": the command line reproduces the run — read back by the command
line's own parser it gives the same settings, for every optimizer, and trains the same model."""

from __future__ import annotations

import json
import shlex

import numpy as np
import pytest

from logit_gui.cli import _build_parser, _settings, main
from logit_gui.core.optimizers import OPTIMIZERS
from logit_gui.model.commandline import command_args, command_line, effective
from logit_gui.model.settings import DataSettings, DisplaySettings, ModelSettings, OptimizerSettings, RunSettings, Settings

PARAMS = {"gd": (("lr", 0.3),), "gd-backtracking": (("lr", 2.0),), "lbfgs": (("memory", 7),),
          "sgd": (("lr", 0.1), ("batch_size", 16), ("seed", 9)),
          "momentum": (("lr", 0.1), ("beta", 0.8), ("batch_size", None), ("seed", 0)),
          "nesterov": (("lr", 0.1), ("beta", 0.7)),
          "adagrad": (("lr", 0.2), ("eps", 1e-6)), "rmsprop": (("lr", 0.01), ("rho", 0.95), ("eps", 1e-7)),
          "adam": (("lr", 0.02), ("beta1", 0.85), ("beta2", 0.99), ("eps", 1e-9), ("seed", 3))}


def _parse(line: str) -> Settings:
    argv = shlex.split(line)[1:]
    return _settings(_build_parser().parse_args(argv))


@pytest.mark.parametrize("method", OPTIMIZERS)
def test_the_command_reads_back_as_the_same_settings(method):
    s = Settings(DataSettings(source="blobs", n=120, classes=3, noise=0.4, seed=5, degree=2, standardize=True,
                              test_fraction=0.2, imbalance=2.0, label_noise=0.05),
                 ModelSettings(kind="ovr", class_weight=(1.0, 2.5, 0.5), l2=1e-3, l1=0.0),
                 OptimizerSettings(method, PARAMS.get(method, ())),
                 RunSettings(speed=20, max_iter=77, tol=1e-7, restart_on_change=True),
                 DisplaySettings(theme="dark"))
    back = _parse(command_line(s))
    assert effective(back) == effective(s)


def test_a_bundled_set_with_a_positive_class_and_a_csv(tmp_path):
    s = Settings(DataSettings(source="wine", positive="class_1", degree=1, view_features=(0, 3)),
                 ModelSettings(class_weight="balanced", l1=1e-3, fit_intercept=False), OptimizerSettings("lbfgs", ()))
    assert effective(_parse(command_line(s))) == effective(s)
    csv = tmp_path / "my data.csv"
    csv.write_text("a;b;label\n1;2;x\n2;1;y\n3;3;x\n0;1;y\n")
    s = Settings(DataSettings(source="csv", path=str(csv), target="label", degree=1, test_fraction=0.0),
                 ModelSettings(l2=1e-2), OptimizerSettings("newton", ()))
    line = command_line(s)
    assert "'" in line  # the space in the path is quoted for the shell
    assert effective(_parse(line)) == effective(s)


def test_the_command_trains_the_same_model_as_the_settings(capsys):
    from logit_gui.model import pipeline

    s = Settings(DataSettings(source="moons", n=150, seed=2, degree=3, standardize=True),
                 ModelSettings(l2=1e-3), OptimizerSettings("adam", (("lr", 0.05),)), RunSettings(max_iter=60, tol=0.0))
    argv = command_args(s) + ["--json", "-"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    run = pipeline.train_to(pipeline.build(s), 60)
    coef, intercept = run.optimizer.obj and pipeline.build(s).problem.coef_in_input_units(run.history.latest)
    assert out["iterations"] == run.history.latest.k
    assert np.allclose(out["coef"], coef, rtol=0, atol=0) and np.allclose(out["intercept"], intercept, rtol=0, atol=0)


def test_a_render_line_keeps_theme_presentation_panels_and_iteration():
    s = Settings(display=DisplaySettings(theme="dark", presentation=True))
    args = command_args(s, "render", iterations=42, panels=["loss", "sigmoid"], out="fig.png")
    ns = _build_parser().parse_args(args)
    assert ns.iterations == 42 and ns.panel == "loss,sigmoid" and ns.theme == "dark" and ns.presentation


def test_train_and_render_read_and_write_the_same_session_files(tmp_path, capsys):
    from logit_gui.model.session import load_session

    path = str(tmp_path / "run.logit.json")
    assert main(["train", "--dataset", "moons", "--n", "120", "--features", "poly:2", "--optimizer", "gd",
                 "--lr", "0.5", "--max-iter", "30", "--tol", "0", "--save-session", path, "--json", "-"]) == 0
    first = json.loads(capsys.readouterr().out)
    s = load_session(path)
    assert s.settings.optimizer.method == "gd" and s.settings.data.n == 120
    assert main(["train", "--session", path, "--json", "-"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["coef"] == first["coef"] and again["iterations"] == first["iterations"]
    rc = main(["train", "--session", path, "--l2", "1", "--json", "-"])
    err = capsys.readouterr().err
    assert rc == 2 and "--l2" in err and "--session" in err and len(err.strip().splitlines()) == 1
    rc = main(["train", "--session", str(tmp_path / "nope.logit.json")])
    err = capsys.readouterr().err
    assert rc == 2 and "no such file" in err


def _scenario_files():
    from logit_gui.model.scenarios import SCENARIO_DIR

    return sorted(p.name for p in SCENARIO_DIR.glob("*.logit.json"))


@pytest.mark.parametrize("scenario", _scenario_files())
def test_bundled_scenarios_train_and_render_headless(tmp_path, capsys, qapp, scenario):
    """Every bundled scenario runs 50 iterations and renders the panels it shows."""
    from logit_gui.model.scenarios import SCENARIO_DIR

    path = str(SCENARIO_DIR / scenario)
    assert main(["render", "--session", path, "--iterations", "50", "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 10_000


def test_logit_gui_with_a_session_file_opens_it_in_the_app(monkeypatch, tmp_path):
    import logit_gui.app as app

    seen = []
    monkeypatch.setattr(app, "main", lambda argv: seen.append(list(argv)) or 0)
    path = str(tmp_path / "lecture.logit.json")
    assert main([path]) == 0
    assert seen == [[path]]
    assert app.parse_args([path]) == (path, [])
