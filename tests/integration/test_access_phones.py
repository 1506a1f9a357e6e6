"""No answer ever carries a person's phone number to an actor who may not see it."""

from __future__ import annotations

from inspector.extensions import db

from ..access_crawl import PHONE_PLANTS, crawl, pages_with, start_urls
from ..access_matrix import ACTORS, plant_world


def test_planted_phones_reach_only_allowed_actors(demo_app):
    world = plant_world(demo_app)
    with demo_app.app_context():
        for plant in PHONE_PLANTS:
            plant.plant(world, plant.phone)
        db.session.commit()
    client = demo_app.test_client()
    urls = start_urls(world)
    seen_by: dict[str, set[str]] = {p.phone: set() for p in PHONE_PLANTS}
    for actor in ACTORS:
        pages = crawl(client, world.headers(actor), urls)
        assert len(pages) >= len(urls)
        for plant in PHONE_PLANTS:
            if pages_with(pages, plant.phone):
                seen_by[plant.phone].add(actor)
    # Equality, not subset: the allowed actors must find it, or the crawl proves nothing.
    assert seen_by == {p.phone: set(p.allowed) for p in PHONE_PLANTS}


def test_phone_pattern_finds_spaced_numbers():
    from ..access_crawl import phone_pattern

    pattern = phone_pattern("13800138000")
    assert pattern.search('{"phone": "138 0013 8000"}') and pattern.search("138-0013-8000")
    assert not pattern.search("138****8000")
