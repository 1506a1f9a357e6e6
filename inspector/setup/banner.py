"""Printed by scripts/demo: the demo accounts and a first request to try."""

from __future__ import annotations

import sys

from .demo import grid_center
from .demo_data import ACCOUNTS, DEMO_PASSWORD


def main(host: str = "127.0.0.1", port: str = "5000") -> None:
    print(f"\n演示账号 / demo accounts (密码 password: {DEMO_PASSWORD})")
    for username, role, name, *_ in ACCOUNTS:
        print(f"  {username:12s} {role:12s} {name}")
    base = f"http://{host}:{port}"
    print("\n页面 / pages")
    print(f"  随手拍(手机)      {base}/m/          我的上报 {base}/m/mine")
    print(f"  网格员今日任务    {base}/m/tasks")
    print(f"  工作台            {base}/console/    案件地图 {base}/console/map")
    print(f"  接口目录          {base}/api/v1/")
    lat, lon = grid_center("429901001001007")
    print(
        f"\n试一试 / try: curl 'http://{host}:{port}/api/v1/zones/locate?lat={lat:.6f}&lon={lon:.6f}'"
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
