from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "naptrack.core"
    label = "core"
    verbose_name = "naptrack"

    def ready(self) -> None:
        from naptrack.core import lookups

        lookups.register()
