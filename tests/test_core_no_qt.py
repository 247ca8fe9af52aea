"""The core, the Qt-free model and the headless commands import and run with Qt made unimportable."""

import subprocess
import sys
import textwrap

BLOCK = textwrap.dedent(
    """
    import importlib.abc, sys
    class _NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "PySide2"):
                raise ImportError(f"Qt is blocked in this test: {name}")
            return None
    sys.meta_path.insert(0, _NoQt())
    """
)


def _run(code):
    return subprocess.run([sys.executable, "-c", BLOCK + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120)


def test_core_imports_and_trains_without_qt():
    r = _run(
        """
        import pkgutil, importlib, numpy as np
        import logit_gui.core as core, logit_gui.model as model
        for pkg in (core, model):
            for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                importlib.import_module(m.name)
        from logit_gui.core.objective import Objective
        from logit_gui.core.optimizers import make_optimizer
        from logit_gui.core.train import run
        X = np.random.default_rng(0).normal(size=(50, 2)); y = (X[:, 0] > 0).astype(int)
        last = list(run(make_optimizer("newton", Objective(X, y, l2=0.1)), tol=1e-8))[-1]
        assert last.status == "converged"
        assert not any(k.split(".")[0] in ("PySide6", "pyqtgraph") for k in sys.modules)
        print("ok")
        """
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_train_command_runs_without_qt(tmp_path):
    r = _run(
        f"""
        import numpy as np
        X = np.random.default_rng(0).normal(size=(40, 2)); y = (X[:, 1] > 0).astype(int)
        np.savez({str(tmp_path / 'd.npz')!r}, X=X, y=y)
        from logit_gui.cli import main
        rc = main(["train", "--npz", {str(tmp_path / 'd.npz')!r}, "--l2", "0.1", "--json", "-"])
        assert rc == 0
        assert "PySide6" not in sys.modules
        """
    )
    assert r.returncode == 0, r.stderr
    assert '"status": "converged"' in r.stdout
