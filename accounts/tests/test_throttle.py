import datetime as dt

from django.test import RequestFactory, TestCase, override_settings
from django.utils import timezone

from accounts import throttle
from accounts.models import SignInFailure

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@override_settings(SIGNIN_MAX_FAILURES=5, SIGNIN_WINDOW_SECONDS=900)
class ThrottleTests(TestCase):
    def fail(self, n, *, username="minh", ip="203.0.113.7", start=T0, step=dt.timedelta(seconds=10)):
        for i in range(n):
            throttle.record_failure(username=username, ip=ip, now=start + i * step)

    def test_four_failures_do_not_block_and_leave_one_attempt(self):
        self.fail(4)
        state = throttle.status(username="minh", ip="203.0.113.7", now=T0 + dt.timedelta(minutes=1))
        self.assertIsNone(state.block)
        self.assertEqual(state.remaining, 1)

    def test_the_fifth_failure_blocks_until_the_oldest_leaves_the_window(self):
        self.fail(5)
        block = throttle.check(username="minh", ip="198.51.100.1", now=T0 + dt.timedelta(minutes=1))
        self.assertEqual(block.until, T0 + dt.timedelta(seconds=900))
        self.assertEqual(block.retry_after(T0 + dt.timedelta(minutes=1)), 840)

    def test_the_block_lifts_when_the_window_has_passed(self):
        self.fail(5)
        self.assertIsNotNone(throttle.check(username="minh", ip="x", now=T0 + dt.timedelta(seconds=899)))
        self.assertIsNone(throttle.check(username="minh", ip="x", now=T0 + dt.timedelta(seconds=900)))

    def test_the_username_counter_ignores_case(self):
        self.fail(5, username="Minh")
        self.assertIsNotNone(throttle.check(username="MINH", ip="x", now=T0 + dt.timedelta(minutes=1)))

    def test_one_address_trying_many_usernames_is_blocked(self):
        for i in range(5):
            throttle.record_failure(username=f"user{i}", ip="203.0.113.7", now=T0)
        self.assertIsNotNone(throttle.check(username="someone-else", ip="203.0.113.7", now=T0))
        self.assertIsNone(throttle.check(username="someone-else", ip="203.0.113.8", now=T0))

    def test_an_ipv6_client_is_counted_per_64_network(self):
        for i in range(5):
            throttle.record_failure(username=f"user{i}", ip=f"2001:db8:1:2::{i + 1}", now=T0)
        self.assertIsNotNone(throttle.check(username="x", ip="2001:db8:1:2:ffff::9", now=T0))
        self.assertIsNone(throttle.check(username="x", ip="2001:db8:1:3::1", now=T0))

    @override_settings(SIGNIN_MAX_FAILURES_PER_IP=20)
    def test_a_shared_address_may_get_more_room_than_a_username(self):
        for i in range(5):
            throttle.record_failure(username=f"teacher{i}", ip="203.0.113.7", now=T0)
        self.assertIsNone(throttle.check(username="teacher9", ip="203.0.113.7", now=T0))

    def test_clearing_a_username_keeps_the_address_counter(self):
        self.fail(5)
        throttle.clear_username("minh")
        self.assertIsNone(throttle.check(username="minh", ip="198.51.100.1", now=T0))
        self.assertIsNotNone(throttle.check(username="lan", ip="203.0.113.7", now=T0))

    def test_old_failures_are_deleted_when_new_ones_are_recorded(self):
        self.fail(3)
        throttle.record_failure(username="lan", ip="x", now=T0 + dt.timedelta(hours=1))
        self.assertEqual(SignInFailure.objects.count(), 2)

    def test_no_username_or_address_is_stored_in_clear(self):
        self.fail(1)
        keys = list(SignInFailure.objects.values_list("key", flat=True))
        self.assertTrue(all(len(k) == 64 and "minh" not in k and "203" not in k for k in keys))

    def test_status_costs_one_query(self):
        with self.assertNumQueries(1):
            throttle.status(username="minh", ip="203.0.113.7", now=timezone.now())


class ClientIpTests(TestCase):
    def request(self, **meta):
        return RequestFactory().get("/", **meta)

    def test_without_a_proxy_the_forwarded_header_is_ignored(self):
        req = self.request(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
        self.assertEqual(throttle.client_ip(req), "198.51.100.9")

    @override_settings(SIGNIN_TRUSTED_PROXIES=1)
    def test_behind_one_proxy_the_last_forwarded_address_is_the_client(self):
        # The client forged "1.2.3.4"; the proxy appended the real address.
        req = self.request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
        self.assertEqual(throttle.client_ip(req), "198.51.100.9")

    @override_settings(SIGNIN_TRUSTED_PROXIES=1)
    def test_behind_a_proxy_without_the_header_the_socket_address_is_used(self):
        self.assertEqual(throttle.client_ip(self.request(REMOTE_ADDR="127.0.0.1")), "127.0.0.1")
