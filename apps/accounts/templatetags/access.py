from django import template

from apps.accounts import permissions

register = template.Library()


@register.filter
def allows(role, action):
    """`{% if product.viewer_role|allows:"edit_product" %}`"""
    return permissions.allows(role, action)
