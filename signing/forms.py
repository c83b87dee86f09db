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
            raise forms.ValidationError(
                _("The file is larger than %(size)s: no document of this system is that large.")
                % {"size": filesizeformat(settings.MBK_VERIFY_MAX_BYTES)}
            )
        return upload
