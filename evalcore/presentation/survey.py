"""`evalcore survey`: what a questionnaire export holds, per question, as a record and as lines.

A reviewer handed a 问卷星 export wants the same numbers the score used before any project file
names it: valid responses, the answers counted, what was removed, the rate and its interval. The
reading and the interval are the package's (`inputs.survey`, `rules.survey`); this only lays them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..inputs.survey import Question, SurveyError, find_question, read_survey
from ..rules.survey import MIN_RESPONSES, basis_text


def question_record(q: Question) -> dict[str, Any]:
    """One question as JSON: counts per answer, blanks, unknown words; the rate and its interval
    (ratios, unrounded) when the question is usable."""
    out: dict[str, Any] = {
        "title": q.title,
        "valid": q.valid,
        "counts": dict(q.counts),
        "blanks": q.blanks,
        "unknown": dict(q.unknown),
        "usable": q.usable,
        "satisfied": q.satisfied,
        "rate": None,
        "interval": None,
        "problem": q.problem() or None,
    }
    if q.usable:
        low, high = q.interval()
        out.update(rate=q.rate, interval=[low, high])
    return out


def survey_record(path: Path, question: str | None = None) -> dict[str, Any]:
    """One export as JSON (`error` set, and no questions, when it cannot be read or `question`
    matches none of its titles)."""
    record: dict[str, Any] = {"file": str(path), "error": None, "questions": []}
    try:
        survey = read_survey(path)
    except SurveyError as exc:
        record["error"] = str(exc)
        return record
    record.update(
        encoding=survey.encoding,
        respondents=survey.respondents,
        duplicates=survey.duplicates,
        duplicates_checked=survey.checked_duplicates,
        blank_submissions=survey.blank_rows,
        other_columns=survey.other_titles,
    )
    questions = survey.questions
    if question:
        try:
            questions = [find_question(survey, "", question)]
        except SurveyError as exc:
            record["error"] = str(exc)
            return record
    elif not questions:
        seen = "、".join(f"「{t}」" for t in survey.other_titles) or "无"
        record["error"] = f"问卷「{path}」中没有满意度题目（看到的列：{seen}）"
    record["questions"] = [question_record(q) for q in questions]
    return record


def survey_ok(record: dict[str, Any]) -> bool:
    """Whether every question of the record gives a rate (exit 0)."""
    return record["error"] is None and all(q["usable"] for q in record["questions"])


def survey_lines(record: dict[str, Any]) -> list[str]:
    """The record as the terminal prints it, in Chinese."""
    if record["error"] and not record["questions"]:
        return [f"问卷：{record['file']}", f"  错误：{record['error']}"]
    removed = [f"答卷 {record['respondents']} 份"]
    if record["duplicates"]:
        removed.append(f"剔除重复提交 {record['duplicates']} 份")
    elif not record["duplicates_checked"]:
        removed.append("无 IP、用户ID 等答题人字段，未查重")
    if record["blank_submissions"]:
        removed.append(f"空白答卷 {record['blank_submissions']} 份")
    encoding = f"编码 {record['encoding']}；" if record["encoding"] else ""
    lines = [f"问卷：{record['file']}（{encoding}{'，'.join(removed)}）"]
    for q in record["questions"]:
        counts = " · ".join(f"{level} {n}" for level, n in q["counts"].items())
        blanks = f"；未作答 {q['blanks']} 份" if q["blanks"] else ""
        if q["usable"]:
            low, high = q["interval"]
            lines.append(f"  题目「{q['title']}」：{basis_text(q['valid'], q['rate'], low, high)}")
            if q["valid"] < MIN_RESPONSES:
                lines.append(f"    注意：有效问卷不足 {MIN_RESPONSES} 份，满意率不足以作为佐证")
        else:
            lines.append(f"  题目「{q['title']}」：{q['problem']}，不予采用")
        lines.append(f"    {counts}{blanks}")
    if record["error"]:
        lines.append(f"  错误：{record['error']}")
    return lines


__all__ = ["question_record", "survey_lines", "survey_ok", "survey_record"]
