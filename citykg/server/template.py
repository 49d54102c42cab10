"""One in-memory copy of a build per generation: fast-lane workers are forked from it.

Loading a 2,000-article build into memory takes minutes and gigabytes, and the
fast lane replaces a worker whenever one is demoted (an expensive query) or
killed (time limit, crash). So each generation has a *template* process that
loads the build once and forks a fast worker on request: the child shares the
loaded store copy-on-write (the store is only read), starts in milliseconds and
adds little memory. The template hands the pool the worker's end of a fresh pipe
(file-descriptor passing over its control pipe) and the worker's pid; it ignores
SIGCHLD, so the kernel reaps the workers it forked.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from citykg.errors import StoreError
from citykg.server.worker import Identity, Limits, await_ready, open_and_report, serve_jobs

#: How often (seconds) a stopped forked worker is checked for having exited.
EXIT_POLL = 0.005


def template_main(control: Connection, data: str, trig: str, limits: Limits) -> None:
    """Load the build, report ("ready", identity), then fork one worker per request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked workers are reaped by the kernel
    opened = open_and_report(control, data, trig, memory=True)
    if opened is None:
        return
    store, identity = opened
    while True:
        try:
            control.recv()  # "fork"
        except (EOFError, OSError):
            return  # the pool has gone; forked workers end when their own pipes close
        ours, theirs = mp.Pipe()
        pid = os.fork()
        if pid == 0:  # the worker: answer jobs from the shared store until its pipe closes
            code = 0
            try:
                control.close()
                ours.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                theirs.send(("ready", identity))
                # A new thread: the engine's random state is per thread, and this thread's is a
                # copy of the template's - RAND()/UUID() would repeat across forked workers.
                thread = threading.Thread(target=serve_jobs, args=(theirs, store, limits))
                thread.start()
                thread.join()
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        reduction.send_handle(control, ours.fileno(), os.getppid())
        control.send(pid)
        ours.close()


class Forked:
    """A worker forked by a template: not our child, so no wait(); the pid is enough."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def is_alive(self) -> bool:
        """Running, not merely a zombie: a worker orphaned by a killed template waits for init to reap
        it, and ``os.kill(pid, 0)`` succeeds on it until then."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return True  # no /proc: trust the signal check
        return stat.rpartition(")")[2].split()[:1] not in (["Z"], ["X"])

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(EXIT_POLL)


class Template:
    """The pool's side of a template process: start it, fork workers, stop it."""

    def __init__(self, ctx: Any, data: str, trig: Path, limits: Limits, timeout: float) -> None:
        self.ctx, self.data, self.trig, self.limits, self.timeout = ctx, data, trig, limits, timeout
        self.lock = threading.Lock()
        self.identity: Identity | None = None
        self.closed = False  # the generation is done: never load the build again
        self._start()

    def _start(self) -> None:
        self.control, child = self.ctx.Pipe()
        args = (child, self.data, str(self.trig), self.limits)
        self.proc = self.ctx.Process(target=template_main, args=args, daemon=True)
        self.proc.start()
        child.close()
        self.identity = await_ready(self.control, self.timeout, "the query template", self.stop)

    def fork(self) -> tuple[Connection, Forked]:
        """A new worker sharing the template's store: its pipe and its process."""
        with self.lock:
            for attempt in (1, 2):
                if self.closed:
                    raise StoreError("the build's workers were retired")
                try:
                    self.control.send("fork")
                    if not self.control.poll(self.timeout):
                        raise StoreError("the query template did not answer")
                    fd = reduction.recv_handle(self.control)
                    pid = self.control.recv()
                    return Connection(fd), Forked(pid)
                except (EOFError, OSError):
                    if self.closed:  # close() killed it while we waited: no new template
                        raise StoreError("the build's workers were retired") from None
                    if attempt == 2:
                        raise StoreError("the query template died twice") from None
                    self.stop()  # it died (killed, crashed): load the build again
                    self._start()
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the template for good (a retired or closed generation).

        The process is killed first, so a ``fork`` waiting on it returns at once; its pipe is
        closed under the lock, never while a ``fork`` uses it (two closes of one descriptor
        from two threads can close a descriptor another pipe has reused meanwhile)."""
        self.closed = True
        self.proc.kill()
        with self.lock:
            self.stop()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.control.close()
