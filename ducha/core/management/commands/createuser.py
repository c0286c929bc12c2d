import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ducha.core import services
from ducha.core.choices import Role
from ducha.core.models import Department, Region


class Command(BaseCommand):
    help = "创建用户 / Create a user.  例:ducha createuser zhang --role supervisor --region 990100"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", default="admin", choices=Role.values, help="角色,默认 admin")
        parser.add_argument("--full-name", default="", help="姓名")
        parser.add_argument("--region", default="", help="所属区划代码")
        parser.add_argument("--department", type=int, help="所属部门编号(部门联络员)")
        parser.add_argument("--enterprise", default="", help="企业统一社会信用代码(企业用户)")
        parser.add_argument("--password", default=os.environ.get("DUCHA_PASSWORD", ""),
                            help="密码(也可用环境变量 DUCHA_PASSWORD;都没有时交互输入)")

    def handle(self, *args, **opts):
        region = None
        if opts["region"]:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(f"区划代码“{opts['region']}”不存在")
        department = None
        if opts["department"]:
            department = Department.objects.filter(pk=opts["department"]).first()
            if department is None:
                raise CommandError(f"部门编号 {opts['department']} 不存在")
            region = department.region
        if region is None and opts["role"] != Role.ENTERPRISE:
            region = Region.objects.filter(parent__isnull=True).order_by("code").first()
            if region is None:
                raise CommandError("还没有任何行政区划,请先 ducha import regions FILE 或 ducha demo")
        password = opts["password"] or getpass.getpass("密码:")
        try:
            user = services.user_create(actor=None, username=opts["username"], full_name=opts["full_name"],
                                        role=opts["role"], region=region, department=department,
                                        enterprise_code=opts["enterprise"], password=password)
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from None
        self.stdout.write(f"已创建用户 {user.username}({user.get_role_display()},{region.name if region else ''})")
