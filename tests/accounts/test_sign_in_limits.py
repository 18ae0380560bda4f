"""Brute force: wrong passwords lock one username from one address for a
while (django-axes), the token endpoint and the API are throttled (DRF), and
password-reset emails are limited per address and per client."""

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.throttling import UserRateThrottle

from apps.core.http import client_ip
from tests.factories import PASSWORD

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
COOLOFF = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def _sign_in(client, username, password, address=ATTACKER):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_lock_that_username_from_that_address(client, pm):
    answers = [_sign_in(client, "pm", f"guess-{n}") for n in range(30)]

    limit = settings.AXES_FAILURE_LIMIT
    assert [a.status_code for a in answers[: limit - 1]] == [200] * (limit - 1)
    assert all(a.status_code == 429 for a in answers[limit - 1 :])
    assert answers[-1]["Retry-After"] == COOLOFF
    assert b"Too many failed sign-ins" in answers[-1].content

    right = _sign_in(client, "pm", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_lock_the_person_out_from_elsewhere(client, pm, member):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "pm", f"guess-{n}")
    assert _sign_in(client, "pm", PASSWORD).status_code == 429

    assert _sign_in(client, "pm", PASSWORD, address=ELSEWHERE).status_code == 302
    client.logout()
    # Others signing in from the attacker's address are not affected either.
    assert _sign_in(client, "member", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, pm):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "pm", f"guess-{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert _sign_in(client, "pm", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_mistakes(client, pm):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "pm", f"guess-{n}")
    assert _sign_in(client, "pm", PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "pm", "one-more-typo").status_code == 200


def _ask_token(api, username, password, address=ATTACKER):
    return api.post("/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_for_a_token_are_refused_with_429_and_retry_after(api, pm):
    answers = [_ask_token(api, "pm", f"guess-{n}") for n in range(30)]

    limit = settings.AXES_FAILURE_LIMIT
    assert [a.status_code for a in answers[: limit - 1]] == [400] * (limit - 1)
    assert all(a.status_code == 429 for a in answers[limit - 1 :])
    assert all(int(a["Retry-After"]) > 0 for a in answers[limit - 1 :])
    assert "detail" in answers[-1].json()

    assert _ask_token(api, "pm", PASSWORD).status_code == 429
    assert "token" in _ask_token(api, "pm", PASSWORD, address=ELSEWHERE).json()


def test_the_token_endpoint_is_throttled_per_client_address_whatever_the_username(api, db):
    answers = [_ask_token(api, f"someone-{n}", "x") for n in range(15)]
    assert [a.status_code for a in answers[:10]] == [400] * 10
    assert answers[10].status_code == 429
    assert int(answers[10]["Retry-After"]) > 0
    assert _ask_token(api, "someone", "x", address=ELSEWHERE).status_code == 400


def test_the_api_is_throttled_per_person(api, pm):
    api.as_user(pm)
    with mock.patch.object(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"}):
        answers = [api.get("/api/v1/me/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


def test_throttles_count_in_a_cache_shared_by_all_processes():
    assert settings.CACHES["default"]["BACKEND"] in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }


def _ask_reset(client, email, address=ATTACKER):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_twenty_reset_requests_for_one_address_send_only_a_few_emails(client, pm):
    answers = [_ask_reset(client, pm.email) for _ in range(20)]

    limit = settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR
    assert len(mail.outbox) == limit
    assert [a.status_code for a in answers[:limit]] == [302] * limit
    assert all(a.status_code == 429 for a in answers[limit:])
    assert 0 < int(answers[-1]["Retry-After"]) <= 3600
    assert b"Too many password-reset emails were asked for this address" in answers[-1].content


def test_the_address_limit_holds_from_anywhere_and_whatever_the_case(client, pm):
    for n in range(settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR):
        _ask_reset(client, pm.email, address=f"192.0.2.{n}")
    assert _ask_reset(client, pm.email.upper(), address=ELSEWHERE).status_code == 429


def test_one_client_cannot_flood_many_addresses(client, db, settings):
    settings.PASSWORD_RESETS_PER_CLIENT_PER_HOUR = 4
    answers = [_ask_reset(client, f"nobody-{n}@example.com") for n in range(6)]
    assert [a.status_code for a in answers] == [302, 302, 302, 302, 429, 429]
    assert b"from your network" in answers[-1].content
    assert _ask_reset(client, "nobody-9@example.com", address=ELSEWHERE).status_code == 302


def test_an_unknown_address_counts_like_a_known_one(client, pm):
    """Otherwise the limit would tell which addresses have accounts."""
    limit = settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR
    unknown = [_ask_reset(client, "nobody@example.com").status_code for _ in range(limit + 1)]
    known = [_ask_reset(client, pm.email, address=ELSEWHERE).status_code for _ in range(limit + 1)]
    assert unknown == known


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # what the one proxy saw, not what the client claims
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.2", "1.1.1.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_is_what_the_nearest_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
