import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网页服务(waitress),并在旁边启动后台任务进程 / Serve the web app with a background worker"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="监听地址,默认 127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="端口,默认 8000 或 PORT")
        parser.add_argument("--threads", type=int, default=8, help="处理线程数")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, **opts):
        from waitress import serve

        # Collect before the WSGI app (and WhiteNoise) is built, so it finds var/static.
        call_command("collectstatic", "--noinput", verbosity=0)
        from ducha.wsgi import application

        worker = None
        if not opts["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "ducha.cli", "worker"], env=os.environ.copy())
        db = settings.DATABASES["default"]
        self.stdout.write(f"督查平台已启动:http://{opts['host']}:{opts['port']}/  数据库:{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
        try:
            serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"], ident="ducha")
        finally:
            if worker:
                worker.terminate()
