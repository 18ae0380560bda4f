from django.contrib import admin

from apps.conversation.models import Comment, Watch


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "author", "created_at", "edited_at"]
    list_filter = ["product"]
    list_select_related = ["product", "author"]
    search_fields = ["body", "author__username"]
    readonly_fields = ["product", "target_type", "target_id", "author", "created_at", "edited_at", "version"]


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "created_at"]
    list_select_related = ["user"]
