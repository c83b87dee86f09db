"""The one XLSX writer of the exports (the programme's registry, the register of proposals,
the review dashboard's reviews), so that every export opens the same and is safe to open.

A cell whose text a spreadsheet would run as a formula ("=HYPERLINK(…)" in a title) is stored
as text, exactly as typed; amounts (Decimal) become numbers shown with two decimals; dates
read ДД.ММ.ГГГГ; the header row is bold and stays in view."""

import datetime
import io
from decimal import Decimal


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook of `sheets` (title -> rows, the first row the header)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(str(title)[:31])  # Excel's limit for a sheet's name
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "DD.MM.YYYY"
                elif isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
