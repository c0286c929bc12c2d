"""The ``ducha`` command: a thin front over Django's management commands with its own help."""

import os
import sys

COMMANDS = {
    "serve": "启动网页服务(waitress,默认 127.0.0.1:8000,PORT 可改),同时启动后台任务进程",
    "migrate": "创建/升级数据库表结构",
    "demo": "生成演示数据(固定随机种子);--if-empty 仅在空库时生成",
    "import": "导入文件:ducha import regions|holidays|… FILE [--dry-run]",
    "export": "导出文件:ducha export regions|holidays|departments|users|… FILE",
    "audit": "审计链:ducha audit verify",
    "workdays": "工作日计算:ducha workdays add DATE N / between A B",
    "createuser": "创建用户:ducha createuser USERNAME --role admin --region 990000",
    "token": "接口令牌:ducha token create USERNAME NAME",
    "worker": "运行后台任务进程(导入、重建索引等)",
    "tick": "执行一次定时扫描(期限预警、通知),供 cron/systemd 调用",
    "jobs": "查看后台任务:ducha jobs [ID]",
}

HELP = """用法: ducha <命令> [参数]   (每个命令都支持 --help)

命令:
{commands}

环境变量: DATABASE_URL(默认 SQLite var/ducha.sqlite3)、PORT、SECRET_KEY、DEBUG、DUCHA_DEMO
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ducha.settings")
    if len(argv) < 2 or argv[1] in ("-h", "--help", "help"):
        width = max(len(c) for c in COMMANDS)
        print(HELP.format(commands="\n".join(f"  {c.ljust(width)}  {h}" for c, h in COMMANDS.items())))
        return
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from ducha.core.choices import AuditSource
    from ducha.core.context import set_source

    set_source(AuditSource.CLI, " ".join(argv[1:])[:200])
    execute_from_command_line(["ducha", *argv[1:]])


if __name__ == "__main__":
    main()
