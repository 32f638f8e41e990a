import datetime as dt

from django.urls import reverse
from django.utils import timezone

from audit.actions import record_event
from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase


class AuditLogTests(BaseTestCase):
    url = reverse("audit:log")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        def event(unit, label, action="person.update", actor=None, target_type="person"):
            return record_event(
                actor=actor or cls.root,
                action=action,
                target_type=target_type,
                target_id=1,
                target_label=label,
                unit_path=unit.path if unit else "",
                changes={"phone": ["0912345678", "0987654321"]},
            )

        cls.e_school = event(cls.school, "Nguyễn Thị Mai", actor=cls.lan)
        cls.e_cell = event(cls.cell, "Trần Thị Huyền", action="person.create", actor=cls.minh)
        cls.e_odien = event(cls.odien, "Lê Văn Đức", actor=cls.hoa)
        cls.e_gialai = event(cls.pleiku_ward, "Rơ Mah Hồng", actor=cls.pleiku)
        cls.e_global = event(None, "root2", action="role.grant", target_type="user")

    def labels(self, response):
        return {row["target_label"] for row in response.context["page"].object_list}

    def test_a_commune_admin_reads_only_events_of_the_commune(self):
        self.login(self.minh)
        self.assertEqual(self.labels(self.client.get(self.url)), {"Nguyễn Thị Mai", "Trần Thị Huyền"})

    def test_an_organisation_manager_reads_only_the_organisation(self):
        self.login(self.lan)
        self.assertEqual(self.labels(self.client.get(self.url)), {"Nguyễn Thị Mai"})

    def test_a_province_admin_reads_the_province_and_not_the_neighbour(self):
        self.login(self.hoa)
        self.assertEqual(self.labels(self.client.get(self.url)), {"Nguyễn Thị Mai", "Trần Thị Huyền", "Lê Văn Đức"})
        self.login(self.pleiku)
        self.assertEqual(self.labels(self.client.get(self.url)), {"Rơ Mah Hồng"})

    def test_a_system_admin_reads_everything_including_events_without_a_unit(self):
        self.login(self.root)
        self.assertEqual(len(self.labels(self.client.get(self.url))), 5)

    def test_newest_events_come_first(self):
        self.login(self.root)
        ids = [row["id"] for row in self.client.get(self.url).context["page"].object_list]
        self.assertEqual(ids, sorted(ids, reverse=True))

    def test_roles_without_audit_get_403(self):
        for persona in (self.tuan, self.mai):
            self.login(persona)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_filters_by_action_family_and_exact_action(self):
        self.login(self.root)
        self.assertEqual(len(self.labels(self.client.get(self.url, {"action": "person."}))), 4)
        self.assertEqual(self.labels(self.client.get(self.url, {"action": "person.create"})), {"Trần Thị Huyền"})

    def test_filters_by_target_type_actor_and_label(self):
        self.login(self.root)
        self.assertEqual(self.labels(self.client.get(self.url, {"target_type": "user"})), {"root2"})
        self.assertEqual(self.labels(self.client.get(self.url, {"actor": "LAN"})), {"Nguyễn Thị Mai"})
        self.assertEqual(self.labels(self.client.get(self.url, {"q": "thị"})), {"Nguyễn Thị Mai", "Trần Thị Huyền"})

    def test_filters_by_local_dates_both_ends_included(self):
        today = timezone.localdate()
        AuditEvent.objects.filter(pk=self.e_odien.pk).update(
            at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(23, 59)))
        )
        self.login(self.hoa)
        day = (today - dt.timedelta(days=3)).isoformat()
        self.assertEqual(self.labels(self.client.get(self.url, {"date_from": day, "date_to": day})), {"Lê Văn Đức"})
        self.assertNotIn("Lê Văn Đức", self.labels(self.client.get(self.url, {"date_from": today.isoformat()})))

    def test_a_reversed_date_range_is_explained(self):
        self.login(self.root)
        response = self.client.get(self.url, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].has_error("date_to"))

    def test_filters_never_widen_the_scope(self):
        self.login(self.minh)
        self.assertEqual(self.labels(self.client.get(self.url, {"q": "Lê Văn Đức"})), set())

    def test_the_number_of_queries_does_not_grow_with_the_events(self):
        self.login(self.hoa)
        self.client.get(self.url)
        with self.assertNumQueries(5):  # session, user, grants, count, page
            self.client.get(self.url)
        for i in range(30):
            record_event(
                actor=self.minh,
                action="person.update",
                target_type="person",
                target_id=i,
                target_label=f"p{i}",
                unit_path=self.school.path,
            )
        with self.assertNumQueries(5):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["page"].object_list), 33)

    def test_the_date_filters_say_they_are_dates_and_labels_have_no_colon(self):
        self.login(self.lan)
        response = self.client.get(self.url)
        self.assertContains(response, '<label for="id_date_from">Từ ngày</label>', html=True)
        self.assertContains(response, '<label for="id_date_to">Đến ngày</label>', html=True)

    def test_the_log_is_paginated(self):
        for i in range(60):
            record_event(
                actor=self.lan,
                action="person.update",
                target_type="person",
                target_id=i,
                target_label=f"p{i}",
                unit_path=self.school.path,
            )
        self.login(self.lan)
        self.assertEqual(len(self.client.get(self.url).context["page"].object_list), 50)
        self.assertEqual(len(self.client.get(self.url, {"page": 2}).context["page"].object_list), 11)


class AuditEventTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.event = record_event(
            actor=cls.lan,
            action="person.update",
            target_type="person",
            target_id=cls.p_mai.pk,
            target_label="Nguyễn Thị Mai",
            unit_path=cls.school.path,
            changes={"phone": ["0912345678", "0987654321"], "email": [None, "mai@example.vn"], "tags": ["a", ["b"]]},
        )

    def url(self, event):
        return reverse("audit:event", args=[event.pk])

    def test_the_changes_are_shown_as_a_table_of_before_and_after_sorted_by_field(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.event))
        self.assertEqual(
            response.context["rows"],
            [
                {"field": "email", "before": "", "after": "mai@example.vn"},
                {"field": "phone", "before": "0912345678", "after": "0987654321"},
                {"field": "tags", "before": "a", "after": '["b"]'},
            ],
        )
        self.assertContains(response, "<del>0912345678</del>", html=True)
        self.assertContains(response, "<ins>0987654321</ins>", html=True)

    def test_an_event_outside_the_scope_is_missing(self):
        self.login(self.pleiku)
        self.assertEqual(self.client.get(self.url(self.event)).status_code, 404)
        self.login(self.hoa)
        self.assertEqual(self.client.get(self.url(self.event)).status_code, 200)

    def test_an_event_without_a_unit_is_for_system_admins_only(self):
        event = record_event(actor=self.root, action="role.grant", target_type="user", target_id=self.root.pk)
        self.login(self.hoa)
        self.assertEqual(self.client.get(self.url(event)).status_code, 404)
        self.login(self.root)
        response = self.client.get(self.url(event))
        self.assertContains(response, reverse("accounts:user", args=[self.root.pk]))
