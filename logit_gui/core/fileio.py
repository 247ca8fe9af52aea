"""Writing an output file so that what is at the path stays what it was.

Two functions, Qt-free, for every file logit-gui writes (``train --json``,
image, PDF and SVG export, session files)::

    check_output(path: str) -> None
    write_output(path: str, data: bytes | str) -> None

:func:`check_output` answers "can ``path`` be written?" before any work is
done (before training, before rendering). It raises :class:`OutputError` (a
:class:`~logit_gui.core.errors.LogitError`) when the path is ``''``, its
folder is missing or not writable, it is a directory or a socket, or an
existing file cannot be written. The message starts with the path as given
(never a temporary name) and is one line. Writability is tested by creating
and removing a temporary file in the folder (what :func:`write_output` will
do), which, unlike ``os.access``, is also right for root, read-only or
special file systems and ACLs. It never opens a FIFO (that would block).

:func:`write_output` writes ``data`` (``str`` is encoded as UTF-8) to what
``path`` names, keeping its kind:

* a new file, or an existing regular file with a single link: written to a
  temporary file in the same folder as the final file (for a symlink, the
  folder of its target), flushed with ``fsync``, then renamed over it
  (``os.replace``, atomic: a reader sees the old or the new content, never a
  half-written file; the folder is fsynced after). The new file gets the old
  file's permission bits (and, when allowed, its owner and group); a new file
  gets ``0o666 & ~umask``, as ``open()`` would give.
* a symlink: written through to its target (a dangling symlink creates the
  target); the link itself stays.
* a regular file with several hard links: rewritten in place (truncate, write,
  fsync) so the links stay one file; likewise a regular file that may be
  written but whose folder may not (no temporary file can be made there).
* a character or block device (``/dev/null``, ``/dev/full``, a terminal) or
  a FIFO: opened and written directly, never replaced. Opening a FIFO waits
  for a reader, as a shell redirection does.

``'-'`` is not special here: the caller handles stdout. Every OS error
(``ENOSPC`` from ``/dev/full``, ``EACCES``, ``EROFS``, ...) becomes one
:class:`OutputError` line naming the path as given; a temporary file is
never left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile

from .errors import OutputError

__all__ = ["check_output", "write_output", "output_file", "OutputError", "describe"]

_REPLACE, _IN_PLACE, _DIRECT = "replace", "in-place", "direct"


def _shown(path: str) -> str:
    return path if path else "''"


def _reason(e: OSError) -> str:
    if e.errno == errno.ENOSPC:
        return "no space left on device"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if e.errno == errno.EROFS:
        return "read-only file system"
    if e.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    if e.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    if e.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return (e.strerror or str(e)).lower() if e.strerror else str(e)


def describe(e: OSError) -> str:
    """An OS error in a few words (no space left on device, permission denied, …)."""
    return _reason(e)


def _error(path: str, what) -> OutputError:
    text = _reason(what) if isinstance(what, OSError) else str(what)
    return OutputError(f"{_shown(path)}: {text}")


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _plan(path: str, *, probe: bool):
    """(how, the file to write, its stat or None) for ``path``; OutputError if it cannot be written.

    ``probe``: also create and remove a temporary file in the folder (check_output).
    """
    if not isinstance(path, str) or path == "":
        raise OutputError(f"{_shown(path)}: an empty path is not a file name")
    try:
        st = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise _error(path, e) from None
    if st is not None:
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise _error(path, "is a directory")
        if stat.S_ISSOCK(mode):
            raise _error(path, "is a socket, not a file")
        if not stat.S_ISREG(mode):  # a device or a FIFO: write into it, never replace it
            if not os.access(path, os.W_OK):
                raise _error(path, "permission denied")
            return _DIRECT, path, st
    if st is None and path.endswith(("/", os.sep)):
        raise _error(path, "names a folder (it ends with a slash), not a file")
    real = os.path.realpath(path)  # through symlinks, also to a target that does not exist yet
    folder = os.path.dirname(real) or "."
    if st is None:
        try:
            fst = os.stat(folder)
        except FileNotFoundError:
            raise _error(path, f"folder {_folder_shown(path, folder)} does not exist") from None
        except OSError as e:
            raise _error(path, e) from None
        if not stat.S_ISDIR(fst.st_mode):
            raise _error(path, f"{_folder_shown(path, folder)} is not a folder")
    elif not os.access(real, os.W_OK):
        raise _error(path, "permission denied")
    elif st.st_nlink > 1:
        return _IN_PLACE, real, st
    if probe:
        try:
            fd, tmp = tempfile.mkstemp(prefix=".logit-gui-", suffix=".tmp", dir=folder)
        except OSError as e:
            if st is not None and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS) \
                    and not stat.S_ISDIR(st.st_mode) and _writable_in_place(real):
                return _IN_PLACE, real, st
            raise _error(path, e) from None
        os.close(fd)
        os.unlink(tmp)
    return _REPLACE, real, st


def _folder_shown(path: str, folder: str) -> str:
    """The folder as the user wrote it, unless a symlink leads elsewhere."""
    given = os.path.dirname(path)
    if given and os.path.realpath(given) == folder:
        return given
    return folder if given or os.path.islink(path) else "."


def _writable_in_place(real: str) -> bool:
    try:
        fd = os.open(real, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    os.close(fd)
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_into(path: str, target: str, data: bytes, *, truncate: bool, sync: bool) -> None:
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | (os.O_TRUNC if truncate else 0)
    try:
        fd = os.open(target, flags)
    except OSError as e:
        raise _error(path, e) from None
    try:
        _write_all(fd, data)
        if sync:
            os.fsync(fd)
    except OSError as e:
        raise _error(path, e) from None
    finally:
        os.close(fd)


def _adopt(tmp: str, st) -> None:
    """Give the new file ``tmp`` what the old one had (``st``): its mode and, where allowed,
    its owner; a new file gets 0666 & ~umask, not mkstemp's 0600."""
    if st is None:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass  # not allowed (not root): the file becomes ours, as any editor's save does
    os.chmod(tmp, stat.S_IMODE(st.st_mode))


def _temporary(path: str, how: str, real: str, st, suffix: str = "") -> tuple[str, str]:
    """(how, an empty temporary file): beside ``real`` for a replacement (falling back to
    writing in place where the folder takes no new file but the file may be written), in
    the system's temporary folder otherwise."""
    if how == _REPLACE:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=f".tmp{suffix}",
                                       dir=os.path.dirname(real) or ".")
            os.close(fd)
            return how, tmp
        except OSError as e:
            if not (st is not None and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
                    and _writable_in_place(real)):
                raise _error(path, e) from None
            how = _IN_PLACE
    try:
        fd, tmp = tempfile.mkstemp(prefix="logit-gui-", suffix=f".tmp{suffix}")
    except OSError as e:
        raise OutputError(f"{_shown(path)}: no temporary file could be made ({_reason(e)})") from None
    os.close(fd)
    return how, tmp


def _commit(path: str, how: str, real: str, st, tmp: str) -> None:
    """Put the content of ``tmp`` at ``path`` as ``how`` says (replace: rename over it)."""
    if how != _REPLACE:
        with open(tmp, "rb") as f:
            data = f.read()
        _write_into(path, real, data, truncate=how == _IN_PLACE, sync=how == _IN_PLACE)
        return
    try:
        _adopt(tmp, st)
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, real)
    except OSError as e:
        raise _error(path, e) from None
    _fsync_folder(os.path.dirname(real) or ".")


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def check_output(path: str) -> None:
    """Raise OutputError (one line, naming ``path`` as given) unless ``path`` can be written."""
    _plan(path, probe=True)


def write_output(path: str, data: bytes | str) -> None:
    """Write ``data`` to ``path`` keeping what is there what it was (see the module docstring)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    how, target, st = _plan(path, probe=False)
    if how == _DIRECT:
        # a device or a FIFO: no truncation needed, no fsync (EINVAL on most)
        _write_into(path, target, data, truncate=False, sync=False)
    elif how == _IN_PLACE:
        _write_into(path, target, data, truncate=True, sync=True)
    else:
        how, tmp = _temporary(path, how, target, st)
        try:
            fd = os.open(tmp, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            _commit(path, how, target, st, tmp)
        except OSError as e:
            raise _error(path, e) from None
        finally:
            if os.path.lexists(tmp):
                _unlink(tmp)


@contextlib.contextmanager
def output_file(path: str, suffix: str = ""):
    """A temporary file's name for ``path``'s new content, for a writer that writes by name
    (an encoder; ``suffix`` tells it the format). When the block ends without an exception
    the content is put at ``path`` by :func:`write_output`'s rules (a regular file replaced
    atomically, keeping its mode; a symlink's target; a device or FIFO written directly);
    otherwise, or if that fails, the temporary file is removed and ``path`` is untouched.
    OutputError, naming ``path``, when it cannot be written."""
    how, real, st = _plan(path, probe=True)
    how, tmp = _temporary(path, how, real, st, suffix)
    try:
        yield tmp
        _commit(path, how, real, st, tmp)
    finally:
        if os.path.lexists(tmp):
            _unlink(tmp)
