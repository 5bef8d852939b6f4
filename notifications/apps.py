from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from needs import signals
        from notifications import services

        signals.proposal_received.connect(services.on_proposal_received, dispatch_uid="notifications_received")
        signals.proposal_followed.connect(services.on_proposal_followed, dispatch_uid="notifications_followed")
