"""The one settings class: every knob comes from ``CAMROUTE_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from camroute.cameras.networks import DEFAULT_CAMERA_NETWORKS, CameraNetworks

DEFAULT_DATABASE_URL = "sqlite:///camroute.db"


def default_database_url() -> str:
    """SQLite file ``camroute.db`` in the working directory, as an absolute URL."""
    return f"sqlite:///{Path.cwd() / 'camroute.db'}"


class Settings(BaseSettings):
    """Runtime configuration, built once in ``create_app`` or the CLI, never at import."""

    model_config = SettingsConfigDict(env_prefix="CAMROUTE_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    # Seconds between checks for camera-registry changes made by other processes (a CLI
    # import, another replica); 0 turns the poll off. This app's own writes apply at once.
    registry_poll_s: float = Field(default=5.0, ge=0.0)
    # Live view: ticket lifetime (renewable while the incident is open), the signing key
    # (unset: one random key kept in the store, shared by every replica), views per user, how
    # far from the caller an unranked camera may be viewed without a supervisor, upstream
    # timeout, and when a frame counts as stale.
    live_ticket_ttl_s: int = Field(default=300, gt=0, le=600)
    live_ticket_secret: SecretStr | None = None
    # AML over HTTPS: the key the handset operator shares for the trailing ``hmac``. Set, an
    # AML HTTPS message whose HMAC is missing or wrong is refused; unset, it is accepted with
    # a warning that it is unauthenticated.
    aml_hmac_key: SecretStr | None = None
    # Camera stream passwords sealed at rest with a key derived from this passphrase (unset:
    # stored as given). Same value on every replica and for the CLI.
    credentials_key: SecretStr | None = Field(default=None, min_length=32)
    live_max_views_per_user: int = Field(default=4, ge=1)
    live_max_distance_m: float = Field(default=150.0, ge=0.0)
    live_upstream_timeout_s: float = Field(default=2.0, gt=0.0, le=30.0)
    live_stale_after_s: float = Field(default=5.0, gt=0.0)
    # Relay bounds: the largest snapshot or MJPEG frame, and the total time one snapshot fetch
    # (resolve, connect, headers, body) or an MJPEG stream's first frame may take.
    live_snapshot_max_bytes: int = Field(default=8 * 1024 * 1024, gt=0)
    live_fetch_deadline_s: float = Field(default=5.0, gt=0.0, le=60.0)
    # Where camera streams may be fetched from (SSRF guard), checked after DNS resolution:
    # comma-separated CIDRs. Default: the private ranges; loopback, link-local and public
    # addresses only when listed; cloud metadata addresses never.
    camera_networks: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_CAMERA_NETWORKS)  # type: ignore[arg-type]
    )
    # A live ticket whose stream client went away (no MJPEG stream open, no snapshot polled)
    # ends after this many seconds; a page reload re-attaches within it.
    live_orphan_grace_s: float = Field(default=20.0, ge=0.5, le=600.0)
    # RTSP video: one ffmpeg per camera stream (remux only), kept this many seconds after its
    # last viewer leaves so a page reload re-attaches without a new RTSP session.
    live_video_linger_s: float = Field(default=3.0, ge=0.0, le=60.0)
    live_ffmpeg: str = "ffmpeg"
    # PTZ control: a dispatcher's lock on a camera lasts ptz_lock_s (each aim renews it; a
    # supervisor may take it over); a move must answer and settle within ptz_settle_timeout_s,
    # else it is a 504 problem (never a hung request). Reading a PTZ camera's current aim when
    # its ticket is judged against protected zones has the same bound.
    ptz_lock_s: float = Field(default=30.0, ge=5.0, le=600.0)
    ptz_settle_timeout_s: float = Field(default=8.0, gt=0.0, le=60.0)
    # Retention: precise caller locations of incidents closed longer ago are purged.
    retention_days: int = Field(default=30, ge=0)
    # Auth: the HS256 key for login tokens. Unset means a random key per process (logged:
    # tokens then die with the process); set CAMROUTE_JWT_SECRET for production and replicas.
    jwt_secret: SecretStr | None = Field(default=None, min_length=32)
    # A login token lasts one 8-hour dispatcher shift; disabling a user ends it at once.
    token_ttl_s: int = Field(default=8 * 3600, gt=0, le=24 * 3600)
    # Access review (GET /api/reports/access): camroute holds no rota, so a shift is the
    # working time a login opens; a view with no login of its user in the access_shift_s
    # before it is "outside the shift". A figure is flagged as an outlier when it is above
    # access_outlier_factor x the team's median and counts at least access_outlier_min_events.
    access_shift_s: int = Field(default=8 * 3600, gt=0, le=24 * 3600)
    access_outlier_factor: float = Field(default=2.0, gt=0.0)
    access_outlier_min_events: int = Field(default=3, ge=1)
    # Credential checks cached per process on PostgreSQL (emptied by NOTIFY on any change,
    # see camroute.auth.cache); an entry lives at most this long. 0: look up every request.
    auth_cache_ttl_s: float = Field(default=5.0, ge=0.0, le=60.0)
    # Calls handled at once per process (parse, rank and write, in threads). More threads only
    # wait for each other's GIL, and on PostgreSQL one of them holds the audit chain's row lock
    # meanwhile: measured p99 56-69 ms with 40 at once, 38-43 ms with 1-2, at the same rate.
    call_threads: int = Field(default=2, ge=1, le=64)
    # Answers per keep-alive connection before it is closed (nginx's keepalive_requests): lets
    # several workers share long-lived client connections evenly. 0: never closed by count.
    keepalive_requests: int = Field(default=100, ge=0)
    # Freeze the heap that lives as long as the process (after start-up and each camera index
    # rebuild) so full garbage collections skip it: ~110 ms pauses were the calls API's p99.
    # The tests turn it off (hundreds of apps in one process).
    gc_freeze: bool = True
    # Secure flag of the login cookie: None = when the request came over https.
    cookie_secure: bool | None = None
    # argon2id cost (RFC 9106 low-memory profile by default; tests lower it for speed).
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=64 * 1024, ge=8)
    # Login throttling (per replica, in memory): after this many failed passwords for one
    # user name (or from one client address) within the window, that key is locked for
    # login_lock_s, doubling with each further failure up to login_lock_max_s.
    login_max_failures_per_user: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    login_failure_window_s: float = Field(default=900.0, gt=0.0)
    login_lock_s: float = Field(default=30.0, gt=0.0)
    login_lock_max_s: float = Field(default=300.0, gt=0.0)
    # Password checks running at once (argon2 takes password_hash_memory_kib each): unset,
    # one per core. A login waits up to login_hash_wait_s for a slot, then gets a 429.
    login_max_concurrent_hashes: int | None = Field(default=None, ge=1)
    login_hash_wait_s: float = Field(default=2.0, ge=0.0)
    # Failed logins of one user name from one address: audited at once, then one event with
    # the count per this many seconds.
    login_failure_audit_every_s: float = Field(default=60.0, gt=0.0)
    # Dispatcher map: an optional city tile server ("https://tiles.example/{z}/{x}/{y}.png");
    # unset means no tiles at all, only the server's own base layers.
    tile_url: str | None = None

    @field_validator("camera_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: Any) -> Any:
        """``10.0.0.0/8, 192.168.0.0/16`` from the environment; a list as given."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def camera_allow_list(self) -> CameraNetworks:
        """``camera_networks`` as the relay's and the camera writes' checker."""
        return CameraNetworks.of(self.camera_networks)

    def aml_hmac_key_bytes(self) -> bytes | None:
        """The AML HTTPS HMAC key as bytes (UTF-8), or None when unset."""
        if self.aml_hmac_key is None:
            return None
        return self.aml_hmac_key.get_secret_value().encode("utf-8")
