from django.apps import AppConfig


class BillodashConfig(AppConfig):
    name = "billodash"

    def ready(self):
        from billodash import middleware  # noqa: F401 (connects the login-time receiver)
