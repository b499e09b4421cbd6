"""Where per-document work runs: in this process, a local process pool, or a Dask cluster.

Every executor has one call, ``map(function, shared, items)``: it applies
``function(shared, item)`` to each item and yields the results in the order of
``items``. ``shared`` (settings, the register, …) is sent to each worker once,
not once per item; items travel in batches so that small jobs stay cheap.
``function`` must be a module-level function (it is sent by reference), and
everything it returns must pickle.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from edition.cache import digest
from edition.diagnostics import error
from edition.errors import UsageError

if TYPE_CHECKING:  # imported when a pool starts: 30 ms of every command's start-up
    from concurrent.futures import Future, ProcessPoolExecutor

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

#: Batches per worker: enough to balance uneven documents, few enough to keep overhead low.
_BATCHES_PER_WORKER = 4
_MAX_BATCH = 64


class Executor(Protocol):
    """Runs per-document work somewhere."""

    name: str
    #: Whether workers see this machine's file system (so they can write the staging folder).
    shares_files: bool
    #: How many processes of this machine a build may keep busy at once (as Pagefinds).
    local_jobs: int

    def map(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> Iterator[R]:
        """``function(shared, item)`` for each item, results in order."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def batches(items: Sequence[T], workers: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of ``items``, about ``_BATCHES_PER_WORKER`` per worker, each
    sliced when it is taken (``items`` may make its items as they are read)."""
    count = len(items)
    size = max(1, min(_MAX_BATCH, -(-count // (workers * _BATCHES_PER_WORKER))))
    return (items[start : start + size] for start in range(0, count, size))


class SerialExecutor:
    """Everything in this process, one item after another (``--jobs 1``)."""

    name = "serial"
    shares_files = True
    local_jobs = 1

    def map(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> Iterator[R]:
        for item in items:
            yield function(shared, item)

    def close(self) -> None:
        pass


#: In each worker process: the last shared object received, by the hash of its pickle.
_shared_in_worker: dict[str, Any] = {}


def _run_batch(
    function: Callable[[Any, Any], Any], blob: bytes, key: str, batch: Sequence[Any]
) -> list[Any]:
    if key not in _shared_in_worker:
        import pickle  # here, as in ``ProcessExecutor.map``: a command without a pool needs none

        _shared_in_worker.clear()
        _shared_in_worker[key] = pickle.loads(blob)  # noqa: S301 (sent by our own parent process)
    shared = _shared_in_worker[key]
    return [function(shared, item) for item in batch]


@contextmanager
def _this_import_path() -> Iterator[None]:
    """Python processes started meanwhile import from this process's ``sys.path``.

    The fork server is started with ``python -c``, which puts the current folder first
    on its path (Python 3.11 ignores the path it is sent): run from a folder that holds
    an ``edition`` package, the workers would import that code, not this process's.
    """
    saved = {name: os.environ.get(name) for name in ("PYTHONSAFEPATH", "PYTHONPATH")}
    os.environ["PYTHONSAFEPATH"] = "1"  # no current folder first
    os.environ["PYTHONPATH"] = os.pathsep.join(
        os.path.abspath(entry)  # noqa: PTH100 ("" is the current folder, as in this process)
        for entry in sys.path
    )
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ProcessExecutor:
    """A pool of worker processes on this machine (``--jobs N``)."""

    name = "processes"
    shares_files = True

    def __init__(self, jobs: int) -> None:
        self.jobs = self.local_jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing
            import multiprocessing.forkserver
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: workers fork from a clean process that has imported the build code,
            # never from this one (which may run threads: progress bars, the dev server).
            method = (
                "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            )
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(["edition.site.jobs", "edition.validation.jobs"])
                with _this_import_path():
                    multiprocessing.forkserver.ensure_running()
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context)
        return self._pool

    def map(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> Iterator[R]:
        if len(items) <= 1:  # not worth a round trip
            yield from SerialExecutor().map(function, shared, items)
            return
        import pickle  # here: a command that starts no pool need not load it

        blob = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        key = digest(blob)
        pool = self._started()
        waiting = batches(items, self.jobs)
        # At most this many batches out at once: results that come back before their turn
        # wait here, so more in flight would grow memory with the edition.
        ahead = self.jobs * _BATCHES_PER_WORKER
        running: deque[Future[list[R]]] = deque(
            pool.submit(_run_batch, function, blob, key, batch)
            for batch in itertools.islice(waiting, ahead)
        )
        try:
            while running:
                batch = running.popleft().result()
                following = next(waiting, None)
                if following is not None:
                    running.append(pool.submit(_run_batch, function, blob, key, following))
                yield from batch
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _run_dask_batch(
    function: Callable[[Any, Any], Any], shared: Any, batch: Sequence[Any]
) -> list[Any]:
    return [function(shared, item) for item in batch]


class DaskExecutor:
    """A Dask distributed cluster (``--executor dask --scheduler ADDRESS``).

    Workers need the same version of ``edition`` installed; they are not assumed
    to share this machine's disk, so their results travel back to the client.
    """

    name = "dask"
    shares_files = False
    local_jobs = default_jobs()  # the cluster's workers are elsewhere

    def __init__(self, scheduler: str) -> None:
        try:
            from distributed import Client
        except ImportError as err:
            raise UsageError(
                error(
                    "C040",
                    "--executor dask needs the 'distributed' package",
                    None,
                    "install it with: pip install 'edition[dask]'",
                )
            ) from err
        try:
            self.client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as err:
            raise UsageError(
                error(
                    "C041",
                    f"cannot reach the Dask scheduler at {scheduler!r}: {err}",
                    None,
                    "start one (dask scheduler; dask worker ADDRESS) or check the address",
                )
            ) from err
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> Iterator[R]:
        if not items:
            return
        [remote] = self.client.scatter([shared], broadcast=True)  # type: ignore[no-untyped-call]
        futures = self.client.map(
            _run_dask_batch,
            [function] * len(chunks := list(batches(items, self.workers))),
            [remote] * len(chunks),
            chunks,
            pure=False,
        )
        try:
            for future in futures:
                yield from future.result()
                future.release()  # type: ignore[no-untyped-call]
        finally:
            self.client.cancel(futures)  # type: ignore[no-untyped-call]
            remote.release()

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]


EXECUTORS = ("local", "dask")


def make_executor(
    kind: str = "local", jobs: int | None = None, scheduler: str | None = None
) -> Executor:
    """The executor for ``--executor``/``--jobs``/``--scheduler``."""
    if kind == "dask":
        if not scheduler:
            raise UsageError(
                error(
                    "C042",
                    "--executor dask needs --scheduler ADDRESS",
                    None,
                    "for example --scheduler tcp://scheduler.example.org:8786",
                )
            )
        return DaskExecutor(scheduler)
    if kind != "local":
        raise UsageError(
            error(
                "C043", f"unknown executor {kind!r}", None, f"choose one of {', '.join(EXECUTORS)}"
            )
        )
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
