"""One rule for putting input text into a spreadsheet or CSV cell without it becoming a formula.

Excel, LibreOffice and Google Sheets take a cell that begins with `=`, `+`, `-` or `@` for a formula
(a tab or carriage return first can hide such a prefix, so they count too, as OWASP lists them).
A project named `=HYPERLINK("http://x","y")` would be a live link in `summary.csv`, and a 年度指标值
`-2+3` would show as `1`. Every string the product writes to a workbook or CSV goes through
`safe_cell`, so the rule lives in one place.

**The form chosen: a leading apostrophe `'`.** Such text is written as `'` + text: `=8个` becomes
`'=8个`. Why this and not the alternatives:

- It is what a person types in Excel to say "this is text", so every analyst reads `'=8个` as the
  text `=8个`, and it is the neutralisation OWASP recommends for CSV.
- It survives every later step. CSV has no types, so only the text itself can carry the protection;
  and in a workbook a string-typed cell alone (or Excel's invisible `quotePrefix` style) is lost as
  soon as someone saves the sheet as CSV, pastes it as text, or re-enters the cell. The apostrophe
  is part of the value, so whatever the reader does next, the cell stays text (re-entering `'=8个`
  in Excel gives the text `=8个`).
- One form for workbook and CSV: what the summary sheet shows is what summary.csv holds.
- A tab or a space prefix is invisible (a reader cannot tell the value was changed) and some
  programs strip leading whitespace on import, after which the formula is back; a look-alike
  character (U+2019, U+FF1D) changes the text silently and breaks searching for it.

The cost is a visible `'` on text that legitimately starts so, most often targets like `=8个`:
acceptable on a review document, and undone exactly by `restore_cell` for a program reading the
value back. A string that already starts with apostrophes before a trigger gets one more, so
`restore_cell(safe_cell(s)) == s` for every string.

Numbers, dates and booleans are values, not text: they are returned unchanged (a negative number
is a number in every program). Workbook writers must in addition store strings with data type `s`
(`put`), since openpyxl itself would turn any `=…` string assigned to a cell into a formula.
"""

from __future__ import annotations

import re

#: Characters that make a spreadsheet read a cell as a formula when they come first.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
#: Control characters XML (so .xlsx) cannot hold; the same set as openpyxl's ILLEGAL_CHARACTERS_RE.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def safe_cell(value: object) -> object:
    """The value as it may go into a spreadsheet or CSV cell: text that a spreadsheet would read as
    a formula gets a leading `'`; everything else (other text, numbers, None) is returned as is."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore_cell(value: object) -> object:
    """The inverse of `safe_cell`, for reading back what this product wrote."""
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def put(ws, row: int, column: int, value: object, number_format: str | None = None):  # type: ignore[no-untyped-def]
    """Write one value into a worksheet cell through `safe_cell`; strings are always stored as
    strings (data type `s`), never as formulas. Returns the cell."""
    value = safe_cell(value)
    if isinstance(value, float) and value != value:  # NaN: no such value
        value = None
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format is not None:
        cell.number_format = number_format
    return cell
