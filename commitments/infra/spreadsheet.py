"""The one rule for a CSV cell, and the one writer of commitment records: the downloads
(/export/) and the API's CSV format both write with them, so both spell booleans `true`/`false`
and join lists with `|`.

Text in the tracker comes from outside articles, and a spreadsheet runs a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula: such text is written with a leading
apostrophe, which spreadsheets show as text. Numbers (also written as text, such as an amount
of "-5.00") are left as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class CellFormat:
    """How booleans and lists are spelled in one kind of CSV file."""

    true: str = "true"
    false: str = "false"
    separator: str = "|"


def defuse(text: str) -> str:
    """`text`, made safe to open in a spreadsheet."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_cell(value: Any, cell_format: CellFormat = CellFormat(), item: Callable[[Any], Any] = lambda v: v) -> str:
    """One cell: empty for None, the format's words for booleans, lists joined by its separator
    (each element first passed through `item`), everything else as text with formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return cell_format.true if value else cell_format.false
    if isinstance(value, list | tuple):
        return cell_format.separator.join(csv_cell(item(element), cell_format, item) for element in value)
    return defuse(str(value))


def list_item(value: Any) -> Any:
    """How an element of a list cell is written: a party's verdict as party=status, an embedded
    object as its slug (or id), anything else as it is."""
    if isinstance(value, dict):
        if "party" in value:
            return f"{value['party']}={value['status']}"
        return value.get("slug", value.get("id"))
    return value


class _Echo:
    """csv.writer wants a file; this one hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"


def csv_lines(records: Iterable[Mapping[str, Any]], columns: Sequence[str], *, bom: bool = False) -> Iterator[str]:
    """The header and one line per record (each cell by csv_cell), as text to stream."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield (BOM if bom else "") + writer.writerow(columns)
    for record in records:
        yield writer.writerow([csv_cell(record[column], item=list_item) for column in columns])
