"""Session files: exact round trips (settings equal, re-run coefficients bit-identical) for a
generator, a bundled set and a CSV; every bad input is one line naming the file."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from logit_gui.model import pipeline
from logit_gui.model.session import (
    Session,
    SessionError,
    compact_history,
    embed,
    embedded_dataset,
    file_checksum,
    load_session,
    save_session,
)
from logit_gui.model.settings import (
    DataSettings,
    DisplaySettings,
    ModelSettings,
    OptimizerSettings,
    RunSettings,
    Settings,
)


def _coef(settings, iterations=40, source=None):
    built = pipeline.build(settings, source=source)
    run = pipeline.train_to(built, iterations)
    it = run.history.latest
    return np.concatenate([np.ravel(it.coef), np.ravel(it.intercept)])


def _csv(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 2))
    y = np.where(X[:, 0] - X[:, 1] > 0.2, "yes", "no")
    p = tmp_path / "data.csv"
    p.write_text("a,b,label\n" + "".join(f"{a:.6f},{b:.6f},{c}\n" for (a, b), c in zip(X, y, strict=True)))
    return p


SETTINGS = {
    "generator": Settings(DataSettings(source="blobs", classes=3, n=150, seed=5, degree=2),
                          ModelSettings(kind="ovr", l2=1e-2, class_weight=(1.0, 2.0, 0.5)),
                          OptimizerSettings("adam", (("lr", 0.05), ("beta1", 0.8))),
                          RunSettings(speed=20, max_iter=500, tol=1e-7, restart_on_change=True),
                          DisplaySettings(theme="dark", presentation=True, threshold=0.3,
                                          panels=(("loss", (("log_y", True), ("grad", False))),))),
    "bundled": Settings(DataSettings(source="wine", degree=1, positive="class_2", test_fraction=0.3),
                        ModelSettings(class_weight="balanced"), OptimizerSettings("newton", ())),
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_round_trip_is_exact(tmp_path, name):
    s = SETTINGS[name]
    path = str(tmp_path / f"{name}.logit.json")
    save_session(path, Session(s, panels=("boundary", "loss"), cursor_k=12))
    back = load_session(path)
    assert back.settings == s
    assert back.panels == ("boundary", "loss") and back.cursor_k == 12
    assert np.array_equal(_coef(s), _coef(back.settings))  # bit-identical re-run


def test_round_trip_of_a_csv_session_with_its_checksum_and_embedded(tmp_path):
    csv = _csv(tmp_path)
    s = Settings(DataSettings(source="csv", path=str(csv), degree=1, test_fraction=0.0))
    path = str(tmp_path / "csv.logit.json")
    save_session(path, Session(s, checksum=file_checksum(str(csv))))
    back = load_session(path)
    assert back.settings == s
    assert np.array_equal(_coef(s), _coef(back.settings))
    # embedded: the rows travel with the session, the file may go
    src = pipeline.load_source(s.data)
    emb = str(tmp_path / "emb.logit.json")
    save_session(emb, Session(s, embedded=embed(src)))
    os.unlink(csv)
    again = load_session(emb)
    ds = embedded_dataset(again)
    assert np.array_equal(ds.X, src.X) and ds.classes == src.classes
    assert np.array_equal(_coef(s, source=src), _coef(again.settings, source=ds))


def test_the_history_is_kept_compactly(tmp_path):
    s = SETTINGS["bundled"]
    run = pipeline.train_to(pipeline.build(s), 5)
    h = compact_history(run.history)
    path = str(tmp_path / "h.logit.json")
    save_session(path, Session(s, history=h))
    back = load_session(path)
    assert np.array_equal(back.history, h)
    assert h.shape[0] == len(run.history) and h[-1, 0] == run.history.latest.k


def _write(tmp_path, text, name="x.logit.json"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def _good(tmp_path):
    p = str(tmp_path / "good.logit.json")
    save_session(p, Session(Settings()))
    return p


@pytest.mark.parametrize("case", ["corrupt", "truncated", "future", "not a session", "wrong kind",
                                  "bad extension", "missing"])
def test_bad_session_files_are_one_line_naming_the_file(tmp_path, case):
    good = _good(tmp_path)
    text = open(good).read()
    if case == "corrupt":
        path = _write(tmp_path, text.replace('"settings"', '"settings" "', 1))
        words = ["line", "column", "not valid JSON"]
    elif case == "truncated":
        path = _write(tmp_path, text[: len(text) // 2])
        words = ["truncated"]
    elif case == "future":
        d = json.loads(text)
        d["version"] = 99
        path = _write(tmp_path, json.dumps(d))
        words = ["newer logit-gui", "99"]
    elif case == "not a session":
        path = _write(tmp_path, json.dumps({"hello": 1}))
        words = ["not a logit-gui session"]
    elif case == "wrong kind":
        d = json.loads(text)
        d["settings"]["data"]["n"] = "many"
        path = _write(tmp_path, json.dumps(d))
        words = ["settings.data.n", "number"]
    elif case == "bad extension":
        path = _write(tmp_path, text, name="x.json")
        words = [".logit.json"]
    else:
        path = str(tmp_path / "nothing.logit.json")
        words = ["no such file"]
    with pytest.raises(SessionError) as e:
        load_session(path)
    msg = str(e.value)
    assert len(msg.splitlines()) == 1 and path in msg
    for w in words:
        assert w in msg


def test_a_session_whose_csv_is_missing_or_changed_says_so(tmp_path):
    csv = _csv(tmp_path)
    s = Settings(DataSettings(source="csv", path=str(csv), degree=1))
    path = str(tmp_path / "c.logit.json")
    save_session(path, Session(s, checksum=file_checksum(str(csv))))
    with open(csv, "a") as fh:
        fh.write("0.5,0.5,yes\n")
    with pytest.raises(SessionError, match="has changed"):
        load_session(path)
    os.unlink(csv)
    with pytest.raises(SessionError, match="missing"):
        load_session(path)


def test_saving_never_leaves_a_half_written_file(tmp_path, monkeypatch):
    from logit_gui.core import fileio
    from logit_gui.core.errors import LogitError

    path = _good(tmp_path)
    before = open(path).read()

    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", broken)
    with pytest.raises(LogitError):
        save_session(path, Session(SETTINGS["generator"]))
    assert open(path).read() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.logit.json"]
    with pytest.raises(LogitError):
        save_session(str(tmp_path / "no" / "such" / "x.logit.json"), Session(Settings()))
