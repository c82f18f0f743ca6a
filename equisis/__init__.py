"""Equisis: the business-management appliance for Belgian small businesses."""
from equisis.version import __version__


def create_app(config=None):
    """Build the Flask application (see equisis.web.app); imported lazily."""
    from equisis.web.app import create_app as _create_app

    return _create_app(config)


__all__ = ["__version__", "create_app"]
