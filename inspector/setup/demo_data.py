"""The demo county 明川县 (fictional), placed on real ground in Hubei near 113.13 E, 30.64 N.

Plain data only; `demo.py` turns it into zones, units, categories, rules, points and accounts.
"""

from __future__ import annotations

ORIGIN_LON, ORIGIN_LAT = 113.1300, 30.6400
# One unit grid is about 100 m x 100 m (万米单元网格) at this latitude.
GRID_DLON, GRID_DLAT = 0.00104, 0.0009
GRIDS_PER_SIDE = 5  # 5 x 5 grids in each community

DISTRICTS = [
    {
        "code": "429901",
        "name": "西城区",
        "subdistricts": [
            {
                "code": "001",
                "name": "解放街道",
                "communities": [("001", "鼓楼社区"), ("002", "文化社区")],
            },
            {
                "code": "002",
                "name": "人民街道",
                "communities": [("001", "钟楼社区"), ("002", "胜利社区")],
            },
        ],
    },
    {
        "code": "429902",
        "name": "东城区",
        "subdistricts": [
            {
                "code": "001",
                "name": "新华街道",
                "communities": [("001", "新华社区"), ("002", "东门社区")],
            },
            {
                "code": "002",
                "name": "建设街道",
                "communities": [("001", "建设社区"), ("002", "湖滨社区")],
            },
        ],
    },
]

DEPARTMENTS = [
    ("zfj", "综合执法局", "张建国"),
    ("jjdd", "交警大队", "李卫东"),
    ("zjj", "住建局", "王志强"),
    ("hwc", "环卫处", "刘红梅"),
    ("szc", "市政管理处", "陈国华"),
    ("ylj", "园林局", "赵丽萍"),
    ("sjj", "市监局", "孙立新"),
    ("wmb", "文明办", "周海燕"),
    ("xcb", "宣传部", "吴晓东"),
]

# code, name, name_en, family, (value, unit), default unit code (None: routed by zone rules/grid)
CATEGORIES = [
    ("0101", "占道经营", "Street stall on road or pavement", "event", (2, "work_hours"), "zfj"),
    ("0102", "流动摊贩", "Mobile vendor", "event", (2, "work_hours"), "zfj"),
    (
        "0103",
        "店外经营 / 门前三包",
        "Business outside shop / frontage duty",
        "event",
        (4, "work_hours"),
        None,
    ),
    ("0201", "机动车乱停放", "Illegal car parking", "event", (2, "work_hours"), "jjdd"),
    ("0202", "非机动车乱停放", "Bicycles parked badly", "event", (4, "work_hours"), None),
    ("0203", "占用盲道", "Blocking tactile paving", "event", (2, "work_hours"), "jjdd"),
    ("0301", "暴露垃圾", "Exposed litter", "event", (4, "work_hours"), "hwc"),
    ("0302", "积存垃圾渣土", "Accumulated rubbish or muck", "event", (2, "work_days"), "hwc"),
    ("0303", "道路不洁", "Dirty road", "event", (2, "work_hours"), "hwc"),
    ("0304", "绿地脏乱", "Dirty green space", "event", (4, "work_hours"), "ylj"),
    ("0305", "卫生死角", "Neglected dirty corner", "event", (1, "work_days"), None),
    ("0401", "非法小广告 / 乱涂乱画", "Illegal flyers / graffiti", "event", (1, "work_days"), None),
    (
        "0402",
        "破旧条幅 / 公益广告破损",
        "Worn banner / damaged public-service ad",
        "event",
        (3, "work_days"),
        "wmb",
    ),
    ("0501", "私搭乱建", "Illegal structure", "event", (4, "work_hours"), "zfj"),
    (
        "0601",
        "井盖破损 / 雨水井下沉",
        "Broken manhole cover / sunken drain",
        "component",
        (1, "work_days"),
        "szc",
    ),
    ("0602", "道路破损", "Damaged road", "component", (5, "work_days"), "szc"),
    ("0603", "路灯不亮", "Street light out", "component", (2, "work_days"), "szc"),
    (
        "0604",
        "公厕设施损坏 / 异味",
        "Public toilet damaged / smelly",
        "component",
        (1, "work_days"),
        "hwc",
    ),
    (
        "0605",
        "护栏 / 公共设施损坏",
        "Railing / public facility damaged",
        "component",
        (3, "work_days"),
        "szc",
    ),
    (
        "0606",
        "绿化带植被缺失枯死",
        "Missing or dead roadside plants",
        "component",
        (5, "work_days"),
        "ylj",
    ),
    ("0999", "其他市容环境问题", "Other city-appearance problem", "event", (1, "work_days"), "zfj"),
]

# Categories a subdistrict office (街道办) answers for in its own area.
SUBDISTRICT_CATEGORIES = ("0103", "0202", "0401")
# 东城区's exposed litter goes to 住建局 (domain.md: 环卫处 / 住建局).
DISTRICT_RULES = [("0301", "429902", "zjj")]

# code, name, kind, owner, (grid column, grid row) of the south-west corner in city grid units,
# (width, height) in grid units, camera
POINTS = [
    ("P001", "人民广场", "square", "zjj", (2.2, 1.2), (1.5, 1.5), True),
    ("P002", "中心农贸市场", "farmers_market", "sjj", (7.3, 2.3), (1.2, 1.0), True),
    ("P003", "解放路(主干道)", "main_road", "szc", (0.0, 4.45), (10.0, 0.12), True),
    ("P004", "鼓楼步行街", "commercial_street", "zfj", (3.1, 0.2), (0.3, 3.0), False),
    ("P005", "东门夜市", "night_market", "zfj", (13.2, 3.2), (1.5, 0.6), True),
    ("P006", "人民公园", "park", "ylj", (11.2, 6.2), (2.5, 2.5), False),
    ("P007", "县文化馆", "cultural_venue", "xcb", (5.4, 7.4), (0.8, 0.8), False),
    ("P008", "明川汽车站", "service_window", "zfj", (17.2, 1.2), (1.2, 1.2), True),
    ("P009", "建设路与湖滨路交叉口", "intersection", "jjdd", (14.85, 4.85), (0.3, 0.3), True),
    ("P010", "老街背街小巷", "back_lane", "hwc", (1.1, 8.1), (2.8, 0.2), False),
    ("P011", "李家湾城中村", "urban_village", "zjj", (18.1, 6.1), (1.7, 2.7), False),
    ("P012", "县人民医院", "service_window", "wmb", (8.2, 8.2), (1.4, 0.7), True),
]

DEMO_PASSWORD = "Demo@2026"
# username, role, display name, unit code, bound to the first community's 25 grids
ACCOUNTS = [
    ("admin", "admin", "系统管理员", None, False),
    ("dispatcher", "dispatcher", "指挥中心座席员", None, False),
    ("supervisor", "supervisor", "督查组", None, False),
    ("gridworker", "grid_worker", "网格员王芳", None, True),
    ("unitstaff", "unit_staff", "综合执法队员", "zfj", False),
    ("volunteer", "volunteer", "志愿者小李", None, True),
    ("resident", "resident", "市民张先生", None, False),
]
