"""The command line: ``logit-gui`` opens the app; ``train`` and ``datasets`` work headless.

Nothing here imports Qt unless the app is launched, so ``logit-gui train`` runs
on a server and starts fast. Bad input exits with status 2 and one line on
stderr that says what and where; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

__all__ = ["main"]

EXIT_USAGE = 2


class UsageError(Exception):
    """A one-line, user-facing problem with the command line or its input."""


class _StdoutError(Exception):
    """stdout is closed, full or a broken pipe: one line on stderr, exit 2."""


# Qt's own command-line options (QGuiApplication, QApplication, xcb), passed on to Qt
_QT_OPTIONS_WITH_VALUE = frozenset({
    "platform", "platformpluginpath", "platformtheme", "plugin", "qmljsdebugger", "qwindowgeometry",
    "qwindowicon", "qwindowtitle", "session", "style", "stylesheet", "display", "geometry", "name",
    "title", "visual",
})
_QT_FLAGS = frozenset({"reverse", "widgetcount", "nograb", "dograb", "sync"})


def _app_option_problem(args) -> str | None:
    """Why ``logit-gui [app] ARGS`` is not a valid app command line, or None.

    The app takes ``--csv PATH`` (or one CSV path) and Qt's options (``-platform
    offscreen``, ``-style fusion``, ...); anything else, e.g. ``--version`` after
    other options or a typo, is refused instead of opening the window.
    """
    i, first = 0, None
    while i < len(args):
        a = args[i]
        if a == "--":
            break
        if a.startswith("-") and a != "-":
            name, eq, _ = a.lstrip("-").partition("=")
            if name == "csv" and a.startswith("--") or name in _QT_OPTIONS_WITH_VALUE:
                if not eq and i + 1 >= len(args):
                    return f"logit-gui: {a} needs a value" + (" (a CSV file)" if name == "csv" else "")
                i += 1 if eq else 2
                continue
            if name in _QT_FLAGS:
                i += 1
                continue
            return (f"logit-gui: unknown option {a!r} (the app takes --csv PATH and Qt's options such as "
                    "-platform NAME; commands: train, render, datasets; see logit-gui --help)")
        if first is not None:
            return f"logit-gui: one CSV file at a time, got {first!r} and {a!r}"
        first = a
        i += 1
    return None


def _version() -> str:
    from . import __version__

    return f"logit-gui {__version__}"


def _write_stdout(text: str) -> None:
    """Write ``text`` to stdout now (flushed): a closed or full stdout or a broken pipe is one clear line."""
    if sys.stdout is None:
        raise _StdoutError("logit-gui: error: stdout is closed: nothing can be printed")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise _StdoutError("logit-gui: error: stdout: broken pipe (the reading end was closed)") from None
    except OSError as e:
        reason = e.strerror or str(e)
        raise _StdoutError(f"logit-gui: error: cannot write to stdout: {reason[:1].lower()}{reason[1:]}") from None
    except ValueError:  # "I/O operation on closed file"
        raise _StdoutError("logit-gui: error: stdout is closed: nothing can be printed") from None


def _discard_stdout() -> None:
    """After a failed write to stdout: point fd 1 at /dev/null, so the exit's flush cannot fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (AttributeError, OSError, ValueError):
        pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints usage too)
        raise UsageError(f"{self.prog}: {message}")


def _float(name, *, positive):
    """An argparse type: a finite number, > 0 if ``positive`` else >= 0."""
    def parse(text):
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not math.isfinite(v) or v < 0 or (positive and v == 0):
            what = "a positive number" if positive else "a number >= 0"
            raise argparse.ArgumentTypeError(f"{name} must be {what}, got {text}")
        return v
    return parse


def _positive_float(name):
    return _float(name, positive=True)


def _nonneg_float(name):
    return _float(name, positive=False)


def _int_at_least(name, lo):
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer, got {text!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"{name} must be at least {lo}, got {v}")
        return v
    return parse


def _class_weight(text):
    t = text.strip().lower()
    if t in ("none", "balanced"):
        return t
    try:
        alphas = tuple(float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--class-weight must be none, balanced or positive numbers α0,α1,…, got {text!r}") from None
    if len(alphas) < 2 or not all(math.isfinite(a) and a > 0 for a in alphas):
        raise argparse.ArgumentTypeError(f"--class-weight: one positive α per class (at least two), got {text!r}")
    return alphas


def _view(text):
    try:
        i, j = (int(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--view must be two column indices I,J, got {text!r}") from None
    if i < 0 or j < 0 or i == j:
        raise argparse.ArgumentTypeError(f"--view: two different column indices ≥ 0, got {text!r}")
    return (i, j)


def _features(text):
    from .core.errors import DataError
    from .core.features import parse_features

    try:
        return parse_features(text)
    except DataError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_run_options(t, *, render: bool = False) -> None:
    """The data, model, optimizer and stopping options of ``train`` (and ``render``)."""
    from .core.optimizers import OPTIMIZERS

    src = t.add_mutually_exclusive_group(required=not render)
    src.add_argument("--csv", metavar="PATH", help="CSV file with a header row; class column: --target (default: last)")
    src.add_argument("--npz", metavar="PATH", help="NumPy .npz file with arrays X (n×d) and y (n)")
    src.add_argument("--dataset", metavar="NAME", help="a generator or bundled dataset (see `logit-gui datasets`)")
    src.add_argument("--session", metavar="FILE.logit.json",
                     help="a saved session: its data, model, optimizer and run (no other such option with it)")
    t.add_argument("--target", metavar="COL", help="CSV class column: name or 0-based index (default: the last column)")
    t.add_argument("--drop-missing", action="store_true", help="CSV: drop rows with empty/NaN cells (reports how many)")
    t.add_argument("--n", type=_int_at_least("--n", 2), default=200, help="generator: number of points (default 200)")
    t.add_argument("--noise", type=_nonneg_float("--noise"), default=0.2, help="generator: noise level (default 0.2)")
    t.add_argument("--classes", type=_int_at_least("--classes", 2), default=2, help="generator: number of classes")
    t.add_argument("--imbalance", type=float, default=1.0, help="generator: majority:minority ratio, 1 to 100")
    t.add_argument("--label-noise", type=_nonneg_float("--label-noise"), default=0.0,
                   help="generator: fraction of labels flipped")
    t.add_argument("--outliers", type=_nonneg_float("--outliers"), default=0.0,
                   help="generator: fraction of points displaced far from their class")
    t.add_argument("--positive", metavar="LABEL", help="make the task binary: LABEL vs the rest")
    t.add_argument("--features", type=_features, default=1, metavar="linear|poly:D",
                   help="feature map: polynomial features of degree D (1..6)")
    t.add_argument("--test-fraction", type=float, default=0.0, help="stratified test split, in [0, 1) (default 0)")
    t.add_argument("--optimizer", default="lbfgs", metavar="NAME",
                   help="one of: " + ", ".join(OPTIMIZERS) + " (default lbfgs)")
    t.add_argument("--lr", type=_positive_float("--lr"), help="learning rate (first-order methods)")
    t.add_argument("--batch-size", type=_int_at_least("--batch-size", 1), help="mini-batch size (sgd default 32)")
    t.add_argument("--momentum", dest="beta", type=float, help="momentum β (momentum, nesterov)")
    t.add_argument("--beta1", type=float, help="Adam: decay of the gradient's running mean β₁ (default 0.9)")
    t.add_argument("--beta2", type=float, help="Adam: decay of the squared gradient's running mean β₂ (default 0.999)")
    t.add_argument("--rho", type=float, help="RMSProp: decay of the squared gradient's running mean ρ (default 0.9)")
    t.add_argument("--eps", type=_positive_float("--eps"), help="Adagrad, RMSProp, Adam: ε in the denominator")
    t.add_argument("--memory", type=_int_at_least("--memory", 1), help="L-BFGS memory (default 10)")
    t.add_argument("--batch-seed", type=int, help="seed of the mini-batches (sgd, momentum, …; default: --seed)")
    t.add_argument("--l2", type=_nonneg_float("--l2"), default=0.0, help="L2 penalty (l2/2)‖w‖²")
    t.add_argument("--l1", type=_nonneg_float("--l1"), default=0.0, help="L1 penalty l1‖w‖₁")
    t.add_argument("--class-weight", default="none", type=_class_weight, metavar="none|balanced|α0,α1,…",
                   help="class weights: none, balanced (n / (K·n_class)), or one positive α per class")
    t.add_argument("--multiclass", default="softmax", choices=["softmax", "ovr"], help="model for K > 2 classes")
    t.add_argument("--no-intercept", action="store_true", help="fix the intercept at 0")
    t.add_argument("--standardize", action="store_true", help="standardize features (population std, training data)")
    t.add_argument("--max-iter", type=_int_at_least("--max-iter", 0), default=1000, help="iteration budget (default 1000)")
    t.add_argument("--tol", type=_nonneg_float("--tol"), default=1e-6,
                   help="stop when ‖∇J‖∞, each component per unit of its feature's RMS, ≤ tol "
                        "(default 1e-6; 0: until --max-iter, unless the run stalls)")
    t.add_argument("--seed", type=int, default=0, help="seed for generators, the split and mini-batches")
    t.add_argument("--view", type=_view, metavar="I,J",
                   help="the 2-D view of data with more than two features: input columns I and J "
                        "(default: the first two principal components)")
    if render:
        return
    t.add_argument("--save-session", metavar="FILE.logit.json",
                   help="also save the run's settings as a session (the app and render open it)")
    t.add_argument("--json", metavar="PATH|-", help="write the result as JSON to PATH (- for stdout)")
    t.add_argument("--history", action="store_true", help="include per-iteration objective, gradient norm and step")


def _build_parser() -> _Parser:
    from .core.optimizers import OPTIMIZERS

    parser = _Parser(
        prog="logit-gui",
        description="Teach logistic regression trained by cross-entropy. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    app = sub.add_parser("app", help="open the desktop app (the default)",
                         description="Open the desktop app. Also takes Qt's options, e.g. -platform offscreen.")
    app.add_argument("--csv", help="open this CSV file at start-up")

    t = sub.add_parser("train", help="train a model headless and print the result (JSON with --json)")
    _add_run_options(t)
    _RUN_DEFAULTS.update({a.dest: a.default for a in t._actions if a.dest != "help"})

    from .render.command import add_parser as add_render_parser

    add_render_parser(sub, _add_run_options)
    sub.add_parser("datasets", help="list the generators and bundled datasets")
    return parser


# ----------------------------------------------------------------------------
# data loading for `train`
# ----------------------------------------------------------------------------
#: the run options' defaults (filled when the parser is built): what "not given" looks like
_RUN_DEFAULTS: dict = {}

#: options that describe the run (refused beside --session: the session describes it)
_OUTPUT_ONLY = {"session", "json", "history", "save_session", "command", "help"}


def _settings(args):
    """The run ``train``'s options describe, as the app's settings (one pipeline for both)."""
    from .core.optimizers import OPTIMIZER_PARAMS
    from .model.settings import DataSettings, ModelSettings, OptimizerSettings, RunSettings, Settings

    if getattr(args, "session", None):
        return _session_settings(args)
    if args.csv is not None:
        source, path = "csv", args.csv
    elif args.npz is not None:
        source, path = "npz", args.npz
    else:
        source, path = args.dataset, None
    data = DataSettings(
        source=source, path=path, target=args.target, drop_missing=args.drop_missing,
        n=args.n, noise=args.noise, classes=args.classes, imbalance=args.imbalance,
        label_noise=args.label_noise, outliers=args.outliers, seed=args.seed,
        positive=args.positive, test_fraction=args.test_fraction,
        degree=args.features, standardize=args.standardize, view_features=getattr(args, "view", None),
    )
    model = ModelSettings(
        kind=args.multiclass, class_weight=None if args.class_weight == "none" else args.class_weight,
        l2=args.l2, l1=args.l1, fit_intercept=not args.no_intercept,
    )
    params = {"lr": args.lr, "batch_size": args.batch_size, "beta": args.beta, "beta1": getattr(args, "beta1", None),
              "beta2": getattr(args, "beta2", None), "rho": getattr(args, "rho", None),
              "eps": getattr(args, "eps", None), "memory": args.memory}
    params = tuple((k, v) for k, v in params.items() if v is not None)
    if "seed" in OPTIMIZER_PARAMS.get(args.optimizer, ()):  # mini-batches: drawn with --batch-seed (--seed)
        batch_seed = getattr(args, "batch_seed", None)
        params += (("seed", args.seed if batch_seed is None else batch_seed),)
    return Settings(data, model, OptimizerSettings(args.optimizer, params),
                    RunSettings(max_iter=args.max_iter, tol=args.tol))


def _session_settings(args):
    """``--session FILE``: the session's settings; any other run option beside it is refused."""
    from .model.session import load_session

    given = [k for k, v in vars(args).items()
             if k in _RUN_DEFAULTS and k not in _OUTPUT_ONLY and v != _RUN_DEFAULTS[k]]
    if given:
        flag = "--" + given[0].replace("_", "-")
        raise UsageError(f"logit-gui: error: --session {args.session}: the session sets the data, model, "
                         f"optimizer and run; leave out {flag} (or change it in the app and save the session)")
    session = load_session(args.session)
    settings = session.settings
    args._session = session  # embedded rows travel with it (see _source)
    return settings


def _source(args):
    """The data set itself when a session carries its rows (None: load it from the settings)."""
    session = getattr(args, "_session", None)
    if session is None or session.embedded is None:
        return None
    from .model.session import embedded_dataset

    return embedded_dataset(session)


# ----------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------
def _cmd_train(args) -> int:
    import numpy as np

    from .core.errors import DataError
    from .core.metrics import summary
    from .core.optimizers import check_optimizer, make_optimizer
    from .core.train import run
    from .model.pipeline import build

    check_optimizer(args.optimizer, l1=args.l1)  # before loading a possibly large file
    if not 0 <= args.test_fraction < 1:
        raise DataError(f"--test-fraction must be in [0, 1), got {args.test_fraction}")
    if sys.stdout is None:  # before training: the summary or the JSON has nowhere to go
        raise _StdoutError("logit-gui: error: stdout is closed: nothing can be printed")
    if args.json not in (None, "-"):  # '' too: an error, not "no JSON"
        from .core.errors import OutputError
        from .core.fileio import check_output

        try:
            check_output(args.json)  # before training: a path that cannot be written is reported now
        except OutputError as e:
            raise OutputError(f"--json {e}") from None
    settings = _settings(args)
    if args.save_session:
        from .model.session import SUFFIX, SessionError

        if not args.save_session.endswith(SUFFIX):
            raise SessionError(f"--save-session {args.save_session}: a session file ends in {SUFFIX}")
        from .core.fileio import check_output

        check_output(args.save_session)  # before training
    built = build(settings, source=_source(args))
    ds, problem = built.dataset, built.problem
    o, r = settings.optimizer, settings.run
    opt = make_optimizer(o.method, problem.objective, test_objective=problem.test_objective, **o.as_dict())
    t0 = time.perf_counter()
    iterates = []
    last = None
    for it in run(opt, max_iter=r.max_iter, tol=r.tol):
        if args.history:
            iterates.append(it)
        last = it
    seconds = time.perf_counter() - t0
    from .model.report import history_entries, model_report

    result = model_report(problem, last, optimizer=o.method, dataset_warnings=ds.warnings, seconds=seconds,
                          history=history_entries(iterates) if args.history else None)
    if args.save_session:
        _save_session(args.save_session, settings)
    from .model.report import model_json

    text = model_json(result)
    if args.json == "-":
        _write_stdout(text)
    else:
        if args.json is not None:
            from .core.errors import OutputError
            from .core.fileio import write_output

            try:  # a regular file atomically; a symlink's target, a device or a FIFO as it is
                write_output(args.json, text)
            except OutputError as e:
                raise OutputError(f"--json {e}") from None
        _print_summary(result)
    return 0


def _save_session(path, settings) -> None:
    import os

    from .model.session import Session, file_checksum, save_session

    d = settings.data
    checksum = file_checksum(d.path) if d.source in ("csv", "npz") and d.path and os.path.isfile(d.path) else None
    save_session(path, Session(settings, checksum=checksum))


def _print_summary(r):
    lines = [f"{r['optimizer']}: {r['status']} after {r['iterations']} iterations "
             f"(J = {r['objective']:.10g}, ‖∇J‖∞ = {r['grad_norm']:.3g}, {r['seconds']:.3g} s)",
             f"model: {r['model']}, classes: {', '.join(map(str, r['classes']))}"]
    if r.get("lipschitz") is not None:
        L = r["lipschitz"]
        lines.append(f"Lipschitz constant of ∇J: L = {L:.6g}, step 1/L = {1.0 / L:.6g}")
    acc = r["metrics"]["train"]["accuracy"]
    line = f"train accuracy {acc:.4f}"
    if "test" in r["metrics"]:
        line += f", test accuracy {r['metrics']['test']['accuracy']:.4f}"
    lines.append(line)
    lines += [f"warning: {w}" for w in r["warnings"]]
    _write_stdout("\n".join(lines) + "\n")


def _cmd_datasets(args) -> int:
    from .core.datasets import list_datasets

    rows = list_datasets()
    width = max(len(name) for name, _ in rows)
    _write_stdout("".join(f"{name:<{width}}  {desc}\n" for name, desc in rows))
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("--version", "-V"):  # no Qt, no display needed
        try:
            _write_stdout(_version() + "\n")
        except _StdoutError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        return 0
    opens_a_file = bool(argv) and argv[0] not in ("app", "train", "render", "datasets") and \
        argv[0].lower().endswith((".logit.json", ".csv", ".tsv", ".txt"))
    if not argv or argv[0] == "app" or opens_a_file or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        if argv and argv[0] == "app":
            argv = argv[1:]
        if any(a in ("-h", "--help") for a in argv[: argv.index("--") if "--" in argv else None]):
            try:
                _build_parser().parse_args(["app", "--help"])  # prints the app's help, no display needed
            except SystemExit as e:
                return int(e.code or 0)
        problem = _app_option_problem(argv)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
        try:
            from .app import main as app_main

            return app_main(argv)
        except KeyboardInterrupt:  # Ctrl+C before the window is up (after, it closes the window)
            print("logit-gui: interrupted", file=sys.stderr)
            return 130
    from .core.errors import LogitError

    if argv and argv[0] == "render":
        # as the app does (before NumPy loads its BLAS): small Hessians and many small products
        # are slower on two busy threads than on one
        from .app import leave_a_core_for_the_display

        leave_a_core_for_the_display()
    try:
        parser = _build_parser()
        args = parser.parse_args(argv)
        if args.command == "train":
            return _cmd_train(args)
        if args.command == "datasets":
            return _cmd_datasets(args)
        if args.command == "render":
            from .render.command import run as render

            return render(args, _settings)
        parser.print_help()
        return 0
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except _StdoutError as exc:  # closed, full, broken pipe: one line
        print(str(exc), file=sys.stderr)
        _discard_stdout()
        return EXIT_USAGE
    except LogitError as exc:  # bad input: the message says what and where
        print(f"logit-gui: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"logit-gui: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("logit-gui: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, but say so
        print(f"logit-gui: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
