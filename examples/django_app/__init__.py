"""A Django shop that keeps its own customers and lets pipolicy keep its records.

The same three flows as ``examples/fastapi_app``, with Django's ORM, migrations and mail:

* ``POST /users``: sign-up. The customer row (Django's ORM) and pipolicy's subject,
  consent and acquisition are one transaction: Django's. pipolicy joins it through
  :func:`django_app.accounts.privacy.django_connection`, which lends Django's own
  database connection to SQLAlchemy inside ``transaction.atomic()``.
* ``POST /newsletter/send``: mails (``django.core.mail``) the people
  ``engine.allowed_subjects`` lists.
* ``POST /users/<id>/requests/disclosure`` and ``/requests/<id>/verify``, ``/answer``:
  a disclosure request from the signed-in customer, verified and answered.

Run it (from this folder, with ``pip install 'pipolicy[sql]' django``)::

    python manage.py migrate      # Django's migrations, then pipolicy's
    python manage.py runserver

The tests (``pytest`` in this folder) use pytest-django and pipolicy's pytest fixtures.
"""
