from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts import services
from apps.accounts.access import access_api_token, api_tokens_of, memberships_of
from apps.accounts.forms import ApiTokenForm
from apps.core.exceptions import RateLimited
from apps.core.forms import errors_on, form_status
from apps.core.http import client_ip
from apps.core.idempotency import never_replayed


@login_required
def profile(request):
    return _profile(request, ApiTokenForm(memberships=memberships_of(request.user)))


@login_required
@require_POST
def token_create(request):
    """Make a token and show its secret, once, in this answer (never stored,
    never put in the session or a message)."""
    form = ApiTokenForm(request.POST, memberships=memberships_of(request.user))
    if form.is_valid():
        with errors_on(form):
            token, secret = services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                lifetime_days=form.cleaned_data["expires_in_days"],
                product_id=form.cleaned_data["product"],
                actions=form.cleaned_data["actions"],
            )
            response = _profile(request, ApiTokenForm(memberships=memberships_of(request.user)), new=(token, secret))
            response["Cache-Control"] = "no-store"
            never_replayed(response)
            return response
    return _profile(request, form, status=form_status(form))


@login_required
@require_POST
def token_revoke(request, token_id):
    token = access_api_token(request.user, token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect("accounts:profile")


def _profile(request, form, *, new=None, status=200):
    context = {"tokens": api_tokens_of(request.user), "token_form": form, "new_token": new}
    return TemplateResponse(request, "accounts/profile.html", context, status=status)


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
