from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token


@login_required
def profile(request):
    token = Token.objects.filter(user=request.user).first()
    return TemplateResponse(request, "accounts/profile.html", {"token": token})


@login_required
@require_POST
def token_regenerate(request):
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    messages.success(request, "A new API token was created; the old one no longer works.")
    return redirect("accounts:profile")
