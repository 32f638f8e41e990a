import datetime as dt

from campaigns import actions
from campaigns.models import CampaignMember
from campaigns.tests.helpers import PopulationMixin, at
from hocvuso.testing import BaseTestCase


class DashboardViewTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.campaign = cls.make_campaign()
        members = {m.person_id: m for m in CampaignMember.objects.filter(campaign=cls.campaign)}
        for p in cls.teachers[:3] + cls.party[:2] + cls.od_officials[:1]:
            actions.record_progress(member=members[p.pk], started_at=at(dt.date(2025, 4, 1)))
        actions.add_target(campaign=cls.campaign, measure="participation", percent=95, deadline=dt.date(2025, 12, 31))

    def url(self, unit=None):
        return f"/reports/{self.campaign.slug}/" + (f"?unit={unit.pk}" if unit else "")

    def test_the_province_sees_the_campaign_figures_in_vietnamese_notation(self):
        self.login(self.hoa)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "6/15")
        self.assertContains(response, "40,00%")
        self.assertContains(response, "Xã Liên Minh")
        self.assertContains(response, "<svg", count=1)

    def test_a_commune_administrator_starts_at_their_commune_and_cannot_see_the_other(self):
        self.login(self.minh)
        response = self.client.get(self.url())
        self.assertEqual(response.context["unit"], self.lienminh)
        self.assertContains(response, "5/11")
        self.assertEqual(self.client.get(self.url(self.odien)).status_code, 404)

    def test_someone_outside_the_campaign_gets_404(self):
        self.login(self.pleiku)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_a_learner_without_view_rights_cannot_see_dashboards(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_the_dashboard_shows_target_progress_and_a_forecast(self):
        self.login(self.hoa)
        response = self.client.get(self.url())
        ((progress, forecast),) = response.context["targets"]
        self.assertEqual((progress.achieved, progress.members, progress.needed), (6, 15, 15))
        self.assertIn(forecast, response.content.decode())

    def test_the_dashboard_query_count_does_not_grow_with_the_number_of_units(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.hoa)
        self.client.get(self.url())  # warm caches (content types, sessions)
        counts = []
        for unit in (self.lienminh, self.odien):  # 3 and 1 rows of figures
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(self.url(unit))
            counts.append(len(ctx.captured_queries))
        self.assertEqual(len(set(counts)), 1, counts)
        self.assertLessEqual(counts[0], 25)
