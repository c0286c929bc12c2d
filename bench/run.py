"""Run the benchmarks: ``make bench`` (or ``python bench/run.py [--postgres] [name ...]``).

Each ``bench/bench_<name>.py`` has ``run(results)``; results go to
``bench/results/<name>-<database>.json`` and are printed. Benchmarks use their own
database, never ``var/``: SQLite in a temporary directory, or with ``--postgres`` a
throwaway PostgreSQL cluster (the same one the test suite starts), or DATABASE_URL.
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
    args = sys.argv[1:]
    if "--postgres" in args:
        args.remove("--postgres")
        sys.path.insert(0, str(HERE.parent / "scripts"))
        from runtests import Cluster, pg_bindir

        bindir = pg_bindir()
        if bindir is None:
            sys.exit("PostgreSQL server binaries not found (initdb/pg_ctl)")
        cluster = Cluster(bindir)
        try:
            os.environ["DATABASE_URL"] = cluster.start()
            main(args)
        finally:
            cluster.stop()
    else:
        main(args)
