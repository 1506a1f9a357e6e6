"""`flask --app inspector tick`: the periodic SLA job, for cron on one or several hosts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

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
        f"跳过 {summary['skipped']} 件 / checked {summary['checked']}, warned {summary['warned']}, "
        f"escalated {summary['escalated']}, skipped (changed concurrently) {summary['skipped']}"
    )
