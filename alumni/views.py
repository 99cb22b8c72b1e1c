"""The alumni area: alumni only, never indexed, never cached."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from lms.accounts.services import is_staff_user

from . import directory, newsletter, services
from .exceptions import AlumniError
from .forms import ChapterNewsForm, ContactForm, DirectoryEntryForm, DirectoryFilterForm
from .models import Chapter, ChapterNewsPost, NewsletterIndexPage, NewsletterPage

DIRECTORY_PAGE_SIZE = 24
CONTACT_RATE = getattr(settings, "ALUMNI_CONTACT_RATE", "10/h")  # messages per sender


def private(response):
    """Alumni pages stay out of search engines and shared caches, and are never reused stale:
    hiding yourself must take effect on the next request."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def not_alumnus(request):
    """Anonymous visitors log in first (an alumnus comes back where they were going); a signed-in
    trainee who is not an alumnus yet is told how to become one."""
    if not request.user.is_authenticated:
        return private(redirect_to_login(request.get_full_path()))
    return private(render(request, "alumni/not_alumnus.html", status=403))


def alumni_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = services.membership_of(request.user)
        if membership is None:
            return not_alumnus(request)
        request.alumni_membership = membership
        return private(view(request, *args, **kwargs))

    return wrapper


def alumni_page(request, serve):
    """Gate for the Wagtail pages of the alumni area (newsletter archive); staff may look too."""
    if not (services.is_alumnus(request.user) or is_staff_user(request.user)):
        return not_alumnus(request)
    return private(serve())


# --- Home --------------------------------------------------------------------------------


@alumni_required
def home(request):
    membership = request.alumni_membership
    archive = NewsletterIndexPage.objects.live().first()
    issues = NewsletterPage.objects.live().order_by("-first_published_at")[:3] if archive else []
    return render(
        request,
        "alumni/home.html",
        {
            "membership": membership,
            "entry": directory.entry_of(membership),
            "recent": [directory.card(entry) for entry in directory.listed_entries().order_by("-updated_at")[:6]],
            "chapter": membership.chapter,
            "chapter_news": ChapterNewsPost.objects.filter(chapter=membership.chapter)[:3]
            if membership.chapter
            else [],
            "chapters": Chapter.objects.all(),
            "archive": archive,
            "issues": issues,
            "subscribed": newsletter.is_subscribed(request.user),
        },
    )


# --- Directory ---------------------------------------------------------------------------


def _directory_results(request):
    form = DirectoryFilterForm(request.GET or None, choices=directory.filter_choices())
    entries = directory.search(**form.filters())
    page = Paginator(entries, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return form, page, [directory.card(entry) for entry in page.object_list]


@alumni_required
def directory_list(request):
    form, page, cards = _directory_results(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "alumni/directory.html",
        {
            "form": form,
            "page": page,
            "cards": cards,
            "query": query.urlencode(),
            "entry": directory.entry_of(request.alumni_membership),
        },
    )


@alumni_required
def directory_json(request):
    """The same search as JSON, for live filtering (same cards, so the same hidden items)."""
    _form, page, cards = _directory_results(request)
    return JsonResponse(
        {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "results": cards}
    )


@alumni_required
def entry_detail(request, pk):
    entry = directory.visible_entry(pk, request.user)
    if entry is None:
        raise Http404
    return render(
        request,
        "alumni/entry.html",
        {
            "entry": entry,
            "card": directory.card(entry),
            "own": entry.membership.user_id == request.user.pk,
            "can_contact": directory.can_contact(entry, request.user),
        },
    )


@alumni_required
def entry_photo(request, pk):
    entry = directory.visible_entry(pk, request.user)
    own = entry is not None and entry.membership.user_id == request.user.pk
    if entry is None or not entry.photo or not (entry.show_photo or own):
        raise Http404
    return FileResponse(entry.photo.open("rb"), content_type="image/jpeg")


@alumni_required
def my_entry(request):
    entry = directory.entry_of(request.alumni_membership)
    form = DirectoryEntryForm(request.POST or None, request.FILES or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        entry = form.save_entry()
        if entry.listed:
            messages.success(request, _("Saved. Alumni now see your entry as shown below."))
            return redirect("alumni:entry", pk=entry.pk)
        messages.success(request, _("Saved. You are not listed in the directory."))
        return redirect("alumni:my_entry")
    return render(request, "alumni/my_entry.html", {"form": form, "entry": entry})


@require_POST
@alumni_required
def hide_me(request):
    directory.hide(directory.entry_of(request.alumni_membership))
    messages.success(request, _("You are hidden from the directory. Nobody can open your entry or write to you."))
    return redirect("alumni:my_entry")


def _contact_rate(group, request):
    return CONTACT_RATE


@ratelimit(group="alumni-contact", key="user_or_ip", rate=_contact_rate, method="POST", block=False)
@alumni_required
def contact(request, pk):
    entry = directory.visible_entry(pk, request.user)
    if entry is None or not directory.can_contact(entry, request.user):
        raise Http404
    form = ContactForm(request.POST or None)
    card = directory.card(entry)
    if request.method == "POST":
        if getattr(request, "limited", False):
            messages.error(request, _("You have sent many messages in a short time. Please try again later."))
            return render(request, "alumni/contact.html", {"form": form, "card": card}, status=429)
        if form.is_valid():
            try:
                directory.send_message(request.user, entry, **form.cleaned_data)
            except AlumniError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("Your message to %(name)s is on its way by e-mail.") % {"name": card["name"]}
                )
                return redirect("alumni:entry", pk=entry.pk)
    return render(request, "alumni/contact.html", {"form": form, "card": card})


# --- Chapters ----------------------------------------------------------------------------


def _chapter_viewer(request, chapter):
    return services.is_alumnus(request.user) or services.is_chapter_moderator(request.user, chapter)


def chapter_detail(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug)
    if not _chapter_viewer(request, chapter):
        return not_alumnus(request)
    members = directory.listed_entries().filter(membership__chapter=chapter, show_country=True)
    return private(
        render(
            request,
            "alumni/chapter.html",
            {
                "chapter": chapter,
                "members": [directory.card(entry) for entry in members[:60]],
                "member_count": members.count(),
                "moderators": chapter.moderators.select_related("profile"),
                "news": chapter.news.select_related("author__profile")[:20],
                "is_moderator": services.is_chapter_moderator(request.user, chapter),
            },
        )
    )


def _moderator_only(request, chapter):
    if not services.is_chapter_moderator(request.user, chapter):
        raise PermissionDenied(_("Only this chapter's moderators can post its news."))


@login_required
def chapter_news_new(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug)
    _moderator_only(request, chapter)
    form = ChapterNewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.post_chapter_news(chapter, request.user, **form.cleaned_data)
        messages.success(request, _("News posted."))
        return redirect("alumni:chapter", slug=chapter.slug)
    return private(render(request, "alumni/chapter_news_form.html", {"form": form, "chapter": chapter}))


@login_required
def chapter_news_edit(request, slug, pk):
    post = get_object_or_404(ChapterNewsPost.objects.select_related("chapter"), pk=pk, chapter__slug=slug)
    _moderator_only(request, post.chapter)
    form = ChapterNewsForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        services.edit_chapter_news(post, request.user, **form.cleaned_data)
        messages.success(request, _("News updated."))
        return redirect("alumni:chapter", slug=post.chapter.slug)
    return private(
        render(request, "alumni/chapter_news_form.html", {"form": form, "chapter": post.chapter, "post": post})
    )


@login_required
def chapter_news_delete(request, slug, pk):
    post = get_object_or_404(ChapterNewsPost.objects.select_related("chapter"), pk=pk, chapter__slug=slug)
    _moderator_only(request, post.chapter)
    if request.method == "POST":
        services.delete_chapter_news(post, request.user)
        messages.success(request, _("News deleted."))
        return redirect("alumni:chapter", slug=post.chapter.slug)
    return private(render(request, "alumni/chapter_news_delete.html", {"post": post, "chapter": post.chapter}))


# --- Newsletter subscription -------------------------------------------------------------


@require_POST
@alumni_required
def subscription(request):
    if request.POST.get("subscribe") == "1":
        newsletter.resubscribe(request.user)
        messages.success(request, _("You will receive the alumni newsletter again."))
    else:
        newsletter.unsubscribe(request.user)
        messages.success(request, _("You will not receive the alumni newsletter any more."))
    return redirect("alumni:home")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie or token
def unsubscribe(request, token):
    user = newsletter.user_from_token(token)
    if user is None:
        return private(render(request, "alumni/unsubscribe.html", {"invalid": True}, status=400))
    if request.method == "POST":
        newsletter.unsubscribe(user)
        return private(render(request, "alumni/unsubscribe.html", {"done": True, "subscriber": user}))
    return private(render(request, "alumni/unsubscribe.html", {"subscriber": user, "token": token}))
