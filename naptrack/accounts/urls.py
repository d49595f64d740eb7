from django.urls import path  # noqa: F401  (the account screens add their routes here)

app_name = "accounts"

urlpatterns: list = []
