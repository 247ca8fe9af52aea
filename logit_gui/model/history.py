"""The run's history: every iterate the trainer produced, bounded, Qt-free.

The worker thread appends, the GUI thread reads; one lock guards both. When the
history grows past ``capacity`` its older half is thinned (every other entry
dropped), always keeping the first iterate and the newest ones, so a run of a
million iterations costs a few thousand snapshots and the older part of the
loss curve stays evenly spread on a log axis.
"""

from __future__ import annotations

import bisect
import threading
from typing import Iterable

import numpy as np

from logit_gui.core.iterate import Iterate

__all__ = ["History"]


class History:
    """Append-only, thread-safe, bounded list of :class:`Iterate`.

    Entries are kept in increasing iteration number ``k``. ``version`` grows on
    every change so a view can tell whether it is up to date.
    """

    def __init__(self, iterates: Iterable[Iterate] = (), capacity: int = 4096):
        if capacity < 8:
            raise ValueError("capacity must be at least 8")
        self.capacity = int(capacity)
        self._lock = threading.Lock()
        self._items: list[Iterate] = []
        self._ks: list[int] = []
        self._obj: list[float] = []
        self._test: list[float] = []
        self._gn: list[float] = []
        self.version = 0
        self.thinned = 0  # how many entries thinning has dropped so far
        self.marks: list[tuple[int, str]] = []  # (k, what changed there)
        for it in iterates:
            self.append(it)

    # ------------------------------------------------------------------
    def append(self, it: Iterate) -> None:
        with self._lock:
            if self._ks and it.k <= self._ks[-1]:
                raise ValueError(f"iterate {it.k} does not follow {self._ks[-1]}")
            self._items.append(it)
            self._ks.append(it.k)
            self._obj.append(float(it.objective))
            self._test.append(np.nan if it.test_objective is None else float(it.test_objective))
            self._gn.append(float(it.grad_norm))
            if len(self._items) > self.capacity:
                self._thin()
            self.version += 1

    def _thin(self) -> None:
        # keep the first entry, every other entry of the older half, all of the newer half
        n = len(self._items)
        half = n // 2
        keep = [0] + list(range(2, half, 2)) + list(range(half, n))
        self.thinned += n - len(keep)
        for name in ("_items", "_ks", "_obj", "_test", "_gn"):
            old = getattr(self, name)
            setattr(self, name, [old[i] for i in keep])

    def replace_last(self, it: Iterate) -> None:
        """Replace the newest entry by ``it`` (same iteration, e.g. a new status or objective)."""
        with self._lock:
            if len(self._ks) > 1 and it.k <= self._ks[-2]:
                raise ValueError(f"iterate {it.k} does not follow {self._ks[-2]}")
            self._items[-1] = it
            self._ks[-1] = it.k
            self._obj[-1] = float(it.objective)
            self._test[-1] = np.nan if it.test_objective is None else float(it.test_objective)
            self._gn[-1] = float(it.grad_norm)
            self.version += 1

    def mark(self, label: str) -> None:
        """Remember that the settings changed at the newest iterate (shown on the loss curve)."""
        with self._lock:
            k = self._ks[-1] if self._ks else 0
            self.marks = [m for m in self.marks if m[0] < k] + [(k, label)]
            self.version += 1

    def truncate(self, n: int) -> None:
        """Keep only the first ``n`` entries (a branch from an earlier iterate)."""
        with self._lock:
            n = max(1, int(n))
            for name in ("_items", "_ks", "_obj", "_test", "_gn"):
                del getattr(self, name)[n:]
            last = self._ks[-1]
            self.marks = [m for m in self.marks if m[0] <= last]
            self.version += 1

    def copy(self, upto: int | None = None) -> "History":
        with self._lock:
            items = self._items if upto is None else self._items[:upto]
            out = History(capacity=self.capacity)
            out._items = list(items)
            out._ks = list(self._ks[: len(items)])
            out._obj = list(self._obj[: len(items)])
            out._test = list(self._test[: len(items)])
            out._gn = list(self._gn[: len(items)])
            out.thinned = self.thinned
            last = out._ks[-1] if out._ks else -1
            out.marks = [m for m in self.marks if m[0] <= last]
            out.version = 1
            return out

    # ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: int) -> Iterate:
        with self._lock:
            return self._items[i]

    def __iter__(self):
        with self._lock:
            items = list(self._items)
        return iter(items)

    def locate(self, k: int | None = None) -> tuple[int, Iterate]:
        """(index, iterate) read together: the newest entry (``k`` None) or the entry with
        iteration number ``k`` (the nearest one at or before it). Safe while another
        thread appends and thins."""
        with self._lock:
            if k is None:
                i = len(self._items) - 1
            else:
                i = max(bisect.bisect_right(self._ks, k) - 1, 0)
            return i, self._items[i]

    def get(self, i: int) -> tuple[int, Iterate]:
        """(index, iterate) for index ``i`` clamped to the entries there are, read together."""
        with self._lock:
            i = max(0, min(int(i), len(self._items) - 1))
            return i, self._items[i]

    @property
    def latest(self) -> Iterate | None:
        with self._lock:
            return self._items[-1] if self._items else None

    def index_of_k(self, k: int) -> int:
        """Index of the entry with iteration number ``k``, or of the nearest one at or before it."""
        with self._lock:
            i = bisect.bisect_right(self._ks, k) - 1
            return max(i, 0)

    def curves(self):
        """(k, objective, test objective, grad norm) as float arrays; test is NaN where unknown."""
        with self._lock:
            return (
                np.asarray(self._ks, dtype=np.float64),
                np.asarray(self._obj, dtype=np.float64),
                np.asarray(self._test, dtype=np.float64),
                np.asarray(self._gn, dtype=np.float64),
            )
