"""The public verification page: anyone, signed in or not, uploads a PDF and learns whether
this system issued it, whether it is unchanged since it was signed, who signed it, under which
decision, and whether a newer one exists. Nothing is stored of the upload."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import throttle
from mbk.middleware import client_address
from signing import registry
from signing.forms import VerifyForm, declared_too_large, too_large_message
from signing.verify import VERDICT_LABELS


@require_http_methods(["GET", "POST"])
def verify(request):
    max_mb = settings.MBK_VERIFY_MAX_BYTES // (1024 * 1024)
    if request.method == "POST" and declared_too_large(request):
        context = {"form": VerifyForm(), "max_mb": max_mb, "too_large": too_large_message()}
        return render(request, "signing/verify.html", context, status=413)
    form = VerifyForm(request.POST or None, request.FILES or None)
    context = {"form": form, "max_mb": max_mb}
    if request.method == "POST":
        if not throttle.allow(
            "verify-client",
            client_address(request),
            limit=settings.MBK_VERIFY_REQUESTS_PER_CLIENT_PER_HOUR,
        ):
            return render(
                request, "signing/verify.html", {**context, "throttled": True}, status=429
            )
        if not form.is_valid():
            return render(request, "signing/verify.html", context, status=400)
        report, description = registry.verify_and_describe(form.cleaned_data["file"].read())
        context.update(
            report=report,
            description=description,
            verdict_label=VERDICT_LABELS[report.verdict],
        )
    return render(request, "signing/verify.html", context)
