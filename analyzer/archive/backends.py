"""Parallel execution through joblib: local processes (loky), threads, a dask cluster or ray.

`batches` splits work into tasks small enough to balance and to commit one at a time;
`run_parallel` yields each task's result as it finishes.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Iterator, Sequence

from analyzer.errors import PmlintError


def batches(items: Sequence[Any], jobs: int, *, size_of: Callable[[Any], int] = lambda _: 1,
            max_items: int = 16, max_size: int = 400_000) -> Iterator[list[Any]]:
    """Split work into tasks: about eight per worker for balance and progress, at most
    `max_items` items or `max_size` size units each (a task's results are committed together)."""
    per_task = max(1, min(max_items, -(-len(items) // (max(1, jobs) * 8))))
    batch: list[Any] = []
    size = 0
    for item in items:
        batch.append(item)
        size += size_of(item)
        if len(batch) >= per_task or size >= max_size:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def run_parallel(func: Callable, tasks: Iterable[tuple], *, jobs: int | None, backend: str = "loky",
                 scheduler: str | None = None) -> Iterator[Any]:
    """Run `func(*task)` for every task through joblib and yield the results as they finish
    (in completion order). `backend` is any joblib backend: loky (local processes, the default),
    threading, dask (with `scheduler` an address such as tcp://host:8786, or a local cluster),
    ray (with `ray` installed). One job runs in this process."""
    import joblib

    n_jobs = _effective_jobs(jobs, backend)
    if n_jobs == 1 and backend in ("loky", "multiprocessing", "threading", "sequential"):
        for task in tasks:
            yield func(*task)
        return
    with _backend(backend, scheduler, n_jobs), joblib.parallel_config(backend=backend, n_jobs=n_jobs):
        parallel = joblib.Parallel(return_as="generator_unordered", pre_dispatch="2*n_jobs")
        yield from parallel(joblib.delayed(_in_worker)(func, *task) for task in tasks)


_WATCHED_PARENT: int | None = None


def _in_worker(func: Callable, *task: Any) -> Any:
    """Run a task in a worker process, watching the process that started the worker first."""
    watch_parent()
    return func(*task)


def watch_parent(interval: float = 2.0) -> None:
    """Exit this worker when its parent dies (best effort, POSIX): a SIGKILL of `pmlint score`
    cannot tell loky to stop its workers (about 190 MB each), and they would run on. A daemon
    thread notices the worker was re-parented (getppid changed) and ends the process."""
    global _WATCHED_PARENT
    if _WATCHED_PARENT is not None or os.name != "posix":
        return
    _WATCHED_PARENT = os.getppid()

    def watch() -> None:
        import time

        while True:
            time.sleep(interval)
            if os.getppid() != _WATCHED_PARENT:
                os._exit(1)

    import threading

    threading.Thread(target=watch, name="pmlint-parent-watch", daemon=True).start()


def _effective_jobs(jobs: int | None, backend: str) -> int:
    if backend in ("dask", "ray"):
        return -1 if not jobs else jobs
    return jobs if jobs and jobs > 0 else (os.cpu_count() or 1)


class _backend:
    """Context that makes a joblib backend usable: registers dask/ray, connects to the scheduler."""

    def __init__(self, name: str, scheduler: str | None, n_jobs: int) -> None:
        self.name, self.scheduler, self.n_jobs = name, scheduler, n_jobs
        self.client = None

    def __enter__(self) -> None:
        if self.name == "dask":
            try:
                from distributed import Client
            except ImportError:
                raise PmlintError("the dask backend needs dask[distributed]: pip install 'pmlint[distributed]'") from None
            try:
                self.client = Client(self.scheduler, timeout=30) if self.scheduler else Client(
                    processes=True, n_workers=max(1, self.n_jobs), threads_per_worker=1, dashboard_address=None
                )
            except (OSError, TimeoutError) as exc:
                raise PmlintError(f"cannot reach the dask scheduler {self.scheduler}: {exc}") from None
        elif self.name == "ray":
            try:
                from ray.util.joblib import register_ray
            except ImportError:
                raise PmlintError("the ray backend needs ray: pip install 'ray[default]'") from None
            register_ray()
        elif self.scheduler:
            raise PmlintError(f"--scheduler only applies to the dask backend, not {self.name!r}")

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            cluster = getattr(self.client, "cluster", None)
            self.client.close()
            if cluster is not None and not self.scheduler:
                cluster.close()
