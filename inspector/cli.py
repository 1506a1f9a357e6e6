"""Command line of api.md; every command is registered here (`init_app`), in one place.

`demo load`, `accounts create` and `audit verify` live here; `tick` and `calendar ...` in sla/cli.py, `photos ...` in
photos/cli.py; `db upgrade` comes from Flask-Migrate. Commands are entry points: they own their
transactions and commit (the periodic job per case, see sla/jobs.py).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .access.roles import ROLES
from .errors import ApiError
from .extensions import db

demo_cli = AppGroup("demo", help="演示城市 / Demo city")
accounts_cli = AppGroup("accounts", help="账号管理 / Accounts")


@demo_cli.command("load")
def demo_load() -> None:
    """Load (or refresh) the demo county: zones, units, categories, routing, points, accounts."""
    from .setup.demo import load_demo

    summary = load_demo()
    db.session.commit()
    click.echo(
        "演示城市已载入 / demo city loaded: "
        + ", ".join(f"{key} {value}" for key, value in summary.items())
    )


@accounts_cli.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--unit", "unit_code", default=None, help="责任单位编码 / unit code (unit_staff)")
@click.option(
    "--zone", "zone_codes", multiple=True, help="网格或区域编码,可重复 / zone code, repeatable"
)
@click.option("--name", "display_name", default=None)
def accounts_create(
    username: str,
    password: str,
    role: str,
    unit_code: str | None,
    zone_codes: tuple[str, ...],
    display_name: str | None,
) -> None:
    from .access.service import create_account

    try:
        account = create_account(
            username, password, role, unit_code, list(zone_codes), display_name
        )
    except ApiError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"账号已保存 / account saved: {account.username} ({account.role})")


audit_cli = AppGroup("audit", help="审计 / Audit")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute every case timeline's keyed chain, its anchored head, and the case rows and
    ratings it implies; exit 1 when anything disagrees."""
    from .reports.audit import verify_ratings
    from .workflow.audit import verify_all

    problems = verify_all() + verify_ratings()
    for p in problems:
        click.echo(p.describe(), err=True)
    if problems:
        cases = sorted({p.case_number or str(p.case_id) for p in problems})
        raise click.ClickException(
            f"发现 {len(problems)} 处篡改或不一致,涉及案件 {', '.join(cases)} / "
            f"{len(problems)} problems found in cases {', '.join(cases)}"
        )
    click.echo("案件流水校验通过 / every case timeline verifies")


def _read_ledger(path: str | None) -> dict[str, int | None]:
    """`client_id [report_id]` per line: what the server acknowledged to the clients."""
    ledger: dict[str, int | None] = {}
    if path is None:
        return ledger
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if parts:
                ledger[parts[0]] = int(parts[1]) if len(parts) > 1 else None
    return ledger


@audit_cli.command("storage")
@click.option(
    "--grace-minutes",
    default=60.0,
    show_default=True,
    type=float,
    help="更新的无主对象视为上传中 / younger objects without a row are uploads in flight",
)
@click.option(
    "--acknowledged",
    "ledger_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="客户端已收到确认的上报清单 / file of acknowledged client_ids (`client_id [report_id]`)",
)
@click.option("--json", "as_json", is_flag=True, help="机器可读输出 / JSON output")
def audit_storage(grace_minutes: float, ledger_path: str | None, as_json: bool) -> None:
    """Photos and reports after a crash: every photo row has its object with its hash, no old
    object lacks a row, no client_id is on two reports, every acknowledged report exists, and
    every case timeline verifies; exit 1 when anything is found."""
    import json
    from dataclasses import asdict

    from .photos.audit import StorageFinding, check_orphans, check_rows
    from .reports.audit import duplicate_reports, missing_acknowledged, verify_ratings
    from .workflow.audit import verify_all

    findings = check_rows() + check_orphans(grace_minutes * 60)
    findings += duplicate_reports() + missing_acknowledged(_read_ledger(ledger_path))
    findings += [
        StorageFinding("timeline", p.case_number or str(p.case_id), (p.case_id,), p.problem)
        for p in verify_all() + verify_ratings()
    ]
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    if as_json:
        click.echo(
            json.dumps(
                {"ok": not findings, "counts": counts, "findings": [asdict(f) for f in findings]},
                ensure_ascii=False,
            )
        )
    else:
        for finding in findings:
            click.echo(finding.describe(), err=True)
    if findings:
        summary = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
        if as_json:
            raise SystemExit(1)
        raise click.ClickException(
            f"发现 {len(findings)} 处问题 / {len(findings)} problems: {summary}"
        )
    if not as_json:
        click.echo(
            "照片对象、上报与案件流水均完好 / every photo object, report and timeline checks out"
        )


jobs_cli = AppGroup("jobs", help="后台任务 / Background jobs")


@jobs_cli.command("worker")
@click.option(
    "--burst", is_flag=True, help="处理完队列中的任务即退出 / exit once the queue is empty"
)
@click.option("--simple", is_flag=True, help="不为每个任务 fork / run jobs in this process")
@click.option(
    "--processes",
    default="1",
    metavar="N|auto",
    help="并行的 worker 进程数,auto = 每个 CPU 核一个 / worker processes, auto: one per core",
)
def jobs_worker(burst: bool, simple: bool, processes: str) -> None:
    """Run the RQ worker of INSPECTOR_JOBS_QUEUE on INSPECTOR_REDIS_URL (deploy/ unit)."""
    import os

    from flask import current_app

    from .jobs import queue
    from .jobs_worker import process_count, run_workers, worker_class

    try:
        count = process_count(processes)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--processes") from exc
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "未设置 INSPECTOR_REDIS_URL:任务在 Web 进程内运行 / no Redis: jobs run in-process"
        )
    from .grid.cache import warm as warm_grid
    from .jobs import warm as warm_jobs
    from .photos.derive import warm as warm_derivatives

    warm_grid()  # the index is built before the first job, not inside it
    warm_derivatives()  # and the imaging libraries loaded: forked work horses inherit both
    warm_jobs()  # and the job functions imported (a work horse would import them per job)
    jobs = queue(app)
    # A forked job must not reuse the parent's database sockets (SQLAlchemy's fork recipe).
    os.register_at_fork(after_in_child=lambda: db.engine.dispose(close=False))
    run_workers(worker_class(simple, app.config), jobs, count, burst=burst)


def init_app(app: Flask) -> None:
    from .open311.cli import open311_cli
    from .photos.cli import photos_cli
    from .sla.cli import calendar_cli, tick_command

    for command in (
        demo_cli,
        accounts_cli,
        audit_cli,
        photos_cli,
        tick_command,
        calendar_cli,
        open311_cli,
        jobs_cli,
    ):
        app.cli.add_command(command)
