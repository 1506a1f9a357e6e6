"""`flask --app inspector open311 keys create --name NAME` / `open311 keys revoke NAME`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..errors import ApiError
from ..extensions import db
from ..timeutil import utcnow
from .keys import create_key, revoke_key

open311_cli = AppGroup("open311", help="Open311 接口 / Open311 GeoReport v2")
keys_cli = AppGroup("keys", help="Open311 密钥 / API keys")
open311_cli.add_command(keys_cli)


@keys_cli.command("create")
@click.option("--name", required=True, help="对接系统名称 / name of the connected system")
def keys_create(name: str) -> None:
    """Make a key and print it once: only its hash is kept."""
    try:
        row, key = create_key(name, utcnow())
    except ApiError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Open311 密钥已创建 / key created for {row.name} (只显示一次 / shown once):")
    click.echo(key)


@keys_cli.command("revoke")
@click.argument("name")
def keys_revoke(name: str) -> None:
    try:
        row = revoke_key(name, utcnow())
    except ApiError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Open311 密钥已吊销 / key revoked: {row.name}")
