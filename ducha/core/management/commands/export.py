from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ducha.core.imports import write_csv, write_xlsx
from ducha.core.management.commands._base import acting_user
from ducha.core.registry import EXPORTERS, exporter_for


class Command(BaseCommand):
    help = "导出为 xlsx 或 csv(按扩展名)/ Export to xlsx or csv (by file extension)"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="导出类型:" + " | ".join(EXPORTERS))
        parser.add_argument("file", help="输出文件,.xlsx 或 .csv")
        parser.add_argument("--user", help="以哪个用户的数据范围导出(默认第一个系统管理员)")

    def handle(self, *args, **opts):
        try:
            export = exporter_for(opts["kind"])
        except KeyError:
            raise CommandError(f"不支持的导出类型“{opts['kind']}”,可选:{'、'.join(EXPORTERS)}") from None
        path = Path(opts["file"])
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("输出文件扩展名应为 .xlsx 或 .csv")
        sheet, headers, rows = export(acting_user(opts["user"]))
        rows = list(rows)
        body = write_xlsx(sheet, headers, rows) if path.suffix.lower() == ".xlsx" else write_csv(headers, rows)
        path.write_bytes(body)
        self.stdout.write(f"已导出 {len(rows)} 行到 {path}")
