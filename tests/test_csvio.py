"""CSV import: every dialect reads, every error names the file, the line and the column."""

from __future__ import annotations

import numpy as np
import pytest

from logit_gui.core import csvio
from logit_gui.core.csvio import detect_dialect, read_csv
from logit_gui.core.datasets import check_classes
from logit_gui.core.errors import DataError


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def read_exact(path, **kw):
    """read_csv forced through the exact (slow) path."""
    orig = csvio._fast
    csvio._fast = lambda *a, **k: None
    try:
        return read_csv(path, **kw)
    finally:
        csvio._fast = orig


def same(a, b):
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert a.classes == b.classes and a.feature_names == b.feature_names and a.warnings == b.warnings


# --------------------------------------------------------------------------
# dialects
# --------------------------------------------------------------------------
IRIS_LIKE = [
    ("5.1", "3.5", "setosa"),
    ("7.0", "3.2", "versicolor"),
    ("6.3", "3.3", "virginica"),
    ("4.9", "3.0", "setosa"),
]


@pytest.mark.parametrize("delim", [",", ";", "\t"])
def test_delimiters_with_header_and_text_labels(tmp_path, delim):
    text = delim.join(["sepal length", "sepal width", "species"]) + "\n"
    text += "".join(delim.join(r) + "\n" for r in IRIS_LIKE)
    p = write(tmp_path, text)
    assert detect_dialect(p).delimiter == delim
    ds = read_csv(p)
    assert ds.feature_names == ("sepal length", "sepal width")
    assert ds.classes == ("setosa", "versicolor", "virginica")
    assert ds.y.tolist() == [0, 1, 2, 0]
    assert np.array_equal(ds.X, [[5.1, 3.5], [7.0, 3.2], [6.3, 3.3], [4.9, 3.0]])
    assert ds.name == "data.csv" and ds.warnings == ()
    same(ds, read_exact(p))
    assert read_csv(p, delimiter={"\t": "tab", ";": "semicolon", ",": ","}[delim]).n == 4


def test_no_header_columns_named_by_index(tmp_path):
    p = write(tmp_path, "1,2,0\n3,4,1\n5,6,1\n")
    d = detect_dialect(p)
    assert d.header_line == 0 and d.names == ("x0", "x1", "x2")
    ds = read_csv(p)
    assert ds.feature_names == ("x0", "x1") and ds.classes == (0, 1)
    assert ds.X.tolist() == [[1, 2], [3, 4], [5, 6]]
    same(ds, read_exact(p))
    # text labels without a header
    ds = read_csv(write(tmp_path, "1,2,cat\n3,4,dog\n", "t.csv"))
    assert ds.classes == ("cat", "dog") and ds.feature_names == ("x0", "x1")
    # forcing: a header-less file read with header=True loses its first row to names
    assert read_csv(p, header=True, target=0).feature_names == ("2", "0")


def test_header_false_on_a_file_with_a_header_reports_text(tmp_path):
    p = write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n")
    with pytest.raises(DataError, match=r"line 1, column 'x0': text 'a'"):
        read_csv(p, header=False)


@pytest.mark.parametrize(
    "target, name, classes",
    [
        (None, "y", (0, 1)),
        ("y", "y", (0, 1)),
        ("kind", "kind", ("a", "b")),
        (1, "kind", ("a", "b")),
        ("1", "kind", ("a", "b")),
        (-1, "y", (0, 1)),
        (0, "f", (0.5, 1.5, 2.5)),
    ],
)
def test_target_by_name_or_index(tmp_path, target, name, classes):
    p = write(tmp_path, "f,kind,g,y\n0.5,a,1,0\n1.5,b,2,1\n2.5,a,3,1\n")
    if name != "kind":  # a text column can only be the target
        with pytest.raises(DataError, match="column 'kind'"):
            read_csv(p, target=target)
        return
    ds = read_csv(p, target=target)
    assert ds.classes == classes
    assert name not in ds.feature_names and len(ds.feature_names) == 3
    assert f"target column {name!r}" in ds.description


def test_target_index_and_numeric_target_columns(tmp_path):
    p = write(tmp_path, "f,g,y\n0.5,1,0\n1.5,2,1\n2.5,3,1\n")
    ds = read_csv(p, target=0)
    assert ds.classes == (0.5, 1.5, 2.5) and ds.feature_names == ("g", "y")
    ds = read_csv(p, target="g")
    assert ds.classes == (1, 2, 3)


def test_unknown_target_lists_the_columns(tmp_path):
    p = write(tmp_path, "a,b,label\n1,2,x\n3,4,y\n")
    for bad in ("species", 3, "-4", 1.5):
        with pytest.raises(DataError) as e:
            read_csv(p, target=bad)
        msg = str(e.value)
        assert "data.csv" in msg and "0 'a', 1 'b', 2 'label'" in msg


def test_labels_sorted_numerically_and_as_text(tmp_path):
    ds = read_csv(write(tmp_path, "x,y\n1,10\n2,2\n3,1\n4,2\n5,-3\n"))
    assert ds.classes == (-3, 1, 2, 10)
    assert ds.y.tolist() == [3, 2, 1, 2, 0]
    ds = read_csv(write(tmp_path, "x,y\n1,1.0\n2,1\n3,0.5\n", "f.csv"))
    assert ds.classes == (0.5, 1.0) and ds.y.tolist() == [1, 1, 0]
    ds = read_csv(write(tmp_path, "x,y\n1,b\n2, a\n3,B\n4,a \n", "s.csv"))
    assert ds.classes == ("B", "a", "b") and ds.y.tolist() == [2, 1, 0, 1]
    # numbers after the sampled lines turn out to be mixed with text: all labels are text
    rows = "".join(f"{i},{i % 2}\n" for i in range(200)) + "200,two\n"
    ds = read_csv(write(tmp_path, "x,y\n" + rows, "m.csv"))
    assert ds.classes == ("0", "1", "two")


def test_crlf_bom_quotes_blank_lines_and_spaces(tmp_path):
    text = '\ufeff"a","b","y"\r\n\r\n 1.5 , "2",yes\r\n3,4 ,"no"\r\n\r\n,,\r\n5,6,yes\r\n'
    p = write(tmp_path, text)
    ds = read_csv(p)
    assert ds.feature_names == ("a", "b")
    assert ds.X.tolist() == [[1.5, 2], [3, 4], [5, 6]]
    assert ds.classes == ("no", "yes") and ds.y.tolist() == [1, 0, 1]
    same(ds, read_exact(p))


def test_fast_and_exact_paths_agree_on_a_larger_file(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 4))
    y = rng.integers(0, 3, 3000)
    lines = ["a;b;c;d;label"] + [";".join(f"{v:.17g}" for v in r) + f";{'xyz'[k]}" for r, k in zip(X, y)]
    p = write(tmp_path, "\n".join(lines) + "\n")
    fast, exact = read_csv(p), read_exact(p)
    same(fast, exact)
    assert np.array_equal(fast.X, X) and np.array_equal(fast.y, y)


def test_duplicate_and_empty_header_names(tmp_path):
    ds = read_csv(write(tmp_path, "a,a,,y\n1,2,3,0\n4,5,6,1\n"))
    assert ds.feature_names == ("a", "a.1", "x2")
    assert len(ds.warnings) == 2


def test_constant_column_warning(tmp_path):
    ds = read_csv(write(tmp_path, "a,b,y\n1,7,0\n2,7,1\n3,7,1\n"))
    assert ds.warnings == ("column 'b' is constant (7): it carries no information",)


def test_many_classes_reported_for_a_binary_model(tmp_path):
    ds = read_csv(write(tmp_path, "a,y\n1,x\n2,y\n3,z\n"))
    with pytest.raises(DataError, match=r"data.csv: 3 classes \(x, y, z\).*softmax or ovr"):
        check_classes(ds, 2, "binary")


# --------------------------------------------------------------------------
# errors: file, 1-based line and column
# --------------------------------------------------------------------------
HEADER = "width,height,label\n"
GOOD = "1.0,2.0,a\n3.0,4.0,b\n"


@pytest.mark.parametrize(
    "body, line, column, words",
    [
        ("5.0,,a\n", 4, "height", "empty cell"),
        ("5.0,NaN,a\n", 4, "height", "missing value (NaN)"),
        ("nan,1,a\n", 4, "width", "missing value (NaN)"),
        ("5.0,abc,a\n", 4, "height", "text 'abc' in a numeric column"),
        ("5.0,2,5,a\n", 4, "label", "4 fields but the table has 3 columns"),
        ("5.0,a\n", 4, "label", "missing; the row has 2 fields"),
        ("5.0\n", 4, "height", "missing; the row has 1 fields"),
        ("5.0,inf,a\n", 4, "height", "infinite value"),
        ("5.0,1,\n", 4, "label", "empty cell in the target column"),
        ("\n\n5.0,x1,a\n", 6, "height", "text 'x1'"),
        ('5.0,"1,5",a\n', 4, "height", "decimal comma"),
    ],
)
def test_cell_errors(tmp_path, body, line, column, words):
    p = write(tmp_path, HEADER + GOOD + body + GOOD)
    with pytest.raises(DataError) as e:
        read_csv(p)
    msg = str(e.value)
    assert msg.startswith(f"{p}, line {line}, column {column!r}: "), msg
    assert words in msg
    assert "\n" not in msg


def test_errors_in_numeric_label_files_and_semicolons(tmp_path):
    p = write(tmp_path, "a;b;y\n1;2;0\n3;4;1\n5;;1\n")
    with pytest.raises(DataError, match=r"data.csv, line 4, column 'b': empty cell"):
        read_csv(p)
    p = write(tmp_path, "1\t2\t0\n3\t4\t1\n5\tfoo\t1\n", "t.tsv")
    with pytest.raises(DataError, match=r"t.tsv, line 3, column 'x1': text 'foo'"):
        read_csv(p)


def test_first_problem_in_file_order(tmp_path):
    # a NaN on line 3 (found in bulk) comes before text on line 5 (found in the scan)
    p = write(tmp_path, "a,b,y\n1,2,0\n1,nan,1\n3,4,0\n3,zz,1\n")
    with pytest.raises(DataError, match=r"line 3, column 'b': missing value"):
        read_csv(p)
    # within a row: the first bad column
    p = write(tmp_path, "a,b,y\n1,2,0\n,zz,1\n", "r.csv")
    with pytest.raises(DataError, match=r"line 3, column 'a': empty cell"):
        read_csv(p)


def test_error_deep_in_a_large_file(tmp_path):
    rows = [f"{i},{i * 0.5},{i % 2}" for i in range(20_000)]
    rows[12_344] = "12344,oops,0"
    p = write(tmp_path, "i,h,y\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"line 12346, column 'h': text 'oops'"):
        read_csv(p)


def test_file_level_errors(tmp_path):
    with pytest.raises(DataError, match=r"nope.csv: no such file"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match=r"empty.csv: empty file"):
        read_csv(write(tmp_path, "", "empty.csv"))
    with pytest.raises(DataError, match=r"blank.csv: empty file"):
        read_csv(write(tmp_path, "\n  \n\n", "blank.csv"))
    with pytest.raises(DataError, match=r"hdr.csv: no data rows after the header \(line 1\)"):
        read_csv(write(tmp_path, "a,b,y\n", "hdr.csv"))
    with pytest.raises(DataError, match=r"one.csv: column 'y' has a single class \('x'\)"):
        read_csv(write(tmp_path, "a,b,y\n1,2,x\n3,4,x\n", "one.csv"))
    with pytest.raises(DataError, match=r"col.csv, line 1: found no delimiter"):
        read_csv(write(tmp_path, "abc\n1\n2\n", "col.csv"))
    with pytest.raises(DataError, match=r"bin.csv: not a UTF-8 text file"):
        read_csv(write(tmp_path, "a,b,y\n1,2,\xff\n", "bin.csv", encoding="latin-1"))
    with pytest.raises(DataError, match=r"is a directory"):
        read_csv(tmp_path)
    with pytest.raises(DataError, match="delimiter must be one character"):
        read_csv(write(tmp_path, "a,b\n1,2\n", "d.csv"), delimiter="::")


# --------------------------------------------------------------------------
# dropping rows with missing values
# --------------------------------------------------------------------------
def test_drop_missing_drops_and_reports(tmp_path):
    text = "a,b,y\n1,2,0\n,3,1\n4,NaN,0\n5,6,\n7,8,1\n9,10,0\n"
    p = write(tmp_path, text)
    ds = read_csv(p, drop_missing=True)
    assert ds.X.tolist() == [[1, 2], [7, 8], [9, 10]]
    assert ds.y.tolist() == [0, 1, 0]
    assert ds.warnings == ("dropped 3 rows with missing values (lines 3, 4, 5)",)
    # text and infinities are still errors
    with pytest.raises(DataError, match=r"line 4, column 'a': text 'x'"):
        read_csv(write(tmp_path, "a,b,y\n1,2,0\n,3,1\nx,1,0\n", "t.csv"), drop_missing=True)
    with pytest.raises(DataError, match=r"line 3, column 'b': infinite"):
        read_csv(write(tmp_path, "a,b,y\n1,2,0\n1,-inf,1\n", "i.csv"), drop_missing=True)
    with pytest.raises(DataError, match="no rows left after dropping 2 rows"):
        read_csv(write(tmp_path, "a,b,y\n,2,0\n1,,1\n", "e.csv"), drop_missing=True)


def test_drop_missing_on_a_clean_file_changes_nothing(tmp_path):
    p = write(tmp_path, HEADER + GOOD)
    same(read_csv(p), read_csv(p, drop_missing=True))


def test_header_detection_does_not_swallow_a_bad_first_row(tmp_path):
    p = write(tmp_path, "1,abc,0\n3,4,1\n5,6,0\n")
    assert detect_dialect(p).header_line == 0
    with pytest.raises(DataError, match=r"line 1, column 'x1': text 'abc'.*header=True"):
        read_csv(p)
    # a header with a number in it is not detected; the message says what to do
    p = write(tmp_path, "age,2019,label\n30,1.5,a\n40,2.5,b\n", "n.csv")
    with pytest.raises(DataError, match=r"line 1, column 'x0': text 'age'.*header=True"):
        read_csv(p)
    assert read_csv(p, header=True).feature_names == ("age", "2019")
    # an unnamed first column (a spreadsheet's index) still makes a header
    ds = read_csv(write(tmp_path, ",a,y\n0,1.5,p\n1,2.5,q\n", "i.csv"))
    assert ds.feature_names == ("x0", "a")


# --------------------------------------------------------------------------
# issue 11, section 3: inputs that are not plain regular files, long headers, many labels
# --------------------------------------------------------------------------
import os  # noqa: E402
import stat  # noqa: E402
import threading  # noqa: E402

from logit_gui.core.datasets import MAX_LABELS  # noqa: E402

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and devices")


def _fifo_with(tmp_path, data: bytes, name="in.fifo"):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    threading.Thread(target=lambda: fifo.write_bytes(data), daemon=True).start()
    return fifo


@posix
def test_a_fifo_is_read_once_as_the_app_opens_it(tmp_path):
    """Issue 11 §3: opening a FIFO hung the app and the CLI (read_csv opened it twice)."""
    text = HEADER + GOOD + "5.0,6.0,a\n"
    ds = read_csv(_fifo_with(tmp_path, text.encode()))
    assert ds.n == 3 and ds.classes == ("a", "b") and ds.feature_names == ("width", "height")
    assert ds.X.tolist() == [[1, 2], [3, 4], [5, 6]]
    # the exact path reads the same memory copy (a bad cell is still found by line and column)
    with pytest.raises(DataError, match=r"in2.fifo, line 4, column 'height': text 'zz'"):
        read_csv(_fifo_with(tmp_path, (HEADER + GOOD + "5.0,zz,a\n").encode(), "in2.fifo"))
    with pytest.raises(DataError, match=r"in3.fifo, line 4: not a UTF-8 text file"):
        read_csv(_fifo_with(tmp_path, (HEADER + GOOD).encode() + b"1,2,\xff\n", "in3.fifo"))


@posix
def test_a_device_is_refused_not_read_forever():
    with pytest.raises(DataError, match=r"^/dev/zero: a character device, not a CSV file$"):
        read_csv("/dev/zero")


def test_a_first_line_longer_than_64_kib(tmp_path):
    """Issue 11 §3: a CSV whose first line is longer than 64 KiB (12,000 columns) was rejected."""
    c = 12_000
    rng = np.random.default_rng(0)
    X = np.round(rng.normal(size=(6, c)), 3)
    text = ",".join(f"f{j}" for j in range(c)) + ",y\n" + "".join(
        ",".join(f"{v:g}" for v in row) + f",{i % 2}\n" for i, row in enumerate(X))
    assert len(text.splitlines()[0]) > 65_536
    p = write(tmp_path, text)
    d = detect_dialect(p)
    assert d.delimiter == "," and d.header_line == 1 and len(d.names) == c + 1
    ds = read_csv(p)
    assert ds.X.shape == (6, c) and np.array_equal(ds.X, X) and ds.classes == (0, 1)
    same(ds, read_exact(p))
    # no header, one very long data line, then more
    p2 = write(tmp_path, "".join(",".join(f"{v:g}" for v in row) + f",{i % 2}\n" for i, row in enumerate(X)), "n.csv")
    assert read_csv(p2).X.shape == (6, c)


def test_more_labels_than_classes_make_sense_are_refused(tmp_path):
    """Issue 11 §3: 20,000 distinct labels ran out of memory; refuse more than MAX_LABELS."""
    rows = "".join(f"{i},{i}\n" for i in range(MAX_LABELS + 1))
    with pytest.raises(DataError, match=rf"data.csv: column 'id' has {MAX_LABELS + 1} distinct labels: "
                                        rf"logit-gui handles at most {MAX_LABELS} classes"):
        read_csv(write(tmp_path, "x,id\n" + rows))
    ok = "".join(f"{i},c{i % MAX_LABELS}\n" for i in range(2 * MAX_LABELS))
    assert read_csv(write(tmp_path, "x,label\n" + ok, "ok.csv")).n_classes == MAX_LABELS
