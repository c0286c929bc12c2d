"""Run the benchmarks: ``make bench`` (or ``python bench/run.py [name ...]``).

Each ``bench/bench_<name>.py`` has ``run(report)``; results go to
``bench/results/<name>.json`` and are printed. Benchmarks use their own database
(SQLite under a temporary directory unless DATABASE_URL is set), never ``var/``.
"""

import importlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main(names: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ducha.settings")
    tmp = tempfile.mkdtemp(prefix="ducha-bench-")
    os.environ.setdefault("DUCHA_VAR_DIR", tmp)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    available = sorted(p.stem[6:] for p in HERE.glob("bench_*.py"))
    for name in names or available:
        module = importlib.import_module(f"bench.bench_{name}")
        results: dict = {
            "benchmark": name,
            "database": connection.vendor,
            "python": platform.python_version(),
            "machine": f"{os.cpu_count()} cores",
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        module.run(results)
        out = HERE / "results" / f"{name}-{connection.vendor}.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
        print(json.dumps(results, ensure_ascii=False, indent=2))
        print(f"-> {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
