"""A made-up 2027 schedule shaped like the State Council's notices, shared by the calendar tests:
元旦 01-01; 春节 02-05 (除夕) .. 02-12, 8 days; Saturday 02-13 worked (调休上班)."""

SCHEDULE_2027 = {
    "year": 2027,
    "notice": "国办发明电〔2026〕测试号",
    "holidays": [
        {"name": "元旦", "date": "2027-01-01"},
        {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"},
    ],
    "workdays": [{"date": "2027-02-13", "name": "春节调休上班"}],
}
