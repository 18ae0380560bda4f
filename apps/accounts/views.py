from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from apps.accounts import services
from apps.core.exceptions import RateLimited
from apps.core.http import client_ip


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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with a limit on how many emails one address gets and one
    client asks for per hour (PASSWORD_RESETS_PER_*_PER_HOUR): over it, the
    form says so with 429 and Retry-After, and no email goes out."""

    def form_valid(self, form):
        try:
            services.password_reset_request_record(address=form.cleaned_data["email"], client=client_ip(self.request))
        except RateLimited as exc:
            form.add_error(None, str(exc))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().form_valid(form)
