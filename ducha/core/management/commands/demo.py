import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.module_loading import import_string

from ducha.core.demo import build_core
from ducha.core.models import Region
from ducha.core.registry import DEMO_STEPS


class Command(BaseCommand):
    help = "生成演示数据(固定随机种子,可重复)/ Build deterministic demo data"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子,默认 2026")
        parser.add_argument("--scale", choices=["demo", "province"], default="demo",
                            help="demo:演示规模;province:全省规模(用于性能测试)")

    def handle(self, *args, **opts):
        if Region.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("数据库已有数据,跳过演示数据生成")
                return
            if opts["scale"] == "demo":
                self.stderr.write("数据库已有数据;演示数据只能在空库中生成(可删除 var/ducha.sqlite3 后重试)")
                return
        rng = random.Random(opts["seed"])
        with transaction.atomic():
            if not Region.objects.exists():
                build_core(rng, echo=self.stdout.write)
            for _, dotted in DEMO_STEPS:
                import_string(dotted)(rng=rng, scale=opts["scale"], echo=self.stdout.write)
        if opts["scale"] == "province":
            # Fresh planner statistics after loading hundreds of thousands of rows.
            # (VACUUM, which PostgreSQL refuses inside a transaction, only outside one.)
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
            self.stdout.write("已更新数据库统计信息(ANALYZE)")
        self.stdout.write("演示数据已生成")
