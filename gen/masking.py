"""Masking values that look secret in commands shown in figures (hook and probe commands).

A command is shown as written, except the value of anything *named* like a secret: a flag (`--password=x`,
`--password x`), a variable or key assignment (`PASSWORD=x`, `?token=x`), the password of a URL
(`https://user:pass@host`), an `Authorization:` header, and the short password flag of programs where it means
that (`mysql -pX`, `redis-cli -a X`). A value that is only a reference (`$(SECRET)`, `${TOKEN}`, `$KEY`) names
no secret and stays. Pure functions of their input, nothing else.

Short flags are masked only for the programs listed in SHORT_PASSWORD_FLAGS: `-p` is a port for ssh, nc and
most other tools, and masking it everywhere would hide harmless values.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

MASK = "***"

# Words that make a name secret-looking, as a whole part of the name (parts split at - _ . and case changes)...
_SECRET_PARTS = frozenset({"password", "passwd", "pass", "pwd", "secret", "token", "key", "apikey", "credential",
                           "credentials", "auth", "passphrase"})
# ...or anywhere inside it (MYSQL_ROOT_PASSWORD, accessToken, clientSecret, privatekey).
_SECRET_INFIXES = ("password", "passwd", "secret", "token", "credential", "apikey", "privatekey", "accesskey")

# Programs whose short flag takes a password glued to it (-pX) or as the next word (-a X).
SHORT_PASSWORD_FLAGS: dict[str, str] = {
    "mysql": "p", "mysqladmin": "p", "mysqldump": "p", "mariadb": "p", "mariadb-admin": "p", "mariadb-dump": "p",
    "redis-cli": "a",
}

# A value: a quoted string or a run of characters that ends a shell word or a URL query part.
_VALUE = r"""(?:\$\([^)]*\)|\$\{[^}]*\}|"[^"]*"|'[^']*'|[^\s"'&;|)<>,}]+)"""
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*"
# NAME=value after a word boundary, a flag's dashes, or a URL's ? and &.
_ASSIGNMENT = re.compile(rf"(?P<lead>(?:^|(?<=[\s?&;\"'(]))(?:--?)?)(?P<name>{_NAME})(?P<sep>=)(?P<value>{_VALUE})")
# --name value (a flag then its value as the next word).
_FLAG_THEN_VALUE = re.compile(rf"(?P<lead>(?:^|(?<=[\s\"'(]))--?)(?P<name>{_NAME})(?P<sep>\s+)(?P<value>{_VALUE})")
# "name": "value" (JSON written into a command)
_JSON_PAIR = re.compile(r'(?P<lead>")(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)(?P<sep>"\s*:\s*)(?P<value>"[^"]*")')
# scheme://user:password@host
_URL_PASSWORD = re.compile(r"(?P<lead>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)(?P<value>[^\s/@]+)(?=@)")
# Authorization: Bearer xyz / Basic xyz / xyz
_AUTHORIZATION = re.compile(r"(?P<lead>\b(?:Proxy-)?Authorization:\s*(?:(?:Bearer|Basic|Token)\s+)?)"
                            r"(?P<value>[^\s\"']+)", re.IGNORECASE)
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
        return match.group(0)
    return match.group("lead") + match.group("name") + match.group("sep") + _masked_value(match.group("value"))


def _mask_value_only(match: re.Match[str]) -> str:
    return match.group("lead") + _masked_value(match.group("value"))


def mask_text(text: str) -> str:
    """The text with every secret-looking value replaced by MASK."""
    text = _URL_PASSWORD.sub(_mask_value_only, text)
    text = _AUTHORIZATION.sub(_mask_value_only, text)
    text = _JSON_PAIR.sub(_mask_named, text)
    text = _ASSIGNMENT.sub(_mask_named, text)
    text = _FLAG_THEN_VALUE.sub(_mask_flag_then_value, text)
    return _mask_short_password_flags(text)


def _mask_flag_then_value(match: re.Match[str]) -> str:
    value = match.group("value")
    if value.startswith("-"):  # the next word is another flag: this one takes no value
        return match.group(0)
    return _mask_named(match)


def _mask_short_password_flags(text: str) -> str:
    """`mysql -pX` and `redis-cli -a X`: where a listed program appears, its password flag's value."""
    for program, flag in SHORT_PASSWORD_FLAGS.items():
        if not re.search(rf"(?:^|[\s/\"'(]){re.escape(program)}(?=\s)", text):
            continue
        if flag == "p":  # glued only: `mysql -p db` prompts for a password and names a database
            pattern = re.compile(rf"(?P<lead>(?:^|(?<=\s))-{flag})(?P<value>{_VALUE})")
        else:
            pattern = re.compile(rf"(?P<lead>(?:^|(?<=\s))-{flag}\s*)(?P<value>{_VALUE})")
        text = pattern.sub(_mask_value_only, text)
    return text


def command_text(argv: Sequence[object]) -> str:
    """A command (exec argv) as one shell-quoted line, masked. Non-string items (a YAML number) are written as
    they read."""
    return mask_text(shlex.join(str(arg) for arg in argv))


def clip(text: str, width: int) -> str:
    """At most `width` characters on one line: newlines become spaces, a longer text ends in an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
