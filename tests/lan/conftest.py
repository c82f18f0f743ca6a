"""The web fixtures (app, client, a company, the signed-in administrator) for the lan tests."""
from tests.web.conftest import (add_user, admin, app, client, instance_path, make_app,  # noqa: F401
                                pytest_configure, slug, store)
