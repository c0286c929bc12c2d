import sys
import warnings

from django.core.management.base import BaseCommand, CommandError

from ducha.core import calendar
from ducha.core.dates import DateParseError, parse_iso_date


class Command(BaseCommand):
    help = ("工作日计算 / working days:  add DATE N  打印 DATE 之后第 N 个工作日;"
            "between A B  打印 A 之后至 B(含)的工作日数")

    def add_arguments(self, parser):
        parser.add_argument("op", choices=["add", "between"])
        parser.add_argument("a", help="日期 YYYY-MM-DD")
        parser.add_argument("b", help="add: 工作日数 N;between: 日期 B")

    def handle(self, *args, **opts):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                a = parse_iso_date(opts["a"])
                if opts["op"] == "add":
                    try:
                        n = int(opts["b"])
                    except ValueError:
                        raise CommandError(f"工作日数应为整数,收到“{opts['b']}”") from None
                    out = calendar.add_working_days(a, n).isoformat()
                else:
                    out = str(calendar.working_days_between(a, parse_iso_date(opts["b"])))
            except DateParseError as exc:
                raise CommandError(str(exc)) from None
        for message in sorted({str(w.message) for w in caught}):
            sys.stderr.write(f"警告:{message}\n")
        self.stdout.write(out)
