"""CSV import that names the file, line and column of every problem.

:func:`read_csv` reads a table of numeric feature columns and one target
column of class labels (numbers or text) into a :class:`Dataset`
(:func:`read_npz` does the same for a NumPy ``.npz`` file with ``X`` and ``y``).

* Delimiter: comma, semicolon or tab, detected from the first lines (the
  one that splits every sampled line into the same number of fields, more
  than one; preference tab, semicolon, comma), or given.
* Header: detected (the first line is a header when none of its fields is a
  number), or given. Without a header the columns are named by their 0-based
  index: ``x0``, ``x1``, ...
* Target: a column name, or a 0-based index (int or numeric string, negative
  counts from the end); default: the last column.
* Labels: numeric when every label is a number (sorted numerically; integral
  values become ints), else text (sorted as strings, surrounding spaces
  removed).
* Missing values are empty cells and NaN; with ``drop_missing=True`` rows
  holding them are dropped and a warning says how many. Blank lines are
  skipped. Fields may be quoted with ``"``.

Speed: the happy path is a single :func:`numpy.loadtxt` pass (text labels
through a converter on the target column only); when it fails, an exact
Python scan re-reads the file to find and report the first problem, or to
drop the rows with missing values.

A dataset with more classes than a binary model allows is reported by
:func:`logit_gui.core.datasets.check_classes`; more distinct labels than
:data:`~logit_gui.core.datasets.MAX_LABELS` (an ID column taken for the class
column, say) are refused when the file is read.

Files that are not regular files — a FIFO, ``/dev/stdin`` from a pipe, a shell's
``<(…)`` — are read once into memory (they cannot be read twice); a device
(``/dev/zero``, a terminal) is refused. The first lines are read whole, however
long (a header of 12,000 columns is fine; a first line beyond 64 MiB is not).

:func:`read_npz` never unpickles: an ``.npz`` holding object arrays, a ``.npy``
file or anything that is not an ``.npz`` archive is refused with a message
saying what it is.
"""

from __future__ import annotations

import collections
import csv
import io
import itertools
import math
import os
import stat
import warnings as _warnings

import numpy as np

from .datasets import Dataset, check_label_count
from .errors import DataError

__all__ = ["read_csv", "read_npz", "detect_dialect", "CsvDialect"]

_SNIFF_CHARS = 1 << 16
_SNIFF_ROWS = 50
_MAX_HEAD = 1 << 26  # the first lines are read whole up to this many characters
_CANDIDATES = ("\t", ";", ",")  # in order of preference
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_DELIM_ALIASES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t"}
_ENCODING = "utf-8-sig"


class CsvDialect:
    """What :func:`detect_dialect` found: delimiter, header line (0: none), column names."""

    __slots__ = ("delimiter", "header_line", "names", "renamed")

    def __init__(self, delimiter: str, header_line: int, names: tuple[str, ...], renamed: tuple[str, ...] = ()):
        self.delimiter = delimiter
        self.header_line = header_line
        self.names = names
        self.renamed = renamed  # warnings about duplicate or empty header names

    def __repr__(self):
        return f"CsvDialect(delimiter={self.delimiter!r}, header_line={self.header_line}, names={self.names!r})"


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------
def _col(names, j) -> str:
    return repr(names[j]) if 0 <= j < len(names) else f"#{j}"


def _at(path, line, names=None, j=None) -> str:
    where = f"{path}, line {line}"
    if names is not None and j is not None:
        where += f", column {_col(names, j)}"
    return where


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _is_missing(s: str) -> bool:
    s = s.strip()
    return not s or s.lower() == "nan"


def _kind(mode) -> str:
    for test, name in ((stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "directory")):
        if test(mode):
            return name
    return "special file"


def _read_once(path, what="CSV file") -> bytes | None:
    """The bytes of ``path`` if it is a FIFO (a pipe, ``/dev/stdin``, ``<(…)``): read once,
    since it cannot be read twice; None for a regular file (read by name, as often as
    needed). A device or socket is refused: it never ends, or is no file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # open() reports it (no such file, permission denied, ...)
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if not stat.S_ISFIFO(mode):
        raise DataError(f"{path}: a {_kind(mode)}, not a {what}")
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from None


def _decode(path, data: bytes) -> str:
    try:
        return data.decode(_ENCODING)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DataError(f"{path}, line {line}: not a UTF-8 text file ({e.reason})") from None


def _open(path, text: str | None = None):
    if text is not None:  # a pipe's content, read once
        return io.StringIO(text, newline="")
    try:
        return open(path, encoding=_ENCODING, newline="")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a CSV file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except OSError as e:
        raise DataError(f"{path}: cannot open ({e.strerror or e})") from None


def _decode_error(path, e: UnicodeDecodeError) -> DataError:
    return DataError(f"{path}: not a UTF-8 text file ({e.reason})")


def _parse_delimiter(delimiter) -> str:
    d = _DELIM_ALIASES.get(str(delimiter).lower(), delimiter)
    if not isinstance(d, str) or len(d) != 1 or d in "\"\r\n" or d.isalnum() or d in ".-+":
        raise DataError(f"delimiter must be one character such as ',', ';' or tab, got {delimiter!r}")
    return d


# --------------------------------------------------------------------------
# dialect detection
# --------------------------------------------------------------------------
def _sample_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of the first non-blank records of ``text``."""
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', skipinitialspace=True)
    try:
        for row in reader:
            if row and any(s.strip() for s in row):
                rows.append((reader.line_num, row))
                if len(rows) >= _SNIFF_ROWS:
                    break
    except csv.Error:
        pass  # an unterminated quote in the sample: judge by what was read
    return rows


def _detect_delimiter(text: str) -> str | None:
    best, best_fields = None, 1
    for cand in _CANDIDATES:
        rows = _sample_rows(text, cand)
        widths = {len(r) for _, r in rows}
        if len(widths) == 1 and widths.pop() > 1:
            return cand
        if rows and len(rows[0][1]) > best_fields:
            best, best_fields = cand, len(rows[0][1])
    return best


def _looks_like_header(rows) -> bool:
    """The first record is a header when none of its fields is a number (data rows have numeric features)."""
    first = [s.strip() for s in rows[0][1]]
    return any(first) and not any(_is_number(s) for s in first if s)


def detect_dialect(path, *, delimiter=None, header=None) -> CsvDialect:
    """Delimiter, header line and column names of a CSV file (DataError if it has no data).

    A FIFO is consumed by this call (it can be read only once)."""
    path = os.fspath(path)
    data = _read_once(path)
    return _detect(path, delimiter, header, None if data is None else _decode(path, data))[0]


def _head(f) -> tuple[str, bool]:
    """The first lines of ``f``: at least _SNIFF_CHARS characters, and whole lines, so that a
    long header (thousands of columns) is judged whole. (text, whether the file goes on)."""
    text = f.read(_SNIFF_CHARS)
    more = f.read(1)
    while more and text.count("\n") < 3 and len(text) < _MAX_HEAD:
        text += more + f.read(max(len(text), _SNIFF_CHARS))
        more = f.read(1)
    return text, more != ""


def _detect(path: str, delimiter, header, text_in: str | None = None) -> tuple[CsvDialect, list[tuple[int, list[str]]]]:
    """The dialect and the sampled (line, fields) records of the first lines."""
    f = _open(path, text_in)
    with f:
        try:
            text, more = _head(f)
        except UnicodeDecodeError as e:
            raise _decode_error(path, e) from None
    if more:  # judge complete lines only
        cut = text.rfind("\n")
        if cut < 0:
            raise DataError(f"{path}, line 1: longer than {_MAX_HEAD >> 20} MiB: not a CSV table")
        text = text[: cut + 1]
    if not text.strip():
        raise DataError(f"{path}: empty file")
    if delimiter is None:
        delim = _detect_delimiter(text)
        if delim is None:
            first = next(i for i, s in enumerate(text.splitlines(), 1) if s.strip())
            raise DataError(
                f"{path}, line {first}: found no delimiter (comma, semicolon or tab); "
                "a data file needs feature columns and a target column"
            )
    else:
        delim = _parse_delimiter(delimiter)
    rows = _sample_rows(text, delim)
    if not rows:
        raise DataError(f"{path}: empty file")
    ncols = len(rows[0][1])
    if ncols < 2:
        raise DataError(
            f"{path}, line {rows[0][0]}: a single column with delimiter {_DELIM_NAMES.get(delim, delim)!r}; "
            "a data file needs feature columns and a target column"
        )
    has_header = _looks_like_header(rows) if header is None else bool(header)
    renamed = []
    if has_header:
        header_line = rows[0][0]
        names = []
        seen = set()
        for j, s in enumerate(rows[0][1]):
            name = s.strip() or f"x{j}"
            if not s.strip():
                renamed.append(f"column {j} has no name in the header: called {name!r}")
            base, k = name, 1
            while name in seen:
                name = f"{base}.{k}"
                k += 1
            if name != base:
                renamed.append(f"duplicate column name {base!r} (column {j}): renamed {name!r}")
            seen.add(name)
            names.append(name)
        names = tuple(names)
    else:
        header_line = 0
        names = tuple(f"x{j}" for j in range(ncols))
    return CsvDialect(delim, header_line, names, tuple(renamed)), rows


def _resolve_target(path, target, names) -> int:
    c = len(names)
    if target is None:
        return c - 1
    idx = None
    if isinstance(target, str):
        key = target.strip()
        if key in names:
            return names.index(key)
        try:
            idx = int(key)
        except ValueError:
            idx = None
    elif isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        idx = int(target)
    if idx is not None and -c <= idx < c:
        return idx % c
    listed = ", ".join(f"{j} {n!r}" for j, n in enumerate(names[:20])) + (f", ... ({c} columns)" if c > 20 else "")
    raise DataError(f"{path}: no target column {target!r} (columns: {listed})")


# --------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------
def _canonical_labels(keys: list[str]):
    """Class labels of raw label strings: (classes tuple, code of each key as an intp array).

    All numbers → numeric classes sorted numerically (ints when integral);
    otherwise text classes (stripped) sorted as strings.
    """
    stripped = [k.strip() for k in keys]
    try:
        values = [float(s) for s in stripped]
        numeric = all(math.isfinite(v) for v in values)
    except ValueError:
        numeric = False
    if numeric:
        uniq = sorted(set(values))
        integral = all(v.is_integer() for v in uniq)
        classes = tuple(int(v) if integral else v for v in uniq)
        pos = {v: i for i, v in enumerate(uniq)}
        codes = np.array([pos[v] for v in values], dtype=np.intp)
    else:
        uniq = sorted(set(stripped))
        classes = tuple(uniq)
        pos = {v: i for i, v in enumerate(uniq)}
        codes = np.array([pos[s] for s in stripped], dtype=np.intp)
    return classes, codes


def _encode_numeric_labels(y_raw: np.ndarray):
    """Classes and codes of a numeric label column (all finite; any int64 or uint64 values)."""
    lo, hi = y_raw.min(), y_raw.max()
    is_int = y_raw.dtype.kind in "iu"
    # the span as a Python number: hi - lo in int64 overflows for extreme labels
    span = int(hi) - int(lo) if is_int else float(hi) - float(lo)
    if span < 1_000_000 and (is_int or np.all(y_raw == np.floor(y_raw))):
        shifted = (y_raw - lo).astype(np.intp)
        present = np.flatnonzero(np.bincount(shifted))
        lookup = np.zeros(int(span) + 1, dtype=np.intp)
        lookup[present] = np.arange(present.size)
        classes = tuple(int(v) + int(lo) for v in present)
        return classes, lookup[shifted]
    uniq, codes = np.unique(y_raw, return_inverse=True)
    integral = is_int or bool(np.all(uniq == np.floor(uniq)))
    classes = tuple(int(v) if integral else float(v) for v in uniq)
    return classes, codes.astype(np.intp).reshape(-1)


# --------------------------------------------------------------------------
# the fast path
# --------------------------------------------------------------------------
def _fast(path, dialect: CsvDialect, t: int, text_target: bool, text: str | None = None):
    """(X, y, classes, 0, ()) from one numpy.loadtxt pass, or None if anything is irregular."""
    c = len(dialect.names)
    # raw label → provisional code 0, 1, 2, ... in order of appearance; all-C calls, no Python per row
    table: collections.defaultdict[str, int] = collections.defaultdict(itertools.count().__next__)

    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")  # "input contained no data"
            A = np.loadtxt(
                path if text is None else io.StringIO(text, newline=""),
                delimiter=dialect.delimiter,
                skiprows=dialect.header_line,
                quotechar='"',
                comments=None,
                encoding=_ENCODING,
                ndmin=2,
                converters={t: table.__getitem__} if text_target else None,
            )
    except (ValueError, TypeError, OverflowError, UnicodeError, csv.Error):
        return None  # the exact path finds and reports the problem
    if A.shape[0] == 0 or A.shape[1] != c:
        return None
    # column sums are finite when every value is (a cheap test, no n×c temporary);
    # an overflowing sum only costs the exact check
    if not np.isfinite(A.sum(axis=0)).all() and not np.isfinite(A).all():
        return None
    # X is a view of the loaded block when the target is the first or last column:
    # a copy of 1e6 × 9 values would cost a fifth of the whole load
    if t == c - 1:
        X = A[:, :-1]
    elif t == 0:
        X = A[:, 1:]
    else:
        X = np.delete(A, t, axis=1)
    if text_target:
        keys = list(table)
        if any(_is_missing(k) for k in keys):
            return None
        classes, remap = _canonical_labels(keys)
        y = remap[A[:, t].astype(np.intp)]
    else:
        classes, y = _encode_numeric_labels(A[:, t])
    return X, y, classes, 0, ()


# --------------------------------------------------------------------------
# the exact path
# --------------------------------------------------------------------------
def _first_bad(path, X: np.ndarray, lines, names, feats, drop_missing):
    """DataError for the first NaN (unless dropped) or infinite value in X, else None."""
    bad = ~np.isfinite(X)
    if drop_missing:
        bad = np.isinf(X)
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size == 0:
        return None
    r = int(rows[0])
    k = int(np.argmax(bad[r]))
    v = X[r, k]
    what = "missing value (NaN)" if np.isnan(v) else f"infinite value ({v})"
    hint = " (use drop_missing to drop such rows)" if np.isnan(v) else ""
    return DataError(f"{_at(path, lines[r], names, feats[k])}: {what}{hint}")


def _cell_problem(s: str, is_target: bool):
    """('error' | 'missing' | None, message) for one field."""
    v = s.strip()
    if is_target:
        if not v:
            return "missing", "empty cell in the target column"
        if v.lower() == "nan":
            return "missing", f"missing label {v!r} in the target column"
        return None, ""
    if not v:
        return "missing", "empty cell"
    try:
        x = float(v)
    except ValueError:
        hint = ""
        if "," in v and _is_number(v.replace(",", ".", 1)):
            hint = " (a decimal comma? write numbers with a decimal point)"
        return "error", f"text {v!r} in a numeric column{hint}"
    if math.isnan(x):
        return "missing", "missing value (NaN)"
    if math.isinf(x):
        return "error", f"infinite value ({v})"
    return None, ""


def _exact(path, dialect: CsvDialect, t: int, drop_missing: bool, text: str | None = None):
    """Parse the whole file in Python; raise DataError at the first problem (in file order)."""
    names = dialect.names
    c = len(names)
    feats = [j for j in range(c) if j != t]
    rows: list[list[float]] = []
    lines: list[int] = []
    labels: list[str] = []
    dropped: list[int] = []

    def fail(message):
        # a NaN or inf in an earlier row (only checked in bulk) comes first
        err = _first_bad(path, np.array(rows, dtype=np.float64).reshape(-1, len(feats)), lines, names, feats, drop_missing)
        return err or DataError(message)

    f = _open(path, text)
    with f:
        reader = csv.reader(f, delimiter=dialect.delimiter, quotechar='"', skipinitialspace=True, strict=True)
        it = iter(reader)
        while True:
            try:
                row = next(it)
            except StopIteration:
                break
            except csv.Error as e:
                raise fail(f"{path}, line {reader.line_num}: {e}") from None
            except UnicodeDecodeError as e:
                raise fail(f"{path}, after line {reader.line_num}: not a UTF-8 text file ({e.reason})") from None
            line = reader.line_num
            if line <= dialect.header_line or not row or not any(s.strip() for s in row):
                continue
            if len(row) < c:
                raise fail(
                    f"{_at(path, line, names, len(row))}: missing; the row has {len(row)} fields, "
                    f"the table has {c} columns"
                )
            if len(row) > c:
                raise fail(
                    f"{_at(path, line, names, c - 1)}: {len(row)} fields but the table has {c} columns "
                    f"(extra field after column {_col(names, c - 1)})"
                )
            label = row[t]
            try:
                xs = [float(row[j]) for j in feats]
                ok = not _is_missing(label)
            except ValueError:
                ok = False
            if not ok:  # find the first problem of this row, column by column
                missing = False
                for j in range(c):
                    kind, what = _cell_problem(row[j], j == t)
                    if kind == "error" or (kind == "missing" and not drop_missing):
                        if kind == "missing":
                            what += " (use drop_missing to drop such rows)"
                        elif j != t and not dialect.header_line and not lines:
                            what += f" (if line {line} is a header, read with header=True)"
                        raise fail(f"{_at(path, line, names, j)}: {what}")
                    missing = missing or kind == "missing"
                if missing:
                    dropped.append(line)
                    continue
                xs = [float(row[j]) for j in feats]
            rows.append(xs)
            lines.append(line)
            labels.append(label)
    X = np.array(rows, dtype=np.float64).reshape(-1, len(feats))
    err = _first_bad(path, X, lines, names, feats, drop_missing)
    if err:
        raise err
    if drop_missing:
        nan_rows = np.isnan(X).any(axis=1)
        if nan_rows.any():
            keep = ~nan_rows
            dropped = sorted(dropped + [lines[i] for i in np.flatnonzero(nan_rows)])
            X = X[keep]
            labels = [lab for lab, k in zip(labels, keep) if k]
    if not labels:
        if dropped:
            raise DataError(f"{path}: no rows left after dropping {len(dropped)} rows with missing values")
        after = f" after the header (line {dialect.header_line})" if dialect.header_line else ""
        raise DataError(f"{path}: no data rows{after}")
    uniq = list(dict.fromkeys(labels))
    classes, remap = _canonical_labels(uniq)
    pos = {k: i for i, k in enumerate(uniq)}
    y = remap[np.array([pos[s] for s in labels], dtype=np.intp)]
    return X, y, classes, len(dropped), tuple(dropped)


# --------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------
def read_csv(path, target=None, *, delimiter=None, header=None, drop_missing: bool = False) -> Dataset:
    """Read a CSV file into a :class:`Dataset` (see the module docstring for the rules).

    ``target``: column name or 0-based index (default: last column);
    ``delimiter``: ",", ";", "\\t" (or "comma", "semicolon", "tab"), None to
    detect; ``header``: True, False or None to detect; ``drop_missing``: drop
    rows with empty or NaN cells instead of failing. Every problem raises
    DataError naming the file and, where there is one, the line and column.
    """
    path = os.fspath(path)
    data = _read_once(path)  # a FIFO: its content (it cannot be read twice); a regular file: None
    text = None if data is None else _decode(path, data)
    dialect, sample = _detect(path, delimiter, header, text)
    names = dialect.names
    t = _resolve_target(path, target, names)
    # text labels in the sample: the fast path reads the target column through a converter
    text_target = any(
        line > dialect.header_line and len(r) > t and r[t].strip() and not _is_number(r[t].strip())
        for line, r in sample
    )

    result = _fast(path, dialect, t, text_target, text)
    if result is None:
        result = _exact(path, dialect, t, drop_missing, text)
    X, y, classes, n_dropped, dropped_lines = result

    tname = names[t]
    check_label_count(len(classes), f"{path}: column {tname!r}",
                      f"is {tname!r} the class column? choose the target column")
    feature_names = tuple(n for j, n in enumerate(names) if j != t)
    if len(classes) < 2:
        raise DataError(f"{path}: column {tname!r} has a single class ({classes[0]!r}); a classifier needs at least 2")
    warnings = list(dialect.renamed)
    if n_dropped:
        shown = ", ".join(map(str, dropped_lines[:5])) + (", ..." if n_dropped > 5 else "")
        plural = "s" if n_dropped != 1 else ""
        warnings.append(f"dropped {n_dropped} row{plural} with missing values (line{plural} {shown})")
    const = np.flatnonzero(X.max(axis=0) == X.min(axis=0))
    for k in const:
        warnings.append(f"column {feature_names[k]!r} is constant ({X[0, k]:g}): it carries no information")
    return Dataset(
        X=X,
        y=y,
        classes=classes,
        feature_names=feature_names,
        name=os.path.basename(path),
        description=f"{path}: {X.shape[0]} rows, {X.shape[1]} features, target column {tname!r}",
        warnings=tuple(warnings),
    )


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an .npz is a zip archive (the second: an empty one)
_NPY_MAGIC = b"\x93NUMPY"
_NPZ_HOW = "save one with numpy.savez(path, X=X, y=y)"


def _npz_array(z, path, key):
    try:
        return np.asarray(z[key])
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():
            raise DataError(f"{path}: array {key} holds Python objects (dtype=object), which logit-gui does "
                            f"not load: save {key} as numbers{' or text' if key == 'y' else ''}") from None
        raise DataError(f"{path}: array {key} cannot be read ({exc})") from None
    except Exception as exc:  # zip or format errors of this member
        raise DataError(f"{path}: array {key} cannot be read ({type(exc).__name__}: {exc})") from None


def _npz_labels(path, yraw: np.ndarray):
    """(classes, codes) of the label array; DataError for labels that cannot be classes."""
    kind = yraw.dtype.kind
    if kind == "S":
        try:
            yraw = yraw.astype(str)
        except UnicodeDecodeError:
            raise DataError(f"{path}: y holds bytes that are not ASCII text") from None
        kind = "U"
    if kind not in "biufU":
        raise DataError(f"{path}: y has dtype {yraw.dtype}: class labels must be integers, finite numbers, "
                        "booleans or text")
    if kind == "f":
        bad = np.flatnonzero(~np.isfinite(yraw))
        if bad.size:
            i = int(bad[0])
            raise DataError(f"{path}: y[{i}] is {yraw[i]}: class labels must be finite "
                            f"({bad.size} non-finite label{'s' if bad.size > 1 else ''})")
    if kind in "iuf":
        return _encode_numeric_labels(yraw)
    classes, codes = np.unique(yraw, return_inverse=True)
    return tuple(c.item() for c in classes), codes


def read_npz(path) -> Dataset:
    """A :class:`Dataset` from a NumPy .npz file with arrays ``X`` (n×d, real numbers) and
    ``y`` (labels: integers, finite numbers, booleans or text); errors name the file and
    the bad cell. Nothing is ever unpickled; a FIFO is read once."""
    path = os.fspath(path)
    data = _read_once(path, ".npz file")
    if data is None:
        try:
            with open(path, "rb") as f:
                magic = f.read(6)
        except FileNotFoundError:
            raise DataError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise DataError(f"{path}: is a directory, not an .npz file") from None
        except PermissionError:
            raise DataError(f"{path}: permission denied") from None
        except OSError as e:
            raise DataError(f"{path}: cannot open ({e.strerror or e})") from None
        source = path
    else:
        magic, source = data[:6], io.BytesIO(data)
    if magic.startswith(_NPY_MAGIC):
        raise DataError(f"{path}: a .npy file (one array), not an .npz with arrays X and y: {_NPZ_HOW}")
    if not magic.startswith(_ZIP_MAGIC):
        what = "an empty file" if not magic else "not an .npz file (a NumPy zip archive)"
        raise DataError(f"{path}: {what}; --npz needs arrays X and y: {_NPZ_HOW}")
    try:
        with np.load(source, allow_pickle=False) as z:
            missing = [k for k in ("X", "y") if k not in z.files]
            if missing:
                raise DataError(f"{path}: missing array {' and '.join(missing)} (found: {', '.join(z.files) or 'none'})")
            X = _npz_array(z, path, "X")
            yraw = _npz_array(z, path, "y")
    except DataError:
        raise
    except Exception as exc:  # zipfile / format errors
        raise DataError(f"{path}: not a readable .npz file ({type(exc).__name__}: {exc})") from None
    if X.ndim != 2:
        raise DataError(f"{path}: X must be 2-D (n×d), got shape {X.shape}")
    if yraw.ndim != 1 or yraw.shape[0] != X.shape[0]:
        raise DataError(f"{path}: y must have one label per row of X ({X.shape[0]}), got shape {yraw.shape}")
    if X.shape[0] == 0:
        raise DataError(f"{path}: no samples")
    if X.dtype.kind == "c":
        raise DataError(f"{path}: X holds complex numbers ({X.dtype}): features must be real")
    if X.dtype.kind not in "biuf":
        raise DataError(f"{path}: X is not numeric (dtype {X.dtype})")
    X = np.asarray(X, dtype=np.float64)  # no copy when it already is
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        i, j = bad[0]
        raise DataError(f"{path}: X[{i}, {j}] is {X[i, j]} (row {i}, column {j}): values must be finite")
    classes, y = _npz_labels(path, yraw)
    check_label_count(len(classes), f"{path}: y", "is y the class labels?")
    return Dataset(
        X=X, y=np.asarray(y).astype(np.intp).reshape(-1), classes=tuple(classes),
        feature_names=tuple(f"x{j + 1}" for j in range(X.shape[1])), name=os.path.basename(path),
    )
