"""Run the whole suite: SQLite, then a throwaway PostgreSQL cluster, then the browser flows.

With CI=true a missing PostgreSQL or Chromium fails the run; elsewhere that pass is
skipped and the summary says so plainly. Extra arguments go to every pytest call
(e.g. ``-k audit``).
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("DUCHA_CHROMIUM", "/usr/bin/chromium")


def pg_bindir() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for path in candidates:
        if os.path.exists(os.path.join(path, "initdb")) and os.path.exists(os.path.join(path, "pg_ctl")):
            return path
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


class Cluster:
    """initdb + pg_ctl on a temporary socket directory, run as the postgres user when root."""

    def __init__(self, bindir: str):
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="ducha-pg-"))
        self.data = self.base / "data"
        self.sock = self.base / "sock"
        self.sock.mkdir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.base)], check=True)
            os.chmod(self.base, 0o755)

    def _run(self, *args, **kw):
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)

    def start(self) -> str:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        opts = f"-k {self.sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-w", "-l", str(self.base / "log"), "start")
        self._run("createdb", "-h", str(self.sock), "-U", "postgres", "ducha")
        return f"postgres://postgres@/ducha?host={self.sock}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.base, ignore_errors=True)


def pytest(label: str, args: list[str], env: dict) -> dict:
    junit = Path(tempfile.mkstemp(prefix="ducha-junit-", suffix=".xml")[1])
    cmd = [sys.executable, "-m", "pytest", f"--junitxml={junit}", "-o", "junit_family=xunit2", *args]
    print(f"\n==== {label}: {' '.join(cmd[3:])}", flush=True)
    started = time.time()
    rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    counts = {"passed": 0, "failed": 0, "skipped": 0, "rc": rc, "seconds": round(time.time() - started)}
    try:
        for suite in ET.parse(junit).getroot().iter("testsuite"):
            tests = int(suite.get("tests", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", 0))
            counts["failed"] += failed
            counts["skipped"] += skipped
            counts["passed"] += tests - failed - skipped
    except (ET.ParseError, FileNotFoundError):
        counts["failed"] += 1
    junit.unlink(missing_ok=True)
    if rc not in (0, 5) and counts["failed"] == 0:
        counts["failed"] = 1  # collection errors and crashes count as failures
    return counts


def main() -> int:
    extra = sys.argv[1:]
    base_env = dict(os.environ, DUCHA_TESTING="1", PYTHONHASHSEED="0")
    results: list[tuple[str, dict]] = []
    notes: list[str] = []

    results.append(("SQLite", pytest("SQLite", ["-m", "not browser", *extra], base_env)))

    bindir = pg_bindir()
    if bindir is None:
        if CI:
            notes.append("PostgreSQL 服务器程序未找到(CI 下不允许跳过)")
            results.append(("PostgreSQL", {"passed": 0, "failed": 1, "skipped": 0, "rc": 1}))
        else:
            notes.append("已跳过 PostgreSQL 测试:未找到 initdb/pg_ctl")
    else:
        cluster = Cluster(bindir)
        try:
            url = cluster.start()
            env = dict(base_env, DATABASE_URL=url)
            results.append(("PostgreSQL", pytest(f"PostgreSQL ({bindir})", ["-m", "not browser", *extra], env)))
        except subprocess.CalledProcessError as exc:
            notes.append(f"PostgreSQL 集群启动失败:{exc.stdout}")
            results.append(("PostgreSQL", {"passed": 0, "failed": 1, "skipped": 0, "rc": 1}))
        finally:
            cluster.stop()

    if not os.path.exists(CHROMIUM):
        if CI:
            notes.append(f"Chromium 未找到:{CHROMIUM}(CI 下不允许跳过)")
            results.append(("Browser", {"passed": 0, "failed": 1, "skipped": 0, "rc": 1}))
        else:
            notes.append(f"已跳过浏览器测试:未找到 {CHROMIUM}")
    else:
        results.append(("Browser", pytest("Browser (Playwright + Chromium, SQLite)", ["-m", "browser", *extra], base_env)))

    print("\n==== 汇总 Summary")
    for label, c in results:
        print(f"  {label:<11} {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped ({c.get('seconds', 0)}s)")
    for note in notes:
        print(f"  注意:{note}")
    total = {k: sum(c[k] for _, c in results) for k in ("passed", "failed", "skipped")}
    ok = total["failed"] == 0 and total["passed"] > 0
    print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
