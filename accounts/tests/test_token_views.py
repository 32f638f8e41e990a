import io

from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import actions
from accounts.models import ApiToken
from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase


class TokenActionTests(BaseTestCase):
    def test_only_a_digest_of_the_token_is_stored(self):
        token, raw = actions.create_token(user=self.tuan, name="đồng bộ danh sách")
        self.assertTrue(raw.startswith("hvs_"))
        self.assertEqual(token.digest, ApiToken.hash(raw))
        self.assertEqual(token.prefix, raw[4:12])
        self.assertFalse(ApiToken.objects.filter(digest=raw).exists())
        self.assertEqual(AuditEvent.objects.get().action, "token.create")

    def test_a_token_needs_a_name(self):
        with self.assertRaises(actions.ActionRefused):
            actions.create_token(user=self.tuan, name="  ")

    def test_the_number_of_tokens_is_limited(self):
        for i in range(actions.MAX_TOKENS_PER_USER):
            actions.create_token(user=self.tuan, name=f"t{i}")
        with self.assertRaises(actions.ActionRefused):
            actions.create_token(user=self.tuan, name="one too many")

    def test_nobody_revokes_someone_elses_token(self):
        token, _ = actions.create_token(user=self.tuan, name="x")
        with self.assertRaises(actions.ActionRefused):
            actions.revoke_token(user=self.minh, token=token)


class TokenViewTests(BaseTestCase):
    url = reverse("accounts:tokens")

    def test_a_created_token_is_shown_once_and_works_on_the_api(self):
        self.login(self.tuan)
        response = self.client.post(self.url, {"name": "script"})
        raw = response.context["raw_token"]
        self.assertContains(response, raw)
        self.assertIn("no-store", response["Cache-Control"])
        listing = self.client.get(self.url)
        self.assertNotContains(listing, raw)
        self.assertContains(listing, f"hvs_{raw[4:12]}…")
        self.client.logout()
        api = self.client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {raw}"})
        self.assertEqual(api.status_code, 200)

    def test_the_list_shows_only_ones_own_tokens(self):
        actions.create_token(user=self.minh, name="của Minh")
        actions.create_token(user=self.tuan, name="của Tuấn")
        self.login(self.tuan)
        response = self.client.get(self.url)
        self.assertContains(response, "của Tuấn")
        self.assertNotContains(response, "của Minh")

    def test_a_token_is_revoked(self):
        token, raw = actions.create_token(user=self.tuan, name="script")
        self.login(self.tuan)
        response = self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertFalse(ApiToken.objects.exists())

    def test_someone_elses_token_is_missing(self):
        token, _ = actions.create_token(user=self.minh, name="script")
        self.login(self.tuan)
        self.assertEqual(self.client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code, 404)
        self.assertTrue(ApiToken.objects.filter(pk=token.pk).exists())

    def test_an_empty_name_is_explained(self):
        self.login(self.tuan)
        response = self.client.post(self.url, {"name": ""})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].has_error("name"))

    def test_a_learner_may_have_tokens_too(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(self.url).status_code, 200)


class CreateTokenCommandTests(BaseTestCase):
    def test_it_prints_only_the_raw_token(self):
        out = io.StringIO()
        call_command("create_token", "tuan", "--name", "nightly", stdout=out)
        raw = out.getvalue().strip()
        token = ApiToken.objects.get()
        self.assertEqual((token.user, token.name, token.digest), (self.tuan, "nightly", ApiToken.hash(raw)))

    def test_an_unknown_username_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "nobody"):
            call_command("create_token", "nobody", "--name", "x", stdout=io.StringIO())

    def test_an_inactive_user_gets_no_token(self):
        self.tuan.is_active = False
        self.tuan.save(update_fields=["is_active"])
        with self.assertRaises(CommandError):
            call_command("create_token", "tuan", "--name", "x", stdout=io.StringIO())
