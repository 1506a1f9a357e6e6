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
