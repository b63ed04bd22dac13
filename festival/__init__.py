"""The festival web application: create_app() wires extensions, blueprints and commands."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from festival import (
    admin,
    api,
    audience,
    auth,
    dbpool,
    events,
    main,
    models,  # noqa: F401  (importing the package registers every table)
    programme,
    review,
    schedule,
    submissions,
    venues,
)
from festival.cli import register_commands
from festival.config import load_config
from festival.errors import register_error_handlers
from festival.extensions import csrf, db, job_queue, limiter, login_manager, migrate
from festival.handlers import init_handlers
from festival.i18n import init_i18n
from festival.logs import init_logging
from festival.mail.services import install_mail_hooks
from festival.navigation import init_navigation
from festival.security import init_security

ROOT = Path(__file__).resolve().parent.parent
AREAS = (main, auth, submissions, review, events, venues, schedule, programme, api, admin, audience)


def create_app(config: dict | None = None) -> Flask:
    """Build a configured application; ``config`` overrides the environment's settings."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    init_logging(app)
    if app.config["TRUSTED_PROXIES"]:
        # the client's address and scheme as the proxies saw them; the Host header stays the one the
        # proxy passes on (a forwarded host a proxy does not set would be the client's own word,
        # and links in mails, such as password resets, are built from it)
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            dbpool.install(engine, app.config["DATABASE_PING_AFTER_IDLE"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    job_queue.init_app(app)

    init_i18n(app)
    init_security(app)
    init_navigation(app)
    for area in AREAS:
        app.register_blueprint(area.bp)
    install_mail_hooks()
    register_error_handlers(app)
    init_handlers(app)
    register_commands(app)
    return app
