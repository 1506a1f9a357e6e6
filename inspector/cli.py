"""Command line of api.md: `demo load`, `accounts create` (and `db upgrade` from Flask-Migrate)."""

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
    """Recompute every case timeline's hash chain; exit 1 when anything was altered."""
    from .workflow.timeline import verify_all

    problems = verify_all()
    for p in problems:
        click.echo(f"案件 case {p.case_id} 第 {p.seq} 条 event: {p.problem}", err=True)
    if problems:
        raise click.ClickException(f"发现 {len(problems)} 处篡改 / {len(problems)} problems found")
    click.echo("案件流水校验通过 / every case timeline verifies")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(audit_cli)
    from .open311.cli import open311_cli
    from .photos.cli import photos_cli

    app.cli.add_command(photos_cli)
    app.cli.add_command(open311_cli)
