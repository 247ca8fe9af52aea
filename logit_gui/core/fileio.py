"""Writing the user's output files so that a path stays what it was.

* :func:`check_output` — before any long work: is ``path`` a place a file can
  be written? Raises :class:`~logit_gui.core.errors.OutputError` naming the path
  as the user gave it ('' , a missing folder, a folder, no permission).
* :func:`write_output` — write ``data`` (bytes or text) to ``path``:

  - a regular file (or a new one) is replaced atomically: a temporary file in
    the same folder, fsync, rename — a failure never leaves a half-written file
    nor removes the old one; the old file's permission bits are kept, a new
    file gets the usual 0666 & ~umask (not mkstemp's 0600);
  - a symlink is followed: its target is replaced, the link stays a link;
  - a device, FIFO or socket (``/dev/null``, ``/dev/stdout``, a pipe) is written
    directly, never replaced by a regular file.

Qt-free: the CLI's JSON, the figures of ``render`` and the app's exports all
write through here.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile

from .errors import OutputError

__all__ = ["check_output", "write_output"]


def _describe(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


def check_output(path: str) -> None:
    """Raise OutputError unless a file can be written at ``path``."""
    if not isinstance(path, str) or not path.strip():
        raise OutputError("the output path is empty")
    real = os.path.realpath(path)
    if os.path.isdir(real):
        raise OutputError(f"{path}: is a folder, not a file")
    if os.path.exists(real):
        st = os.stat(real)
        if stat.S_ISREG(st.st_mode) and not os.access(real, os.W_OK):
            raise OutputError(f"{path}: permission denied")
        if not stat.S_ISREG(st.st_mode):
            if not os.access(real, os.W_OK):
                raise OutputError(f"{path}: permission denied")
            return
    folder = os.path.dirname(real) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"{path}: folder {os.path.dirname(path) or folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write in folder {os.path.dirname(path) or folder} (permission denied)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_output(path: str, data) -> None:
    """Write ``data`` (bytes, or str as UTF-8) to ``path``; see the module's docstring."""
    check_output(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{path}: {_describe(exc)}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:  # a device, FIFO or socket: written as it is
            with open(real, "wb") as fh:
                fh.write(payload)
                fh.flush()
        except OSError as exc:
            raise OutputError(f"{path}: {_describe(exc)}") from None
        return
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    folder = os.path.dirname(real) or "."
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".logit-gui-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
        tmp = None
    except OSError as exc:
        raise OutputError(f"{path}: {_describe(exc)}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
