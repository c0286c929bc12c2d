import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ducha.core.imports import run_import
from ducha.core.management.commands._base import ProgressBar, acting_user
from ducha.core.registry import IMPORTERS, importer_for


class Command(BaseCommand):
    help = "导入文件(xlsx/csv,整体导入,有错不写入)/ Import a file, all-or-nothing"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="导入类型:" + " | ".join(IMPORTERS))
        parser.add_argument("file", help="xlsx 或 csv 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只校验,不写入")
        parser.add_argument("--user", help="以哪个用户的身份导入(默认第一个系统管理员)")
        parser.add_argument("--report", help="有错误时把逐行报告写入该 xlsx 文件")

    def handle(self, *args, **opts):
        try:
            importer = importer_for(opts["kind"])()
        except KeyError:
            raise CommandError(f"不支持的导入类型“{opts['kind']}”,可选:{'、'.join(IMPORTERS)}") from None
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        actor = acting_user(opts["user"])
        bar = ProgressBar(f"导入{importer.name}")
        try:
            report = run_import(importer, path.read_bytes(), path.name, actor=actor, dry_run=opts["dry_run"],
                                progress=bar, size_limit=False)
        finally:
            bar.close()
        if report.ok:
            if opts["dry_run"]:
                self.stdout.write(f"校验通过:共 {report.rows_read} 行(未写入)")
            else:
                r = report.result
                self.stdout.write(f"导入成功:共 {report.rows_read} 行,新增 {r.get('created', 0)},更新 {r.get('updated', 0)}")
            return
        self.stderr.write(f"导入未执行,未写入任何数据。发现 {report.problem_count} 处问题:")
        for message in report.file_errors:
            self.stderr.write(f"  文件:{message}")
        for e in report.row_errors[:200]:
            self.stderr.write(f"  第 {e.row} 行 [{e.column}] “{e.value}”:{e.reason}")
        if len(report.row_errors) > 200:
            self.stderr.write(f"  ……另有 {len(report.row_errors) - 200} 处,完整报告请用 --report 导出")
        if opts["report"]:
            Path(opts["report"]).write_bytes(report.to_xlsx())
            self.stderr.write(f"错误报告已写入 {opts['report']}")
        sys.exit(1)
