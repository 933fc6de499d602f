"""Masking secret-looking values in commands: what is masked, what stays as written."""

from __future__ import annotations

import pytest

from gen.masking import MASK, clip, command_text, is_reference, is_secret_name, mask_text


@pytest.mark.parametrize(("text", "expected"), [
    ("app --password=hunter2", f"app --password={MASK}"),
    ("app --db-password=hunter2 --port=80", f"app --db-password={MASK} --port=80"),
    ("app --password hunter2 -v", f"app --password {MASK} -v"),
    ("app --api-key 'abc def'", f"app --api-key '{MASK}'"),
    ("app --token=\"abc\"", f"app --token=\"{MASK}\""),
    ("PASSWORD=x ./run", f"PASSWORD={MASK} ./run"),
    ("export MYSQL_ROOT_PASSWORD=s3cr3t; mysqld", f"export MYSQL_ROOT_PASSWORD={MASK}; mysqld"),
    ("curl https://user:pass@example.com/x", f"curl https://user:{MASK}@example.com/x"),
    ("curl 'http://h/x?token=abc&page=2'", f"curl 'http://h/x?token={MASK}&page=2'"),
    ("curl -H 'Authorization: Bearer abc.def'", f"curl -H 'Authorization: Bearer {MASK}'"),
    ("mysql -uroot -ps3cr3t -e 'SELECT 1'", f"mysql -uroot -p{MASK} -e 'SELECT 1'"),
    ("redis-cli -a s3cr3t ping", f"redis-cli -a {MASK} ping"),
    ("echo '{\"clientSecret\": \"abc\"}'", f"echo '{{\"clientSecret\": \"{MASK}\"}}'"),
    ("app --accessToken=abc", f"app --accessToken={MASK}"),
])
def test_secret_values_are_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected
    assert "hunter2" not in mask_text(text) and "s3cr3t" not in mask_text(text)


@pytest.mark.parametrize("text", [
    "app --password=$(DB_PASSWORD)",  # kubelet expands it from env: a reference, not a value
    "app --token ${TOKEN}",
    "PASSWORD=$PASSWORD ./run",
    "PASSWORD=\"$(cat /run/secrets/db)\" ./run",
    "mysql -h 127.0.0.1 -e 'SELECT 1'",
    "mysqladmin -uroot -p$MYSQL_ROOT_PASSWORD ping",
    "mysql -p mydb",  # -p alone prompts; mydb is a database name
    "nc -p 3307 host",  # -p is a port here
    "ssh -p 22 host",
    "nginx -s quit; while killall -0 nginx; do sleep 1; done",
    "echo Hello from the postStart handler > /usr/share/message",
    "app --keep-open --max-conns=1 --port 80",
    "app --password --verbose",  # a flag without a value
    "curl http://example.com/health?page=2",
    "",
])
def test_everything_else_stays_as_written(text: str) -> None:
    assert mask_text(text) == text


def test_a_masked_text_is_stable() -> None:
    once = mask_text("PASSWORD=x --token y https://a:b@c")
    assert mask_text(once) == once


@pytest.mark.parametrize(("name", "secret"), [
    ("password", True), ("DB_PASSWORD", True), ("api-key", True), ("apiKey", True), ("accessToken", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("credentials", True), ("auth", True), ("pwd", True),
    ("port", False), ("keep-open", False), ("monkey", False), ("PATH", False), ("author", False),
])
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_references() -> None:
    assert is_reference("$(SECRET)") and is_reference("'${TOKEN}'") and is_reference("$KEY")
    assert not is_reference("abc$KEY") and not is_reference("$(A) b")


def test_command_text_quotes_like_a_shell_and_masks() -> None:
    argv = ["/bin/sh", "-c", "PASSWORD=x exec app"]
    assert command_text(argv) == f"/bin/sh -c 'PASSWORD={MASK} exec app'"
    assert command_text(["sleep", 5]) == "sleep 5"
    # a flag and its value as two items of the argv
    assert command_text(["app", "--password", "hunter2"]) == f"app --password {MASK}"


def test_clip() -> None:
    assert clip("short", 10) == "short"
    assert clip("a\n  b", 10) == "a b"
    clipped = clip("x" * 50, 20)
    assert len(clipped) == 20 and clipped.endswith("…")


def test_a_secret_inside_a_quoted_command_is_masked() -> None:
    # `-c` takes the quoted script as its value; the script's own flags are masked as any command's.
    assert mask_text("sh -c 'login --token abc123'") == "sh -c 'login --token ***'"
    assert (mask_text('sh -c "curl -H Authorization:x --password=abc"')
            == 'sh -c "curl -H Authorization:*** --password=***"')
