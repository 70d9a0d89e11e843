"""Repeated wrong passwords lock sign-in for a while: per account and email, and per address."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessAttemptExpiration

from billing_saas.testing.fixtures import PASSWORD, client_on, make_member

LOCKED = "Too many failed sign-in attempts. Try again in {} minutes."
WRONG = "not-the-password"


def sign_in(tenant, email, password, ip="10.0.0.1"):
    return client_on(tenant).post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def fail(tenant, email, times, ip="10.0.0.1"):
    return [sign_in(tenant, email, WRONG, ip).status_code for _ in range(times)]


def minutes_pass(minutes):
    """Travel: every recorded failure happened ``minutes`` earlier."""
    earlier = timedelta(minutes=minutes)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= earlier
        attempt.save(update_fields=["attempt_time"])
    for expiration in AccessAttemptExpiration.objects.all():
        expiration.expires_at -= earlier
        expiration.save(update_fields=["expires_at"])


def test_the_fifth_wrong_password_locks_sign_in_with_a_clear_page(alpha):
    make_member(alpha, "mia@example.com")

    assert fail(alpha, "mia@example.com", 4) == [200] * 4
    fifth = sign_in(alpha, "mia@example.com", WRONG)
    right_password = sign_in(alpha, "mia@example.com", PASSWORD)

    assert fifth.status_code == 429
    assert LOCKED.format(5) in fifth.content.decode()
    assert "Forgot your password?" in fifth.content.decode()
    assert right_password.status_code == 429
    assert LOCKED.format(5) in right_password.content.decode()


def test_two_hundred_wrong_passwords_are_not_all_checked(alpha):
    make_member(alpha, "mia@example.com")

    answers = fail(alpha, "mia@example.com", 200)

    assert answers.count(200) == 4
    assert answers[4:] == [429] * 196


def test_the_same_email_on_another_account_is_a_different_user(alpha, beta):
    make_member(alpha, "mia@example.com")
    make_member(beta, "mia@example.com")
    fail(alpha, "mia@example.com", 5, ip="10.0.0.1")

    assert sign_in(beta, "mia@example.com", PASSWORD, ip="10.0.0.2").status_code == 302
    assert sign_in(alpha, "mia@example.com", PASSWORD, ip="10.0.0.3").status_code == 429


def test_one_address_trying_many_emails_is_locked_on_every_account(alpha, beta, settings):
    assert settings.SIGN_IN_IP_FAILURE_LIMIT == 20
    make_member(beta, "bea@example.com")
    for n in range(19):
        sign_in(alpha, f"guess{n}@example.com", WRONG, ip="10.0.0.9")
    assert sign_in(beta, "bea@example.com", PASSWORD, ip="10.0.0.9").status_code == 302

    sign_in(alpha, "guess19@example.com", WRONG, ip="10.0.0.9")  # the address's 20th failure
    assert sign_in(beta, "bea@example.com", PASSWORD, ip="10.0.0.9").status_code == 429
    assert sign_in(beta, "bea@example.com", PASSWORD, ip="10.0.0.10").status_code == 302


def test_a_few_typos_in_one_office_lock_nobody_else_out(alpha):
    for name in ("ann", "ben", "cat"):
        make_member(alpha, f"{name}@example.com")
    fail(alpha, "ann@example.com", 5, ip="10.0.0.7")  # Ann is locked out...
    fail(alpha, "ben@example.com", 4, ip="10.0.0.7")

    assert sign_in(alpha, "ann@example.com", PASSWORD, ip="10.0.0.7").status_code == 429
    # ...her colleagues behind the same address are not.
    assert sign_in(alpha, "ben@example.com", PASSWORD, ip="10.0.0.7").status_code == 302
    assert sign_in(alpha, "cat@example.com", PASSWORD, ip="10.0.0.7").status_code == 302


def test_a_successful_sign_in_forgets_that_users_failures(alpha):
    make_member(alpha, "mia@example.com")
    fail(alpha, "mia@example.com", 4)

    assert sign_in(alpha, "mia@example.com", PASSWORD).status_code == 302
    assert fail(alpha, "mia@example.com", 4) == [200] * 4


def test_the_lock_lifts_after_the_cool_off(alpha):
    make_member(alpha, "mia@example.com")
    fail(alpha, "mia@example.com", 5)

    minutes_pass(4)
    assert sign_in(alpha, "mia@example.com", PASSWORD).status_code == 429
    minutes_pass(6)
    assert sign_in(alpha, "mia@example.com", PASSWORD).status_code == 302


def test_trying_on_while_locked_makes_the_cool_off_grow(alpha):
    make_member(alpha, "mia@example.com")
    fail(alpha, "mia@example.com", 9)

    tenth = sign_in(alpha, "mia@example.com", WRONG)

    assert LOCKED.format(10) in tenth.content.decode()
    minutes_pass(6)
    assert sign_in(alpha, "mia@example.com", PASSWORD).status_code == 429
