"""The image runs web, worker and beat as an unprivileged user, and compose keeps it that way."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
ROOT_NAMES = {"root", "0", "0:0", "root:root"}


def final_user_of_dockerfile() -> str:
    lines = (BASE_DIR / "Dockerfile").read_text().splitlines()
    users = [line.split(None, 1)[1].strip() for line in lines if re.match(r"USER\s+\S", line)]
    return users[-1] if users else ""


def compose_services() -> dict[str, str]:
    """Each service's block of docker-compose.yml, by name."""
    text = (BASE_DIR / "docker-compose.yml").read_text()
    services = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    blocks = re.split(r"^  (?=[a-z][\w-]*:\n)", services, flags=re.M)
    return {block.split(":", 1)[0]: block for block in blocks if block.strip()}


def test_the_image_ends_as_an_unprivileged_user():
    user = final_user_of_dockerfile()

    assert user, "the Dockerfile never leaves root"
    assert user.lower() not in ROOT_NAMES


def test_no_app_service_overrides_the_user():
    text = (BASE_DIR / "docker-compose.yml").read_text()
    services = compose_services()

    assert {"web", "worker", "beat", "migrate"} <= set(services)
    assert not re.search(r"^\s+user:", text, re.M), "a compose service sets its own user"


def test_beat_keeps_its_schedule_where_the_app_user_may_write():
    beat = compose_services()["beat"]

    schedule = re.search(r'"--schedule", "([^"]+)"', beat)

    assert schedule and schedule[1].startswith("/tmp/")
