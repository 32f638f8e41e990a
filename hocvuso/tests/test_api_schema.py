from django.test import TestCase


class OpenApiTests(TestCase):
    def test_it_publishes_the_openapi_schema_of_every_resource(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        paths = set(response.json()["paths"])
        for expected in ("/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/people", "/api/v1/imports"):
            self.assertIn(expected, paths)

    def test_the_schema_declares_bearer_token_auth(self):
        schemes = self.client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
        self.assertEqual(schemes["TokenAuth"]["scheme"], "bearer")

    def test_the_api_refuses_a_request_without_a_token(self):
        self.assertEqual(self.client.get("/api/v1/people").status_code, 401)
