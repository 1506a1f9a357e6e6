"""The OpenAPI document is generated from the code and lists the contract's endpoints."""


def test_openapi_document_lists_contract_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.get_json()["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/zones/locate",
        "/api/v1/zones/import",
        "/api/v1/units",
        "/api/v1/categories",
        "/api/v1/routing-rules",
        "/api/v1/points",
        "/api/v1/reports",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/{action}",
    ):
        assert path in paths, path
    upload = paths["/api/v1/reports"]["post"]["requestBody"]["content"]["multipart/form-data"]
    schema = response.get_json()["components"]["schemas"][upload["schema"]["$ref"].split("/")[-1]]
    assert schema["properties"]["photo"]["items"]["format"] == "binary"
    assert {"lat", "lon", "client_id", "category_code"} <= set(schema["properties"])


def test_openapi_document_is_valid_openapi_3_with_open311(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)  # raises on any violation of the OpenAPI 3 specification
    assert document["openapi"].startswith("3.")
    for path in (
        "/open311/v2/discovery.{fmt}",
        "/open311/v2/services.{fmt}",
        "/open311/v2/services/{service_code}.{fmt}",
        "/open311/v2/requests.{fmt}",
        "/open311/v2/requests/{service_request_id}.{fmt}",
        "/open311/v2/tokens/{token}.{fmt}",
    ):
        assert path in document["paths"], path
    post = document["paths"]["/open311/v2/requests.{fmt}"]["post"]["requestBody"]["content"]
    form = post["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    properties = document["components"]["schemas"][form]["properties"]
    assert {"api_key", "service_code", "lat", "long", "address_string", "media"} <= set(properties)
    # Errors are documented as we answer them, not as flask-smorest's own error shape.
    error = document["components"]["schemas"]["ErrorEnvelope"]
    assert error["required"] == ["error"]
