"""A FastAPI shop that keeps its own users and lets pipolicy keep its records.

* ``POST /users``: sign-up. The user row, the pipolicy subject (``ref=str(user.id)``),
  the newsletter consent and the acquisition are one database transaction.
* ``GET /users/{id}/newsletter``: the decision, as JSON (``pp.to_dict``).
* ``POST /newsletter/send``: mails the people ``engine.allowed_subjects`` lists.
* ``POST /users/{id}/requests/disclosure``, ``POST /requests/{id}/verify``,
  ``POST /requests/{id}/answer``, ``GET /requests/{id}``: a disclosure request from the
  signed-in customer, verified and answered by staff.

Run it (from ``examples/``, with ``pip install 'pipolicy[sql]' fastapi uvicorn``)::

    uvicorn fastapi_app.main:app

``DATABASE_URL`` names the database (default ``sqlite:///shop.db``); on PostgreSQL,
``PIPOLICY_SCHEMA=pipolicy`` keeps pipolicy's tables in a schema of their own. The tests
(``pytest`` in this folder) use pipolicy's pytest fixtures and FastAPI's ``TestClient``.
"""
