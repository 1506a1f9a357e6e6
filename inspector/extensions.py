"""Extension objects live here unbound so that modules import them without importing the app."""

import http

from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from flask_sqlalchemy import SQLAlchemy
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class ErrorBody(Schema):
    class Meta:
        unknown = INCLUDE  # details such as `fields` or `case_id` ride along

    code = fields.String(required=True, metadata={"example": "invalid_input"})
    message = fields.String(required=True, metadata={"example": "输入内容有误 / Invalid input"})


class ErrorEnvelope(Schema):
    """{"error": {"code", "message"}}: every /api/v1 error (errors.py)."""

    error = fields.Nested(ErrorBody, required=True)


class InspectorApi(Api):
    """The OpenAPI document says what we answer: errors in our envelope. flask-smorest's
    catch-all `default` response claimed that every undocumented answer, 200s included, was an
    error body, so an outside tool checking responses found the document wrong; ours describes
    them without claiming a body schema."""

    ERROR_SCHEMA = ErrorEnvelope

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            "DEFAULT_ERROR",
            {
                "description": "其他回答;JSON 错误为 ErrorEnvelope / other answers (errors: ErrorEnvelope)"
            },
            lazy=True,
        )

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:  # noqa: ANN001
        """Register as flask-smorest does, and document the errors each /api/v1 view implies
        (apidoc.implied_errors). Open311 has its own error shape and documents its own."""
        from .apidoc import document_errors

        name = options.get("name", blp.name)
        prefix = options.get("url_prefix") or blp.url_prefix or ""
        if prefix == self._app.config["OPENAPI_URL_PREFIX"]:
            self._app.register_blueprint(blp, **options)
            app = self._app
            document_errors(
                blp._docs,
                lambda endpoint: app.view_functions[f"{name}.{endpoint}"],
                lambda endpoint: next(app.url_map.iter_rules(f"{name}.{endpoint}")),
            )
            self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
            blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
            self.spec.tag({"name": name, "description": blp.description})
            return
        super().register_blueprint(blp, parameters=parameters, **options)


api = InspectorApi()
