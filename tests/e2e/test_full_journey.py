"""The whole free path in a real browser: a stranger signs up, verifies the e-mail, fills in a
profile with a Cyrillic name, enrolls, watches and reads the lessons, passes the exam,
downloads the certificate and follows its QR code to the public verify page."""

import re
import shutil
import subprocess

import pytest
from django.core import mail
from playwright.sync_api import expect

from certificates.models import Certificate
from courses.factories import CatalogPageFactory, CoursePageFactory, LessonPageFactory, TrackPageFactory, VideoFactory
from tests.courses.test_exams import make_exam

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed"),
]


@pytest.fixture
def free_course():
    track = TrackPageFactory(parent=CatalogPageFactory(), title="Cardiology", slug="cardiology")
    course = CoursePageFactory(
        parent=track, title="Echocardiography basics", slug="echo", level="basic", cme_credit_hours=6
    )
    LessonPageFactory(parent=course, title="Standard views", slug="views", video=VideoFactory(), body="<p>Notes.</p>")
    LessonPageFactory(parent=course, title="Further reading", slug="reading", video=None, body="<p>Read.</p>")
    make_exam(course, time_limit_minutes=15, pass_mark_percent=75, shuffle_options=False, shuffle_questions=False)
    return course


def test_sign_up_to_verified_certificate(page, live_server, settings, free_course, screenshot, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    settings.SITE_URL = live_server.url  # the QR code must point at this server
    page.set_viewport_size({"width": 360, "height": 740})

    # 1. Sign up; the confirmation e-mail arrives in the outbox.
    page.goto(live_server.url + free_course.url)
    page.get_by_role("link", name="Sign up to enroll for free").click()
    page.fill("input[name=email]", "aziza@example.uz")
    page.fill("input[name=password1]", "a-long-passphrase-42")
    page.fill("input[name=password2]", "a-long-passphrase-42")
    screenshot("journey-01-signup")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_text(re.compile("verif", re.I)).first).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)[0]

    # 2. Verify the address: allauth asks for a click (no confirmation on GET), then logs in.
    page.goto(link.replace(re.match(r"https?://[^/]+", link)[0], live_server.url))
    screenshot("journey-02-confirm")
    page.locator("main form button[type=submit]").first.click()

    # 3. Back on the course they came for; enrolling asks for the profile first,
    #    with the name in the trainee's own script.
    expect(page).to_have_url(live_server.url + free_course.url)
    page.get_by_role("button", name="Enroll for free").click()
    expect(page.locator("input[name=name_latin]")).to_be_visible()
    page.fill("input[name=name_latin]", "Aziza Karimova")
    page.fill("input[name=name_native]", "Азиза Каримова")
    page.select_option("select[name=country]", "UZ")
    page.select_option("select[name=specialty]", index=1)
    page.fill("input[name=institution]", "Tashkent Medical Academy")
    screenshot("journey-03-profile")
    page.locator("main form button[type=submit]").first.click()

    # 4. Saving the profile brings them back to the course; enrolling opens the first lesson.
    expect(page).to_have_url(live_server.url + free_course.url)
    page.get_by_role("button", name="Enroll for free").click()
    expect(page).to_have_url(re.compile(r"/views/$"))

    # 5. Watch the video to the end (at double speed), then read and mark the second lesson.
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.muted = true; v.playbackRate = 2; return v.play(); }"
    )
    page.wait_for_function("document.querySelector('video').ended", timeout=30_000)
    expect(page.locator("[data-progress-text]")).to_have_text("Lesson complete.", timeout=10_000)
    screenshot("journey-04-video-watched")
    page.get_by_role("link", name="Next lesson").click()
    page.get_by_role("button", name="Mark as done").click()
    # The last lesson done, the course page shows both lessons done and the exam.
    expect(page).to_have_url(live_server.url + free_course.url)
    expect(page.locator(".lesson-list li.is-done")).to_have_count(2)

    # 6. Pass the exam; the course completes and the certificate is issued.
    page.get_by_role("link", name="Completion exam").click()
    page.get_by_role("button", name="Start the exam").click()
    for answer in ("Parasternal long axis", "Pulsus paradoxus", "RV diastolic collapse", "True", "50%"):
        page.get_by_label(answer).check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("You passed.")).to_be_visible()
    screenshot("journey-05-exam-passed")

    # 7. Download the certificate from "My learning".
    page.get_by_role("link", name="My learning").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    screenshot("journey-06-dashboard-certificate")
    certificate = Certificate.objects.get()
    assert certificate.holder_name_native == "Азиза Каримова"

    # 8. Scan the QR code on the PDF and open the page it names.
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf_path), str(tmp_path / "page")], check=True)
    codes = zxingcpp.read_barcodes(Image.open(sorted(tmp_path.glob("page*.png"))[0]))
    assert len(codes) == 1 and codes[0].text.startswith(live_server.url)
    page.context.clear_cookies()  # a ministry clerk, not the trainee
    page.goto(codes[0].text)
    expect(page.get_by_text("Aziza Karimova")).to_be_visible()
    expect(page.get_by_text("Echocardiography basics")).to_be_visible()
    expect(page.get_by_text(certificate.serial)).to_be_visible()
    screenshot("journey-07-verify")
