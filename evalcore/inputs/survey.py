"""Questionnaire exports (问卷星, 腾讯问卷 …) → per question the valid responses, the satisfaction
rate and its 95% Wilson interval; and the question behind a 满意度 row.

A department's 满意度 figure is usually typed onto the form from a survey tool's export. Reading the
export itself turns a claim into evidence: how many people answered, how many said 满意, how sure
the rate is. Exports are one row per respondent: metadata columns (序号, 提交答卷时间, 所用时间, 来源,
来自IP …) and one column per question headed by its title (`1.`, `Q1.`, `1、` prefixes common).

Decisions, so a reviewer can check them:
- a question column is one whose non-blank answers are mostly satisfaction words or 1–5 scores
  (`vocabulary.SURVEY_WORDS`, `SURVEY_SCORES`); other columns are metadata or free text;
- a question holding any answer outside the vocabulary is not used: its unknown words are listed
  with their counts (a 满意率 over answers we could not read would be a guess);
- a duplicate submission is a row equal to an earlier one in every column but 序号 and the
  times, counted only when the export carries a respondent column (IP, 用户ID, 昵称): without one,
  equal answers are just people who agree, and nothing is removed;
- a respondent who left a question blank is no valid response to it, and is counted.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..model import SurveyBasis
from ..vocabulary import SURVEY_LEVELS, SURVEY_META_COLUMNS, SURVEY_SCORES, SURVEY_UNANSWERED, SURVEY_WORDS
from .cells import CellProblem
from .encoding import decode_bytes

SATISFIED = frozenset(SURVEY_LEVELS[:2])
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
#: Metadata columns that differ between two submissions of the same person (ignored for duplicates).
_VOLATILE = frozenset(
    ("序号", "编号", "提交答卷时间", "提交时间", "开始时间", "结束时间", "所用时间", "答题时长", "答卷id")
)
#: Metadata columns that name the respondent: duplicates are looked for only when one is present.
_RESPONDENT = frozenset(("来自ip", "ip", "ip地址", "用户id", "昵称"))
_META = frozenset(c.lower() for c in SURVEY_META_COLUMNS)
_PREFIX = re.compile(r"^\s*(?:第\s*)?[QqＱ]?\s*\d+\s*(?:题)?\s*[.．、:：)）\]]?\s*")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_PUNCT = re.compile(r"[\s\W_]+")


class SurveyError(Exception):
    """A questionnaire that cannot be used, said in Chinese (the reader wraps it with the row)."""


@dataclass(slots=True)
class Question:
    """One question of an export: its answers counted after duplicates are removed."""

    title: str
    counts: dict[str, int]  # level (SURVEY_LEVELS) → responses
    blanks: int  # respondents who left it blank
    unknown: dict[str, int] = field(default_factory=dict)  # answers outside the vocabulary → count

    @property
    def valid(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(n for level, n in self.counts.items() if level in SATISFIED)

    @property
    def usable(self) -> bool:
        return not self.unknown and self.valid > 0

    @property
    def rate(self) -> float:
        return self.satisfied / self.valid

    def interval(self) -> tuple[float, float]:
        """The rate's 95% Wilson interval (the rule's: rules.survey.wilson)."""
        from ..rules.survey import wilson  # imported when asked: reading a file needs no rulebook

        return wilson(self.satisfied, self.valid)

    def problem(self) -> str:
        """Why the question cannot give a rate ("" when it can)."""
        if self.unknown:
            words = "、".join(f"「{w}」{n} 份" for w, n in sorted(self.unknown.items(), key=lambda x: -x[1]))
            return f"题目「{self.title}」有无法识别的答案：{words}（可识别：{'、'.join(SURVEY_LEVELS)}，或 1–5 分）"
        if not self.valid:
            return f"题目「{self.title}」没有有效答卷"
        return ""


@dataclass(slots=True)
class Survey:
    """One export: its questions, the other column titles it carries, what was removed."""

    path: str
    encoding: str | None
    respondents: int  # data rows read (blank rows skipped)
    duplicates: int  # duplicate submissions removed
    blank_rows: int  # submissions that answered no question at all
    checked_duplicates: bool  # whether the export had a respondent column to find duplicates by
    questions: list[Question]
    other_titles: list[str]  # columns that are neither metadata nor questions

    def basis(self, q: Question, named: str, form_actual: bool) -> SurveyBasis:
        """The row's record of question `q` (the file named by the row as `named`)."""
        return SurveyBasis(named, q.title, q.valid, q.satisfied, self.duplicates, q.blanks, form_actual)


def normalise_title(text: str) -> str:
    """A question title as matched: NFKC, the `1.` / `Q1.` / `1、` prefix dropped, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    return _PUNCT.sub("", _PREFIX.sub("", text, count=1)).lower()


def _answer(value: object) -> str:
    """A cell as an answer word: NFKC, no spaces; whole numbers as `5` (an xlsx gives 5.0); the
    markers tools print for an unanswered question (问卷星 `(空)`, `(跳过)`) as blank."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    return "" if text in SURVEY_UNANSWERED else text


def _level(answer: str) -> str | None:
    return SURVEY_WORDS.get(answer) or SURVEY_SCORES.get(answer)


def _grid(path: Path) -> tuple[list[list[object]], str | None]:
    """The export's rows (header first) and the CSV's encoding."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SurveyError(f"不支持的问卷文件类型「{path.suffix}」，应为 CSV 或 .xlsx 导出")
    from openpyxl.utils.exceptions import InvalidFileException  # here: most projects name no survey

    try:
        if suffix in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
            finally:
                wb.close()
            return rows, None
        text, encoding = decode_bytes(path.read_bytes())
    except FileNotFoundError:
        raise SurveyError(f"找不到问卷文件「{path}」") from None
    except UnicodeDecodeError:
        raise SurveyError(f"问卷文件「{path}」的编码无法识别，应为 UTF-8 或 GBK") from None
    except (
        OSError,
        ValueError,
        KeyError,
        zipfile.BadZipFile,
        InvalidFileException,
    ) as exc:  # a broken file, a directory
        raise SurveyError(f"无法读取问卷文件「{path}」（{type(exc).__name__}）") from None
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0] else "excel"
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)], encoding


def read_survey(path: Path) -> Survey:
    """Read one export (SurveyError in Chinese when it cannot be read at all). Cached by path, size
    and modification time: two rows naming the same file read it once."""
    try:
        stat = path.stat()
    except OSError:
        raise SurveyError(f"找不到问卷文件「{path}」") from None
    return _read_cached(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _read_cached(path: str, size: int, mtime: int) -> Survey:
    rows, encoding = _grid(Path(path))
    rows = [[_answer(v) for v in r] for r in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        raise SurveyError(f"问卷文件「{path}」是空的")
    header, data = rows[0], rows[1:]
    width = len(header)
    data = [(r + [""] * width)[:width] for r in data]
    kinds = [_kind(h, [r[i] for r in data]) for i, h in enumerate(header)]
    questions = [i for i, k in enumerate(kinds) if k == "question"]
    respondent = any(_meta_key(header[i]) in _RESPONDENT for i in range(width))
    kept_columns = [i for i in range(width) if _meta_key(header[i]) not in _VOLATILE]
    seen: set[tuple[str, ...]] = set()
    duplicates = blank_rows = 0
    kept = []
    for r in data:
        if not any(r[i] for i in questions):
            blank_rows += 1
            continue
        if respondent:
            key = tuple(r[i] for i in kept_columns)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
        kept.append(r)
    out = []
    for i in questions:
        counts: Counter[str] = Counter()
        unknown: Counter[str] = Counter()
        blanks = 0
        for r in kept:
            a = r[i]
            if not a:
                blanks += 1
            elif (level := _level(a)) is not None:
                counts[level] += 1
            else:
                unknown[a] += 1
        ordered = {level: counts[level] for level in SURVEY_LEVELS}
        out.append(Question(header[i], ordered, blanks + blank_rows, dict(unknown)))
    others = [header[i] for i, k in enumerate(kinds) if k == "other" and header[i]]
    return Survey(path, encoding, len(data), duplicates, blank_rows, respondent, out, others)


def _meta_key(title: str) -> str:
    return _PUNCT.sub("", title).lower()


def _kind(title: str, answers: list[str]) -> str:
    """`meta`, `question` (most non-blank answers are satisfaction words or 1–5 scores) or `other`."""
    if _meta_key(title) in _META:
        return "meta"
    given = [a for a in answers if a]
    known = sum(1 for a in given if _level(a) is not None)
    return "question" if given and known * 2 > len(given) else "other"


def match_question(survey: Survey, name: str, wanted: str | None) -> Question:
    """The usable question behind an indicator (`find_question`); SurveyError also when it cannot
    give a rate (unknown answers: each word with its count)."""
    q = find_question(survey, name, wanted)
    if not q.usable:
        raise SurveyError(f"问卷「{survey.path}」{q.problem()}，不予采用")
    return q


def find_question(survey: Survey, name: str, wanted: str | None) -> Question:
    """The question behind an indicator: the one `wanted` names (prefix numbers ignored; exact title,
    else the one title containing it), or the one whose title contains the indicator's name or its
    key words (the name without brackets and without 满意度/满意率). Kept simple on purpose: a
    title that does not say what the indicator says needs 问卷题目. SurveyError says which titles it
    saw when none or several match."""
    if not survey.questions:
        seen = "、".join(f"「{t}」" for t in survey.other_titles) or "无"
        raise SurveyError(f"问卷「{survey.path}」中没有满意度题目（看到的列：{seen}）")
    titles = [(q, normalise_title(q.title)) for q in survey.questions]
    if wanted:
        w = normalise_title(wanted)
        found = [q for q, t in titles if t == w] or [q for q, t in titles if w and w in t]
        what = f"问卷题目「{wanted}」"
    else:
        main = normalise_title(_BRACKETS.sub("", name))
        key = re.sub(r"(满意度|满意率|满意程度|满意情况)$", "", main)
        found = [q for q, t in titles if main and main in t] or [q for q, t in titles if key and key in t]
        what = f"指标名称「{name}」"
    if len(found) != 1:
        listed = "、".join(f"「{q.title}」" for q in (found or survey.questions))
        if found:
            raise SurveyError(f"问卷「{survey.path}」有多道题目符合{what}：{listed}；请在「问卷题目」写明")
        raise SurveyError(f"问卷「{survey.path}」没有与{what}相符的题目；看到的题目：{listed}")
    return found[0]


def survey_basis(project_file: str, named: str, question: str, name: str, form_actual: bool) -> SurveyBasis:
    """The questionnaire a row names, read and matched (CellProblem at 问卷文件 or 问卷题目 when it
    cannot be used). The path is relative to the file the row was read from (a YAML file, a
    workbook, a portfolio's indicators table: its folder)."""
    path = Path(named)
    if not path.is_absolute():
        path = Path(project_file).parent / path
    try:
        survey = read_survey(path)
    except SurveyError as exc:
        raise CellProblem(
            "survey", str(exc), "问卷星、腾讯问卷等导出的 CSV 或 .xlsx 文件，路径相对项目文件"
        ) from None
    try:
        q = match_question(survey, name, question or None)
    except SurveyError as exc:
        key = "survey_question" if question else "survey"
        raise CellProblem(key, str(exc), "问卷中的一道满意度题目（可在「问卷题目」写明题目）") from None
    return survey.basis(q, named, form_actual)


def survey_actual(basis: SurveyBasis) -> str:
    """The 实际完成值 a blank cell takes from the questionnaire: the rate in percent, one decimal, as
    the report prints it (54 of 60 → `90.0%`)."""
    return f"{basis.rate * 100:.1f}%"
