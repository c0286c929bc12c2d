from django.core.management.base import BaseCommand

from ducha.core.jobs import job_create, job_enqueue, job_run
from ducha.core.management.commands._base import ProgressBar, acting_user


class Command(BaseCommand):
    help = "重建市场主体库和政策库的中文检索索引 / Rebuild the Chinese search index"

    def add_arguments(self, parser):
        parser.add_argument("target", nargs="?", default="all", choices=["all", "enterprises", "policies"])
        parser.add_argument("--background", action="store_true", help="交给后台任务进程(ducha worker)执行")
        parser.add_argument("--user", help="以哪个用户的身份执行(默认第一个系统管理员)")

    def handle(self, *args, **opts):
        actor = acting_user(opts["user"])
        job = job_create(actor=actor, kind="reindex", label=f"重建检索索引({opts['target']})",
                         params={"target": opts["target"]})
        if opts["background"]:
            job_enqueue(job)
            self.stdout.write(f"已提交后台任务 #{job.pk},可用 ducha jobs {job.pk} 查看进度")
            return
        bar = ProgressBar("重建检索索引")
        try:
            job = job_run(job.pk, echo=bar)
        finally:
            bar.close()
        if job.error:
            self.stderr.write(f"失败:{job.error}")
            raise SystemExit(1)
        self.stdout.write(f"完成:{job.result}")
