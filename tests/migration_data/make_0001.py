"""Made tests/migration_data/0001.json once, at revision 0001 (commit be5eaf2); kept for the record.

It drives a few closed loops through the HTTP API on a SQLite database holding the demo city and
dumps every row. Revision 0001 is frozen, so this file is not run again: later models no longer
match 0001. Usage at that commit: `python -m tests.migration_data.make_0001`.
"""

from __future__ import annotations

import base64
import json
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData, select

from inspector.extensions import db
from tests.conftest import make_app
from tests.integration.flows import act, act_on_site, new_client_id, post_report

OUT = Path(__file__).with_name("0001.json")


def _encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _drive(client) -> None:
    tip = post_report(client, None, category=None, phone="13800138000", client_id=new_client_id())
    tip_case = tip.get_json()["case"]["id"]
    token = tip.get_json()["tracking_token"]
    act_on_site(client, "gridworker", tip_case, "verify", note="现场确有占道")
    act(client, "dispatcher", tip_case, "file", category_code="0101")
    act(client, "dispatcher", tip_case, "dispatch")
    act_on_site(client, "unitstaff", tip_case, "rectify", note="已清理")
    act_on_site(client, "gridworker", tip_case, "check", passed=True)
    act(client, None, tip_case, "rate", headers={}, score=4, note="较满意", token=token)

    patrol = post_report(client, "gridworker", category="0301").get_json()["case"]["id"]
    act(client, "dispatcher", patrol, "dispatch")

    dup = post_report(client, "gridworker", category="0301").get_json()["case"]["id"]
    act(client, "dispatcher", dup, "merge", into=patrol)

    rework = post_report(client, "gridworker", category="0101").get_json()["case"]["id"]
    act(client, "dispatcher", rework, "dispatch")
    act_on_site(client, "unitstaff", rework, "rectify")
    act_on_site(client, "gridworker", rework, "check", passed=False, note="摊位仍在")
    act(client, "supervisor", rework, "escalate", note="督办")
    act(client, "unitstaff", rework, "request-extension", value=2, unit="work_days", note="需协调")
    act(client, "dispatcher", rework, "approve-extension")

    post_report(client, "volunteer", category="0401", description="电线杆小广告")


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    app = make_app(f"sqlite:///{tmp / 'm.sqlite3'}", tmp)
    with app.app_context():
        from flask_migrate import upgrade

        from inspector.setup.demo import load_demo

        upgrade()
        load_demo()
        db.session.commit()
    _drive(app.test_client())
    with app.app_context():
        meta = MetaData()
        meta.reflect(db.engine)
        dump = {}
        with db.engine.connect() as conn:
            for table in meta.sorted_tables:
                if table.name == "alembic_version":
                    continue
                rows = conn.execute(select(table)).mappings().all()
                dump[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    OUT.write_text(json.dumps(dump, ensure_ascii=False, indent=None, sort_keys=True) + "\n")
    print({name: len(rows) for name, rows in dump.items()})


if __name__ == "__main__":
    main()
