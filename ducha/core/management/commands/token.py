from django.core.management.base import BaseCommand, CommandError

from ducha.core import services
from ducha.core.models import User


class Command(BaseCommand):
    help = "接口令牌 / API tokens:  create USERNAME NAME  生成令牌并打印(只显示一次)"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("name", nargs="?", default="命令行生成")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{opts['username']}”不存在或已停用")
        _, key = services.api_token_create(actor=user, name=opts["name"])
        self.stdout.write(key)
