from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from ducha.core.registry import TICK_HANDLERS


class Command(BaseCommand):
    help = "执行一次定时扫描(期限预警、通知)/ Run the periodic scans once; safe to run repeatedly"

    def handle(self, *args, **opts):
        if not TICK_HANDLERS:
            self.stdout.write("没有需要执行的扫描")
        for dotted in TICK_HANDLERS:
            result = import_string(dotted)()
            self.stdout.write(f"{dotted}: {result}")
