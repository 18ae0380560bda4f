from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from apps.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "role", "created_at"]
    list_filter = ["role", "product"]
    search_fields = ["user__username", "user__email", "product__name"]
    list_select_related = ["user", "product"]
    autocomplete_fields = ["user", "product"]
