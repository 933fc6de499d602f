"""Masking values that look secret in commands shown in figures and in the source view (one masking for both).

A command is shown as written, except the value of anything *named* like a secret: a flag (`--password=x`,
`--password x`), a variable or key assignment (`PASSWORD=x`, `?token=x`, `?sig=x`), a `Name: value` or JSON pair,
the password of a URL or DSN (`https://user:pass@host`, `user:pass@host:5432/db`) and a token written as a URL's
user (`https://TOKEN@host`), `Authorization:`, `Cookie:` and other secret-named headers (`-H 'X-Api-Key: x'`), the
password flags of programs where they mean that (`mysql -pX`, `redis-cli -a X`, `curl -u user:pw`, `docker login
-p X`, `sshpass -p X`, `openssl -k X`, `vault login TOKEN`), and long runs of the base64 alphabet that look like a
key. A value that is only a reference (`$(SECRET)`, `${TOKEN}`, `$KEY`) names no secret and stays. Pure functions of
their input, nothing else, linear in its length.

Short flags are masked only for the programs listed in PASSWORD_FLAGS: `-p` is a port for ssh, nc and
most other tools, and masking it everywhere would hide harmless values.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from .records import record

MASK = "***"

# Words that make a name secret-looking, as a whole part of the name (parts split at - _ . and case changes)...
_SECRET_PARTS = frozenset({"password", "passwd", "pass", "pwd", "secret", "token", "key", "apikey", "credential",
                           "credentials", "auth", "passphrase", "passin", "passout", "cookie",
                           # signed URLs: Azure SAS `sig`, S3 `X-Amz-Signature`, GCS `X-Goog-Signature`
                           "sig", "signature"})
# ...or anywhere inside it (MYSQL_ROOT_PASSWORD, accessToken, clientSecret, privatekey).
_SECRET_INFIXES = ("password", "passwd", "secret", "token", "credential", "apikey", "privatekey", "accesskey",
                   "signature")
# Headers whose value is secret whatever their name says.
_SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})

# Where a program appears, the flags whose value is a password (or a user:password), up to the end of its command
# (`;`, `&`, `|`, a newline). Short flags only for these programs: `-p` is a port for ssh, nc, docker run and most
# other tools, and masking it everywhere would hide harmless values. `glued`: the value is only ever written
# glued to the flag (`mysql -p db` prompts for a password and names a database).
@record(frozen=True)
class PasswordFlags:
    short: str = ""  # one letter, or ""
    long: tuple[str, ...] = ()
    glued: bool = False


_MYSQL = PasswordFlags("p", glued=True)
_LOGIN = PasswordFlags("p")  # registry logins: `docker login -u me -p X`
PASSWORD_FLAGS: dict[str, PasswordFlags] = {
    "mysql": _MYSQL, "mysqladmin": _MYSQL, "mysqldump": _MYSQL, "mariadb": _MYSQL, "mariadb-admin": _MYSQL,
    "mariadb-dump": _MYSQL,
    "redis-cli": PasswordFlags("a"), "sshpass": PasswordFlags("p"), "openssl": PasswordFlags("k"),
    "mongo": PasswordFlags("p"), "mongosh": PasswordFlags("p"),
    "curl": PasswordFlags("u", ("--user", "--proxy-user")),  # -u user:password
    "docker login": _LOGIN, "podman login": _LOGIN, "buildah login": _LOGIN, "skopeo login": _LOGIN,
    "nerdctl login": _LOGIN, "oras login": _LOGIN, "helm registry login": _LOGIN,
}

# A value: a quoted string or a run of characters that ends a shell word or a URL query part. A reference stops at
# the next bracket, so that an unclosed `$(` cannot make every later start scan to the end of the text.
_VALUE = r"""(?:\$\([^()]*\)|\$\{[^{}]*\}|"[^"]*"|'[^']*'|[^\s"'&;|)<>,}]+)"""
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*"
# Every pattern below runs on commands of any length (a probe's 60 KB script), so each is linear in it: each can
# start only where its first part starts (a lookbehind: never at every offset of a long word only to fail at its
# end) and what it scans from there is bounded by a closing character or a length.
# NAME=value after a word boundary, a flag's dashes, a URL's ? and &, or a list's = and , (`--set a=1,password=x`).
_ASSIGNMENT = re.compile(rf"(?P<lead>(?:^|(?<=[\s?&;\"'(=,]))(?:--?)?)(?P<name>{_NAME})(?P<sep>=)(?P<value>{_VALUE})")
# --name value (a flag then its value as the next word).
_FLAG_THEN_VALUE = re.compile(rf"(?P<lead>(?:^|(?<=[\s\"'(]))--?)(?P<name>{_NAME})(?P<sep>\s+)(?P<value>{_VALUE})")
# "name": "value" or 'name': 'value' (JSON or a Python dict written into a command)
_JSON_PAIR = re.compile(r"""(?P<lead>(?P<quote>["']))(?P<name>[A-Za-z_][A-Za-z0-9_.-]{0,127})"""
                        r"""(?P<sep>(?P=quote)\s*:\s*)(?P<value>"[^"]*"|'[^']*')""")
# Name: value, one word (a header or a YAML line in a script): masked when the name is secret-looking.
_COLON_PAIR = re.compile(r"""(?P<lead>(?<![\w.-]))(?P<name>[A-Za-z][A-Za-z0-9_-]{0,63})(?P<sep>:[ \t]*)"""
                         r"""(?P<value>[^\s"':/][^\s"']*)""")
# scheme://user:password@ and scheme://token@ (a token as the URL's user)
_URL_USERINFO = re.compile(r"(?P<lead>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}://)"
                           r"(?P<user>[^\s:/@\"'<>]{0,256})(?::(?P<password>[^\s/@]{0,256}))?(?=@)")
# user:password@host without a scheme (a DSN: `app:pw@tcp(db:3306)/x`, `user:pass@host:5432/db`)
_DSN = re.compile(r"(?P<lead>(?<![\w.%+~:/@$-])[A-Za-z0-9_.%+~-]{1,128}:)(?P<value>[^\s/@\"'<>:]{1,256})"
                  r"(?=@[A-Za-z0-9\[(])")
# Authorization: Bearer xyz / Basic xyz / xyz
_AUTHORIZATION = re.compile(r"(?P<lead>\b(?:Proxy-)?Authorization:\s*(?:(?:Bearer|Basic|Token)\s+)?)"
                            r"(?P<value>[^\s\"']+)", re.IGNORECASE)
# -H 'Name: value', --header "Name: value", -H Name:value, --header=Name:value (curl, wget, httpie's -H)
_HEADER = re.compile(r"""(?P<lead>(?<![\w-])(?:-H|--header)(?:[ \t]+|=))(?P<arg>"[^"]*"|'[^']*'|[^\s"']+)""")
# The programs of PASSWORD_FLAGS where they start a command, and the rest of that command.
_PROGRAM = re.compile(r"""(?:^|(?<=[\s/"'(;&|]))(?P<program>"""
                      + "|".join(r"\s+".join(map(re.escape, name.split())) for name in
                                 sorted(PASSWORD_FLAGS, key=len, reverse=True))
                      + r""")(?=\s)(?P<rest>[^;&|\n]*)""")
# `vault login TOKEN` (flags first, `-method=…`, may come before it)
_VAULT_LOGIN = re.compile(r"(?P<lead>(?<![\w-])vault\s+login(?:\s+-[^\s=]+(?:=\S*)?)*\s+)"
                          r"(?P<value>[^\s=\"'-][^\s=\"']*)(?=\s|$|[\"';])")
# A long run of the base64 alphabet (a key, a token, a JWT's parts); judged by _is_blob before it is masked.
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/=_-])")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# $(NAME) (kubelet expansion), $(command), ${NAME}, $NAME: computed where it runs, not written here.
_REFERENCE = re.compile(r"""^(["']?)(?:\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)\1$""")


def is_secret_name(name: str) -> bool:
    """A name that says its value is secret: `password`, `DB_PASSWORD`, `api-key`, `accessToken`, `auth`."""
    lowered = name.lower()
    if any(infix in lowered for infix in _SECRET_INFIXES):
        return True
    parts = re.split(r"[-_.]+", _CAMEL.sub("_", name).lower())
    return any(part in _SECRET_PARTS for part in parts)


def is_reference(value: str) -> bool:
    """A value that only refers to a variable or a command's output (`$(SECRET)`, `${TOKEN}`, `$KEY`, quoted or
    not): no secret is written in it."""
    return bool(_REFERENCE.match(value))


def _masked_value(value: str) -> str:
    if is_reference(value) or not value.strip("\"'"):
        return value
    quote = value[0] if value[0] in "\"'" and len(value) > 1 and value[-1] == value[0] else ""
    return f"{quote}{MASK}{quote}"


def _mask_named(match: re.Match[str]) -> str:
    if not is_secret_name(match.group("name")):
        value = match.group("value")
        if len(value) > 1 and value[0] in "\"'" and value[-1] == value[0]:
            # A quoted value is a command of its own (`sh -c 'login --token x'`): mask inside it too.
            inner = mask_text(value[1:-1])
            return match.group("lead") + match.group("name") + match.group("sep") + value[0] + inner + value[0]
        names, equals, last = value.rpartition("=")
        if equals and any(is_secret_name(name) for name in names.split("=")):
            # `--from-literal=password=x`: an assignment inside the value (split, not searched again: linear)
            return match.group("lead") + match.group("name") + match.group("sep") + names + "=" + _masked_value(last)
        return match.group(0)
    return match.group("lead") + match.group("name") + match.group("sep") + _masked_value(match.group("value"))


def _mask_value_only(match: re.Match[str]) -> str:
    return match.group("lead") + _masked_value(match.group("value"))


def mask_text(text: str) -> str:
    """The text with every secret-looking value replaced by MASK."""
    text = _URL_USERINFO.sub(_mask_userinfo, text)
    text = _DSN.sub(_mask_value_only, text)
    text = _AUTHORIZATION.sub(_mask_value_only, text)
    text = _HEADER.sub(_mask_header, text)
    text = _JSON_PAIR.sub(_mask_named, text)
    text = _COLON_PAIR.sub(_mask_named, text)
    text = _ASSIGNMENT.sub(_mask_named, text)
    text = _FLAG_THEN_VALUE.sub(_mask_flag_then_value, text)
    text = _PROGRAM.sub(_mask_password_flags, text)
    text = _VAULT_LOGIN.sub(_mask_value_only, text)
    return _BASE64_RUN.sub(_mask_blob, text)


def _mask_flag_then_value(match: re.Match[str]) -> str:
    value = match.group("value")
    if value.startswith("-"):  # the next word is another flag: this one takes no value
        return match.group(0)
    return _mask_named(match)


def _mask_userinfo(match: re.Match[str]) -> str:
    """`scheme://user:***@` (the password); `scheme://***@` when the user alone is written (a token)."""
    user, password = match.group("user"), match.group("password")
    if password:
        return f"{match.group('lead')}{user}:{_masked_value(password)}"
    colon = ":" if password is not None else ""
    return f"{match.group('lead')}{_masked_value(user) if user else user}{colon}"


def _mask_header(match: re.Match[str]) -> str:
    """A header argument whose name is secret-looking (X-Api-Key, PRIVATE-TOKEN, Cookie): its value, to the end of
    the argument (a cookie holds spaces and `;`)."""
    arg = match.group("arg")
    quote = arg[0] if arg[0] in "\"'" else ""
    inner = arg[1:-1] if quote else arg
    name, colon, value = inner.partition(":")
    lowered = name.strip().lower()
    if (not colon or lowered in ("authorization", "proxy-authorization")  # done by _AUTHORIZATION
            or not (lowered in _SECRET_HEADERS or is_secret_name(name.strip()))):
        return match.group(0)
    spaces = value[:len(value) - len(value.lstrip())]
    masked = _masked_value(value.strip()) if value.strip() else value.strip()
    return f"{match.group('lead')}{quote}{name}:{spaces}{masked}{quote}"


def _mask_password_flags(match: re.Match[str]) -> str:
    """One command of a program of PASSWORD_FLAGS: the value of its password flags."""
    flags = PASSWORD_FLAGS[" ".join(match.group("program").split())]
    rest = match.group("rest")
    if flags.short:
        between = "" if flags.glued else r"\s*"
        # once: the first is the program's (`sshpass -p X ssh -p 22 host`: the second is ssh's port)
        rest = re.sub(rf"(?P<lead>(?<!\S)-{flags.short}{between})(?P<value>(?!-){_VALUE})", _mask_value_only, rest,
                      count=1)
    for flag in flags.long:
        rest = re.sub(rf"(?P<lead>(?<!\S){re.escape(flag)}(?:=|\s+))(?P<value>(?!-){_VALUE})", _mask_value_only, rest,
                      count=1)
    return match.group("program") + rest


def _mask_blob(match: re.Match[str]) -> str:
    return MASK if _is_blob(match.group(0)) else match.group(0)


def _is_blob(run: str) -> bool:
    """A run of the base64 alphabet that is a key or token, not a name or a path: it ends in base64's padding, or
    mixes digits with upper and lower case letters, and is no path (`/usr/share/App2Config...`: a word of lower
    case letters between slashes). Hex (image digests) and CamelCase names stay."""
    if run.endswith("="):
        return True
    if not (any(c.isdigit() for c in run) and any(c.isupper() for c in run) and any(c.islower() for c in run)):
        return False
    return not ("/" in run and (run.startswith("/") or any(
        len(part) >= 2 and part.isalpha() and part.islower() for part in run.split("/"))))


def command_text(argv: Sequence[object]) -> str:
    """A command (exec argv) as one shell-quoted line, masked. Non-string items (a YAML number) are written as
    they read."""
    return mask_text(shlex.join(str(arg) for arg in argv))


def clip(text: str, width: int) -> str:
    """At most `width` characters on one line: newlines become spaces, a longer text ends in an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
