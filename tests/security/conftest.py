"""The populated world shared by the route walk and the fuzz tests."""

import pytest

from tests.security.world import build_world


@pytest.fixture
def world(app):
    return build_world()
