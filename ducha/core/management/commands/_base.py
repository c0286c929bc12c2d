"""Shared bits for the ducha commands: the acting user and progress bars."""

from django.core.management.base import CommandError
from tqdm import tqdm

from ducha.core.choices import Role
from ducha.core.models import User


def acting_user(username: str | None) -> User:
    """The user a command acts as: --user, or the first active administrator."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用")
        return user
    user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("region__path", "pk").first()
    if user is None:
        raise CommandError("没有可用的系统管理员账号,请先运行 ducha createuser 或 ducha demo,或用 --user 指定")
    return user


class ProgressBar:
    """tqdm on stderr, fed by a job or importer progress callback (done, total, message)."""

    def __init__(self, desc: str):
        self.bar = tqdm(desc=desc, unit="行", dynamic_ncols=True, leave=True)

    def __call__(self, done: int, total: int = 0, message: str = "") -> None:
        if total and self.bar.total != total:
            self.bar.total = total
            self.bar.refresh()
        self.bar.n = done
        if message:
            self.bar.set_postfix_str(message, refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()
