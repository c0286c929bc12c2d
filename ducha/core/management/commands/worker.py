from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行后台任务进程(数据库队列)/ Run the background task worker"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")

    def handle(self, *args, **opts):
        extra = ["--batch"] if opts["batch"] else []
        call_command("db_worker", "--interval", "1", *extra)
