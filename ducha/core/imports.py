"""Reading tabular files (xlsx, csv in any Chinese encoding) for all-or-nothing imports.

An import reads the whole file, checks every row, and writes nothing unless every
row is good; otherwise it answers with a row-by-row report (row, column, value,
reason in Chinese) that can also be downloaded as xlsx. Modules define an
``Importer`` (columns, row cleaning, the service that applies the rows); this
module does the reading, checking and reporting for all of them.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.etree import ElementTree

import openpyxl
import python_calamine
from charset_normalizer import from_bytes
from django.conf import settings
from django.core.exceptions import ValidationError

from ducha.core.text import clean_text

ALLOWED_ENCODINGS = ["utf_8", "gb18030", "gbk"]


@dataclass
class Column:
    key: str
    label: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    help: str = ""

    def names(self) -> set[str]:
        return {_norm_header(n) for n in (self.label, *self.aliases)}


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    result: dict = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors

    @property
    def problem_count(self) -> int:
        return len(self.file_errors) + len(self.row_errors)

    def add(self, row: int, column: str, value, reason: str) -> None:
        self.row_errors.append(RowError(row, column, "" if value is None else str(value)[:200], reason))

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "file_errors": self.file_errors,
            "row_errors": [e.__dict__ for e in self.row_errors],
            "result": self.result,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        report = cls(file_errors=list(data.get("file_errors", [])), rows_read=data.get("rows_read", 0),
                     result=data.get("result", {}), dry_run=data.get("dry_run", False))
        report.row_errors = [RowError(**e) for e in data.get("row_errors", [])]
        return report

    def to_xlsx(self) -> bytes:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "错误报告"
        ws.append(["行号", "列", "值", "原因"])
        for message in self.file_errors:
            ws.append(["文件", "", "", message])
        for e in self.row_errors:
            ws.append([e.row, e.column, e.value, e.reason])
        for col, width in zip("ABCD", (8, 18, 30, 60), strict=True):
            ws.column_dimensions[col].width = width
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


class RowInvalid(Exception):
    """Raised by a row cleaner with one or more (column label, value, reason)."""

    def __init__(self, problems: list[tuple[str, object, str]]):
        super().__init__(problems)
        self.problems = problems


def _norm_header(name) -> str:
    text = clean_text(name).replace("*", "").replace("(必填)", "").replace("(必填)", "")
    return re.sub(r"\s+", "", text)


def _plain_cell(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        return clean_text(value, keep_newlines=True)
    return value


class FileProblem(Exception):
    pass


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:2_000_000], cp_isolation=ALLOWED_ENCODINGS).best()
    for encoding in ([best.encoding] if best else []) + ["gb18030"]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise FileProblem("无法识别文件编码,请另存为 UTF-8 或 GBK 编码的 CSV,或使用 xlsx")


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br="([A-Z]+)(\d+)"')


def _first_sheet_path(zf: zipfile.ZipFile) -> str | None:
    """The part holding the workbook's first sheet (workbook order, as the reader sees it)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    sheet = ElementTree.fromstring(zf.read("xl/workbook.xml")).find("m:sheets/m:sheet", ns)
    if sheet is None:
        return None
    rel_id = sheet.get(f"{{{ns['r']}}}id")
    for rel in ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels")).findall("p:Relationship", ns):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _first_formula(data: bytes) -> tuple[str, str] | None:
    """(row, column) of the first formula cell of the first sheet, or None.

    The cell reader gives cached values only, so formulas are found in the sheet's XML,
    streamed in 1 MiB pieces (a 460,000-row sheet unpacks to several hundred MB).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = _first_sheet_path(zf)
        if path is None:
            return None
        with zf.open(path) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                buf = tail + chunk
                match = _FORMULA.search(buf)
                if match:
                    refs = list(_CELL_REF.finditer(buf, 0, match.start()))
                    if refs:
                        return refs[-1].group(2).decode(), refs[-1].group(1).decode()
                    return "?", "?"
                tail = buf[-4096:]
    return None


def _xlsx_rows(data: bytes) -> Iterable[tuple[int, list]]:
    """Rows of the first sheet through calamine (a compiled reader, ~15x openpyxl's speed).

    Rows keep their sheet numbers (a table may start below or right of A1). Empty cells
    come back as None and dates as date/datetime, as openpyxl would give them.
    """
    try:
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        formula = _first_formula(data)
    except python_calamine.PasswordError:
        raise FileProblem("xlsx 文件设置了打开密码,请取消密码后再导入") from None
    except (python_calamine.CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError,
            ElementTree.ParseError):
        raise FileProblem("xlsx 文件已损坏或格式不正确,请用 Excel 打开后另存为 xlsx 再导入") from None
    if formula:
        raise FormulaCell(*formula)
    if sheet.start is None:
        return
    first_row, first_col = sheet.start
    merged = sorted(
        f"{openpyxl.utils.get_column_letter(c0 + 1)}{r0 + 1}:{openpyxl.utils.get_column_letter(c1 + 1)}{r1 + 1}"
        for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or []) if r0 <= first_row <= r1
    )
    if merged:
        raise FileProblem(f"表头含合并单元格({', '.join(merged)}),请取消合并后再导入")
    # calamine's rows count from the sheet's row 1, its columns from the first used one.
    pad = [None] * first_col
    for idx, row in enumerate(sheet.iter_rows(), start=1):
        yield idx, pad + [None if v == "" else v for v in row]


def iter_rows(data: bytes, filename: str) -> Iterable[tuple[int, list]]:
    """(row number, cell values) for every row of the first sheet or of the CSV."""
    name = filename.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith((".xlsx", ".xlsm")) or is_zip:
        if not is_zip:
            raise FileProblem("文件不是有效的 xlsx 文件(可能是改了扩展名的其他文件),请用 Excel 另存为 xlsx")
        yield from _xlsx_rows(data)
        return
    if name.endswith((".xls",)):
        raise FileProblem("不支持旧版 .xls 文件,请用 Excel 另存为 .xlsx 后再导入")
    if not name.endswith((".csv", ".txt")):
        raise FileProblem("只支持 xlsx 和 csv 文件")
    if b"\x00" in data[:4096]:
        raise FileProblem("CSV 文件含有二进制内容,不是有效的文本文件")
    text = _decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise FileProblem(f"CSV 格式错误:{exc}") from None


class FormulaCell(Exception):
    def __init__(self, row, column):
        super().__init__(row, column)
        self.row, self.column = row, column


class Importer:
    """Subclass per importable record type.

    columns:   the file's columns (first row is the header; labels or aliases match)
    key:       column key that identifies a record; duplicates inside a file are errors
    clean_row: turn one raw row dict into cleaned values, raising RowInvalid
    apply:     call the service that writes all cleaned rows (one transaction)
    """

    name = ""
    columns: list[Column] = []
    key: str = ""
    # Keys of the optional columns the file has (set once the header is read), so a
    # cleaner can tell "column left out: keep what is stored" from "cell left empty".
    present: set[str] = set()

    def prepare(self, actor) -> None:
        """Load lookups once before rows are cleaned."""

    def clean_row(self, raw: dict, row: int) -> dict:
        raise NotImplementedError

    def apply(self, actor, rows: list[dict], progress: Callable[[int, int], None] | None = None) -> dict:
        raise NotImplementedError

    def template_xlsx(self) -> bytes:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = self.name or "导入模板"
        ws.append([f"{c.label}{'*' if c.required else ''}" for c in self.columns])
        ws.append([c.help for c in self.columns])
        for idx, _ in enumerate(self.columns):
            ws.column_dimensions[openpyxl.utils.get_column_letter(idx + 1)].width = 20
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


def run_import(importer: Importer, data: bytes, filename: str, *, actor, dry_run: bool = False,
               progress: Callable[[int, int], None] | None = None, size_limit: bool = True) -> ImportReport:
    """Read, check every row, and apply only when all rows are good.

    ``size_limit`` applies DUCHA_MAX_UPLOAD_MB, which guards the web server; a file an
    operator names on the command line (``ducha import``) is read whatever its size.
    """
    report = ImportReport(dry_run=dry_run)
    if not data:
        report.file_errors.append("文件为空")
        return report
    if size_limit and len(data) > settings.DUCHA_MAX_UPLOAD_BYTES:
        report.file_errors.append(
            f"文件过大({len(data) / 1048576:.1f} MB),单个文件不能超过 {settings.DUCHA_MAX_UPLOAD_BYTES // 1048576} MB,请拆分后导入"
        )
        return report
    importer.prepare(actor)
    cleaned: list[dict] = []
    seen: dict[str, int] = {}
    header: dict[int, Column] | None = None
    try:
        for idx, values in iter_rows(data, filename):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue  # blank rows, also above the header
            if header is None:
                header = _map_header(values, importer.columns, report)
                if report.file_errors:
                    return report
                importer.present = {col.key for col in header.values()}
                continue
            raw = {col.key: None for col in importer.columns}
            for pos, col in header.items():
                raw[col.key] = _plain_cell(values[pos]) if pos < len(values) else None
            report.rows_read += 1
            try:
                row = importer.clean_row(raw, idx)
            except RowInvalid as exc:
                for column, value, reason in exc.problems:
                    report.add(idx, column, value, reason)
                continue
            if importer.key:
                key = str(row[importer.key])
                if key in seen:
                    label = next(c.label for c in importer.columns if c.key == importer.key)
                    report.add(idx, label, key, f"与第 {seen[key]} 行重复")
                    continue
                seen[key] = idx
            row["_row"] = idx
            cleaned.append(row)
            if progress and report.rows_read % 5000 == 0:
                progress(report.rows_read, 0)
    except FileProblem as exc:
        report.file_errors.append(str(exc))
        return report
    except FormulaCell as exc:
        report.file_errors.append(
            f"第 {exc.row} 行 {exc.column} 列是公式,请复制后“选择性粘贴为数值”再导入"
        )
        return report
    if header is None:
        report.file_errors.append("文件没有表头行")
        return report
    if report.rows_read == 0:
        report.file_errors.append("文件只有表头,没有数据行")
        return report
    if report.row_errors or dry_run:
        return report
    if progress:
        progress(report.rows_read, report.rows_read, "校验通过,正在写入…")
    try:
        report.result = importer.apply(actor, cleaned, progress=progress)
    except ValidationError as exc:
        report.file_errors.extend(exc.messages)
    return report


def _map_header(values: list, columns: list[Column], report: ImportReport) -> dict[int, Column]:
    mapping: dict[int, Column] = {}
    by_name = {}
    for col in columns:
        for n in col.names():
            by_name[n] = col
    seen_cols: dict[str, int] = {}
    for pos, value in enumerate(values):
        name = _norm_header(value) if value is not None else ""
        if not name:
            continue
        col = by_name.get(name)
        if col is None:
            continue
        if col.key in seen_cols:
            report.file_errors.append(f"表头“{col.label}”出现了两次(第 {seen_cols[col.key] + 1} 列和第 {pos + 1} 列)")
            continue
        seen_cols[col.key] = pos
        mapping[pos] = col
    missing = [c.label for c in columns if c.required and c.key not in seen_cols]
    if missing:
        report.file_errors.append(
            f"缺少必填列:{'、'.join(missing)}。第一行应为表头,可下载导入模板对照"
        )
    return mapping


def write_xlsx(sheet_title: str, headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """A plain xlsx with one header row (write-only mode, so large exports stay small in memory)."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    ws.append(headers)
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
    return value


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
