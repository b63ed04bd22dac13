"""The festival web application: create_app() wires extensions, blueprints and commands."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build a configured application; ``config`` overrides the environment's settings."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from festival.config import load_config

    load_config(app, config)

    from festival.logs import init_logging

    init_logging(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # the client's address and scheme as the proxies saw them; the Host header stays the one the
        # proxy passes on (a forwarded host a proxy does not set would be the client's own word,
        # and links in mails, such as password resets, are built from it)
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from festival import models  # noqa: F401  (registers the tables)
    from festival.extensions import csrf, db, job_queue, limiter, login_manager, migrate

    db.init_app(app)
    from festival import dbpool

    with app.app_context():
        for engine in db.engines.values():
            dbpool.install(engine, app.config["DATABASE_PING_AFTER_IDLE"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    job_queue.init_app(app)

    from festival.i18n import init_i18n
    from festival.navigation import init_navigation
    from festival.security import init_security

    init_i18n(app)
    init_security(app)
    init_navigation(app)

    from festival import admin, api, auth, main, programme, review, schedule, submissions, venues

    for area in (main, auth, submissions, review, venues, schedule, programme, api, admin):
        app.register_blueprint(area.bp)

    from festival.errors import register_error_handlers
    from festival.handlers import init_handlers
    from festival.mail.services import install_mail_hooks

    install_mail_hooks()

    register_error_handlers(app)
    init_handlers(app)

    from festival.cli import register_commands

    register_commands(app)
    return app
