from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "apps.conversation"
