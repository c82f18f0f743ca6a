"""Fixtures: real temporary instance folders and company databases, the Flask app and client."""
from __future__ import annotations

import pytest

from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.users import service as user_service
from tests.factories import make_company


@pytest.fixture(autouse=True, scope="session")
def _fast_argon2():
    # Argon2id still, with costs a test can afford (production keeps argon2-cffi's defaults).
    user_service.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _english_by_default():
    """Tests read messages in English (the msgids) unless they choose a language themselves."""
    from equisis.core.i18n import language

    with language("en"):
        yield


@pytest.fixture
def instance(tmp_path):
    inst = Instance(tmp_path / "instance", all_migrations())
    yield inst
    inst.close()


@pytest.fixture
def company(instance):
    """A fresh company, with its database routed for the test's duration."""
    slug = make_company(instance)
    store = instance.get(slug)
    with store.session():
        yield store
