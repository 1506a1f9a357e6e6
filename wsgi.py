"""WSGI entry point for gunicorn: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

The grid index is built here, at start-up, not in the first request: with `preload_app` (see
deploy/gunicorn.conf.py) the master builds it once and every worker, including one respawned
after a crash, starts with it in memory. INSPECTOR_WARM_START=off skips it.
"""

import logging
import os

from inspector import create_app
from inspector.extensions import db

app = create_app()

if os.environ.get("INSPECTOR_WARM_START", "on").lower() not in ("off", "0", "no", "false"):
    from inspector.grid.cache import warm
    from inspector.jobs import warm_queue

    try:
        warm(app)
    except Exception:  # noqa: BLE001 - a database not migrated yet: the first request builds it
        logging.getLogger("inspector").exception("grid index not built at start-up")
    warm_queue(app)  # rq and redis-py imported once, in the master (their pool is per process)
with app.app_context():
    db.engine.dispose()  # no database connection may cross gunicorn's fork
