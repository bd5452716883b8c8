"""``leora worker --processes N``: N worker processes under one parent, for CPU-bound handlers.

The parent starts each child as ``leora worker`` with the same options, passes SIGTERM/SIGINT on to
them (each child then shuts down gracefully), restarts a child that died unexpectedly, and exits once
every child has exited.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from types import FrameType

log = logging.getLogger("leora.jobs.worker")

RESTART_DELAY = 1.0


class Supervisor:
    def __init__(self, processes: int, child_args: list[str]) -> None:
        self.processes = processes
        self.child_args = child_args
        self.children: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "leora.cli", "worker", *self.child_args])

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signum)

    def run(self) -> int:
        """Run the children until they have all exited; return 0 when every one exited cleanly."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        self.children = [self._spawn() for _ in range(self.processes)]
        log.info("event=supervisor.started processes=%d", self.processes)
        worst = 0
        while self.children:
            time.sleep(0.2)
            for index, child in enumerate(list(self.children)):
                code = child.poll()
                if code is None:
                    continue
                self.children.remove(child)
                worst = max(worst, abs(code))
                if code != 0 and not self.stopping:
                    log.warning("event=supervisor.restart index=%d exit=%s", index, code)
                    time.sleep(RESTART_DELAY)
                    self.children.append(self._spawn())
        return 0 if self.stopping else worst
