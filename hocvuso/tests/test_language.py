from django.test import TestCase


class LanguageTests(TestCase):
    def test_it_speaks_vietnamese_to_a_browser_that_prefers_english(self):
        response = self.client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, "Đăng nhập")
        self.assertEqual(response["Content-Language"], "vi")

    def test_it_speaks_english_once_the_user_chooses_it(self):
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
        response = self.client.get("/accounts/login/")
        self.assertContains(response, "<h1>Sign in</h1>", html=True)
        self.assertEqual(response["Content-Language"], "en")

    def test_it_ignores_a_language_cookie_it_does_not_support(self):
        self.client.cookies["django_language"] = "fr"
        self.assertContains(self.client.get("/accounts/login/"), "Đăng nhập")
