"""JSON answers encoded by orjson: the same document as Flask's encoder, in a fraction of its time.

Why: a queue page is fifty cases of thirty fields; encoding the answers was 4 % of gunicorn's
Python time in a photo surge (bench/README.md). orjson writes what Flask's provider writes here
(keys sorted, compact, UTF-8 as is: `ensure_ascii` is off); dates, dataclasses and whatever
orjson does not know go to Flask's own `default`, as before. Anything orjson refuses (an integer
beyond 64 bits, a non-string key it cannot sort), and any call asking for other options (an
indented debug answer), is encoded by Flask's provider: the answer never depends on the encoder.
Numbers may be spelled differently (orjson writes 1e-7 where Python writes 1e-07): the same value.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

_COMPACT = {"separators": (",", ":")}
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with `dumps` done by orjson where the result is the same document."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:  # noqa: ANN401 - any JSON-able value
        if kwargs != _COMPACT or self.ensure_ascii:  # not an answer (`response` asks compact)
            return super().dumps(obj, **kwargs)
        option = _OPTIONS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)
        try:
            return orjson.dumps(obj, default=self.default, option=option).decode()
        except TypeError:  # orjson.JSONEncodeError too: let Flask's encoder answer (or refuse)
            return super().dumps(obj, **kwargs)
