import sys

from django.core.management.base import BaseCommand, CommandError

from ducha.core.audit import audit_verify


class Command(BaseCommand):
    help = "审计链操作:verify 逐条校验哈希链 / Audit trail: verify the hash chain"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="verify:校验审计链是否完整")

    def handle(self, *args, **opts):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"审计链完整:{result.count} 条记录 (audit chain intact: {result.count} entries)")
            return
        self.stderr.write(f"审计链被破坏:第 {result.broken_seq} 条(id={result.broken_id}):{result.reason}")
        self.stderr.write(f"audit chain broken at entry seq={result.broken_seq}")
        sys.exit(1)
        raise CommandError("unreachable")
