"""The default certificate design: today's wording, colours and (made-up) signatories.

Certificates issued before this migration printed the built-in signatories: they are
written into their snapshot, so what a re-render prints no longer depends on code.
"""

from django.db import migrations

SIGNATORIES = [
    {"name": "Prof. Kim Jae-won", "title": "Director, Medical Korea Academy", "signature_image_id": None},
    {"name": "Prof. Lee Soo-jin", "title": "Dean of Education", "signature_image_id": None},
]


def create_default_design(apps, schema_editor):
    CertificateDesign = apps.get_model("certificates", "CertificateDesign")
    CertificateSignatory = apps.get_model("certificates", "CertificateSignatory")
    Certificate = apps.get_model("certificates", "Certificate")

    if not CertificateDesign.objects.exists():
        design = CertificateDesign.objects.create(
            name="Default design",
            is_active=True,
            heading="Medical Korea Academy",
            subheading="MKA e-class",
            title="Certificate of Completion",
            certify_text="This is to certify that",
            completed_text="has successfully completed the online course",
            primary_colour="#0b4f71",
            accent_colour="#b8963e",
        )
        for order, signatory in enumerate(SIGNATORIES):
            CertificateSignatory.objects.create(
                design=design, sort_order=order, name=signatory["name"], title=signatory["title"]
            )
    Certificate.objects.filter(signatories=[]).update(signatories=SIGNATORIES)


def remove_default_design(apps, schema_editor):
    apps.get_model("certificates", "CertificateDesign").objects.filter(name="Default design").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0004_certificate_design"),
    ]

    operations = [
        migrations.RunPython(create_default_design, remove_default_design),
    ]
