"""The timeline cursor: which recorded iterate is on screen. Qt-free.

Either the cursor **follows** the newest iterate (while training, the panels
show the latest one) or it is **pinned** to an iteration number k — not to a
list position, because a long run's history is thinned as it grows and
positions shift. :meth:`Cursor.locate` reads the index and the iterate
together (the trainer may append and thin between two reads).
"""

from __future__ import annotations

__all__ = ["Cursor"]


class Cursor:
    def __init__(self):
        self.follow = True   # show the newest iterate
        self.k = 0           # else: the iteration number shown
        self.index = 0       # where that iterate was found last (for the timeline)

    def locate(self, history):
        """(index, iterate) of the cursor in ``history``; remembers both."""
        index, it = history.locate(None if self.follow else self.k)
        self.index, self.k = index, it.k
        return index, it

    def iterate(self, history):
        """The cursor's iterate (None for an empty history), without moving it."""
        if len(history) == 0:
            return None
        return history.latest if self.follow else history.locate(self.k)[1]

    def seek(self, history, index: int):
        """Show entry ``index`` (clamped); following again when it is the newest."""
        index, it = history.get(index)
        self.index, self.k = index, it.k
        self.follow = it is history.latest
        return index, it

    def follow_newest(self, history=None) -> None:
        self.follow = True
        if history is not None and len(history):
            self.locate(history)

    def position(self, history) -> int:
        """The cursor's index in ``history`` now."""
        return history.locate(None if self.follow else self.k)[0]
