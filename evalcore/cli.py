"""The `evalcore` command line. It gathers arguments and calls the package; it holds no rules.

Exit codes (SPEC): 0 all good · 1 some input invalid or some project failed (the rest still
done) · 2 usage error. No traceback reaches the user unless EVALCORE_DEBUG is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import EvalcoreError, PluginError, SchemeError, SettingError

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _print_errors(errors: list) -> None:
    for e in errors:
        click.echo(f"错误：{e}", err=True)


def _print_skipped(skipped: list) -> None:
    """Files under a data folder that were not read: a notice each (they do not change the exit code)."""
    for n in skipped:
        click.echo(f"提示：{n}", err=True)


def _scheme_option(value: str | None):
    if not value:
        return None
    from .schemes import get_scheme

    try:
        return get_scheme(value)
    except SchemeError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_USAGE)


def _check_start_method() -> None:
    """EVALCORE_START_METHOD is checked before any work, like an option: a bad value is a usage
    error (exit 2) whether or not this run ends up starting a pool."""
    from .pipeline.processes import chosen_start_method

    try:
        chosen_start_method()
    except SettingError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_USAGE)


def _single_threaded_blas() -> None:
    """Scoring does no linear algebra, but numpy's OpenBLAS starts a thread per core when numpy is
    imported, and they spin for a while: on 2 cores that took ~0.1 s of CPU from the CSV parse
    running beside the imports. Only before numpy is imported, and a user's own setting wins."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="evalcore")
def cli() -> None:
    """绩效评价工作台：项目支出绩效评价的评分、复核与报告。"""


#: `report` and `batch` write the 绩效评价报告 in the same formats (pipeline/outputs.py FORMATS).
FORMAT_OPTION = click.option(
    "--format",
    "formats",
    type=click.Choice(["html", "docx", "pdf"]),
    multiple=True,
    help="绩效评价报告的格式（可多次给出）：html（总是生成）、docx（Word）、pdf",
)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--scheme", "scheme_spec", help="评分方案 id（self-2020、dept-2020）或方案 YAML 文件")
def validate(paths: tuple[Path, ...], scheme_spec: str | None) -> None:
    """只检查输入：逐条列出问题。"""
    from .evaluation import evaluate_paths

    run = evaluate_paths(paths, _scheme_option(scheme_spec))
    _print_skipped(run.skipped)
    _print_errors(run.errors)
    n_ok = len(run.evaluations)
    not_read = f"，{len(run.skipped)} 个文件未读取" if run.skipped else ""
    click.echo(f"检查完成：{n_ok} 个项目可用，{len(run.errors)} 处问题{not_read}。")
    sys.exit(EXIT_INPUT if run.errors else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档 {projects, errors}")
@click.option("--scheme", "scheme_spec", help="评分方案 id（self-2020、dept-2020）或方案 YAML 文件")
@click.option("--detail/--summary", default=None, help="逐项明细（单个项目时默认）或汇总表")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="大型台账并行进程数（默认每核一个）"
)
def score(
    paths: tuple[Path, ...], as_json: bool, scheme_spec: str | None, detail: bool | None, workers: int | None
) -> None:
    """评分并复核。"""
    _single_threaded_blas()
    _check_start_method()
    if as_json:
        from .inputs.table_files import arrow_without_pandas, prefetch

        arrow_without_pandas()
        prefetch(paths)  # tables are parsed while the rules import
    scheme = _scheme_option(scheme_spec)
    if as_json:
        from .pipeline.score_stream import write_scored_json

        errors = write_scored_json(paths, sys.stdout.buffer, scheme, workers)
        sys.stdout.flush()
        sys.exit(EXIT_INPUT if errors else EXIT_OK)
    from rich.console import Console

    from .evaluation import evaluate_paths
    from .presentation.terminal import print_detail, print_summary

    run = evaluate_paths(paths, scheme)
    console = Console(soft_wrap=False)
    if detail or (detail is None and len(run.evaluations) == 1):
        for ev in run.evaluations:
            print_detail(console, ev)
    elif run.evaluations:
        print_summary(console, run.evaluations)
    _print_skipped(run.skipped)
    _print_errors(run.errors)
    sys.exit(EXIT_INPUT if run.errors else EXIT_OK)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="输出文件夹：写出 <主管部门>/<项目编号>-绩效评价报告.html（及 .docx/.pdf）、复核底稿 <项目编号>.html 及执行过的笔记本",
)
@click.option("--scheme", "scheme_spec", help="评分方案 id 或方案 YAML 文件")
@click.option("--project-id", help="PATH 为台账文件夹时，指定其中一个项目")
@click.option(
    "--timeout", type=click.IntRange(min=1), default=120, show_default=True, help="笔记本的执行时限（秒）"
)
@FORMAT_OPTION
@click.option(
    "--compare",
    "compare",
    multiple=True,
    type=click.Path(path_type=Path),
    help="与这些数据文件夹中的项目比较（可多次给出）：本项目的以前年度（历史比较）、同年度同部门与同类项目（横向比较）",
)
def report(
    path: Path,
    out_dir: Path,
    scheme_spec: str | None,
    project_id: str | None,
    timeout: int,
    formats: tuple[str, ...],
    compare: tuple[Path, ...],
) -> None:
    """一个项目：经 notebooks/evaluation.ipynb（papermill）生成绩效评价报告（HTML，可加 Word、PDF）与复核底稿（HTML）。"""
    from .pipeline.render import render_project

    if scheme_spec:
        _scheme_option(scheme_spec)  # a bad --scheme is a usage error (exit 2), before any kernel starts
    result = render_project(
        path,
        out_dir,
        scheme=scheme_spec,
        project_id=project_id,
        timeout=timeout,
        formats=formats,
        compare=compare,
    )
    click.echo(f"已生成绩效评价报告：{result.report}")
    for extra in (result.docx, result.pdf):
        if extra is not None:
            click.echo(f"　　　　　　　　　　{extra}")
    click.echo(f"已生成复核底稿：{result.html}（共 {result.timings['total']:.1f} 秒）")


@cli.command()
@click.argument("data_dirs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="输出文件夹：各项目报告、index.html、summary.csv/json、manifest.json",
)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="本机并行进程数（默认每核一个）")
@click.option("--scheduler", help="Dask 分布式调度器地址，如 tcp://127.0.0.1:8786")
@click.option("--force", is_flag=True, help="忽略增量记录，全部重新生成")
@click.option("--scheme", "scheme_spec", help="评分方案 id 或方案 YAML 文件（覆盖项目自身的设定）")
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=120,
    show_default=True,
    help="每个项目笔记本的执行时限（秒）",
)
@click.option(
    "--parameters",
    "params_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("parameters"),
    show_default=True,
    help="papermill 参数文件的存放文件夹",
)
@click.option("--notebook", type=click.Path(dir_okay=False, exists=True, path_type=Path), hidden=True)
@FORMAT_OPTION
def batch(
    data_dirs: tuple[Path, ...],
    out_dir: Path,
    workers: int | None,
    scheduler: str | None,
    force: bool,
    scheme_spec: str | None,
    timeout: int,
    params_dir: Path,
    notebook: Path | None,
    formats: tuple[str, ...],
) -> None:
    """批量生成 DATA_DIR（缺省 data/；可给多个）下全部项目的报告、项目总览与汇总表。"""
    from .pipeline.batch import FAILED, INVALID, run_batch
    from .presentation.progress import BatchProgress

    if scheme_spec:
        _scheme_option(scheme_spec)
    _check_start_method()
    data_dir = list(data_dirs) or [Path("data")]
    for d in data_dir:
        if not d.exists():
            click.echo(f"错误：{d}：文件或文件夹不存在", err=True)
            sys.exit(EXIT_INPUT)
    try:
        with BatchProgress() as progress:
            result = run_batch(
                data_dir,
                out_dir,
                params_dir=params_dir,
                workers=workers,
                scheduler=scheduler,
                force=force,
                timeout=timeout,
                scheme=scheme_spec,
                notebook=str(notebook) if notebook else None,
                formats=formats,
                on_plan=progress.planned,
                on_result=progress.advance,
            )
    except KeyboardInterrupt:
        click.echo("已中断：已完成的报告均已保留，再次运行 evalcore batch 将只补齐缺失的部分。", err=True)
        sys.exit(130)
    for n in result.skipped:
        click.echo(f"提示：{n['path']}：{n['reason']}", err=True)
    for a in result.unmatched:  # never guessed: listed, so a 项目对照 file can settle them
        click.echo(
            f"提示：{a['year']}年度「{a['name']}」（{a['project_id']}，{a['unit']}）未跨年度匹配：{a['reason']}"
            "；可在数据文件夹中用「项目对照.csv」（from,to）指明",
            err=True,
        )
    for m in result.manifest:
        if m["status"] in (FAILED, INVALID):
            who = f"{m.get('project_id') or m.get('name') or ''} ".lstrip()
            click.echo(f"失败：{who}{m.get('error', '')}".splitlines()[0], err=True)
    index = f"总览：{out_dir / 'index.html'}" if not result.index_error else "项目总览生成失败（见上）"
    click.echo(
        f"完成 {result.count('done')}，跳过（未变化）{result.count('skipped')}，失败 {result.count(FAILED)}，"
        f"输入无效 {result.count(INVALID)}，用时 {result.seconds:.1f} 秒。{index}"
    )
    sys.exit(EXIT_OK if result.ok else EXIT_INPUT)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--xlsx",
    "xlsx_out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出的 Excel 工作簿（.xlsx）：汇总表，加每个项目一张项目支出绩效自评表",
)
@click.option("--scheme", "scheme_spec", help="评分方案 id（self-2020、dept-2020）或方案 YAML 文件")
def export(paths: tuple[Path, ...], xlsx_out: Path, scheme_spec: str | None) -> None:
    """导出 Excel：每个项目一张标准的项目支出绩效自评表（复核得分与自评得分并列），另有汇总表。"""
    if xlsx_out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{xlsx_out}：输出文件须以 .xlsx 结尾", param_hint="--xlsx")
    from .evaluation import evaluate_paths
    from .presentation.xlsx_export import export_workbook

    run = evaluate_paths(paths, _scheme_option(scheme_spec))
    _print_skipped(run.skipped)
    _print_errors(run.errors)
    if run.evaluations:
        export_workbook(run.evaluations, xlsx_out, errors=run.errors)
        click.echo(f"已导出 {len(run.evaluations)} 个项目：{xlsx_out}")
    else:
        click.echo("没有可导出的项目，未生成工作簿。", err=True)
    sys.exit(EXIT_INPUT if run.errors or not run.evaluations else EXIT_OK)


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--layout",
    type=click.Choice(["sheets", "national"]),
    default="sheets",
    show_default=True,
    help="sheets：项目信息/预算执行/绩效指标三个工作表；national：一张按国家格式排版的项目支出绩效自评表",
)
def template(out: Path, layout: str) -> None:
    """生成供部门填报的空白工作簿（含填写说明与示例行）。"""
    out.parent.mkdir(parents=True, exist_ok=True)
    if layout == "national":
        from .authoring.national_template import write_national_template

        write_national_template(out)
    else:
        from .authoring.template import write_template

        write_template(out)
    click.echo(f"已生成填报模板：{out}")


@cli.command()
@click.option("--projects", "n_projects", type=click.IntRange(min=1), required=True, help="项目数")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="输出文件夹")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：同一种子输出相同")
@click.option(
    "--format", "fmt", type=click.Choice(["tables", "yaml", "xlsx"]), default="tables", show_default=True
)
def synth(n_projects: int, out: Path, seed: int, fmt: str) -> None:
    """生成逼真的合成项目台账（表格，或按部门文件夹存放的 YAML/工作簿）。"""
    from .authoring.synth import write_synthetic

    n = write_synthetic(out, n_projects, seed=seed, fmt=fmt)
    click.echo(f"已生成 {n} 个合成项目：{out}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--question", help="只看这道题目（按题目文字匹配，题号可省略）")
@click.option("--json", "as_json", is_flag=True, help='输出 JSON：{"surveys": [...]}')
def survey(files: tuple[Path, ...], question: str | None, as_json: bool) -> None:
    """问卷调查：逐题列出有效问卷数、满意率及其 95% 置信区间（Wilson 法）。"""
    import json

    from .presentation.survey import survey_lines, survey_ok, survey_record

    records = [survey_record(f, question) for f in files]
    if as_json:
        click.echo(json.dumps({"surveys": records}, ensure_ascii=False, indent=2))
    else:
        for r in records:
            click.echo("\n".join(survey_lines(r)))
    sys.exit(EXIT_OK if all(survey_ok(r) for r in records) else EXIT_INPUT)


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except (SettingError, PluginError) as exc:  # the environment is set up wrong: a usage error
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_USAGE)
    except EvalcoreError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_INPUT)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("EVALCORE_DEBUG"):
            raise
        click.echo(f"内部错误：{type(exc).__name__}: {exc}（设置 EVALCORE_DEBUG=1 查看详细信息）", err=True)
        sys.exit(EXIT_INPUT)


if __name__ == "__main__":
    main()
