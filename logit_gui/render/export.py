"""Export a figure as PNG, SVG or PDF — the format from the file's extension.

* ``.png``: a raster at 1–4×. The figure is laid out at ``scale`` × its size
  with a theme ``scale`` × larger, so lines, markers and text grow with the
  picture (pyqtgraph's ImageExporter keeps cosmetic 1-px pens on a 4000-px
  image; a device-pixel ratio scales text but not those pens).
* ``.svg``: QSvgGenerator painting the scene — curves, axes and text stay
  vectors, the heatmap is an embedded image. (pyqtgraph 0.14's SVGExporter
  raises on PySide6 ≥ 6.11, upstream issue #3485.)
* ``.pdf``: QPdfWriter painting the scene on one page the figure's size.

Bytes are produced in memory and written by
:func:`logit_gui.core.fileio.write_output`: atomically for regular files
(a failed export never leaves a half-written file nor replaces the old one),
through symlinks, directly to devices and pipes.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter

from logit_gui.core.errors import LogitError

__all__ = ["FORMATS", "ExportError", "format_of", "render_image", "figure_bytes", "write_figure",
           "MIN_SCALE", "MAX_SCALE"]

FORMATS = ("png", "svg", "pdf")
MIN_SCALE, MAX_SCALE = 1.0, 4.0


class ExportError(LogitError):
    """A figure cannot be exported as asked (format, scale, size)."""


def format_of(path: str) -> str:
    """The export format named by ``path``'s extension (raises ExportError)."""
    ext = os.path.splitext(str(path))[1].lower().lstrip(".")
    if ext not in FORMATS:
        shown = f".{ext}" if ext else "no extension"
        raise ExportError(f"{path}: unknown image format ({shown}); use .png, .svg or .pdf")
    return ext


def check_scale(scale: float) -> float:
    scale = float(scale)
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ExportError(f"scale must be between {MIN_SCALE:g} and {MAX_SCALE:g}, got {scale:g}")
    return scale


def _paint(figure, painter: QPainter, target: QRectF) -> None:
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    painter.setRenderHint(QPainter.SmoothPixmapTransform)
    w, h = figure.size
    figure.widget.scene().render(painter, target, QRectF(0, 0, w, h), Qt.IgnoreAspectRatio)


def render_image(figure) -> QImage:
    """The figure as an ARGB image of its size (build the figure at the scale wanted)."""
    w, h = figure.size
    img = QImage(w, h, QImage.Format_ARGB32)
    img.fill(QColor(figure.theme.background))
    painter = QPainter(img)
    try:
        _paint(figure, painter, QRectF(0, 0, w, h))
    finally:
        painter.end()
    return img


def _png(figure) -> bytes:
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    if not render_image(figure).save(buf, "PNG"):
        raise ExportError("could not encode the PNG image")
    return bytes(buf.data())


def _svg(figure, title: str) -> bytes:
    from PySide6.QtSvg import QSvgGenerator

    w, h = figure.size
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(w, h))
    gen.setViewBox(QRectF(0, 0, w, h))
    gen.setResolution(96)
    gen.setTitle(title)
    gen.setDescription("made by logit-gui")
    painter = QPainter(gen)
    try:
        painter.fillRect(QRectF(0, 0, w, h), QColor(figure.theme.background))
        _paint(figure, painter, QRectF(0, 0, w, h))
    finally:
        painter.end()
    buf.close()
    return bytes(data)


def _pdf(figure, title: str) -> bytes:
    w, h = figure.size
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    pdf = QPdfWriter(buf)
    pdf.setTitle(title)
    pdf.setCreator("logit-gui")
    pdf.setResolution(96)
    # one page exactly the figure's size (96 px = 72 pt)
    pdf.setPageSize(QPageSize(QSizeF(w * 0.75, h * 0.75), QPageSize.Unit.Point, "",
                              QPageSize.SizeMatchPolicy.ExactMatch))
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0))
    painter = QPainter(pdf)
    try:
        target = QRectF(0, 0, pdf.width(), pdf.height())
        painter.fillRect(target, QColor(figure.theme.background))
        _paint(figure, painter, target)
    finally:
        painter.end()
    del pdf
    buf.close()
    return bytes(data)


def figure_bytes(figure, fmt: str, title: str = "logit-gui") -> bytes:
    if fmt == "png":
        return _png(figure)
    if fmt == "svg":
        return _svg(figure, title)
    if fmt == "pdf":
        return _pdf(figure, title)
    raise ExportError(f"unknown format {fmt!r}")


def write_figure(figure, path: str, title: str = "logit-gui") -> None:
    """Export ``figure`` to ``path`` (format by extension), never half-written."""
    from logit_gui.core.fileio import write_output

    write_output(path, figure_bytes(figure, format_of(path), title))
