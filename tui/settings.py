"""Parallax's configuration: one pydantic-settings model, read from a TOML file, the environment
(``PARALLAX_*``) and the command line, in increasing order of precedence.

The file is ``config.toml`` in the user configuration directory (:func:`default_config_path`:
``~/.config/parallax/config.toml`` on Linux), or the one given with ``--config``::

    theme = "textual-light"
    threshold = 0.4
    reviewer = "ana"

    [keymap]          # binding id = keys
    next_discrepancy = "n,down"

    [[tags]]
    name = "legal"
    color = "#ff8800"
"""

from __future__ import annotations

import getpass
import sys
import tomllib
from pathlib import Path
from typing import Any, cast

from platformdirs import user_config_dir
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from parallax.core.cluster import DEFAULT_THRESHOLD

DEFAULT_TAGS = ("error", "verified", "disputed", "needs-source", "translation", "minor")


def default_config_path() -> Path:
    """Where the configuration file is looked for when ``--config`` is not given."""
    return Path(user_config_dir("parallax", appauthor=False)) / "config.toml"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


class TagSpec(BaseModel):
    """A tag reviewers can apply, and the colour it is shown in."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[^\s,]+$")
    color: str = Field("#888888", description="Any Textual colour: #rrggbb, a name, ...")


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the file and the problem."""


def _check_toml(path: Path) -> None:
    """Raise :class:`ConfigError` unless ``path`` holds readable TOML."""
    try:
        tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else None
        raise ConfigError(f"{path}: cannot read ({reason or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: expected TOML ({error})") from None
    except RecursionError:
        raise ConfigError(f"{path}: expected TOML nested less deeply") from None
    except ValueError:  # an integer longer than Python converts
        raise ConfigError(
            f"{path}: expected TOML numbers of at most {sys.get_int_max_str_digits()} digits"
        ) from None


class Settings(BaseSettings):
    """Everything a reviewer can configure."""

    model_config = SettingsConfigDict(env_prefix="PARALLAX_", extra="forbid")

    theme: str = Field(
        "textual-dark",
        description="Textual theme of the app; 'textual-dark' and 'textual-light' are built in.",
    )
    threshold: float = Field(
        DEFAULT_THRESHOLD,
        ge=0.0,
        le=1.0,
        description="Least similarity of two versions of one story.",
    )
    aliases: Path | None = Field(None, description="TOML file of names that denote one entity.")
    hide_singletons: bool = Field(False, description="Hide stories with a single version.")
    max_panes: int = Field(6, ge=2, le=6, description="Most versions shown side by side.")
    keymap: dict[str, str] = Field(
        default_factory=dict, description="Binding id -> keys, e.g. next_discrepancy = 'n,down'."
    )
    reviewer: str = Field(default_factory=_login_name, description="Name recorded on annotations.")
    workspace: Path | None = Field(
        None, description="Annotation database; default .parallax/review.sqlite by the sources."
    )
    tags: list[TagSpec] = Field(default_factory=list, description="Tags beyond the built-in ones.")
    advance_after_decision: bool = Field(
        True,
        description="After x (dismiss) or c (confirm), move on to the next undecided item.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @classmethod
    def load(cls, config: Path | None = None, **overrides: Any) -> Settings:
        """Settings from ``config`` (or the default file, if it exists), the environment and
        ``overrides`` (``None`` values are ignored). Raises :class:`ConfigError`."""
        path = config or default_config_path()
        try:
            exists = path.is_file()
        except OSError as error:  # e.g. a home directory that cannot be read
            raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
        if config is not None and not exists:
            raise ConfigError(f"{path}: no such configuration file")
        if exists:
            _check_toml(path)
        # A subclass that reads this file (pydantic-settings takes the file from the class).
        bound = cast(
            "type[Settings]",
            type("FileSettings", (cls,), {"model_config": {**cls.model_config, "toml_file": path}}),
        )
        try:
            return bound(**{k: v for k, v in overrides.items() if v is not None})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "settings"
            raise ConfigError(f"{path}: {where}: {first['msg']}") from None

    def tag_names(self) -> list[str]:
        """Built-in tags, then the configured ones, without repeats."""
        names = list(DEFAULT_TAGS)
        names += [t.name for t in self.tags if t.name not in names]
        return names
