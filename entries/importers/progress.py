"""How an importer reports progress: ``progress(stage, done, total)`` as the work
goes on (``Progress``), and ``ProgressBar``, which draws it for a management
command."""

from collections.abc import Callable
from typing import TextIO

from django.core.management.base import OutputWrapper

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """A ``Progress`` that shows nothing."""


class ProgressBar:
    """``progress(stage, done, total)`` drawn on ``stream``.

    On a terminal: one bar per stage, redrawn in place. Anywhere else (a log file,
    a CI job): a plain line each time a stage passes another ``step`` per cent, so
    the output stays short.
    """

    def __init__(self, stream: OutputWrapper | TextIO, *, width: int = 30, step: int = 10):
        self.stream = stream
        self.is_tty = stream.isatty()
        self.width = width
        self.step = step
        self.stage = ""
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.stage, self.shown = stage, 0
        percent = 100 * done // total if total else 100
        if self.is_tty:
            filled = self.width * done // total if total else self.width
            bar = "#" * filled + "-" * (self.width - filled)
            end = "\n" if done >= total else ""
            self._write(f"\r{stage:<13} [{bar}] {percent:3d}% {done}/{total}{end}")
        elif percent >= self.shown + self.step or (done >= total and self.shown < 100):
            self.shown = percent - percent % self.step
            self._write(f"{stage}: {percent}% ({done}/{total})\n")

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            # Not in the error colour that OutputWrapper gives stderr.
            self.stream.write(text, style_func=str, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()
