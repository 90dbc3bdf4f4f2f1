"""``create_app``: the FastAPI factory. Resources are built in ``lifespan``, never at import."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx
from fastapi import Depends, FastAPI

from camroute import __version__
from camroute.api.docs import install_docs
from camroute.api.keepalive import RecycleConnections
from camroute.api.limits import BodyLimitMiddleware
from camroute.api.nul import RefuseNulMiddleware, refuse_nul_in_path
from camroute.api.problems import install_problem_handlers
from camroute.api.system import router as system_router
from camroute.areas import AreaLayers
from camroute.areas.router import router as areas_router
from camroute.areas.store import admin_units_signature, read_admin_units
from camroute.audit.router import router as audit_router
from camroute.auth.cache import CredentialCache, CredentialWatch
from camroute.auth.gate import flush_login_failures, hash_slots_for, login_guard_for
from camroute.auth.router import router as auth_router
from camroute.basemap.cache import TileCache
from camroute.basemap.router import glyph_router
from camroute.basemap.router import router as basemap_router
from camroute.basemap.wards import WardSource
from camroute.cameras.headings.router import router as headings_router
from camroute.cameras.ogc import router as cameras_ogc_router
from camroute.cameras.router import router as cameras_router
from camroute.cameras.secrets import cipher_for
from camroute.coverage.kept import KeptLayers
from camroute.coverage.router import router as coverage_router
from camroute.events import EventBus
from camroute.events.router import events_router
from camroute.heap import settle
from camroute.incidents.events import IncidentEvent, parse_event
from camroute.incidents.router import router as incidents_router
from camroute.live.camauth import AuthSchemes
from camroute.live.headers import RelayHeaders
from camroute.live.hub import VideoHub
from camroute.live.mine import OrphanSweeper
from camroute.live.redact import install_ticket_redactor
from camroute.live.router import router as live_router
from camroute.live.session import recheck_s
from camroute.live.tally import SnapshotTally
from camroute.location.router import router as location_router
from camroute.ptz.context import PtzContext
from camroute.ptz.current import zones_at_current_aim
from camroute.ptz.follow import follow_loop
from camroute.ptz.followed import FollowedIncidents
from camroute.ptz.homing import home_loop
from camroute.ptz.known import KnownDevices
from camroute.ptz.router import router as ptz_router
from camroute.reports.router import router as reports_router
from camroute.routing.router import router as routing_router
from camroute.routing.service import IndexHolder
from camroute.settings import Settings
from camroute.store import make_engine, migrate
from camroute.web import install_web
from camroute.wiring import wire
from camroute.zones.router import router as zones_router
from camroute.zones.service import ZoneMarker


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the camroute API for ``settings`` (read from ``CAMROUTE_*`` when omitted)."""
    settings = settings or Settings()
    install_ticket_redactor()  # tickets are credentials: never in the access log
    wire()  # live's hooks: tickets revoked when an incident closes, views end at logout

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        migrate(engine)
        app.state.engine = engine
        app.state.area_layers = AreaLayers.load(engine)  # admin, services, streets, gazetteer
        # Typed incident/view events; LISTEN/NOTIFY on PostgreSQL (parsed back by kind).
        app.state.events = EventBus(engine, parse=parse_event)
        app.state.events.start()
        # Credential checks cached per process, emptied by NOTIFY on any change (PostgreSQL).
        app.state.credentials = CredentialCache(ttl_s=settings.auth_cache_ttl_s)
        credential_watch = CredentialWatch(engine, app.state.credentials)
        credential_watch.start()
        app.state.call_slots = anyio.CapacityLimiter(settings.call_threads)
        app.state.http = httpx.AsyncClient(follow_redirects=False)  # the live relay's upstreams
        # Every snapshot carries which cameras see into protected zones (made before the swap).
        app.state.camera_index.decorators = [ZoneMarker(engine)]
        app.state.video_hub = VideoHub(  # one ffmpeg per camera stream, shared by viewers
            ffmpeg=settings.live_ffmpeg,
            linger_s=settings.live_video_linger_s,
            stale_after_s=settings.live_stale_after_s,
        )
        app.state.camera_index.start(engine)  # routing snapshot; viewsheds in the background
        app.state.registry_listeners.append(app.state.camera_index.listener(engine))
        if settings.registry_poll_s > 0:
            app.state.camera_index.watch(engine, interval_s=settings.registry_poll_s)
        # Live views whose page went away end after the grace (their slots come back).
        sweeper = OrphanSweeper(engine, grace_s=settings.live_orphan_grace_s, bus=app.state.events)
        sweeper.start()
        every_s = settings.login_failure_audit_every_s
        flusher = asyncio.create_task(
            flush_login_failures(app.state.login_guard, engine, every_s=every_s)
        )  # failed-login counts reach the audit log within a minute, and at shutdown
        holder = app.state.camera_index
        followed = FollowedIncidents(engine)  # aim-follow: who follows, kept per process
        followed.start()
        app.state.ptz_followed = followed
        ptz = PtzContext(
            engine,
            cipher_for(settings.credentials_key),
            lock_s=settings.ptz_lock_s,
            timeout_s=settings.ptz_settle_timeout_s,
            max_override_m=settings.live_max_distance_m,
            index=lambda: holder.current,
            bus=app.state.events,
            followed=followed,
            known=app.state.ptz_known,
            views_recheck_s=recheck_s(settings),
        )
        # Live tickets on a PTZ camera near a protected zone are judged by where it points.
        app.state.aimed_zones = lambda camera: zones_at_current_aim(ptz, camera)
        homer = asyncio.create_task(home_loop(ptz, every_s=15.0))  # idle PTZ cameras go home
        # Location updates re-aim the cameras whose tiles follow the incident.
        follower = asyncio.create_task(follow_loop(ptz, app.state.events))
        if settings.gc_freeze:  # the start-up heap leaves the collector's full passes
            settle()
            app.state.camera_index.after_rebuild.append(settle)
        try:
            yield
        finally:
            flusher.cancel()
            homer.cancel()
            follower.cancel()
            await asyncio.gather(flusher, homer, follower, return_exceptions=True)
            sweeper.stop()
            app.state.camera_index.stop()
            await app.state.video_hub.aclose()
            await app.state.http.aclose()
            app.state.events.stop()
            credential_watch.stop()
            followed.stop()
            engine.dispose()

    app = FastAPI(
        title="camroute",
        version=__version__,
        summary="Route emergency calls to the cameras that can see the caller.",
        lifespan=lifespan,
        docs_url=None,  # install_docs serves both pages with local assets (no CDN)
        redoc_url=None,
        dependencies=[Depends(refuse_nul_in_path)],  # before any route's own dependencies
    )
    app.state.settings = settings
    # Callables run after every committed camera-registry change (the routing index
    # registers its rebuild here; cameras routes call ``cameras.changes.registry_changed``).
    app.state.registry_listeners = []
    app.state.camera_index = IndexHolder()  # swapped atomically on registry changes
    app.state.coverage_layers = KeptLayers()  # the coverage layer, per snapshot, for minutes
    # vector tiles cut from the stored basemap, with the wards the areas store holds
    app.state.basemap_tiles = TileCache(
        wards=WardSource(read=read_admin_units, signature=admin_units_signature)
    )
    app.state.snapshot_tally = SnapshotTally()  # snapshot audit: first per ticket, then per minute
    # The auth scheme each camera accepted, so a Basic camera is not challenged every snapshot.
    app.state.camera_auth_schemes = AuthSchemes()
    # What each PTZ camera answered to discovery, so an aim or a nudge skips two round trips.
    app.state.ptz_known = KnownDevices()
    app.state.login_guard = login_guard_for(
        settings
    )  # login throttle + failure tally (per replica)
    app.state.login_hash_slots = hash_slots_for(settings)  # password checks at once
    install_problem_handlers(app)
    app.add_middleware(RelayHeaders)  # nosniff, a sandboxing CSP, no-store on /api/live/
    # NUL in any request string: one 422 on every store (PostgreSQL cannot store one).
    app.add_middleware(RefuseNulMiddleware)
    # A too-large body is refused here, before any route parses it or checks credentials
    # (added after the NUL check, so it runs first and bounds what that check buffers).
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Outermost: even a refused request counts towards its connection's recycling.
    app.add_middleware(RecycleConnections, max_requests=settings.keepalive_requests)
    app.include_router(system_router)
    app.include_router(auth_router)  # login is public; /me needs a token
    app.include_router(audit_router)  # auditors only
    app.include_router(reports_router)  # GET /api/reports/transparency (auditors)
    app.include_router(events_router(IncidentEvent))  # SSE for the map, typed by kind
    app.include_router(incidents_router)  # calls and incidents
    app.include_router(live_router)  # view tickets; /api/live/{ticket}/... is ticket-authenticated
    app.include_router(ptz_router)  # aim a ticket's PTZ camera, under a lock; calibration
    app.include_router(routing_router)  # POST /api/route
    app.include_router(location_router)  # POST /api/locate
    app.include_router(areas_router)  # GET /api/lookup, GET /api/geocode
    app.include_router(cameras_router)  # /api/cameras (writes: gis_admin, If-Match)
    app.include_router(headings_router)  # heading suggestions and the heading queue (gis_admin)
    app.include_router(zones_router)  # /api/zones (writes: gis_admin, If-Match)
    app.include_router(coverage_router)  # GET /api/coverage/layer (gis_admin, supervisor)
    app.include_router(cameras_ogc_router)  # OGC API - Features: /api/collections/cameras/items
    app.include_router(basemap_router)  # /api/basemap/tiles/{z}/{x}/{y}.mvt
    app.include_router(glyph_router)  # label glyphs for the map (public: a font)
    install_docs(app)  # /docs and /redoc, assets from the app's own origin
    install_web(app)  # the dispatcher page (public) and its static assets
    return app
