import time

from django.core.management.base import BaseCommand, CommandError

from ducha.core.management.commands._base import ProgressBar
from ducha.core.models import Job


class Command(BaseCommand):
    help = "查看后台任务 / Show background jobs:  ducha jobs  或  ducha jobs ID --follow"

    def add_arguments(self, parser):
        parser.add_argument("job_id", nargs="?", type=int)
        parser.add_argument("--follow", action="store_true", help="持续显示进度直到结束")

    def handle(self, *args, **opts):
        if not opts["job_id"]:
            for job in Job.objects.all()[:30]:
                self.stdout.write(f"{job.pk:>6}  {job.get_status_display():<4}  {job.percent:>3}%  {job.label}")
            return
        job = Job.objects.filter(pk=opts["job_id"]).first()
        if job is None:
            raise CommandError(f"任务 {opts['job_id']} 不存在")
        bar = ProgressBar(job.label) if opts["follow"] else None
        while True:
            job.refresh_from_db()
            if bar:
                bar(job.done, job.total, job.message)
            if not opts["follow"] or job.is_finished:
                break
            time.sleep(1)
        if bar:
            bar.close()
        self.stdout.write(f"{job.label}:{job.get_status_display()} {job.percent}% {job.error}")
