"""The process pool: results in the order of the items, and only a few batches out at once.

The data: 2,000 items, each marked on disk by the worker that takes it, read by a
consumer that stops after the first result (as a build's main thread does while
it writes what came back).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from edition.executors import _BATCHES_PER_WORKER, _MAX_BATCH, SerialExecutor, make_executor


def marked(folder: Path, item: int) -> int:
    """The item squared, after leaving a mark that a worker took it."""
    (folder / str(item)).touch()
    return item * item


def test_results_come_in_the_order_of_the_items() -> None:
    items = list(range(1, 700))
    executor = make_executor("local", 2)
    try:
        got = list(executor.map(divmod, 7, items))
    finally:
        executor.close()
    assert got == list(SerialExecutor().map(divmod, 7, items))


def test_a_slow_reader_holds_back_the_work_not_the_results(tmp_path: Path) -> None:
    items = list(range(2000))
    executor = make_executor("local", 2)
    try:
        results = executor.map(marked, tmp_path, items)
        assert next(results) == 0
        time.sleep(1.5)  # the workers finish whatever they were given meanwhile
        taken = len(list(tmp_path.iterdir()))
        assert list(results) == [item * item for item in items[1:]]
    finally:
        executor.close()
    most = (2 * _BATCHES_PER_WORKER + 1) * _MAX_BATCH
    assert _MAX_BATCH <= taken <= most < len(items)
    assert len(list(tmp_path.iterdir())) == len(items)


def test_workers_import_this_process_code_not_the_current_folders(tmp_path: Path) -> None:
    # A folder holding another ``edition`` package, as this repository's root does for a
    # tool installed from it: the workers must not import that one.
    (tmp_path / "edition").mkdir()
    (tmp_path / "edition" / "__init__.py").write_text(
        "import pathlib\npathlib.Path('imported-here').touch()\n"
    )
    script = (
        "import sys; sys.path.remove('')\n"  # this process imports the tool under test
        "from edition.executors import make_executor\n"
        "executor = make_executor('local', 2)\n"
        "print(list(executor.map(divmod, 7, list(range(10, 20)))))\n"
        "executor.close()\n"
    )
    same_code = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=same_code,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == str([divmod(7, n) for n in range(10, 20)])
    assert not (tmp_path / "imported-here").exists()
