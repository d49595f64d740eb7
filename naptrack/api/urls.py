"""REST API under /api/v1/ (filled by the API module)."""

urlpatterns: list = []
