"""`make bench`: run every benchmark module, print its table and write it under bench/results/.

Each module ``bench/bench_<area>.py`` defines ``run() -> str`` returning a Markdown table (with a short
heading saying what was measured and on which database).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    only = set(sys.argv[1:])
    RESULTS.mkdir(exist_ok=True)
    package_dir = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(package_dir)]) if m.name.startswith("bench_"))
    for name in names:
        area = name.removeprefix("bench_")
        if only and area not in only:
            continue
        started = time.monotonic()
        table = importlib.import_module(f"bench.{name}").run()
        elapsed = time.monotonic() - started
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        text = f"{table.rstrip()}\n\n_{stamp}, took {elapsed:.0f} s_\n"
        print(text)
        (RESULTS / f"{area}.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
