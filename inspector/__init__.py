"""Inspector: the 随手拍 field-inspection backend. `create_app` wires config, extensions, blueprints."""

from __future__ import annotations

from typing import Any

from flask import Flask

API_PREFIX = "/api/v1"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from .http import OwnedApp  # each request owns its transaction: commit below 400

    app = OwnedApp(__name__, instance_relative_config=True)
    from .config import load_config

    app.config.update(load_config(app.instance_path, config))
    app.json.ensure_ascii = False  # Chinese stays readable in every JSON answer

    from . import models  # noqa: F401 - register every table before migrations/create_all
    from .extensions import api, db, migrate
    from .urls import BoundedInt, bounded_int_schema

    # Ids in paths fit the database's 64-bit integers; a longer number is a 404, not a 500.
    app.url_map.converters["int"] = BoundedInt
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True)
    api.init_app(app)
    api.register_converter(BoundedInt, bounded_int_schema)

    from . import errors, input_guard, logs
    from .access import auth, passwords

    logs.init_app(app)  # before auth: a refused token's answer carries the request id too

    passwords.use_profile(app.config["PASSWORD_PROFILE"])
    input_guard.init_app(app)  # before the blueprints (id converter) and auth (runs first)
    auth.init_app(app)
    for blueprint in _blueprints():
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
    from .open311.api import blp as open311_blp

    api.register_blueprint(open311_blp)  # /open311/v2/, its own prefix (api.md)

    from .web.pages import blp as pages_blp

    app.register_blueprint(pages_blp)  # HTML pages, outside the API prefix and its OpenAPI
    from .health import blp as health_blp

    app.register_blueprint(health_blp)  # /healthz, /readyz for load balancers and systemd
    errors.init_app(app)  # after flask-smorest, so our envelope replaces its error format
    from . import security

    security.init_app(
        app
    )  # after auth and the blueprints: limits key on the actor and bind to views

    from . import cli, jobs
    from .sla import service as sla

    jobs.init_app(app)  # after security's hooks: runs first, so only the answer's fate decides
    cli.init_app(app)
    sla.init_app(app)  # checks OFFICE_HOURS at start-up
    from .rewards import service as rewards

    rewards.init_app(app)  # checks INSPECTOR_REWARD_* at start-up; reacts to case actions
    from .patrols import jobs as patrol_jobs  # noqa: F401 - connects missed patrols to `tick`
    from .supervision import jobs as snapshot_jobs  # noqa: F401 - week snapshots in `tick`
    from .supervision.formulas import Weights

    # a bad weight fails at start, not in a bulletin
    Weights.parse(app.config["SUPERVISION_WEIGHTS"])
    from .web import tiles

    tiles.check(app.config["MAP_TILES"], app.config["TIANDITU_KEY"])  # likewise a bad tile source
    return app


def _blueprints() -> list:
    from .access.api import blp as auth_blp
    from .campaign.api import blp as campaign_blp
    from .categories.api import blp as categories_blp
    from .exposure.api import blp as exposure_blp
    from .findings.api import blp as findings_blp
    from .grid.api import blp as zones_blp
    from .hotline.api import blp as hotline_blp
    from .org.api import blp as units_blp
    from .patrols.api import blp as patrols_blp
    from .photos.api import blp as photos_blp
    from .points.api import blp as points_blp
    from .reports.api import blp as reports_blp
    from .rewards.api import blp as rewards_blp
    from .routing.api import blp as routing_blp
    from .sla.api import blp as notifications_blp
    from .supervision.api import blp as supervision_blp
    from .workflow.api import blp as cases_blp

    return [
        auth_blp,
        units_blp,
        categories_blp,
        zones_blp,
        routing_blp,
        points_blp,
        campaign_blp,
        hotline_blp,
        patrols_blp,
        photos_blp,
        reports_blp,
        cases_blp,
        notifications_blp,
        findings_blp,
        exposure_blp,
        rewards_blp,
        supervision_blp,
    ]


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")
