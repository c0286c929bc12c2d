"""Small builders for enterprise tests (through the services, like real writes)."""

import csv
import io

import openpyxl

from ducha.core.validators import make_credit_code
from ducha.enterprises import services


def code(n: int, region: str = "990102") -> str:
    return make_credit_code("91", region, f"MC{n:06d}")


def enterprise(*, actor=None, n=1, region="990102", **overrides):
    fields = {"credit_code": code(n, region), "name": f"明州测试机械{n}号有限公司", "region_code": region,
              "industry_section": "C", "industry_division": "34", "scale": "中小微", "credit_grade": "A",
              "risk_level": "蓝", "contact_name": "张伟", "contact_phone": "13905430001"}
    fields.update(overrides)
    return services.enterprise_create(actor=actor, **fields)


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_xlsx(data: bytes) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
