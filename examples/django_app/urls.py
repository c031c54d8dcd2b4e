"""The shop's URLs: a JSON API, as in the FastAPI example."""

from __future__ import annotations

from django.urls import path

from django_app.accounts import views

urlpatterns = [
    path("users", views.create_user),
    path("users/<int:user_id>/newsletter", views.newsletter_decision),
    path("newsletter/send", views.send_newsletter),
    path("users/<int:user_id>/requests/disclosure", views.ask_for_disclosure),
    path("requests/<str:request_id>", views.get_request),
    path("requests/<str:request_id>/verify", views.verify_request),
    path("requests/<str:request_id>/answer", views.answer_request),
]
