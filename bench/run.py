"""Run every benchmark module (bench/bench_*.py) and print its figures.

    .venv/bin/python bench/run.py              # all of them
    .venv/bin/python bench/run.py backlog      # those whose name contains "backlog"

Each module has `run()`, called inside a scratch database. Set DATABASE_URL to
benchmark on PostgreSQL.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import scratch_database  # noqa: E402


def main(patterns: list[str]) -> None:
    bench_dir = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(bench_dir)]) if m.name.startswith("bench_"))
    chosen = [n for n in names if not patterns or any(p in n for p in patterns)]
    if not chosen:
        sys.exit(f"no benchmark matches {patterns}; have: {', '.join(names)}")
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        with scratch_database(name):
            module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
