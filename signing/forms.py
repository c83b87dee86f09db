from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("PDF document"),
        help_text=_("The file is checked and not kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MBK_VERIFY_MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


# What a multipart form adds around the file (boundaries, headers, the CSRF field).
FORM_OVERHEAD = 64 * 1024


def declared_too_large(request) -> bool:
    """The request says it is larger than any file the verification reads: refused before its
    body is read, so an anonymous upload cannot fill the disk with a huge temporary file."""
    length = request.META.get("CONTENT_LENGTH") or ""
    return length.isdigit() and int(length) > settings.MBK_VERIFY_MAX_BYTES + FORM_OVERHEAD


def too_large_message() -> str:
    return _("The file is larger than %(size)s: no document of this system is that large.") % {
        "size": filesizeformat(settings.MBK_VERIFY_MAX_BYTES)
    }
