"""Settings: environment NEWSROOM_*, an optional newsroom.toml, then defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from newsroom import __version__


class Price(BaseModel):
    """US dollars per million tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)


DEFAULT_PRICES = {
    "gpt-4o-mini": Price(input=0.15, output=0.60),
    "gpt-4o": Price(input=2.50, output=10.00),
    "gpt-4.1-mini": Price(input=0.40, output=1.60),
    "gpt-4.1": Price(input=2.00, output=8.00),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSROOM_",
        toml_file="newsroom.toml",
        extra="ignore",
    )

    home: Path = Field(Path(".newsroom"), description="Holds the SQLite database and runs/.")
    database_url: str | None = Field(None, description="Overrides the SQLite file in home.")

    user_agent: str = f"newsroom/{__version__} (+https://github.com/newsroom-ai/newsroom)"
    fetch_timeout: float = Field(20.0, gt=0, description="Seconds per HTTP request.")
    max_body_bytes: int = Field(15 * 1024 * 1024, gt=0)
    max_redirects: int = Field(5, ge=0)
    max_concurrency: int = Field(64, ge=1, description="Requests in flight at once.")
    per_host_concurrency: int = Field(4, ge=1, description="Requests in flight per host.")
    allow_private_networks: bool = Field(
        False, description="Allow feeds on loopback and private addresses."
    )
    fetch_interval_minutes: int = Field(15, ge=1, description="Default time between checks.")
    max_interval_hours: int = Field(24, ge=1, description="Longest wait a feed hint can ask for.")
    max_feed_failures: int = Field(8, ge=1, description="Consecutive failures that disable.")

    llm_engine: Literal["auto", "offline", "openai"] = Field(
        "auto", description="auto: openai when a base URL or API key is set, else offline."
    )
    llm_base_url: str | None = Field(None, description="Any OpenAI-compatible endpoint.")
    llm_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("NEWSROOM_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str = Field("gpt-4o-mini", description="The model for agents without their own.")
    llm_models: dict[str, str] = Field(
        default_factory=dict, description='Per agent role, e.g. {"analyst": "gpt-4o"}.'
    )
    llm_timeout: float = Field(60.0, gt=0, description="Seconds per model request.")
    llm_max_retries: int = Field(4, ge=0)
    llm_concurrency: int = Field(8, ge=1, description="Model requests in flight at once.")
    llm_structured_output: Literal["json_schema", "json_mode"] = Field(
        "json_schema", description="json_mode for servers without JSON-schema output."
    )
    llm_prices: dict[str, Price] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    run_concurrency: int = Field(4, ge=1, description="Stories drafted at once.")
    editor: str | None = Field(None, description="Who queue actions are recorded as.")

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'newsroom.db').resolve()}"

    @property
    def engine(self) -> Literal["offline", "openai"]:
        if self.llm_engine != "auto":
            return self.llm_engine
        has_key = self.llm_api_key is not None and bool(self.llm_api_key.get_secret_value())
        return "openai" if self.llm_base_url or has_key else "offline"

    def model_for(self, role: str, persona_model: str | None = None) -> str:
        """Settings per role win over the persona file's model, which wins over the default."""
        return self.llm_models.get(role) or persona_model or self.llm_model

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    def masked(self) -> dict[str, object]:
        """The effective settings for display, with secrets and passwords hidden."""
        shown: dict[str, object] = {}
        for name, value in self.model_dump().items():
            if isinstance(value, SecretStr):
                value = "********" if value.get_secret_value() else ""
            elif name == "llm_api_key" and value:
                value = "********"
            elif name == "database_url" and value:
                value = mask_url_password(value)
            shown[name] = str(value) if isinstance(value, Path) else value
        shown["database"] = mask_url_password(self.database)
        shown["engine"] = self.engine
        return shown

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls),
        )


def mask_url_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is shown as typed; it fails later with its own error
        return url


def load_settings(**overrides: object) -> Settings:
    """Read the settings now (not cached: tests and long-lived workers change the env)."""
    return Settings(**overrides)  # type: ignore[arg-type]
