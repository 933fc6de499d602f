"""Masking secret-looking values in commands: what is masked, what stays as written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from linearity import LINEAR_BOUND, growth

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


# Forty-odd commands seen in hook and probe commands: (command, secret parts that must not survive, harmless parts
# that must stay: program names, ports, paths, hosts, user names).
SAMPLES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("curl -u admin:Hunter2x https://h:8443/x", ("Hunter2x",), ("curl", "https://h:8443/x")),
    ("curl -uadmin:Hunter2x http://h/", ("Hunter2x",), ("curl", "http://h/")),
    ("curl --user admin:Hunter2x http://h:80/health", ("Hunter2x",), ("--user", "http://h:80/health")),
    ("curl --user=admin:Hunter2x http://h/", ("Hunter2x",), ("--user=",)),
    ("curl -fsS https://ghp0TokenValue9@github.com/org/repo", ("ghp0TokenValue9",), ("@github.com/org/repo",)),
    ("git clone https://oauth2:glpatValue7@gitlab.example.com/g/p.git", ("glpatValue7",),
     ("oauth2", "gitlab.example.com/g/p.git")),
    ("curl -H 'X-Api-Key: kval123' http://h:8080/", ("kval123",), ("X-Api-Key", ":8080/")),
    ('curl -H "X-Api-Key: kval123" http://h/', ("kval123",), ("X-Api-Key",)),
    ("curl -H X-Api-Key:kval123 http://h/", ("kval123",), ("X-Api-Key", "http://h/")),
    ("curl --header 'PRIVATE-TOKEN: glpat123' https://gitlab/api/v4", ("glpat123",), ("PRIVATE-TOKEN", "/api/v4")),
    ("curl --header=PRIVATE-TOKEN:glpat123 https://gitlab/", ("glpat123",), ("PRIVATE-TOKEN",)),
    ("curl -H 'Cookie: session=abc123; theme=dark' http://h/", ("abc123", "dark"), ("Cookie", "http://h/")),
    ("wget --header='Cookie: sid=abc123' -qO- http://h/", ("abc123",), ("wget", "-qO- http://h/")),
    ("curl -H 'Authorization: Bearer eyJabc.def' http://h/", ("eyJabc",), ("Authorization: Bearer",)),
    ("docker login -u me -p Hunter2x registry.example.com", ("Hunter2x",),
     ("docker login -u me", "registry.example.com")),
    ("docker login -u me -pHunter2x reg", ("Hunter2x",), ("docker login",)),
    ("podman login --password Hunter2x quay.io", ("Hunter2x",), ("quay.io",)),
    ("sshpass -p Hunter2x ssh -p 22 user@host", ("Hunter2x",), ("ssh -p 22 user@host",)),
    ("sshpass -pHunter2x scp f host:/tmp", ("Hunter2x",), ("scp f host:/tmp",)),
    ("openssl enc -aes-256-cbc -k Hunter2x -in /a -out /b", ("Hunter2x",), ("-in /a -out /b", "openssl enc")),
    ("openssl pkcs12 -in c.p12 -passin pass:Hunter2x -out c.pem", ("Hunter2x",), ("-in c.p12", "-out c.pem")),
    ("vault login s.Hunter2xToken", ("Hunter2xToken",), ("vault login",)),
    ("vault login -method=userpass username=me password=Hunter2x", ("Hunter2x",), ("-method=userpass", "username=me")),
    ("app --dsn app:Hunter2x@tcp(db:3306)/shop", ("Hunter2x",), ("db:3306)/shop", "app:")),
    ("psql user:Hunter2x@db.shop:5432/app -c 'select 1'", ("Hunter2x",), ("@db.shop:5432/app", "select 1")),
    ("echo c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZw== | base64 -d", ("c2VjcmV0LXZhbHVl",), ("base64 -d", "echo")),
    ("app --init AKIAx9Jq2LmNoPqRsTuVwXyZ7 run", ("AKIAx9Jq2LmNoPqRsTuVwXyZ7",), ("app --init", "run")),
    ("curl 'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2030-01-01&sig=AbCd%2Bef'", ("AbCd",),
     ("sv=2022-11-02", "acct.blob.core.windows.net/c/b")),
    ("curl 'https://s3/b/k?X-Amz-Credential=AKIAQ%2F2024&X-Amz-Signature=f00dbabe'", ("f00dbabe", "AKIAQ"),
     ("https://s3/b/k",)),
    ("curl 'https://h/x?X-Goog-Signature=abc999&alt=media'", ("abc999",), ("alt=media",)),
    ("curl https://h/health?access_token=Tok9", ("Tok9",), ("https://h/health",)),
    ("mysql -uroot -pHunter2x -h db -P 3306", ("Hunter2x",), ("-uroot", "-P 3306", "-h db")),
    ("redis-cli -h cache -p 6379 -a Hunter2x ping", ("Hunter2x",), ("-p 6379", "ping")),
    ("mongosh mongodb://admin:Hunter2x@mongo:27017/db", ("Hunter2x",), ("mongo:27017/db", "admin")),
    ("mongosh --host mongo -u admin -p Hunter2x", ("Hunter2x",), ("--host mongo", "-u admin")),
    ("kubectl create secret generic s --from-literal=password=Hunter2x", ("Hunter2x",), ("--from-literal=password=",)),
    ("helm upgrade x c --set db.user=me,db.password=Hunter2x", ("Hunter2x",), ("db.user=me",)),
    ("python -c \"requests.get(u, headers={'X-Api-Key': 'kval123'})\"", ("kval123",), ("X-Api-Key",)),
    ("sh -c 'echo api_key: kval123 >> /etc/app.yaml'", ("kval123",), ("/etc/app.yaml",)),
    ("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY; aws s3 ls", ("wJalrXUtnFEMI",), ("aws s3 ls",)),
    ("redis-cli -u redis://:Hunter2x@cache:6379 ping", ("Hunter2x",), ("cache:6379 ping",)),
    ("curl -sf http://localhost:8080/healthz", (), ("curl -sf http://localhost:8080/healthz",)),
    ("docker run -p 8080:80 nginx", (), ("docker run -p 8080:80 nginx",)),
    ("java -XX:+HeapDumpOnOutOfMemoryError -jar /opt/App2Config/app.jar", (),
     ("java -XX:+HeapDumpOnOutOfMemoryError -jar /opt/App2Config/app.jar",)),
    ("crane digest nginx@sha256:0123456789abcdef0123456789abcdef", (), ("sha256:0123456789abcdef0123456789abcdef",)),
    ("ssh -p 2222 git@github.com", (), ("ssh -p 2222 git@github.com",)),
]


@pytest.mark.parametrize(("text", "secrets", "kept"), SAMPLES, ids=[s[0][:40] for s in SAMPLES])
def test_forty_commands_lose_their_secrets_and_keep_the_rest(
        text: str, secrets: tuple[str, ...], kept: tuple[str, ...]) -> None:
    masked = mask_text(text)
    for secret in secrets:
        assert secret not in masked, masked
    for harmless in kept:
        assert harmless in masked, masked
    assert mask_text(masked) == masked  # stable: masking a masked text changes nothing
    assert len(SAMPLES) >= 40


@pytest.mark.parametrize(("shape", "make"), [
    ("one long word", lambda n: "a" * n),  # a URL's scheme, never followed by ://
    ("unclosed references", lambda n: " a=$(" * (n // 5)),
    ("unclosed braces", lambda n: " a=${" * (n // 5)),
    ("words and colons", lambda n: ",a:" * (n // 3)),
    ("user parts", lambda n: "x://" + "u" * n),
    ("headers", lambda n: "-H " * (n // 3)),
    ("a base64 alphabet run", lambda n: "aB1" * (n // 3) + "==="),
    ("programs", lambda n: "mysql " * (n // 6)),
])
def test_masking_is_linear_in_the_commands_length(shape: str, make: Callable[[int], str]) -> None:
    # Structural, not a clock: 16× the text takes about 16× the time (the fastest of a few runs each); a pattern
    # retried at every offset of a long word takes 256× (a 60 KB probe command took 8.5 s).
    ratio = growth(mask_text, make, 4000)
    assert ratio < LINEAR_BOUND, f"{shape}: 16× the text took {ratio:.0f}× the time"
