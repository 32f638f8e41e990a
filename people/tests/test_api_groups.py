from hocvuso.testing import BaseTestCase
from people.tests.helpers import ApiMixin


class ApiGroupsTests(ApiMixin, BaseTestCase):
    def test_it_lists_the_groups_in_order(self):
        response = self.api("get", "/groups", self.tuan)
        self.assertEqual(response.status_code, 200)
        slugs = [g["slug"] for g in response.json()]
        self.assertEqual(slugs[:3], ["can-bo", "cong-chuc", "vien-chuc"])
        self.assertIn({"slug": "hoc-sinh", "name": "Học sinh", "name_en": "Student"}, response.json())
