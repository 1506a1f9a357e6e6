"""`flask --app inspector tick` (the periodic SLA job, for cron on one or several hosts) and
`calendar load FILE` / `calendar show YEAR` (the official holiday schedule)."""

from __future__ import annotations

from typing import IO

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..timeutil import parse_iso


@click.command("tick")
@click.option(
    "--now",
    default=None,
    help="按此时间运行(ISO 8601,无时区按北京时间)/ run as of this time (default: now)",
)
@with_appcontext
def tick_command(now: str | None) -> None:
    """到期预警与超期督办 / Warn units before due time, escalate overdue cases."""
    from .jobs import tick

    try:
        moment = parse_iso(now) if now else None
    except ValueError as exc:
        raise click.BadParameter(f"时间格式无效 / invalid time: {now}", param_hint="--now") from exc
    summary = tick(moment)
    click.echo(
        f"检查 {summary['checked']} 件,预警 {summary['warned']} 件,"
        f"督办 {summary['supervised']} 件,挂牌督办 {summary['publicly_supervised']} 件,"
        f"上交街道 {summary['taken_over']} 件,"
        f"跳过 {summary['skipped']} 件 / checked {summary['checked']}, warned {summary['warned']}, "
        f"escalated {summary['escalated']}, taken over {summary['taken_over']}, skipped (changed concurrently) {summary['skipped']}"
    )
    if "patrols_missed_notified" in summary:  # added by patrols/jobs.py through tick_ran
        missed = summary["patrols_missed_notified"]
        click.echo(f"漏巡通知 {missed} 个时段 / missed patrol slots notified: {missed}")
    if summary.get("week_snapshots_taken"):  # added by supervision/jobs.py
        taken = summary["week_snapshots_taken"]
        click.echo(f"保存周排名快照 {taken} 周 / weekly unit tables stored: {taken}")
    if summary.get("schedule_missing_year"):
        year = summary["schedule_missing_year"]
        click.echo(
            f"警告:尚无 {year} 年官方节假日安排,到期时间按法定节假日暂定,请管理员执行 "
            f"calendar load 载入国务院公布的安排 / WARNING: no official holiday schedule for "
            f"{year}; due times are provisional until an admin runs "
            f"`flask --app inspector calendar load FILE`",
            err=True,
        )


calendar_cli = AppGroup("calendar", help="节假日安排 / Official holiday schedule")


@calendar_cli.command("load")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def calendar_load(file: IO[str]) -> None:
    """载入某年的节假日安排(JSON,格式见 README)/ Load a year's official schedule (JSON, see README).

    Takes precedence over the packaged calendar; moves the due times of open dispatched cases
    that reach into that year and records the change in their timelines.
    """
    from ..extensions import db
    from ..timeutil import utcnow
    from .calendar_file import CalendarFileError, parse_calendar_file
    from .schedule import load_schedule
    from .service import office_hours

    text = file.read()
    try:
        parsed = parse_calendar_file(text)
    except CalendarFileError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            "节假日安排文件有误,未载入 / the file has errors, nothing loaded"
        ) from exc
    try:
        result = load_schedule(parsed, text, office_hours(), utcnow())
        db.session.commit()
    except (StaleDataError, IntegrityError, OperationalError) as exc:
        db.session.rollback()
        raise click.ClickException(
            "有案件或安排正被同时修改,未载入,请重试 / a case or the schedule changed "
            "concurrently, nothing loaded; please retry"
        ) from exc
    click.echo(
        f"{result.year} 年节假日安排已{'替换' if result.replaced else '载入'}:节假日 "
        f"{result.holidays} 天,调休上班 {result.workdays} 天,调整到期时间的案件 "
        f"{len(result.rescheduled)} 件 / {result.year} schedule "
        f"{'replaced' if result.replaced else 'loaded'}: {result.holidays} holidays, "
        f"{result.workdays} make-up working days, {len(result.rescheduled)} due times moved"
    )
    for number, old, new in result.rescheduled:
        click.echo(f"  {number}: {old} -> {new}")


@calendar_cli.command("show")
@click.argument("year", type=click.IntRange(1900, 9999))
def calendar_show(year: int) -> None:
    """列出某年每个非工作日和调休上班日:日期、类型、来源 / Every non-working and make-up working
    day of YEAR: date, kind, source (loaded / package / statutory / weekend), name."""
    from .official import KIND_ZH, SOURCE_ZH
    from .schedule import official_calendar

    calendar = official_calendar()
    source = calendar.source(year)
    click.echo(
        f"# {year} 年:{SOURCE_ZH[source]}{'' if calendar.known(year) else ',到期时间为暂定'} / "
        f"{year}: {source}{'' if calendar.known(year) else ', due times provisional'}",
        err=True,
    )
    for day in calendar.year_days(year):
        click.echo(
            f"{day.day.isoformat()}\t{day.kind}\t{day.source}\t{day.name or KIND_ZH[day.kind]}"
        )
