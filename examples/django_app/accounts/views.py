"""The shop's JSON API: sign-up, the newsletter, and requests from the person.

Responses are ``pp.to_dict`` of pipolicy's records (``pp.json_schema`` describes them).
The path's user id stands for the signed-in customer: a real shop takes it from its
session, and lets only staff verify and answer. pipolicy's errors say what is wrong
without personal data, so they are returned as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django import forms
from django.core.mail import EmailMessage, get_connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

import pipolicy as pp
from django_app.accounts.models import Customer
from django_app.accounts.privacy import get_engine
from django_app.accounts.signup import sign_up

_PAGE = 500

View = Callable[..., HttpResponse]


class SignUpForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=320)
    newsletter = forms.BooleanField(required=False)  # the unticked box


def _json(view: Callable[..., Any]) -> View:
    """Answer with the view's result as JSON, and pipolicy's errors as 404 or 409."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            result = view(request, *args, **kwargs)
        except (pp.SubjectNotFound, pp.RequestNotFound) as e:
            return JsonResponse({"detail": str(e)}, status=404)
        except pp.InvalidTransition as e:
            return JsonResponse({"detail": str(e)}, status=409)
        if isinstance(result, HttpResponse):
            return result
        return JsonResponse(result, safe=False)

    return wrapped


@require_POST
@_json
def create_user(request: HttpRequest) -> Any:
    form = SignUpForm(json.loads(request.body or b"{}"))
    if not form.is_valid():
        return JsonResponse({"detail": form.errors.get_json_data()}, status=422)
    data = form.cleaned_data
    user_id = sign_up(name=data["name"], email=data["email"], newsletter=data["newsletter"])
    return JsonResponse({"id": user_id}, status=201)


@require_GET
@_json
def newsletter_decision(request: HttpRequest, user_id: int) -> Any:
    """May the shop send this customer the newsletter now? The decision, with reasons."""
    engine = get_engine()
    return pp.to_dict(engine.check_use(pp.Ref(str(user_id)), purpose="newsletter", items={"email"}))


def _pages(subjects: Iterator[pp.Subject]) -> Iterator[list[int]]:
    """Customer ids, a page at a time: the audience may be every customer."""
    page: list[int] = []
    for subject in subjects:
        page.append(int(subject.ref))
        if len(page) == _PAGE:
            yield page
            page = []
    if page:
        yield page


@require_POST
@_json
def send_newsletter(request: HttpRequest) -> Any:
    """Mail the people pipolicy allows now; the shop's own flag is not asked."""
    subject = str(json.loads(request.body or b"{}").get("subject", "News"))
    audience = get_engine().allowed_subjects(purpose="newsletter", items={"email"})
    sent = 0
    with get_connection() as mail:
        for ids in _pages(audience):
            emails = Customer.objects.filter(pk__in=ids).values_list("email", flat=True)
            messages = [EmailMessage(subject, "This month at the shop.", to=[e]) for e in emails]
            sent += mail.send_messages(messages) or 0
    return {"sent": sent}


@require_POST
@_json
def ask_for_disclosure(request: HttpRequest, user_id: int) -> Any:
    """The signed-in customer asks what the shop holds about them, answered online:
    the sign-in is their identification (the policy's ``accept_service_login``)."""
    engine = get_engine()
    # The day of the sign-in in the policy's time zone, as the request's own day:
    # the clock may run in UTC, where it is still yesterday until 09:00 in Tokyo.
    today = engine.policy.local_date(engine.now())
    signed_in = pp.Document(pp.DocumentKind.SERVICE_LOGIN, issued=today)
    asked = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=pp.Ref(str(user_id)),
        method="electronic",
        documents=[signed_in],
    )
    return JsonResponse(pp.to_dict(asked), status=201)


@require_GET
@_json
def get_request(request: HttpRequest, request_id: str) -> Any:
    return pp.to_dict(get_engine().requests.get(request_id))


@require_POST
@_json
def verify_request(request: HttpRequest, request_id: str) -> Any:
    return pp.to_dict(get_engine().requests.verify(request_id))


@require_POST
@_json
def answer_request(request: HttpRequest, request_id: str) -> Any:
    """Carry the request out; for a disclosure, every item held with its values (read
    from the customers table), purposes and history."""
    return get_engine().requests.fulfil(request_id).to_dict()
