"""Every upload of the portal is stored under a random name with the extension of the type
sniffed from its content: whatever path saves it (a form, a service, the admin, the demo),
a file sent as ``pwn.html`` never lands on disk as HTML."""

import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64

FILE_FIELDS = sorted(
    (f"{model._meta.label}.{field.name}", model, field)
    for model in apps.get_models()
    for field in model._meta.get_fields()
    if isinstance(field, models.FileField)
)


@pytest.mark.parametrize(("label", "model", "field"), FILE_FIELDS, ids=[f[0] for f in FILE_FIELDS])
@pytest.mark.parametrize(("content", "extension"), [(PDF, "pdf"), (PNG, "png")], ids=["pdf", "png"])
def test_every_upload_is_stored_under_a_random_name_with_the_sniffed_extension(
    label, model, field, content, extension, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    names = set()
    for _attempt in range(2):
        field_file = getattr(model(), field.attname)
        field_file.save("pwn.html", ContentFile(content), save=False)
        directory, _slash, name = field_file.name.rpartition("/")
        assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", name), field_file.name
        assert "pwn" not in field_file.name
        assert (tmp_path / field_file.name).read_bytes() == content
        names.add(name)
    assert len(names) == 2
