"""Progress of a batch on the terminal: count, rate and ETA (rich), on stderr so stdout stays clean."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class BatchProgress:
    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.task = None
        self.failed = 0

    def __enter__(self) -> BatchProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]

    def planned(self, plan, todo: int) -> None:  # type: ignore[no-untyped-def]
        skipped = len(plan.jobs) - todo
        self.console.print(
            f"共 {len(plan.jobs) + len(plan.errors)} 个项目：待生成 {todo}，未变化跳过 {skipped}，"
            f"输入无效 {len(plan.errors)}"
        )
        self.task = self.progress.add_task("生成报告", total=max(todo, 0), rate="")

    def advance(self, job, result: dict) -> None:  # type: ignore[no-untyped-def]
        if result.get("status") == "failed":
            self.failed += 1
        task = self.progress.tasks[0]
        speed = task.finished_speed or task.speed
        rate = f"{speed * 60:.0f} 个/分钟" if speed else ""
        self.progress.update(
            self.task,
            advance=1,
            rate=rate,
            description=f"生成报告（失败 {self.failed}）" if self.failed else "生成报告",
        )
