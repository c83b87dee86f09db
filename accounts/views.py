from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services, throttle
from accounts.forms import GenderForm, LoginForm, ResendConfirmationForm, SignUpForm
from accounts.models import User
from directory import rules, selectors
from mbk.middleware import client_address


def _client_over_limit(request) -> bool:
    """Count an accepted sign-up or resend request of this client; True past the limit."""
    return not throttle.allow(
        "signup-client",
        client_address(request),
        limit=settings.SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR,
    )


def _too_many_requests(request):
    return render(request, "accounts/too_many_requests.html", status=429)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _client_over_limit(request):
            return _too_many_requests(request)
        data = form.cleaned_data
        proposed = None
        if data["new_organisation_name"]:
            proposed = services.ProposedOrganisation(
                name_ru=data["new_organisation_name"],
                kind=data["new_organisation_kind"],
                inn=data["new_organisation_inn"],
            )
        # The same page whether or not someone already has the address (the service mails
        # the owner instead): the form is no directory of who has an account.
        services.author_sign_up(
            email=data["email"],
            password=data["password1"],
            last_name=data["last_name"],
            first_name=data["first_name"],
            middle_name=data["middle_name"],
            position=data["position"],
            phone=data["phone"],
            language=get_language(),
            organisation=data["organisation"],
            proposed_organisation=proposed,
        )
        return render(request, "accounts/signup_done.html", {"email": data["email"]})
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token: str):
    """GET shows a button, POST confirms: mail scanners that follow links change nothing."""
    if request.method == "POST":
        try:
            services.signup_confirm(token=token)
        except services.ConfirmationLinkInvalidError as error:
            return render(
                request,
                "accounts/signup_confirm.html",
                {"invalid": True, "expired": error.expired},
                status=400,
            )
        messages.success(request, _("Your e-mail address is confirmed. You can log in now."))
        return redirect("accounts:login")
    return render(request, "accounts/signup_confirm.html", {"token": token})


@require_http_methods(["GET", "POST"])
def signup_resend(request):
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _client_over_limit(request):
            return _too_many_requests(request)
        services.signup_resend_confirmation(email=form.cleaned_data["email"])
        messages.info(
            request,
            _("If an unconfirmed account has this address, a new link has been sent to it."),
        )
        return redirect("accounts:login")
    return render(request, "accounts/signup_resend.html", {"form": form})


@login_required
def profile(request):
    organisation = request.user.organisation
    gender_form = GenderForm(request.POST or None, initial={"gender": request.user.gender})
    if request.method == "POST" and gender_form.is_valid():
        services.person_set_gender(person=request.user, gender=gender_form.cleaned_data["gender"])
        messages.success(request, _("Saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "organisation": organisation,
            "memberships": selectors.memberships_of(request.user),
            "can_edit_organisation": bool(organisation)
            and rules.can_edit_organisation(request.user, organisation),
            "can_submit_proposals": rules.can_submit_proposals(request.user),
            "api_tokens": request.user.api_tokens.all(),
            "gender_form": gender_form,
        },
    )


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes answers a refused login with this page (429): the pair (login, address)
    or the address is locked for the cool-off time, or the login is slowed for a few seconds
    (mbk/throttling.py says which)."""
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
    refusal = getattr(request, "login_refusal", "pair")
    retry_after = getattr(request, "login_retry_after", cooloff)
    context = {
        "cooloff_minutes": cooloff // 60,
        "refusal": refusal,
        "wait_seconds": retry_after,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    """Django's login page, with the attempts on one login taken one at a time: the person's
    row is locked while the password is checked, so a burst of simultaneous guesses meets the
    failures recorded before it (django-axes) instead of all being checked at once."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        name = str(request.POST.get("username", "")).strip()[:150]
        if "\x00" in name:  # PostgreSQL refuses NUL in text; the form refuses the login
            return super().post(request, *args, **kwargs)
        with transaction.atomic():
            User.objects.select_for_update().filter(username__iexact=name).first()
            return super().post(request, *args, **kwargs)
