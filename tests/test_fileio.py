"""core/fileio (issue 11, section 3 "Files stay what they were"): what is at the path stays what it was.

Device tests never touch the system's /dev/null or /dev/full when run as root: a broken
writer would replace them for the whole machine. They use private nodes of the same
devices instead (root can make them; anyone else gets the real ones, which they cannot
replace).
"""

from __future__ import annotations

import errno
import os
import stat
import threading

import pytest

from logit_gui.core import fileio
from logit_gui.core.errors import LogitError, OutputError
from logit_gui.core.fileio import check_output, write_output

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file kinds")


def mode_of(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


@pytest.fixture
def umask():
    """Set the umask for one test, restore it after."""
    saved = os.umask(0o022)
    yield lambda m: os.umask(m)
    os.umask(saved)


@pytest.fixture
def devices(tmp_path):
    """(null, full): character devices 1,3 and 1,7 that are safe to write to."""
    if not ROOT:
        return "/dev/null", "/dev/full"
    null, full = str(tmp_path / "null"), str(tmp_path / "full")
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    return null, full


def test_output_error_is_a_logit_error():
    """The CLI turns every LogitError into one line and exit 2."""
    assert issubclass(OutputError, LogitError)
    assert set(fileio.__all__) >= {"check_output", "write_output"}


def test_new_file_gets_the_data_and_honours_the_umask(tmp_path, umask):
    """Issue 11 §3: a new file respects the umask (not mkstemp's 0600)."""
    for mask, want in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        umask(mask)
        p = tmp_path / f"new-{mask:o}.json"
        write_output(str(p), "{\"a\": 1}\n")
        assert p.read_text() == "{\"a\": 1}\n"
        assert mode_of(p) == want, (oct(mask), oct(mode_of(p)))


def test_text_is_written_as_utf8_and_bytes_as_they_are(tmp_path):
    p = tmp_path / "t.txt"
    write_output(str(p), "‖∇J‖∞")
    assert p.read_bytes() == "‖∇J‖∞".encode("utf-8")
    write_output(str(p), b"\x00\xff")
    assert p.read_bytes() == b"\x00\xff"


def test_existing_file_keeps_its_permissions(tmp_path):
    """Issue 11 §3: replacing a regular file keeps its permission bits."""
    for m in (0o640, 0o604, 0o666, 0o755):
        p = tmp_path / f"old-{m:o}"
        p.write_text("old")
        os.chmod(p, m)
        write_output(str(p), "new")
        assert p.read_text() == "new" and mode_of(p) == m


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another user")
def test_root_replacing_another_users_file_keeps_its_owner(tmp_path):
    p = tmp_path / "theirs.json"
    p.write_text("old")
    os.chown(p, 65534, 65534)
    write_output(str(p), "new")
    st = os.stat(p)
    assert (st.st_uid, st.st_gid) == (65534, 65534) and p.read_text() == "new"


@posix
def test_symlink_is_written_through_and_stays_a_link(tmp_path):
    """Issue 11 §3: a symlink at PATH was replaced (its target left stale)."""
    target = tmp_path / "sub" / "target.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_output(str(link), "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"
    # the temporary file was made beside the target, and is gone
    assert sorted(p.name for p in target.parent.iterdir()) == ["target.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "sub"]


@posix
def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    check_output(str(link))
    write_output(str(link), "new")
    assert link.is_symlink() and (tmp_path / "later.json").read_text() == "new"


@posix
def test_hard_link_is_not_split(tmp_path):
    """Issue 11 §3: a hard-linked file stays one file with two names."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text("old")
    os.link(a, b)
    write_output(str(a), "new")
    assert os.path.samefile(a, b) and os.stat(a).st_nlink == 2
    assert b.read_text() == "new"


@posix
def test_device_is_written_not_replaced(devices):
    """Issue 11 §3: as root, --json /dev/null replaced the device with a regular file."""
    null, _ = devices
    check_output(null)
    write_output(null, b"x" * 100_000)
    assert stat.S_ISCHR(os.stat(null).st_mode)


@posix
def test_full_device_is_one_clear_error_naming_the_path(devices):
    """Issue 11 §3: /dev/full: ENOSPC as one line that names the path given."""
    _, full = devices
    check_output(full)  # writable: the space runs out only when writing
    with pytest.raises(OutputError) as e:
        write_output(full, "{}\n")
    assert str(e.value) == f"{full}: no space left on device"
    assert stat.S_ISCHR(os.stat(full).st_mode)


@posix
def test_fifo_is_written_into_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    check_output(str(fifo))  # never opens it (that would wait for a reader)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    write_output(str(fifo), b"through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("path, words", [
    ("", ["''", "empty"]),
    ("{tmp}/no/such/folder/r.json", ["{tmp}/no/such/folder/r.json: folder {tmp}/no/such/folder does not exist"]),
    ("{tmp}", ["{tmp}: is a directory"]),
    ("{tmp}/d.json/", ["{tmp}/d.json/: names a folder"]),
    ("{tmp}/file.txt/r.json", ["{tmp}/file.txt/r.json:", "not a folder"]),
])
def test_check_output_names_the_path_as_given(tmp_path, path, words):
    """Issue 11 §3: '' is an error; a missing folder, a directory: one line naming the path given."""
    (tmp_path / "file.txt").write_text("x")
    path = path.format(tmp=tmp_path)
    for fn in (check_output, lambda p: write_output(p, "x")):
        with pytest.raises(OutputError) as e:
            fn(path)
        msg = str(e.value)
        assert "\n" not in msg and ".tmp" not in msg
        for w in words:
            assert w.format(tmp=tmp_path) in msg, msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def _unwritable_folder(tmp_path):
    """A folder this process cannot create files in (root: /sys; others: a 0555 folder)."""
    if ROOT:
        if not os.path.isdir("/sys") or os.access("/sys", os.W_OK) and _can_create("/sys"):
            pytest.skip("no folder that root cannot write to")
        return "/sys"
    d = tmp_path / "ro"
    d.mkdir()
    os.chmod(d, 0o555)
    return str(d)


def _can_create(folder):
    try:
        fd = os.open(os.path.join(folder, ".logit-gui-probe"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError:
        return False
    os.close(fd)
    os.unlink(os.path.join(folder, ".logit-gui-probe"))
    return True


@posix
def test_unwritable_folder_is_reported_by_check_output(tmp_path):
    """Issue 11 §3: an unwritable target is reported (before any work), naming the path given."""
    path = os.path.join(_unwritable_folder(tmp_path), "r.json")
    with pytest.raises(OutputError) as e:
        check_output(path)
    assert str(e.value) == f"{path}: permission denied"


@posix
@pytest.mark.skipif(ROOT, reason="root may write any file")
def test_read_only_file_is_refused_and_writable_file_in_read_only_folder_is_written_in_place(tmp_path):
    ro = tmp_path / "ro.json"
    ro.write_text("old")
    os.chmod(ro, 0o444)
    with pytest.raises(OutputError, match="permission denied"):
        check_output(str(ro))
    d = tmp_path / "fixed"
    d.mkdir()
    f = d / "r.json"
    f.write_text("old")
    os.chmod(d, 0o555)
    try:
        check_output(str(f))
        write_output(str(f), "new")
        assert f.read_text() == "new"
    finally:
        os.chmod(d, 0o755)


def test_fsync_comes_before_the_rename(tmp_path, monkeypatch):
    """Issue 11 §3: fsync before the rename (a crash never leaves an empty file)."""
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(fileio.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(fileio.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    p = tmp_path / "r.json"
    p.write_text("old")
    write_output(str(p), "new")
    assert calls[:2] == ["fsync", "replace"] and p.read_text() == "new"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    p = tmp_path / "r.json"
    p.write_text("old")

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "write", full)
    with pytest.raises(OutputError, match=r"r.json: no space left on device"):
        write_output(str(p), "new")
    assert p.read_text() == "old"
    assert [q.name for q in tmp_path.iterdir()] == ["r.json"]
