"""Animations: a run's timeline as a GIF or an MP4 — for the app's File menu and ``logit-gui render``.

::

    parse_frames(text) -> FrameRange                        # "A:B[:STEP]"
    plan_frames(ks, frames, *, max_frames) -> FramePlan      # which history entries, at which k
    animation_format(path) -> "gif" | "mp4" | None
    check_fps(fps, fmt); check_writer(fmt, path); video_available() -> bool
    output_file(path, suffix)                                # a temporary file, committed at the end
    write_animation(path, figure, view, history, plan, display, *, fps, progress) -> int
    export_animation(path, panel_ids, theme, size, view, history, plan, display, *, fps, progress) -> int
    TerminalProgress(stream)                                 # a one-line bar: a progress callback

**The plan** (Qt-free, like everything here but the drawing) takes the
iteration numbers ``k`` the history holds and a :class:`FrameRange`: the
iterations ``A`` to ``B`` (both included) every ``STEP``. Each frame shows the
history entry at its ``k``, or the newest one before it (a long run's history
is thinned); two frames that would show the same entry are one. At most
:data:`MAX_FRAMES` frames (about 0.1 s each to draw).

**The drawing** creates one :class:`~logit_gui.render.figure.Figure` and
redraws it for each frame (its items are updated, never rebuilt), then paints
it (:func:`~logit_gui.render.export.render_image`), writes ``iteration k = …``
in its top right corner (theme colours and font) and hands the pixels to an
imageio writer: Pillow for GIF (one 256-colour palette made from the last
and the first frame, so colours never flicker; identical consecutive frames
become one longer frame), ffmpeg (imageio-ffmpeg,
the optional extra ``video``) for MP4 (H.264, yuv420p: even width and height,
``+faststart``). A GIF's frames stay in memory until the file is encoded,
hence :data:`MAX_GIF_PIXELS`; an MP4 is streamed to ffmpeg.

**The file** is written as :func:`logit_gui.core.fileio.write_output` writes:
the writer fills a temporary file in the target's folder (for a symlink, its
target's folder) which is renamed over the target at the end, with the old
file's permission bits (a new one: ``0o666 & ~umask``). A hard-linked file, a
device or a FIFO, or a folder that takes no new file: the animation is encoded
in the system's temporary folder, then handed to ``write_output``. A failure,
``progress`` returning False (:class:`AnimationCancelled`) or Ctrl-C removes
the temporary file and leaves what was at the path untouched.

``progress(done, total) -> bool`` is called with ``(0, total)`` before the first
frame and after each; False cancels.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from dataclasses import dataclass

import numpy as np

from logit_gui.core.errors import LogitError, OutputError
from logit_gui.core.fileio import describe, output_file

__all__ = ["FORMATS", "MAX_FRAMES", "MAX_GIF_PIXELS", "MAX_FPS", "MAX_GIF_FPS", "DEFAULT_FPS", "VIDEO_EXTRA",
           "AnimationError", "AnimationCancelled", "FrameRange", "FramePlan", "parse_frames", "frame_count",
           "check_frame_count", "plan_frames", "default_frames", "animation_format", "check_fps", "check_gif_size",
           "check_writer", "video_available", "frame_size", "output_file", "write_animation", "export_animation",
           "TerminalProgress"]

FORMATS = ("gif", "mp4")
#: at most this many frames in one animation (each costs about 0.1 s to draw)
MAX_FRAMES = 1000
#: a GIF's frames are held in memory (3 bytes a pixel) until it is encoded: at most this many pixels in all
MAX_GIF_PIXELS = 250_000_000
DEFAULT_FPS = 10.0
MIN_FPS = 0.5
MAX_FPS = 60.0
#: browsers play a GIF delay under 2/100 s as 1/10 s: more than 50 frames a second plays slower
MAX_GIF_FPS = 50.0
#: the optional dependency group MP4 needs
VIDEO_EXTRA = "video"
#: without --frames: the whole run, at most about this many frames
DEFAULT_FRAME_TARGET = 100


class AnimationError(LogitError):
    """An animation cannot be made as asked (frames, fps, format, a missing encoder)."""


class AnimationCancelled(Exception):
    """The progress callback said stop: nothing was written."""


# ----------------------------------------------------------------------
# the frame plan (Qt-free)
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class FrameRange:
    """The iterations ``start`` to ``stop`` (both included; None: the first / the newest) every ``step``."""

    start: int | None = None
    stop: int | None = None
    step: int = 1

    def __str__(self) -> str:
        a = "" if self.start is None else str(self.start)
        b = "" if self.stop is None else str(self.stop)
        return f"{a}:{b}:{self.step}"


def parse_frames(text: str, label: str = "--frames") -> FrameRange:
    """``"A:B"`` or ``"A:B:STEP"`` (A or B may be left out) → FrameRange; AnimationError if malformed."""
    usage = f"{label} must be A:B or A:B:STEP (iterations A to B, every STEP), e.g. 0:200:5; got {text!r}"
    parts = str(text).strip().split(":")
    if len(parts) not in (2, 3):
        raise AnimationError(usage)
    values = []
    for p in parts:
        p = p.strip()
        if p == "":
            values.append(None)
            continue
        try:
            values.append(int(p))
        except ValueError:
            raise AnimationError(usage) from None
    start, stop = values[0], values[1]
    step = values[2] if len(values) == 3 and values[2] is not None else 1
    if (start is not None and start < 0) or (stop is not None and stop < 0):
        raise AnimationError(f"{label} {text}: iteration numbers are 0 or more")
    if step < 1:
        raise AnimationError(f"{label} {text}: STEP must be at least 1, got {step}")
    if start is not None and stop is not None and start > stop:
        raise AnimationError(f"{label} {text}: A ({start}) is after B ({stop})")
    return FrameRange(start, stop, step)


def frame_count(start: int, stop: int, step: int) -> int:
    """How many of start, start + step, … are ≤ stop."""
    return 0 if stop < start else (stop - start) // step + 1


def check_frame_count(n: int, start: int, stop: int, label: str = "--frames",
                      max_frames: int = MAX_FRAMES) -> None:
    if n > max_frames:
        step = max(2, math.ceil((stop - start) / max(max_frames - 1, 1)))
        raise AnimationError(f"{label}: iterations {start} to {stop} make {n} frames, at most {max_frames}: "
                             f"use a step of {step} or more")


def default_frames(last: int) -> FrameRange:
    """Without a range: iteration 0 to ``last``, about :data:`DEFAULT_FRAME_TARGET` frames."""
    return FrameRange(0, int(last), max(1, math.ceil(int(last) / DEFAULT_FRAME_TARGET)))


@dataclass(frozen=True)
class FramePlan:
    """Which history entries the frames show (``indices``) and their iteration numbers (``ks``)."""

    indices: tuple[int, ...]
    ks: tuple[int, ...]
    start: int
    stop: int               # the last iteration asked for that the history has
    step: int
    asked_stop: int         # as asked (larger than ``stop`` when the run ended before it)

    @property
    def n(self) -> int:
        return len(self.indices)

    @property
    def clamped(self) -> bool:
        return self.asked_stop > self.stop


def plan_frames(ks, frames: FrameRange, *, max_frames: int = MAX_FRAMES, label: str = "--frames") -> FramePlan:
    """The frames of ``frames`` over a history whose entries have iteration numbers ``ks``
    (increasing). A stop after the newest entry is cut to it (``FramePlan.clamped``); a
    start after it, or a range of more than ``max_frames`` frames, is an AnimationError."""
    ks = np.asarray(ks, dtype=np.int64)
    if ks.size == 0:
        raise AnimationError("there is no iterate to animate yet")
    first, last = int(ks[0]), int(ks[-1])
    start = first if frames.start is None else int(frames.start)
    asked = last if frames.stop is None else int(frames.stop)
    if start > last:
        raise AnimationError(f"{label}: the run has iterations {first} to {last}, none from {start} on")
    if start < first:
        raise AnimationError(f"{label}: the history starts at iteration {first}, not {start}")
    stop = min(asked, last)
    n = frame_count(start, stop, frames.step)
    check_frame_count(n, start, stop, label, max_frames)
    targets = start + frames.step * np.arange(n, dtype=np.int64)
    idx = np.searchsorted(ks, targets, side="right") - 1
    keep = np.ones(idx.size, dtype=bool)
    keep[1:] = idx[1:] != idx[:-1]
    idx = idx[keep]
    return FramePlan(tuple(int(i) for i in idx), tuple(int(k) for k in ks[idx]), start, stop, frames.step, asked)


# ----------------------------------------------------------------------
# formats, encoders, sizes
# ----------------------------------------------------------------------
def animation_format(path: str) -> str | None:
    """"gif" or "mp4" from ``path``'s extension, else None."""
    ext = os.path.splitext(str(path))[1].lower().lstrip(".")
    return ext if ext in FORMATS else None


def check_fps(fps: float, fmt: str | None = None, label: str = "--fps") -> float:
    try:
        fps = float(fps)
    except (TypeError, ValueError):
        raise AnimationError(f"{label} must be a number, got {fps!r}") from None
    top = MAX_GIF_FPS if fmt == "gif" else MAX_FPS
    if not (math.isfinite(fps) and MIN_FPS <= fps <= top):
        what = "a GIF" if fmt == "gif" else "an animation"
        raise AnimationError(f"{label}: {what} takes {MIN_FPS:g} to {top:g} frames per second, got {fps:g}")
    return fps


def check_gif_size(n_frames: int, width: int, height: int, label: str = "--frames") -> None:
    pixels = int(n_frames) * int(width) * int(height)
    if pixels > MAX_GIF_PIXELS:
        most = max(1, MAX_GIF_PIXELS // (int(width) * int(height)))
        raise AnimationError(f"{label}: a GIF of {n_frames} frames of {width}×{height} is held in memory while it "
                             f"is encoded; at most {most} frames at this size: use a larger step, a smaller "
                             "size or fewer panels, or write an .mp4")


def video_available() -> bool:
    """Whether MP4 can be written (imageio-ffmpeg and its ffmpeg are there)."""
    try:
        check_writer("mp4")
    except AnimationError:
        return False
    return True


def check_writer(fmt: str, path: str | None = None) -> None:
    """Raise AnimationError (one line, naming the package or extra to install) unless
    an animation of format ``fmt`` can be encoded here."""
    where = f"{path}: " if path else ""
    try:
        import imageio  # noqa: F401
        import PIL  # noqa: F401
    except ImportError as e:
        raise AnimationError(f"{where}GIF and MP4 need imageio and Pillow ({e.name} is missing): "
                             "pip install imageio pillow") from None
    if fmt != "mp4":
        return
    try:
        import imageio_ffmpeg
    except ImportError:
        raise AnimationError(f"{where}MP4 needs imageio-ffmpeg, the optional extra '{VIDEO_EXTRA}': "
                             f"pip install 'logit-gui[{VIDEO_EXTRA}]' (or write a .gif)") from None
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except (RuntimeError, OSError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise AnimationError(f"{where}MP4 needs the ffmpeg that imageio-ffmpeg ships, and it is not usable "
                             f"({first}): pip install --force-reinstall 'logit-gui[{VIDEO_EXTRA}]'") from None


def frame_size(width: int, height: int, fmt: str | None) -> tuple[int, int]:
    """The pixel size an animation of format ``fmt`` is drawn at: H.264 in yuv420p needs even sides."""
    w, h = int(round(width)), int(round(height))
    if fmt == "mp4":
        w, h = w + (w % 2), h + (h % 2)
    return w, h


# ----------------------------------------------------------------------
# the file: a temporary in the target's folder, renamed at the end
# ----------------------------------------------------------------------
_reason = describe  # the file is core/fileio's output_file: a temporary file, committed at the end


# ----------------------------------------------------------------------
# writers (imageio)
# ----------------------------------------------------------------------
class _GifWriter:
    """Pillow through imageio. Every frame is mapped to one 256-colour palette, made from
    ``reference`` (the last frame: the widest range of probabilities) and the first frame,
    so colours do not flicker from frame to frame and unchanged regions stay unchanged
    (Pillow then stores only the rectangle that changed)."""

    def __init__(self, tmp: str, fps: float, reference: np.ndarray | None = None):
        import imageio.v3 as iio

        self.file = iio.imopen(tmp, "w", extension=".gif", plugin="pillow")
        self.duration = 1000.0 / fps  # ms; GIF keeps hundredths of a second
        self.reference = reference
        self.palette = None

    def append(self, rgb: np.ndarray) -> None:
        from PIL import Image

        if self.palette is None:
            src = rgb if self.reference is None else np.vstack([self.reference, rgb])
            self.palette = Image.fromarray(src).quantize(256, method=Image.Quantize.MEDIANCUT,
                                                         dither=Image.Dither.NONE)
            self.reference = None
        mapped = Image.fromarray(rgb).quantize(palette=self.palette, dither=Image.Dither.NONE).convert("RGB")
        self.file.write(np.asarray(mapped), is_batch=False, duration=self.duration, loop=0)

    def close(self) -> None:
        self.file.close()  # Pillow encodes the frames now

    def abort(self) -> None:
        frames = getattr(self.file, "images_to_write", None)
        if isinstance(frames, list):
            frames.clear()  # nothing left to encode
        with contextlib.suppress(Exception):
            self.file.close()


class _Mp4Writer:
    def __init__(self, tmp: str, fps: float):
        import imageio.v2 as iio2

        self.file = iio2.get_writer(tmp, format="FFMPEG", mode="I", fps=fps, codec="libx264",
                                    pixelformat="yuv420p", quality=8, macro_block_size=2,
                                    ffmpeg_log_level="error", output_params=["-movflags", "+faststart"])

    def append(self, rgb: np.ndarray) -> None:
        self.file.append_data(rgb)

    def close(self) -> None:
        self.file.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.file.close()


def _encoder_error(path: str, fmt: str, e: Exception) -> LogitError:
    """One line for what an encoder raised: a full disk or a refused write names the path;
    otherwise the encoder's first line and, from ffmpeg, the last line it printed."""
    import errno

    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS,
                                              getattr(errno, "EDQUOT", errno.ENOSPC)):
        return OutputError(f"{path}: {_reason(e)}")
    text = str(e)
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    what = lines[0] if lines else type(e).__name__
    if "FFMPEG STDERR OUTPUT" in text:
        tail = [ln.strip() for ln in text.split("FFMPEG STDERR OUTPUT", 1)[1].splitlines()
                if ln.strip(" :")]
        if tail:
            what = f"{what} (ffmpeg: {tail[-1]})"
    return AnimationError(f"{path}: the {fmt.upper()} encoder failed: {what}")


def _rgb(img) -> np.ndarray:
    """A QImage as an (h, w, 3) uint8 array."""
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    a = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return a[:, : w * 3].reshape(h, w, 3).copy()


def _caption(img, theme, k: int) -> None:
    """``iteration k = …`` in the image's top right corner, on the legends' fill."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QFontMetricsF, QPainter

    from .panel import color, font

    text = f"iteration k = {k}"
    f = font(theme)
    painter = QPainter(img)
    try:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setRenderHint(QPainter.TextAntialiasing)
        painter.setFont(f)
        fm = QFontMetricsF(f, img)
        pad = theme.px(4)
        w, h = fm.horizontalAdvance(text) + 2 * pad, fm.height() + pad
        box = QRectF(img.width() - w - pad, 0, w, h)
        painter.fillRect(box, color(theme.legend_rgba))
        painter.setPen(color(theme.foreground))
        painter.drawText(box, int(Qt.AlignCenter), text)
    finally:
        painter.end()


def write_animation(path: str, figure, view, history, plan: FramePlan, display, *, fps: float = DEFAULT_FPS,
                    progress=None, caption: bool = True) -> int:
    """Draw ``plan``'s frames of ``history`` into ``figure`` (one Figure, redrawn per frame)
    and write them to ``path`` as a GIF or an MP4 (by its extension); the number of frames.
    Raises LogitError (bad input, a failed write) or AnimationCancelled; never leaves a
    partial file (see the module's docstring)."""
    from logit_gui.model.frames import make_frame

    from .export import render_image

    fmt = animation_format(path)
    if fmt is None:
        raise AnimationError(f"{path}: an animation is a .gif or an .mp4")
    fps = check_fps(fps, fmt)
    check_writer(fmt, path)
    if plan.n == 0:
        raise AnimationError(f"{path}: no frame to write")
    if fmt == "mp4" and (figure.size[0] % 2 or figure.size[1] % 2):
        raise AnimationError(f"{path}: an MP4's width and height must be even, got {figure.size[0]}×{figure.size[1]}")
    if fmt == "gif":
        check_gif_size(plan.n, *figure.size)
    # a snapshot up to the last frame: the app's trainer may append meanwhile, and the
    # loss curve ends where the animation ends
    hist = history.copy(upto=plan.indices[-1] + 1) if hasattr(history, "copy") else history
    total = plan.n
    if progress is not None and not progress(0, total):
        raise AnimationCancelled(path)
    def picture(it) -> np.ndarray:
        figure.draw(view, hist, make_frame(view, it), display)
        img = render_image(figure)
        if caption:
            _caption(img, figure.theme, it.k)
        return _rgb(img)

    # a GIF's one palette is made from the last frame (drawn first) and the first
    reference = picture(hist[plan.indices[-1]]) if fmt == "gif" and plan.n > 1 else None
    with output_file(path, f".{fmt}") as tmp:
        try:
            writer = _GifWriter(tmp, fps, reference) if fmt == "gif" else _Mp4Writer(tmp, fps)
        except (OSError, RuntimeError, ValueError) as e:
            raise _encoder_error(path, fmt, e) from None
        try:
            for n, i in enumerate(plan.indices, start=1):
                rgb = picture(hist[i])
                try:
                    writer.append(rgb)
                except (OSError, RuntimeError, ValueError) as e:
                    raise _encoder_error(path, fmt, e) from None
                if progress is not None and not progress(n, total):
                    raise AnimationCancelled(path)
        except BaseException:
            writer.abort()
            raise
        try:
            writer.close()
        except (OSError, RuntimeError, ValueError) as e:
            raise _encoder_error(path, fmt, e) from None
    return total


def export_animation(path: str, panel_ids, theme, size, view, history, plan: FramePlan, display, *,
                     fps: float = DEFAULT_FPS, progress=None, caption: bool = True) -> int:
    """A Figure of ``panel_ids`` in ``theme`` at ``size`` pixels (made even for MP4),
    animated by :func:`write_animation`; the number of frames."""
    from .figure import Figure

    fig = Figure(panel_ids, theme, frame_size(*size, animation_format(path)))
    try:
        return write_animation(path, fig, view, history, plan, display, fps=fps, progress=progress,
                               caption=caption)
    finally:
        fig.close()


# ----------------------------------------------------------------------
# the terminal's progress bar
# ----------------------------------------------------------------------
class TerminalProgress:
    """A progress callback drawing ``label [#####.....] 37/100 frames`` on one line of
    ``stream`` (stderr), rewritten in place; never cancels (Ctrl-C does)."""

    def __init__(self, stream=None, label: str = ""):
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self._open = False

    @staticmethod
    def wanted(stream=None) -> bool:
        """Whether ``stream`` (stderr) is a terminal: a bar only there, never in a log or a pipe."""
        stream = stream if stream is not None else sys.stderr
        try:
            return stream is not None and stream.isatty()
        except (AttributeError, ValueError, OSError):
            return False

    def __call__(self, done: int, total: int) -> bool:
        import shutil

        cols = shutil.get_terminal_size((80, 24)).columns
        counter = f" {done}/{total} frames"
        label = f"{self.label} " if self.label else ""
        width = max(10, min(40, cols - len(label) - len(counter) - 3))
        filled = round(width * done / total) if total else width
        line = f"\r{label}[{'#' * filled}{'.' * (width - filled)}]{counter}"
        try:
            self.stream.write(line)
            if done >= total:
                self.stream.write("\n")
                self._open = False
            else:
                self._open = True
            self.stream.flush()
        except (OSError, ValueError):
            pass
        return True

    def close(self) -> None:
        """End an unfinished bar's line (after a failure or Ctrl-C)."""
        if self._open:
            with contextlib.suppress(OSError, ValueError):
                self.stream.write("\n")
                self.stream.flush()
            self._open = False
