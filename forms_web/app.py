"""The Flask application factory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Optional

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from stokvel.config import get_settings
from stokvel.errors import DomainError, NotAdmin, NotFound, NotMember

csrf = CSRFProtect()


def create_app(config: Optional[dict[str, Any]] = None) -> Flask:
    settings = get_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="digistokvel_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.forms_base_url.startswith("https://"),
        # Sliding: each request renews the cookie, so 30 minutes of inactivity ends it.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=30),
        # The session ends sooner than Flask-WTF's default hour; tie the tokens to it.
        WTF_CSRF_TIME_LIMIT=30 * 60,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.update(config or {})
    csrf.init_app(app)

    from forms_web.views import register_blueprints

    register_blueprints(app)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.errorhandler(CSRFError)
    def csrf_refused(_error: CSRFError):
        return (
            render_template(
                "message.html",
                title="Please try again",
                message="This form had expired or did not come from this site, so nothing "
                "was saved. Please open the page again and resubmit.",
            ),
            400,
        )

    @app.errorhandler(DomainError)
    def domain_refused(error: DomainError):
        status = 403 if isinstance(error, (NotAdmin, NotMember)) else \
            404 if isinstance(error, NotFound) else 400
        return render_template("message.html", title="Sorry", message=error.message), status

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("message.html", title="Not found",
                               message="There is no page here."), 404

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        # Pages are personal: never cache them anywhere.
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
