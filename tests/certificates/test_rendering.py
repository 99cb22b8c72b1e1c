"""The certificate PDF: one A4 landscape page, every script of our trainees' names, a QR
code that leads to the verification page, and only the snapshot printed.

Certificates are built in memory (unsaved): rendering needs no database, except for the
test that proves the live course and profile are never read.
"""

import datetime
import io
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateStatus
from certificates.rendering import (
    detect_lang,
    qr_svg_data_uri,
    render_certificate_html,
    render_certificate_pdf,
    verification_url,
)

A4_LANDSCAPE = (841.89, 595.28)  # points

NAMES = {
    "cyrillic": ("Aziz Karimov", "Азиз Каримов"),
    "arabic": ("Fatima Al-Zahra", "فاطمة الزهراء"),
    "chinese": ("Wang Wei", "王伟"),
    "korean": ("Kim Min-jun", "김민준"),
}


def make_certificate(**overrides):
    fields = {
        "holder_name_latin": "Aziz Karimov",
        "holder_name_native": "Азиз Каримов",
        "course_title": "Echocardiography Basics for Clinical Practice",
        "track_title": "Cardiology",
        "cme_credit_hours": Decimal("12.0"),
        "credit_type": "AMA PRA Category 1 Credit-equivalent",
        "completed_on": datetime.date(2026, 11, 23),
        "issuer": "Medical Korea Academy, Republic of Korea",
        "serial": "MKA-2026-000001",
        "public_code": "Xk3_9fQpL2mZr7TbA1cD0w",
    }
    fields.update(overrides)
    return Certificate(**fields)


def pdf_pages(pdf):
    return PdfReader(io.BytesIO(pdf)).pages


def pdf_text(pdf):
    return "\n".join(page.extract_text() for page in pdf_pages(pdf))


def normalised(text):
    # NFKC folds Arabic presentation forms (the joined glyph shapes) back to plain letters.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.fixture(scope="module")
def rendered():
    """One PDF per script, rendered once for the module (WeasyPrint takes ~0.1-0.3 s each)."""
    return {
        script: render_certificate_pdf(
            make_certificate(
                holder_name_latin=latin, holder_name_native=native, serial=f"MKA-2026-00000{i}"
            )
        )
        for i, (script, (latin, native)) in enumerate(NAMES.items(), 1)
    }


# --- Names in every script -------------------------------------------------------------


@pytest.mark.parametrize("script", ["cyrillic", "chinese", "korean"])
def test_pdf_contains_latin_and_native_name(rendered, script):
    latin, native = NAMES[script]
    text = pdf_text(rendered[script])
    assert latin in text
    assert native in text


def test_arabic_name_is_in_the_text_and_runs_right_to_left(rendered):
    latin, native = NAMES["arabic"]
    pdf = rendered["arabic"]
    text = normalised(pdf_text(pdf))
    assert latin in text
    # pypdf 7 gives the Arabic back in logical order (what was typed). Other extractors
    # give visual order (glyphs left to right), so the reversed form is accepted too: either
    # proves the glyphs carry the right letters. Direction is checked on geometry below.
    assert normalised(native) in text or normalised(native)[::-1] in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_arabic_words_are_laid_out_right_to_left(rendered, tmp_path):
    # pdftotext -bbox lists each word with its position (letters in visual order): in a
    # right-to-left line the first word of the name, فاطمة, stands to the right of the second.
    path = tmp_path / "arabic.pdf"
    path.write_bytes(rendered["arabic"])
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = {
        normalised(word): float(x_min)
        for x_min, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', xml)
    }
    first, second = (normalised(w) for w in NAMES["arabic"][1].split())
    x_first = words.get(first, words.get(first[::-1]))
    x_second = words.get(second, words.get(second[::-1]))
    assert x_first is not None and x_second is not None, words
    assert x_first > x_second


def test_native_name_gets_a_language_tag_and_direction():
    assert detect_lang("Азиз Каримов") == "ru"
    assert detect_lang("فاطمة الزهراء") == "ar"
    assert detect_lang("王伟") == "zh"
    assert detect_lang("김민준") == "ko"
    assert detect_lang("金敏俊 김민준") == "ko"  # Hangul wins over Hanja
    assert detect_lang("ᠪᠠᠲᠤ") == "mn"
    assert detect_lang("") == ""

    html = render_certificate_html(make_certificate(holder_name_native="فاطمة الزهراء"))
    assert 'dir="rtl" lang="ar"' in html
    html = render_certificate_html(make_certificate(holder_name_native="王伟"))
    assert 'dir="auto" lang="zh"' in html


def test_cjk_names_use_the_matching_noto_face(rendered):
    def fonts(pdf):
        names = set()
        for page in pdf_pages(pdf):
            for font in page["/Resources"]["/Font"].values():
                names.add(str(font.get_object()["/BaseFont"]))
        return " ".join(names)

    assert "Noto-Sans-CJK-SC" in fonts(rendered["chinese"])
    assert "Noto-Sans-CJK-KR" in fonts(rendered["korean"])
    assert "Noto-Sans-Arabic" in fonts(rendered["arabic"])
    assert "DejaVu" not in fonts(rendered["arabic"])


def test_without_native_name_nothing_empty_is_printed():
    html = render_certificate_html(make_certificate(holder_name_native=""))
    assert "holder-native" not in html.split("<body>")[1]


# --- The page ------------------------------------------------------------------------


@pytest.mark.parametrize("script", list(NAMES))
def test_exactly_one_a4_landscape_page(rendered, script):
    pages = pdf_pages(rendered[script])
    assert len(pages) == 1
    box = pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_LANDSCAPE[0], abs=1)
    assert float(box.height) == pytest.approx(A4_LANDSCAPE[1], abs=1)


@pytest.mark.parametrize("language", ["", "ru", "ar"])
def test_a_long_title_and_long_names_still_fit_on_one_page(language):
    pdf = render_certificate_pdf(
        make_certificate(
            language=language,
            holder_name_latin="Maria Fernanda de los Ángeles Gutiérrez-Villanueva Oyunchimeg",
            holder_name_native="Мария Фернанда де лос Анхелес Гутьеррес-Вильянуэва",
            course_title="Advanced Structural Heart Interventions: Transcatheter Aortic Valve "
            "Implantation, Mitral Edge-to-Edge Repair and Left Atrial Appendage Occlusion in Daily Practice",
            track_title="Interventional Cardiology and Structural Heart Disease",
            credit_type="AMA PRA Category 1 Credit-equivalent, accredited by the Korean Medical Association",
        )
    )
    assert len(pdf_pages(pdf)) == 1


def test_printed_facts(rendered):
    text = normalised(pdf_text(rendered["cyrillic"]))
    for expected in [
        "Certificate of Completion",
        "This is to certify that",
        "has successfully completed the online course",
        "Echocardiography Basics for Clinical Practice",
        "Cardiology",
        "12 CME credit hours (AMA PRA Category 1 Credit-equivalent)",
        "23 November 2026",
        "Medical Korea Academy, Republic of Korea",
        "Director, Medical Korea Academy",
        "Dean of Education",
        "MKA-2026-000001",
    ]:
        assert expected in text, expected


def test_fractional_and_single_credit_hours():
    assert "7.5 CME credit hours" in normalised(
        render_certificate_html(make_certificate(cme_credit_hours=Decimal("7.5")))
    )
    assert "1 CME credit hour</p>" in normalised(
        render_certificate_html(make_certificate(cme_credit_hours=Decimal("1.0"), credit_type=""))
    )


def test_a_revoked_certificate_is_marked_void():
    html = render_certificate_html(make_certificate(status=CertificateStatus.REVOKED))
    assert 'class="void"' in html
    assert 'class="void"' not in render_certificate_html(make_certificate())


# --- Verification ----------------------------------------------------------------------


def test_verification_url_is_absolute_and_uses_site_url(settings):
    settings.SITE_URL = "https://eclass.example.org/"
    cert = make_certificate()
    url = verification_url(cert)
    assert url == "https://eclass.example.org" + reverse(
        "certificates:verify", args=[cert.public_code]
    )
    assert url.startswith("https://eclass.example.org/") and url.endswith(f"/{cert.public_code}/")


def test_qr_svg_data_uri():
    uri = qr_svg_data_uri("https://eclass.example.org/verify/abc/")
    assert uri.startswith("data:image/svg+xml")


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_qr_code_decodes_to_the_verification_url(settings, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    settings.SITE_URL = "https://eclass.example.org"
    cert = make_certificate(public_code="Qm7_Zr2pXk9LtB4wN8sY1a")
    (tmp_path / "cert.pdf").write_bytes(render_certificate_pdf(cert))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "cert.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 1
    codes = zxingcpp.read_barcodes(Image.open(pngs[0]))
    assert [c.text for c in codes] == [verification_url(cert)]
    assert codes[0].text.startswith("https://eclass.example.org/")
    # The URL is printed too, for a reader without a phone.
    assert verification_url(cert) in normalised(
        pdf_text((tmp_path / "cert.pdf").read_bytes())
    ).replace(" ", "")


# --- Snapshot only ---------------------------------------------------------------------


@pytest.mark.django_db
def test_rendering_prints_the_snapshot_not_live_data():
    from courses.factories import EnrollmentFactory
    from lms.accounts.models import TraineeProfile

    enrollment = EnrollmentFactory()
    user, course = enrollment.user, enrollment.course
    cert = make_certificate(
        enrollment=enrollment,
        holder_name_latin="Aziz Karimov",
        course_title="Echocardiography Basics (2026 edition)",
    )
    cert.save()

    # The live data changes after issue: a new course title, a renamed holder.
    course.title = "Renamed Course Title 2030"
    course.save()
    user.first_name, user.last_name = "Someone", "Else"
    user.save()
    TraineeProfile.objects.update_or_create(
        user=user, defaults={"name_latin": "Someone Else", "name_native": "Кто-то Другой"}
    )

    cert.refresh_from_db()
    text = normalised(pdf_text(render_certificate_pdf(cert)))
    assert "Aziz Karimov" in text
    assert "Echocardiography Basics (2026 edition)" in text
    assert "Renamed Course Title 2030" not in text
    assert "Someone" not in text and "Кто-то Другой" not in text
    assert "Азиз Каримов" in text


def test_rendering_reads_nothing_but_the_snapshot():
    # An unsaved certificate without an enrollment renders: touching cert.enrollment
    # (the live course, the live profile) would raise RelatedObjectDoesNotExist.
    cert = make_certificate()
    with pytest.raises(Certificate.enrollment.RelatedObjectDoesNotExist):
        cert.enrollment  # noqa: B018
    assert pdf_text(render_certificate_pdf(cert))


# --- Bilingual wording -------------------------------------------------------------------


def test_the_wording_is_printed_again_in_the_holders_russian():
    text = normalised(pdf_text(render_certificate_pdf(make_certificate(language="ru"))))
    assert "Certificate of Completion" in text and "This is to certify that" in text
    assert "Сертификат об окончании курса" in text
    assert "Настоящим удостоверяется, что" in text
    assert "Завершён 23 ноября 2026 г." in text
    assert "Кредитные часы НМО: 12" in text


def test_the_arabic_wording_is_tagged_right_to_left():
    certificate = make_certificate(language="ar", holder_name_latin="Fatima Al-Zahra", holder_name_native="فاطمة الزهراء")
    html = render_certificate_html(certificate)
    assert '<p class="second second-title" lang="ar" dir="rtl">شهادة إتمام</p>' in html
    text = normalised(pdf_text(render_certificate_pdf(certificate)))
    assert normalised("شهادة إتمام") in text or normalised("شهادة إتمام")[::-1] in text


def test_an_english_certificate_has_no_second_language():
    html = render_certificate_html(make_certificate(language=""))
    assert 'class="second' not in html
    assert "Сертификат" not in html
