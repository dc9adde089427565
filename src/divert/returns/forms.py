"""The upload form for SSDA903 returns: several CSV tables, or zip files of year folders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from divert.core.forms import GovukFormMixin
from divert.people.forms import GovukErrorsMixin
from divert.returns import uploads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once (Django's own documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xml,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        items = list(data) if isinstance(data, list | tuple) else [data]
        cleaned = [single(item, initial) for item in items or [None]]
        return [upload for upload in cleaned if upload]


class UploadForm(GovukErrorsMixin, GovukFormMixin, forms.Form):
    upload = MultipleFileField(
        label="SSDA903 files",
        help_text=(
            "Choose the CSV tables of one or more returns (Header, Episodes, Reviews and the rest), "
            "XML returns, or zip files holding a folder for each collection year."
        ),
        error_messages={"required": "Select the SSDA903 files to import"},
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A request too large was refused before its body was read: no files arrived, and the
        # size is what to say (clean_upload), not "select the files".
        self.too_large = too_large
        self.fields["upload"].required = not too_large
        self.fields["upload"].widget.attrs["class"] = "govuk-file-upload"

    def full_clean(self) -> None:
        super().full_clean()
        if "upload" in self.errors:
            self.fields["upload"].widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"

    @staticmethod
    def size_message() -> str:
        return f"The files must be smaller than {uploads.max_bytes() // (1024 * 1024)} MB in total"

    def clean_upload(self) -> list[UploadedFile]:
        if self.too_large:
            raise ValidationError(self.size_message())
        files: list[UploadedFile] = self.cleaned_data["upload"]
        if sum(int(upload.size or 0) for upload in files) > uploads.max_bytes():
            raise ValidationError(self.size_message())
        problems: list[str] = []
        total = 0
        for upload in files:
            try:
                total += uploads.check(upload)
            except ValidationError as error:
                problems += error.messages
        if problems:
            raise ValidationError(problems)
        if total > uploads.max_bytes():
            raise ValidationError(self.size_message())
        return files
