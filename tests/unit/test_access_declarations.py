"""Access declarations on views, and hidden objects answering 404."""

from __future__ import annotations

from inspector.access.auth import access_rule, public, require_roles


def test_declarations_are_read_back():
    @public("why")
    def open_view():
        return None

    @require_roles("admin", "dispatcher")
    def staff_view():
        return None

    def bare_view():
        return None

    assert access_rule(open_view).public and access_rule(open_view).reason == "why"
    assert access_rule(staff_view).roles == {"admin", "dispatcher"}
    assert access_rule(bare_view) is None
