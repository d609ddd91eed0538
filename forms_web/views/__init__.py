"""The site's pages, one blueprint per area."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from forms_web.views import grants, joining, links, members, statements, stokvels

    for module in (links, members, stokvels, joining, grants, statements):
        app.register_blueprint(module.bp)
