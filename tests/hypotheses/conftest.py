# Assumptions live on sprints: reuse the sprint tests' builders.
from tests.sprints.conftest import make_sprint  # noqa: F401
