"""`logit-gui train` and `logit-gui datasets`: results, strict JSON, and every bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from logit_gui.cli import main


def _csv(path, text):
    path.write_text(text)
    return str(path)


def _blob_csv(tmp_path, name="d.csv", n=80, labels=("no", "yes"), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * [1.0, 10.0] + [0.0, 50.0]
    y = (X[:, 0] + 0.1 * (X[:, 1] - 50) + rng.logistic(size=n) > 0).astype(int)
    lines = ["height,weight,label"] + [f"{a:.6f},{b:.6f},{labels[c]}" for (a, b), c in zip(X, y)]
    return _csv(tmp_path / name, "\n".join(lines) + "\n"), X, y


def _train(capsys, *args):
    rc = main(["train", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def _json(capsys, *args):
    rc, out, err = _train(capsys, *args, "--json", "-")
    assert rc == 0, err
    return json.loads(out)


def test_train_csv_matches_sklearn_in_input_units(tmp_path, capsys):
    path, X, y = _blob_csv(tmp_path)
    l2 = 0.01
    r = _json(capsys, "--csv", path, "--optimizer", "newton", "--l2", str(l2), "--tol", "1e-10", "--standardize")
    assert r["status"] == "converged"
    assert r["classes"] == ["no", "yes"]
    assert r["feature_names"] == ["height", "weight"]
    # standardized fit, reported in input units: predictions equal sklearn's on standardized data
    mu, sd = X.mean(0), X.std(0)
    sk = LogisticRegression(C=1 / (l2 * len(y)), tol=1e-12, max_iter=10000).fit((X - mu) / sd, y)
    coef = np.array(r["coef"])
    assert coef.shape == (1, 2)
    np.testing.assert_allclose(coef, sk.coef_ / sd, rtol=1e-6)
    np.testing.assert_allclose(r["intercept"], sk.intercept_ - (sk.coef_ / sd) @ mu, rtol=1e-6)
    assert set(r) >= {"optimizer", "iterations", "objective", "grad_norm", "warnings", "metrics"}


def test_train_npz_history_and_strict_json(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = np.where(X[:, 0] > 0, 7, 3)
    np.savez(tmp_path / "d.npz", X=X, y=y)
    out = tmp_path / "r.json"
    rc, stdout, err = _train(capsys, "--npz", str(tmp_path / "d.npz"), "--optimizer", "newton", "--max-iter", "30",
                             "--tol", "0", "--history", "--json", str(out))
    assert rc == 0, err
    text = out.read_text()
    assert "NaN" not in text and "Infinity" not in text
    r = json.loads(text)
    assert r["classes"] == [3, 7]
    assert r["iterations"] == 30 and r["status"] == "max_iter"
    assert len(r["history"]) == 31
    assert {"objective", "grad_norm", "step_size"} <= set(r["history"][0])
    # linearly separable without a penalty: reported as a warning
    assert any("separable" in w for w in r["warnings"])


def test_softmax_and_ovr_shapes(tmp_path, capsys):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 2))
    y = np.array(["a", "b", "c"])[np.argmax(X @ rng.normal(size=(2, 3)) + rng.gumbel(size=(90, 3)), 1)]
    lines = ["x,y,cls"] + [f"{a},{b},{c}" for (a, b), c in zip(X, y)]
    path = _csv(tmp_path / "m.csv", "\n".join(lines))
    for mc in ("softmax", "ovr"):
        r = _json(capsys, "--csv", path, "--multiclass", mc, "--l2", "0.1")
        assert r["model"] == mc
        assert np.array(r["coef"]).shape == (3, 2)
        assert len(r["intercept"]) == 3


def test_tol_zero_runs_exactly_max_iter(tmp_path, capsys):
    """--tol 0: exactly --max-iter iterations while the method still makes progress (gd with a
    small step does for thousands); Newton, which reaches machine precision in about ten, stops
    as "stalled" instead of spinning (the numerics issue's rule)."""
    path, _, _ = _blob_csv(tmp_path)
    r = _json(capsys, "--csv", path, "--optimizer", "gd", "--lr", "0.05", "--l2", "1", "--tol", "0", "--max-iter", "17")
    assert r["iterations"] == 17 and r["status"] == "max_iter"
    r = _json(capsys, "--csv", path, "--optimizer", "newton", "--l2", "1", "--tol", "0", "--max-iter", "500")
    assert r["iterations"] < 50 and r["status"] == "stalled" and r["warnings"]


def test_target_by_name_and_index(tmp_path, capsys):
    text = "label,a,b\n" + "\n".join(f"{i % 2},{i},{(i * 7) % 5}" for i in range(20))
    path = _csv(tmp_path / "t.csv", text)
    r1 = _json(capsys, "--csv", path, "--target", "label", "--l2", "1")
    r2 = _json(capsys, "--csv", path, "--target", "0", "--l2", "1")
    assert r1["feature_names"] == r2["feature_names"] == ["a", "b"]
    assert r1["coef"] == r2["coef"]


@pytest.mark.parametrize(
    "content, args, expected",
    [
        ("a,b,y\n1,2,0\n3,,1\n", [], ["line 3", "b"]),                  # empty cell
        ("a,b,y\n1,2,0\n3,nan,1\n", [], ["line 3", "b"]),               # NaN
        ("a,b,y\n1,2,0\n3,oops,1\n4,5,0\n", [], ["line 3", "b", "oops"]),  # text in a numeric column
        ("a,b,y\n1,2,0\n3,4\n", [], ["line 3"]),                        # ragged row
        ("", [], ["empty"]),                                            # empty file
        ("a,b,y\n1,2,0\n3,4,0\n", [], ["class"]),                       # a single class
        ("a,b,y\n1,2,0\n3,4,1\n", ["--target", "zz"], ["zz"]),         # unknown target column
        ("a,b,y\n1,2,0\n3,4,1\n", ["--lr", "0"], ["--lr"]),            # non-positive learning rate
        ("a,b,y\n1,2,0\n3,4,1\n", ["--lr", "-1"], ["--lr"]),
        ("a,b,y\n1,2,0\n3,4,1\n", ["--optimizer", "sgdd"], ["sgdd"]),  # unknown optimizer
        ("a,b,y\n1,2,0\n3,4,1\n", ["--optimizer", "newton", "--l1", "0.1"], ["L1"]),
        ("a,b,y\n1,2,0\n3,4,1\n", ["--test-fraction", "1.5"], ["test"]),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, args, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    r = subprocess.run([sys.executable, "-m", "logit_gui", "train", "--csv", str(path), *args],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    for word in expected:
        assert word.lower() in lines[0].lower(), lines[0]


def test_missing_file_and_bad_npz(tmp_path, capsys):
    rc, _, err = _train(capsys, "--csv", str(tmp_path / "nope.csv"))
    assert rc == 2 and "nope.csv" in err and len(err.strip().splitlines()) == 1
    np.savez(tmp_path / "x.npz", X=np.zeros((3, 2)))
    rc, _, err = _train(capsys, "--npz", str(tmp_path / "x.npz"))
    assert rc == 2 and "y" in err
    X = np.zeros((3, 2))
    X[1, 1] = np.nan
    np.savez(tmp_path / "n.npz", X=X, y=[0, 1, 0])
    rc, _, err = _train(capsys, "--npz", str(tmp_path / "n.npz"))
    assert rc == 2 and "row 1" in err


def test_diverged_json_is_strict_and_keeps_last_finite(tmp_path, capsys):
    path, _, _ = _blob_csv(tmp_path)
    r = _json(capsys, "--csv", path, "--optimizer", "gd", "--lr", "1e6", "--l2", "1", "--max-iter", "500")
    assert r["status"] == "diverged"
    assert all(np.isfinite(r["coef"][0]))
    assert r["objective"] is not None


def test_no_partial_json_on_error(tmp_path, capsys):
    out = tmp_path / "r.json"
    rc, _, _ = _train(capsys, "--csv", str(tmp_path / "missing.csv"), "--json", str(out))
    assert rc == 2 and not out.exists()


def test_datasets_lists_every_dataset(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    for name in ("blobs", "moons", "circles", "xor", "spiral", "linear", "iris", "wine", "breast-cancer", "digits"):
        assert name in out


def test_circles_with_quadratic_features_are_separated(capsys):
    r = _json(capsys, "--dataset", "circles", "--features", "poly:2", "--optimizer", "newton", "--l2", "1e-3")
    assert r["metrics"]["train"]["accuracy"] > 0.95
    assert r["feature_names"] == ["x1", "x2", "x1^2", "x1*x2", "x2^2"]
    lin = _json(capsys, "--dataset", "circles", "--optimizer", "newton", "--l2", "1e-3")
    assert lin["metrics"]["train"]["accuracy"] < 0.8  # no straight line separates a ring


def test_metrics_for_train_and_test(capsys):
    r = _json(capsys, "--dataset", "breast-cancer", "--positive", "malignant", "--standardize", "--l2", "0.01",
              "--test-fraction", "0.25", "--seed", "3")
    assert r["classes"] == ["benign", "malignant"]
    for part in ("train", "test"):
        m = r["metrics"][part]
        assert {"accuracy", "balanced_accuracy", "log_loss", "confusion", "roc_auc", "average_precision"} <= set(m)
        assert m["roc_auc"] > 0.9
    n_test = sum(map(sum, r["metrics"]["test"]["confusion"]))
    assert n_test == 143  # ceil(0.25 · 569)


@pytest.mark.parametrize("args, word", [
    (["--dataset", "nope"], "nope"),
    (["--dataset", "iris", "--positive", "tulip"], "tulip"),
    (["--dataset", "moons", "--features", "poly:7"], "degree"),
    (["--dataset", "moons", "--test-fraction", "1"], "test"),
    (["--dataset", "moons", "--imbalance", "500"], "imbalance"),
])
def test_dataset_errors_exit_2(capsys, args, word):
    rc, out, err = _train(capsys, *args)
    assert rc == 2
    assert len(err.strip().splitlines()) == 1 and word in err.lower()


# ----------------------------------------------------------------------------
# issue 11, section 3 "Files stay what they were": --json, stdout, and every input
# ----------------------------------------------------------------------------
import os  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file kinds")
QUICK = ["--dataset", "moons", "--n", "60", "--optimizer", "newton", "--l2", "1"]


def _one_line(rc, err, *words):
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "internal error" not in err, err
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def _run(args, *, shell=False, stdin=None, timeout=120, **kw):
    cmd = args if shell else [sys.executable, "-m", "logit_gui", *args]
    return subprocess.run(cmd, shell=shell, capture_output=True, text=True, stdin=stdin, timeout=timeout, **kw)


@posix
def test_json_through_a_symlink_writes_its_target(tmp_path, capsys):
    """Issue 11 §3: --json on a symlink replaced the link (its target left stale)."""
    target = tmp_path / "target.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    rc, _, err = _train(capsys, *QUICK, "--json", str(link))
    assert rc == 0, err
    assert link.is_symlink() and json.loads(target.read_text())["status"]


@posix
def test_json_onto_a_hard_link_keeps_the_link(tmp_path, capsys):
    """Issue 11 §3: --json split a hard link."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text("old")
    os.link(a, b)
    rc, _, err = _train(capsys, *QUICK, "--json", str(a))
    assert rc == 0, err
    assert os.path.samefile(a, b) and json.loads(b.read_text())["status"]


@posix
def test_json_keeps_the_mode_of_an_existing_file_and_the_umask_for_a_new_one(tmp_path, capsys):
    """Issue 11 §3: --json made every file 0600."""
    old = tmp_path / "old.json"
    old.write_text("old")
    os.chmod(old, 0o640)
    assert _train(capsys, *QUICK, "--json", str(old))[0] == 0
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    saved = os.umask(0o022)
    try:
        assert _train(capsys, *QUICK, "--json", str(tmp_path / "new.json"))[0] == 0
    finally:
        os.umask(saved)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


@posix
def test_json_to_a_device_writes_it_and_a_full_device_is_one_line(tmp_path, capsys):
    """Issue 11 §3: as root, --json /dev/null or /dev/full replaced the device with a regular
    file. (Root uses private nodes of the same devices: never the machine's own.)"""
    if ROOT_USER:
        null, full = str(tmp_path / "null"), str(tmp_path / "full")
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    else:
        null, full = "/dev/null", "/dev/full"
    rc, out, err = _train(capsys, *QUICK, "--json", null)
    assert rc == 0 and "newton" in out, err
    assert stat.S_ISCHR(os.stat(null).st_mode)
    rc, _, err = _train(capsys, *QUICK, "--json", full)
    _one_line(rc, err, f"--json {full}: no space left on device")
    assert stat.S_ISCHR(os.stat(full).st_mode)


@posix
def test_json_into_a_fifo(tmp_path, capsys):
    """Issue 11 §3: pipes are written directly."""
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
    reader.start()
    rc, _, err = _train(capsys, *QUICK, "--json", str(fifo))
    reader.join(10)
    assert rc == 0, err
    assert json.loads(got[0])["status"] and stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("where, words", [
    ("", ["--json '':", "empty"]),
    ("{tmp}/missing/r.json", ["--json {tmp}/missing/r.json: folder {tmp}/missing does not exist"]),
    ("{tmp}", ["--json {tmp}: is a directory"]),
    ("{ro}/r.json", ["--json {ro}/r.json: permission denied"]),
])
def test_json_target_that_cannot_be_written_is_reported_before_training(tmp_path, where, words):
    """Issue 11 §3: `--json ''` is an error; an unwritable target is reported before
    training, naming the path given (not a temporary name)."""
    ro = "/sys" if ROOT_USER else str(tmp_path / "ro")
    if "{ro}" in where:
        if ROOT_USER and not os.path.isdir("/sys"):
            pytest.skip("no folder root cannot write")
        if not ROOT_USER:
            os.mkdir(ro, 0o555)
    path = where.format(tmp=tmp_path, ro=ro)
    t0 = time.monotonic()
    # a training that would take minutes: the check must come first
    r = _run(["train", "--dataset", "moons", "--n", "200000", "--optimizer", "gd", "--tol", "0",
              "--max-iter", "1000000", "--json", path], timeout=60)
    line = _one_line(r.returncode, r.stderr, *(w.format(tmp=tmp_path, ro=ro) for w in words))
    assert ".tmp" not in line and time.monotonic() - t0 < 30


@posix
@pytest.mark.parametrize("redirect, words", [
    (">&-", ["stdout is closed"]),
    ("> /dev/full", ["cannot write to stdout: no space left on device"]),
])
@pytest.mark.parametrize("json_arg", [["--json", "-"], []])
def test_closed_or_full_stdout_is_one_line(redirect, words, json_arg):
    """Issue 11 §3: a closed or full stdout: one clear line (JSON or the summary)."""
    cmd = " ".join([shlex_quote(sys.executable), "-m", "logit_gui", "train", *QUICK, *json_arg]) + " " + redirect
    r = _run(cmd, shell=True)
    _one_line(r.returncode, r.stderr, *words)


def shlex_quote(s):
    import shlex

    return shlex.quote(s)


@posix
def test_broken_pipe_is_one_line():
    """Issue 11 §3: a broken pipe (the reader went away): one clear line."""
    p = subprocess.Popen([sys.executable, "-m", "logit_gui", "train", *QUICK, "--optimizer", "gd",
                          "--max-iter", "3000", "--tol", "0", "--history", "--json", "-"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.stdout.close()  # the reader is gone before anything was written
    err = p.stderr.read()
    p.wait(120)
    _one_line(p.returncode, err, "stdout: broken pipe")


# -- inputs --------------------------------------------------------------------
def _plain_csv(tmp_path, n=40):
    p = tmp_path / "d.csv"
    p.write_text("a,b,y\n" + "".join(f"{i % 7},{(i * 3) % 5},{i % 2}\n" for i in range(n)))
    return p


@posix
def test_csv_from_a_fifo_is_read_once(tmp_path):
    """Issue 11 §3: a FIFO hung the CLI (the file was opened twice)."""
    src = _plain_csv(tmp_path)
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(src.read_bytes()), daemon=True)
    writer.start()
    r = _run(["train", "--csv", str(fifo), "--l2", "1", "--json", "-"], timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["classes"] == [0, 1]


@posix
def test_csv_from_dev_stdin_and_process_substitution(tmp_path):
    """Issue 11 §3: /dev/stdin and <(…) gave "no data rows"."""
    src = _plain_csv(tmp_path)
    r = subprocess.run(f"cat {shlex_quote(str(src))} | {shlex_quote(sys.executable)} -m logit_gui train "
                       "--csv /dev/stdin --l2 1 --json -", shell=True, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["classes"] == [0, 1]
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash for <(…)")
    r = subprocess.run([bash, "-c", f"{shlex_quote(sys.executable)} -m logit_gui train --csv <(cat "
                        f"{shlex_quote(str(src))}) --l2 1 --json -"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["classes"] == [0, 1]


def test_csv_with_a_header_longer_than_64_kib_trains(tmp_path, capsys):
    """Issue 11 §3: a CSV whose first line is longer than 64 KiB was rejected."""
    c = 2000
    rng = np.random.default_rng(0)
    p = tmp_path / "wide.csv"
    p.write_text(",".join(f"a_rather_long_measurement_name_{j:05d}" for j in range(c)) + ",y\n"
                 + "".join(",".join(f"{v:.2f}" for v in rng.normal(size=c)) + f",{i % 2}\n" for i in range(12)))
    assert len(p.read_text().splitlines()[0]) > 65536
    r = _json(capsys, "--csv", str(p), "--l2", "1", "--max-iter", "3")
    assert len(r["feature_names"]) == c


def _npz(tmp_path, name="d.npz", **arrays):
    p = tmp_path / name
    np.savez(p, **arrays)
    return str(p)


@pytest.mark.parametrize("make, words", [
    (lambda t: _npz(t, X=np.ones((4, 2)) * (1 + 2j), y=[0, 1, 0, 1]), ["X holds complex numbers"]),
    (lambda t: _npz(t, X=np.arange(8.0).reshape(4, 2), y=[0.0, 1.0, np.nan, 1.0]), ["y[2] is nan"]),
    (lambda t: _npz(t, X=np.arange(8.0).reshape(4, 2), y=[0.0, np.inf, 0.0, 1.0]), ["y[1] is inf"]),
    (lambda t: _npz(t, X=np.array([[1, "a"], [2, "b"]], dtype=object), y=[0, 1]), ["X holds Python objects"]),
    (lambda t: _npz(t, X=np.arange(4.0).reshape(2, 2), y=np.array([{}, {}], dtype=object)), ["y holds Python objects"]),
    (lambda t: (np.save(t / "a.npy", np.zeros((3, 2))), str(t / "a.npy"))[1], ["a .npy file", "numpy.savez"]),
    (lambda t: str(_plain_csv(t)), ["not an .npz file"]),
    (lambda t: (open(t / "e.npz", "wb").close(), str(t / "e.npz"))[1], ["an empty file"]),
    (lambda t: _npz(t, X=np.arange(40000.0).reshape(20000, 2), y=np.arange(20000)), ["20,000 distinct labels"]),
])
def test_bad_npz_is_one_line_and_never_suggests_unsafe_loading(tmp_path, capsys, make, words):
    """Issue 11 §3: complex X was truncated, NaN labels accepted, a .npy or a CSV got numpy's
    "allow_pickle" hint (an invitation to unsafe loading), 20,000 labels ran out of memory."""
    path = make(tmp_path)
    rc, _, err = _train(capsys, "--npz", path)
    line = _one_line(rc, err, path, *words)
    assert "pickle" not in line.lower()


def test_npz_with_int64_extreme_labels_keeps_them_exactly(tmp_path, capsys):
    """Issue 11 §3: int64-extreme labels gave an internal error."""
    lo, hi = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    path = _npz(tmp_path, X=np.arange(8.0).reshape(4, 2), y=np.array([lo, hi, lo, hi]))
    r = _json(capsys, "--npz", path, "--l2", "1")
    assert r["classes"] == [int(lo), int(hi)]
    path = _npz(tmp_path, "u.npz", X=np.arange(8.0).reshape(4, 2), y=np.array([0, 2**64 - 1, 0, 2**64 - 1], dtype=np.uint64))
    assert _json(capsys, "--npz", path, "--l2", "1")["classes"] == [0, 2**64 - 1]


@posix
def test_npz_from_a_fifo_is_read_once(tmp_path):
    src = _npz(tmp_path, X=np.arange(16.0).reshape(8, 2), y=[0, 1] * 4)
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    threading.Thread(target=lambda: fifo.write_bytes(open(src, "rb").read()), daemon=True).start()
    r = _run(["train", "--npz", str(fifo), "--l2", "1", "--json", "-"], timeout=60)
    assert r.returncode == 0, r.stderr


def test_too_many_distinct_labels_are_refused_quickly(tmp_path, capsys):
    """Issue 11 §3: 20,000 distinct labels ran out of memory (3,000 took 119 s)."""
    for k in (20000, 3000):
        p = tmp_path / f"ids{k}.csv"
        p.write_text("a,b,y\n" + "".join(f"{i},{i % 13},c{i % k}\n" for i in range(max(k, 6000))))
        t0 = time.monotonic()
        rc, _, err = _train(capsys, "--csv", str(p))
        _one_line(rc, err, str(p), f"column 'y' has {k:,} distinct labels", "at most 100 classes")
        assert time.monotonic() - t0 < 10


@posix
def test_a_character_device_as_input_is_one_line(capsys):
    """Issue 11 §3: a non-regular file (here one that never ends) must not hang the CLI."""
    rc, _, err = _train(capsys, "--csv", "/dev/zero")
    _one_line(rc, err, "/dev/zero: a character device, not a CSV file")
    rc, _, err = _train(capsys, "--npz", "/dev/zero")
    _one_line(rc, err, "/dev/zero: a character device")


def test_the_text_summary_of_gd_lipschitz_gives_l_and_the_step(capsys):
    """Issue 'Trustworthy anywhere' §4: the train text summary omitted L for gd-lipschitz."""
    assert main(["train", "--dataset", "moons", "--optimizer", "gd-lipschitz", "--max-iter", "20"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("Lipschitz constant"))
    L = float(line.split("L = ")[1].split(",")[0])
    assert L > 0 and f"1/L = {1.0 / L:.6g}" in line
