from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    # Not translated: the demo has no models, so its name is never shown in the portal.
    verbose_name = "Demo data"
